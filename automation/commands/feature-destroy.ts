/**
 * `feature destroy --pr <n> | --branch <name> | --stack feature-<slug>`: destroys a feature environment
 * and removes its stack. Succeeds when it is already gone; refuses any stack that is not a feature stack.
 */
import { Command, Option } from "commander";
import { examples, runAction, type CommandDeps } from "./wiring";
import type { OpsContext } from "../context/context";
import { parsePr } from "./option-parsers";
import { usageError } from "../core/errors";
import { describeChanges } from "../pulumi/progress";

export interface FeatureDestroyOptions {
  readonly pr?: number;
  readonly branch?: string;
  readonly stack?: string;
}

export function featureDestroyCommand(deps: CommandDeps): Command {
  const command = new Command("destroy")
    .description("destroy a feature environment and remove its stack (succeeds when it is already gone)")
    .addOption(
      new Option("--pr <number>", "pull request number (stack feature-pr-<number>)").argParser(parsePr),
    )
    .addOption(new Option("--branch <name>", "branch of an environment created without --pr").conflicts("pr"))
    .addOption(new Option("--stack <name>", "the feature stack by name").conflicts(["pr", "branch"]))
    .addHelpText(
      "after",
      examples(
        "npm run ops -- feature destroy --pr 123",
        "npm run -s ops -- feature destroy --stack feature-pr-123 --json",
      ),
    );
  return runAction(command, deps, runFeatureDestroy);
}

export async function runFeatureDestroy(ctx: OpsContext, options: FeatureDestroyOptions): Promise<number> {
  if (options.pr === undefined && options.branch === undefined && options.stack === undefined)
    throw usageError("feature destroy needs --pr <number>, --branch <name> or --stack <feature-stack>");
  const { featureStackFor } = await import("../feature/stack-name");
  const { assertFeatureStackName, destroyFeatureStack } = await import("../feature/destroy");
  const stack = options.stack ?? featureStackFor(options);
  assertFeatureStackName(stack);
  const automation = await ctx.automation("infra");
  const outcome = await destroyFeatureStack(ctx, automation, stack);
  const human =
    outcome.status === "absent"
      ? `${stack} does not exist: nothing to destroy`
      : outcome.status === "removed"
        ? `${stack} had no resources: removed`
        : outcome.status === "skipped"
          ? `${stack} kept: ${outcome.reason}`
          : `${stack} destroyed and removed: ${describeChanges(outcome.changes)}`;
  ctx.out.result(human, { stack, ...outcome });
  return 0;
}
