/**
 * The DR drill through the real LocalWorkspace path, against the stand-in `pulumi` CLI: its exact CLI call
 * sequence (the restore runs with the policy pack: point 13), and a report in every case (point 9).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Scenario, seedProd } from "./support/scenario";

const BACKUP = "projects/module6-prod-000000/locations/asia-northeast3/backups/5c1f0a8e";
const DRILL = "dr-prod-20250301-090000";

let world: Scenario;
afterEach(() => world.dispose());
beforeEach(async () => {
  world = new Scenario();
  await world.activate();
  await seedProd(world);
  world.backups.backup = {
    name: BACKUP,
    database: "projects/module6-prod-000000/databases/m6-prod-main",
    snapshotTime: new Date("2025-03-01T03:00:00.000Z"),
  };
  world.verifier.counts = { users: 150 };
});

describe("dr drill", () => {
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
