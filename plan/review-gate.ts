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
  "gcp:artifactregistry/repository:Repository":
    "every image in the repository (and with them the releases to roll back to)",
};

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

function dataAtRisk(d: ResourceDiff): string | undefined {
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

/** The findings of the gate; `allow` are the `--allow-replace` values. */
export function dataLossGate(resources: readonly ResourceDiff[], allow: readonly string[]): GateFinding[] {
  const out: GateFinding[] = [];
  for (const d of resources) {
    const op =
      d.op === "delete" || d.op === "replace"
        ? d.op
        : d.op === "update" && d.mayReplaceFields.length > 0
          ? "may replace"
          : undefined;
    if (op === undefined || d.external) continue;
    const risk = dataAtRisk(d);
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
