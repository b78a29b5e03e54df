/**
 * Releases and the DR drill through the real LocalWorkspace path, against the stand-in `pulumi` CLI (both
 * start from a deployed prod stack): the exact CLI call sequences of `release start`, `promote`, `rollback`,
 * `status` and `dr drill`, and the failures the stand-in reproduces (points 1, 2, 3, 4, 9, 10, 12, 13 of
 * issue 10).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordedSeries } from "../automation/fakes/series";
import { Scenario, seedProd } from "./support/scenario";

const IMAGE = "asia-northeast3-docker.pkg.dev/module6-prod-000000/m6-prod-containers/api:2.4.0";
const WEB_IMAGE = "asia-northeast3-docker.pkg.dev/module6-prod-000000/m6-prod-containers/web:1.9.0";
const A3 = "asia-northeast3";
const BACKUP = "projects/module6-prod-000000/locations/asia-northeast3/backups/5c1f0a8e";
const DRILL = "dr-prod-20250301-090000";

interface Traffic {
  readonly revision?: string;
  readonly percent: number;
  readonly tag?: string;
  readonly latest: boolean;
}

let world: Scenario;
afterEach(() => world.dispose());
beforeEach(async () => {
  world = new Scenario();
  await world.activate();
  await seedProd(world);
});

/** The traffic of a service in a region, from the deployed stack outputs. */
function traffic(service = "api", region = A3): Traffic[] {
  const revisions = world.outputs("prod").revisions as Record<string, Record<string, { traffic: Traffic[] }>>;
  return revisions[service]?.[region]?.traffic ?? [];
}

/** The revision serving 100 % in a region right after seeding (`<service>-00001-<hash>`). */
function firstRevision(service = "api", region = A3): string {
  const revisions = world.outputs("prod").revisions as Record<
    string,
    Record<string, { latestReadyRevision: string }>
  >;
  return revisions[service]?.[region]?.latestReadyRevision ?? "";
}

const start = (...extra: string[]) =>
  world.ops("release", "start", "--stack", "prod", "--service", "api", "--image", IMAGE, ...extra);
const rollback = (repo = "repo") =>
  world.run({ repo }, "release", "rollback", "--stack", "prod", "--service", "api");

/** The three reads every release command starts with (run at once), in a fixed order. */
const READS = [
  "stack history --json --page-size 1 --page 1 --stack prod",
  "stack output --json --stack prod",
];

/** A transition's calls: version, the reads (any order), then the rest in order. */
function transition(lines: string[]): string[] {
  return [lines[0] ?? "", ...lines.slice(1, 3).sort(), ...lines.slice(3)];
}

describe("release start, promote, rollback, status", () => {
  it("start → promote: exact calls; promote folds the image into config so a later bump takes effect (point 12)", async () => {
    const stable = firstRevision();
    const run = await start("--percent", "10");
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(transition(world.sequence())).toEqual([
      "version",
      ...READS,
      "config set-all --stack prod --path module6:releases",
      "preview --policy-pack <pack> --stack prod",
      "stack history --json --page-size 1 --page 1 --stack prod",
      "up --yes --skip-preview --policy-pack <pack> --stack prod",
      "stack output --json --stack prod",
      "stack output --json --show-secrets --stack prod",
      "stack history --json --page-size 1 --page 1 --stack prod",
    ]);
    expect(traffic()).toEqual([
      {
        percent: 10,
        tag: "canary",
        uri: expect.stringMatching(/^https:\/\/canary---m6-prod-api-/) as string,
        latest: true,
      },
      { revision: stable, percent: 90, latest: false },
    ]);

    world.clearCalls();
    const promote = await world.ops("release", "promote", "--stack", "prod", "--service", "api");
    expect(promote.stderr).not.toMatch(/^error/m);
    expect(promote.code).toBe(0);
    expect(transition(world.sequence())).toEqual([
      "version",
      ...READS,
      "config set-all --stack prod --path module6:releases module6:services.api.image",
      "preview --policy-pack <pack> --stack prod",
      "stack history --json --page-size 1 --page 1 --stack prod",
      "up --yes --skip-preview --policy-pack <pack> --stack prod",
      "stack output --json --stack prod",
      "stack output --json --show-secrets --stack prod",
      "stack history --json --page-size 1 --page 1 --stack prod",
    ]);
    expect(traffic()).toEqual([{ percent: 100, latest: true }]);
    expect(readFileSync(join(world.dir, "repo", "Pulumi.prod.yaml"), "utf8")).toContain(`image: ${IMAGE}`);

    // A later image bump in the stack file (as git would bring) takes effect: the record no longer decides.
    const bumped = IMAGE.replace("2.4.0", "2.4.1");
    const file = join(world.dir, "repo", "Pulumi.prod.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(`image: ${IMAGE}`, `image: ${bumped}`));
    expect((await world.pulumi("repo", "up", "--yes", "--skip-preview", "--stack", "prod")).code).toBe(0);
    const api = world.deployment("prod")?.resources?.find((r) => r.urn.endsWith("::env-api")) as unknown as {
      inputs: { image: string };
    };
    expect(api.inputs.image).toBe(bumped);
  });

  it("status from a fresh checkout sees the release, reads no secrets, selects nothing; rollback from there finds the canary (points 2, 10)", async () => {
    const stable = firstRevision();
    expect((await start("--percent", "20")).code).toBe(0);
    const fresh = world.checkout("fresh");
    world.clearCalls();
    world.knobs({ kmsDecryptDenied: true });
    const status = await world.run(
      { repo: "fresh" },
      "--json",
      "release",
      "status",
      "--stack",
      "prod",
      "--service",
      "api",
    );
    expect(status.stderr).toBe("");
    expect(status.code).toBe(0);
    expect(
      status.json<{ services: { release: { state: string; percent: number } }[] }>().services[0]?.release,
    ).toMatchObject({
      state: "started",
      percent: 20,
    });
    expect(transition(world.sequence())).toEqual(["version", ...READS]);
    expect(world.calls().every((c) => !c.kmsDecrypt)).toBe(true);
    expect(existsSync(join(world.home, "workspaces"))).toBe(false);
    // The fresh checkout's stack file was not touched.
    expect(readFileSync(join(fresh, "Pulumi.prod.yaml"), "utf8")).not.toContain("releases");

    world.knobs({});
    world.clearCalls();
    const back = await rollback("fresh");
    expect(back.code).toBe(0);
    expect(traffic()).toEqual([
      { revision: stable, percent: 100, latest: false },
      {
        percent: 0,
        tag: "canary",
        uri: expect.stringMatching(/^https:\/\/canary---/) as string,
        latest: true,
      },
    ]);
  });

  it("refuses when the working copy disagrees with what is deployed (point 2)", async () => {
    expect((await start()).code).toBe(0);
    const file = join(world.checkout("stale"), "Pulumi.prod.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("web:1.7.3", "web:1.7.4"));
    world.clearCalls();
    const run = await rollback("stale");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "error: the working copy's Pulumi.prod.yaml differs from the config prod was last deployed with (module6:services): a release would deploy that too. Check out the stack file that was deployed (or deploy this one first), then run the release command again\n",
    );
    expect(world.sequence().some((l) => l.startsWith("up") || l.startsWith("config"))).toBe(false);
  });

  it("a rollback whose update failed runs again; done is judged by traffic (point 1)", async () => {
    const stable = firstRevision();
    expect((await start()).code).toBe(0);
    world.knobs({ fail: [{ command: "up", afterSteps: 0, message: "googleapi: Error 503: unavailable" }] });
    const failed = await rollback();
    expect(failed.code).toBe(1);
    expect(traffic()[0]).toMatchObject({ percent: 10, tag: "canary" });
    const retry = await rollback();
    expect(retry.stdout).not.toMatch(/nothing to do/);
    expect(retry.code).toBe(0);
    expect(traffic()[0]).toEqual({ revision: stable, percent: 100, latest: false });
    const third = await rollback();
    expect(third.stdout).toMatch(/nothing to do/);
  });

  it("a start whose update failed can be run again with the same image (point 1)", async () => {
    world.knobs({ fail: [{ command: "up", afterSteps: 0 }] });
    expect((await start()).code).toBe(1);
    world.knobs({});
    const again = await start();
    expect(again.stderr).not.toMatch(/error/);
    expect(again.code).toBe(0);
    expect(traffic()[0]).toMatchObject({ percent: 10, tag: "canary", latest: true });
  });

  it("two release commands at once are serialised: both releases end up deployed (point 3)", async () => {
    world.checkout("other");
    world.knobs({ stepMs: 300 });
    // The command that waits for the other really waits (the fake clock alone would not let time pass).
    world.realSleepMs = 300;
    world.retry = { attempts: 30, initialDelayMs: 1_000, maxDelayMs: 1_000 };
    const [api, web] = await Promise.all([
      start(),
      world.run(
        { repo: "other" },
        "release",
        "start",
        "--stack",
        "prod",
        "--service",
        "web",
        "--image",
        WEB_IMAGE,
      ),
    ]);
    expect([api.code, web.code]).toEqual([0, 0]);
    expect(api.stderr + web.stderr).toMatch(
      /another release command holds prod \(\S+@\S+ \(pid \d+\) since /,
    );
    expect(traffic("api")[0]).toMatchObject({ percent: 10, tag: "canary" });
    expect(traffic("web")[0]).toMatchObject({ percent: 10, tag: "canary" });
  });

  it("refuses changes outside the service's traffic unless --allow-other-changes, and a mandatory policy (point 4)", async () => {
    // The program would also change the load balancer's address (a code change not yet deployed).
    const path = join(world.state, ".pulumi", "stacks", "module6", "prod.json");
    const doc = JSON.parse(readFileSync(path, "utf8")) as {
      checkpoint: { latest: { resources: { urn: string; inputs: Record<string, unknown> }[] } };
    };
    const address = doc.checkpoint.latest.resources.find((r) => r.urn.endsWith("::env-edge-ipv4"));
    if (address) address.inputs.name = "m6-prod-edge-old";
    writeFileSync(path, JSON.stringify(doc));
    const refused = await start();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /the preview of prod changes more than api's traffic:\n {2}update gcp:compute\/globalAddress:GlobalAddress env-edge-ipv4\nnothing was deployed/,
    );
    expect(traffic()).toEqual([{ percent: 100, latest: true }]);
    expect((await start("--allow-other-changes")).code).toBe(0);

    world.knobs({
      policies: [
        {
          name: "cloud-run-min-instances",
          level: "mandatory",
          resourceName: "env-api",
          message: "Cloud Run service must keep 1 instance",
        },
      ],
    });
    const gated = await rollback();
    expect(gated.code).toBe(1);
    expect(gated.stderr).toMatch(/preview failed: one or more mandatory policy violations/);
    expect(traffic()[0]).toMatchObject({ tag: "canary" });
  });
});

describe("release start --analyze (point 9)", () => {
  it("checks Monitoring before changing anything", async () => {
    world.metrics.accessError = new Error(
      "7 PERMISSION_DENIED: Permission monitoring.timeSeries.list denied",
    );
    const run = await start("--analyze");
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "error: --analyze needs Cloud Monitoring, which did not answer for project module6-prod-000000 (7 PERMISSION_DENIED: Permission monitoring.timeSeries.list denied); nothing was changed\n",
    );
    expect(world.sequence().filter((l) => !l.startsWith("stack") && l !== "version")).toEqual([]);
  });

  it("rolls the canary back when the analysis fails after it went live, without a stack trace", async () => {
    const failing = world.metrics;
    failing.revisionMetrics = () => Promise.reject(new Error("14 UNAVAILABLE: monitoring.googleapis.com"));
    const stable = firstRevision();
    const run = await start("--analyze");
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).toMatch(/analysis failed: 14 UNAVAILABLE: monitoring\.googleapis\.com/);
    expect(traffic()[0]).toEqual({ revision: stable, percent: 100, latest: false });
  });

  it("promotes a healthy canary", async () => {
    world.metrics.points = recordedSeries("healthy");
    const run = await start("--analyze");
    expect(run.stderr).not.toMatch(/^error/m);
    expect(run.code).toBe(0);
    expect(traffic()).toEqual([{ percent: 100, latest: true }]);
  });
});

describe("dr drill", () => {
  beforeEach(() => {
    world.backups.backup = {
      name: BACKUP,
      database: "projects/module6-prod-000000/databases/m6-prod-main",
      snapshotTime: new Date("2025-03-01T03:00:00.000Z"),
    };
    world.verifier.counts = { users: 150 };
  });

  it("restores into a temporary stack with the policy pack, verifies, and removes it: exact calls", async () => {
    const run = await world.ops("--json", "dr", "drill", "--env", "prod", "--collection", "users=100");
    expect(run.stderr).not.toMatch(/^error/m);
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ passed: true, cleanup: "destroyed", stack: DRILL });
    const calls = world.sequence();
    expect(calls).toEqual([
      "version",
      "stack output --json --stack prod",
      "version",
      `stack init ${DRILL} --no-select --secrets-provider <kms>`,
      `config set-all --stack ${DRILL} module6-dr:project module6-dr:backup module6-dr:database`,
      `stack tag set module6:kind dr-drill --stack ${DRILL}`,
      `stack tag set module6:env prod --stack ${DRILL}`,
      `up --yes --skip-preview --policy-pack <pack> --stack ${DRILL}`,
      `stack output --json --stack ${DRILL}`,
      `stack output --json --show-secrets --stack ${DRILL}`,
      `stack history --json --page-size 1 --page 1 --stack ${DRILL}`,
      `destroy --yes --skip-preview --stack ${DRILL}`,
      `stack history --json --page-size 1 --page 1 --stack ${DRILL}`,
      `stack rm --yes ${DRILL}`,
    ]);
    // Every call but the first `version` (the SDK runs it in the current directory) runs in the DR program.
    expect(world.calls().filter((c) => c.cwd.endsWith("automation/dr/program"))).toHaveLength(11);
    expect(world.exists(DRILL, "module6-dr")).toBe(false);
  });

  it("checks Firestore before restoring and writes its report when that fails (point 9)", async () => {
    world.verifier.accessError = new Error("7 PERMISSION_DENIED: Missing or insufficient permissions.");
    const run = await world.ops("--json", "dr", "drill", "--env", "prod", "--collection", "users=100");
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.json()).toMatchObject({
      passed: false,
      cleanup: "not-needed",
      error: "before anything was restored: 7 PERMISSION_DENIED: Missing or insufficient permissions.",
    });
    expect(world.sequence()).toEqual(["version", "stack output --json --stack prod"]);
  });
});
