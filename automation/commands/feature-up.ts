/**
 * `feature up --pr <n> [--branch <name>] [--image service=ref …] [--ttl 72h]`: creates or updates a pull
 * request's private environment — staging's config with the feature preset and the pull request's images —
 * tags it, runs `up` with the policy pack, and prints the service URLs. Running it again updates the same
 * stack and extends its expiry.
 */
import { Command, Option } from "commander";
import { examples, runAction, type CommandDeps } from "./wiring";
import type { OpsContext } from "../context/context";
import { engineOperation } from "../context/operation";
import { table } from "../context/output";
import { durationParser, parseImageOverride, parsePr } from "./option-parsers";
import { policyPackOptions, resolvePolicyPacks } from "./policy-pack";
import { messageOf, OperationError, usageError } from "../core/errors";
import { featureTags, readFeatureTags, type FeatureStackTags } from "../feature/tags";
import { describeChanges } from "../pulumi/progress";
import { withLockRetry } from "../pulumi/retry";
import { formatDuration } from "../core/time";

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
        "npm run -s ops -- feature up --pr 123 --ttl 24h --json",
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

/** The tags `feature up` must write: those whose value differs from the stack's current tags. */
export function changedTags(
  wanted: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(Object.entries(wanted).filter(([key, value]) => current[key] !== value));
}

export async function runFeatureUp(ctx: OpsContext, options: FeatureUpOptions): Promise<number> {
  if (options.pr === undefined && options.branch === undefined)
    throw usageError(
      "feature up needs --pr <number> (or --branch <name> for a branch without a pull request)",
    );
  const { featureStackFor } = await import("../feature/stack-name");
  const { featureConfig } = await import("../feature/config");
  const { serviceImages } = await import("../release/state");
  const stack = featureStackFor(options);
  // Refuse a bad config or image before anything runs (the same check runs again on the final config).
  const stagingServices = Object.keys(
    serviceImages(featureConfig(ctx.root, stack, options.image ?? {}).config),
  );
  const policyPacks = resolvePolicyPacks(ctx.root, options.policyPack, ctx.out);
  const automation = await ctx.automation("infra", { createsStacks: true });

  const start = ctx.clock();
  // Create or find the stack in one call; two runs for one pull request meet on the stack's lock: retry.
  const { created } = await withLockRetry(stack, () => automation.ensureStack(stack), {
    sleep: ctx.sleep,
    policy: ctx.retry,
    signal: ctx.signal,
  });
  let currentTags: Record<string, string> = {};
  let deployedImages: Record<string, string> = {};
  if (!created) {
    const [tags, history] = await Promise.all([automation.getTags(stack), automation.history(stack, 5)]);
    currentTags = tags;
    checkOwnership(stack, readFeatureTags(tags), options);
    // Without --image a service keeps the image the pull request last deployed, not staging's.
    const lastUpdate = history.find((u) => u.kind === "update" && Object.keys(u.config).length > 0);
    deployedImages = serviceImages(lastUpdate?.config ?? {});
  }
  const { config, source } = featureConfig(ctx.root, stack, {
    ...Object.fromEntries(
      Object.entries(deployedImages).filter(
        ([name, image]) => stagingServices.includes(name) && image !== "",
      ),
    ),
    ...(options.image ?? {}),
  });
  ctx.out.info(`${created ? "created" : "updating"} stack ${stack}; config from ${source}`);
  await automation.ensureSecretsProvider(stack);
  const local = await automation.localStackFile(stack);
  // Config writes one after the other: concurrent writes to one stack file race.
  await automation.setConfig(stack, config);
  const stale = [...Object.keys(local.config), ...local.secretKeys].filter((key) => !(key in config));
  if (stale.length > 0) {
    ctx.out.info(`removing config staging no longer has: ${stale.join(", ")}`);
    await automation.removeConfig(stack, stale);
  }
  const existing = readFeatureTags(currentTags);
  const expires = new Date(start.getTime() + options.ttl);
  const tags = changedTags(
    featureTags({
      ...(options.pr !== undefined ? { pr: options.pr } : {}),
      ...(options.branch !== undefined ? { branch: options.branch } : {}),
      creator: existing.creator ?? options.creator ?? ctx.env.GITHUB_ACTOR ?? ctx.env.USER ?? "unknown",
      created: existing.created ?? start,
      expires,
    }),
    currentTags,
  );
  // Tags are written beside the engine, not before it: they touch the backend's tag file only, which an
  // update never writes (pulumi/pulumi pkg/backend/diy/stack_tags.go).
  const tagWrite = automation.setTags(stack, tags).then(
    () => undefined,
    (error: unknown) => error,
  );
  let outcome;
  let tagError: unknown;
  try {
    const message =
      options.pr !== undefined ? `feature up for pull request #${options.pr}` : `feature up for ${stack}`;
    // The policy pack gates before anything changes: `up` alone skips the preview (Stack.up passes
    // --skip-preview), so a mandatory violation would stop it half-applied.
    await engineOperation(ctx, automation, stack, "preview", (operation) =>
      automation.preview(stack, { ...operation, policyPacks, message }),
    );
    outcome = await engineOperation(ctx, automation, stack, "up", (operation) =>
      automation.up(stack, { ...operation, policyPacks, message }),
    );
  } finally {
    tagError = await tagWrite;
  }
  if (tagError !== undefined)
    throw new OperationError(
      `${stack} is up, but its tags were not written (${messageOf(tagError)}), so feature gc cannot see when it expires: run feature up again`,
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

/** `serviceUrls` of the program's outputs (service → URL); empty when missing. */
function serviceUrls(outputs: Readonly<Record<string, unknown>>): Record<string, string> {
  const urls = outputs.serviceUrls;
  if (urls === null || typeof urls !== "object" || Array.isArray(urls)) return {};
  return Object.fromEntries(
    Object.entries(urls as Record<string, unknown>).flatMap(([name, url]) =>
      typeof url === "string" ? [[name, url]] : [],
    ),
  );
}
