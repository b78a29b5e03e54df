/**
 * The release contract against the component it drives: every split the release states produce is one
 * `CloudRunService` accepts, and the contract's own checks catch inconsistent records.
 */
import { describe, expect, it } from "vitest";
import { validateCloudRunServiceArgs } from "../../components/cloud-run-service";
import {
  readRevisions,
  releaseEntrySchema,
  releaseImage,
  releaseProblems,
  releasesSchema,
  releaseTraffic,
  type ReleaseEntry,
} from "../../stacks/releases";
import {
  promotedEntry,
  rolledBackEntry,
  servingRevision,
  startedEntry,
} from "../../automation/release/actions";
import { EnvironmentNaming } from "../../stacks/naming";
import { commonArgs } from "../helpers/pulumi";

const A3 = "asia-northeast3";
const A1 = "asia-northeast1";
const STABLE = "m6-prod-api-00041-abc";
const NEW = "asia-northeast3-docker.pkg.dev/p/r/api:2.4.0";

const entry = (overrides: Partial<ReleaseEntry> = {}): ReleaseEntry => ({
  image: NEW,
  strategy: "canary",
  state: "started",
  percent: 10,
  tag: "canary",
  stableRevisions: { [A3]: STABLE },
  ...overrides,
});

function validate(traffic: ReturnType<typeof releaseTraffic>, service = "api"): void {
  validateCloudRunServiceArgs({
    ...commonArgs(),
    naming: new EnvironmentNaming("m6", "prod"),
    name: service,
    image: NEW,
    serviceAccountEmail: "sa@p.iam.gserviceaccount.com",
    traffic,
  });
}

describe("releaseTraffic", () => {
  it.each([
    ["no release", undefined, [{ percent: 100 }]],
    [
      "a canary at 10 %",
      entry(),
      [
        { percent: 10, tag: "canary" },
        { revision: STABLE, percent: 90 },
      ],
    ],
    [
      "a blue-green start",
      entry({ strategy: "blue-green", percent: 0, tag: "green" }),
      [
        { percent: 0, tag: "green" },
        { revision: STABLE, percent: 100 },
      ],
    ],
    ["a promoted release", entry({ state: "promoted", percent: 100 }), [{ percent: 100 }]],
    [
      "a rolled-back release",
      entry({ state: "rolled-back", percent: 0 }),
      [
        { revision: STABLE, percent: 100 },
        { percent: 0, tag: "canary" },
      ],
    ],
  ])("%s → a split CloudRunService accepts", (_case, release, expected) => {
    const traffic = releaseTraffic(release, A3);
    expect(traffic).toEqual(expected);
    expect(() => validate(traffic)).not.toThrow();
  });

  it("every canary share from 1 to 99 sums to 100 and validates", () => {
    for (let percent = 1; percent <= 99; percent++)
      expect(() => validate(releaseTraffic(entry({ percent }), A3))).not.toThrow();
  });

  it("uses the candidate image while a release is started or rolled back; once promoted the service's own", () => {
    expect(releaseImage("r/api:2.3.0", entry())).toBe(NEW);
    expect(releaseImage("r/api:2.3.0", entry({ state: "rolled-back", percent: 0 }))).toBe(NEW);
    expect(releaseImage("r/api:2.3.0", undefined)).toBe("r/api:2.3.0");
    // promote folds the candidate into services.<name>.image; a later bump of it takes effect.
    expect(releaseImage("r/api:2.5.0", entry({ state: "promoted", percent: 100 }))).toBe("r/api:2.5.0");
  });
});

describe("release transitions", () => {
  const revisions = {
    [A3]: {
      service: "m6-prod-api",
      latestReadyRevision: "m6-prod-api-00042-new",
      traffic: [
        { percent: 0, tag: "green", latest: true },
        { revision: STABLE, percent: 100, latest: false },
      ],
    },
    [A1]: { service: "m6-prod-api", latestReadyRevision: "m6-prod-api-00007-xyz", traffic: [] },
  };

  it("records as stable the revision that serves most traffic in each region", () => {
    expect(servingRevision(revisions[A3])).toBe(STABLE);
    expect(servingRevision(revisions[A1])).toBe("m6-prod-api-00007-xyz");
    const started = startedEntry(NEW, "canary", 20, revisions, new Date("2025-03-01T09:00:00Z"));
    expect(started.stableRevisions).toEqual({ [A3]: STABLE, [A1]: "m6-prod-api-00007-xyz" });
    expect(releaseProblems("api", started, [A3, A1])).toEqual([]);
  });

  it("promotes only a started release and rolls back to the outputs' previous revision", () => {
    expect(promotedEntry("api", entry())).toMatchObject({ state: "promoted", percent: 100 });
    expect(() => promotedEntry("api", entry({ state: "promoted", percent: 100 }))).toThrow(
      /only a started release/,
    );
    const back = rolledBackEntry("api", entry(), {
      [A3]: { ...revisions[A3], previousRevision: "m6-prod-api-00040-old" },
    });
    expect(back).toMatchObject({
      state: "rolled-back",
      percent: 0,
      stableRevisions: { [A3]: "m6-prod-api-00040-old" },
    });
    expect(() => rolledBackEntry("api", entry(), { [A1]: revisions[A1] })).toThrow(
      /no previous revision of api is recorded for asia-northeast1/,
    );
  });
});

describe("releaseProblems", () => {
  it.each([
    ["a region without a stable revision", entry(), [A3, A1], /missing asia-northeast1/],
    [
      "a stable revision in a foreign region",
      entry({ stableRevisions: { [A3]: STABLE, "us-east1": "x" } }),
      [A3],
      /only regions the service runs in/,
    ],
    ["a canary at 0 %", entry({ percent: 0 }), [A3], /1-99 for a canary release that is started/],
    [
      "a blue-green start above 0 %",
      entry({ strategy: "blue-green", tag: "green", percent: 5 }),
      [A3],
      /0 for a blue-green release/,
    ],
    [
      "a promoted release below 100 %",
      entry({ state: "promoted", percent: 90 }),
      [A3],
      /100 for a canary release that is promoted/,
    ],
    ["the wrong tag", entry({ tag: "green" }), [A3], /"canary" for canary/],
  ])("reports %s", (_case, release, regions, message) => {
    const problems = releaseProblems("api", release, regions);
    expect(problems.map((p) => p.allowed).join("\n")).toMatch(message);
    expect(problems[0]?.path).toMatch(/^releases\.api\./);
  });

  it("needs no stable revisions once promoted", () => {
    expect(
      releaseProblems("api", entry({ state: "promoted", percent: 100, stableRevisions: {} }), [A3]),
    ).toEqual([]);
  });
});

describe("schemas and outputs", () => {
  it("accepts what the commands write and refuses unknown fields", () => {
    expect(releasesSchema.safeParse({ api: entry() }).success).toBe(true);
    expect(releaseEntrySchema.safeParse({ ...entry(), extra: 1 }).success).toBe(false);
    expect(releaseEntrySchema.safeParse({ ...entry(), percent: 101 }).success).toBe(false);
  });

  it("reads the revisions output, and nothing from a program that does not export it", () => {
    const outputs = {
      revisions: {
        api: {
          [A3]: {
            service: "m6-prod-api",
            latestReadyRevision: STABLE,
            traffic: [{ percent: 100, latest: true }],
          },
        },
      },
    };
    expect(readRevisions(outputs)?.api?.[A3]?.latestReadyRevision).toBe(STABLE);
    expect(readRevisions({})).toBeUndefined();
    expect(readRevisions({ revisions: "nope" })).toBeUndefined();
  });
});
