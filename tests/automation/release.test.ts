import { beforeEach, describe, expect, it } from "vitest";
import { RELEASES_KEY, type ReleaseEntry, type RegionRevisions } from "../../stacks/releases";
import { fixtureConfig, infraProgram } from "./fakes/programs";
import { recordedSeries } from "./fakes/series";
import { createWorld, FIXTURE_ROOT, ops, START, type World } from "./fakes/world";

const NEW_API = "asia-northeast3-docker.pkg.dev/module6-prod-000000/m6-prod-containers/api:2.4.0";
const A3 = "asia-northeast3";
const A1 = "asia-northeast1";
const STABLE = { [A3]: "m6-prod-api-00001-k3", [A1]: "m6-prod-api-00001-k1" };
const CANDIDATE = { [A3]: "m6-prod-api-00002-k3", [A1]: "m6-prod-api-00002-k1" };

let world: World;
let prodConfig: Record<string, string>;

beforeEach(async () => {
  world = createWorld({ program: infraProgram() });
  prodConfig = fixtureConfig(FIXTURE_ROOT, "prod");
  world.infra.seed("prod", { config: { ...prodConfig } });
  await world.infra.up("prod");
  world.infra.calls.length = 0;
});

function release(stack = "prod"): Record<string, ReleaseEntry> {
  return JSON.parse(world.infra.stacks.get(stack)?.config[RELEASES_KEY] ?? "{}") as Record<
    string,
    ReleaseEntry
  >;
}

function traffic(service = "api"): Record<string, RegionRevisions["traffic"]> {
  const outputs = world.infra.stacks.get("prod")?.outputs as {
    revisions: Record<string, Record<string, RegionRevisions>>;
  };
  return Object.fromEntries(Object.entries(outputs.revisions[service] ?? {}).map(([r, v]) => [r, v.traffic]));
}

const start = (...extra: string[]) =>
  ops(world, "release", "start", "--stack", "prod", "--service", "api", "--image", NEW_API, ...extra);

describe("release start", () => {
  it("canary: the new revision takes the share under the canary tag, the serving one the rest, in every region", async () => {
    const run = await start("--percent", "10");
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(release().api).toEqual({
      image: NEW_API,
      strategy: "canary",
      state: "started",
      percent: 10,
      tag: "canary",
      stableRevisions: STABLE,
      startedAt: START.toISOString(),
    });
    expect(traffic()[A3]).toEqual([
      { percent: 10, tag: "canary", uri: "https://canary---m6-prod-api-5x2q7a-an.a.run.app", latest: true },
      { revision: STABLE[A3], percent: 90, latest: false },
    ]);
    expect(traffic()[A1]?.[1]).toEqual({ revision: STABLE[A1], percent: 90, latest: false });
    expect(run.stdout).toMatch(/api: canary release started, 10 % to the candidate \(tag canary\)/);
    expect(run.stdout).toMatch(/next: release promote or release rollback --stack prod --service api/);
    // Only the release key changes; the services the team writes stay as they are.
    const config = world.infra.stacks.get("prod")?.config ?? {};
    expect(config["module6:services"]).toBe(prodConfig["module6:services"]);
    expect(world.infra.deployOptions.at(-1)).toMatchObject({
      policyPacks: [`${FIXTURE_ROOT}/policies`],
      message: `release start api ${NEW_API} (canary)`,
    });
  });

  it("canary defaults to 10 %", async () => {
    expect((await start()).code).toBe(0);
    expect(release().api?.percent).toBe(10);
  });

  it("blue-green: the new revision takes 0 % under the green tag, reachable at its tag URL", async () => {
    const run = await ops(
      world,
      "--json",
      "release",
      "start",
      "--stack",
      "prod",
      "--service",
      "api",
      "--image",
      NEW_API,
      "--strategy",
      "blue-green",
    );
    expect(run.code).toBe(0);
    expect(release().api).toMatchObject({
      strategy: "blue-green",
      percent: 0,
      tag: "green",
      state: "started",
    });
    expect(traffic()[A3]).toEqual([
      { percent: 0, tag: "green", uri: "https://green---m6-prod-api-5x2q7a-an.a.run.app", latest: true },
      { revision: STABLE[A3], percent: 100, latest: false },
    ]);
    const result = run.json<{ revisions: Record<string, RegionRevisions> }>();
    expect(result.revisions[A3]?.latestReadyRevision).toBe(CANDIDATE[A3]);
  });

  it("records the revision that serves most traffic as stable, not merely the latest one", async () => {
    await start("--strategy", "blue-green");
    await ops(world, "release", "rollback", "--stack", "prod", "--service", "api");
    // The green revision is the latest but serves nothing: the next release must fall back to the serving one.
    const next = NEW_API.replace("2.4.0", "2.4.1");
    expect(
      (await ops(world, "release", "start", "--stack", "prod", "--service", "api", "--image", next)).code,
    ).toBe(0);
    expect(release().api?.stableRevisions).toEqual(STABLE);
  });

  it.each([
    [["--strategy", "blue-green", "--percent", "20"], /--percent is for canary releases/],
    [["--strategy", "blue-green", "--analyze"], /--analyze judges a canary's traffic/],
    [["--analyze-window", "5m"], /--analyze-window and --min-requests need --analyze/],
    [["--percent", "100"], /argument '100' is invalid. an integer 1-99 \(send 100 % with release promote\)/],
    [["--percent", "0"], /argument '0' is invalid/],
    [["--strategy", "linear"], /argument 'linear' is invalid. Allowed choices are canary, blue-green/],
  ])("rejects conflicting or invalid flags %j before touching the stack", async (extra, message) => {
    const run = await start(...extra);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(world.infra.calls).toEqual([]);
  });

  it("refuses a second release while one is in progress, and the image already running", async () => {
    await start();
    const again = await start();
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /a canary release of api is in progress on prod \(10 % to .*api:2\.4\.0\); promote or roll it back first/,
    );
    const current = JSON.parse(prodConfig["module6:services"] ?? "{}") as Record<string, { image: string }>;
    const same = await ops(
      world,
      "release",
      "start",
      "--stack",
      "prod",
      "--service",
      "web",
      "--image",
      current.web?.image ?? "",
    );
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/web on prod already runs .*: a release needs a new image/);
  });

  it("refuses an unknown stack or service, and a stack that exports no revisions", async () => {
    expect(
      (await ops(world, "release", "start", "--stack", "feature-qa", "--service", "api", "--image", NEW_API))
        .stderr,
    ).toMatch(/stack feature-qa does not exist/);
    expect(
      (await ops(world, "release", "start", "--stack", "prod", "--service", "db", "--image", NEW_API)).stderr,
    ).toMatch(/--service: stack prod has no service "db"; services: web, api, ai/);
    const stack = world.infra.stacks.get("prod");
    if (stack) stack.outputs = {};
    const run = await start();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/stack prod records no revisions of api in its outputs/);
  });
});

describe("release: offline checks before the backend", () => {
  it.each([
    [
      ["release", "start", "--stack", "prd", "--service", "api", "--image", "r/api:1.0.0"],
      "error: option '--stack <name>' argument 'prd' is invalid. a stack is prod, staging or feature-<slug>: did you mean \"prod\"?\n",
    ],
    [
      ["release", "status", "--stack", "qa"],
      "error: option '--stack <name>' argument 'qa' is invalid. a stack is prod, staging or feature-<slug>.\n",
    ],
    [
      ["release", "promote", "--stack", "prod", "--service", "apii"],
      'error: --service: stack prod has no service "apii" (did you mean "api"?); services: web, api, ai\n',
    ],
    [
      ["release", "start", "--stack", "staging", "--service", "api", "--image", "r/api:latest"],
      "error: option '--image <ref>' argument 'r/api:latest' is invalid. a version tag or a digest, not :latest (a moving tag: a revision must run the image that was reviewed, see the cloud-run-image-pinned policy).\n",
    ],
    [
      ["feature", "up", "--pr", "5", "--image", "api=r/api:latest"],
      "error: option '--image <service=ref>' argument 'api=r/api:latest' is invalid. a version tag or a digest, not :latest (a moving tag: a revision must run the image that was reviewed, see the cloud-run-image-pinned policy).\n",
    ],
  ])("%j: exit 2, nothing asked of the backend", async (args, message) => {
    const fresh = createWorld();
    const run = await ops(fresh, ...args);
    expect(run.code).toBe(2);
    expect(run.stderr.split("(add --help")[0]).toBe(message);
    expect(fresh.infra.calls).toEqual([]);
    expect(fresh.adapterRequests).toEqual([]);
  });

  it("accepts an image pinned by digest even when its tag is latest", async () => {
    const fresh = createWorld();
    const digest = `r/api:latest@sha256:${"a".repeat(64)}`;
    const run = await ops(fresh, "release", "start", "--stack", "prd", "--service", "api", "--image", digest);
    expect(run.stderr).not.toMatch(/not :latest/);
  });
});

describe("release promote and rollback", () => {
  it("promote sends 100 % to the new revision and keeps the rollback target", async () => {
    await start("--percent", "25");
    const run = await ops(world, "--json", "release", "promote", "--stack", "prod", "--service", "api");
    expect(run.code).toBe(0);
    expect(release().api).toMatchObject({ state: "promoted", percent: 100, stableRevisions: STABLE });
    expect(traffic()[A3]).toEqual([{ percent: 100, latest: true }]);
    expect(run.json()).toMatchObject({ stack: "prod", service: "api", release: { state: "promoted" } });
  });

  it("rollback sends 100 % to the previous revision recorded in the stack outputs", async () => {
    await start();
    await ops(world, "release", "promote", "--stack", "prod", "--service", "api");
    // The outputs are the record: a rollback follows them even where the config says otherwise.
    const outputs = world.infra.stacks.get("prod")?.outputs as {
      revisions: Record<string, Record<string, RegionRevisions>>;
    };
    const a3 = outputs.revisions.api?.[A3];
    if (a3)
      outputs.revisions.api = {
        ...outputs.revisions.api,
        [A3]: { ...a3, previousRevision: "m6-prod-api-00000-k3" },
      };
    const run = await ops(world, "release", "rollback", "--stack", "prod", "--service", "api");
    expect(run.code).toBe(0);
    expect(release().api).toMatchObject({
      state: "rolled-back",
      percent: 0,
      stableRevisions: { [A3]: "m6-prod-api-00000-k3", [A1]: STABLE[A1] },
    });
    expect(traffic()[A1]).toEqual([
      { revision: STABLE[A1], percent: 100, latest: false },
      { percent: 0, tag: "canary", uri: "https://canary---m6-prod-api-5x2q7a-an.a.run.app", latest: true },
    ]);
    expect(run.stdout).toMatch(/api: canary release rolled-back, 100 % back to the previous revision/);
  });

  it("rollback of a canary in progress restores the stable revision; a second rollback changes nothing", async () => {
    await start("--percent", "50");
    expect((await ops(world, "release", "rollback", "--stack", "prod", "--service", "api")).code).toBe(0);
    expect(traffic()[A3]?.[0]).toEqual({ revision: STABLE[A3], percent: 100, latest: false });
    const ups = world.infra.calls.filter((c) => c.startsWith("up ")).length;
    const again = await ops(world, "--json", "release", "rollback", "--stack", "prod", "--service", "api");
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ changed: false });
    expect(world.infra.calls.filter((c) => c.startsWith("up ")).length).toBe(ups);
  });

  it("refuses to promote or roll back without a release, and to promote a rolled-back one", async () => {
    const promote = await ops(world, "release", "promote", "--stack", "prod", "--service", "api");
    expect(promote.code).toBe(2);
    expect(promote.stderr).toMatch(/no release of api to promote: start one with release start/);
    const rollback = await ops(world, "release", "rollback", "--stack", "prod", "--service", "api");
    expect(rollback.stderr).toMatch(/no release of api to roll back/);
    await start();
    await ops(world, "release", "rollback", "--stack", "prod", "--service", "api");
    expect((await ops(world, "release", "promote", "--stack", "prod", "--service", "api")).stderr).toMatch(
      /the release of api is rolled-back; only a started release can be promoted/,
    );
  });
});

describe("release status", () => {
  it("shows each service's release and traffic", async () => {
    await start("--percent", "10");
    const run = await ops(world, "release", "status", "--stack", "prod");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/web: no release recorded/);
    expect(run.stdout).toMatch(/api: canary release started, 10 % to the candidate \(tag canary\)/);
    expect(run.stdout).toMatch(
      /asia-northeast3\s+m6-prod-api-00002-k3 \(latest\)\s+10 %\s+canary\s+https:\/\/canary---/,
    );
    expect(run.stdout).toMatch(/asia-northeast1\s+m6-prod-api-00001-k1\s+90 %\s+-\s+-/);
    const json = await ops(world, "--json", "release", "status", "--stack", "prod", "--service", "api");
    expect(json.json<{ services: { service: string; release: ReleaseEntry }[] }>().services).toEqual([
      expect.objectContaining({
        service: "api",
        release: expect.objectContaining({ state: "started" }) as unknown,
      }),
    ]);
    expect(world.infra.calls.filter((c) => c.startsWith("up ")).length).toBe(1);
  });
});

describe("release start --analyze", () => {
  it("promotes a healthy canary after the window, judged on the new revisions only", async () => {
    world.metrics.points = recordedSeries("healthy");
    const run = await ops(
      world,
      "--json",
      "release",
      "start",
      "--stack",
      "prod",
      "--service",
      "api",
      "--image",
      NEW_API,
      "--analyze",
      "--analyze-window",
      "15m",
    );
    expect(run.stderr).not.toMatch(/^error/m);
    expect(run.code).toBe(0);
    expect(world.sleeps).toEqual([15 * 60_000]);
    expect(world.metrics.queries).toEqual([
      {
        project: "module6-prod-000000",
        service: "m6-prod-api",
        revisions: [CANDIDATE[A3], CANDIDATE[A1]],
        start: START,
        end: new Date(START.getTime() + 15 * 60_000),
      },
    ]);
    expect(run.json()).toMatchObject({
      analysis: { decision: "promote", reason: "healthy" },
      release: { state: "promoted" },
    });
    expect(release().api?.state).toBe("promoted");
  });

  it.each([
    ["error-spike", /error rate 3\.49 % \(45 of 1290\) is not under 0\.10 %/],
    ["latency-regression", /p95 latency 250 ms is not under 200 ms/],
    ["no-traffic", /only 15 requests reached the canary/],
  ] as const)("rolls back on %s and exits 1", async (series, summary) => {
    world.metrics.points = recordedSeries(series);
    const run = await start("--analyze");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(summary);
    expect(release().api?.state).toBe("rolled-back");
    expect(traffic()[A3]?.[0]).toEqual({ revision: STABLE[A3], percent: 100, latest: false });
  });

  it("analyzes a release that follows an earlier one (the release record stays in config)", async () => {
    await start();
    await ops(world, "release", "promote", "--stack", "prod", "--service", "api");
    world.metrics.points = recordedSeries("healthy");
    const next = NEW_API.replace("2.4.0", "2.4.1");
    const run = await ops(
      world,
      "release",
      "start",
      "--stack",
      "prod",
      "--service",
      "api",
      "--image",
      next,
      "--analyze",
    );
    expect(run.stderr).not.toMatch(/^error/m);
    expect(run.code).toBe(0);
    expect(release().api).toMatchObject({ image: next, state: "promoted", stableRevisions: CANDIDATE });
  });

  it("judges each service by its own service levels (ai: 2000 ms latency threshold)", async () => {
    world.metrics.points = recordedSeries("latency-regression");
    const run = await ops(
      world,
      "release",
      "start",
      "--stack",
      "prod",
      "--service",
      "ai",
      "--image",
      NEW_API.replace("api:", "ai:"),
      "--analyze",
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/p95 250 ms over 1278 requests meet the service levels; promoting/);
  });
});
