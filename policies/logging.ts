/** Cloud Logging: audit logs, their locked export, and log bucket retention. Load-balancer request logs are in `edge`. */
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import type { PolicyResource } from "@pulumi/policy";
import { configProperties, readConfig, schema } from "./lib/config";
import { cis } from "./lib/frameworks";
import { resourcePolicy, stackPolicy, type Module6Policy } from "./lib/policy";
import { displayName, referenced, StackResources } from "./lib/stack";
import { T } from "./lib/tokens";
import { inEnvironments } from "./lib/environment";
import { isRecord, list, q, read, shown, str, tryRead, prop, UNKNOWN } from "./lib/values";

type AuditConfig = Unwrap<gcp.projects.IAMAuditConfigArgs>;
type LogBucket = Unwrap<gcp.logging.ProjectBucketConfigArgs>;

export const AUDIT_LOG_TYPES = ["ADMIN_READ", "DATA_READ", "DATA_WRITE"];
const DATA_LOG_TYPES = ["DATA_READ", "DATA_WRITE"];

export const auditLogsAllServices = resourcePolicy<AuditConfig>(
  {
    name: "audit-logs-all-services",
    domain: "logging",
    description:
      "Checks that project audit logging for allServices records ADMIN_READ, DATA_READ and DATA_WRITE, and that no audit config exempts members from logging, except service accounts from one service's DATA_READ/DATA_WRITE (a workload's own data-plane traffic, exempted as a deliberate volume choice).",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      'Create `gcp.projects.IAMAuditConfig({ service: "allServices", auditLogConfigs: [ADMIN_READ, DATA_READ, DATA_WRITE] })` without exemptedMembers.',
    framework: cis("2.1", "Ensure That Cloud Audit Logging Is Configured Properly"),
    otherIds: ["CKV2_GCP_5", "AVD-GCP-0079"],
    types: [T.projectAuditConfig],
  },
  (config, args, report) => {
    const service = q(config.service ?? args.name);
    const logConfigs = config.auditLogConfigs ?? [];
    if (config.service === "allServices") {
      const missing = AUDIT_LOG_TYPES.filter((t) => !logConfigs.some((c) => c.logType === t));
      if (missing.length) report(`Audit config for ${service} must record ${missing.join(", ")}`);
    }
    for (const c of logConfigs) {
      // A workload's own data-plane reads and writes (Firestore: an entry per document call) may be
      // exempted per service; people, groups and anything on allServices or admin reads may not. A
      // member computed from a service account created in the same update is unknown at preview: it is
      // judged at `up`, when it is known.
      const workloadOnly = config.service !== "allServices" && DATA_LOG_TYPES.includes(c.logType ?? "");
      const members = list(read(() => c.exemptedMembers));
      const allowed = (m: unknown): boolean =>
        workloadOnly && (m === UNKNOWN || (typeof m === "string" && m.startsWith("serviceAccount:")));
      // Each member read on its own: an unknown one throws when touched (even by Array.prototype.map).
      const refused = Array.from({ length: members.length }, (_, i) => read(() => members[i]))
        .filter((m) => !allowed(m))
        .map((m) => (m === UNKNOWN ? "[unknown]" : String(m)));
      if (refused.length > 0)
        report(
          `Audit config for ${service} must not exempt members from ${c.logType} logs (${refused.join(", ")})`,
        );
    }
  },
);

export const logBucketRetention = resourcePolicy<LogBucket>(
  {
    name: "log-bucket-retention",
    domain: "logging",
    description:
      "Checks that a Cloud Logging bucket in the configured environments (default prod) keeps logs for at least minLogRetentionDays (default 30). Unset retentionDays is 30 days.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: "Raise `retentionDays` to at least the configured minimum.",
    configSchema: schema({
      environments: configProperties.environments(["prod"]),
      minLogRetentionDays: configProperties.minLogRetentionDays,
    }),
    types: [T.logBucket],
  },
  (bucket, args, report) => {
    const { environments, minLogRetentionDays } = readConfig(args, {
      environments: ["prod"],
      minLogRetentionDays: 30,
    });
    if (!inEnvironments(args, args.stackTags, environments)) return;
    const retention = bucket.retentionDays ?? 30;
    if (retention >= minLogRetentionDays) return;
    report(
      `Log bucket ${q(bucket.bucketId ?? args.name)} must keep logs for at least ${minLogRetentionDays} days; ${shown("retentionDays", bucket.retentionDays, "means 30 days")}`,
    );
  },
);

/** True when a sink's filter selects Cloud Audit Logs. */
export const selectsAuditLogs = (filter: string): boolean => /cloudaudit\.googleapis\.com/.test(filter);

function retention(dest: PolicyResource): { kept: boolean; locked: boolean } {
  if (dest.type === T.bucket) {
    const policy = prop(dest, "retentionPolicy");
    return { kept: isRecord(policy), locked: isRecord(policy) && tryRead(() => policy.isLocked) === true };
  }
  return { kept: true, locked: prop(dest, "locked") === true };
}

export const auditLogSinkLocked = stackPolicy(
  {
    name: "audit-log-sink-locked",
    domain: "logging",
    description:
      "Checks that every log sink exporting Cloud Audit Logs (a filter naming cloudaudit.googleapis.com) writes to a bucket or log bucket of this stack that keeps them: a Cloud Storage bucket needs a retention policy, and in the configured environments (default prod) the retention must be locked so nobody can shorten it. Followed through the destination's property dependencies or its storage.googleapis.com/… or logging.googleapis.com/… reference; unset retentionPolicy means objects can be deleted at any time, unset isLocked/locked is false.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      "Export audit logs to a bucket with `retentionPolicy: { retentionPeriod, isLocked: true }` (AuditLogging does) or to a log bucket with `locked: true`.",
    framework: cis(
      "2.3",
      "Ensure That Retention Policies on Cloud Storage Buckets Used for Exporting Logs Are Configured Using Bucket Lock",
    ),
    otherIds: ["CKV2_GCP_4"],
    configSchema: schema({ environments: configProperties.environments(["prod"]) }),
  },
  (args, report) => {
    const { environments } = readConfig(args, { environments: ["prod"] });
    const stack = new StackResources(args.resources);
    const destinations = stack.ofType(T.bucket, T.logBucket);
    for (const sink of stack.ofType(T.logSink)) {
      const filter = str(prop(sink, "filter")) ?? "";
      if (!selectsAuditLogs(filter)) continue;
      const name = q(displayName(sink));
      const targets = referenced(sink, "destination", destinations);
      if (targets.length === 0) {
        report(
          `Audit log sink ${name} must export to a locked bucket of this stack; destination is ${q(prop(sink, "destination") ?? null)}`,
          sink.urn,
        );
      }
      for (const dest of targets) {
        const { kept, locked } = retention(dest);
        const what = `${dest.type === T.bucket ? "bucket" : "log bucket"} ${q(displayName(dest, dest.type === T.bucket ? "name" : "bucketId"))}`;
        if (!kept) {
          report(
            `Audit log sink ${name} must export to a bucket with a retention policy; ${what} has none`,
            sink.urn,
          );
        } else if (!locked && inEnvironments(sink, args.stackTags, environments)) {
          report(
            `Audit log sink ${name} must export to a destination whose retention is locked; ${what} is not locked`,
            sink.urn,
          );
        }
      }
    }
  },
);

export const loggingPolicies: readonly Module6Policy[] = [
  auditLogsAllServices,
  logBucketRetention,
  auditLogSinkLocked,
];
