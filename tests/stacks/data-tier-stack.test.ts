/**
 * The data tier as the prod and staging plans build it from their stack files: the cache reached only by
 * the services that use it, customer-managed keys on every prod store (created after their grants), the
 * cache's alerts and dashboard row.
 */
import { describe, expect, it } from "vitest";
import type { RecordedResource } from "../../plan/record";
import { planOnce, privateEgress, runTemplate } from "../helpers/stack";

const prod = planOnce("prod");
const staging = planOnce("staging");

const KEYS = "projects/module6-prod-000000/locations";
const key = (location: string, name: string) =>
  `${KEYS}/${location}/keyRings/m6-prod-data/cryptoKeys/${name}`;
const last = (r: RecordedResource | undefined) => (r?.dependencies ?? []).map((u) => u.split("::").pop());

describe("data tier in prod (Pulumi.prod.yaml)", () => {
  it("gives web (uses: [redis]) Direct VPC egress and the connection, and no other service either", () => {
    const runs = prod.ofType("gcp:cloudrunv2/service:Service");
    const web = runs.find((r) => r.inputs.name === "m6-prod-web");
    const { vpcAccess, envs } = runTemplate(web);
    expect(vpcAccess).toEqual(privateEgress("module6-prod-000000", "m6-prod-vpc", "asia-northeast3"));
    expect(envs).toMatchObject({
      REDIS_PORT: "6379",
      REDIS_TLS: "true",
      REDIS_AUTH: {
        secretKeyRef: { secret: "projects/module6-prod-000000/secrets/m6-prod-cache-auth", version: "1" },
      },
    });
    expect(envs).not.toHaveProperty("REDIS_KEY_PREFIX");
    expect(String(envs.REDIS_CA_CERT)).toContain("-----BEGIN CERTIFICATE-----");
    for (const other of runs.filter((r) => r !== web)) {
      expect(runTemplate(other).vpcAccess, String(other.inputs.name)).toBeUndefined();
    }
  });

  it("runs a STANDARD_HA instance with AUTH, TLS, allkeys-lru, RDB and the maintenance window of the stack file", () => {
    const [redis] = prod.ofType("gcp:redis/instance:Instance");
    expect(redis?.inputs).toMatchObject({
      tier: "STANDARD_HA",
      memorySizeGb: 1,
      authEnabled: true,
      transitEncryptionMode: "SERVER_AUTHENTICATION",
      connectMode: "PRIVATE_SERVICE_ACCESS",
      redisConfigs: { "maxmemory-policy": "allkeys-lru" },
      persistenceConfig: { persistenceMode: "RDB", rdbSnapshotPeriod: "TWELVE_HOURS" },
      customerManagedKey: key("asia-northeast3", "redis"),
    });
    expect(redis?.protect).toBe(true);
  });

  it("encrypts every store with its own key, each created after its key's grant has propagated", () => {
    const one = (type: string, name?: string) =>
      prod.ofType(type).find((r) => name === undefined || r.name === name);
    expect(one("gcp:firestore/database:Database")?.inputs.cmekConfig).toEqual({
      kmsKeyName: key("asia-northeast3", "firestore"),
    });
    expect(one("gcp:artifactregistry/repository:Repository")?.inputs.kmsKeyName).toBe(
      key("asia-northeast3", "registry"),
    );
    expect(one("gcp:logging/projectBucketConfig:ProjectBucketConfig")?.inputs.cmekSettings).toEqual({
      kmsKeyName: key("asia-northeast3", "logs"),
    });
    expect(one("gcp:storage/bucket:Bucket", "env-logging-archive")?.inputs.encryption).toEqual({
      defaultKmsKeyName: key("asia-northeast3", "storage"),
    });
    const staticBucket = one("gcp:storage/bucket:Bucket", "env-edge-static");
    expect(staticBucket?.inputs.encryption).toEqual({ defaultKmsKeyName: key("asia-northeast3", "storage") });
    expect(last(staticBucket)).toContain("project-kms-storage-asia-northeast3-ready");
    const session = one("gcp:secretmanager/secret:Secret", "env-secrets-session-key");
    expect(session?.inputs.replication).toEqual({
      userManaged: {
        replicas: [
          {
            location: "asia-northeast3",
            customerManagedEncryption: { kmsKeyName: key("asia-northeast3", "secrets") },
          },
          {
            location: "asia-northeast1",
            customerManagedEncryption: { kmsKeyName: key("asia-northeast1", "secrets") },
          },
        ],
      },
    });
    expect(last(one("gcp:firestore/database:Database"))).toContain(
      "project-kms-firestore-asia-northeast3-ready",
    );
    expect(last(one("gcp:redis/instance:Instance"))).toContain("project-kms-redis-asia-northeast3-ready");
    expect(last(session)).toEqual(
      expect.arrayContaining([
        "project-kms-secrets-asia-northeast3-ready",
        "project-kms-secrets-asia-northeast1-ready",
      ]),
    );
    // each agent holds the role on its own key only
    for (const grant of prod.ofType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"))
      expect(grant.inputs.role).toBe("roles/cloudkms.cryptoKeyEncrypterDecrypter");
    expect(
      prod
        .ofType("gcp:projects/iAMMember:IAMMember")
        .filter((m) => String(m.inputs.role).startsWith("roles/cloudkms")),
    ).toEqual([]);
  });

  it("watches the cache: four ticket alerts and a dashboard row", () => {
    const alerts = prod
      .ofType("gcp:monitoring/alertPolicy:AlertPolicy")
      .filter((a) => a.name.startsWith("env-cache-monitoring-"));
    expect(alerts.map((a) => a.name).sort()).toEqual([
      "env-cache-monitoring-clients",
      "env-cache-monitoring-cpu",
      "env-cache-monitoring-evictions",
      "env-cache-monitoring-memory",
    ]);
    const channels = prod.ofType("gcp:monitoring/notificationChannel:NotificationChannel");
    const ticket = channels.filter((c) => c.inputs.type !== "pagerduty").map((c) => c.id);
    for (const a of alerts) {
      expect(a.inputs.notificationChannels, a.name).toEqual(expect.arrayContaining(ticket.slice(0, 1)));
      expect((a.inputs.userLabels as Record<string, string>).urgency).toBe("ticket");
    }
    const [dashboard] = prod.ofType("gcp:monitoring/dashboard:Dashboard");
    const json = String(dashboard?.inputs.dashboardJson);
    expect(json).toContain("redis.googleapis.com/stats/memory/system_memory_usage_ratio");
    expect(json).toContain(
      'resource.label.instance_id=\\"projects/module6-prod-000000/locations/asia-northeast3/instances/m6-prod-cache\\"',
    );
  });
});

describe("data tier in staging (Pulumi.staging.yaml)", () => {
  it("runs a small BASIC instance without snapshots and without customer-managed keys", () => {
    const [redis] = staging.ofType("gcp:redis/instance:Instance");
    expect(redis?.inputs).toMatchObject({
      tier: "BASIC",
      memorySizeGb: 1,
      persistenceConfig: { persistenceMode: "DISABLED" },
    });
    expect(redis?.inputs).not.toHaveProperty("customerManagedKey");
    expect(staging.ofType("gcp:kms/cryptoKey:CryptoKey")).toEqual([]);
  });
});
