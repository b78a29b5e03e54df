/**
 * The command tree of `npm run ops`: global options and one command per file, nothing else. Built from
 * a context factory so that tests run every command in-process against fakes.
 */
import { Command, Option } from "commander";
import { drDrillCommand } from "../commands/dr-drill";
import { featureDestroyCommand } from "../commands/feature-destroy";
import { featureGcCommand } from "../commands/feature-gc";
import { featureListCommand } from "../commands/feature-list";
import { featureUpCommand } from "../commands/feature-up";
import { releasePromoteCommand } from "../commands/release-promote";
import { releaseRollbackCommand } from "../commands/release-rollback";
import { releaseStartCommand } from "../commands/release-start";
import { releaseStatusCommand } from "../commands/release-status";
import { BACKEND_ENV, SECRETS_PROVIDER_ENV } from "../pulumi/backend";
import { examples, type CommandDeps } from "../commands/wiring";

/** Where commander writes help and its own errors (the process streams, or buffers in tests). */
export interface HelpOutput {
  readonly writeOut: (text: string) => void;
  readonly writeErr: (text: string) => void;
}

function group(name: string, description: string, commands: readonly Command[]): Command {
  const command = new Command(name).description(description);
  for (const c of commands) command.addCommand(c);
  return command;
}

/** Settings every command shares: errors as exceptions (the entry decides the exit code), help on errors. */
function configure(command: Command, output: HelpOutput | undefined): void {
  command.exitOverride().showHelpAfterError("(add --help for usage)").allowExcessArguments(false);
  if (output) command.configureOutput(output);
  for (const sub of command.commands) configure(sub, output);
}

export function buildProgram(deps: CommandDeps, output?: HelpOutput): Command {
  const program = new Command("npm run ops --")
    .description(
      "Operations on the module6 stacks through Pulumi's Automation API: per-pull-request environments, " +
        "safe releases and the disaster-recovery drill.",
    )
    .addOption(
      new Option("--json", "print the result as one JSON document on stdout (progress stays on stderr)"),
    )
    .addOption(
      new Option(
        "--backend-url <url>",
        `Pulumi state backend, gs://<bucket>[/<path>] (default: $${BACKEND_ENV})`,
      ),
    )
    .addOption(
      new Option(
        "--secrets-provider <url>",
        `secrets provider for new stacks, gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k> (default: $${SECRETS_PROVIDER_ENV})`,
      ),
    )
    .addCommand(
      group("feature", "private per-pull-request environments (feature-<slug> stacks)", [
        featureUpCommand(deps),
        featureDestroyCommand(deps),
        featureListCommand(deps),
        featureGcCommand(deps),
      ]),
    )
    .addCommand(
      group("release", "canary and blue-green releases of one service, promote, rollback, status", [
        releaseStartCommand(deps),
        releasePromoteCommand(deps),
        releaseRollbackCommand(deps),
        releaseStatusCommand(deps),
      ]),
    )
    .addCommand(group("dr", "disaster recovery", [drDrillCommand(deps)]))
    .addHelpText(
      "after",
      examples(
        "npm run ops -- feature up --pr 123 --image api=asia-northeast3-docker.pkg.dev/p/r/api:pr-123",
        "npm run ops -- --json feature gc --closed-file closed.json",
        "npm run ops -- release start --stack prod --service api --image …/api:2.4.0 --percent 10 --analyze",
        "npm run ops -- dr drill --env prod --collection users=100",
      ) + "\nDocumentation: docs/operations.md\n",
    );
  configure(program, output);
  return program;
}
