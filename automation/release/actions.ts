/**
 * The release transitions — start, promote, roll back — as changes of `module6:releases` followed by one
 * `up`, and the rules they follow: what counts as the stable revision, where a rollback sends traffic.
 */
import type { OpsContext } from "../cli/context";
import { engineOperation } from "../cli/operation";
import { OperationError, usageError } from "../errors";
import type { Automation, UpdateOutcome } from "../pulumi/automation";
import {
  readRevisions,
  RELEASE_TAGS,
  type RegionRevisions,
  type ReleaseEntry,
  type ReleaseStrategy,
  type Releases,
} from "./contract";
import { readReleases, writeReleases } from "./state";

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

/** Writes the releases and runs `up`: the program turns them into traffic. */
export async function applyReleases(
  ctx: OpsContext,
  automation: Automation,
  stack: string,
  releases: Releases,
  policyPacks: readonly string[],
  message: string,
): Promise<UpdateOutcome> {
  await writeReleases(automation, stack, releases);
  return engineOperation(ctx, automation, stack, "up", (options) =>
    automation.up(stack, { ...options, policyPacks, message }),
  );
}

/** What a transition leaves behind, for the report. */
export interface ReleaseReport {
  readonly stack: string;
  readonly service: string;
  readonly release: ReleaseEntry;
  readonly revisions?: ServiceRevisions;
}

/** Promotes the service's started release. */
export async function promoteRelease(
  ctx: OpsContext,
  automation: Automation,
  stack: string,
  service: string,
  policyPacks: readonly string[],
): Promise<ReleaseReport> {
  const releases = readReleases(await automation.getConfig(stack), stack);
  const entry = promotedEntry(service, releases[service]);
  const outcome = await applyReleases(
    ctx,
    automation,
    stack,
    { ...releases, [service]: entry },
    policyPacks,
    `release promote ${service}`,
  );
  const revisions = readRevisions(outcome.outputs)?.[service];
  return { stack, service, release: entry, ...(revisions ? { revisions } : {}) };
}

/** Rolls the service back to the revision its release replaced. */
export async function rollbackRelease(
  ctx: OpsContext,
  automation: Automation,
  stack: string,
  service: string,
  policyPacks: readonly string[],
): Promise<ReleaseReport> {
  const releases = readReleases(await automation.getConfig(stack), stack);
  const before = readRevisions(await automation.outputs(stack))?.[service];
  const entry = rolledBackEntry(service, releases[service], before);
  const outcome = await applyReleases(
    ctx,
    automation,
    stack,
    { ...releases, [service]: entry },
    policyPacks,
    `release rollback ${service}`,
  );
  const revisions = readRevisions(outcome.outputs)?.[service];
  return { stack, service, release: entry, ...(revisions ? { revisions } : {}) };
}
