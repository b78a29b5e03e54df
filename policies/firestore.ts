/** Firestore: point-in-time recovery, delete protection, deletion policy and backups. */
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import type { PolicyResource } from "@pulumi/policy";
import { configProperties, readConfig, schema } from "./lib/config";
import { inEnvironments } from "./lib/environment";
import { resourcePolicy, stackPolicy, type Module6Policy } from "./lib/policy";
import { displayName, refersTo, StackResources } from "./lib/stack";
import { T } from "./lib/tokens";
import { days, daysInSeconds, durationSeconds, prop, q, shown } from "./lib/values";

type Database = Unwrap<gcp.firestore.DatabaseArgs>;
type BackupSchedule = Unwrap<gcp.firestore.BackupScheduleArgs>;

const PROTECTED_ENVIRONMENTS = ["prod", "staging"];
const databaseName = (db: { name?: string }, logical: string): string => q(db.name ?? logical);

export const firestorePointInTimeRecovery = resourcePolicy<Database>(
  {
    name: "firestore-point-in-time-recovery",
    domain: "firestore",
    description:
      "Checks that a Firestore database in the configured environments (default prod and staging) has point-in-time recovery (7 days of versions). Unset pointInTimeRecoveryEnablement is POINT_IN_TIME_RECOVERY_DISABLED (1 hour).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Set `pointInTimeRecoveryEnablement: POINT_IN_TIME_RECOVERY_ENABLED` (the prod and staging presets do).",
    configSchema: schema({ environments: configProperties.environments(PROTECTED_ENVIRONMENTS) }),
    types: [T.firestoreDatabase],
  },
  (db, args, report) => {
    const { environments } = readConfig(args, { environments: PROTECTED_ENVIRONMENTS });
    if (!inEnvironments(args, args.stackTags, environments)) return;
    if (db.pointInTimeRecoveryEnablement === "POINT_IN_TIME_RECOVERY_ENABLED") return;
    report(
      `Firestore database ${databaseName(db, args.name)} must enable point-in-time recovery; ${shown("pointInTimeRecoveryEnablement", db.pointInTimeRecoveryEnablement, "the provider treats as POINT_IN_TIME_RECOVERY_DISABLED")}`,
    );
  },
);

export const firestoreDeleteProtection = resourcePolicy<Database>(
  {
    name: "firestore-delete-protection",
    domain: "firestore",
    description:
      "Checks that a Firestore database in the configured environments (default prod and staging) has delete protection, so neither the console nor the API can delete it. Unset deleteProtectionState is DELETE_PROTECTION_STATE_UNSPECIFIED, which means disabled.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Set `deleteProtectionState: DELETE_PROTECTION_ENABLED` (the prod and staging presets do).",
    configSchema: schema({ environments: configProperties.environments(PROTECTED_ENVIRONMENTS) }),
    types: [T.firestoreDatabase],
  },
  (db, args, report) => {
    const { environments } = readConfig(args, { environments: PROTECTED_ENVIRONMENTS });
    if (!inEnvironments(args, args.stackTags, environments)) return;
    if (db.deleteProtectionState === "DELETE_PROTECTION_ENABLED") return;
    report(
      `Firestore database ${databaseName(db, args.name)} must enable delete protection; ${shown("deleteProtectionState", db.deleteProtectionState, "means DELETE_PROTECTION_DISABLED")}`,
    );
  },
);

export const firestoreDeletionPolicyAbandon = resourcePolicy<Database>(
  {
    name: "firestore-deletion-policy-abandon",
    domain: "firestore",
    description:
      "Checks that a Firestore database in the configured environments (default prod and staging) is not deleted by `pulumi destroy` or a replacement: deletionPolicy must not be DELETE. Unset deletionPolicy is ABANDON (a destroy leaves the database).",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Remove `deletionPolicy: DELETE`; keep ABANDON (the default) outside feature environments.",
    configSchema: schema({ environments: configProperties.environments(PROTECTED_ENVIRONMENTS) }),
    types: [T.firestoreDatabase],
  },
  (db, args, report) => {
    const { environments } = readConfig(args, { environments: PROTECTED_ENVIRONMENTS });
    if (db.deletionPolicy !== "DELETE" || !inEnvironments(args, args.stackTags, environments)) return;
    report(
      `Firestore database ${databaseName(db, args.name)} must not use deletionPolicy DELETE in this environment`,
    );
  },
);

export const firestoreFeatureDeletionPolicy = resourcePolicy<Database>(
  {
    name: "firestore-feature-deletion-policy",
    domain: "firestore",
    description:
      "Checks that a Firestore database of a feature environment (known from the stack tag or env label) uses deletionPolicy DELETE, so `pulumi destroy` removes it instead of leaving a billed, orphaned database. Unset deletionPolicy is ABANDON.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
      "Set `deletionPolicy: DELETE` and delete protection off in feature environments (the feature preset does).",
    configSchema: schema({ environments: configProperties.environments(["feature"]) }),
    types: [T.firestoreDatabase],
  },
  (db, args, report) => {
    const { environments } = readConfig(args, { environments: ["feature"] });
    if (db.deletionPolicy === "DELETE" || !inEnvironments(args, args.stackTags, environments, false)) return;
    report(
      `Firestore database ${databaseName(db, args.name)} of a feature environment must use deletionPolicy DELETE; ${shown("deletionPolicy", db.deletionPolicy, "the provider treats as ABANDON (the database outlives the stack)")}`,
    );
  },
);

export const firestoreBackupRetention = resourcePolicy<BackupSchedule>(
  {
    name: "firestore-backup-retention",
    domain: "firestore",
    description:
      "Checks that a Firestore backup schedule keeps backups for at least minBackupRetentionDays (default 7) and at most Firestore's 14 weeks.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      "Set `retention` to at least the configured days in seconds, e.g. `604800s` for 7 days.",
    configSchema: schema({ minBackupRetentionDays: configProperties.minBackupRetentionDays }),
    types: [T.backupSchedule],
  },
  (schedule, args, report) => {
    const { minBackupRetentionDays } = readConfig(args, { minBackupRetentionDays: 7 });
    const seconds = durationSeconds(schedule.retention);
    const name = q(args.name);
    if (seconds === undefined) {
      report(
        `Firestore backup schedule ${name} must set a retention such as "604800s"; retention is ${q(schedule.retention ?? null)}`,
      );
    } else if (seconds < daysInSeconds(minBackupRetentionDays)) {
      report(
        `Firestore backup schedule ${name} must keep backups for at least ${minBackupRetentionDays} days; retention is ${days(seconds)} days`,
      );
    } else if (seconds > daysInSeconds(14 * 7)) {
      report(
        `Firestore backup schedule ${name} must keep backups for at most 14 weeks (Firestore's limit); retention is ${days(seconds)} days`,
      );
    }
  },
);

function schedulesOf(db: PolicyResource, schedules: readonly PolicyResource[]): PolicyResource[] {
  const project = prop(db, "project");
  return schedules.filter((s) => {
    const p = prop(s, "project");
    return (
      (typeof p !== "string" || typeof project !== "string" || p === project) &&
      refersTo(s, "database", db, "databases")
    );
  });
}

export const firestoreBackupSchedule = stackPolicy(
  {
    name: "firestore-backup-schedule",
    domain: "firestore",
    description:
      "Checks that every Firestore database in the configured environments (default prod and staging) has a backup schedule, linked by its database property (value or property dependencies), that keeps backups for at least minBackupRetentionDays (default 7).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Add a daily backup schedule (`firestore.backups.dailyRetentionDays`) of at least the configured days; weekly schedules may keep up to 14 weeks.",
    configSchema: schema({
      environments: configProperties.environments(PROTECTED_ENVIRONMENTS),
      minBackupRetentionDays: configProperties.minBackupRetentionDays,
    }),
  },
  (args, report) => {
    const { environments, minBackupRetentionDays } = readConfig(args, {
      environments: PROTECTED_ENVIRONMENTS,
      minBackupRetentionDays: 7,
    });
    const stack = new StackResources(args.resources);
    const schedules = stack.ofType(T.backupSchedule);
    for (const db of stack.ofType(T.firestoreDatabase)) {
      if (!inEnvironments(db, args.stackTags, environments)) continue;
      const mine = schedulesOf(db, schedules);
      const name = q(displayName(db));
      if (mine.length === 0) {
        report(`Firestore database ${name} must have a backup schedule; none refers to it`, db.urn);
        continue;
      }
      const longest = Math.max(...mine.map((s) => durationSeconds(prop(s, "retention")) ?? 0));
      if (longest < daysInSeconds(minBackupRetentionDays)) {
        report(
          `Firestore database ${name} must have a backup schedule that keeps backups for at least ${minBackupRetentionDays} days; the longest keeps ${days(longest)} days`,
          db.urn,
        );
      }
    }
  },
);

export const firestorePolicies: readonly Module6Policy[] = [
  firestorePointInTimeRecovery,
  firestoreDeleteProtection,
  firestoreDeletionPolicyAbandon,
  firestoreFeatureDeletionPolicy,
  firestoreBackupRetention,
  firestoreBackupSchedule,
];
