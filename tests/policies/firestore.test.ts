import { describe, expect, it } from "vitest";
import {
  firestoreBackupRetention,
  firestoreBackupSchedule,
  firestoreDeleteProtection,
  firestoreDeletionPolicyAbandon,
  firestoreFeatureDeletionPolicy,
  firestorePointInTimeRecovery,
} from "../../policies/firestore";
import { T } from "../../policies/lib/tokens";
import { mutate, UNSET, urn, withOptions } from "../fixtures/policies/build";
import { previewOf } from "../fixtures/policies/preview";
import { fixtures } from "../fixtures/policies/resources";
import { checkStack, messagesOf, stackMessages } from "./harness";

const db = fixtures.firestoreDatabase;
const feature = (r = db()) => mutate(r, "labels", { env: "feature" });

describe("firestore-point-in-time-recovery", () => {
  const p = firestorePointInTimeRecovery;
  it("passes PITR on, refuses it off or unset (disabled) in prod, exempts feature stacks", async () => {
    expect(await messagesOf(p, db())).toEqual([]);
    expect(
      await messagesOf(p, mutate(db(), "pointInTimeRecoveryEnablement", "POINT_IN_TIME_RECOVERY_DISABLED")),
    ).toEqual([
      'Firestore database "m6-prod-main" must enable point-in-time recovery; pointInTimeRecoveryEnablement is "POINT_IN_TIME_RECOVERY_DISABLED"',
    ]);
    expect(await messagesOf(p, mutate(db(), "pointInTimeRecoveryEnablement", UNSET))).toEqual([
      'Firestore database "m6-prod-main" must enable point-in-time recovery; pointInTimeRecoveryEnablement is unset, which the provider treats as POINT_IN_TIME_RECOVERY_DISABLED',
    ]);
    expect(
      await messagesOf(p, mutate(db(), "pointInTimeRecoveryEnablement", UNSET), { env: "feature" }),
    ).toEqual([]);
  });
});

describe("firestore-delete-protection", () => {
  const p = firestoreDeleteProtection;
  it("passes protection on, refuses it off or unset (disabled)", async () => {
    expect(await messagesOf(p, db())).toEqual([]);
    expect(await messagesOf(p, mutate(db(), "deleteProtectionState", "DELETE_PROTECTION_DISABLED"))).toEqual([
      'Firestore database "m6-prod-main" must enable delete protection; deleteProtectionState is "DELETE_PROTECTION_DISABLED"',
    ]);
    expect(await messagesOf(p, mutate(db(), "deleteProtectionState", UNSET), { env: "staging" })).toEqual([
      'Firestore database "m6-prod-main" must enable delete protection; deleteProtectionState is unset, which means DELETE_PROTECTION_DISABLED',
    ]);
    expect(
      await messagesOf(p, mutate(db(), "deleteProtectionState", UNSET), {
        env: null,
        stackTags: { environment: "feature" },
      }),
    ).toEqual([]);
  });
});

describe("firestore-deletion-policy-abandon", () => {
  const p = firestoreDeletionPolicyAbandon;
  it("passes ABANDON and unset (ABANDON), refuses DELETE outside feature stacks", async () => {
    expect(await messagesOf(p, db())).toEqual([]);
    expect(await messagesOf(p, mutate(db(), "deletionPolicy", UNSET))).toEqual([]);
    expect(await messagesOf(p, mutate(db(), "deletionPolicy", "DELETE"))).toEqual([
      'Firestore database "m6-prod-main" must not use deletionPolicy DELETE in this environment',
    ]);
    expect(await messagesOf(p, mutate(db(), "deletionPolicy", "DELETE"), { env: "feature" })).toEqual([]);
  });
});

describe("firestore-feature-deletion-policy", () => {
  const p = firestoreFeatureDeletionPolicy;
  it("wants DELETE in a feature stack, unset meaning ABANDON", async () => {
    expect(await messagesOf(p, mutate(feature(), "deletionPolicy", "DELETE"), { env: "feature" })).toEqual(
      [],
    );
    expect(await messagesOf(p, mutate(feature(), "deletionPolicy", UNSET), { env: "feature" })).toEqual([
      'Firestore database "m6-prod-main" of a feature environment must use deletionPolicy DELETE; deletionPolicy is unset, which the provider treats as ABANDON (the database outlives the stack)',
    ]);
  });
  it("needs positive knowledge of a feature stack: prod and unknown environments are left alone", async () => {
    expect(await messagesOf(p, db())).toEqual([]);
    expect(await messagesOf(p, db(), { env: null })).toEqual([]);
    expect(await messagesOf(p, db(), { env: null, stackTags: { environment: "feature" } })).toHaveLength(1);
  });
});

describe("firestore-backup-retention", () => {
  const p = firestoreBackupRetention;
  const schedule = fixtures.backupSchedule;
  it("passes 7 days and 14 weeks", async () => {
    expect(await messagesOf(p, schedule())).toEqual([]);
    expect(await messagesOf(p, mutate(schedule(), "retention", "8467200s"))).toEqual([]);
  });
  it("refuses less than the configured minimum, more than 14 weeks, and an unreadable retention", async () => {
    expect(await messagesOf(p, mutate(schedule(), "retention", "259200s"))).toEqual([
      'Firestore backup schedule "env-firestore-daily" must keep backups for at least 7 days; retention is 3 days',
    ]);
    expect(await messagesOf(p, schedule(), { config: { minBackupRetentionDays: 14 } })).toEqual([
      'Firestore backup schedule "env-firestore-daily" must keep backups for at least 14 days; retention is 7 days',
    ]);
    expect(await messagesOf(p, mutate(schedule(), "retention", "9000000s"))).toEqual([
      'Firestore backup schedule "env-firestore-daily" must keep backups for at most 14 weeks (Firestore\'s limit); retention is 104 days',
    ]);
    expect(await messagesOf(p, mutate(schedule(), "retention", UNSET))).toEqual([
      'Firestore backup schedule "env-firestore-daily" must set a retention such as "604800s"; retention is null',
    ]);
  });
});

describe("firestore-backup-schedule (stack)", () => {
  const p = firestoreBackupSchedule;
  const DB = urn(T.firestoreDatabase, "env-firestore");
  const linked = (retention = "604800s", name = "env-firestore-daily") => ({
    ...withOptions(mutate(fixtures.backupSchedule(), "retention", retention), {
      propertyDependencies: { database: [DB] },
    }),
    urn: urn(T.backupSchedule, name),
  });
  it("passes a database with a daily 7-day schedule, by value and at preview by dependency", async () => {
    expect(await stackMessages(p, [db(), linked()])).toEqual([]);
    expect(await stackMessages(p, previewOf([db(), linked()]), { preview: true })).toEqual([]);
  });
  it("refuses a database without a schedule", async () => {
    expect(await checkStack(p, [db()])).toEqual([
      {
        urn: DB,
        message: 'Firestore database "m6-prod-main" must have a backup schedule; none refers to it',
      },
    ]);
  });
  it("refuses a schedule of another database or project", async () => {
    const other = mutate(withOptions(linked(), { propertyDependencies: {} }), "database", "m6-prod-other");
    expect(await stackMessages(p, [db(), other])).toHaveLength(1);
    const elsewhere = mutate(
      withOptions(linked(), { propertyDependencies: {} }),
      "project",
      "another-project",
    );
    expect(await stackMessages(p, [db(), elsewhere])).toHaveLength(1);
  });
  it("wants the longest schedule to keep the configured days", async () => {
    expect(await stackMessages(p, [db(), linked("172800s")])).toEqual([
      'Firestore database "m6-prod-main" must have a backup schedule that keeps backups for at least 7 days; the longest keeps 2 days',
    ]);
    expect(
      await stackMessages(p, [db(), linked("172800s"), linked("2419200s", "env-firestore-weekly")]),
    ).toEqual([]);
    expect(await stackMessages(p, [db(), linked()], { config: { minBackupRetentionDays: 30 } })).toHaveLength(
      1,
    );
  });
  it("exempts feature databases (no backups there)", async () => {
    expect(await stackMessages(p, [feature()], { env: "feature" })).toEqual([]);
    expect(await stackMessages(p, [db()], { env: null, stackTags: { environment: "staging" } })).toHaveLength(
      1,
    );
  });
  it("reads the default database's name", async () => {
    const named = mutate(db(), "name", "(default)");
    expect(
      await stackMessages(p, [
        named,
        mutate(withOptions(linked(), { propertyDependencies: {} }), "database", "(default)"),
      ]),
    ).toEqual([]);
  });
});
