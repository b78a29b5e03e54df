import { describe, expect, it } from "vitest";
import { cmekEncryption, kmsKeyRotation, kmsNoPublicAccess } from "../../policies/kms";
import { T } from "../../policies/lib/tokens";
import { mutate, res, UNSET } from "../fixtures/policies/build";
import { UNKNOWN_PLACEHOLDER } from "../../plan/record";
import { fixtures } from "../fixtures/policies/resources";
import { messagesOf } from "./harness";

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
