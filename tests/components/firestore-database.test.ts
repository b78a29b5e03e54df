import { beforeAll, describe, expect, it } from "vitest";
import {
  FirestoreDatabase,
  validateFirestoreDatabaseArgs,
  type FirestoreDatabaseArgs,
} from "../../components/firestore-database";
import { ValidationError } from "../../components/shared/validation";
import {
  commonArgs,
  expectProps,
  installMocks,
  onlyOfType,
  record,
  resourcesOfType,
  valueOf,
} from "../helpers/pulumi";

const DATABASE = "gcp:firestore/database:Database";
const BACKUP = "gcp:firestore/backupSchedule:BackupSchedule";
const INDEX = "gcp:firestore/index:Index";
const FIELD = "gcp:firestore/field:Field";
const PROJECT_IAM = "gcp:projects/iAMMember:IAMMember";
const COMPONENT = "module6:data:Firestore";
const PROJECT = "module6-test-000000";

/** Firestore databases take no labels: common args without them. */
function dbArgs(overrides: Partial<FirestoreDatabaseArgs> = {}): FirestoreDatabaseArgs {
  const { labels: _labels, ...common } = commonArgs();
  return { ...common, name: "main", location: "asia-northeast3", ...overrides };
}

beforeAll(async () => {
  await installMocks();
});

describe("FirestoreDatabase", () => {
  it("creates a protected native database with PITR and delete protection by default", async () => {
    const { result, resources } = await record(() => new FirestoreDatabase("fs-default", dbArgs()));
    const db = onlyOfType(resources, DATABASE);
    expectProps(db, {
      project: PROJECT,
      name: "m6-test-main",
      locationId: "asia-northeast3",
      type: "FIRESTORE_NATIVE",
      pointInTimeRecoveryEnablement: "POINT_IN_TIME_RECOVERY_ENABLED",
      deleteProtectionState: "DELETE_PROTECTION_ENABLED",
      deletionPolicy: "ABANDON",
    });
    expect(db.protect).toBe(true);
    expect(db.inputs).not.toHaveProperty("labels");
    expect(await valueOf(result.databaseName)).toBe("m6-test-main");

    const component = onlyOfType(resources, COMPONENT);
    expect(component.name).toBe("fs-default");
    expect(db.parent).toBe(component.urn);
    // Nothing else is protected: only the database itself.
    expect(resources.filter((r) => r.protect).map((r) => r.type)).toEqual([DATABASE]);
  });

  it("turns protection, PITR and backups off for a feature environment", async () => {
    const { result, resources } = await record(
      () =>
        new FirestoreDatabase(
          "fs-feature",
          dbArgs({
            name: "feature",
            pointInTimeRecovery: false,
            deleteProtection: false,
            protect: false,
            deletionPolicy: "DELETE",
            backups: null,
          }),
        ),
    );
    const db = onlyOfType(resources, DATABASE);
    expectProps(db, {
      name: "m6-test-feature",
      pointInTimeRecoveryEnablement: "POINT_IN_TIME_RECOVERY_DISABLED",
      deleteProtectionState: "DELETE_PROTECTION_DISABLED",
      deletionPolicy: "DELETE",
    });
    expect(db.protect).toBe(false);
    expect(resourcesOfType(resources, BACKUP)).toHaveLength(0);
    expect(result.backupSchedules).toHaveLength(0);
  });

  it("creates a daily (7 days) and a weekly (4 weeks, Sunday) backup schedule by default", async () => {
    const { result, resources } = await record(() => new FirestoreDatabase("fs-backups", dbArgs()));
    const schedules = resourcesOfType(resources, BACKUP);
    expect(schedules).toHaveLength(2);
    expect(result.backupSchedules).toHaveLength(2);

    const daily = schedules.find((s) => s.inputs.dailyRecurrence !== undefined);
    const weekly = schedules.find((s) => s.inputs.weeklyRecurrence !== undefined);
    expect(daily).toBeDefined();
    expect(weekly).toBeDefined();
    expect(daily?.inputs).toMatchObject({ project: PROJECT, database: "m6-test-main", retention: "604800s" });
    expect(daily?.inputs).not.toHaveProperty("weeklyRecurrence");
    expect(weekly?.inputs).toMatchObject({
      project: PROJECT,
      database: "m6-test-main",
      retention: "2419200s",
      weeklyRecurrence: { day: "SUNDAY" },
    });
    expect(weekly?.inputs).not.toHaveProperty("dailyRecurrence");

    // Both schedules hang off the database and live under the component.
    const db = onlyOfType(resources, DATABASE);
    const component = onlyOfType(resources, COMPONENT);
    for (const s of schedules) {
      expect(s.parent).toBe(component.urn);
      expect(s.dependencies).toContain(db.urn);
    }
  });

  it("uses custom retention values and weekday, and skips an absent schedule", async () => {
    const { resources } = await record(() => {
      new FirestoreDatabase(
        "fs-custom-backups",
        dbArgs({
          name: "custom",
          backups: { dailyRetentionDays: 98, weeklyRetentionWeeks: 14, weeklyDay: "WEDNESDAY" },
        }),
      );
      new FirestoreDatabase(
        "fs-weekly-only",
        dbArgs({ name: "weekly", backups: { weeklyRetentionWeeks: 1 } }),
      );
    });
    const retentions = resourcesOfType(resources, BACKUP).map((s) => [
      s.inputs.database,
      s.inputs.retention,
      s.inputs.weeklyRecurrence ?? s.inputs.dailyRecurrence,
    ]);
    expect(retentions).toHaveLength(3);
    expect(retentions).toEqual(
      expect.arrayContaining([
        ["m6-test-custom", `${98 * 86400}s`, {}],
        ["m6-test-custom", `${14 * 7 * 86400}s`, { day: "WEDNESDAY" }],
        ["m6-test-weekly", "604800s", { day: "SUNDAY" }],
      ]),
    );
  });

  it("maps composite indexes to Index resources", async () => {
    const { resources } = await record(
      () =>
        new FirestoreDatabase(
          "fs-indexes",
          dbArgs({
            backups: null,
            indexes: [
              {
                collection: "orders",
                fields: [
                  { path: "customerId", order: "asc" },
                  { path: "createdAt", order: "desc" },
                ],
              },
              {
                collection: "posts",
                scope: "collection-group",
                fields: [
                  { path: "tags", arrayContains: true },
                  { path: "meta.score", order: "desc" },
                ],
              },
            ],
          }),
        ),
    );
    const indexes = resourcesOfType(resources, INDEX);
    expect(indexes).toHaveLength(2);
    const orders = indexes.find((i) => i.inputs.collection === "orders");
    const posts = indexes.find((i) => i.inputs.collection === "posts");
    expect(orders?.inputs).toMatchObject({
      project: PROJECT,
      database: "m6-test-main",
      collection: "orders",
      queryScope: "COLLECTION",
    });
    expect(orders?.inputs.fields).toEqual([
      { fieldPath: "customerId", order: "ASCENDING" },
      { fieldPath: "createdAt", order: "DESCENDING" },
    ]);
    expect(posts?.inputs).toMatchObject({ collection: "posts", queryScope: "COLLECTION_GROUP" });
    expect(posts?.inputs.fields).toEqual([
      { fieldPath: "tags", arrayConfig: "CONTAINS" },
      { fieldPath: "meta.score", order: "DESCENDING" },
    ]);
    const component = onlyOfType(resources, COMPONENT);
    expect(indexes.every((i) => i.parent === component.urn)).toBe(true);
  });

  // The logical name includes each field's order and the scope, so indexes that validation accepts as
  // distinct never share a URN.
  it("creates one Index per declared index even when two differ only in order", async () => {
    // Validation accepts these as distinct indexes, so both must be created (distinct logical names).
    const { resources } = await record(
      () =>
        new FirestoreDatabase(
          "fs-index-orders",
          dbArgs({
            backups: null,
            indexes: [
              {
                collection: "events",
                fields: [
                  { path: "a", order: "asc" },
                  { path: "b", order: "asc" },
                ],
              },
              {
                collection: "events",
                fields: [
                  { path: "a", order: "desc" },
                  { path: "b", order: "asc" },
                ],
              },
            ],
          }),
        ),
    );
    const indexes = resourcesOfType(resources, INDEX);
    expect(new Set(indexes.map((i) => i.urn)).size).toBe(2);
    expect(indexes.map((i) => (i.inputs.fields as { order: string }[])[0]?.order).sort()).toEqual([
      "ASCENDING",
      "DESCENDING",
    ]);
  });

  it("creates TTL policies as Field resources", async () => {
    const { resources } = await record(
      () =>
        new FirestoreDatabase(
          "fs-ttl",
          dbArgs({
            backups: null,
            ttlFields: [
              { collection: "sessions", field: "expiresAt" },
              { collection: "carts", field: "meta.expireAt" },
            ],
          }),
        ),
    );
    const fields = resourcesOfType(resources, FIELD);
    expect(fields).toHaveLength(2);
    expect(fields.map((f) => f.inputs)).toEqual(
      expect.arrayContaining([
        {
          project: PROJECT,
          database: "m6-test-main",
          collection: "sessions",
          field: "expiresAt",
          ttlConfig: {},
        },
        {
          project: PROJECT,
          database: "m6-test-main",
          collection: "carts",
          field: "meta.expireAt",
          ttlConfig: {},
        },
      ]),
    );
    const component = onlyOfType(resources, COMPONENT);
    expect(fields.every((f) => f.parent === component.urn)).toBe(true);
    expect(resourcesOfType(resources, INDEX)).toHaveLength(0);
  });

  it("grants read-write and read on this database only, through IAM conditions", async () => {
    const rw = "serviceAccount:api@module6-test-000000.iam.gserviceaccount.com";
    const ro = "serviceAccount:report@module6-test-000000.iam.gserviceaccount.com";
    const { resources } = await record(() => {
      const db = new FirestoreDatabase("fs-grants", dbArgs({ name: "orders", backups: null }));
      db.grantReadWrite(rw);
      db.grantRead(ro);
    });
    const grants = resourcesOfType(resources, PROJECT_IAM);
    expect(grants.map((g) => [g.inputs.role, g.inputs.member, g.inputs.project]).sort()).toEqual([
      ["roles/datastore.user", rw, PROJECT],
      ["roles/datastore.viewer", ro, PROJECT],
    ]);
    const expression = `resource.name == "projects/${PROJECT}/databases/m6-test-orders"`;
    for (const g of grants) {
      expect(g.inputs.condition).toMatchObject({ expression });
      expect((g.inputs.condition as { title?: string }).title).toBeTruthy();
    }
    expect(new Set(grants.map((g) => (g.inputs.condition as { title: string }).title)).size).toBe(2);
    const component = onlyOfType(resources, COMPONENT);
    expect(grants.every((g) => g.parent === component.urn)).toBe(true);
  });

  it("scopes each database's grant to that database", async () => {
    const member = "serviceAccount:worker@module6-test-000000.iam.gserviceaccount.com";
    const { resources } = await record(() => {
      new FirestoreDatabase("fs-scope-a", dbArgs({ name: "alpha", backups: null }));
      const b = new FirestoreDatabase("fs-scope-b", dbArgs({ name: "beta", backups: null }));
      b.grantRead(member);
    });
    const grant = onlyOfType(resources, PROJECT_IAM);
    expect((grant.inputs.condition as { expression: string }).expression).toBe(
      `resource.name == "projects/${PROJECT}/databases/m6-test-beta"`,
    );
  });

  it("needs a key when the member is an output", async () => {
    const { resources } = await record(() => {
      const db = new FirestoreDatabase("fs-key", dbArgs({ name: "keyed", backups: null }));
      const member = db.databaseName.apply(() => "serviceAccount:late@p.iam.gserviceaccount.com");
      expect(() => db.grantRead(member)).toThrow(/needs a stable key/);
      db.grantRead(member, "late");
    });
    const grant = onlyOfType(resources, PROJECT_IAM);
    expect(grant.name).toBe("fs-key-ro-late");
    expect(grant.inputs.member).toBe("serviceAccount:late@p.iam.gserviceaccount.com");
  });

  it.each<[string, Partial<FirestoreDatabaseArgs>, RegExp]>([
    ["a bad name", { name: "Main_DB" }, /name: got "Main_DB"; 1-30 of a-z/],
    [
      "a bad location",
      { location: "Asia Northeast" },
      /location: got "Asia Northeast"; a Firestore location/,
    ],
    [
      "dailyRetentionDays 0",
      { backups: { dailyRetentionDays: 0 } },
      /backups\.dailyRetentionDays: got 0; an integer 1-98/,
    ],
    [
      "dailyRetentionDays 99",
      { backups: { dailyRetentionDays: 99 } },
      /backups\.dailyRetentionDays: got 99; an integer 1-98/,
    ],
    [
      "weeklyRetentionWeeks 15",
      { backups: { weeklyRetentionWeeks: 15 } },
      /backups\.weeklyRetentionWeeks: got 15; an integer 1-14/,
    ],
    [
      "an index with one field",
      { indexes: [{ collection: "orders", fields: [{ path: "a", order: "asc" }] }] },
      /indexes\[0\]\.fields: got 1; at least 2 fields/,
    ],
    [
      "a field with both order and arrayContains",
      {
        indexes: [
          {
            collection: "orders",
            fields: [
              { path: "a", order: "asc", arrayContains: true },
              { path: "b", order: "asc" },
            ],
          },
        ],
      },
      /indexes\[0\]\.fields\[0\]: got \{"path":"a","order":"asc","arrayContains":true\}; exactly one of order or arrayContains/,
    ],
    [
      "a field with neither order nor arrayContains",
      {
        indexes: [
          {
            collection: "orders",
            fields: [{ path: "a", order: "asc" }, { path: "b" }],
          },
        ],
      },
      /indexes\[0\]\.fields\[1\]: got \{"path":"b"\}; exactly one of order or arrayContains/,
    ],
    [
      "a duplicate index",
      {
        indexes: [
          {
            collection: "orders",
            fields: [
              { path: "a", order: "asc" },
              { path: "b", order: "desc" },
            ],
          },
          {
            collection: "orders",
            fields: [
              { path: "a", order: "asc" },
              { path: "b", order: "desc" },
            ],
          },
        ],
      },
      /indexes\[1\]: got "orders"; each index once/,
    ],
    [
      "a bad ttl field path",
      { ttlFields: [{ collection: "sessions", field: "expires-at" }] },
      /ttlFields\[0\]\.field: got "expires-at"; a field path/,
    ],
  ])("rejects %s", (_what, bad, message) => {
    expect(() => validateFirestoreDatabaseArgs(dbArgs(bad))).toThrow(ValidationError);
    expect(() => validateFirestoreDatabaseArgs(dbArgs(bad))).toThrow(message);
  });

  it("names the component and reports every problem at once", () => {
    let caught: unknown;
    try {
      validateFirestoreDatabaseArgs(
        dbArgs({ name: "Bad", location: "??", backups: { weeklyRetentionWeeks: 0 } }),
      );
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.message).toMatch(/^FirestoreDatabase "Bad": 3 problems/);
    expect(error.problems.map((p) => p.path)).toEqual(["name", "location", "backups.weeklyRetentionWeeks"]);
  });

  it("accepts valid args, including multi-region locations", () => {
    expect(() => validateFirestoreDatabaseArgs(dbArgs())).not.toThrow();
    expect(() => validateFirestoreDatabaseArgs(dbArgs({ location: "nam5" }))).not.toThrow();
    expect(() => validateFirestoreDatabaseArgs(dbArgs({ location: "eur3", backups: null }))).not.toThrow();
  });

  it("validates before registering anything", async () => {
    const { resources } = await record(() => {
      expect(() => new FirestoreDatabase("fs-invalid", dbArgs({ name: "x_y" }))).toThrow(/name: got "x_y"/);
    });
    expect(resources).toHaveLength(0);
  });
});

// Point 15: a feature stack's destroy deletes the database, which takes its parts with it.
describe("FirestoreDatabase parts on destroy", () => {
  const parts = {
    indexes: [
      {
        collection: "docs",
        fields: [
          { path: "a", order: "asc" as const },
          { path: "b", order: "desc" as const },
        ],
      },
    ],
    ttlFields: [{ collection: "sessions", field: "expiresAt" }],
  };

  it("marks indexes, TTL fields and backup schedules deletedWith a DELETE database", async () => {
    const { resources } = await record(
      () =>
        new FirestoreDatabase(
          "fs-gone",
          dbArgs({ deletionPolicy: "DELETE", deleteProtection: false, protect: false, ...parts }),
        ),
    );
    const db = onlyOfType(resources, DATABASE);
    const children = [
      ...resourcesOfType(resources, INDEX),
      ...resourcesOfType(resources, FIELD),
      ...resourcesOfType(resources, BACKUP),
    ];
    expect(children.map((c) => c.type).sort()).toEqual([BACKUP, BACKUP, FIELD, INDEX]);
    for (const c of children) expect(c.deletedWith, c.name).toBe(db.urn);
  });

  it("deletes them one by one when the database is abandoned (it outlives the stack)", async () => {
    const { resources } = await record(() => new FirestoreDatabase("fs-kept", dbArgs(parts)));
    for (const c of [
      ...resourcesOfType(resources, INDEX),
      ...resourcesOfType(resources, FIELD),
      ...resourcesOfType(resources, BACKUP),
    ])
      expect(c.deletedWith, c.name).toBeUndefined();
  });
});
