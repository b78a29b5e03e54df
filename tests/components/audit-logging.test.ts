import { beforeAll, describe, expect, it } from "vitest";
import {
  AuditLogging,
  validateAuditLoggingArgs,
  type AuditLoggingArgs,
} from "../../components/audit-logging";
import { ValidationError } from "../../components/shared/validation";
import type { RecordedResource } from "../../plan/record";
import {
  commonArgs,
  expectProps,
  installMocks,
  named,
  onlyOfType,
  record,
  recordOnce,
  resourcesOfType,
  valueOf,
} from "../helpers/pulumi";

const LOG_BUCKET = "gcp:logging/projectBucketConfig:ProjectBucketConfig";
const SINK = "gcp:logging/projectSink:ProjectSink";
const BUCKET = "gcp:storage/bucket:Bucket";
const BUCKET_MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember";
const AUDIT_CONFIG = "gcp:projects/iAMAuditConfig:IAMAuditConfig";
const EXCLUSION = "gcp:logging/projectExclusion:ProjectExclusion";

const PROJECT = "module6-test-000000";
const WRITER = "serviceAccount:service-000000000000@gcp-sa-logging.iam.gserviceaccount.com";

function baseArgs(overrides: Partial<AuditLoggingArgs> = {}): AuditLoggingArgs {
  return { ...commonArgs(), ...overrides };
}

beforeAll(async () => {
  await installMocks();
});

const defaults = recordOnce(() => new AuditLogging("logs-default", baseArgs()));
const locked = recordOnce(
  () =>
    new AuditLogging(
      "logs-locked",
      baseArgs({ appLogRetentionDays: 90, auditRetentionDays: 2555, lockAuditRetention: true }),
    ),
);

/** The audit-log sink (the one writing to Cloud Storage). */
function auditSink(resources: readonly RecordedResource[]): RecordedResource {
  const sinks = resourcesOfType(resources, SINK).filter((s) =>
    String(s.inputs.destination).startsWith("storage.googleapis.com/"),
  );
  expect(sinks, "one audit sink").toHaveLength(1);
  return sinks[0] as RecordedResource;
}

/** The application-log sink (the one writing to a log bucket). */
function appSink(resources: readonly RecordedResource[]): RecordedResource {
  const sinks = resourcesOfType(resources, SINK).filter((s) =>
    String(s.inputs.destination).startsWith("logging.googleapis.com/"),
  );
  expect(sinks, "one application-log sink").toHaveLength(1);
  return sinks[0] as RecordedResource;
}

describe("AuditLogging: application logs", () => {
  it.each([
    ["by default", defaults, 30],
    ["with appLogRetentionDays 90", locked, 90],
  ] as const)("keeps Cloud Run logs in a log bucket (%s)", async (_case, build, days) => {
    const { result, resources } = await build();
    const bucket = onlyOfType(resources, LOG_BUCKET);
    expectProps(bucket, { project: PROJECT, location: "asia-northeast3", retentionDays: days });
    const sink = appSink(resources);
    expect(sink.inputs.destination).toBe(`logging.googleapis.com/${bucket.id as string}`);
    expect(String(sink.inputs.filter)).toBe('resource.type="cloud_run_revision"');
    expect(await valueOf(result.appLogBucket.id)).toBe(bucket.id);
  });
});

describe("AuditLogging: audit archive", () => {
  it("archives into a private, uniform bucket with an unlocked 400-day retention by default", async () => {
    const { resources } = await defaults();
    const bucket = onlyOfType(resources, BUCKET);
    expectProps(bucket, {
      project: PROJECT,
      publicAccessPrevention: "enforced",
      uniformBucketLevelAccess: true,
      retentionPolicy: { retentionPeriod: String(400 * 86400), isLocked: false },
    });
    expect(bucket.protect).toBe(false);
  });

  it("locks and protects the retention policy with lockAuditRetention", async () => {
    const { resources } = await locked();
    const bucket = onlyOfType(resources, BUCKET);
    expectProps(bucket, {
      publicAccessPrevention: "enforced",
      uniformBucketLevelAccess: true,
      retentionPolicy: { retentionPeriod: String(2555 * 86400), isLocked: true },
    });
    expect(bucket.inputs.retentionPolicy).toEqual({ retentionPeriod: "220752000", isLocked: true });
    expect(bucket.protect).toBe(true);
  });

  it("never deletes an object before its retention ends", async () => {
    for (const [build, days] of [
      [defaults, 400],
      [locked, 2555],
    ] as const) {
      const bucket = onlyOfType((await build()).resources, BUCKET);
      const rules = bucket.inputs.lifecycleRules as {
        action: { type: string };
        condition: { age: number };
      }[];
      for (const rule of rules.filter((r) => r.action.type === "Delete"))
        expect(rule.condition.age).toBeGreaterThan(days);
    }
  });

  it("routes every audit log to the bucket through a sink with its own identity", async () => {
    const { result, resources } = await defaults();
    const bucketName = await valueOf(result.archiveBucket.name);
    expect(bucketName).toMatch(/^m6-test-audit-logs-[0-9a-f]{8}$/);
    const sink = auditSink(resources);
    expectProps(sink, {
      project: PROJECT,
      filter: 'logName:"cloudaudit.googleapis.com"',
      uniqueWriterIdentity: true,
      destination: `storage.googleapis.com/${bucketName}`,
    });
  });

  it("lets the sink's writer identity create objects only", async () => {
    const { result, resources } = await defaults();
    const members = resourcesOfType(resources, BUCKET_MEMBER);
    expect(members).toHaveLength(1);
    const member = members[0]!;
    expect(auditSink(resources).outputs.writerIdentity).toBe(WRITER);
    expectProps(member, {
      bucket: await valueOf(result.archiveBucket.name),
      role: "roles/storage.objectCreator",
      member: WRITER,
    });
    expect(member.inputs.role).not.toBe("roles/storage.objectAdmin");
  });
});

describe("AuditLogging: data access and exclusions", () => {
  it("turns on Data Access audit logs for Secret Manager, Firestore and IAM", async () => {
    const { resources } = await defaults();
    const configs = resourcesOfType(resources, AUDIT_CONFIG).filter(
      (c) => c.inputs.service !== "allServices",
    );
    expect(configs.map((c) => c.inputs.service).sort()).toEqual([
      "datastore.googleapis.com",
      "iam.googleapis.com",
      "secretmanager.googleapis.com",
    ]);
    // Without runtime members there is nobody to exempt: Firestore's data plane is logged in full.
    for (const config of configs) {
      expect(config.inputs.project).toBe(PROJECT);
      expect(config.inputs.auditLogConfigs).toEqual([
        { logType: "ADMIN_READ" },
        { logType: "DATA_READ" },
        { logType: "DATA_WRITE" },
      ]);
    }
    expect(named(resources, AUDIT_CONFIG, "logs-default-secretmanager").inputs.service).toBe(
      "secretmanager.googleapis.com",
    );
  });

  it("honours a custom list of services", async () => {
    const { resources } = await record(
      () => new AuditLogging("logs-services", baseArgs({ dataAccessServices: ["storage.googleapis.com"] })),
    );
    expect(resourcesOfType(resources, AUDIT_CONFIG).map((c) => c.inputs.service)).toEqual([
      "allServices",
      "storage.googleapis.com",
    ]);
  });

  it("turns on Data Access audit logs for every service (allServices, CIS 2.1), exempting no one", async () => {
    const { resources } = await defaults();
    expectProps(named(resources, AUDIT_CONFIG, "logs-default-all-services"), {
      project: PROJECT,
      service: "allServices",
      auditLogConfigs: [{ logType: "ADMIN_READ" }, { logType: "DATA_READ" }, { logType: "DATA_WRITE" }],
    });
  });

  it("excludes health-check noise", async () => {
    const { resources } = await defaults();
    const exclusions = resourcesOfType(resources, EXCLUSION).filter(
      (e) => e.name !== "logs-default-app-logs-routed",
    );
    expect(exclusions.map((e) => e.inputs.filter).sort()).toEqual([
      'resource.type="cloud_run_revision" AND httpRequest.requestUrl=~"/healthz?$" AND httpRequest.status<400',
      'resource.type="http_load_balancer" AND httpRequest.userAgent=~"GoogleHC" AND httpRequest.status<400',
    ]);
    expect(exclusions.map((e) => e.inputs.name).sort()).toEqual([
      "m6-test-health-probes",
      "m6-test-lb-health-checkers",
    ]);
    const filters = exclusions.map((e) => String(e.inputs.filter)).join("\n");
    // The default health path /health, and /healthz of services that still use it.
    const probe = /requestUrl=~"([^"]+)"/.exec(filters)?.[1];
    expect(new RegExp(probe!).test("https://x.a.run.app/health")).toBe(true);
    expect(new RegExp(probe!).test("https://x.a.run.app/healthz")).toBe(true);
    expect(new RegExp(probe!).test("https://x.a.run.app/api/users")).toBe(false);
    expect(filters).toContain("GoogleHC");
    // Only successful checks are dropped: a failing health check is still logged.
    for (const e of exclusions) expect(String(e.inputs.filter)).toContain("httpRequest.status<400");
  });

  // Cloud Run logs are copied to the app-log bucket by the app-logs sink; _Default kept them too.
  it("keeps what the app-log sink routes out of _Default, audit logs excepted", async () => {
    const { resources } = await defaults();
    const routed = named(resources, EXCLUSION, "logs-default-app-logs-routed");
    expect(routed.inputs).toMatchObject({
      project: PROJECT,
      name: "m6-test-app-logs-routed",
      filter: 'resource.type="cloud_run_revision" AND NOT logName:"cloudaudit.googleapis.com"',
    });
    // The same selection the sink routes (its own exclusions aside).
    expect(String(routed.inputs.filter).startsWith(String(appSink(resources).inputs.filter))).toBe(true);
  });

  it("exempts the runtime accounts from Firestore's data-plane logs by default, nothing else", async () => {
    const runtime = "serviceAccount:m6-test-api@module6-test-000000.iam.gserviceaccount.com";
    const { resources } = await record(
      () => new AuditLogging("logs-exempt", baseArgs({ runtimeMembers: [runtime] })),
    );
    expect(named(resources, AUDIT_CONFIG, "logs-exempt-datastore").inputs.auditLogConfigs).toEqual([
      { logType: "ADMIN_READ" },
      { logType: "DATA_READ", exemptedMembers: [runtime] },
      { logType: "DATA_WRITE", exemptedMembers: [runtime] },
    ]);
    for (const other of ["logs-exempt-secretmanager", "logs-exempt-iam"])
      expect(named(resources, AUDIT_CONFIG, other).inputs.auditLogConfigs, other).toEqual([
        { logType: "ADMIN_READ" },
        { logType: "DATA_READ" },
        { logType: "DATA_WRITE" },
      ]);
  });

  it.each([
    ["all", [{ logType: "ADMIN_READ" }, { logType: "DATA_READ" }, { logType: "DATA_WRITE" }]],
    ["off", [{ logType: "ADMIN_READ" }]],
  ] as const)("logs Firestore's data plane %s when asked", async (choice, expected) => {
    const { resources } = await record(
      () =>
        new AuditLogging(
          `logs-fs-${choice}`,
          baseArgs({
            firestoreDataAccess: choice,
            runtimeMembers: ["serviceAccount:m6-test-api@module6-test-000000.iam.gserviceaccount.com"],
          }),
        ),
    );
    expect(named(resources, AUDIT_CONFIG, `logs-fs-${choice}-datastore`).inputs.auditLogConfigs).toEqual(
      expected,
    );
  });

  it("parents every resource to the component", async () => {
    const { resources } = await defaults();
    const component = onlyOfType(resources, "module6:logging:AuditLogging");
    for (const r of resources.filter((x) => x.custom)) expect(r.parent, r.name).toBe(component.urn);
  });
});

describe("validateAuditLoggingArgs", () => {
  it("accepts the defaults and the limits", () => {
    expect(() => validateAuditLoggingArgs(baseArgs())).not.toThrow();
    expect(() =>
      validateAuditLoggingArgs(baseArgs({ appLogRetentionDays: 1, auditRetentionDays: 3650 })),
    ).not.toThrow();
  });

  it.each([
    ["app retention 0", { appLogRetentionDays: 0 }, /appLogRetentionDays: got 0; whole days 1-3650/],
    ["audit retention 4000", { auditRetentionDays: 4000 }, /auditRetentionDays: got 4000; whole days 1-3650/],
    ["audit retention 0", { auditRetentionDays: 0 }, /auditRetentionDays: got 0; whole days 1-3650/],
    ["fractional retention", { appLogRetentionDays: 1.5 }, /appLogRetentionDays: got 1\.5; whole days/],
    [
      "an unknown Firestore data-access choice",
      { firestoreDataAccess: "some" as never },
      /firestoreDataAccess: got "some"; one of all, except-runtime, off/,
    ],
    [
      "a bad service name",
      { dataAccessServices: ["iam.googleapis.com", "Secret Manager"] },
      /dataAccessServices\[1\]: got "Secret Manager"; a service name such as iam\.googleapis\.com/,
    ],
  ] as [string, Partial<AuditLoggingArgs>, RegExp][])("rejects %s", (_case, bad, message) => {
    const args = baseArgs(bad);
    expect(() => validateAuditLoggingArgs(args)).toThrow(ValidationError);
    expect(() => validateAuditLoggingArgs(args)).toThrow(/^AuditLogging: 1 problem\n/);
    expect(() => validateAuditLoggingArgs(args)).toThrow(message);
  });

  it("rejects invalid args in the constructor before registering anything", async () => {
    const { resources } = await record(() => {
      expect(() => new AuditLogging("logs-invalid", baseArgs({ auditRetentionDays: 4000 }))).toThrow(
        ValidationError,
      );
    });
    expect(resources).toHaveLength(0);
  });
});
