/**
 * `feature up --pr <n> [--branch <name>] [--image service=ref …] [--ttl 72h]`: creates or updates a pull
 * request's private environment — staging's config with the feature preset and the pull request's images —
 * tags it, runs `up` with the policy pack, and prints the service URLs. Running it again updates the same
 * stack and extends its expiry.
 */
import { Command, Option } from "commander";
import { examples, runAction, type CommandDeps } from "../cli/command";
import type { OpsContext } from "../cli/context";
import { engineOperation } from "../cli/operation";
import { table } from "../cli/output";
import { durationParser, parseImageOverride, parsePr } from "../cli/parse";
import { policyPackOptions, resolvePolicyPacks } from "../cli/policy-pack";
import { usageError } from "../errors";
import { serviceUrls } from "../feature/outputs";
import { featureTags, readFeatureTags, type FeatureStackTags } from "../feature/tags";
import { describeChanges } from "../pulumi/progress";
import { formatDuration } from "../time";

const HOUR = 3_600_000;
/** How long a feature environment lives without a new `feature up`. */
export const DEFAULT_TTL_MS = 72 * HOUR;

export interface FeatureUpOptions {
  readonly pr?: number;
  readonly branch?: string;
  readonly image?: Readonly<Record<string, string>>;
  readonly ttl: number;
  readonly creator?: string;
  readonly policyPack?: string | false;
}

export function featureUpCommand(deps: CommandDeps): Command {
  const command = new Command("up")
    .description("create or update a pull request's private environment and print its service URLs")
    .addOption(
      new Option("--pr <number>", "pull request number: the stack is feature-pr-<number>").argParser(parsePr),
    )
    .addOption(
      new Option(
        "--branch <name>",
        "the pull request's branch (a tag); names the stack when there is no --pr",
      ),
    )
    .addOption(
      new Option("--image <service=ref>", "image a service runs instead of staging's (repeatable)").argParser(
        parseImageOverride,
      ),
    )
    .addOption(
      new Option("--ttl <duration>", "lifetime from now; feature gc removes the environment after it")
        .default(DEFAULT_TTL_MS, "72h")
        .argParser(durationParser(HOUR, 30 * 24 * HOUR)),
    )
    .addOption(
      new Option(
        "--creator <name>",
        "who asked for the environment, a tag (default: $GITHUB_ACTOR, else $USER)",
      ),
    )
    .addHelpText(
      "after",
      examples(
        "npm run ops -- feature up --pr 123 --branch feat/login --image api=asia-northeast3-docker.pkg.dev/p/r/api:pr-123",
        "npm run ops -- feature up --pr 123 --ttl 24h --json",
      ),
    );
  for (const option of policyPackOptions()) command.addOption(option);
  return runAction(command, deps, runFeatureUp);
}

/** Refuses to take over a stack that another pull request or branch created (names can collide). */
function checkOwnership(stack: string, existing: FeatureStackTags, options: FeatureUpOptions): void {
  if (existing.pr !== undefined && existing.pr !== options.pr)
    throw usageError(
      `stack ${stack} belongs to pull request #${existing.pr}; refusing to update it for this one`,
    );
  if (options.pr === undefined && existing.branch !== undefined && existing.branch !== options.branch)
    throw usageError(
      `stack ${stack} belongs to branch "${existing.branch}"; refusing to update it for this one`,
    );
}

export async function runFeatureUp(ctx: OpsContext, options: FeatureUpOptions): Promise<number> {
  if (options.pr === undefined && options.branch === undefined)
    throw usageError(
      "feature up needs --pr <number> (or --branch <name> for a branch without a pull request)",
    );
  const { featureStackFor } = await import("../feature/stack-name");
  const { featureConfig } = await import("../feature/config");
  const stack = featureStackFor(options);
  const { config, source } = featureConfig(ctx.root, stack, options.image ?? {});
  const policyPacks = resolvePolicyPacks(ctx.root, options.policyPack, ctx.out);
  const automation = await ctx.automation("infra", { createsStacks: true });

  const start = ctx.clock();
  const { created } = await automation.createOrSelectStack(stack);
  let createdAt = start;
  let current: Record<string, string> = {};
  if (!created) {
    const existing = readFeatureTags(await automation.getTags(stack));
    checkOwnership(stack, existing, options);
    createdAt = existing.created ?? start;
    current = await automation.getConfig(stack);
  }
  ctx.out.info(`${created ? "created" : "updating"} stack ${stack}; config from ${source}`);
  // Config and tags are written one after the other: concurrent writes to one stack file race.
  await automation.setConfig(stack, config);
  const stale = Object.keys(current).filter((key) => !(key in config));
  if (stale.length > 0) {
    ctx.out.info(`removing config staging no longer has: ${stale.join(", ")}`);
    await automation.removeConfig(stack, stale);
  }
  const expires = new Date(start.getTime() + options.ttl);
  await automation.setTags(
    stack,
    featureTags({
      ...(options.pr !== undefined ? { pr: options.pr } : {}),
      ...(options.branch !== undefined ? { branch: options.branch } : {}),
      creator: options.creator ?? ctx.env.GITHUB_ACTOR ?? ctx.env.USER ?? "unknown",
      created: createdAt,
      expires,
    }),
  );

  const outcome = await engineOperation(ctx, automation, stack, "up", (operation) =>
    automation.up(stack, {
      ...operation,
      policyPacks,
      message:
        options.pr !== undefined ? `feature up for pull request #${options.pr}` : `feature up for ${stack}`,
    }),
  );
  const urls = serviceUrls(outcome.outputs);
  const elapsedMs = ctx.clock().getTime() - start.getTime();
  const human = [
    `${stack} is up (${created ? "created" : "updated"}) in ${formatDuration(elapsedMs)}: ${describeChanges(outcome.changes)}`,
    table(
      ["SERVICE", "URL"],
      Object.entries(urls).map(([name, url]) => [name, url]),
    ),
    `expires ${expires.toISOString()} (in ${formatDuration(options.ttl)}); reviewers reach it through IAP`,
  ].join("\n");
  ctx.out.result(human, {
    stack,
    created,
    ...(options.pr !== undefined ? { pr: options.pr } : {}),
    ...(options.branch !== undefined ? { branch: options.branch } : {}),
    expires: expires.toISOString(),
    durationSeconds: Math.round(elapsedMs / 100) / 10,
    changes: outcome.changes,
    serviceUrls: urls,
  });
  return 0;
}
