/**
 * The contract between the release commands and the Pulumi program: the one config key the commands
 * write (`module6:releases`) and the one output they read (`revisions`). The program (stacks/) reads the
 * key to build each service's traffic split; the commands (automation/release/) import the same module.
 *
 * Config — `module6:releases`, a map from service name to its release:
 *
 * ```yaml
 * module6:releases:
 *   api:
 *     image: asia-northeast3-docker.pkg.dev/p/r/api:2.4.0   # the candidate: the template's image
 *     strategy: canary                                       # or blue-green
 *     state: started                                         # started | promoted | rolled-back
 *     percent: 10                                            # the candidate's share while started
 *     tag: canary                                            # its tag URL (green for blue-green)
 *     stableRevisions: { asia-northeast3: m6-prod-api-00041-abc }   # per region: what served before
 *     startedAt: "2025-01-01T12:00:00.000Z"
 * ```
 *
 * Output — `revisions`, per service and region: the GCP service name, the latest ready revision, the
 * previous revision (the release's stable revision: the rollback target) and Cloud Run's traffic.
 */
import { z } from "zod";
import type { TrafficStatus, TrafficTarget } from "../components/cloud-run-service";

/** The config key (with namespace) the release commands write. Nothing else writes it. */
export const RELEASES_KEY = "module6:releases";
/** The stack output the release commands read. */
export const REVISIONS_OUTPUT = "revisions";

export const RELEASE_STRATEGIES = ["canary", "blue-green"] as const;
export type ReleaseStrategy = (typeof RELEASE_STRATEGIES)[number];
export const RELEASE_STATES = ["started", "promoted", "rolled-back"] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

/** The tag each strategy gives the candidate revision. */
export const RELEASE_TAGS: Readonly<Record<ReleaseStrategy, string>> = {
  canary: "canary",
  "blue-green": "green",
};

/** One service's release, as stored under `module6:releases.<service>`. */
export const releaseEntrySchema = z.strictObject({
  image: z.string().min(1, "the candidate image").describe("The candidate image: the template's image."),
  strategy: z.enum(RELEASE_STRATEGIES).describe("How the candidate takes traffic."),
  state: z.enum(RELEASE_STATES).describe("Where the release is."),
  percent: z
    .int()
    .min(0)
    .max(100)
    .describe(
      "The candidate's share: 1-99 for a started canary, 0 for a started blue-green, 100 once promoted, 0 once rolled back.",
    ),
  tag: z.string().min(1).describe("The candidate's tag URL: `canary` for canary, `green` for blue-green."),
  stableRevisions: z
    .record(z.string(), z.string().min(1))
    .describe("Per region of the service: the revision that served before (the rollback target)."),
  startedAt: z.string().optional().describe("When the release started (ISO 8601)."),
});

/** `module6:releases`: service name → release. */
export const releasesSchema = z.record(z.string(), releaseEntrySchema).meta({ keys: "a declared service" });

export type ReleaseEntry = z.infer<typeof releaseEntrySchema>;
export type Releases = Readonly<Record<string, ReleaseEntry>>;

/**
 * The traffic split of one region of a service: all to the latest revision without a release; while
 * started, the candidate (latest) takes `percent` under its tag and the stable revision the rest; once
 * promoted, all to the candidate; once rolled back, all to the stable revision, the candidate still
 * reachable at its tag URL.
 */
export function releaseTraffic(entry: ReleaseEntry | undefined, region: string): TrafficTarget[] {
  if (entry === undefined || entry.state === "promoted") return [{ percent: 100 }];
  const stable = entry.stableRevisions[region];
  // releaseProblems() refuses a started or rolled-back release without a stable revision in a region.
  if (stable === undefined) return [{ percent: 100 }];
  if (entry.state === "rolled-back") {
    return [
      { revision: stable, percent: 100 },
      { percent: 0, tag: entry.tag },
    ];
  }
  return [
    { percent: entry.percent, tag: entry.tag },
    { revision: stable, percent: 100 - entry.percent },
  ];
}

/**
 * The image the service's template runs: the release's candidate while it is started or rolled back. Once
 * promoted, `release promote` has folded the candidate into `services.<name>.image`, which rules again — so a
 * later image bump in the stack file takes effect.
 */
export function releaseImage(serviceImage: string, entry: ReleaseEntry | undefined): string {
  return entry === undefined || entry.state === "promoted" ? serviceImage : entry.image;
}

/** One problem of a release entry, keyed like config problems (path without the namespace). */
export interface ReleaseProblem {
  readonly path: string;
  readonly value: unknown;
  readonly allowed: string;
}

/**
 * Rules that span an entry and the service it belongs to: a stable revision for every region the service
 * runs in (none for other regions), and a share and tag that match the strategy and state.
 */
export function releaseProblems(
  service: string,
  entry: ReleaseEntry,
  regions: readonly string[],
): ReleaseProblem[] {
  const at = `releases.${service}`;
  const problems: ReleaseProblem[] = [];
  if (entry.state !== "promoted") {
    for (const region of regions) {
      if (entry.stableRevisions[region] === undefined)
        problems.push({
          path: `${at}.stableRevisions`,
          value: entry.stableRevisions,
          allowed: `a stable revision for every region of the service (missing ${region})`,
        });
    }
  }
  for (const region of Object.keys(entry.stableRevisions)) {
    if (!regions.includes(region))
      problems.push({
        path: `${at}.stableRevisions.${region}`,
        value: entry.stableRevisions[region],
        allowed: `only regions the service runs in (${regions.join(", ")})`,
      });
  }
  const expectedPercent: Record<ReleaseState, string> = {
    started: entry.strategy === "canary" ? "1-99" : "0",
    promoted: "100",
    "rolled-back": "0",
  };
  const ok =
    entry.state === "started"
      ? entry.strategy === "canary"
        ? entry.percent >= 1 && entry.percent <= 99
        : entry.percent === 0
      : entry.percent === (entry.state === "promoted" ? 100 : 0);
  if (!ok)
    problems.push({
      path: `${at}.percent`,
      value: entry.percent,
      allowed: `${expectedPercent[entry.state]} for a ${entry.strategy} release that is ${entry.state}`,
    });
  if (entry.tag !== RELEASE_TAGS[entry.strategy])
    problems.push({
      path: `${at}.tag`,
      value: entry.tag,
      allowed: `"${RELEASE_TAGS[entry.strategy]}" for ${entry.strategy}`,
    });
  return problems;
}

/** What the program exports for one region of a service under `revisions.<service>.<region>`. */
export interface RegionRevisions {
  /** The GCP service name. */
  readonly service: string;
  readonly latestReadyRevision: string;
  /** The release's stable revision in this region: where `release rollback` sends traffic. */
  readonly previousRevision?: string;
  readonly traffic: readonly TrafficStatus[];
}

/** The `revisions` output: service → region → revisions. */
export type RevisionsOutput = Readonly<Record<string, Readonly<Record<string, RegionRevisions>>>>;

const trafficStatusSchema = z.object({
  revision: z.string().optional(),
  percent: z.number(),
  tag: z.string().optional(),
  latest: z.boolean(),
  uri: z.string().optional(),
});
const regionRevisionsSchema = z.object({
  service: z.string(),
  latestReadyRevision: z.string(),
  previousRevision: z.string().optional(),
  traffic: z.array(trafficStatusSchema).default([]),
});
const revisionsSchema = z.record(z.string(), z.record(z.string(), regionRevisionsSchema));

/** Reads the `revisions` output; `undefined` when the stack does not export it (or not in this shape). */
export function readRevisions(outputs: Readonly<Record<string, unknown>>): RevisionsOutput | undefined {
  const parsed = revisionsSchema.safeParse(outputs[REVISIONS_OUTPUT]);
  return parsed.success ? parsed.data : undefined;
}
