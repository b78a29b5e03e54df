/**
 * The pure parts of the operations' safeguards: one interrupt for the CLI, what the backend's state says
 * (locks, checkpoint, the operation lock), which tags change, and when a working copy disagrees with what is
 * deployed. The same behaviour runs end to end in tests/scenarios/.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { changedTags } from "../../automation/commands/feature-up";
import { backendState, FileBackendState, parseCheckpoint } from "../../automation/pulumi/backend-state";
import { singleInterrupt } from "../../automation/pulumi/interrupt";
import { workingCopyDifferences, type DeployedStack } from "../../automation/release/stack";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("singleInterrupt", () => {
  it("sends the CLI an interrupt only when it did not acknowledge one within the grace period", async () => {
    const user = new AbortController();
    const quiet = singleInterrupt(user.signal, 20);
    user.abort();
    expect(quiet.signal.aborted).toBe(false);
    await wait(40);
    expect(quiet.signal.aborted).toBe(true);
    quiet.dispose();

    const terminal = new AbortController();
    const acked = singleInterrupt(terminal.signal, 20);
    acked.onOutput("^C received; cancelling. If you would like to terminate immediately, press ^C again.\n");
    terminal.abort();
    await wait(40);
    expect(acked.acknowledged()).toBe(true);
    expect(acked.signal.aborted).toBe(false);
    acked.dispose();
  });
});

describe("the backend's state", () => {
  const root = mkdtempSync(join(tmpdir(), "m6-state-"));
  const lockDir = join(root, ".pulumi", "locks", "organization", "module6", "prod");
  mkdirSync(lockDir, { recursive: true });
  writeFileSync(
    join(lockDir, "a1.json"),
    JSON.stringify({ pid: 42, username: "runner", hostname: "ci-7", timestamp: "2025-03-01T09:00:00Z" }),
  );
  writeFileSync(join(lockDir, "broken.json"), "not json");
  mkdirSync(join(root, ".pulumi", "stacks", "module6"), { recursive: true });
  writeFileSync(
    join(root, ".pulumi", "stacks", "module6", "prod.json.gz"),
    gzipSync(
      JSON.stringify({
        checkpoint: {
          latest: {
            secrets_providers: { type: "cloud", state: { url: "gcpkms://k" } },
            resources: [{ type: "pulumi:pulumi:Stack" }, { type: "pulumi:providers:gcp" }, { type: "x" }],
          },
        },
      }),
    ),
  );
  const state = backendState(`file://${root}`);

  it("reads lock files (an unreadable one is still a lock) and nothing for a free stack", async () => {
    expect(state).toBeInstanceOf(FileBackendState);
    const locks = await state.locks("module6", "prod");
    expect(locks).toContainEqual({
      path: `file://${join(lockDir, "a1.json")}`,
      username: "runner",
      hostname: "ci-7",
      pid: 42,
      timestamp: "2025-03-01T09:00:00Z",
    });
    expect(locks).toHaveLength(2);
    expect(await state.locks("module6", "staging")).toEqual([]);
  });

  it("counts a checkpoint's resources other than the root stack and reads its secrets provider, gzipped too", async () => {
    expect(await state.checkpoint("module6", "prod")).toEqual({
      resources: 2,
      secretsProvider: "gcpkms://k",
    });
    expect(await state.checkpoint("module6", "nope")).toBeUndefined();
    expect(parseCheckpoint(Buffer.from("{}"))).toEqual({ resources: 0 });
  });

  it("gives the operation lock to one holder at a time, outside Pulumi's lock directory", async () => {
    const owner = { username: "a", hostname: "h", pid: 1, timestamp: "t", command: "release api" };
    const first = await state.tryOpsLock("module6", "prod", owner);
    const second = await state.tryOpsLock("module6", "prod", { ...owner, username: "b" });
    expect(first.acquired).toBe(true);
    expect(second).toMatchObject({ acquired: false, holder: { username: "a", pid: 1 } });
    if (first.acquired) await first.release();
    expect((await state.tryOpsLock("module6", "prod", owner)).acquired).toBe(true);
    expect((await state.locks("module6", "prod")).map((l) => l.username)).not.toContain("a");
  });
});

describe("feature up's tag writes", () => {
  it("writes only what changed", () => {
    expect(changedTags({ a: "1", b: "2", c: "3" }, { a: "1", b: "0" })).toEqual({ b: "2", c: "3" });
    expect(changedTags({ a: "1" }, { a: "1" })).toEqual({});
  });
});

describe("the working copy against what is deployed", () => {
  const deployed = (local: Partial<DeployedStack["local"]>, config: Record<string, string>): DeployedStack =>
    ({
      stack: "prod",
      config,
      secretKeys: ["module6:secret-x"],
      local: { exists: true, config: {}, secretKeys: ["module6:secret-x"], ...local },
    }) as unknown as DeployedStack;

  it("compares values as JSON, ignores the release record, and secrets by presence", () => {
    const services = { api: { image: "r/api:1", regions: ["a", "b"] } };
    expect(
      workingCopyDifferences(
        deployed(
          { config: { "module6:services": JSON.stringify(services), "module6:releases": "{}" } },
          { "module6:services": '{"api":{"regions":["a","b"],"image":"r/api:1"}}' },
        ),
      ),
    ).toEqual([]);
    expect(
      workingCopyDifferences(
        deployed(
          { config: { "module6:kind": "prod", "module6:region": "x" }, secretKeys: [] },
          { "module6:kind": "staging" },
        ),
      ),
    ).toEqual(["module6:kind", "module6:region", "module6:secret-x"]);
    expect(workingCopyDifferences(deployed({ exists: false }, { "module6:kind": "prod" }))).toEqual([]);
  });
});
