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
import { configureCli, withExitCodes } from "../../cli-kit/command";
import { prepareOutFile } from "../../cli-kit/files";

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
        "--out <file>",
        "write the result (the JSON document with --json) to this file instead of stdout; its directory is created",
      ).argParser((file) => prepareOutFile(file)),
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
        "npm run -s ops -- --json --out reports/gc.json feature gc --closed-file closed.json",
        "npm run ops -- release start --stack prod --service api --image …/api:2.4.0 --percent 10 --analyze",
        "npm run ops -- dr drill --env prod --collection users=100",
      ) + "\n\nDocumentation: docs/operations.md",
    );
  // Every command's help ends with the exit codes; errors are exceptions that the entry turns into them.
  configureCli(withExitCodes(program), output);
  return program;
}
