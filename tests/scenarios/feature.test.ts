/**
 * Feature environments through the real LocalWorkspace path, against the stand-in `pulumi` CLI: the exact
 * CLI call sequences of `feature up` (new and existing stack), `feature destroy`, `feature list` and
 * `feature gc`, and the failures the stand-in reproduces (points 4, 5, 6, 7, 8, 10, 11, 13 of issue 10).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KMS, Scenario, seedFeature, show } from "./support/scenario";

const STACK = "feature-pr-7";
const API_PR = "asia-northeast3-docker.pkg.dev/module6-staging-000000/m6-staging-containers/api:pr-7-3f9c2e1";
const STAGING_WEB =
  "asia-northeast3-docker.pkg.dev/module6-staging-000000/m6-staging-containers/web:1.8.0-rc.2";
const isTagWrite = (line: string) => line.startsWith("stack tag set");

let world: Scenario;
afterEach(() => world.dispose());
beforeEach(async () => {
  world = new Scenario();
  await world.activate();
});

/** The image of a service's Cloud Run resource in the checkpoint. */
function deployedImage(stack: string, resource: string): unknown {
  const r = world.deployment(stack)?.resources?.find((x) => x.urn.endsWith(`::${resource}`)) as
    { inputs?: { image?: unknown } } | undefined;
  return r?.inputs?.image;
}

async function up(...extra: string[]) {
  return world.ops("feature", "up", "--pr", "7", "--branch", "feat/login", ...extra);
}

describe("feature up", () => {
  it("new stack: 3 calls before the engine, a policy preview, tags beside it; existing stack: the PR's images kept; destroy", async () => {
    const run = await up("--image", `api=${API_PR}`);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(world.sequence((l) => !isTagWrite(l))).toEqual([
      "version",
      "stack init feature-pr-7 --no-select --secrets-provider <kms>",
      "config set-all --stack feature-pr-7 (11 values)",
      "preview --policy-pack <pack> --stack feature-pr-7",
      "up --yes --skip-preview --policy-pack <pack> --stack feature-pr-7",
      // What Stack.up itself reads afterwards (node_modules/@pulumi/pulumi/automation/stack.js).
      "stack output --json --stack feature-pr-7",
      "stack output --json --show-secrets --stack feature-pr-7",
      "stack history --json --page-size 1 --page 1 --stack feature-pr-7",
    ]);
    expect(world.sequence(isTagWrite)).toEqual([
      "stack tag set module6:kind feature --stack feature-pr-7",
      "stack tag set module6:pr 7 --stack feature-pr-7",
      "stack tag set module6:branch feat/login --stack feature-pr-7",
      "stack tag set module6:creator ci-bot --stack feature-pr-7",
      "stack tag set module6:created 2025-03-01T09:00:00.000Z --stack feature-pr-7",
      "stack tag set module6:expires 2025-03-04T09:00:00.000Z --stack feature-pr-7",
    ]);
    // Off the critical path: the tag writes run while the engine runs, all done when the command ends.
    const calls = world.calls().sort((a, b) => a.start - b.start);
    const preview = calls.find((c) => c.argv[0] === "preview");
    expect(calls.filter((c) => c.start < (preview?.start ?? 0) && !isTagWrite(show(c.argv)))).toHaveLength(3);
    expect(deployedImage(STACK, "env-api")).toBe(API_PR);
    expect(run.stdout).toMatch(/^api +https:\/\/m6-f-pr-7-api-[0-9a-f]{10}-an\.a\.run\.app$/m);

    // Again a day later, without --image: one tag write (the expiry); the pull request's api image stays.
    world.clearCalls();
    world.now = new Date("2025-03-02T09:00:00.000Z");
    expect((await up()).code).toBe(0);
    const again = world.sequence();
    expect(again.slice(0, 2)).toEqual([
      "version",
      "stack init feature-pr-7 --no-select --secrets-provider <kms>",
    ]);
    expect(again.slice(2, 4).sort()).toEqual([
      "stack history --json --page-size 5 --page 1 --stack feature-pr-7",
      "stack tag ls --json --stack feature-pr-7",
    ]);
    expect(again.slice(4).filter((l) => !isTagWrite(l))).toEqual([
      "config set-all --stack feature-pr-7 (11 values)",
      "preview --policy-pack <pack> --stack feature-pr-7",
      "up --yes --skip-preview --policy-pack <pack> --stack feature-pr-7",
      "stack output --json --stack feature-pr-7",
      "stack output --json --show-secrets --stack feature-pr-7",
      "stack history --json --page-size 1 --page 1 --stack feature-pr-7",
    ]);
    expect(again.filter(isTagWrite)).toEqual([
      "stack tag set module6:expires 2025-03-05T09:00:00.000Z --stack feature-pr-7",
    ]);
    expect(deployedImage(STACK, "env-api")).toBe(API_PR);
    expect(deployedImage(STACK, "env-web")).toBe(STAGING_WEB);

    // Closed: destroyed and removed, with its stack file.
    world.clearCalls();
    const gone = await world.ops("feature", "destroy", "--pr", "7");
    expect(gone.code).toBe(0);
    expect(gone.stdout).toMatch(/feature-pr-7 destroyed and removed: 9 deleted/);
    const destroy = world.sequence();
    expect(destroy[0]).toBe("version");
    expect(destroy.slice(1, 3).sort()).toEqual([
      "stack history --json --page-size 1 --page 1 --stack feature-pr-7",
      "stack tag ls --json --stack feature-pr-7",
    ]);
    expect(destroy.slice(3)).toEqual([
      "destroy --yes --skip-preview --stack feature-pr-7",
      "stack history --json --page-size 1 --page 1 --stack feature-pr-7",
      "stack rm --yes feature-pr-7",
    ]);
    expect(world.exists(STACK)).toBe(false);
    expect(existsSync(join(world.dir, "repo", `Pulumi.${STACK}.yaml`))).toBe(false);
  });

  it("refuses a mandatory policy violation at the preview: nothing is applied (point 4)", async () => {
    world.knobs({
      policies: [
        {
          name: "cloud-run-no-public-ingress",
          level: "mandatory",
          resourceName: "env-web",
          message: "Cloud Run service must not take traffic from the internet",
        },
      ],
    });
    const run = await up();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/policy mandatory module6\/cloud-run-no-public-ingress \(env-web\)/);
    expect(run.stderr).toMatch(/error: preview failed: one or more mandatory policy violations/);
    expect(world.sequence().some((l) => l.startsWith("up "))).toBe(false);
    expect(world.deployment(STACK)?.resources ?? []).toEqual([]);
  });

  it("keeps the CLI's own error line when an update fails (point 13)", async () => {
    world.knobs({
      fail: [
        {
          command: "up",
          afterSteps: 2,
          message:
            "1 error occurred:\n\t* creating Service: googleapi: Error 403: Permission 'run.services.create' denied",
        },
      ],
    });
    const run = await up();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /pulumi failed on stack "feature-pr-7":\n {2}error: 1 error occurred:\n\s+\* creating Service: googleapi: Error 403: Permission 'run\.services\.create' denied/,
    );
  });

  it("two runs for one pull request at once both succeed (point 11)", async () => {
    // Both write their lock before either looks again: diyBackend.Lock makes both back off.
    world.knobs({ lockWindowMs: 400 });
    // The run that waits for the other's lock really waits (the fake clock alone would not let time pass).
    world.realSleepMs = 300;
    world.retry = { attempts: 30, initialDelayMs: 1_000, maxDelayMs: 1_000 };
    const [a, b] = await Promise.all([up(), up()]);
    expect([a.code, b.code, a.stderr + b.stderr]).toEqual([0, 0, expect.not.stringMatching(/^error/m)]);
    expect(world.exists(STACK)).toBe(true);
  });

  it("cleans up after a first update that created nothing, from a fresh checkout (point 7)", async () => {
    // A stack whose state records no secrets provider (made by `stack init` without one, as CLIs before
    // 3.135 did) and whose first update failed: the stack file of that job is gone.
    process.env.PULUMI_CONFIG_PASSPHRASE = "only-for-stack-init";
    expect((await world.pulumi("repo", "stack", "init", STACK, "--no-select")).code).toBe(0);
    delete process.env.PULUMI_CONFIG_PASSPHRASE;
    await world.pulumi("repo", "stack", "tag", "set", "module6:kind", "feature", "--stack", STACK);
    await world.pulumi("repo", "stack", "tag", "set", "module6:pr", "7", "--stack", STACK);
    rmSync(join(world.dir, "repo", `Pulumi.${STACK}.yaml`), { force: true });
    world.clearCalls();
    const again = await up();
    expect(again.stderr).not.toMatch(/passphrase must be set/);
    expect(again.code).toBe(0);
    expect(readFileSync(join(world.dir, "repo", `Pulumi.${STACK}.yaml`), "utf8")).toMatch(
      new RegExp(`^secretsprovider: ${KMS}$`, "m"),
    );

    // Its twin that never got a resource is removed without a destroy.
    await world.pulumi("repo", "stack", "init", "feature-pr-8", "--secrets-provider", KMS, "--no-select");
    await world.pulumi("repo", "stack", "tag", "set", "module6:kind", "feature", "--stack", "feature-pr-8");
    world.clearCalls();
    const gone = await world.ops("feature", "destroy", "--pr", "8");
    expect(gone.code).toBe(0);
    expect(gone.stdout).toMatch(/feature-pr-8 had no resources: removed/);
    const calls = world.sequence();
    expect([calls[0], ...calls.slice(1, 3).sort(), calls[3], calls.length]).toEqual([
      "version",
      "stack history --json --page-size 1 --page 1 --stack feature-pr-8",
      "stack tag ls --json --stack feature-pr-8",
      "stack rm --yes feature-pr-8",
      4,
    ]);
  });
});

describe("feature destroy", () => {
  it("judges the kind by the deployed config, not the working copy (point 6)", async () => {
    // A stack named like a feature stack that was deployed from staging's config, and tagged by mistake.
    writeFileSync(
      join(world.dir, "repo", "Pulumi.feature-shared.yaml"),
      readFileSync(join(world.dir, "repo", "Pulumi.staging.yaml")),
    );
    await world.pulumi("repo", "stack", "init", "feature-shared", "--secrets-provider", KMS, "--no-select");
    await world.pulumi("repo", "up", "--yes", "--skip-preview", "--stack", "feature-shared");
    await world.pulumi("repo", "stack", "tag", "set", "module6:kind", "feature", "--stack", "feature-shared");
    // The working copy now claims it is a feature stack.
    await world.pulumi(
      "repo",
      "config",
      "set-all",
      "--stack",
      "feature-shared",
      "--plaintext",
      "module6:kind=feature",
    );
    const run = await world.ops("feature", "destroy", "--stack", "feature-shared");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: refusing to destroy stack "feature-shared": its last update ran with module6:kind "staging", not "feature"\n',
    );
    expect(world.exists("feature-shared")).toBe(true);
  });
});

describe("feature list and gc", () => {
  /** Three environments: #7 expired, #8 open and fresh, and an untagged stack someone made by hand. */
  async function threeStacks(): Promise<void> {
    const tags = (pr: number, expires: string) => ({
      "module6:kind": "feature",
      "module6:pr": String(pr),
      "module6:creator": "ci-bot",
      "module6:created": "2025-03-01T09:00:00.000Z",
      "module6:expires": expires,
    });
    await seedFeature(world, "feature-pr-7", tags(7, "2025-03-01T10:00:00.000Z"));
    await seedFeature(world, "feature-pr-8", tags(8, "2025-03-04T09:00:00.000Z"));
    await world.pulumi("repo", "stack", "init", "feature-manual", "--secrets-provider", KMS, "--no-select");
    world.clearCalls();
    world.now = new Date("2025-03-01T12:00:00.000Z");
  }

  it("list: 2 + N calls, no secrets, no stack selected, even with KMS decrypt denied (point 10)", async () => {
    await threeStacks();
    world.knobs({ kmsDecryptDenied: true });
    const run = await world.ops("--json", "feature", "list");
    expect(run.code).toBe(0);
    expect(run.json<{ stack: string }[]>().map((r) => r.stack)).toEqual(["feature-pr-7", "feature-pr-8"]);
    expect(world.sequence().sort()).toEqual([
      "stack ls --json --tag module6:kind=feature",
      "stack tag ls --json --stack feature-pr-7",
      "stack tag ls --json --stack feature-pr-8",
      "version",
    ]);
    expect(world.calls().every((c) => !c.kmsDecrypt)).toBe(true);
    expect(existsSync(join(world.home, "workspaces"))).toBe(false);
  });

  it("gc --dry-run reads 2 + N, gc destroys only what is due and tagged", async () => {
    await threeStacks();
    const dry = await world.ops("--json", "feature", "gc", "--dry-run");
    expect(dry.code).toBe(0);
    expect(world.sequence()).toHaveLength(4);
    expect(world.calls().every((c) => !c.kmsDecrypt && !c.argv.includes("--show-secrets"))).toBe(true);
    world.clearCalls();
    const run = await world.ops("--json", "feature", "gc");
    expect(run.code).toBe(0);
    expect(
      run
        .json<{ stacks: { stack: string; action: string; result?: string }[] }>()
        .stacks.map((s) => [s.stack, s.action, s.result]),
    ).toEqual([
      ["feature-pr-7", "destroy", "destroyed"],
      ["feature-pr-8", "keep", undefined],
    ]);
    const gc = world.sequence();
    expect([...gc.slice(0, 2), ...gc.slice(2, 4).sort(), ...gc.slice(4, 6).sort(), ...gc.slice(6)]).toEqual([
      "version",
      "stack ls --json --tag module6:kind=feature",
      "stack tag ls --json --stack feature-pr-7",
      "stack tag ls --json --stack feature-pr-8",
      // Re-checked before destroying: fresh tags and the deployed kind.
      "stack history --json --page-size 1 --page 1 --stack feature-pr-7",
      "stack tag ls --json --stack feature-pr-7",
      "destroy --yes --skip-preview --stack feature-pr-7",
      "stack history --json --page-size 1 --page 1 --stack feature-pr-7",
      "stack rm --yes feature-pr-7",
    ]);
    expect(world.exists("feature-manual")).toBe(true);
  });

  it("gc skips a stack whose update is running (point 5)", async () => {
    await threeStacks();
    // #7's pull request pushes again: its update holds the lock until gc is done.
    const goOn = join(world.dir, "refresh-may-go-on");
    world.knobs({ holdUntil: goOn });
    const refresh = world.pulumiAsync("repo", "up", "--yes", "--skip-preview", "--stack", STACK);
    while (world.lockFiles(STACK).length === 0) await new Promise((r) => setTimeout(r, 20));
    const gc = await world.ops("--json", "feature", "gc", "--closed", "7");
    writeFileSync(goOn, "");
    expect(await refresh).toBe(0);
    expect(gc.code).toBe(0);
    expect(gc.json<{ stacks: { stack: string; action: string }[] }>().stacks[0]).toMatchObject({
      stack: STACK,
      action: "skip",
    });
    expect(world.exists(STACK)).toBe(true);
    expect(world.sequence().filter((l) => l.startsWith("destroy"))).toEqual([]);
  });
});

describe("Ctrl-C", () => {
  it("sends the CLI one interrupt, lets it finish the step in flight, and never runs pulumi cancel (point 8)", async () => {
    // The update's steps take time (Ctrl-C lands inside one); its preview's need not.
    world.knobs({ stepMs: 250, stepCommands: ["up"] });
    const controller = new AbortController();
    const running = world.run({ signal: controller.signal }, "feature", "up", "--pr", "7");
    // The update holds its lock: the terminal's Ctrl-C reaches the CLI (same process group) and this process.
    while (world.lockFiles(STACK).length === 0 || (world.deployment(STACK)?.resources ?? []).length === 0)
      await new Promise((r) => setTimeout(r, 10));
    const lockFile = join(
      world.state,
      ".pulumi",
      "locks",
      "organization",
      "module6",
      STACK,
      world.lockFiles(STACK)[0] ?? "",
    );
    const { pid } = JSON.parse(readFileSync(lockFile, "utf8")) as { pid: number };
    // Another job's lock appears while ours runs (it queued behind us).
    const foreign = join(world.state, ".pulumi", "locks", "organization", "module6", STACK, "other-job.json");
    writeFileSync(
      foreign,
      JSON.stringify({ pid: 4242, username: "runner", hostname: "ci-7", timestamp: "2025-03-01T09:00:05Z" }),
    );
    process.kill(pid, "SIGINT");
    controller.abort();
    const run = await running;
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/up of feature-pr-7 was cancelled/);
    expect(run.stderr).toMatch(/locked by runner@ci-7 \(pid 4242\)/);
    const upCall = world.calls().find((c) => c.argv[0] === "up");
    expect(upCall?.signals).toBe(1);
    expect(world.sequence().filter((l) => l.startsWith("cancel"))).toEqual([]);
    expect(existsSync(foreign)).toBe(true);
    // A graceful cancel leaves no pending operation behind.
    expect(world.deployment(STACK)).not.toHaveProperty("pending_operations");
  });
});
