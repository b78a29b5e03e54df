/**
 * The release transitions — start, promote, roll back — as changes of `module6:releases` (and, on promote,
 * the service's image) followed by a preview and one `up`, and the rules they follow: what counts as the
 * stable revision, where a rollback sends traffic, and when a transition is already done — judged by the
 * deployed revisions' traffic, not by the record (an update that failed still records its config).
 */
import type { OpsContext } from "../context/context";
import { engineOperation } from "../context/operation";
import { OperationError, usageError } from "../core/errors";
import {
  StackLockedError,
  type Automation,
  type PlannedStep,
  type UpdateOutcome,
} from "../pulumi/automation";
import { describeLock } from "../pulumi/local-args";
import { resourceName } from "../pulumi/progress";
import { backoffDelays } from "../pulumi/retry";
import { formatDuration } from "../core/time";
import {
  readRevisions,
  RELEASE_TAGS,
  RELEASES_KEY,
  type RegionRevisions,
  type ReleaseEntry,
  type ReleaseStrategy,
  type Releases,
} from "../../stacks/releases";
import { assertWorkingCopyAgrees, fingerprint, readDeployedStack, type DeployedStack } from "./stack";

const SERVICES_KEY = "module6:services";
/** The type token of a Cloud Run service (what a release changes). */
const CLOUD_RUN_SERVICE = "gcp:cloudrunv2/service:Service";

/** One service's revisions by region, from the stack's outputs. */
export type ServiceRevisions = Readonly<Record<string, RegionRevisions>>;

/** The revision serving most traffic in a region (the latest ready one when the split follows latest). */
export function servingRevision(region: RegionRevisions): string {
  const top = [...region.traffic].sort((a, b) => b.percent - a.percent)[0];
  return top?.revision ?? region.latestReadyRevision;
}

/** The service's revisions from outputs, or a failure that says how to get them exported. */
export function requireRevisions(
  outputs: Readonly<Record<string, unknown>>,
  stack: string,
  service: string,
): ServiceRevisions {
  const revisions = readRevisions(outputs)?.[service];
  if (revisions === undefined || Object.keys(revisions).length === 0)
    throw new OperationError(
      `stack ${stack} records no revisions of ${service} in its outputs (output "revisions"): deploy it once ` +
        `with a program that exports them, then start the release`,
    );
  return revisions;
}

/** The entry `release start` records: the candidate image takes `percent` under the strategy's tag. */
export function startedEntry(
  image: string,
  strategy: ReleaseStrategy,
  percent: number,
  revisions: ServiceRevisions,
  now: Date,
): ReleaseEntry {
  return {
    image,
    strategy,
    state: "started",
    percent: strategy === "canary" ? percent : 0,
    tag: RELEASE_TAGS[strategy],
    stableRevisions: Object.fromEntries(
      Object.entries(revisions).map(([region, r]) => [region, servingRevision(r)]),
    ),
    startedAt: now.toISOString(),
  };
}

/** `release promote`: every request to the candidate. Only a started release can be promoted. */
export function promotedEntry(service: string, entry: ReleaseEntry | undefined): ReleaseEntry {
  if (entry === undefined)
    throw usageError(`no release of ${service} to promote: start one with release start`);
  if (entry.state !== "started")
    throw usageError(`the release of ${service} is ${entry.state}; only a started release can be promoted`);
  return { ...entry, state: "promoted", percent: 100 };
}

/**
 * `release rollback`: every request back to the previous revision recorded in the stack's outputs
 * (`revisions.<service>.<region>.previousRevision`), falling back to the release's record.
 */
export function rolledBackEntry(
  service: string,
  entry: ReleaseEntry | undefined,
  revisions: ServiceRevisions | undefined,
): ReleaseEntry {
  if (entry === undefined)
    throw usageError(
      `no release of ${service} to roll back: a rollback returns to the revision a release replaced`,
    );
  const regions = new Set([...Object.keys(entry.stableRevisions), ...Object.keys(revisions ?? {})]);
  const targets: Record<string, string> = {};
  for (const region of regions) {
    const target = revisions?.[region]?.previousRevision ?? entry.stableRevisions[region];
    if (target === undefined)
      throw new OperationError(
        `no previous revision of ${service} is recorded for ${region}: cannot roll back there`,
      );
    targets[region] = target;
  }
  return { ...entry, state: "rolled-back", percent: 0, stableRevisions: targets };
}

/** Where every request of the service goes to `revision` in every region (100 %). */
function allTo(
  revisions: ServiceRevisions | undefined,
  target: (region: string) => string | undefined,
): boolean {
  const regions = Object.entries(revisions ?? {});
  return (
    regions.length > 0 &&
    regions.every(([region, r]) =>
      r.traffic.some((t) => {
        const to = target(region);
        return t.percent === 100 && (to === undefined ? t.latest : t.revision === to);
      }),
    )
  );
}

/** True while a candidate revision takes requests, or is exposed under its tag while a release is started. */
export function candidateLive(
  entry: ReleaseEntry | undefined,
  revisions: ServiceRevisions | undefined,
): boolean {
  return Object.values(revisions ?? {}).some((r) =>
    r.traffic.some((t) => t.latest && t.tag !== undefined && (t.percent > 0 || entry?.state === "started")),
  );
}

/** What a transition decided: nothing to do (the traffic already says so), or a config change to deploy. */
export type Decision =
  | { readonly kind: "done"; readonly summary: string; readonly entry?: ReleaseEntry }
  | {
      readonly kind: "run";
      readonly entry: ReleaseEntry;
      /** Config values to set (`path` keys: nested). */
      readonly values: Readonly<Record<string, string>>;
      readonly message: string;
    };

/** The release record as config: the whole map, services in name order. */
export function releasesValue(releases: Releases): string {
  const names = Object.keys(releases).sort();
  return JSON.stringify(Object.fromEntries(names.map((n) => [n, releases[n]])));
}

/** `release start`: refuses while a candidate is live; a start whose update failed may run again. */
export function decideStart(
  deployed: DeployedStack,
  service: string,
  image: string,
  strategy: ReleaseStrategy,
  percent: number,
  now: Date,
): Decision {
  const entry = deployed.releases[service];
  const revisions = deployed.revisions[service];
  if (candidateLive(entry, revisions))
    throw usageError(
      `a ${entry?.strategy ?? "canary"} release of ${service} is in progress on ${deployed.stack} (${entry ? `${entry.percent} % to ${entry.image}` : "a tagged candidate"}); promote or roll it back first`,
    );
  if (deployed.images[service] === image)
    throw usageError(`${service} on ${deployed.stack} already runs ${image}: a release needs a new image`);
  const before = requireRevisions({ revisions: deployed.revisions }, deployed.stack, service);
  const started = startedEntry(image, strategy, percent, before, now);
  return {
    kind: "run",
    entry: started,
    values: { [RELEASES_KEY]: releasesValue({ ...deployed.releases, [service]: started }) },
    message: `release start ${service} ${image} (${strategy})`,
  };
}

/**
 * `release promote`: every request to the candidate, and the candidate folded into
 * `services.<name>.image` (the record no longer decides the image, so a later image bump takes effect).
 * Done only when the traffic says so.
 */
export function decidePromote(deployed: DeployedStack, service: string): Decision {
  const entry = deployed.releases[service];
  const revisions = deployed.revisions[service];
  if (
    entry?.state === "promoted" &&
    deployed.images[service] === entry.image &&
    allTo(revisions, () => undefined)
  )
    return { kind: "done", summary: "already promoted: 100 % to the candidate", entry };
  const promoted = promotedEntry(
    service,
    entry?.state === "promoted" ? { ...entry, state: "started" } : entry,
  );
  return {
    kind: "run",
    entry: promoted,
    values: {
      [RELEASES_KEY]: releasesValue({ ...deployed.releases, [service]: promoted }),
      [`${SERVICES_KEY}.${service}.image`]: promoted.image,
    },
    message: `release promote ${service}`,
  };
}

/** `release rollback`: done only when every region sends 100 % to the stable revision. */
export function decideRollback(deployed: DeployedStack, service: string): Decision {
  const entry = deployed.releases[service];
  const revisions = deployed.revisions[service];
  const rolledBack = rolledBackEntry(service, entry, revisions);
  if (entry?.state === "rolled-back" && allTo(revisions, (region) => rolledBack.stableRevisions[region]))
    return {
      kind: "done",
      summary: "nothing to do: every request already goes to the previous revision",
      entry,
    };
  return {
    kind: "run",
    entry: rolledBack,
    values: { [RELEASES_KEY]: releasesValue({ ...deployed.releases, [service]: rolledBack }) },
    message: `release rollback ${service}`,
  };
}

/** What a transition left behind, for the report. */
export interface ReleaseReport {
  readonly stack: string;
  readonly service: string;
  readonly release: ReleaseEntry | undefined;
  readonly revisions?: ServiceRevisions;
  /** False when the traffic already was where the command sends it. */
  readonly changed: boolean;
}

/** Options of a transition. */
export interface TransitionOptions {
  readonly policyPacks: readonly string[];
  /** Deploy even when the preview changes more than the service's traffic. */
  readonly allowOtherChanges?: boolean;
}

/** Steps of a preview that are not the targeted service's Cloud Run services being updated. */
export function otherChanges(
  steps: readonly PlannedStep[],
  gcpService: string | undefined,
): readonly PlannedStep[] {
  return steps.filter(
    (s) =>
      !(s.type === CLOUD_RUN_SERVICE && s.op === "update" && s.name !== undefined && s.name === gcpService),
  );
}

/**
 * Runs a transition on the stack's deployed state, serialised with other commands on the same stack: it holds
 * this program's operation lock of the stack from its read to the end of its `up`; the state is read, the
 * decision taken, the config written and previewed; just before `up` the history is read again, and if
 * another update landed meanwhile (a plain `pulumi up`, which does not take that lock) — or `up` finds the
 * stack locked — everything is read and decided again. Nothing is deployed from a stale read.
 */
export async function runTransition(
  ctx: OpsContext,
  stack: string,
  service: string,
  decide: (deployed: DeployedStack) => Decision,
  options: TransitionOptions,
): Promise<ReleaseReport> {
  const automation = await ctx.automation("infra");
  const release = await takeOpsLock(ctx, automation, stack, `release ${service}`);
  try {
    return await transition(ctx, stack, service, decide, options);
  } finally {
    await release();
  }
}

/**
 * Waits (with the lock backoff) for this program's operation lock of the stack: another release command
 * holds it from its read of the deployed state until its `up` has finished.
 */
async function takeOpsLock(
  ctx: OpsContext,
  automation: Automation,
  stack: string,
  command: string,
): Promise<() => Promise<void>> {
  const delays = backoffDelays(ctx.retry);
  for (let attempt = 0; ; attempt++) {
    const lock = await automation.opsLock(stack, command);
    if (lock.acquired) return () => lock.release();
    const delay = delays[attempt];
    const holder = describeLock(lock.holder);
    if (delay === undefined)
      throw new OperationError(
        `another release command holds ${stack} (${holder}); nothing was changed. Run this one when it has finished; ` +
          `if that process is gone, remove ${lock.holder.path}`,
      );
    ctx.out.info(
      `another release command holds ${stack} (${holder}); trying again in ${formatDuration(delay)}`,
    );
    await ctx.sleep(delay, ctx.signal);
  }
}

async function transition(
  ctx: OpsContext,
  stack: string,
  service: string,
  decide: (deployed: DeployedStack) => Decision,
  options: TransitionOptions,
): Promise<ReleaseReport> {
  const delays = backoffDelays(ctx.retry);
  for (let attempt = 0; ; attempt++) {
    const deployed = await readDeployedStack(ctx, stack, service);
    assertWorkingCopyAgrees(deployed);
    const decision = decide(deployed);
    if (decision.kind === "done")
      return {
        stack,
        service,
        release: decision.entry,
        revisions: deployed.revisions[service],
        changed: false,
      };
    const { automation } = deployed;
    // A working copy without the stack file gets the deployed config back first.
    if (!deployed.local.exists) await automation.setConfig(stack, deployed.config);
    await automation.setConfig(stack, decision.values, { path: true });
    const preview = await engineOperation(ctx, automation, stack, "preview", (operation) =>
      automation.preview(stack, {
        ...operation,
        policyPacks: options.policyPacks,
        message: decision.message,
      }),
    );
    const gcpService = Object.values(deployed.revisions[service] ?? {})[0]?.service;
    const others = otherChanges(preview.steps, gcpService);
    if (others.length > 0 && !options.allowOtherChanges) {
      await restoreRecord(automation, deployed, decision);
      throw new OperationError(
        `the preview of ${stack} changes more than ${service}'s traffic:\n` +
          others.map((s) => `  ${s.op} ${s.type} ${resourceName(s.urn)}`).join("\n") +
          `\nnothing was deployed. Deploy those changes first, or pass --allow-other-changes to deploy them with the release`,
      );
    }
    const [latest] = await automation.history(stack, 1);
    const raced = latest === undefined || fingerprint(latest) !== deployed.fingerprint;
    let outcome: UpdateOutcome | undefined;
    if (!raced) {
      try {
        outcome = await engineOperation(
          ctx,
          automation,
          stack,
          "up",
          (operation) =>
            automation.up(stack, {
              ...operation,
              policyPacks: options.policyPacks,
              message: decision.message,
            }),
          { retryOnLock: false },
        );
      } catch (error) {
        if (!(error instanceof StackLockedError)) throw error;
      }
    }
    if (outcome !== undefined)
      return {
        stack,
        service,
        release: decision.entry,
        ...(readRevisions(outcome.outputs)?.[service]
          ? { revisions: readRevisions(outcome.outputs)?.[service] }
          : {}),
        changed: true,
      };
    const delay = delays[attempt];
    if (delay === undefined)
      throw new OperationError(
        `stack ${stack} kept changing under this command (another update ran ${attempt + 1} times); nothing was deployed by it. Run it again when the stack is quiet`,
      );
    ctx.out.info(
      `${stack} ${raced ? "was updated by someone else" : "is locked by another update"}; reading it again in ${formatDuration(delay)}`,
    );
    await ctx.sleep(delay, ctx.signal);
  }
}

/** Puts the working copy's release record (and image) back to the deployed values after a refusal. */
async function restoreRecord(
  automation: Automation,
  deployed: DeployedStack,
  decision: Decision,
): Promise<void> {
  if (decision.kind !== "run") return;
  const record = deployed.config[RELEASES_KEY];
  if (record === undefined) await automation.removeConfig(deployed.stack, [RELEASES_KEY]);
  else await automation.setConfig(deployed.stack, { [RELEASES_KEY]: record });
  const imageKeys = Object.keys(decision.values).filter((k) => k !== RELEASES_KEY);
  if (imageKeys.length > 0) {
    const images = deployed.images;
    await automation.setConfig(
      deployed.stack,
      Object.fromEntries(imageKeys.map((k) => [k, images[k.split(".")[1] ?? ""] ?? ""])),
      { path: true },
    );
  }
}
