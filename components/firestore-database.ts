import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Component } from "./shared/component";
import { grantKey } from "./shared/grants";
import { logicalKey } from "./shared/logical-name";
import type { CommonArgs, EncryptionKey, Member } from "./shared/types";
import { integerRule, patternRule, Problems, type ProblemSink } from "./shared/validation";
import { daysInSeconds, duration } from "./shared/durations";

/** A composite index on one collection. */
export interface FirestoreIndex {
  /** Collection (group) id. */
  readonly collection: string;
  /**
   * Indexed fields in order; each has exactly one of `order` (`asc`/`desc`) or `arrayContains: true`.
   * At least two fields (single-field indexes are automatic). No default.
   */
  readonly fields: readonly {
    readonly path: string;
    readonly order?: "asc" | "desc";
    readonly arrayContains?: boolean;
  }[];
  /**
   * Query scope.
   * @default "collection"
   */
  readonly scope?: "collection" | "collection-group";
}

/** Backup schedules; an absent schedule is not created. */
export interface FirestoreBackups {
  /**
   * Daily backup kept this many days (1-98).
   * @default - no daily schedule
   */
  readonly dailyRetentionDays?: number;
  /**
   * Weekly backup kept this many weeks (1-14).
   * @default - no weekly schedule
   */
  readonly weeklyRetentionWeeks?: number;
  /**
   * Day of the weekly backup.
   * @default "SUNDAY"
   */
  readonly weeklyDay?: "MONDAY" | "TUESDAY" | "WEDNESDAY" | "THURSDAY" | "FRIDAY" | "SATURDAY" | "SUNDAY";
}

/** Arguments of {@link FirestoreDatabase}. */
export interface FirestoreDatabaseArgs extends Omit<CommonArgs, "labels"> {
  /** Logical name; the database id is `naming.name("firestoreDatabase", name)`. */
  readonly name: string;
  /** Location, fixed at creation (a region such as `asia-northeast3` or a multi-region such as `nam5`). */
  readonly location: string;
  /**
   * Point-in-time recovery (7 days of versions).
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * Provider-side delete protection (`DELETE_PROTECTION_ENABLED`).
   * @default true
   */
  readonly deleteProtection?: boolean;
  /**
   * Pulumi `protect` on the database: `pulumi destroy` refuses to delete it.
   * @default true
   */
  readonly protect?: boolean;
  /**
   * What `pulumi destroy` does: `ABANDON` leaves the database, `DELETE` deletes it (feature environments).
   * @default "ABANDON"
   */
  readonly deletionPolicy?: "ABANDON" | "DELETE";
  /**
   * Backup schedules.
   * @default { dailyRetentionDays: 7, weeklyRetentionWeeks: 4 }
   */
  readonly backups?: FirestoreBackups | null;
  /**
   * Composite indexes.
   * @default []
   */
  readonly indexes?: readonly FirestoreIndex[];
  /**
   * Fields whose timestamp value expires the document (TTL policies).
   * @default []
   */
  readonly ttlFields?: readonly { readonly collection: string; readonly field: string }[];
  /**
   * Customer-managed key, in the database's location (`nam5` → a key in `us`;
   * node_modules/@pulumi/gcp/types/input.d.ts, DatabaseCmekConfig). Fixed at creation: the provider
   * replaces the database when it changes (magic-modules mmv1/products/firestore/Database.yaml, cmekConfig
   * `immutable: true`), and a replaced database is a new, empty one — restore from a backup.
   * @default - a Google-managed key
   */
  readonly encryptionKey?: EncryptionKey;
}

const ID = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
export const DEFAULT_BACKUPS: FirestoreBackups = { dailyRetentionDays: 7, weeklyRetentionWeeks: 4 };

/** The rules of single fields of {@link FirestoreDatabaseArgs}; the stack config applies them to its keys. */
export const FIRESTORE_RULES = {
  dailyRetentionDays: integerRule(1, 98, "an integer 1-98 (14 weeks)"),
  weeklyRetentionWeeks: integerRule(1, 14),
  collection: patternRule(ID, "a collection id"),
  fieldPath: patternRule(FIELD_PATH, "a field path such as createdAt or a.b"),
};

/**
 * Composite indexes: at least two fields (single-field indexes are automatic), each with exactly one of
 * `order` or `arrayContains`, and each index once.
 */
export function checkIndexes(p: ProblemSink, indexes: readonly FirestoreIndex[]): void {
  const seen = new Set<string>();
  indexes.forEach((index, i) => {
    p.check(
      index.fields.length >= 2,
      `indexes[${i}].fields`,
      index.fields.length,
      "at least 2 fields (single-field indexes are automatic)",
    );
    index.fields.forEach((f, j) =>
      p.check(
        (f.order !== undefined) !== (f.arrayContains === true),
        `indexes[${i}].fields[${j}]`,
        f,
        "exactly one of order or arrayContains",
      ),
    );
    const key = JSON.stringify([index.collection, index.scope ?? "collection", index.fields]);
    p.check(!seen.has(key), `indexes[${i}]`, index.collection, "each index once");
    seen.add(key);
  });
}

/** Checks {@link FirestoreDatabaseArgs}; throws one `ValidationError` naming every problem. */
export function validateFirestoreDatabaseArgs(args: FirestoreDatabaseArgs): void {
  const p = new Problems(`FirestoreDatabase "${args.name}"`);
  const r = FIRESTORE_RULES;
  p.check(
    /^[a-z][a-z0-9-]{0,29}$/.test(args.name),
    "name",
    args.name,
    "1-30 of a-z 0-9 '-', starting with a letter",
  );
  p.check(
    /^[a-z]+[0-9]*(-[a-z]+[0-9]+)?$/.test(args.location),
    "location",
    args.location,
    "a Firestore location such as asia-northeast3 or nam5",
  );
  const backups = args.backups === undefined ? DEFAULT_BACKUPS : args.backups;
  const { dailyRetentionDays: daily, weeklyRetentionWeeks: weekly } = backups ?? {};
  if (daily !== undefined) p.rule("backups.dailyRetentionDays", daily, r.dailyRetentionDays);
  if (weekly !== undefined) p.rule("backups.weeklyRetentionWeeks", weekly, r.weeklyRetentionWeeks);
  const indexes = args.indexes ?? [];
  indexes.forEach((index, i) => {
    p.rule(`indexes[${i}].collection`, index.collection, r.collection);
    index.fields.forEach((f, j) => p.rule(`indexes[${i}].fields[${j}].path`, f.path, r.fieldPath));
  });
  checkIndexes(p, indexes);
  (args.ttlFields ?? []).forEach((ttl, i) => {
    p.rule(`ttlFields[${i}].collection`, ttl.collection, r.collection);
    p.rule(`ttlFields[${i}].field`, ttl.field, r.fieldPath);
  });
  p.throwIfAny();
}

const days = (n: number): string => duration(daysInSeconds(n));

/** The logical-name suffix of an index: every field with its order, and the scope. */
function indexKey(index: FirestoreIndex): string {
  const fields = index.fields.map((f) => `${f.path}-${f.arrayContains ? "contains" : (f.order ?? "asc")}`);
  return logicalKey([index.collection, ...fields, ...(index.scope === "collection-group" ? ["group"] : [])]);
}

/**
 * A Firestore (native mode) database with PITR, delete protection, backup schedules, indexes and TTL
 * policies. Access is granted per database through IAM conditions (`grantReadWrite`, `grantRead`).
 */
export class FirestoreDatabase extends Component {
  readonly database: gcp.firestore.Database;
  /** The database id (e.g. `m6-prod-main`). */
  readonly databaseName: pulumi.Output<string>;
  readonly backupSchedules: readonly gcp.firestore.BackupSchedule[];
  private readonly baseName: string;
  private readonly project: pulumi.Input<string>;

  constructor(name: string, args: FirestoreDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    validateFirestoreDatabaseArgs(args);
    super("module6:data:Firestore", name, opts);
    this.baseName = name;
    this.project = args.project;

    this.database = new gcp.firestore.Database(
      name,
      {
        project: args.project,
        name: args.naming.name("firestoreDatabase", args.name),
        locationId: args.location,
        type: "FIRESTORE_NATIVE",
        pointInTimeRecoveryEnablement:
          (args.pointInTimeRecovery ?? true)
            ? "POINT_IN_TIME_RECOVERY_ENABLED"
            : "POINT_IN_TIME_RECOVERY_DISABLED",
        deleteProtectionState:
          (args.deleteProtection ?? true) ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED",
        deletionPolicy: args.deletionPolicy ?? "ABANDON",
        ...(args.encryptionKey ? { cmekConfig: { kmsKeyName: args.encryptionKey.kmsKeyName } } : {}),
      },
      this.child({
        protect: args.protect ?? true,
        ...(args.encryptionKey?.ready ? { dependsOn: [args.encryptionKey.ready] } : {}),
      }),
    );
    this.databaseName = this.database.name;
    // A database deleted on destroy takes its indexes, TTL fields and backup schedules with it: Pulumi
    // skips their own deletes (`deletedWith`, https://www.pulumi.com/docs/iac/concepts/options/deletedwith/),
    // so a feature stack's destroy is one database delete instead of a delete per index and field.
    const part = (): pulumi.CustomResourceOptions =>
      this.child(args.deletionPolicy === "DELETE" ? { deletedWith: this.database } : {});

    const backups = args.backups === undefined ? DEFAULT_BACKUPS : args.backups;
    const schedules: gcp.firestore.BackupSchedule[] = [];
    if (backups?.dailyRetentionDays !== undefined) {
      schedules.push(
        new gcp.firestore.BackupSchedule(
          `${name}-daily`,
          {
            project: args.project,
            database: this.database.name,
            retention: days(backups.dailyRetentionDays),
            dailyRecurrence: {},
          },
          part(),
        ),
      );
    }
    if (backups?.weeklyRetentionWeeks !== undefined) {
      schedules.push(
        new gcp.firestore.BackupSchedule(
          `${name}-weekly`,
          {
            project: args.project,
            database: this.database.name,
            retention: days(backups.weeklyRetentionWeeks * 7),
            weeklyRecurrence: { day: backups.weeklyDay ?? "SUNDAY" },
          },
          part(),
        ),
      );
    }
    this.backupSchedules = schedules;

    for (const index of args.indexes ?? []) {
      new gcp.firestore.Index(
        `${name}-index-${indexKey(index)}`,
        {
          project: args.project,
          database: this.database.name,
          collection: index.collection,
          queryScope: index.scope === "collection-group" ? "COLLECTION_GROUP" : "COLLECTION",
          fields: index.fields.map((f) =>
            f.arrayContains
              ? { fieldPath: f.path, arrayConfig: "CONTAINS" }
              : { fieldPath: f.path, order: f.order === "desc" ? "DESCENDING" : "ASCENDING" },
          ),
        },
        part(),
      );
    }
    for (const ttl of args.ttlFields ?? []) {
      new gcp.firestore.Field(
        `${name}-ttl-${logicalKey([ttl.collection, ttl.field])}`,
        {
          project: args.project,
          database: this.database.name,
          collection: ttl.collection,
          field: ttl.field,
          ttlConfig: {},
        },
        part(),
      );
    }
    this.registerOutputs({ databaseName: this.databaseName });
  }

  /** Lets `member` read and write documents of this database only (`datastore.user` with an IAM condition). */
  grantReadWrite(member: Member, key?: string): gcp.projects.IAMMember {
    return this.grant("roles/datastore.user", "rw", member, key);
  }

  /** Lets `member` read documents of this database only (`datastore.viewer` with an IAM condition). */
  grantRead(member: Member, key?: string): gcp.projects.IAMMember {
    return this.grant("roles/datastore.viewer", "ro", member, key);
  }

  private grant(
    role: string,
    suffix: string,
    member: Member,
    key: string | undefined,
  ): gcp.projects.IAMMember {
    const k = grantKey(member, key, "FirestoreDatabase.grant");
    return new gcp.projects.IAMMember(
      `${this.baseName}-${suffix}-${k}`,
      {
        project: this.project,
        role,
        member,
        condition: {
          title: `${suffix}-${this.baseName}`.slice(0, 100),
          description: "Access to one Firestore database only",
          expression: pulumi.interpolate`resource.name == "projects/${this.project}/databases/${this.database.name}"`,
        },
      },
      this.child(),
    );
  }
}
