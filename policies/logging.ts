/**
 * Cloud Logging: Data Access audit logs for every service, the export of audit logs to a destination that
 * keeps them, locked log-export buckets, and log bucket retention. Load-balancer request logs are in `edge`.
 */
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import type { PolicyResource } from "@pulumi/policy";
import { configProperties, readConfig, schema } from "./lib/config";
import { inEnvironments } from "./lib/environment";
import { cis } from "./lib/frameworks";
import { serviceAccountEmail } from "./lib/members";
import { resourcePolicy, stackPolicy, type Module6Policy } from "./lib/policy";
import { displayName, refersTo, referenced, StackResources } from "./lib/stack";
import { T } from "./lib/tokens";
import { isPlainObject, list, prop, q, read, shown, str, tryRead, UNKNOWN } from "./lib/values";

type AuditConfig = Unwrap<gcp.projects.IAMAuditConfigArgs>;
type LogBucket = Unwrap<gcp.logging.ProjectBucketConfigArgs>;

export const AUDIT_LOG_TYPES = ["ADMIN_READ", "DATA_READ", "DATA_WRITE"];
export const ALL_SERVICES = "allServices";

/** Ids the pack claims for the audit-config rules: both policies together catch the checks' cases. */
const AUDIT_IDS = ["CKV2_GCP_5", "AVD-GCP-0079"];

/** Log types whose volume follows a workload's own traffic: a service may exempt service accounts from them. */
const DATA_LOG_TYPES = ["DATA_READ", "DATA_WRITE"];

export const auditLogsAllServices = resourcePolicy<AuditConfig>(
  {
    name: "audit-logs-all-services",
    domain: "logging",
    description:
      "Checks that a project audit config for allServices records ADMIN_READ, DATA_READ and DATA_WRITE and exempts no one, and that a config for one service exempts only service accounts, and only from DATA_READ/DATA_WRITE (a workload's own data-plane calls, whose volume would drown the rest). IAM merges an allServices config with a service's config: log types and exemptions add up. A member unknown at preview (an account created in the same update) is judged at `up`. Stricter than CKV2_GCP_5, which accepts allServices without DATA_WRITE.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      'Create `gcp.projects.IAMAuditConfig({ service: "allServices", auditLogConfigs: [ADMIN_READ, DATA_READ, DATA_WRITE] })` without exemptedMembers; exempt a runtime service account only from its service\'s own DATA_READ/DATA_WRITE.',
    framework: cis("2.1", "Ensure That Cloud Audit Logging Is Configured Properly"),
    otherIds: AUDIT_IDS,
    types: [T.projectAuditConfig],
  },
  (config, args, report) => {
    const service = config.service ?? args.name;
    const logConfigs = config.auditLogConfigs ?? [];
    if (service === ALL_SERVICES) {
      const missing = AUDIT_LOG_TYPES.filter((t) => !logConfigs.some((c) => c.logType === t));
      if (missing.length) report(`Audit config for allServices must record ${missing.join(", ")}`);
    }
    for (const c of logConfigs) {
      const workloadOnly = service !== ALL_SERVICES && DATA_LOG_TYPES.includes(c.logType);
      // Each member read on its own: an unknown one throws when touched (even by Array.prototype.map).
      const members = list(read(() => c.exemptedMembers));
      const refused = Array.from({ length: members.length }, (_, i) => read(() => members[i]))
        .filter(
          (m) => !(workloadOnly && (m === UNKNOWN || (typeof m === "string" && serviceAccountEmail(m)))),
        )
        .map((m) => (m === UNKNOWN ? "[unknown]" : String(m)));
      if (refused.length === 0) continue;
      report(
        service === ALL_SERVICES
          ? `Audit config for allServices must not exempt anyone from ${c.logType} logs (${refused.join(", ")})`
          : `Audit config for ${q(service)} may exempt only service accounts, and only from DATA_READ and DATA_WRITE logs; it exempts ${refused.join(", ")} from ${c.logType}`,
      );
    }
  },
);

/** The projects a stack answers for: the Project resources it creates, else its provider's project. */
function governedProjects(stack: StackResources): { project: string; subject: PolicyResource }[] {
  const created = stack.ofType(T.project);
  if (created.length > 0) {
    return created.map((p) => ({ project: str(prop(p, "projectId")) ?? displayName(p), subject: p }));
  }
  const providers = stack.ofType("pulumi:providers:gcp");
  return providers.flatMap((p) => {
    const project = str(prop(p, "project"));
    return project ? [{ project, subject: p }] : [];
  });
}

export const auditLogsDataAccessAllServices = stackPolicy(
  {
    name: "audit-logs-data-access-all-services",
    domain: "logging",
    description:
      "Checks that every project the stack answers for (the Project resources it creates, else its provider's project, in the configured environments, default prod and staging) has an IAMAuditConfig for allServices, linked by its project (value or property dependency), so Data Access logs cover every service and not only chosen ones; audit-logs-all-services checks its log types.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      'Add `gcp.projects.IAMAuditConfig({ project, service: "allServices", auditLogConfigs: [ADMIN_READ, DATA_READ, DATA_WRITE] })` for the project, next to the per-service configs of AuditLogging.',
    framework: cis("2.1", "Ensure That Cloud Audit Logging Is Configured Properly"),
    otherIds: AUDIT_IDS,
    configSchema: schema({ environments: configProperties.environments(["prod", "staging"]) }),
  },
  (args, report) => {
    const { environments } = readConfig(args, { environments: ["prod", "staging"] });
    const stack = new StackResources(args.resources);
    const configs = stack.ofType(T.projectAuditConfig).filter((c) => prop(c, "service") === ALL_SERVICES);
    const projects = governedProjects(stack);
    for (const { project, subject } of projects) {
      if (subject.type !== T.project && !inEnvironments(subject, args.stackTags, environments)) continue;
      const covered = configs.some((c) => {
        const p = str(prop(c, "project"));
        return (
          (subject.type === T.project && refersTo(c, "project", subject)) ||
          p === project ||
          p === `projects/${project}` ||
          (p === undefined && subject.type !== T.project)
        );
      });
      if (!covered) {
        report(
          `Project ${q(project)} must have an audit config for allServices (Data Access logs for every service); none names it`,
          subject.urn,
        );
      }
    }
  },
);

type Filter = string | undefined;

/** The positions of audit-log references in a Logging query. */
const AUDIT_REFERENCE = /cloudaudit\.googleapis\.com|google\.cloud\.audit\.AuditLog/g;

/**
 * True when the reference at `index` is negated: `NOT x`, `-x`, `NOT LOG_ID("x")`, or inside a negated
 * group `NOT (…)`. A "(" right after a name opens a function call (`LOG_ID(`), which negates like a term.
 */
function negated(filter: string, index: number): boolean {
  let negations = 0;
  // The comparison holding the reference starts after the last AND, OR or group "(" before it.
  const before = filter.slice(0, index);
  const separators = [...before.matchAll(/\s(?:AND|OR)\s|(?<![\w.])\(/g)];
  const last = separators[separators.length - 1];
  const term = before.slice(last ? last.index + last[0].length : 0);
  if (/^\s*(?:NOT\s+|-)/.test(term)) negations++;
  // Every enclosing group preceded by NOT or "-" (a call's own negation is its term's, counted above).
  let depth = 0;
  for (let i = index - 1; i >= 0; i--) {
    if (filter[i] === ")") depth++;
    else if (filter[i] === "(") {
      if (depth > 0) depth--;
      else if (!/[\w.]$/.test(filter.slice(0, i)) && /(?:\bNOT|-)$/.test(filter.slice(0, i).trimEnd()))
        negations++;
    }
  }
  return negations % 2 === 1;
}

/**
 * True when a sink's filter exports Cloud Audit Logs: no filter at all (every log entry, audit logs
 * included), or a reference to `cloudaudit.googleapis.com` or the AuditLog payload type that is not negated
 * (`NOT logName:"…cloudaudit…"` and `-protoPayload.@type=…` exclude them).
 */
export function selectsAuditLogs(filter: Filter): boolean {
  if (filter === undefined || filter.trim() === "") return true;
  return [...filter.matchAll(AUDIT_REFERENCE)].some((m) => !negated(filter, m.index));
}

/** Log sinks of every level: project, folder, organization and billing account. */
export const SINK_TYPES = [T.logSink, T.folderLogSink, T.orgLogSink, T.billingLogSink] as const;

const sinkKind = (sink: PolicyResource): string =>
  sink.type === T.folderLogSink
    ? "Folder log sink"
    : sink.type === T.orgLogSink
      ? "Organization log sink"
      : sink.type === T.billingLogSink
        ? "Billing account log sink"
        : "Log sink";

/** The sinks of a stack that export anything (a disabled sink exports nothing). */
const activeSinks = (stack: StackResources): PolicyResource[] =>
  stack.ofType(...SINK_TYPES).filter((s) => prop(s, "disabled") !== true);

function bucketRetention(bucket: PolicyResource): { kept: boolean; locked: boolean } {
  const policy = prop(bucket, "retentionPolicy");
  return {
    kept: isPlainObject(policy),
    locked: isPlainObject(policy) && tryRead(() => policy.isLocked) === true,
  };
}

const bucketLabel = (dest: PolicyResource): string =>
  dest.type === T.bucket
    ? `bucket ${q(displayName(dest, "name"))}`
    : `log bucket ${q(displayName(dest, "bucketId"))}`;

export const auditLogSinkLocked = stackPolicy(
  {
    name: "audit-log-sink-locked",
    domain: "logging",
    description:
      "Checks that every log sink (project, folder, organization or billing account; not disabled) that exports Cloud Audit Logs — a filter selecting cloudaudit.googleapis.com or the AuditLog type, or no filter at all, which exports every log entry — writes to a bucket or log bucket of this stack that keeps them: a Cloud Storage bucket needs a retention policy (its lock is log-sink-bucket-locked's), and in the configured environments (default prod) a log bucket must be locked. Followed through the destination's property dependencies or its storage.googleapis.com/… or logging.googleapis.com/… reference; filters that only exclude audit logs (NOT …cloudaudit…) are not audit sinks. Unset retentionPolicy means objects can be deleted at any time; unset locked is false.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      "Export audit logs to a bucket with `retentionPolicy: { retentionPeriod, isLocked: true }` (AuditLogging does) or to a log bucket with `locked: true`.",
    configSchema: schema({ environments: configProperties.environments(["prod"]) }),
  },
  (args, report) => {
    const { environments } = readConfig(args, { environments: ["prod"] });
    const stack = new StackResources(args.resources);
    const destinations = stack.ofType(T.bucket, T.logBucket);
    for (const sink of activeSinks(stack)) {
      const filter = str(prop(sink, "filter"));
      if (!selectsAuditLogs(filter)) continue;
      const name = `${sinkKind(sink)} ${q(displayName(sink))}`;
      const exports =
        filter === undefined || filter.trim() === "" ? "every log entry (no filter)" : "audit logs";
      const targets = referenced(sink, "destination", destinations);
      if (targets.length === 0) {
        report(
          `${name} exports ${exports} and must write to a bucket of this stack that keeps them; destination is ${q(prop(sink, "destination") ?? null)}`,
          sink.urn,
        );
      }
      for (const dest of targets) {
        if (dest.type === T.bucket && !bucketRetention(dest).kept) {
          report(
            `${name} exports ${exports} and must write to a bucket with a retention policy; ${bucketLabel(dest)} has none`,
            sink.urn,
          );
        } else if (
          dest.type === T.logBucket &&
          prop(dest, "locked") !== true &&
          inEnvironments(sink, args.stackTags, environments)
        ) {
          report(
            `${name} exports ${exports} and must write to a locked log bucket in this environment; ${bucketLabel(dest)} is not locked`,
            sink.urn,
          );
        }
      }
    }
  },
);

export const logSinkBucketLocked = stackPolicy(
  {
    name: "log-sink-bucket-locked",
    domain: "logging",
    description:
      "Checks that every log sink (project, folder, organization or billing account; not disabled) that exports to a Cloud Storage bucket of this stack — linked by property dependencies or its storage.googleapis.com/<bucket> reference — writes to a bucket whose retention policy is locked (Bucket Lock), in the configured environments (default prod), so nobody can shorten the retention or delete exported logs early. Unset retentionPolicy keeps nothing; unset isLocked is false.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      "Give the export bucket `retentionPolicy: { retentionPeriod, isLocked: true }` (AuditLogging locks it in prod); locking cannot be undone, so lock once the period is final.",
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
    const buckets = stack.ofType(T.bucket);
    for (const sink of activeSinks(stack)) {
      if (!inEnvironments(sink, args.stackTags, environments)) continue;
      for (const bucket of referenced(sink, "destination", buckets)) {
        const { kept, locked } = bucketRetention(bucket);
        if (locked) continue;
        report(
          `${sinkKind(sink)} ${q(displayName(sink))} must export to a bucket whose retention policy is locked; ${bucketLabel(bucket)} ${kept ? "is not locked" : "has no retention policy"}`,
          sink.urn,
        );
      }
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

export const loggingPolicies: readonly Module6Policy[] = [
  auditLogsAllServices,
  auditLogsDataAccessAllServices,
  logBucketRetention,
  auditLogSinkLocked,
  logSinkBucketLocked,
];
