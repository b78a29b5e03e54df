/**
 * `release start --stack <s> --service <svc> --image <ref> [--strategy canary --percent 10 | --strategy
 * blue-green] [--analyze]`: deploys the image as a new revision that takes the canary's share under the
 * `canary` tag, or no traffic under the `green` tag (reachable at its tag URL for smoke tests). With
 * `--analyze` it waits, reads the canary's error rate and p95 latency from Cloud Monitoring, and promotes or
 * rolls back against the service levels.
 */
import { Command, Option } from "commander";
import { examples, givenOnCommandLine, runAction, type CommandDeps } from "./wiring";
import type { OpsContext } from "../context/context";
import { durationParser, parseCanaryPercent, parseImageRef, parsePositiveInt } from "./option-parsers";
import { policyPackOptions, resolvePolicyPacks } from "./policy-pack";
import { CancelledError, messageOf, OperationError, usageError } from "../core/errors";
import { analyzeCanary } from "../release/analysis";
import { levelsFromSlo, serviceSlo } from "../release/service-levels";
import { RELEASE_STRATEGIES, type ReleaseStrategy } from "../../stacks/releases";
import type { MetricsSource } from "../context/metrics";
import { describeRelease, renderRevisions } from "../release/render";
import * as actions from "../release/actions";
import { checkServiceOffline, readDeployedStack, releaseTargetOptions } from "../release/stack";
import { formatDuration } from "../core/time";
import { allowOtherChangesOption } from "./release-promote";

const MINUTE = 60_000;

export interface ReleaseStartOptions {
  readonly stack: string;
  readonly service: string;
  readonly image: string;
  readonly strategy: ReleaseStrategy;
  readonly percent: number;
  readonly analyze?: boolean;
  readonly analyzeWindow: number;
  readonly minRequests: number;
  readonly policyPack?: string | false;
  readonly allowOtherChanges?: boolean;
}

export function releaseStartCommand(deps: CommandDeps): Command {
  const command = new Command("start").description(
    "deploy a new revision of one service as a canary (a share of traffic) or blue-green (0 %, tagged)",
  );
  for (const option of releaseTargetOptions(true)) command.addOption(option);
  command
    .addOption(
      new Option("--image <ref>", "the new image, with an explicit tag or digest")
        .argParser(parseImageRef)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        "--strategy <strategy>",
        "canary: a share of traffic under tag canary; blue-green: 0 % under tag green",
      )
        .choices(RELEASE_STRATEGIES)
        .default("canary"),
    )
    .addOption(
      new Option("--percent <n>", "the canary's share of requests, 1-99 (canary only)")
        .argParser(parseCanaryPercent)
        .default(10),
    )
    .addOption(
      new Option("--analyze", "watch the canary, then promote or roll back automatically (canary only)"),
    )
    .addOption(
      new Option(
        "--analyze-window <duration>",
        "how long the canary serves before it is judged (with --analyze)",
      )
        .default(10 * MINUTE, "10m")
        .argParser(durationParser(MINUTE, 6 * 60 * MINUTE)),
    )
    .addOption(
      new Option("--min-requests <n>", "requests the canary must serve to be judged (with --analyze)")
        .argParser(parsePositiveInt)
        .default(100),
    )
    .addHelpText(
      "after",
      examples(
        "npm run ops -- release start --stack staging --service api --image asia-northeast3-docker.pkg.dev/p/r/api:2.4.0 --percent 10",
        "npm run ops -- release start --stack prod --service api --image …/api:2.4.0 --strategy blue-green",
        "npm run ops -- release start --stack prod --service api --image …/api:2.4.0 --percent 5 --analyze --analyze-window 15m",
      ),
    );
  for (const option of [...policyPackOptions(), allowOtherChangesOption()]) command.addOption(option);
  return runAction(command, deps, async (ctx, options: ReleaseStartOptions, cmd) => {
    // Conflicting flags are rejected before anything runs.
    if (options.strategy === "blue-green" && givenOnCommandLine(cmd, "percent"))
      throw usageError(
        "--percent is for canary releases; a blue-green release starts at 0 % (promote sends 100 %)",
      );
    if (options.analyze && options.strategy === "blue-green")
      throw usageError(
        "--analyze judges a canary's traffic; a blue-green release takes none until it is promoted",
      );
    if (
      !options.analyze &&
      (givenOnCommandLine(cmd, "analyzeWindow") || givenOnCommandLine(cmd, "minRequests"))
    )
      throw usageError("--analyze-window and --min-requests need --analyze");
    return runReleaseStart(ctx, options);
  });
}

export async function runReleaseStart(ctx: OpsContext, options: ReleaseStartOptions): Promise<number> {
  const { stack, service } = options;
  await checkServiceOffline(ctx.root, stack, service);
  const policyPacks = resolvePolicyPacks(ctx.root, options.policyPack, ctx.out);
  const transition = { policyPacks, allowOtherChanges: options.allowOtherChanges ?? false };
  let metrics: MetricsSource | undefined;
  if (options.analyze) {
    // Monitoring must answer before anything changes: a canary nobody can judge is not started.
    const { project } = await readDeployedStack(ctx, stack, service).then((d) => ({
      project: d.config["module6:gcpProject"] ?? "",
    }));
    metrics = await ctx.metrics();
    try {
      await metrics.checkAccess(project);
    } catch (error) {
      throw new OperationError(
        `--analyze needs Cloud Monitoring, which did not answer for project ${project} (${messageOf(error)}); nothing was changed`,
      );
    }
  }
  const started = await actions.runTransition(
    ctx,
    stack,
    service,
    (deployed) =>
      actions.decideStart(deployed, service, options.image, options.strategy, options.percent, ctx.clock()),
    transition,
  );
  const entry = started.release;
  const after = started.revisions;
  const text = [describeRelease(service, entry), renderRevisions(after)].join("\n");
  if (!metrics) {
    const next =
      options.strategy === "canary"
        ? `next: release promote or release rollback --stack ${stack} --service ${service}`
        : `next: smoke-test the green tag URL, then release promote (or rollback) --stack ${stack} --service ${service}`;
    ctx.out.result(`${text}\n${next}`, { stack, service, release: entry ?? null, revisions: after ?? null });
    return 0;
  }

  // --analyze: let the canary serve, then judge it on its own revisions' metrics. From here on the canary
  // is live: any failure rolls it back (or says loudly that it is live and how to roll it back).
  ctx.out.info(text);
  let analysis;
  try {
    const regions = Object.values(after ?? {});
    const gcpService = regions[0]?.service;
    if (gcpService === undefined)
      throw new OperationError(`stack ${stack} reported no revisions of ${service} after the update`);
    ctx.out.info(`watching the canary for ${formatDuration(options.analyzeWindow)} before judging it …`);
    const from = ctx.clock();
    await ctx.sleep(options.analyzeWindow, ctx.signal);
    const deployed = await readDeployedStack(ctx, stack, service);
    const points = await metrics.revisionMetrics({
      project: deployed.config["module6:gcpProject"] ?? "",
      service: gcpService,
      revisions: regions.map((r) => r.latestReadyRevision),
      start: from,
      end: ctx.clock(),
    });
    const slo = await serviceSlo(stack, deployed.config, service, deployed.secretKeys);
    analysis = analyzeCanary(points, levelsFromSlo(slo, options.minRequests));
  } catch (error) {
    if (error instanceof CancelledError) throw liveCanary(stack, service, `the analysis was cancelled`);
    ctx.out.info(`analysis failed: ${messageOf(error)}; rolling the canary back`);
    try {
      const back = await actions.runTransition(
        ctx,
        stack,
        service,
        (d) => actions.decideRollback(d, service),
        transition,
      );
      ctx.out.result(
        [
          `analysis failed: ${messageOf(error)}`,
          describeRelease(service, back.release),
          renderRevisions(back.revisions),
        ].join("\n"),
        {
          stack,
          service,
          analysisError: messageOf(error),
          release: back.release ?? null,
          revisions: back.revisions ?? null,
        },
      );
      return 1;
    } catch (rollbackError) {
      throw liveCanary(
        stack,
        service,
        `the analysis failed (${messageOf(error)}) and so did the rollback (${messageOf(rollbackError)})`,
      );
    }
  }
  ctx.out.info(`analysis: ${analysis.summary}`);
  const final = await actions.runTransition(
    ctx,
    stack,
    service,
    (d) =>
      analysis.decision === "promote"
        ? actions.decidePromote(d, service)
        : actions.decideRollback(d, service),
    transition,
  );
  ctx.out.result(
    [
      `analysis: ${analysis.summary}`,
      describeRelease(service, final.release),
      renderRevisions(final.revisions),
    ].join("\n"),
    { stack, service, analysis, release: final.release ?? null, revisions: final.revisions ?? null },
  );
  return analysis.decision === "promote" ? 0 : 1;
}

/** The error that says the canary still takes requests and how to take them back. */
function liveCanary(stack: string, service: string, why: string): OperationError {
  return new OperationError(
    `THE CANARY OF ${service.toUpperCase()} ON ${stack.toUpperCase()} IS STILL LIVE: ${why}.\n` +
      `Roll it back with: npm run ops -- release rollback --stack ${stack} --service ${service}`,
  );
}
