import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  CHECK_SCRIPT,
  validateFirestoreBackupCheckArgs,
  type FirestoreBackupCheckArgs,
} from "../../components/firestore-backup-check";
import { commonArgs } from "../helpers/pulumi";

const dir = mkdtempSync(join(tmpdir(), "backup-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An RFC 3339 time `hours` ago, as the Firestore API prints `snapshotTime`. */
const ago = (hours: number): string => new Date(Date.now() - hours * 3_600_000).toISOString();

/**
 * Runs the job's script with a stand-in `gcloud` that prints `listing` for `backups list` (what
 * `--format="value(database,snapshotTime)"` prints: tab-separated) and `schedules` for `backups schedules
 * list` (their createTime), and records its arguments, one call per line.
 */
function runCheck(
  listing: string,
  gcloudExit = 0,
  schedules = "",
): { status: number | null; stdout: string; args: string } {
  const bin = mkdtempSync(join(dir, "bin-"));
  const argsFile = join(bin, "args");
  writeFileSync(join(bin, "listing"), listing);
  writeFileSync(join(bin, "schedules"), schedules);
  writeFileSync(
    join(bin, "gcloud"),
    [
      "#!/bin/bash",
      `echo "$@" >> '${argsFile}'`,
      `if [ "$3" = "schedules" ]; then cat '${join(bin, "schedules")}'; else cat '${join(bin, "listing")}'; fi`,
      `exit ${gcloudExit}`,
    ].join("\n"),
  );
  chmodSync(join(bin, "gcloud"), 0o755);
  const run = spawnSync("/bin/bash", ["-c", CHECK_SCRIPT], {
    encoding: "utf8",
    // No standard input, as in the Cloud Run job. (Node's default stdin is a socket, and bash reads the
    // machine's bashrc when its stdin is a socket, as under rshd: slow, and not what the job runs.)
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      PROJECT: "module6-prod-000000",
      LOCATION: "asia-northeast3",
      DATABASE: "m6-prod-main",
      MAX_AGE_SECONDS: String(26 * 3600),
    },
  });
  const recorded = spawnSync("cat", [argsFile], { encoding: "utf8" }).stdout;
  return { status: run.status, stdout: run.stdout.trim(), args: recorded.trim() };
}

const DB = "projects/module6-prod-000000/databases/m6-prod-main";

describe("FirestoreBackupCheck script", () => {
  it("confirms a fresh backup with one structured log line and exit 0", () => {
    const newest = ago(3);
    const result = runCheck(`${DB}\t${ago(27)}\n${DB}\t${newest}\n${DB}\t${ago(51)}\n`);
    expect(result.status).toBe(0);
    expect(result.args).toBe(
      "firestore backups list --project=module6-prod-000000 --location=asia-northeast3 --format=value(database,snapshotTime)",
    );
    const entry = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(entry).toMatchObject({
      severity: "INFO",
      message: "firestore-backup-fresh",
      database: "m6-prod-main",
      newest,
    });
    expect(entry.ageSeconds).toBeGreaterThanOrEqual(3 * 3600 - 5);
    expect(entry.ageSeconds).toBeLessThanOrEqual(3 * 3600 + 60);
  });

  it("reports a stale newest backup and fails", () => {
    const result = runCheck(`${DB}\t${ago(30)}\n${DB}\t${ago(54)}\n`);
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ severity: "ERROR", message: "firestore-backup-stale" });
  });

  it("ignores other databases' backups, also one whose name ends the same way", () => {
    const result = runCheck(
      `projects/module6-prod-000000/databases/m6-prod-main-copy\t${ago(1)}\n` +
        `projects/module6-prod-000000/databases/other\t${ago(1)}\n${DB}\t${ago(40)}\n`,
    );
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ message: "firestore-backup-stale" });
  });

  it("reports a database without backups and fails once its schedules are older than the allowed age", () => {
    const result = runCheck(
      `projects/module6-prod-000000/databases/other\t${ago(1)}\n`,
      0,
      `${ago(30)}\n${ago(40)}\n`,
    );
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      severity: "ERROR",
      message: "firestore-backup-missing",
    });
    expect(result.args.split("\n")[1]).toBe(
      "firestore backups schedules list --project=module6-prod-000000 --database=m6-prod-main --format=value(createTime)",
    );
    // No schedule at all: missing too.
    expect(JSON.parse(runCheck("", 0, "").stdout)).toMatchObject({ message: "firestore-backup-missing" });
  });

  it("confirms a new database whose first backup is not due yet (its schedule is younger than the allowed age)", () => {
    const since = ago(5);
    const result = runCheck("", 0, `${since}\n${ago(2)}\n`);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      severity: "INFO",
      message: "firestore-backup-fresh",
      newest: "none yet",
      scheduledSince: since,
    });
  });

  it("fails without confirming when gcloud fails", () => {
    const result = runCheck(`${DB}\t${ago(1)}\n`, 2);
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toContain("firestore-backup-fresh");
  });
});

describe("validateFirestoreBackupCheckArgs", () => {
  const base: FirestoreBackupCheckArgs = {
    ...commonArgs(),
    database: "m6-test-main",
    location: "asia-northeast3",
  };

  it("accepts the defaults", () => {
    expect(() => validateFirestoreBackupCheckArgs(base)).not.toThrow();
  });

  it.each([
    ["maxAgeHours 1", { maxAgeHours: 1 }, /maxAgeHours: got 1; whole hours 2-2352/],
    [
      "a six-field schedule",
      { schedule: "0 17 * * * *" },
      /schedule: got "0 17 \* \* \* \*"; a five-field cron/,
    ],
  ])("rejects %s", (_label, overrides, message) => {
    expect(() => validateFirestoreBackupCheckArgs({ ...base, ...overrides })).toThrow(message);
  });
});
