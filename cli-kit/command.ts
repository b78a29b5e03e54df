/**
 * commander, set up the same way for every tool: errors as exceptions (the entry decides the exit code),
 * a hint to `--help` and a did-you-mean after an unknown option or command, no stray arguments, required
 * options marked in `--help`, and the exit-code table at the end of every help.
 */
import { CommanderError, Help, type Command, type Option, type OutputConfiguration } from "commander";
import { EXIT, EXIT_CODES_HELP, type ExitCode } from "./exit-codes";

/** What a run of a tool prints and its exit code (tests call the tools in process). */
export interface CliRun {
  readonly exitCode: ExitCode;
  readonly stdout: string;
  readonly stderr: string;
}

const defaultHelp = new Help();

/**
 * Options declared with `makeOptionMandatory()`. commander checks those before it looks for unknown
 * options, so `--stak prod` would say "--stack is required" instead of "did you mean --stack?": the kit
 * takes the check over and runs it once the options are known to be valid (`checkRequiredOptions`).
 */
const REQUIRED = new WeakSet<Option>();

/** An option's help text, with "(required)" in front for a mandatory one. */
function optionDescription(option: Option): string {
  const text = defaultHelp.optionDescription(option);
  return REQUIRED.has(option) ? `(required) ${text}` : text;
}

/** Fails (as commander does) when a required option of `command` was not given. */
export function checkRequiredOptions(command: Command): void {
  for (const option of command.options)
    if (REQUIRED.has(option) && command.getOptionValue(option.attributeName()) === undefined)
      command.error(`error: required option '${option.flags}' not specified`, {
        code: "commander.missingMandatoryOptionValue",
      });
}

function configureTree(command: Command, output: Partial<OutputConfiguration> | undefined): void {
  for (const option of command.options)
    if (option.mandatory) {
      option.mandatory = false;
      REQUIRED.add(option);
    }
  command
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    // Wrapped at 110 columns whatever the terminal: long option names would otherwise leave commander no
    // room to wrap descriptions in 80 columns, and CI logs have no width.
    .configureHelp({ optionDescription, helpWidth: 110 });
  if (output) command.configureOutput(output);
  for (const sub of command.commands) configureTree(sub, output);
}

/** Applies the shared settings to `command` and every subcommand. */
export function configureCli(command: Command, output?: Partial<OutputConfiguration>): Command {
  configureTree(command, output);
  // Runs after commander refused unknown options, before the command's action.
  return command.hook("preAction", (_root, action) => checkRequiredOptions(action));
}

/** Adds the exit-code table after the help of `command` and of all its subcommands. */
export function withExitCodes(command: Command): Command {
  return command.addHelpText("afterAll", `\n${EXIT_CODES_HELP}\n`);
}

/**
 * Parses `argv` (the arguments after `--`) with a command that has no subcommands. Returns the run to end
 * with when commander is done (`--help`: exit 0; a usage mistake: exit 2 with commander's message), else
 * `undefined` and the command holds the parsed options.
 */
export function parseCommandLine(command: Command, argv: readonly string[]): CliRun | undefined {
  const out: string[] = [];
  const err: string[] = [];
  configureCli(withExitCodes(command), { writeOut: (t) => out.push(t), writeErr: (t) => err.push(t) });
  try {
    command.parse([...argv], { from: "user" });
    checkRequiredOptions(command);
    return undefined;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return {
      exitCode: error.exitCode === 0 ? EXIT.ok : EXIT.usage,
      stdout: out.join("").trimEnd(),
      stderr: err.join("").trimEnd(),
    };
  }
}
