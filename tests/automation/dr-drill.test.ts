import { beforeEach, describe, expect, it } from "vitest";
import { newestReadyBackup } from "../../automation/dr/backup-choice";
import { drillNames, isScratchDatabase } from "../../automation/dr/contract";
import type { DrillReport } from "../../automation/dr/report";
import {
  createRestore,
  deleteRestore,
  diffRestore,
  type FirestoreAdmin,
} from "../../automation/dr/program/restore-logic";
import { AutomationError } from "../../automation/pulumi/automation";
import { fixtureConfig, infraProgram } from "./fakes/programs";
import { createWorld, FakeBackups, FakeVerifier, FIXTURE_ROOT, ops, START, type World } from "./fakes/world";

const BACKUP = {
  name: "projects/module6-prod-000000/locations/asia-northeast3/backups/5c1f0a8e",
  database: "projects/module6-prod-000000/databases/m6-prod-main",
  snapshotTime: new Date("2025-03-01T03:00:00Z"),
};
const STACK = "dr-prod-20250301-090000";
const MINUTE = 60_000;

let world: World;
beforeEach(async () => {
  world = createWorld({
    program: infraProgram(),
    drProgram: (_stack, config) => ({
      database: `projects/module6-prod-000000/databases/${config["module6-dr:database"]}`,
    }),
  });
  world.infra.seed("prod", { config: fixtureConfig(FIXTURE_ROOT, "prod") });
  await world.infra.up("prod");
  Object.assign(world, {
    backups: new FakeBackups(BACKUP),
    verifier: new FakeVerifier({ users: 1200, documents: 5400 }),
  });
  // A restore takes a while: the clock moves 12 minutes during the up.
  world.dr.beforeOperation = (op) => {
    if (op === "up") world.now = new Date(world.now.getTime() + 12 * MINUTE);
  };
});

const drill = (...extra: string[]) =>
  ops(
    world,
    "--json",
    "dr",
    "drill",
    "--env",
    "prod",
    "--collection",
    "users=1000",
    "--collection",
    "documents",
    ...extra,
  );

function cleanedUp(): void {
  expect(world.dr.calls.filter((c) => /^(destroy|removeStack) /.test(c))).toEqual([
    `destroy ${STACK}`,
    `removeStack ${STACK}`,
  ]);
  expect(world.dr.stacks.size).toBe(0);
}

describe("dr drill", () => {
  it("restores the newest backup into a scratch database, verifies, times and destroys it", async () => {
    const run = await drill();
    expect(run.stderr).not.toMatch(/^error/m);
    expect(run.code).toBe(0);
    expect(world.backups.queries).toEqual([
      { project: "module6-prod-000000", location: "asia-northeast3", database: "m6-prod-main" },
    ]);
    expect(world.adapterRequests).toEqual(["infra", "dr (creates stacks)"]);
    expect(world.dr.calls.slice(0, 4)).toEqual([
      `ensureStack ${STACK}`,
      `setConfig ${STACK}`,
      `setTags ${STACK}`,
      `up ${STACK}`,
    ]);
    expect(world.verifier.queries).toEqual([
      { project: "module6-prod-000000", database: STACK, collection: "users" },
      { project: "module6-prod-000000", database: STACK, collection: "documents" },
    ]);
    cleanedUp();
    expect(run.json<DrillReport>()).toEqual({
      env: "prod",
      stack: STACK,
      sourceDatabase: "projects/module6-prod-000000/databases/m6-prod-main",
      scratchDatabase: `projects/module6-prod-000000/databases/${STACK}`,
      backup: BACKUP.name,
      snapshotTime: "2025-03-01T03:00:00.000Z",
      restoreSeconds: 720,
      timeToRestoreSeconds: 720,
      targetSeconds: 3600,
      withinTarget: true,
      collections: [
        { collection: "users", min: 1000, count: 1200, ok: true },
        { collection: "documents", min: 1, count: 5400, ok: true },
      ],
      cleanup: "destroyed",
      passed: true,
    });
  });

  it("writes the DR program's config on the temporary stack", async () => {
    let config: Record<string, string> | undefined;
    world.dr.beforeOperation = (op, stack) => {
      if (op === "up") config = { ...world.dr.stacks.get(stack)?.config };
    };
    await drill();
    expect(config).toEqual({
      "module6-dr:project": "module6-prod-000000",
      "module6-dr:backup": BACKUP.name,
      "module6-dr:database": STACK,
    });
  });

  it("destroys the stack also when verification fails, and exits 1", async () => {
    world.verifier.counts = { users: 12, documents: 5400 };
    const run = await drill();
    expect(run.code).toBe(1);
    cleanedUp();
    const report = run.json<DrillReport>();
    expect(report.passed).toBe(false);
    expect(report.collections[0]).toEqual({ collection: "users", min: 1000, count: 12, ok: false });
  });

  it("destroys the stack when a count fails, and reports the error", async () => {
    world.verifier.counts = {
      users: new Error("PERMISSION_DENIED: missing datastore.entities.list"),
      documents: 1,
    };
    const run = await drill();
    expect(run.code).toBe(1);
    cleanedUp();
    expect(run.json<DrillReport>().collections[0]).toMatchObject({ ok: false, error: /PERMISSION_DENIED/ });
  });

  it("destroys the stack when the restore itself fails", async () => {
    world.dr.failNext("up", STACK, new AutomationError("pulumi failed: backup is not READY"));
    const run = await drill();
    expect(run.code).toBe(1);
    cleanedUp();
    expect(run.json<DrillReport>()).toMatchObject({
      error: "pulumi failed: backup is not READY",
      passed: false,
      cleanup: "destroyed",
    });
    expect(world.verifier.queries).toEqual([]);
  });

  it("fails when the restore misses the time-to-restore target", async () => {
    world.dr.beforeOperation = (op) => {
      if (op === "up") world.now = new Date(world.now.getTime() + 70 * MINUTE);
    };
    const run = await drill();
    expect(run.code).toBe(1);
    expect(run.json<DrillReport>()).toMatchObject({
      timeToRestoreSeconds: 4200,
      withinTarget: false,
      passed: false,
    });
    cleanedUp();
    const text = await ops(world, "dr", "drill", "--env", "prod", "--collection", "users", "--target", "2h");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/time to restore 1h 10m \(target 2h 00m: met\)/);
  });

  it("fails without creating anything when there is no backup", async () => {
    world.backups.backup = undefined;
    const run = await drill();
    expect(run.code).toBe(1);
    expect(run.json<DrillReport>()).toMatchObject({ cleanup: "not-needed", passed: false });
    expect(run.json<DrillReport>().error).toMatch(
      /no ready backup of projects\/module6-prod-000000\/databases\/m6-prod-main/,
    );
    expect(world.dr.calls).toEqual([]);
  });

  it("reports a failed cleanup with the stack to remove by hand", async () => {
    world.dr.failNext("destroy", STACK, new AutomationError("pulumi failed: permission denied"));
    const run = await ops(world, "dr", "drill", "--env", "prod", "--collection", "users");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /cleanup {5}failed: pulumi failed: permission denied — destroy stack dr-prod-20250301-090000/,
    );
  });

  it("still cleans up after Ctrl-C during the restore, then exits 130", async () => {
    world.dr.beforeOperation = (op) => {
      if (op === "up") world.controller.abort();
    };
    const run = await drill();
    expect(run.code).toBe(130);
    cleanedUp();
  });

  it("reads the source database from --database or the environment's outputs", async () => {
    await drill("--database", "m6-prod-archive");
    expect(world.backups.queries.at(-1)?.database).toBe("m6-prod-archive");
    const prod = world.infra.stacks.get("prod");
    if (prod) prod.outputs = {};
    const run = await drill();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "before anything was restored: stack prod exports no firestoreDatabase; pass --database <id>",
    );
  });

  it.each([
    [["dr", "drill", "--env", "prod"], /required option '--collection <name\[=min\]>' not specified/],
    [
      ["dr", "drill", "--env", "qa", "--collection", "users"],
      /argument 'qa' is invalid. Allowed choices are prod, staging/,
    ],
    [
      ["dr", "drill", "--env", "prod", "--collection", "users=-1"],
      /a collection id with an optional minimum document count/,
    ],
    [
      ["dr", "drill", "--env", "prod", "--collection", "users", "--target", "1s"],
      /a duration from 1m 00s to 1d 0h/,
    ],
  ])("rejects %j up front", async (args, message) => {
    const run = await ops(world, ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(world.dr.calls).toEqual([]);
  });
});

describe("drill names and backups", () => {
  it("names the stack and scratch database dr-<env>-<utc time>", () => {
    expect(drillNames("prod", START)).toEqual({ stack: STACK, database: STACK });
    expect(isScratchDatabase(STACK)).toBe(true);
    for (const id of ["m6-prod-main", "(default)", "dr-", "dr--x", `dr-${"a".repeat(61)}`])
      expect(isScratchDatabase(id), id).toBe(false);
  });

  it("picks the newest ready backup of the database", () => {
    const db = "projects/p/databases/m6-prod-main";
    const backup = (id: string, seconds: number, state: string | number, database = db) => ({
      name: `projects/p/locations/l/backups/${id}`,
      database,
      state,
      snapshotTime: { seconds },
    });
    expect(
      newestReadyBackup(
        [
          backup("old", 1_700_000_000, "READY"),
          backup("creating", 1_800_000_000, "CREATING"),
          backup("other-db", 1_900_000_000, "READY", "projects/p/databases/other"),
          backup("new", 1_750_000_000, 2),
        ],
        db,
      ),
    ).toEqual({
      name: "projects/p/locations/l/backups/new",
      database: db,
      snapshotTime: new Date(1_750_000_000_000),
    });
    expect(newestReadyBackup([], db)).toBeUndefined();
  });
});

describe("the restore resource", () => {
  class FakeAdmin implements FirestoreAdmin {
    readonly calls: string[] = [];
    async restoreDatabase(request: { parent: string; databaseId: string; backup: string }) {
      this.calls.push(`restore ${request.parent} ${request.databaseId} ${request.backup}`);
      return Promise.resolve({ name: `${request.parent}/databases/${request.databaseId}` });
    }
    async deleteDatabase(name: string) {
      this.calls.push(`delete ${name}`);
      return Promise.resolve();
    }
  }
  const inputs = { project: "module6-prod-000000", backup: BACKUP.name, database: STACK };

  it("restores the backup into the scratch database and deletes it on destroy", async () => {
    const admin = new FakeAdmin();
    const created = await createRestore(admin, inputs, () => START);
    expect(created).toEqual({
      id: `projects/module6-prod-000000/databases/${STACK}`,
      outs: {
        ...inputs,
        name: `projects/module6-prod-000000/databases/${STACK}`,
        restoredAt: START.toISOString(),
      },
    });
    await deleteRestore(admin, created.id);
    expect(admin.calls).toEqual([
      `restore projects/module6-prod-000000 ${STACK} ${BACKUP.name}`,
      `delete projects/module6-prod-000000/databases/${STACK}`,
    ]);
  });

  it("never restores into or deletes a database that is not a drill's", async () => {
    const admin = new FakeAdmin();
    await expect(createRestore(admin, { ...inputs, database: "m6-prod-main" })).rejects.toThrow(
      /refusing to restore into "m6-prod-main"/,
    );
    await expect(createRestore(admin, { ...inputs, backup: "latest" })).rejects.toThrow(
      /is not a backup name/,
    );
    await expect(deleteRestore(admin, "projects/module6-prod-000000/databases/m6-prod-main")).rejects.toThrow(
      /refusing to delete/,
    );
    expect(admin.calls).toEqual([]);
  });

  it("replaces the database when an input changes", () => {
    expect(diffRestore(inputs, inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
    expect(diffRestore(inputs, { ...inputs, backup: "projects/p/locations/l/backups/x" }).replaces).toEqual([
      "backup",
    ]);
  });
});
