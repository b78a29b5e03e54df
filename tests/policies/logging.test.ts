import { describe, expect, it } from "vitest";
import { auditLogSinkLocked, auditLogsAllServices, logBucketRetention } from "../../policies/logging";
import { T } from "../../policies/lib/tokens";
import { mutate, PROJECT, REGION, res, UNSET, urn } from "../fixtures/policies/build";
import { previewOf } from "../fixtures/policies/preview";
import { fixtures } from "../fixtures/policies/resources";
import { checkResource, checkStack, messagesOf, stackMessages } from "./harness";

describe("audit-logs-all-services", () => {
  const p = auditLogsAllServices;
  const config = fixtures.auditConfig;
  it("passes all three log types for allServices", () => expect(messagesOf(p, config())).toEqual([]));
  it("wants every type for allServices", () => {
    expect(messagesOf(p, mutate(config(), "auditLogConfigs", [{ logType: "ADMIN_READ" }]))).toEqual([
      'Audit config for "allServices" must record DATA_READ, DATA_WRITE',
    ]);
  });
  it("refuses exempted members on any service", () => {
    const exempt = mutate(mutate(config(), "service", "secretmanager.googleapis.com"), "auditLogConfigs", [
      { logType: "DATA_READ", exemptedMembers: ["user:ops@example.com"] },
    ]);
    expect(messagesOf(p, exempt)).toEqual([
      'Audit config for "secretmanager.googleapis.com" must not exempt members from DATA_READ logs (user:ops@example.com)',
    ]);
  });
  it("lets one service's data-plane logs exempt service accounts only (a workload's own traffic)", () => {
    const sa = "serviceAccount:m6-prod-api@module6-prod-000000.iam.gserviceaccount.com";
    const datastore = (configs: unknown) =>
      mutate(mutate(config(), "service", "datastore.googleapis.com"), "auditLogConfigs", configs);
    expect(
      messagesOf(
        p,
        datastore([
          { logType: "ADMIN_READ" },
          { logType: "DATA_READ", exemptedMembers: [sa] },
          { logType: "DATA_WRITE", exemptedMembers: [sa] },
        ]),
      ),
    ).toEqual([]);
    expect(
      messagesOf(p, datastore([{ logType: "DATA_READ", exemptedMembers: [sa, "group:devs@example.com"] }])),
    ).toEqual([
      'Audit config for "datastore.googleapis.com" must not exempt members from DATA_READ logs (group:devs@example.com)',
    ]);
    expect(messagesOf(p, datastore([{ logType: "ADMIN_READ", exemptedMembers: [sa] }]))).toEqual([
      `Audit config for "datastore.googleapis.com" must not exempt members from ADMIN_READ logs (${sa})`,
    ]);
    expect(
      messagesOf(
        p,
        mutate(config(), "auditLogConfigs", [
          { logType: "ADMIN_READ" },
          { logType: "DATA_READ", exemptedMembers: [sa] },
          { logType: "DATA_WRITE" },
        ]),
      ),
    ).toEqual([`Audit config for "allServices" must not exempt members from DATA_READ logs (${sa})`]);
  });
  it("judges a member unknown at preview (an account created in the same update) at up", () => {
    const unknown = [{ logType: "ADMIN_READ" }, { logType: "DATA_READ", exemptedMembers: ["[unknown]"] }];
    const datastore = mutate(
      mutate(config(), "service", "datastore.googleapis.com"),
      "auditLogConfigs",
      unknown,
    );
    expect(checkResource(auditLogsAllServices, datastore, { preview: true })).toMatchObject({
      applicable: true,
      messages: [],
    });
    expect(
      messagesOf(p, mutate(config(), "auditLogConfigs", [...unknown, { logType: "DATA_WRITE" }]), {
        preview: true,
      }),
    ).toEqual(['Audit config for "allServices" must not exempt members from DATA_READ logs ([unknown])']);
  });
});

describe("log-bucket-retention", () => {
  const p = logBucketRetention;
  it("passes 30 days and unset (30 days); flags less in prod", () => {
    expect(messagesOf(p, fixtures.logBucket())).toEqual([]);
    expect(messagesOf(p, mutate(fixtures.logBucket(), "retentionDays", UNSET))).toEqual([]);
    expect(messagesOf(p, mutate(fixtures.logBucket(), "retentionDays", 14))).toEqual([
      'Log bucket "m6-prod-app-logs" must keep logs for at least 30 days; retentionDays is 14',
    ]);
    expect(
      messagesOf(p, mutate(fixtures.logBucket(), "retentionDays", UNSET), {
        config: { minLogRetentionDays: 90 },
      }),
    ).toEqual([
      'Log bucket "m6-prod-app-logs" must keep logs for at least 90 days; retentionDays is unset, which means 30 days',
    ]);
  });
  it("exempts staging by default (shorter retention there is a cost choice)", () => {
    expect(messagesOf(p, mutate(fixtures.logBucket(), "retentionDays", 14), { env: "staging" })).toEqual([]);
  });
});

describe("audit-log-sink-locked (stack)", () => {
  const p = auditLogSinkLocked;
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
  it("passes audit logs exported to a locked bucket, also at preview", () => {
    expect(stackMessages(p, [archive(locked), sink])).toEqual([]);
    expect(stackMessages(p, previewOf([archive(locked), sink]), { preview: true })).toEqual([]);
  });
  it("wants the retention locked in prod (unset isLocked is false), not in staging", () => {
    const unlocked = archive({ retentionPeriod: "34560000" });
    expect(checkStack(p, [unlocked, sink])).toEqual([
      {
        urn: sink.urn,
        message:
          'Audit log sink "m6-prod-audit-archive" must export to a destination whose retention is locked; bucket "m6-prod-audit-logs-1234" is not locked',
      },
    ]);
    expect(
      stackMessages(
        p,
        [mutate(unlocked, "labels.env", "staging"), mutate(sink, "labels", { env: "staging" })],
        { env: "staging" },
      ),
    ).toEqual([]);
  });
  it("wants a retention policy everywhere", () => {
    expect(stackMessages(p, [archive(UNSET), sink], { env: "staging" })).toEqual([
      'Audit log sink "m6-prod-audit-archive" must export to a bucket with a retention policy; bucket "m6-prod-audit-logs-1234" has none',
    ]);
  });
  it("follows a log bucket destination, and refuses one outside the stack", () => {
    const logBucket = res(
      T.logBucket,
      "env-logging-audit-bucket",
      { bucketId: "m6-prod-audit", location: REGION, project: PROJECT, locked: true },
      {
        outputs: { name: `projects/${PROJECT}/locations/${REGION}/buckets/m6-prod-audit` },
      },
    );
    const toLogBucket = mutate(
      { ...sink, propertyDependencies: {} },
      "destination",
      `logging.googleapis.com/projects/${PROJECT}/locations/${REGION}/buckets/m6-prod-audit`,
    );
    expect(stackMessages(p, [logBucket, toLogBucket])).toEqual([]);
    expect(stackMessages(p, [mutate(logBucket, "locked", UNSET), toLogBucket])).toEqual([
      'Audit log sink "m6-prod-audit-archive" must export to a destination whose retention is locked; log bucket "m6-prod-audit" is not locked',
    ]);
    expect(
      stackMessages(p, [
        mutate(
          { ...sink, propertyDependencies: {} },
          "destination",
          "bigquery.googleapis.com/projects/p/datasets/audit",
        ),
      ]),
    ).toEqual([
      'Audit log sink "m6-prod-audit-archive" must export to a locked bucket of this stack; destination is "bigquery.googleapis.com/projects/p/datasets/audit"',
    ]);
  });
  it("ignores sinks of other logs", () => {
    expect(
      stackMessages(p, [mutate(sink, "filter", 'resource.type="cloud_run_revision"'), archive(UNSET)]),
    ).toEqual([]);
  });
});
