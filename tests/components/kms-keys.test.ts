import * as gcp from "@pulumi/gcp";
import { beforeAll, describe, expect, it } from "vitest";
import { KmsKeys, validateKmsKeysArgs, type KmsKeysArgs } from "../../components/kms-keys";
import { ValidationError } from "../../components/shared/validation";
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

const RING = "gcp:kms/keyRing:KeyRing";
const KEY = "gcp:kms/cryptoKey:CryptoKey";
const GRANT = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember";
const IDENTITY = "gcp:projects/serviceIdentity:ServiceIdentity";
const SLEEP = "time:index/sleep:Sleep";
const PROJECT = "module6-test-000000";
const SEOUL = "asia-northeast3";
const TOKYO = "asia-northeast1";
const ring = (location: string): string => `projects/${PROJECT}/locations/${location}/keyRings/m6-prod-data`;

/** Every data class of the tier, secrets replicated to two regions. */
const ALL_KEYS: KmsKeysArgs["keys"] = {
  firestore: { service: "firestore" },
  storage: { service: "storage" },
  secrets: { service: "secretmanager", locations: [SEOUL, TOKYO] },
  registry: { service: "artifactregistry" },
  redis: { service: "redis" },
  logs: { service: "logging" },
};

function args(overrides: Partial<KmsKeysArgs> = {}): KmsKeysArgs {
  return { ...commonArgs("prod"), keys: ALL_KEYS, ...overrides };
}

beforeAll(async () => {
  await installMocks();
});

describe("KmsKeys", () => {
  const built = recordOnce(() => new KmsKeys("kms", args()));

  it("creates one protected key ring per location, named once for the project", async () => {
    const { resources } = await built();
    const rings = resourcesOfType(resources, RING);
    expect(rings.map((r) => [r.inputs.location, r.inputs.name]).sort()).toEqual([
      [TOKYO, "m6-prod-data"],
      [SEOUL, "m6-prod-data"],
    ]);
    for (const r of rings) expect(r.protect).toBe(true);
  });

  it("creates a key per data class and location, rotating every 90 days, protected twice", async () => {
    const { resources } = await built();
    const keys = resourcesOfType(resources, KEY);
    expect(
      keys.map((k) => `${k.inputs.keyRing as string}/cryptoKeys/${k.inputs.name as string}`).sort(),
    ).toEqual([
      `${ring(TOKYO)}/cryptoKeys/secrets`,
      `${ring(SEOUL)}/cryptoKeys/firestore`,
      `${ring(SEOUL)}/cryptoKeys/logs`,
      `${ring(SEOUL)}/cryptoKeys/redis`,
      `${ring(SEOUL)}/cryptoKeys/registry`,
      `${ring(SEOUL)}/cryptoKeys/secrets`,
      `${ring(SEOUL)}/cryptoKeys/storage`,
    ]);
    for (const k of keys) {
      expectProps(k, {
        purpose: "ENCRYPT_DECRYPT",
        rotationPeriod: "7776000s",
        versionTemplate: { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", protectionLevel: "SOFTWARE" },
        deletionPolicy: "PREVENT",
        labels: { component: "kms", "data-class": k.inputs.name },
      });
      expect(k.protect).toBe(true);
    }
  });

  it("grants each service agent encrypt/decrypt on its own keys and nothing else", async () => {
    const { resources } = await built();
    const grants = resourcesOfType(resources, GRANT);
    const byKey = Object.fromEntries(
      grants.map((g) => [g.inputs.cryptoKeyId as string, g.inputs.member as string]),
    );
    expect(byKey).toEqual({
      [`${ring(SEOUL)}/cryptoKeys/firestore`]:
        "serviceAccount:service-000000000000@gcp-sa-firestore.iam.gserviceaccount.com",
      [`${ring(SEOUL)}/cryptoKeys/storage`]:
        "serviceAccount:service-000000000000@gs-project-accounts.iam.gserviceaccount.com",
      [`${ring(SEOUL)}/cryptoKeys/secrets`]:
        "serviceAccount:service-000000000000@gcp-sa-secretmanager.iam.gserviceaccount.com",
      [`${ring(TOKYO)}/cryptoKeys/secrets`]:
        "serviceAccount:service-000000000000@gcp-sa-secretmanager.iam.gserviceaccount.com",
      [`${ring(SEOUL)}/cryptoKeys/registry`]:
        "serviceAccount:service-000000000000@gcp-sa-artifactregistry.iam.gserviceaccount.com",
      [`${ring(SEOUL)}/cryptoKeys/redis`]:
        "serviceAccount:service-000000000000@cloud-redis.iam.gserviceaccount.com",
      [`${ring(SEOUL)}/cryptoKeys/logs`]:
        "serviceAccount:service-000000000000@gcp-sa-logging.iam.gserviceaccount.com",
    });
    expect(grants).toHaveLength(7);
    for (const g of grants) expect(g.inputs.role).toBe("roles/cloudkms.cryptoKeyEncrypterDecrypter");
    // No key-ring or project-level grant: a ring grant would open every key of the ring.
    expect(resources.filter((r) => /IAM(Member|Binding|Policy)/i.test(r.type) && r.type !== GRANT)).toEqual(
      [],
    );
  });

  it("creates the agents Google creates only on demand: service identities, one per API", async () => {
    const { resources } = await built();
    expect(
      resourcesOfType(resources, IDENTITY)
        .map((i) => i.inputs.service)
        .sort(),
    ).toEqual([
      "artifactregistry.googleapis.com",
      "firestore.googleapis.com",
      "redis.googleapis.com",
      "secretmanager.googleapis.com",
    ]);
  });

  it("makes every consumer-facing `ready` wait 2 minutes after its own grant", async () => {
    const { result, resources } = await built();
    const key = result.key("secrets", TOKYO);
    expect(await valueOf(key.kmsKeyName)).toBe(`${ring(TOKYO)}/cryptoKeys/secrets`);
    const grant = named(resources, GRANT, "kms-secrets-asia-northeast1-secretmanager-agent");
    const wait = named(resources, SLEEP, "kms-secrets-asia-northeast1-ready");
    expect(wait.inputs.createDuration).toBe("2m");
    expect(wait.dependencies).toContain(grant.urn);
    expect(await valueOf(key.ready.urn)).toBe(wait.urn);
    expect(await valueOf(key.grant.urn)).toBe(grant.urn);
  });

  it("reports key ids by data class and location, and refuses keys it does not have", async () => {
    const { result } = await built();
    const ids = await valueOf(result.keyIds);
    expect(ids.secrets).toEqual({
      [SEOUL]: `${ring(SEOUL)}/cryptoKeys/secrets`,
      [TOKYO]: `${ring(TOKYO)}/cryptoKeys/secrets`,
    });
    expect(Object.keys(ids).sort()).toEqual(["firestore", "logs", "redis", "registry", "secrets", "storage"]);
    expect(() => result.key("redis", TOKYO)).toThrow(/key "redis" has no version in "asia-northeast1"/);
    expect(() => result.key("bigquery")).toThrow(/no key "bigquery"/);
  });
});

describe("KmsKeys ordering", () => {
  it("creates a CMEK resource only after its key's grant has propagated", async () => {
    const { resources } = await record(() => {
      const kms = new KmsKeys("kms-order", args({ keys: { redis: { service: "redis" } } }));
      const key = kms.key("redis");
      return new gcp.redis.Instance(
        "order-cache",
        { memorySizeGb: 1, customerManagedKey: key.kmsKeyName },
        { dependsOn: [key.ready] },
      );
    });
    const instance = onlyOfType(resources, "gcp:redis/instance:Instance");
    const wait = onlyOfType(resources, SLEEP);
    const grant = onlyOfType(resources, GRANT);
    expect(instance.dependencies).toContain(wait.urn);
    expect(wait.dependencies).toContain(grant.urn);
  });

  it("waits for what the component depends on (the APIs) before agents, rings and keys", async () => {
    const { resources } = await record(() => {
      const api = new gcp.projects.Service("order-api", {
        project: PROJECT,
        service: "cloudkms.googleapis.com",
      });
      return new KmsKeys("kms-apis", args({ keys: { firestore: { service: "firestore" } } }), {
        dependsOn: [api],
      });
    });
    const api = onlyOfType(resources, "gcp:projects/service:Service");
    for (const type of [RING, KEY, IDENTITY, GRANT])
      expect(onlyOfType(resources, type).dependencies).toContain(api.urn);
  });
});

describe("KmsKeys options", () => {
  it("honours rotation, HSM and protect: false (deletable, still rotating)", async () => {
    const { resources } = await record(
      () =>
        new KmsKeys(
          "kms-opts",
          args({
            ringName: "cmek",
            keys: { firestore: { service: "firestore", rotationDays: 30, protectionLevel: "HSM" } },
            protect: false,
          }),
        ),
    );
    const key = onlyOfType(resources, KEY);
    expectProps(key, {
      keyRing: `projects/${PROJECT}/locations/${SEOUL}/keyRings/m6-prod-cmek`,
      rotationPeriod: "2592000s",
      versionTemplate: { protectionLevel: "HSM" },
      deletionPolicy: "DELETE",
    });
    expect(key.protect).toBe(false);
    expect(onlyOfType(resources, RING).protect).toBe(false);
  });

  it("grants another member on one key only, by intent", async () => {
    const { resources } = await record(() => {
      const kms = new KmsKeys("kms-extra", args({ keys: { storage: { service: "storage" } } }));
      kms.grantEncryptDecrypt("storage", SEOUL, "serviceAccount:bq@example.iam.gserviceaccount.com");
      expect(() => kms.grantEncryptDecrypt("storage", TOKYO, "serviceAccount:x@example.com")).toThrow(
        /has no version in "asia-northeast1"/,
      );
    });
    const extra = resourcesOfType(resources, GRANT).filter((g) =>
      g.name.startsWith("kms-extra-storage-asia-northeast3-use-"),
    );
    expect(extra).toHaveLength(1);
    expectProps(extra[0] as never, {
      cryptoKeyId: `${ring(SEOUL)}/cryptoKeys/storage`,
      role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      member: "serviceAccount:bq@example.iam.gserviceaccount.com",
    });
  });
});

describe("validateKmsKeysArgs", () => {
  it.each([
    [{ keys: {} }, /keys: got \{\}; at least one data class/],
    [{ keys: { Firestore: { service: "firestore" } } }, /keys\.Firestore: got "Firestore"/],
    [
      { keys: { db: { service: "bigquery" } } },
      /keys\.db\.service: got "bigquery"; one of firestore, storage/,
    ],
    [
      { keys: { db: { service: "firestore", rotationDays: 91 } } },
      /keys\.db\.rotationDays: got 91; an integer 1-90/,
    ],
    [{ keys: { db: { service: "firestore", rotationDays: 0 } } }, /keys\.db\.rotationDays: got 0/],
    [
      { keys: { db: { service: "firestore", locations: [] } } },
      /keys\.db\.locations: got \[\]; at least one location/,
    ],
    [
      { keys: { db: { service: "firestore", locations: ["Seoul"] } } },
      /keys\.db\.locations\[0\]: got "Seoul"/,
    ],
    [
      { keys: { db: { service: "firestore", locations: [SEOUL, SEOUL] } } },
      /keys\.db\.locations: got "asia-northeast3"; each location once/,
    ],
    [
      { keys: { db: { service: "firestore", protectionLevel: "EXTERNAL" as never } } },
      /protectionLevel: got "EXTERNAL"; SOFTWARE or HSM/,
    ],
    [{ ringName: "Data" }, /ringName: got "Data"/],
  ])("rejects %o", (bad, message) => {
    expect(() => validateKmsKeysArgs(args(bad as Partial<KmsKeysArgs>))).toThrow(message);
  });

  it("accepts multi-region locations (Firestore nam5 keys live in us)", () => {
    expect(() =>
      validateKmsKeysArgs(args({ keys: { firestore: { service: "firestore", locations: ["us"] } } })),
    ).not.toThrow();
  });

  it("creates nothing when invalid", async () => {
    const { resources } = await record(() => {
      expect(() => new KmsKeys("kms-bad", args({ keys: {} }))).toThrow(ValidationError);
    });
    expect(resources).toHaveLength(0);
  });
});
