import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { loadStackConfigFile } from "../../stack-file/load";
import { deriveFeatureConfig } from "../../stacks/feature";
import { featureStackFor, isFeatureStackName } from "../../automation/feature/stack-name";
import { FEATURE_TAGS } from "../../automation/feature/tags";
import { StackLockedError } from "../../automation/pulumi/automation";
import { infraProgram } from "./fakes/programs";
import { createWorld, FIXTURE_ROOT, ops, START, type World } from "./fakes/world";

const API_IMAGE = "asia-northeast3-docker.pkg.dev/module6-staging-000000/m6-staging-containers/api:pr-123";
const HOUR = 3_600_000;

let world: World;
beforeEach(() => {
  world = createWorld({ program: infraProgram() });
});

describe("feature stack names", () => {
  it("names a pull request's environment feature-pr-<n>, the name the offline plan derives", () => {
    expect(featureStackFor({ pr: 123 })).toBe("feature-pr-123");
    expect(featureStackFor({ pr: 123, branch: "whatever/branch" })).toBe("feature-pr-123");
  });

  it.each([
    ["accents and case", "feat/Login-Ü", "feature-feat-login-u"],
    ["a ref with spaces and #", "refs/heads/fix/#42 crash", "feature-fix-42-crash"],
    ["path traversal", "../../etc/passwd", "feature-etc-passwd"],
    ["a leading dash", "-leading-dash", "feature-leading-dash"],
    ["underscores", "UPPER_snake_Case", "feature-upper-snake-case"],
    ["emoji", "🔥hotfix🔥", "feature-hotfix"],
    ["300 characters", "a".repeat(300), `feature-${"a".repeat(33)}-${"x".repeat(6)}`],
  ])("sanitises a hostile branch name: %s", (_case, branch, expected) => {
    const name = featureStackFor({ branch });
    expect(isFeatureStackName(name), name).toBe(true);
    if (expected.includes("xxxxxx"))
      expect(name).toMatch(new RegExp(`^${expected.replace("xxxxxx", "[0-9a-f]{6}")}$`));
    else expect(name).toBe(expected);
  });

  it("refuses a branch name without letters or digits", () => {
    expect(() => featureStackFor({ branch: "///---" })).toThrow(
      /--branch: got "\/\/\/---"; a branch name with letters or digits/,
    );
  });

  it("always yields a valid, bounded, deterministic feature stack name", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 400 }).filter((s) => /[A-Za-z0-9]/.test(s)),
        (branch) => {
          const name = featureStackFor({ branch });
          expect(isFeatureStackName(name)).toBe(true);
          expect(name.length).toBeLessThanOrEqual(48);
          expect(featureStackFor({ branch })).toBe(name);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("does not treat staging, prod or look-alikes as feature stacks", () => {
    for (const name of [
      "staging",
      "prod",
      "feature-",
      "feature--x",
      "Feature-x",
      "feature-x-",
      "xfeature-pr-1",
    ])
      expect(isFeatureStackName(name), name).toBe(false);
  });
});

describe("feature up", () => {
  it("derives staging's config with the overrides, exactly as deriveFeatureConfig does", async () => {
    const run = await ops(
      world,
      "--json",
      "feature",
      "up",
      "--pr",
      "123",
      "--branch",
      "feat/login",
      "--image",
      `api=${API_IMAGE}`,
    );
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const staging = loadStackConfigFile("staging", FIXTURE_ROOT).config;
    const expected = deriveFeatureConfig(staging, { images: { api: API_IMAGE } });
    expect(world.infra.stacks.get("feature-pr-123")?.config).toEqual(expected);
    const services = JSON.parse(expected["module6:services"] ?? "{}") as Record<string, { image: string }>;
    expect(services.api?.image).toBe(API_IMAGE);
  });

  it("without overrides writes the config the offline plan shows for feature-pr-<n>", async () => {
    expect((await ops(world, "feature", "up", "--pr", "7")).code).toBe(0);
    expect(world.infra.stacks.get("feature-pr-7")?.config).toEqual(
      loadStackConfigFile("feature-pr-7", FIXTURE_ROOT).config,
    );
  });

  it("tags the stack with pull request, branch, creator, creation and expiry, and runs up with the policy pack", async () => {
    const run = await ops(
      world,
      "--json",
      "feature",
      "up",
      "--pr",
      "123",
      "--branch",
      "feat/login",
      "--ttl",
      "24h",
    );
    expect(run.code).toBe(0);
    expect(world.infra.stacks.get("feature-pr-123")?.tags).toEqual({
      "module6:kind": "feature",
      "module6:pr": "123",
      "module6:branch": "feat/login",
      "module6:creator": "ci-bot",
      "module6:created": "2025-03-01T09:00:00.000Z",
      "module6:expires": "2025-03-02T09:00:00.000Z",
    });
    expect(world.adapterRequests).toEqual(["infra (creates stacks)"]);
    expect(world.infra.deployOptions[0]?.policyPacks).toEqual([`${FIXTURE_ROOT}/policies`]);
    expect(world.infra.deployOptions[0]?.message).toBe("feature up for pull request #123");
    const result = run.json<{
      stack: string;
      created: boolean;
      serviceUrls: Record<string, string>;
      expires: string;
    }>();
    expect(result).toMatchObject({
      stack: "feature-pr-123",
      created: true,
      expires: "2025-03-02T09:00:00.000Z",
    });
    expect(Object.keys(result.serviceUrls).sort()).toEqual(["ai", "api", "web"]);
  });

  it("prints the service URLs and one progress line per resource step", async () => {
    const run = await ops(world, "feature", "up", "--pr", "5", "--creator", "alice");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^feature-pr-5 is up \(created\) in .*: 3 created/);
    expect(run.stdout).toMatch(/api\s+https:\/\/m6-feature-pr-5-api-5x2q7a-an\.a\.run\.app/);
    expect(run.stderr).toMatch(/\[\s+\d+\.\ds\] \+\s+create\s+gcp:cloudrunv2\/service:Service\s+resource-0/);
    expect(world.infra.stacks.get("feature-pr-5")?.tags[FEATURE_TAGS.creator]).toBe("alice");
  });

  it("is idempotent: a second run updates the same stack, keeps its creation time and extends its expiry", async () => {
    await ops(world, "feature", "up", "--pr", "9");
    world.now = new Date(START.getTime() + 5 * HOUR);
    const again = await ops(world, "--json", "feature", "up", "--pr", "9");
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ created: false, changes: { same: 3 } });
    expect([...world.infra.stacks.keys()]).toEqual(["feature-pr-9"]);
    const tags = world.infra.stacks.get("feature-pr-9")?.tags ?? {};
    // Created at START (2025-03-01 09:00); updated 5 h later with the default TTL of 72 h.
    expect(tags["module6:created"]).toBe("2025-03-01T09:00:00.000Z");
    expect(tags["module6:expires"]).toBe("2025-03-04T14:00:00.000Z");
  });

  it("removes config keys staging no longer has", async () => {
    world.infra.seed("feature-pr-4", {
      config: { "module6:kind": "feature", "module6:obsolete": "x" },
      tags: { [FEATURE_TAGS.pr]: "4" },
    });
    expect((await ops(world, "feature", "up", "--pr", "4")).code).toBe(0);
    expect(world.infra.stacks.get("feature-pr-4")?.config).not.toHaveProperty("module6:obsolete");
  });

  it("refuses to take over a stack another pull request or branch owns", async () => {
    world.infra.seed("feature-pr-5", { tags: { [FEATURE_TAGS.pr]: "6" } });
    const run = await ops(world, "feature", "up", "--pr", "5");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/stack feature-pr-5 belongs to pull request #6/);
    world.infra.seed("feature-feat-a", { tags: { [FEATURE_TAGS.branch]: "feat/a" } });
    expect((await ops(world, "feature", "up", "--branch", "feat-a")).stderr).toMatch(
      /belongs to branch "feat\/a"/,
    );
    expect(world.infra.calls.filter((c) => c.startsWith("up "))).toEqual([]);
  });

  it("writes config and tags one at a time (the fake fails on concurrent writes)", async () => {
    expect((await ops(world, "feature", "up", "--pr", "11", "--branch", "b")).code).toBe(0);
    const writes = world.infra.calls.filter((c) => /^(setConfig|removeConfig|setTags|up) /.test(c));
    expect(writes).toEqual(["setConfig feature-pr-11", "setTags feature-pr-11", "up feature-pr-11"]);
  });

  it("waits for a locked stack with bounded backoff, then succeeds", async () => {
    world.infra.lock("feature-pr-12", 2);
    const run = await ops(world, "feature", "up", "--pr", "12");
    expect(run.code).toBe(0);
    expect(world.sleeps).toEqual([1_000, 2_000]);
    expect(run.stderr).toMatch(
      /stack feature-pr-12 is locked by another update; trying again in 1\.0s \(attempt 2 of 4\)/,
    );
  });

  it("gives up on a stack that stays locked, with a clear message and exit 1", async () => {
    world.infra.lock("feature-pr-13", 10);
    const run = await ops(world, "feature", "up", "--pr", "13");
    expect(run.code).toBe(1);
    expect(world.sleeps).toEqual([1_000, 2_000, 4_000]);
    expect(run.stderr).toMatch(
      /^error: stack "feature-pr-13" is still locked by another update after 4 attempts over 7s\./m,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("on Ctrl-C stops the update and exits 130, without removing anyone's lock", async () => {
    world.infra.beforeOperation = () => world.controller.abort();
    const run = await ops(world, "feature", "up", "--pr", "14");
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/error: up of feature-pr-14 was cancelled/);
    expect(world.infra.calls.filter((c) => c.startsWith("cancel"))).toEqual([]);
  });

  it.each([
    [["feature", "up"], /feature up needs --pr <number>/],
    [["feature", "up", "--pr", "0"], /option '--pr <number>' argument '0' is invalid/],
    [
      ["feature", "up", "--pr", "1", "--ttl", "10y"],
      /--ttl <duration>' argument '10y' is invalid. a duration from 1h 00m to 30d 0h/,
    ],
    [["feature", "up", "--pr", "1", "--image", "api"], /argument 'api' is invalid. service=image/],
    [
      ["feature", "up", "--pr", "1", "--image", "api=nginx"],
      /an image reference with an explicit tag or digest/,
    ],
    [
      ["feature", "up", "--pr", "1", "--image", "nope=a/b:1"],
      /--image: no service nope in .*Pulumi\.staging\.yaml; services: web, api, ai/,
    ],
    [
      ["feature", "up", "--pr", "1", "--policy-pack", "nowhere"],
      /--policy-pack: no PulumiPolicy\.yaml in .*nowhere/,
    ],
    [
      ["feature", "destroy", "--pr", "1", "--stack", "feature-pr-1"],
      /option '--stack <name>' cannot be used with option '--pr <number>'/,
    ],
  ])("rejects %j up front", async (args, message) => {
    const run = await ops(world, ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(world.infra.calls).toEqual([]);
  });
});

describe("feature destroy", () => {
  it("destroys the resources, then removes the stack", async () => {
    await ops(world, "feature", "up", "--pr", "20");
    const run = await ops(world, "--json", "feature", "destroy", "--pr", "20");
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({ stack: "feature-pr-20", status: "destroyed", changes: { delete: 3 } });
    expect(world.infra.stacks.has("feature-pr-20")).toBe(false);
    const order = world.infra.calls.filter((c) => /^(destroy|removeStack) /.test(c));
    expect(order).toEqual(["destroy feature-pr-20", "removeStack feature-pr-20"]);
  });

  it("succeeds when the stack is already gone", async () => {
    const run = await ops(world, "feature", "destroy", "--pr", "21");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("feature-pr-21 does not exist: nothing to destroy\n");
  });

  it("refuses a stack that is not a feature stack, by name, before touching the backend", async () => {
    world.infra.seed("staging", { resources: 40 });
    const run = await ops(world, "feature", "destroy", "--stack", "staging");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: refusing to touch stack "staging": only feature stacks (feature-<slug>) are created and destroyed by feature commands\n',
    );
    expect(world.infra.calls).toEqual([]);
    expect(world.infra.stacks.get("staging")?.resources).toBe(40);
  });

  it("refuses a feature-named stack whose deployed config is not of kind feature", async () => {
    world.infra.seed("feature-x", {
      config: { "module6:kind": "feature" },
      deployedConfigs: [{ "module6:kind": "staging" }],
      history: ["succeeded"],
      tags: { [FEATURE_TAGS.kind]: "feature" },
      resources: 12,
    });
    const run = await ops(world, "feature", "destroy", "--stack", "feature-x");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /refusing to destroy stack "feature-x": its last update ran with module6:kind "staging", not "feature"/,
    );
    expect(world.infra.stacks.get("feature-x")?.resources).toBe(12);
  });

  it("refuses a feature-named stack tagged as another kind", async () => {
    world.infra.seed("feature-y", { tags: { [FEATURE_TAGS.kind]: "dr-drill" }, resources: 1 });
    const run = await ops(world, "feature", "destroy", "--stack", "feature-y");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /refusing to destroy stack "feature-y": it is not tagged module6:kind=feature \("dr-drill"\), so this program did not create it/,
    );
    expect(world.infra.stacks.get("feature-y")?.resources).toBe(1);
  });

  it("retries a locked destroy", async () => {
    await ops(world, "feature", "up", "--pr", "22");
    world.infra.lock("feature-pr-22", 1);
    expect((await ops(world, "feature", "destroy", "--pr", "22")).code).toBe(0);
    expect(world.sleeps).toEqual([1_000]);
  });
});

describe("feature list", () => {
  it("flags a stack as expired from the very moment `feature gc` would destroy it", async () => {
    await ops(world, "feature", "up", "--pr", "32", "--ttl", "2h");
    world.now = new Date(START.getTime() + 2 * HOUR - 1);
    expect((await ops(world, "--json", "feature", "list")).json<unknown[]>()).toEqual([
      expect.objectContaining({ stack: "feature-pr-32", expired: false }),
    ]);
    world.now = new Date(START.getTime() + 2 * HOUR);
    expect((await ops(world, "--json", "feature", "list")).json<unknown[]>()).toEqual([
      expect.objectContaining({ stack: "feature-pr-32", expired: true }),
    ]);
    const gc = await ops(world, "--json", "feature", "gc", "--dry-run");
    expect(JSON.stringify(gc.json<unknown>())).toMatch(/feature-pr-32.*destroy/);
  });

  it("shows each feature stack with pull request, age, expiry and last update; never other stacks", async () => {
    world.infra.seed("staging", { resources: 40 });
    await ops(world, "feature", "up", "--pr", "30", "--branch", "feat/a", "--ttl", "2h");
    await ops(world, "feature", "up", "--pr", "31");
    world.now = new Date(START.getTime() + 3 * HOUR);
    const json = await ops(world, "--json", "feature", "list");
    expect(json.json<unknown[]>()).toEqual([
      {
        stack: "feature-pr-30",
        pr: 30,
        branch: "feat/a",
        creator: "ci-bot",
        ageSeconds: 3 * 3600,
        expires: "2025-03-01T11:00:00.000Z",
        expired: true,
        lastUpdate: START.toISOString(),
        resources: 3,
      },
      expect.objectContaining({ stack: "feature-pr-31", pr: 31, expired: false }),
    ]);
    const text = await ops(world, "feature", "list");
    expect(text.stdout.split("\n")[0]).toMatch(
      /^STACK\s+PR\s+BRANCH\s+AGE\s+EXPIRES\s+LAST UPDATE\s+RESOURCES$/,
    );
    expect(text.stdout).toMatch(
      /feature-pr-30\s+#30\s+feat\/a\s+3h 00m\s+expired 1h 00m ago\s+3h 00m ago\s+3/,
    );
    const busy = world.infra.stacks.get("feature-pr-31");
    if (busy) busy.busy = true;
    expect((await ops(world, "feature", "list")).stdout).toMatch(
      /feature-pr-31 .* in progress \(someone@ci\) /,
    );
  });
});

describe("feature gc", () => {
  async function threeStacks(): Promise<void> {
    await ops(world, "feature", "up", "--pr", "40", "--ttl", "1h");
    await ops(world, "feature", "up", "--pr", "41");
    await ops(world, "feature", "up", "--pr", "42");
    world.infra.seed("feature-old", {
      lastUpdate: new Date(START.getTime() - 100 * HOUR),
      resources: 2,
      tags: { [FEATURE_TAGS.kind]: "feature" },
    });
    // Named like a feature stack, but not tagged by this program: never a candidate.
    world.infra.seed("feature-manual", { lastUpdate: new Date(START.getTime() - 100 * HOUR), resources: 2 });
    world.infra.seed("staging", { resources: 40 });
    world.now = new Date(START.getTime() + 2 * HOUR);
  }

  it("decides on expiry, closed pull requests and the default TTL; --dry-run destroys nothing", async () => {
    await threeStacks();
    const run = await ops(world, "--json", "feature", "gc", "--dry-run", "--closed", "41");
    expect(run.code).toBe(0);
    const result = run.json<{
      stacks: { stack: string; action: string; reason: string; result?: string }[];
    }>();
    expect(result.stacks.map((s) => [s.stack, s.action, s.result, s.reason])).toEqual([
      ["feature-pr-40", "destroy", "would-destroy", "expired 1h 00m ago"],
      ["feature-pr-41", "destroy", "would-destroy", "pull request #41 is closed"],
      ["feature-pr-42", "keep", undefined, "expires in 2d 22h"],
      ["feature-old", "destroy", "would-destroy", "no expiry tag; 4d 6h old, past the default TTL of 3d 0h"],
    ]);
    expect(world.infra.calls.filter((c) => c.startsWith("destroy"))).toEqual([]);
  });

  it("destroys what it decided, continues past a failure and exits 1 with the failures listed", async () => {
    await threeStacks();
    world.infra.failNext("destroy", "feature-pr-40");
    const run = await ops(world, "feature", "gc", "--closed", "41");
    expect(run.code).toBe(1);
    expect(world.infra.stacks.has("feature-pr-40")).toBe(true);
    expect(world.infra.stacks.has("feature-pr-41")).toBe(false);
    expect(world.infra.stacks.has("feature-old")).toBe(false);
    expect(world.infra.stacks.has("feature-pr-42")).toBe(true);
    expect(world.infra.stacks.get("staging")?.resources).toBe(40);
    expect(world.infra.stacks.get("feature-manual")?.resources).toBe(2);
    expect(run.stdout).toMatch(/1 of 3 failed:\n {2}feature-pr-40: pulumi failed on stack "feature-pr-40"/);
  });

  it("reads closed pull requests from gh's JSON and skips a stack with an update running", async () => {
    await threeStacks();
    const file = `${FIXTURE_ROOT}/../closed-prs.json`;
    const busy = world.infra.stacks.get("feature-pr-42");
    if (busy) busy.busy = true;
    const run = await ops(world, "--json", "feature", "gc", "--closed-file", file, "--dry-run");
    expect(run.code).toBe(0);
    const result = run.json<{ closedPrs: number[]; stacks: { stack: string; action: string }[] }>();
    expect(result.closedPrs).toEqual([41, 42]);
    expect(result.stacks.find((s) => s.stack === "feature-pr-42")?.action).toBe("skip");
  });

  it("stops at once on Ctrl-C instead of carrying on", async () => {
    await threeStacks();
    world.infra.beforeOperation = () => world.controller.abort();
    const run = await ops(world, "feature", "gc", "--closed", "41");
    expect(run.code).toBe(130);
    expect(world.infra.calls.filter((c) => c.startsWith("destroy"))).toHaveLength(1);
  });

  it("skips a stack another operation locks when it comes to destroy it, and carries on", async () => {
    await threeStacks();
    world.infra.lock("feature-pr-40", 10);
    const run = await ops(world, "--json", "feature", "gc");
    expect(run.code).toBe(0);
    const result = run.json<{
      failed: number;
      stacks: { stack: string; result?: string; reason?: string }[];
    }>();
    expect(result.failed).toBe(0);
    expect(result.stacks.find((s) => s.stack === "feature-pr-40")).toMatchObject({
      result: "skipped",
      reason: "expired 1h 00m ago; skipped: another operation took its lock",
    });
    expect(world.sleeps).toEqual([]);
    expect(result.stacks.find((s) => s.stack === "feature-old")?.result).toBe("destroyed");
  });
});

describe("StackLockedError", () => {
  it("names the stack", () => {
    expect(new StackLockedError("feature-pr-1").message).toBe(
      'stack "feature-pr-1" is locked by another update',
    );
  });
});
