import { describe, expect, it } from "vitest";
import {
  cmekEncryption,
  cmekGrantBeforeUse,
  kmsCryptoRolesOnKeys,
  kmsKeyRotation,
  kmsNoPublicAccess,
} from "../../policies/kms";
import { T } from "../../policies/lib/tokens";
import { mutate, res, UNSET, withOptions } from "../fixtures/policies/build";
import { UNKNOWN_PLACEHOLDER } from "../../plan/record";
import { fixtures } from "../fixtures/policies/resources";
import { checkStack, messagesOf, stackMessages } from "./harness";

describe("kms-key-rotation", () => {
  const p = kmsKeyRotation;
  const key = fixtures.cryptoKey;
  it("passes 90 days and one day (the bounds)", async () => {
    expect(await messagesOf(p, key())).toEqual([]);
    expect(await messagesOf(p, mutate(key(), "rotationPeriod", "86400s"))).toEqual([]);
  });
  it("refuses a longer period, an unset one (never rotates) and one that is not a duration", async () => {
    expect(await messagesOf(p, mutate(key(), "rotationPeriod", "31536000s"))).toEqual([
      'KMS key "state" must rotate at least every 90 days; it rotates every 365 days',
    ]);
    expect(await messagesOf(p, mutate(key(), "rotationPeriod", UNSET))).toEqual([
      'KMS key "state" must rotate at least every 90 days; rotationPeriod is unset, so the key never rotates',
    ]);
    expect(await messagesOf(p, mutate(key(), "rotationPeriod", "90"))).toEqual([
      'KMS key "state" must rotate at least every 90 days; rotationPeriod is "90", not a duration such as "7776000s"',
    ]);
  });
  it("refuses a period under a day, Cloud KMS's minimum", async () => {
    expect(await messagesOf(p, mutate(key(), "rotationPeriod", "3600s"))).toEqual([
      'KMS key "state" must rotate at most once a day (rotationPeriod at least "86400s", Cloud KMS\'s minimum); rotationPeriod is "3600s"',
    ]);
    expect(await messagesOf(p, mutate(key(), "rotationPeriod", "86399s"))).toHaveLength(1);
  });
  it("follows kmsRotationMaxDays, skips asymmetric keys, and does not judge a computed period", async () => {
    expect(await messagesOf(p, key(), { config: { kmsRotationMaxDays: 30 } })).toEqual([
      'KMS key "state" must rotate at least every 30 days; it rotates every 90 days',
    ]);
    expect(
      await messagesOf(p, mutate(mutate(key(), "purpose", "ASYMMETRIC_SIGN"), "rotationPeriod", UNSET)),
    ).toEqual([]);
    const computed = mutate(key(), "rotationPeriod", UNKNOWN_PLACEHOLDER);
    expect(await messagesOf(p, computed, { preview: true })).toEqual([]);
  });
});

describe("kms-no-public-access", () => {
  const p = kmsNoPublicAccess;
  it("passes a service account and refuses allUsers on keys and key rings", async () => {
    expect(await messagesOf(p, fixtures.cryptoKeyIamMember())).toEqual([]);
    expect(await messagesOf(p, mutate(fixtures.cryptoKeyIamMember(), "member", "allUsers"))).toEqual([
      'KMS key "state" must not grant roles/cloudkms.cryptoKeyEncrypterDecrypter to allUsers',
    ]);
    const ring = res(T.keyRingIamMember, "ring", {
      keyRingId: "projects/p/locations/l/keyRings/pulumi",
      role: "roles/cloudkms.viewer",
      member: "allAuthenticatedUsers",
    });
    expect(await messagesOf(p, ring)).toEqual([
      'KMS key ring "pulumi" must not grant roles/cloudkms.viewer to allAuthenticatedUsers',
    ]);
  });
  it("parses key and key ring IAM policies", async () => {
    const doc = JSON.stringify({
      bindings: [
        { role: "roles/cloudkms.admin", members: ["user:jane@example.com"] },
        { role: "roles/cloudkms.cryptoKeyDecrypter", members: ["allAuthenticatedUsers"] },
      ],
    });
    expect(
      await messagesOf(
        p,
        res(T.cryptoKeyIamPolicy, "k", {
          cryptoKeyId: "projects/p/locations/l/keyRings/r/cryptoKeys/state",
          policyData: doc,
        }),
      ),
    ).toEqual(['KMS key "state" must not grant roles/cloudkms.cryptoKeyDecrypter to allAuthenticatedUsers']);
    expect(
      await messagesOf(
        p,
        res(T.keyRingIamPolicy, "r", { keyRingId: "projects/p/locations/l/keyRings/r", policyData: doc }),
      ),
    ).toHaveLength(1);
    expect(
      await messagesOf(p, res(T.cryptoKeyIamPolicy, "x", { cryptoKeyId: "k", policyData: '    "bindings"' })),
    ).toEqual([]);
  });
});

describe("cmek-encryption", () => {
  const p = cmekEncryption;
  const optIn = { config: { environments: ["prod"] } };
  it("checks nothing unless the stack opts in", async () => {
    expect(await messagesOf(p, fixtures.repository())).toEqual([]);
    expect(await messagesOf(p, fixtures.bucket())).toEqual([]);
  });
  it("wants a customer-managed key on repositories, buckets and databases in the opted-in environments", async () => {
    expect(await messagesOf(p, fixtures.repository(), optIn)).toEqual([
      'Artifact Registry repository "m6-prod-containers" must be encrypted with a customer-managed key (kmsKeyName); it is unset, so Google manages the key',
    ]);
    expect(await messagesOf(p, fixtures.bucket(), optIn)).toEqual([
      'Bucket "m6-prod-static-44fb1062" must be encrypted with a customer-managed key (encryption.defaultKmsKeyName); it is unset, so Google manages the key',
    ]);
    expect(await messagesOf(p, fixtures.firestoreDatabase(), optIn)).toEqual([
      'Firestore database "m6-prod-main" must be encrypted with a customer-managed key (cmekConfig.kmsKeyName); it is unset, so Google manages the key',
    ]);
  });
  it("passes keyed resources and other environments", async () => {
    const key = "projects/p/locations/asia-northeast3/keyRings/r/cryptoKeys/k";
    expect(await messagesOf(p, mutate(fixtures.repository(), "kmsKeyName", key), optIn)).toEqual([]);
    expect(
      await messagesOf(p, mutate(fixtures.bucket(), "encryption", { defaultKmsKeyName: key }), optIn),
    ).toEqual([]);
    expect(
      await messagesOf(p, mutate(fixtures.firestoreDatabase(), "cmekConfig", { kmsKeyName: key }), optIn),
    ).toEqual([]);
    expect(
      await messagesOf(p, mutate(fixtures.repository(), "labels.env", "staging"), {
        ...optIn,
        env: "staging",
      }),
    ).toEqual([]);
  });
});

describe("cmek-encryption on the data tier", () => {
  const p = cmekEncryption;
  const optIn = { config: { environments: ["prod"] } };
  const key = (l = "asia-northeast3") => `projects/p/locations/${l}/keyRings/m6-prod-data/cryptoKeys/k`;
  it("wants a key on Redis instances and log buckets", async () => {
    expect(await messagesOf(p, fixtures.redis(), optIn)).toEqual([
      'Redis instance "m6-prod-cache" must be encrypted with a customer-managed key (customerManagedKey); it is unset, so Google manages the key',
    ]);
    expect(await messagesOf(p, mutate(fixtures.redis(), "customerManagedKey", key()), optIn)).toEqual([]);
    expect(await messagesOf(p, fixtures.logBucket(), optIn)).toEqual([
      'Log bucket "m6-prod-app-logs" must be encrypted with a customer-managed key (cmekSettings.kmsKeyName); it is unset, so Google manages the key',
    ]);
    expect(
      await messagesOf(p, mutate(fixtures.logBucket(), "cmekSettings", { kmsKeyName: key() }), optIn),
    ).toEqual([]);
  });
  it("wants a key in every replica of a secret, and names the replicas without one", async () => {
    expect(await messagesOf(p, fixtures.secret(), optIn)).toEqual([
      'Secret "m6-prod-session-key" must be encrypted with a customer-managed key (replication.userManaged.replicas[].customerManagedEncryption.kmsKeyName); replicas without one: asia-northeast3, asia-northeast1',
    ]);
    const oneKeyed = mutate(fixtures.secret(), "replication.userManaged.replicas", [
      { location: "asia-northeast3", customerManagedEncryption: { kmsKeyName: key() } },
      { location: "asia-northeast1" },
    ]);
    expect(await messagesOf(p, oneKeyed, optIn)).toEqual([
      'Secret "m6-prod-session-key" must be encrypted with a customer-managed key (replication.userManaged.replicas[].customerManagedEncryption.kmsKeyName); replicas without one: asia-northeast1',
    ]);
    const bothKeyed = mutate(fixtures.secret(), "replication.userManaged.replicas", [
      { location: "asia-northeast3", customerManagedEncryption: { kmsKeyName: key() } },
      { location: "asia-northeast1", customerManagedEncryption: { kmsKeyName: key("asia-northeast1") } },
    ]);
    expect(await messagesOf(p, bothKeyed, optIn)).toEqual([]);
    expect(
      await messagesOf(
        p,
        mutate(fixtures.secret(), "replication", {
          auto: { customerManagedEncryption: { kmsKeyName: key() } },
        }),
        optIn,
      ),
    ).toEqual([]);
  });
  it("treats a key computed at preview as set, and checks nothing without the opt-in", async () => {
    expect(
      await messagesOf(p, mutate(fixtures.redis(), "customerManagedKey", UNKNOWN_PLACEHOLDER), {
        ...optIn,
        preview: true,
      }),
    ).toEqual([]);
    expect(await messagesOf(p, fixtures.secret())).toEqual([]);
  });
});

describe("kms-crypto-roles-on-keys", () => {
  const p = kmsCryptoRolesOnKeys;
  it("passes other project roles and refuses encrypt/decrypt roles above the key", async () => {
    expect(await messagesOf(p, fixtures.projectIamMember())).toEqual([]);
    expect(
      await messagesOf(
        p,
        mutate(fixtures.projectIamMember(), "role", "roles/cloudkms.cryptoKeyEncrypterDecrypter"),
      ),
    ).toEqual([
      'IAM grant on project "module6-test-000000" must not give roles/cloudkms.cryptoKeyEncrypterDecrypter (members: serviceAccount:m6-prod-api@module6-test-000000.iam.gserviceaccount.com); grant it on each key',
    ]);
    expect(
      await messagesOf(p, mutate(fixtures.projectIamMember(), "role", "roles/cloudkms.cryptoKeyDecrypter")),
    ).toHaveLength(1);
  });
  it("is not applicable to grants on a key", async () => {
    await expect(messagesOf(p, fixtures.cryptoKeyIamMember())).rejects.toThrow(/not applicable/);
  });
});

describe("cmek-grant-before-use (stack)", () => {
  const p = cmekGrantBeforeUse;
  const KEY_ID = `projects/${"module6-test-000000"}/locations/asia-northeast3/keyRings/pulumi/cryptoKeys/state`;
  const keyed = () => mutate(fixtures.redis(), "customerManagedKey", KEY_ID);
  const grant = fixtures.cryptoKeyIamMember;
  const wait = () => res("time:index/sleep:Sleep", "state-key-ready", { createDuration: "2m" });
  it("passes a store created after its key's grant, directly or through a wait", async () => {
    const direct = withOptions(keyed(), { dependencies: [grant().urn] });
    expect(await stackMessages(p, [fixtures.cryptoKey(), grant(), direct])).toEqual([]);
    const viaWait = withOptions(keyed(), { dependencies: [wait().urn] });
    const waited = withOptions(wait(), { dependencies: [grant().urn] });
    expect(await stackMessages(p, [fixtures.cryptoKey(), grant(), waited, viaWait])).toEqual([]);
  });
  it("refuses a store created in parallel with its key's grant", async () => {
    const store = keyed();
    expect(await checkStack(p, [fixtures.cryptoKey(), grant(), store])).toEqual([
      {
        urn: store.urn,
        message:
          'Redis instance "m6-prod-cache" must be created after its key "state" is granted to the service agent (dependsOn the grant or its propagation wait)',
      },
    ]);
  });
  it("refuses when the earlier grant is on another key or of another role", async () => {
    const other = mutate(grant(), "cryptoKeyId", `${KEY_ID}-other`);
    expect(
      await stackMessages(p, [
        fixtures.cryptoKey(),
        other,
        withOptions(keyed(), { dependencies: [other.urn] }),
      ]),
    ).toHaveLength(1);
    const viewer = mutate(grant(), "role", "roles/cloudkms.viewer");
    expect(
      await stackMessages(p, [
        fixtures.cryptoKey(),
        viewer,
        withOptions(keyed(), { dependencies: [viewer.urn] }),
      ]),
    ).toHaveLength(1);
  });
  it("leaves keys from outside the stack alone", async () => {
    expect(await stackMessages(p, [keyed()])).toEqual([]);
  });
});
