import { describe, expect, it } from "vitest";
import {
  auditLogSinkLocked,
  auditLogsAllServices,
  auditLogsDataAccessAllServices,
  logBucketRetention,
  logSinkBucketLocked,
  selectsAuditLogs,
} from "../../policies/logging";
import { T } from "../../policies/lib/tokens";
import { mutate, PROJECT, PROVIDER_URN, REGION, res, UNSET, urn } from "../fixtures/policies/build";
import { previewOf } from "../fixtures/policies/preview";
import { fixtures } from "../fixtures/policies/resources";
import { checkResource, checkStack, messagesOf, stackMessages } from "./harness";

describe("audit-logs-all-services", () => {
  const p = auditLogsAllServices;
  const config = fixtures.auditConfig;
  it("passes all three log types for allServices", async () =>
    expect(await messagesOf(p, config())).toEqual([]));
  it("wants every type for allServices", async () => {
    expect(await messagesOf(p, mutate(config(), "auditLogConfigs", [{ logType: "ADMIN_READ" }]))).toEqual([
      "Audit config for allServices must record DATA_READ, DATA_WRITE",
    ]);
  });
  it("refuses any exemption for allServices", async () => {
    const exempt = mutate(config(), "auditLogConfigs", [
      { logType: "ADMIN_READ" },
      {
        logType: "DATA_READ",
        exemptedMembers: [`serviceAccount:m6-prod-api@${PROJECT}.iam.gserviceaccount.com`],
      },
      { logType: "DATA_WRITE" },
    ]);
    expect(await messagesOf(p, exempt)).toEqual([
      `Audit config for allServices must not exempt anyone from DATA_READ logs (serviceAccount:m6-prod-api@${PROJECT}.iam.gserviceaccount.com)`,
    ]);
  });
  it("lets a service's own config exempt service accounts only", async () => {
    const service = (members: string[]) =>
      mutate(mutate(config(), "service", "datastore.googleapis.com"), "auditLogConfigs", [
        { logType: "DATA_READ", exemptedMembers: members },
      ]);
    expect(
      await messagesOf(p, service([`serviceAccount:m6-prod-api@${PROJECT}.iam.gserviceaccount.com`])),
    ).toEqual([]);
    expect(await messagesOf(p, service(["user:ops@example.com", "group:g@example.com"]))).toEqual([
      'Audit config for "datastore.googleapis.com" may exempt only service accounts, and only from DATA_READ and DATA_WRITE logs; it exempts user:ops@example.com, group:g@example.com from DATA_READ',
    ]);
    const sa = `serviceAccount:m6-prod-api@${PROJECT}.iam.gserviceaccount.com`;
    const adminRead = mutate(mutate(config(), "service", "datastore.googleapis.com"), "auditLogConfigs", [
      { logType: "ADMIN_READ", exemptedMembers: [sa] },
    ]);
    expect(await messagesOf(p, adminRead)).toEqual([
      `Audit config for "datastore.googleapis.com" may exempt only service accounts, and only from DATA_READ and DATA_WRITE logs; it exempts ${sa} from ADMIN_READ`,
    ]);
  });
  it("judges a member unknown at preview (an account created in the same update) at up", async () => {
    const unknown = [{ logType: "ADMIN_READ" }, { logType: "DATA_READ", exemptedMembers: ["[unknown]"] }];
    const datastore = mutate(
      mutate(config(), "service", "datastore.googleapis.com"),
      "auditLogConfigs",
      unknown,
    );
    expect(await checkResource(p, datastore, { preview: true })).toEqual({ applicable: true, messages: [] });
    expect(
      await messagesOf(p, mutate(config(), "auditLogConfigs", [...unknown, { logType: "DATA_WRITE" }]), {
        preview: true,
      }),
    ).toEqual(["Audit config for allServices must not exempt anyone from DATA_READ logs ([unknown])"]);
  });
});

describe("audit-logs-data-access-all-services (stack)", () => {
  const p = auditLogsDataAccessAllServices;
  it("passes a stack with an allServices config for its provider's project (named, or by default)", async () => {
    expect(await stackMessages(p, [fixtures.auditConfig()])).toEqual([]);
    expect(await stackMessages(p, [mutate(fixtures.auditConfig(), "project", UNSET)])).toEqual([]);
  });
  it("refuses a stack whose configs name only chosen services", async () => {
    const chosen = mutate(fixtures.auditConfig(), "service", "secretmanager.googleapis.com");
    expect(await checkStack(p, [chosen])).toEqual([
      {
        urn: PROVIDER_URN,
        message: `Project "${PROJECT}" must have an audit config for allServices (Data Access logs for every service); none names it`,
      },
    ]);
    expect(await stackMessages(p, [])).toHaveLength(1);
  });
  it("checks the projects a stack creates instead, linked by property dependency", async () => {
    const project = res(T.project, "team", { name: "team", projectId: "team-123" });
    const audit = res(
      T.projectAuditConfig,
      "team-audit",
      { ...fixtures.auditConfig().inputs, project: "[unknown]" },
      { deps: { project: [project.urn] } },
    );
    expect(await stackMessages(p, [project, audit])).toEqual([]);
    expect(await stackMessages(p, [project])).toEqual([
      'Project "team-123" must have an audit config for allServices (Data Access logs for every service); none names it',
    ]);
  });
  it("leaves feature stacks, which share staging's project, to staging (stack tag or the provider's labels)", async () => {
    expect(await stackMessages(p, [], { env: "feature", stackTags: { environment: "feature" } })).toEqual([]);
    expect(await stackMessages(p, [], { env: "feature" })).toEqual([]);
  });
});

describe("log-bucket-retention", () => {
  const p = logBucketRetention;
  it("passes 30 days and unset (30 days); flags less in prod", async () => {
    expect(await messagesOf(p, fixtures.logBucket())).toEqual([]);
    expect(await messagesOf(p, mutate(fixtures.logBucket(), "retentionDays", UNSET))).toEqual([]);
    expect(await messagesOf(p, mutate(fixtures.logBucket(), "retentionDays", 14))).toEqual([
      'Log bucket "m6-prod-app-logs" must keep logs for at least 30 days; retentionDays is 14',
    ]);
    expect(
      await messagesOf(p, mutate(fixtures.logBucket(), "retentionDays", UNSET), {
        config: { minLogRetentionDays: 90 },
      }),
    ).toEqual([
      'Log bucket "m6-prod-app-logs" must keep logs for at least 90 days; retentionDays is unset, which means 30 days',
    ]);
  });
  it("exempts staging by default (shorter retention there is a cost choice)", async () => {
    expect(
      await messagesOf(p, mutate(fixtures.logBucket(), "retentionDays", 14), { env: "staging" }),
    ).toEqual([]);
  });
});

const ARCHIVE = urn(T.bucket, "env-logging-archive");
const archive = (retentionPolicy: unknown) =>
  res(T.bucket, "env-logging-archive", {
    ...fixtures.bucket().inputs,
    name: "m6-prod-audit-logs-1234",
    versioning: { enabled: false },
    ...(retentionPolicy === UNSET ? {} : { retentionPolicy }),
  });
const sink = res(
  T.logSink,
  "env-logging-audit",
  {
    name: "m6-prod-audit-archive",
    project: PROJECT,
    destination: "storage.googleapis.com/m6-prod-audit-logs-1234",
    filter: 'logName:"cloudaudit.googleapis.com"',
  },
  { deps: { destination: [ARCHIVE] } },
);
const locked = { retentionPeriod: "34560000", isLocked: true };
const unlocked = { retentionPeriod: "34560000" };

describe("audit-log-sink-locked (stack)", () => {
  const p = auditLogSinkLocked;
  it("passes audit logs exported to a bucket that keeps them, also at preview", async () => {
    expect(await stackMessages(p, [archive(locked), sink])).toEqual([]);
    expect(await stackMessages(p, [archive(unlocked), sink])).toEqual([]);
    expect(await stackMessages(p, previewOf([archive(locked), sink]), { preview: true })).toEqual([]);
  });
  it("wants a retention policy everywhere", async () => {
    expect(await stackMessages(p, [archive(UNSET), sink], { env: "staging" })).toEqual([
      'Log sink "m6-prod-audit-archive" exports audit logs and must write to a bucket with a retention policy; bucket "m6-prod-audit-logs-1234" has none',
    ]);
  });
  it("counts a sink without a filter (every log entry), at every level, and skips disabled sinks", async () => {
    const everything = mutate(sink, "filter", UNSET);
    expect(await stackMessages(p, [archive(UNSET), everything])).toEqual([
      'Log sink "m6-prod-audit-archive" exports every log entry (no filter) and must write to a bucket with a retention policy; bucket "m6-prod-audit-logs-1234" has none',
    ]);
    const folder = res(
      T.folderLogSink,
      "folder-sink",
      { folder: "folders/1", name: "all", destination: "storage.googleapis.com/m6-prod-audit-logs-1234" },
      { deps: { destination: [ARCHIVE] } },
    );
    const org = res(
      T.orgLogSink,
      "org-sink",
      { orgId: "1", name: "all", destination: "storage.googleapis.com/m6-prod-audit-logs-1234" },
      { deps: { destination: [ARCHIVE] } },
    );
    expect(await stackMessages(p, [archive(UNSET), folder, org])).toEqual([
      'Folder log sink "all" exports every log entry (no filter) and must write to a bucket with a retention policy; bucket "m6-prod-audit-logs-1234" has none',
      'Organization log sink "all" exports every log entry (no filter) and must write to a bucket with a retention policy; bucket "m6-prod-audit-logs-1234" has none',
    ]);
    expect(await stackMessages(p, [archive(UNSET), mutate(everything, "disabled", true)])).toEqual([]);
  });
  it("follows a log bucket destination, and refuses one outside the stack", async () => {
    const logBucket = res(
      T.logBucket,
      "env-logging-audit-bucket",
      { bucketId: "m6-prod-audit", location: REGION, project: PROJECT, locked: true },
      { outputs: { name: `projects/${PROJECT}/locations/${REGION}/buckets/m6-prod-audit` } },
    );
    const toLogBucket = mutate(
      { ...sink, propertyDependencies: {} },
      "destination",
      `logging.googleapis.com/projects/${PROJECT}/locations/${REGION}/buckets/m6-prod-audit`,
    );
    expect(await stackMessages(p, [logBucket, toLogBucket])).toEqual([]);
    expect(await stackMessages(p, [mutate(logBucket, "locked", UNSET), toLogBucket])).toEqual([
      'Log sink "m6-prod-audit-archive" exports audit logs and must write to a locked log bucket in this environment; log bucket "m6-prod-audit" is not locked',
    ]);
    expect(
      await stackMessages(p, [mutate(logBucket, "locked", UNSET), toLogBucket], { env: "staging" }),
    ).toEqual([]);
    expect(
      await stackMessages(p, [
        mutate(
          { ...sink, propertyDependencies: {} },
          "destination",
          "bigquery.googleapis.com/projects/p/datasets/audit",
        ),
      ]),
    ).toEqual([
      'Log sink "m6-prod-audit-archive" exports audit logs and must write to a bucket of this stack that keeps them; destination is "bigquery.googleapis.com/projects/p/datasets/audit"',
    ]);
  });
  it("does not mistake other filters, or filters that exclude audit logs, for audit sinks", async () => {
    for (const filter of [
      'resource.type="cloud_run_revision"',
      'NOT logName:"cloudaudit.googleapis.com"',
      '-logName:"cloudaudit.googleapis.com"',
      'severity>=ERROR AND NOT (logName:"cloudaudit.googleapis.com" OR logName:"x")',
      'NOT LOG_ID("cloudaudit.googleapis.com/activity") AND NOT LOG_ID("externalaudit.googleapis.com/activity")',
    ]) {
      expect(await stackMessages(p, [mutate(sink, "filter", filter), archive(UNSET)]), filter).toEqual([]);
    }
  });
  it("recognises audit selections by log name, LOG_ID and payload type", () => {
    expect(selectsAuditLogs(undefined)).toBe(true);
    expect(selectsAuditLogs("")).toBe(true);
    expect(selectsAuditLogs('LOG_ID("cloudaudit.googleapis.com/data_access")')).toBe(true);
    expect(selectsAuditLogs('protoPayload.@type="type.googleapis.com/google.cloud.audit.AuditLog"')).toBe(
      true,
    );
    expect(selectsAuditLogs('resource.type="gce_instance" OR logName:"cloudaudit.googleapis.com"')).toBe(
      true,
    );
    expect(selectsAuditLogs('NOT NOT logName:"cloudaudit.googleapis.com"')).toBe(false);
    expect(selectsAuditLogs('NOT (NOT (logName:"cloudaudit.googleapis.com"))')).toBe(true);
  });
});

describe("log-sink-bucket-locked (stack)", () => {
  const p = logSinkBucketLocked;
  const appSink = mutate(sink, "filter", 'resource.type="cloud_run_revision"');
  it("passes a locked export bucket and sinks to log buckets", async () => {
    expect(await stackMessages(p, [archive(locked), appSink])).toEqual([]);
    expect(
      await stackMessages(p, [
        mutate(
          { ...appSink, propertyDependencies: {} },
          "destination",
          "logging.googleapis.com/projects/p/locations/l/buckets/b",
        ),
      ]),
    ).toEqual([]);
  });
  it("wants every export bucket locked in prod, whatever the sink exports, at every level", async () => {
    expect(await checkStack(p, [archive(unlocked), appSink])).toEqual([
      {
        urn: sink.urn,
        message:
          'Log sink "m6-prod-audit-archive" must export to a bucket whose retention policy is locked; bucket "m6-prod-audit-logs-1234" is not locked',
      },
    ]);
    const folder = res(
      T.folderLogSink,
      "folder-sink",
      {
        folder: "folders/1",
        name: "gce",
        destination: "storage.googleapis.com/m6-prod-audit-logs-1234",
        filter: "resource.type = gce_instance",
      },
      { deps: { destination: [ARCHIVE] } },
    );
    expect(await stackMessages(p, [archive(UNSET), folder])).toEqual([
      'Folder log sink "gce" must export to a bucket whose retention policy is locked; bucket "m6-prod-audit-logs-1234" has no retention policy',
    ]);
  });
  it("follows the destination by name when no dependency is recorded, and exempts staging", async () => {
    expect(
      await stackMessages(p, [archive(unlocked), { ...appSink, propertyDependencies: {} }]),
    ).toHaveLength(1);
    expect(
      await stackMessages(
        p,
        [mutate(archive(unlocked), "labels.env", "staging"), mutate(appSink, "labels", { env: "staging" })],
        { env: "staging" },
      ),
    ).toEqual([]);
  });
});
