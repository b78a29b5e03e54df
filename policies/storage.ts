/** Cloud Storage: uniform access, public access prevention, public grants, versioning and protection. */
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import type { PolicyResource } from "@pulumi/policy";
import { configProperties, readConfig, schema } from "./lib/config";
import { inEnvironments } from "./lib/environment";
import { checkov, cis } from "./lib/frameworks";
import { grantsOf, isPublicMember } from "./lib/members";
import { resourcePolicy, stackPolicy, type Module6Policy } from "./lib/policy";
import { displayName, refersTo, StackResources } from "./lib/stack";
import { T } from "./lib/tokens";
import { lastSegment, q, rec, shown, str, strings, tryRead, prop } from "./lib/values";

type Bucket = Unwrap<gcp.storage.BucketArgs>;

/** Roles that only read objects: what a public CDN origin may grant to allUsers. */
export const READ_ONLY_BUCKET_ROLES = ["roles/storage.objectViewer", "roles/storage.legacyObjectReader"];

const bucketName = (props: { name?: string }, logical: string): string => q(props.name ?? logical);

export const bucketUniformAccess = resourcePolicy<Bucket>(
  {
    name: "bucket-uniform-access",
    domain: "storage",
    description:
      "Checks that a bucket uses uniform bucket-level access, so IAM alone decides who reads it. Unset uniformBucketLevelAccess is false: per-object ACLs stay in force.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set `uniformBucketLevelAccess: true` (StaticSite does).",
    framework: cis("5.2", "Ensure That Cloud Storage Buckets Have Uniform Bucket-Level Access Enabled"),
    otherIds: ["CKV_GCP_29", "AVD-GCP-0002"],
    types: [T.bucket],
  },
  (bucket, args, report) => {
    if (bucket.uniformBucketLevelAccess === true) return;
    report(
      `Bucket ${bucketName(bucket, args.name)} must enable uniform bucket-level access; ${shown("uniformBucketLevelAccess", bucket.uniformBucketLevelAccess, "keeps per-object ACLs")}`,
    );
  },
);

export const bucketPublicAccessPrevention = resourcePolicy<Bucket>(
  {
    name: "bucket-public-access-prevention",
    domain: "storage",
    description:
      'Checks that a bucket enforces public access prevention, except a bucket named in the publicBuckets policy config (a public CDN origin). Unset publicAccessPrevention is "inherited": not enforced unless an organization policy enforces it.',
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      'Set `publicAccessPrevention: "enforced"`. Serve public assets through Cloud CDN with the fill agent as the only reader (StaticSite), not from a public bucket.',
    framework: checkov("CKV_GCP_114", "Ensure public access prevention is enforced on Cloud Storage bucket"),
    configSchema: schema({ publicBuckets: configProperties.publicBuckets }),
    types: [T.bucket],
  },
  (bucket, args, report) => {
    if (bucket.publicAccessPrevention === "enforced") return;
    const { publicBuckets } = readConfig(args, { publicBuckets: [] as string[] });
    if (bucket.name !== undefined && publicBuckets.includes(bucket.name)) return;
    report(
      `Bucket ${bucketName(bucket, args.name)} must enforce public access prevention; ${shown("publicAccessPrevention", bucket.publicAccessPrevention, 'is "inherited" (not enforced)')}`,
    );
  },
);

/** The public principals and roles a bucket grant or ACL gives. */
function publicGrants(type: string, props: Record<string, unknown>): { member: string; role: string }[] {
  if (type === T.bucketAcl) {
    const out = strings(tryRead(() => props.roleEntities))
      .map((entry) => entry.split(":"))
      .filter(([, entity]) => entity !== undefined && isPublicMember(entity))
      .map(([role, entity]) => ({ member: entity ?? "", role: role ?? "" }));
    const predefined = str(tryRead(() => props.predefinedAcl));
    if (predefined === "publicRead" || predefined === "publicReadWrite") {
      out.push({ member: "allUsers", role: `predefinedAcl ${predefined}` });
    }
    return out;
  }
  return grantsOf(props).flatMap((g) =>
    g.members.filter(isPublicMember).map((member) => ({ member, role: g.role })),
  );
}

const GRANT_TYPES = [T.bucketIamMember, T.bucketIamBinding, T.bucketIamPolicy, T.bucketAcl] as const;

export const bucketIamNoPublicMembers = resourcePolicy<{ bucket?: string }>(
  {
    name: "bucket-iam-no-public-members",
    domain: "storage",
    description:
      "Checks that no bucket IAM member, binding, policy or ACL grants anything to allUsers or allAuthenticatedUsers, except read-only object access (objectViewer, legacyObjectReader) on a bucket named in the publicBuckets policy config.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Remove the public grant; give readers (the Cloud CDN fill agent, deployers) their own grants with `bucket.grantRead(...)`.",
    framework: cis("5.1", "Ensure That Cloud Storage Bucket Is Not Anonymously or Publicly Accessible"),
    otherIds: ["CKV_GCP_28", "AVD-GCP-0001"],
    configSchema: schema({ publicBuckets: configProperties.publicBuckets }),
    types: GRANT_TYPES,
  },
  (grant, args, report) => {
    const { publicBuckets } = readConfig(args, { publicBuckets: [] as string[] });
    const bucket = lastSegment(str(tryRead(() => grant.bucket)) ?? args.name);
    for (const { member, role } of publicGrants(args.type, args.props)) {
      if (publicBuckets.includes(bucket) && READ_ONLY_BUCKET_ROLES.includes(role)) continue;
      report(`Bucket ${q(bucket)} must not grant ${role} to ${member}`);
    }
  },
);

export const bucketVersioning = resourcePolicy<Bucket>(
  {
    name: "bucket-versioning",
    domain: "storage",
    description:
      "Checks that an overwritten or deleted object can be recovered: the bucket keeps object versions, or a retention policy forbids deleting and overwriting objects during the retention period. Unset versioning is disabled and unset retentionPolicy is none.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
      "Set `versioning: { enabled: true }` with a lifecycle rule that deletes old noncurrent versions, or a `retentionPolicy` for write-once data such as log archives.",
    framework: checkov("CKV_GCP_78", "Ensure Cloud storage has versioning enabled"),
    otherIds: ["AVD-GCP-0078"],
    types: [T.bucket],
  },
  (bucket, args, report) => {
    if (bucket.versioning?.enabled === true || bucket.retentionPolicy !== undefined) return;
    report(
      `Bucket ${bucketName(bucket, args.name)} must enable object versioning or set a retention policy; ${shown("versioning.enabled", bucket.versioning?.enabled, "means versioning is off")}`,
    );
  },
);

export const bucketForceDestroyDisabled = resourcePolicy<Bucket>(
  {
    name: "bucket-force-destroy-disabled",
    domain: "storage",
    description:
      "Checks that a bucket in the configured environments (default prod and staging) does not set forceDestroy, which lets a destroy or replacement delete every object. Unset forceDestroy is false: a non-empty bucket cannot be deleted.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Remove `forceDestroy: true`; only feature environments may use it.",
    configSchema: schema({ environments: configProperties.environments(["prod", "staging"]) }),
    types: [T.bucket],
  },
  (bucket, args, report) => {
    const { environments } = readConfig(args, { environments: ["prod", "staging"] });
    if (bucket.forceDestroy !== true || !inEnvironments(args, args.stackTags, environments)) return;
    report(`Bucket ${bucketName(bucket, args.name)} must not set forceDestroy: true in this environment`);
  },
);

function grantTargets(grant: PolicyResource, bucket: PolicyResource): boolean {
  return refersTo(grant, "bucket", bucket, "b");
}

export const publicBucketOnlyCdnOrigin = stackPolicy(
  {
    name: "public-bucket-only-cdn-origin",
    domain: "storage",
    description:
      "Checks that a bucket readable by allUsers or allAuthenticatedUsers (through IAM or ACLs) is the origin of a Cloud CDN backend bucket (enableCdn) and grants the public nothing beyond reading objects. The program's static bucket is private (the CDN fill agent reads it), so no bucket is public.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Keep buckets private; serve public assets through a backend bucket with Cloud CDN reading the bucket as the cloud-cdn-fill service agent.",
    framework: cis("5.1", "Ensure That Cloud Storage Bucket Is Not Anonymously or Publicly Accessible"),
    otherIds: ["CKV_GCP_28", "AVD-GCP-0001"],
  },
  (args, report) => {
    const stack = new StackResources(args.resources);
    const grants = stack.ofType(...GRANT_TYPES);
    const cdnBackends = stack.ofType(T.backendBucket).filter((b) => prop(b, "enableCdn") === true);
    for (const bucket of stack.ofType(T.bucket)) {
      const exposures = grants
        .filter((g) => grantTargets(g, bucket))
        .flatMap((g) => publicGrants(g.type, g.props).map((p) => ({ ...p, grant: g })));
      if (exposures.length === 0) continue;
      const name = q(displayName(bucket));
      for (const e of exposures.filter((x) => !READ_ONLY_BUCKET_ROLES.includes(x.role))) {
        report(
          `Public bucket ${name} must grant ${e.member} only read access to objects; it grants ${e.role}`,
          e.grant.urn,
        );
      }
      if (!cdnBackends.some((b) => refersTo(b, "bucketName", bucket))) {
        const first = exposures[0];
        report(
          `Bucket ${name} is public (${first?.role ?? ""} for ${first?.member ?? ""}) and must be the origin of a Cloud CDN backend bucket; only the CDN origin may be public`,
          bucket.urn,
        );
      }
    }
  },
);

/** The label that marks a Pulumi state bucket (bootstrap/state-backend.ts sets it). */
export const STATE_BUCKET_LABEL = { key: "purpose", value: "pulumi-state" } as const;

/** A lifecycle rule that deletes noncurrent versions: by age since they became noncurrent, or by count. */
function deletesNoncurrentVersions(rule: unknown): boolean {
  const r = rec(rule);
  if (rec(r.action).type !== "Delete") return false;
  const c = rec(r.condition);
  const positive = (v: unknown): boolean => typeof v === "number" && v > 0;
  return (
    positive(c.daysSinceNoncurrentTime) ||
    positive(c.numNewerVersions) ||
    (c.withState === "ARCHIVED" && positive(c.age))
  );
}

export const stateBucketHardening = resourcePolicy<Bucket>(
  {
    name: "state-bucket-hardening",
    domain: "storage",
    description:
      "Checks that a Pulumi state bucket (label purpose=pulumi-state) keeps every state write recoverable and private: versioning enabled, a lifecycle rule that deletes noncurrent versions (daysSinceNoncurrentTime, numNewerVersions, or age with withState ARCHIVED, so old state does not pile up forever), uniform bucket-level access, public access prevention enforced, and forceDestroy off. Unset versioning keeps no previous state; unset lifecycle keeps every version forever.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      'Use bootstrap/state-backend.ts, or set `versioning: { enabled: true }`, `lifecycleRules: [{ action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30 } }]`, `uniformBucketLevelAccess: true`, `publicAccessPrevention: "enforced"`, `forceDestroy: false`.',
    types: [T.bucket],
  },
  (bucket, args, report) => {
    if (rec(bucket.labels)[STATE_BUCKET_LABEL.key] !== STATE_BUCKET_LABEL.value) return;
    const name = bucketName(bucket, args.name);
    const problems: string[] = [];
    if (bucket.versioning?.enabled !== true) problems.push("versioning is not enabled");
    if (!(bucket.lifecycleRules ?? []).some(deletesNoncurrentVersions))
      problems.push("no lifecycle rule deletes noncurrent versions");
    if (bucket.uniformBucketLevelAccess !== true) problems.push("uniform bucket-level access is off");
    if (bucket.publicAccessPrevention !== "enforced")
      problems.push("public access prevention is not enforced");
    if (bucket.forceDestroy === true) problems.push("forceDestroy is on");
    if (problems.length > 0) report(`State bucket ${name} must be hardened: ${problems.join("; ")}`);
  },
);

export const storagePolicies: readonly Module6Policy[] = [
  bucketUniformAccess,
  bucketPublicAccessPrevention,
  bucketIamNoPublicMembers,
  bucketVersioning,
  bucketForceDestroyDisabled,
  publicBucketOnlyCdnOrigin,
  stateBucketHardening,
];
