/**
 * Shared wiring of commands: turning commander's parsed options into a context and a run, and the
 * settings every (sub)command gets.
 */
import type { Command } from "commander";
import type { ContextFactory, GlobalOptions, OpsContext } from "../context/context";

/** Receives a command's exit code (the entry sets `process.exitCode`; tests record it). */
export type ExitSink = (code: number) => void;

/** What every command file receives from the program builder. */
export interface CommandDeps {
  readonly context: ContextFactory;
  readonly exit: ExitSink;
}

/**
 * Sets `run` as the command's action: it gets a context built from the global options and the command's
 * own options, and its return value becomes the exit code.
 */
export function runAction<O>(
  command: Command,
  deps: CommandDeps,
  run: (ctx: OpsContext, options: O, command: Command) => Promise<number>,
): Command {
  return command.action(async (_options: unknown, cmd: Command) => {
    const globals = cmd.optsWithGlobals<GlobalOptions>();
    deps.exit(await run(deps.context(globals), cmd.opts() as O, cmd));
  });
}

/** True when the user gave the option on the command line (not its default or environment value). */
export function givenOnCommandLine(command: Command, key: string): boolean {
  return command.getOptionValueSource(key) === "cli";
}

/** `Examples:` help text. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}`;
}
