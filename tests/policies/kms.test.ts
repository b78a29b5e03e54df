import { describe, expect, it } from "vitest";
import { kmsKeyRotation, kmsNoPublicAccess } from "../../policies/kms";
import { T } from "../../policies/lib/tokens";
import { mutate, res, UNSET } from "../fixtures/policies/build";
import { fixtures } from "../fixtures/policies/resources";
import { messagesOf } from "./harness";

describe("kms-key-rotation", () => {
  const p = kmsKeyRotation;
  const key = fixtures.cryptoKey;
  it("passes 90 days", () => expect(messagesOf(p, key())).toEqual([]));
  it("refuses a longer period and an unset one (never rotates)", () => {
    expect(messagesOf(p, mutate(key(), "rotationPeriod", "31536000s"))).toEqual([
      'KMS key "state" must rotate at least every 90 days; it rotates every 365 days',
    ]);
    expect(messagesOf(p, mutate(key(), "rotationPeriod", UNSET))).toEqual([
      'KMS key "state" must rotate at least every 90 days; rotationPeriod is unset, so the key never rotates',
    ]);
  });
  it("follows kmsRotationMaxDays, and skips asymmetric keys", () => {
    expect(messagesOf(p, key(), { config: { kmsRotationMaxDays: 30 } })).toEqual([
      'KMS key "state" must rotate at least every 30 days; it rotates every 90 days',
    ]);
    expect(
      messagesOf(p, mutate(mutate(key(), "purpose", "ASYMMETRIC_SIGN"), "rotationPeriod", UNSET)),
    ).toEqual([]);
  });
});

describe("kms-no-public-access", () => {
  const p = kmsNoPublicAccess;
  it("passes a service account and refuses allUsers on keys and key rings", () => {
    expect(messagesOf(p, fixtures.cryptoKeyIamMember())).toEqual([]);
    expect(messagesOf(p, mutate(fixtures.cryptoKeyIamMember(), "member", "allUsers"))).toEqual([
      'KMS key "state" must not grant roles/cloudkms.cryptoKeyEncrypterDecrypter to allUsers',
    ]);
    const ring = res(T.keyRingIamMember, "ring", {
      keyRingId: "projects/p/locations/l/keyRings/pulumi",
      role: "roles/cloudkms.viewer",
      member: "allAuthenticatedUsers",
    });
    expect(messagesOf(p, ring)).toEqual([
      'KMS key ring "pulumi" must not grant roles/cloudkms.viewer to allAuthenticatedUsers',
    ]);
  });
});
