/**
 * Cloud KMS: key rotation, public access, crypto roles only on keys, and customer-managed encryption of
 * data stores (set, and granted to the service agent before the store is created). Key protection is
 * checked by `stateful-resources-protected`.
 */
import type * as gcp from "@pulumi/gcp";
import type { PolicyResource } from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";
import { configProperties, readConfig, schema } from "./lib/config";
import { inEnvironments } from "./lib/environment";
import { checkov, cis } from "./lib/frameworks";
import { grantTarget, HIERARCHY_GRANTS, KMS_GRANTS } from "./lib/grants";
import { grantsOf, isPublicMember } from "./lib/members";
import { resourcePolicy, stackPolicy, type Module6Policy } from "./lib/policy";
import { displayName, referenced, StackResources } from "./lib/stack";
import { T } from "./lib/tokens";
import {
  days,
  daysInSeconds,
  durationSeconds,
  q,
  read,
  rec,
  records,
  str,
  tryRead,
  UNKNOWN,
} from "./lib/values";

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

/**
 * Where each data store names its customer-managed key: `keys(props)` lists the key fields that must be
 * set, each with its value (a secret with user-managed replication has one per replica).
 */
interface CmekField {
  readonly what: string;
  readonly path: string;
  readonly keys: (p: Record<string, unknown>) => { readonly where?: string; readonly value: unknown }[];
}
const one = (value: unknown): { value: unknown }[] => [{ value }];

export const CMEK_FIELDS: Readonly<Record<string, CmekField>> = {
  [T.repository]: {
    what: "Artifact Registry repository",
    path: "kmsKeyName",
    keys: (p) => one(p.kmsKeyName),
  },
  [T.bucket]: {
    what: "Bucket",
    path: "encryption.defaultKmsKeyName",
    keys: (p) => one(rec(p.encryption).defaultKmsKeyName),
  },
  [T.firestoreDatabase]: {
    what: "Firestore database",
    path: "cmekConfig.kmsKeyName",
    keys: (p) => one(rec(p.cmekConfig).kmsKeyName),
  },
  [T.redis]: { what: "Redis instance", path: "customerManagedKey", keys: (p) => one(p.customerManagedKey) },
  [T.logBucket]: {
    what: "Log bucket",
    path: "cmekSettings.kmsKeyName",
    keys: (p) => one(rec(p.cmekSettings).kmsKeyName),
  },
  // A secret with user-managed replication names a key per replica (`replicas[].customerManagedEncryption`,
  // node_modules/@pulumi/gcp/types/input.d.ts); automatic replication takes one key.
  [T.smSecret]: {
    what: "Secret",
    path: "replication.userManaged.replicas[].customerManagedEncryption.kmsKeyName",
    keys: (p) => {
      const replication = rec(p.replication);
      if (replication.auto !== undefined)
        return one(rec(rec(replication.auto).customerManagedEncryption).kmsKeyName);
      return records(rec(replication.userManaged).replicas).map((r) => ({
        where: str(r.location) ?? "a replica",
        value: rec(r.customerManagedEncryption).kmsKeyName,
      }));
    },
  },
};
const NAME_FIELDS = ["repositoryId", "secretId", "bucketId", "name"] as const;

export const cmekEncryption = resourcePolicy(
  {
    name: "cmek-encryption",
    domain: "kms",
    description:
      "Checks that Artifact Registry repositories, buckets, Firestore databases, Redis instances, log buckets and secrets in the environments a stack opts into (policy config `environments`, default none; e.g. prod) are encrypted with a customer-managed Cloud KMS key (kmsKeyName, encryption.defaultKmsKeyName, cmekConfig.kmsKeyName, customerManagedKey, cmekSettings.kmsKeyName, and for a secret each user-managed replica's customerManagedEncryption.kmsKeyName, or the automatic replication's). Unset, Google encrypts with a Google-managed key that the project cannot rotate, disable or revoke. Advisory; a stack that requires CMEK sets this policy's enforcementLevel to mandatory.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Create the keys with the KmsKeys component (a key per data class in the data's location, granted to the service agent), and set the key on the repository (kmsKeyName), bucket (encryption.defaultKmsKeyName), database (cmekConfig.kmsKeyName), Redis instance (customerManagedKey), log bucket (cmekSettings.kmsKeyName) or each secret replica (customerManagedEncryption.kmsKeyName). Firestore, Redis and Artifact Registry take a key only when they are created.",
    framework: checkov(
      "CKV_GCP_84",
      "Ensure Artifact Registry Repositories are encrypted with Customer Supplied Encryption Keys (CSEK)",
    ),
    otherIds: ["AVD-GCP-0066"],
    configSchema: schema({ environments: configProperties.environments([]) }),
    types: [T.repository, T.bucket, T.firestoreDatabase, T.redis, T.logBucket, T.smSecret],
  },
  (props, args, report) => {
    const { environments } = readConfig(args, { environments: [] as string[] });
    if (environments.length === 0 || !inEnvironments(args, args.stackTags, environments)) return;
    const field = CMEK_FIELDS[args.type];
    if (!field) return;
    const keys = read(() => field.keys(props));
    if (keys === UNKNOWN) return;
    // A key computed at preview (a key of the same stack) is set.
    const missing = keys.filter((k) => {
      const value = read(() => k.value);
      return value !== UNKNOWN && !(typeof value === "string" && value !== "");
    });
    if (missing.length === 0 && keys.length > 0) return;
    const name =
      NAME_FIELDS.map((f) => str(tryRead(() => props[f]))).find((v) => v !== undefined) ?? args.name;
    const where = missing.flatMap((k) => (k.where !== undefined ? [k.where] : []));
    report(
      where.length > 0
        ? `${field.what} ${q(name)} must be encrypted with a customer-managed key (${field.path}); replicas without one: ${where.join(", ")}`
        : `${field.what} ${q(name)} must be encrypted with a customer-managed key (${field.path}); it is unset, so Google manages the key`,
    );
  },
);

/** Roles that encrypt or decrypt with every key below where they are granted. */
export const KMS_CRYPTO_ROLES = [
  "roles/cloudkms.cryptoKeyEncrypterDecrypter",
  "roles/cloudkms.cryptoKeyEncrypter",
  "roles/cloudkms.cryptoKeyDecrypter",
];

export const kmsCryptoRolesOnKeys = resourcePolicy(
  {
    name: "kms-crypto-roles-on-keys",
    domain: "kms",
    description:
      "Checks that no one gets a Cloud KMS encrypt or decrypt role (cryptoKeyEncrypterDecrypter, cryptoKeyEncrypter, cryptoKeyDecrypter) at project, folder or organization level, which opens every key below it to every data class; each service agent is granted on its own key.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant the role on the one key (gcp.kms.CryptoKeyIAMMember, `KmsKeys` does it for each service agent).",
    types: HIERARCHY_GRANTS,
  },
  (_grant, args, report) => {
    for (const g of grantsOf(args.props).filter((x) => KMS_CRYPTO_ROLES.includes(x.role))) {
      report(
        `IAM grant on ${grantTarget(args.type, args.props, args.name)} must not give ${g.role} (members: ${g.members.join(", ") || "none"}); grant it on each key`,
      );
    }
  },
);

/** The resources that `from` depends on, directly or through other resources. */
function transitiveDependencies(
  from: PolicyResource,
  byUrn: ReadonlyMap<string, PolicyResource>,
): Set<PolicyResource> {
  const seen = new Set<PolicyResource>();
  const queue = [from];
  while (queue.length > 0) {
    const r = queue.pop() as PolicyResource;
    const next = [...r.dependencies, ...Object.values(r.propertyDependencies).flat()];
    for (const d of next) {
      const target = byUrn.get(d.urn) ?? d;
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}

export const cmekGrantBeforeUse = stackPolicy(
  {
    name: "cmek-grant-before-use",
    domain: "kms",
    description:
      "Checks that every data store encrypted with a key of this stack (the cmek-encryption fields) is created after a grant of an encrypt/decrypt role on that key (a dependency, direct or through other resources such as a propagation wait): Google checks the service agent's access when the store is created, so a store created in parallel with its grant fails, and Firestore, Redis and Artifact Registry cannot take the key later.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      "Create the store with `dependsOn: [key.ready]` (`KmsKeys.key(name, location)`), or dependsOn the CryptoKeyIAMMember that grants the key to the service agent.",
  },
  (args, report) => {
    const stack = new StackResources(args.resources);
    const keys = stack.ofType(T.cryptoKey);
    if (keys.length === 0) return;
    const grants = stack.ofType(T.cryptoKeyIamMember, T.cryptoKeyIamBinding, T.cryptoKeyIamPolicy);
    const byUrn = new Map(args.resources.map((r) => [r.urn, r]));
    for (const [type, field] of Object.entries(CMEK_FIELDS)) {
      for (const store of stack.ofType(type)) {
        const used = referenced(store, cmekProperty(type), keys);
        if (used.length === 0) continue;
        const before = transitiveDependencies(store, byUrn);
        for (const key of used) {
          const granted = grants.some(
            (g) =>
              before.has(g) &&
              referenced(g, "cryptoKeyId", [key]).length > 0 &&
              // The agent both encrypts and decrypts: cryptoKeyEncrypterDecrypter.
              grantsOf(g.props).some((x) => x.role === KMS_CRYPTO_ROLES[0]),
          );
          if (!granted) {
            report(
              `${field.what} ${q(displayName(store))} must be created after its key ${q(displayName(key))} is granted to the service agent (dependsOn the grant or its propagation wait)`,
              store.urn,
            );
          }
        }
      }
    }
  },
);

/** The top-level property that holds a store's key (what property dependencies are recorded under). */
function cmekProperty(type: string): string {
  return (CMEK_FIELDS[type]?.path ?? "").split(/[.[]/)[0] ?? "";
}

export const kmsPolicies: readonly Module6Policy[] = [
  kmsKeyRotation,
  kmsNoPublicAccess,
  cmekEncryption,
  kmsCryptoRolesOnKeys,
  cmekGrantBeforeUse,
];
