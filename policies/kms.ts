/** Cloud KMS: key rotation and public access. Key protection is checked by `stateful-resources-protected`. */
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import { configProperties, readConfig, schema } from "./lib/config";
import { cis } from "./lib/frameworks";
import { grantsOf, isPublicMember } from "./lib/members";
import { resourcePolicy, type Module6Policy } from "./lib/policy";
import { T } from "./lib/tokens";
import { days, durationSeconds, lastSegment, q, str, tryRead } from "./lib/values";

type CryptoKey = Unwrap<gcp.kms.CryptoKeyArgs>;

export const kmsKeyRotation = resourcePolicy<CryptoKey>(
  {
    name: "kms-key-rotation",
    domain: "kms",
    description:
      "Checks that a symmetric encryption key (purpose ENCRYPT_DECRYPT, the default) rotates at least every kmsRotationMaxDays days (default 90). Unset rotationPeriod never rotates the key.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: 'Set `rotationPeriod: "7776000s"` (90 days) or shorter.',
    framework: cis("1.10", "Ensure KMS Encryption Keys Are Rotated Within a Period of 90 Days"),
    otherIds: ["CKV_GCP_43", "AVD-GCP-0065"],
    configSchema: schema({ kmsRotationMaxDays: configProperties.kmsRotationMaxDays }),
    types: [T.cryptoKey],
  },
  (key, args, report) => {
    if ((key.purpose ?? "ENCRYPT_DECRYPT") !== "ENCRYPT_DECRYPT") return;
    const { kmsRotationMaxDays } = readConfig(args, { kmsRotationMaxDays: 90 });
    const name = q(key.name ?? args.name);
    const seconds = durationSeconds(key.rotationPeriod);
    if (seconds === undefined) {
      report(
        `KMS key ${name} must rotate at least every ${kmsRotationMaxDays} days; rotationPeriod is unset, so the key never rotates`,
      );
    } else if (seconds > kmsRotationMaxDays * 86_400) {
      report(
        `KMS key ${name} must rotate at least every ${kmsRotationMaxDays} days; it rotates every ${days(seconds)} days`,
      );
    }
  },
);

export const kmsNoPublicAccess = resourcePolicy<{ cryptoKeyId?: string; keyRingId?: string }>(
  {
    name: "kms-no-public-access",
    domain: "kms",
    description:
      "Checks that no KMS key or key ring IAM member or binding grants anything to allUsers or allAuthenticatedUsers.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Grant encrypter/decrypter roles on the key to the service accounts (or service agents) that use it.",
    framework: cis("1.9", "Ensure That Cloud KMS Cryptokeys Are Not Anonymously or Publicly Accessible"),
    otherIds: ["CKV2_GCP_6", "CKV2_GCP_8", "CKV_GCP_112"],
    types: [T.cryptoKeyIamMember, T.cryptoKeyIamBinding, T.keyRingIamMember, T.keyRingIamBinding],
  },
  (grant, args, report) => {
    const key = str(tryRead(() => grant.cryptoKeyId));
    const target = key ?? str(tryRead(() => grant.keyRingId)) ?? args.name;
    const kind =
      args.type === T.cryptoKeyIamMember || args.type === T.cryptoKeyIamBinding ? "KMS key" : "KMS key ring";
    for (const g of grantsOf(args.props)) {
      for (const member of g.members.filter(isPublicMember)) {
        report(`${kind} ${q(lastSegment(target))} must not grant ${g.role} to ${member}`);
      }
    }
  },
);

export const kmsPolicies: readonly Module6Policy[] = [kmsKeyRotation, kmsNoPublicAccess];
