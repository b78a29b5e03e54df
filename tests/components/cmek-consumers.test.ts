/**
 * Customer-managed keys on the data stores that take them: each store names its key (per replica for a
 * secret) and is created only after the key's grant to its service agent has propagated.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ArtifactRegistry } from "../../components/artifact-registry";
import { AuditLogging } from "../../components/audit-logging";
import { FirestoreDatabase } from "../../components/firestore-database";
import { KmsKeys } from "../../components/kms-keys";
import { RedisCache, validateRedisCacheArgs } from "../../components/redis-cache";
import { SecretSet, validateSecretSetArgs } from "../../components/secret-set";
import type { RecordedResource } from "../../plan/record";
import { commonArgs, installMocks, named, onlyOfType, record } from "../helpers/pulumi";

const PROJECT = "module6-test-000000";
const SEOUL = "asia-northeast3";
const TOKYO = "asia-northeast1";
const keyName = (key: string, location = SEOUL): string =>
  `projects/${PROJECT}/locations/${location}/keyRings/m6-test-data/cryptoKeys/${key}`;

/** The propagation wait of `key` in `location`, and the grant it waits for. */
function readiness(resources: readonly RecordedResource[], kms: string, key: string, location = SEOUL) {
  const wait = named(resources, "time:index/sleep:Sleep", `${kms}-${key}-${location}-ready`);
  return { wait, grantUrns: wait.dependencies };
}

beforeAll(async () => {
  await installMocks();
});

describe("CMEK consumers", () => {
  it("Firestore: cmekConfig with the key, after the grant to the Firestore agent", async () => {
    const { resources } = await record(() => {
      const kms = new KmsKeys("fs-kms", { ...commonArgs(), keys: { firestore: { service: "firestore" } } });
      return new FirestoreDatabase("fs-cmek", {
        ...commonArgs(),
        name: "main",
        location: SEOUL,
        encryptionKey: kms.key("firestore"),
      });
    });
    const db = onlyOfType(resources, "gcp:firestore/database:Database");
    expect(db.inputs.cmekConfig).toEqual({ kmsKeyName: keyName("firestore") });
    const { wait } = readiness(resources, "fs-kms", "firestore");
    expect(db.dependencies).toContain(wait.urn);
    expect(wait.dependencies).toContain(
      onlyOfType(resources, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").urn,
    );
  });

  it("Firestore and the registry take no key unless given one", async () => {
    const { resources } = await record(() => {
      new FirestoreDatabase("fs-plain", { ...commonArgs(), name: "plain", location: SEOUL });
      new ArtifactRegistry("ar-plain", commonArgs());
    });
    expect(onlyOfType(resources, "gcp:firestore/database:Database").inputs).not.toHaveProperty("cmekConfig");
    expect(onlyOfType(resources, "gcp:artifactregistry/repository:Repository").inputs).not.toHaveProperty(
      "kmsKeyName",
    );
  });

  it("Artifact Registry: kmsKeyName, after the grant to the registry agent", async () => {
    const { resources } = await record(() => {
      const kms = new KmsKeys("ar-kms", {
        ...commonArgs(),
        keys: { registry: { service: "artifactregistry" } },
      });
      return new ArtifactRegistry("ar-cmek", { ...commonArgs(), encryptionKey: kms.key("registry") });
    });
    const repo = onlyOfType(resources, "gcp:artifactregistry/repository:Repository");
    expect(repo.inputs.kmsKeyName).toBe(keyName("registry"));
    expect(repo.dependencies).toContain(readiness(resources, "ar-kms", "registry").wait.urn);
  });

  it("Secrets: each replica with the key of its own location, after both grants", async () => {
    const { resources } = await record(() => {
      const kms = new KmsKeys("sm-kms", {
        ...commonArgs(),
        keys: { secrets: { service: "secretmanager", locations: [SEOUL, TOKYO] } },
      });
      return new SecretSet("sm-cmek", {
        ...commonArgs(),
        secrets: { "db-password": { replicaLocations: [SEOUL, TOKYO] } },
        allowedRegions: [SEOUL, TOKYO],
        encryptionKeys: { [SEOUL]: kms.key("secrets", SEOUL), [TOKYO]: kms.key("secrets", TOKYO) },
      });
    });
    const secret = onlyOfType(resources, "gcp:secretmanager/secret:Secret");
    expect(secret.inputs.replication).toEqual({
      userManaged: {
        replicas: [
          { location: SEOUL, customerManagedEncryption: { kmsKeyName: keyName("secrets", SEOUL) } },
          { location: TOKYO, customerManagedEncryption: { kmsKeyName: keyName("secrets", TOKYO) } },
        ],
      },
    });
    expect(secret.dependencies).toContain(readiness(resources, "sm-kms", "secrets", SEOUL).wait.urn);
    expect(secret.dependencies).toContain(readiness(resources, "sm-kms", "secrets", TOKYO).wait.urn);
  });

  it("Secrets: a replica location without a key is refused before anything is created", () => {
    expect(() =>
      validateSecretSetArgs({
        ...commonArgs(),
        secrets: { "db-password": { replicaLocations: [SEOUL, TOKYO] } },
        allowedRegions: [SEOUL, TOKYO],
        encryptionKeys: { [SEOUL]: { kmsKeyName: keyName("secrets") } },
      }),
    ).toThrow(
      /secrets\.db-password\.replicaLocations\[1\]: got "asia-northeast1"; a location with a key in encryptionKeys \(asia-northeast3\)/,
    );
  });

  it("Audit logging: the log bucket and the archive bucket each with their key, after their grants", async () => {
    const { resources } = await record(() => {
      const kms = new KmsKeys("log-kms", {
        ...commonArgs(),
        keys: { logs: { service: "logging" }, archive: { service: "storage" } },
      });
      return new AuditLogging("log-cmek", {
        ...commonArgs(),
        logBucketKey: kms.key("logs"),
        archiveKey: kms.key("archive"),
      });
    });
    const logBucket = onlyOfType(resources, "gcp:logging/projectBucketConfig:ProjectBucketConfig");
    expect(logBucket.inputs.cmekSettings).toEqual({ kmsKeyName: keyName("logs") });
    expect(logBucket.dependencies).toContain(readiness(resources, "log-kms", "logs").wait.urn);
    const archive = onlyOfType(resources, "gcp:storage/bucket:Bucket");
    expect(archive.inputs.encryption).toEqual({ defaultKmsKeyName: keyName("archive") });
    expect(archive.dependencies).toContain(readiness(resources, "log-kms", "archive").wait.urn);
    const grants = resources.filter((r) => r.type === "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
    expect(Object.fromEntries(grants.map((g) => [g.inputs.cryptoKeyId, g.inputs.member]))).toEqual({
      [keyName("logs")]: "serviceAccount:service-000000000000@gcp-sa-logging.iam.gserviceaccount.com",
      [keyName("archive")]: "serviceAccount:service-000000000000@gs-project-accounts.iam.gserviceaccount.com",
    });
  });

  it("Redis: the AUTH secret's replicas encrypted too, each replica needing a key", async () => {
    const { resources } = await record(() => {
      const kms = new KmsKeys("rd-kms", {
        ...commonArgs(),
        keys: { redis: { service: "redis" }, secrets: { service: "secretmanager" } },
      });
      return new RedisCache("rd-cmek", {
        ...commonArgs(),
        network: { id: `projects/${PROJECT}/global/networks/v`, connection: kms },
        encryptionKey: kms.key("redis"),
        authSecretKeys: { [SEOUL]: kms.key("secrets") },
      });
    });
    expect(onlyOfType(resources, "gcp:secretmanager/secret:Secret").inputs.replication).toEqual({
      userManaged: {
        replicas: [{ location: SEOUL, customerManagedEncryption: { kmsKeyName: keyName("secrets") } }],
      },
    });
    expect(() =>
      validateRedisCacheArgs({
        ...commonArgs(),
        network: { id: "n", connection: {} as never },
        authSecretReplicas: [SEOUL, TOKYO],
        authSecretKeys: { [SEOUL]: { kmsKeyName: keyName("secrets") } },
      }),
    ).toThrow(
      /authSecretReplicas\[1\]: got "asia-northeast1"; a region with a key in authSecretKeys \(asia-northeast3\)/,
    );
  });
});
