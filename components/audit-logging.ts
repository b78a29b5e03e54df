import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { uniqueBucketName } from "./shared/bucket-name";
import { Component } from "./shared/component";
import { componentLabels, type CommonArgs, type EncryptionKey } from "./shared/types";
import { integerRule, oneOfRule, Problems } from "./shared/validation";
import { daysInSeconds } from "./shared/durations";

/** Arguments of {@link AuditLogging}. */
export interface AuditLoggingArgs extends CommonArgs {
  /**
   * Days the application-log bucket keeps Cloud Run logs (1-3650).
   * @default 30
   */
  readonly appLogRetentionDays?: number;
  /**
   * Days the audit-log archive keeps every object (1-3650).
   * @default 400
   */
  readonly auditRetentionDays?: number;
  /**
   * Locks the archive's retention policy: irreversible, nobody (the project owner included) can shorten
   * it or delete logs early. Prod only.
   * @default false
   */
  readonly lockAuditRetention?: boolean;
  /**
   * Services whose Data Access audit logs (reads and writes) are turned on.
   * @default ["secretmanager.googleapis.com", "datastore.googleapis.com", "iam.googleapis.com"]
   */
  readonly dataAccessServices?: readonly string[];
  /**
   * Log filters excluded from ingestion (noise).
   * @default - HEALTH_CHECK_EXCLUSIONS: health checks and probes that succeeded
   */
  readonly exclusions?: Readonly<Record<string, string>>;
  /**
   * Data Access audit logs of Firestore's data plane (`datastore.googleapis.com` DATA_READ and
   * DATA_WRITE: one entry per document API call). `except-runtime` logs every principal but
   * `runtimeMembers` — people, tools and unexpected identities touching data — through the audit
   * config's `exemptedMembers` (https://cloud.google.com/logging/docs/audit/configure-data-access);
   * `all` also logs the services' own traffic (an entry per request and more: docs/architecture.md has the
   * volume); `off` gives Firestore no data-plane config of its own, but the allServices config records
   * DATA_READ and DATA_WRITE for every service and IAM adds log types up, so Firestore's data plane is
   * then logged as with `all` (only exemptions lower the volume). Admin Activity logs are always written.
   * @default "except-runtime"
   */
  readonly firestoreDataAccess?: FirestoreDataAccess;
  /**
   * The environment's runtime service accounts as IAM members (`serviceAccount:…`), exempted from
   * Firestore's data-plane audit logs with `firestoreDataAccess: "except-runtime"`.
   * @default []
   */
  readonly runtimeMembers?: readonly pulumi.Input<string>[];
  /**
   * Customer-managed key of the application-log bucket, in its region, granted to Cloud Logging's
   * `kmsServiceAccountId` (https://cloud.google.com/logging/docs/routing/managed-encryption-storage).
   * @default - a Google-managed key
   */
  readonly logBucketKey?: EncryptionKey;
  /**
   * Customer-managed default key of the audit-log archive bucket, in its region, granted to Cloud
   * Storage's service agent.
   * @default - a Google-managed key
   */
  readonly archiveKey?: EncryptionKey;
}

/** How much of Firestore's data plane the Data Access audit logs record. */
export type FirestoreDataAccess = "all" | "except-runtime" | "off";
export const FIRESTORE_DATA_ACCESS: readonly FirestoreDataAccess[] = ["all", "except-runtime", "off"];

/** What the application-log sink routes to its own bucket. */
export const APP_LOG_FILTER = 'resource.type="cloud_run_revision"';

/** Health checks and probes: thousands of identical, successful entries a day. */
export const HEALTH_CHECK_EXCLUSIONS: Readonly<Record<string, string>> = {
  "health-probes":
    'resource.type="cloud_run_revision" AND httpRequest.requestUrl=~"/healthz?$" AND httpRequest.status<400',
  "lb-health-checkers":
    'resource.type="http_load_balancer" AND httpRequest.userAgent=~"GoogleHC" AND httpRequest.status<400',
};

export const DEFAULT_DATA_ACCESS_SERVICES = [
  "secretmanager.googleapis.com",
  "datastore.googleapis.com",
  "iam.googleapis.com",
];

/** What an unset field of {@link AuditLoggingArgs} means (the stack config's defaults too). */
export const AUDIT_LOGGING_DEFAULTS = {
  appLogRetentionDays: 30,
  auditRetentionDays: 400,
  firestoreDataAccess: "except-runtime",
} as const satisfies Partial<AuditLoggingArgs>;

/** The rules of single fields of {@link AuditLoggingArgs}; the stack config applies them to its keys. */
export const AUDIT_LOGGING_RULES = {
  retentionDays: integerRule(1, 3650, "whole days 1-3650"),
  firestoreDataAccess: oneOfRule<FirestoreDataAccess>(FIRESTORE_DATA_ACCESS),
};

/** Checks {@link AuditLoggingArgs}; throws one `ValidationError` naming every problem. */
export function validateAuditLoggingArgs(args: AuditLoggingArgs): void {
  const p = new Problems("AuditLogging");
  const d = AUDIT_LOGGING_DEFAULTS;
  const r = AUDIT_LOGGING_RULES;
  p.rule("appLogRetentionDays", args.appLogRetentionDays ?? d.appLogRetentionDays, r.retentionDays);
  p.rule("auditRetentionDays", args.auditRetentionDays ?? d.auditRetentionDays, r.retentionDays);
  (args.dataAccessServices ?? DEFAULT_DATA_ACCESS_SERVICES).forEach((s, i) =>
    p.check(
      /^[a-z][a-z0-9.-]*\.googleapis\.com$/.test(s),
      `dataAccessServices[${i}]`,
      s,
      "a service name such as iam.googleapis.com",
    ),
  );
  p.rule("firestoreDataAccess", args.firestoreDataAccess ?? d.firestoreDataAccess, r.firestoreDataAccess);
  p.throwIfAny();
}

/**
 * Where the environment's logs go: a log bucket with its own retention for application logs, every audit
 * log archived to a Cloud Storage bucket with a retention policy (locked in prod), Data Access audit logs
 * for the services that hold secrets and data, and exclusions for health-check noise.
 */
export class AuditLogging extends Component {
  readonly archiveBucket: gcp.storage.Bucket;
  readonly appLogBucket: gcp.logging.ProjectBucketConfig;

  constructor(name: string, args: AuditLoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    validateAuditLoggingArgs(args);
    super("module6:logging:AuditLogging", name, opts);
    const labels = componentLabels(args.labels, "logging");
    const auditDays = args.auditRetentionDays ?? AUDIT_LOGGING_DEFAULTS.auditRetentionDays;

    this.appLogBucket = new gcp.logging.ProjectBucketConfig(
      `${name}-app`,
      {
        project: args.project,
        location: args.region,
        bucketId: args.naming.name("generic", "app-logs"),
        description: "Cloud Run application logs (managed by Pulumi)",
        retentionDays: args.appLogRetentionDays ?? AUDIT_LOGGING_DEFAULTS.appLogRetentionDays,
        ...(args.logBucketKey ? { cmekSettings: { kmsKeyName: args.logBucketKey.kmsKeyName } } : {}),
      },
      this.child(args.logBucketKey?.ready ? { dependsOn: [args.logBucketKey.ready] } : {}),
    );
    new gcp.logging.ProjectSink(
      `${name}-app`,
      {
        project: args.project,
        name: args.naming.name("generic", "app-logs"),
        destination: pulumi.interpolate`logging.googleapis.com/${this.appLogBucket.id}`,
        filter: APP_LOG_FILTER,
        uniqueWriterIdentity: true,
        // Project exclusions apply to the _Default sink only: this sink drops the same noise itself.
        exclusions: Object.entries(args.exclusions ?? HEALTH_CHECK_EXCLUSIONS).map(([exclusion, filter]) => ({
          name: exclusion,
          filter,
        })),
      },
      this.child(),
    );

    // Data Access logs for every service (CIS 2.1). IAM merges this config with the per-service ones
    // below: log types add up, and a service's exemptions still apply to that service
    // (AuditConfig, https://cloud.google.com/iam/docs/reference/rest/v1/Policy#AuditConfig).
    new gcp.projects.IAMAuditConfig(
      `${name}-all-services`,
      {
        project: args.project,
        service: "allServices",
        auditLogConfigs: [{ logType: "ADMIN_READ" }, { logType: "DATA_READ" }, { logType: "DATA_WRITE" }],
      },
      this.child(),
    );

    this.archiveBucket = new gcp.storage.Bucket(
      `${name}-archive`,
      {
        project: args.project,
        name: uniqueBucketName(`${name}-archive`, "audit-logs", args.naming, this),
        location: args.region,
        storageClass: "STANDARD",
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        versioning: { enabled: false },
        labels,
        retentionPolicy: {
          retentionPeriod: String(daysInSeconds(auditDays)),
          isLocked: args.lockAuditRetention ?? false,
        },
        lifecycleRules: [
          { action: { type: "SetStorageClass", storageClass: "COLDLINE" }, condition: { age: 30 } },
          { action: { type: "Delete" }, condition: { age: auditDays + 1 } },
        ],
        ...(args.archiveKey ? { encryption: { defaultKmsKeyName: args.archiveKey.kmsKeyName } } : {}),
      },
      this.child({
        protect: args.lockAuditRetention ?? false,
        ...(args.archiveKey?.ready ? { dependsOn: [args.archiveKey.ready] } : {}),
      }),
    );
    const sink = new gcp.logging.ProjectSink(
      `${name}-audit`,
      {
        project: args.project,
        name: args.naming.name("generic", "audit-archive"),
        destination: pulumi.interpolate`storage.googleapis.com/${this.archiveBucket.name}`,
        filter: 'logName:"cloudaudit.googleapis.com"',
        uniqueWriterIdentity: true,
      },
      this.child(),
    );
    // The sink's own identity may only create objects in the archive: it cannot read or delete logs.
    new gcp.storage.BucketIAMMember(
      `${name}-audit-writer`,
      { bucket: this.archiveBucket.name, role: "roles/storage.objectCreator", member: sink.writerIdentity },
      this.child(),
    );

    const firestore = args.firestoreDataAccess ?? AUDIT_LOGGING_DEFAULTS.firestoreDataAccess;
    const exempted = [...(args.runtimeMembers ?? [])];
    for (const service of args.dataAccessServices ?? DEFAULT_DATA_ACCESS_SERVICES) {
      const dataPlane = service === "datastore.googleapis.com" ? firestore : "all";
      const data = (logType: string) =>
        dataPlane === "except-runtime" && exempted.length > 0
          ? { logType, exemptedMembers: exempted }
          : { logType };
      new gcp.projects.IAMAuditConfig(
        `${name}-${service.replace(/\.googleapis\.com$/, "").replace(/\./g, "-")}`,
        {
          project: args.project,
          service,
          auditLogConfigs: [
            { logType: "ADMIN_READ" },
            ...(dataPlane === "off" ? [] : [data("DATA_READ"), data("DATA_WRITE")]),
          ],
        },
        this.child(),
      );
    }
    // What the application-log sink routes to its bucket is not also stored in _Default: a project
    // exclusion is created "in the _Default sink" of the project
    // (https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.exclusions/create), and
    // exclusions of other sinks — the app sink's own — are separate. Audit logs stay in _Default.
    new gcp.logging.ProjectExclusion(
      `${name}-app-logs-routed`,
      {
        project: args.project,
        name: args.naming.name("generic", "app-logs-routed"),
        description: "Cloud Run logs: stored in the app-log bucket by the app-logs sink",
        filter: `${APP_LOG_FILTER} AND NOT logName:"cloudaudit.googleapis.com"`,
      },
      this.child(),
    );
    for (const [exclusion, filter] of Object.entries(args.exclusions ?? HEALTH_CHECK_EXCLUSIONS)) {
      new gcp.logging.ProjectExclusion(
        `${name}-${exclusion}`,
        {
          project: args.project,
          name: args.naming.name("generic", exclusion),
          description: "Health-check noise",
          filter,
        },
        this.child(),
      );
    }
    this.registerOutputs({ archiveBucket: this.archiveBucket.name, appLogBucket: this.appLogBucket.id });
  }
}
