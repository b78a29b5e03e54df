/** Cloud KMS: key rotation and public access. Key protection is checked by `stateful-resources-protected`. */
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import { configProperties, readConfig, schema } from "./lib/config";
import { inEnvironments } from "./lib/environment";
import { checkov, cis } from "./lib/frameworks";
import { grantTarget, KMS_GRANTS } from "./lib/grants";
import { grantsOf, isPublicMember } from "./lib/members";
import { resourcePolicy, type Module6Policy } from "./lib/policy";
import { T } from "./lib/tokens";
import { days, daysInSeconds, durationSeconds, q, read, rec, str, tryRead, UNKNOWN } from "./lib/values";

type CryptoKey = Unwrap<gcp.kms.CryptoKeyArgs>;

/**
 * The shortest rotation period Cloud KMS accepts: one day ("It must be greater than a day (ie, 86400)",
 * `rotationPeriod` in node_modules/@pulumi/gcp/kms/cryptoKey.d.ts).
 */
export const MIN_ROTATION_SECONDS = daysInSeconds(1);

export const kmsKeyRotation = resourcePolicy<CryptoKey>(
  {
    name: "kms-key-rotation",
    domain: "kms",
    description:
      "Checks that a symmetric encryption key (purpose ENCRYPT_DECRYPT, the default) rotates at least every kmsRotationMaxDays days (default 90) and not more often than once a day (Cloud KMS's minimum, 86400s), with rotationPeriod in Google's `<seconds>s` form. Unset rotationPeriod never rotates the key; asymmetric keys cannot rotate automatically and are not checked.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: 'Set `rotationPeriod: "7776000s"` (90 days) or shorter, and at least `"86400s"`.',
    framework: cis("1.10", "Ensure KMS Encryption Keys Are Rotated Within a Period of 90 Days"),
    otherIds: ["CKV_GCP_43", "AVD-GCP-0065"],
    configSchema: schema({ kmsRotationMaxDays: configProperties.kmsRotationMaxDays }),
    types: [T.cryptoKey],
  },
  (key, args, report) => {
    if ((key.purpose ?? "ENCRYPT_DECRYPT") !== "ENCRYPT_DECRYPT") return;
    const { kmsRotationMaxDays } = readConfig(args, { kmsRotationMaxDays: 90 });
    const name = q(key.name ?? args.name);
    const period = read(() => key.rotationPeriod);
    if (period === UNKNOWN) return; // computed at preview
    const must = `must rotate at least every ${kmsRotationMaxDays} days`;
    const seconds = durationSeconds(period);
    if (period === undefined || period === "") {
      report(`KMS key ${name} ${must}; rotationPeriod is unset, so the key never rotates`);
    } else if (seconds === undefined) {
      report(`KMS key ${name} ${must}; rotationPeriod is ${q(period)}, not a duration such as "7776000s"`);
    } else if (seconds > daysInSeconds(kmsRotationMaxDays)) {
      report(`KMS key ${name} ${must}; it rotates every ${days(seconds)} days`);
    } else if (seconds < MIN_ROTATION_SECONDS) {
      report(
        `KMS key ${name} must rotate at most once a day (rotationPeriod at least "86400s", Cloud KMS's minimum); rotationPeriod is ${q(period)}`,
      );
    }
  },
);

export const kmsNoPublicAccess = resourcePolicy(
  {
    name: "kms-no-public-access",
    domain: "kms",
    description:
      "Checks that no KMS key or key ring IAM member, binding or policy (policy documents parsed) grants anything to allUsers or allAuthenticatedUsers.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Grant encrypter/decrypter roles on the key to the service accounts (or service agents) that use it.",
    framework: cis("1.9", "Ensure That Cloud KMS Cryptokeys Are Not Anonymously or Publicly Accessible"),
    otherIds: ["CKV_GCP_112", "CKV2_GCP_6", "CKV2_GCP_8"],
    types: KMS_GRANTS,
  },
  (_grant, args, report) => {
    for (const g of grantsOf(args.props)) {
      for (const member of g.members.filter(isPublicMember)) {
        report(`${grantTarget(args.type, args.props, args.name)} must not grant ${g.role} to ${member}`);
      }
    }
  },
);

/** Where each data store names its customer-managed key. */
const CMEK_FIELD: Readonly<
  Record<string, { what: string; path: string; read: (p: Record<string, unknown>) => unknown }>
> = {
  [T.repository]: { what: "Artifact Registry repository", path: "kmsKeyName", read: (p) => p.kmsKeyName },
  [T.bucket]: {
    what: "Bucket",
    path: "encryption.defaultKmsKeyName",
    read: (p) => rec(p.encryption).defaultKmsKeyName,
  },
  [T.firestoreDatabase]: {
    what: "Firestore database",
    path: "cmekConfig.kmsKeyName",
    read: (p) => rec(p.cmekConfig).kmsKeyName,
  },
};
const NAME_FIELDS = ["repositoryId", "name"] as const;

export const cmekEncryption = resourcePolicy(
  {
    name: "cmek-encryption",
    domain: "kms",
    description:
      "Checks that Artifact Registry repositories, buckets and Firestore databases in the environments a stack opts into (policy config `environments`, default none; e.g. prod) are encrypted with a customer-managed Cloud KMS key (kmsKeyName, encryption.defaultKmsKeyName, cmekConfig.kmsKeyName). Unset, Google encrypts with a Google-managed key that the project cannot rotate, disable or revoke. Advisory; a stack that requires CMEK sets this policy's enforcementLevel to mandatory.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Create a key ring and keys in the resource's region, grant each service agent roles/cloudkms.cryptoKeyEncrypterDecrypter on its key, and set the key on the repository (kmsKeyName), bucket (encryption.defaultKmsKeyName) or database (cmekConfig.kmsKeyName) when it is created.",
    framework: checkov(
      "CKV_GCP_84",
      "Ensure Artifact Registry Repositories are encrypted with Customer Supplied Encryption Keys (CSEK)",
    ),
    otherIds: ["AVD-GCP-0066"],
    configSchema: schema({ environments: configProperties.environments([]) }),
    types: [T.repository, T.bucket, T.firestoreDatabase],
  },
  (props, args, report) => {
    const { environments } = readConfig(args, { environments: [] as string[] });
    if (environments.length === 0 || !inEnvironments(args, args.stackTags, environments)) return;
    const field = CMEK_FIELD[args.type];
    if (!field) return;
    const key = read(() => field.read(props));
    if (key === UNKNOWN || (typeof key === "string" && key !== "")) return; // computed at preview: set
    const name =
      NAME_FIELDS.map((f) => str(tryRead(() => props[f]))).find((v) => v !== undefined) ?? args.name;
    report(
      `${field.what} ${q(name)} must be encrypted with a customer-managed key (${field.path}); it is unset, so Google manages the key`,
    );
  },
);

export const kmsPolicies: readonly Module6Policy[] = [kmsKeyRotation, kmsNoPublicAccess, cmekEncryption];
