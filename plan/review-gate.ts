/**
 * The data-loss gate: deleting or replacing (or possibly replacing) a protected or stateful resource
 * fails the change review unless it is acknowledged with `--allow-replace <urn-or-logical-name>`.
 * A replace deletes the old resource (before or after creating the new one): its data goes with it.
 * Pulumi itself refuses to delete or replace a protected resource (the deployment fails half-way); the
 * gate says so before merge.
 */
import type { ResourceDiff } from "./review-compare";

/** What a deletion of each stateful type loses. */
const DATA_AT_RISK: Readonly<Record<string, string>> = {
  "gcp:firestore/database:Database":
    "every document of the Firestore database (and its point-in-time recovery)",
  "gcp:storage/bucket:Bucket": "every object in the bucket",
  "gcp:secretmanager/secret:Secret": "every version of the secret",
  "gcp:kms/cryptoKey:CryptoKey": "the key's versions: data encrypted with them can no longer be decrypted",
  "gcp:kms/keyRing:KeyRing":
    "the key ring's keys (a key ring cannot be deleted in Google Cloud: it is orphaned)",
  "gcp:logging/projectBucketConfig:ProjectBucketConfig": "the log entries kept in the log bucket",
  "gcp:logging/folderBucketConfig:FolderBucketConfig": "the log entries kept in the log bucket",
  "gcp:logging/organizationBucketConfig:OrganizationBucketConfig": "the log entries kept in the log bucket",
  "gcp:logging/billingAccountBucketConfig:BillingAccountBucketConfig":
    "the log entries kept in the log bucket",
  // A cache, refilled from Firestore, but a replace also empties an RDB-persisted prod instance and is
  // the only way to change its key, tier or network (customerManagedKey, tier, authorizedNetwork,
  // transitEncryptionMode force a new instance: plan/diff/replacement-table.json).
  "gcp:redis/instance:Instance": "every key in the Redis instance (and its RDB snapshots)",
  "gcp:artifactregistry/repository:Repository":
    "every image in the repository (and with them the releases to roll back to)",
};

/**
 * What a repository that stores nothing of its own loses, by `mode`: a remote repository is a cache of its
 * upstream (https://cloud.google.com/artifact-registry/docs/repositories/remote-overview), a virtual one
 * only routes to other repositories (https://cloud.google.com/artifact-registry/docs/repositories/virtual-overview).
 */
const REPOSITORY_MODES: Readonly<Record<string, string>> = {
  REMOTE_REPOSITORY:
    "the cached copies of the upstream's images (pulled from the upstream again on the next request, while it still has them)",
  VIRTUAL_REPOSITORY: "nothing stored: a virtual repository only routes to the repositories behind it",
};

/** The base's inputs of a resource (what is deployed, so what is at risk); undefined when unknown. */
export type BaseInputs = (
  d: Pick<ResourceDiff, "urn" | "baseUrn">,
) => Readonly<Record<string, unknown>> | undefined;

/** `BaseInputs` over a base plan's resources. */
export function baseInputsOf(
  base: readonly { readonly urn: string; readonly inputs?: Readonly<Record<string, unknown>> }[],
): BaseInputs {
  const byUrn = new Map(base.map((r) => [r.urn, r.inputs]));
  return (d) => byUrn.get(d.baseUrn ?? d.urn);
}

/** The audit archive (components/audit-logging.ts): a bucket whose loss breaks the audit trail. */
const AUDIT_ARCHIVE = /(^|-)archive$/;

export interface GateFinding {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  readonly op: "delete" | "replace" | "may replace";
  /** The fields that force (or may force) the replacement; empty for a delete. */
  readonly fields: readonly string[];
  readonly dataAtRisk: string;
  readonly protect: boolean;
  readonly acknowledged: boolean;
}

/** Stateful types the gate guards (the keys of the data-at-risk table). */
export const STATEFUL_TYPES: readonly string[] = Object.keys(DATA_AT_RISK);

function dataAtRisk(
  d: ResourceDiff,
  inputs: Readonly<Record<string, unknown>> | undefined,
): string | undefined {
  const mode = inputs?.mode;
  if (
    d.type === "gcp:artifactregistry/repository:Repository" &&
    typeof mode === "string" &&
    REPOSITORY_MODES[mode]
  )
    return REPOSITORY_MODES[mode];
  const known = DATA_AT_RISK[d.type];
  if (d.type === "gcp:storage/bucket:Bucket" && AUDIT_ARCHIVE.test(d.name))
    return "the audit-log archive (every archived audit log entry, kept for its retention period)";
  if (known !== undefined) return known;
  return d.protect
    ? "whatever the protected resource holds (it is marked protect: Pulumi refuses to delete it)"
    : undefined;
}

/** Does `--allow-replace <value>` name this resource (its URN, its base URN or its logical name)? */
export function acknowledges(value: string, d: Pick<ResourceDiff, "urn" | "baseUrn" | "name">): boolean {
  return value === d.urn || value === d.baseUrn || value === d.name;
}

/**
 * The findings of the gate; `allow` are the `--allow-replace` values, `baseInputs` tells what a resource is
 * deployed as (a remote repository holds a cache, not images of its own).
 */
export function dataLossGate(
  resources: readonly ResourceDiff[],
  allow: readonly string[],
  baseInputs: BaseInputs = () => undefined,
): GateFinding[] {
  const out: GateFinding[] = [];
  for (const d of resources) {
    const op =
      d.op === "delete" || d.op === "replace"
        ? d.op
        : d.op === "update" && d.mayReplaceFields.length > 0
          ? "may replace"
          : undefined;
    if (op === undefined || d.external) continue;
    const risk = dataAtRisk(d, baseInputs(d));
    if (risk === undefined) continue;
    out.push({
      urn: d.urn,
      name: d.name,
      type: d.type,
      op,
      fields: op === "replace" ? d.replacingFields : op === "may replace" ? d.mayReplaceFields : [],
      dataAtRisk: risk,
      protect: d.protect,
      acknowledged: allow.some((a) => acknowledges(a, d)),
    });
  }
  return out;
}

/** One line per finding, for text and Markdown alike. */
export function describeFinding(f: GateFinding): string {
  const what =
    f.op === "delete" ? "would be deleted" : f.op === "replace" ? "would be replaced" : "may be replaced";
  const by = f.fields.length ? ` (by a change of ${f.fields.join(", ")})` : "";
  const prot = f.protect ? " It is protected: Pulumi would refuse and stop the deployment half-way." : "";
  const ack = f.acknowledged
    ? " Acknowledged with --allow-replace."
    : ` Acknowledge with --allow-replace ${f.name}.`;
  return `${f.type} "${f.name}" ${what}${by}: data at risk: ${f.dataAtRisk}.${prot}${ack}`;
}
