/**
 * The IAM resource families the pack checks: for each kind of resource, its `*IamMember`, `*IamBinding`
 * and `*IamPolicy` types and the property that names the resource it grants on.
 */
import { T, type TypeToken } from "./tokens";
import { lastSegment, str, tryRead } from "./values";

/** Grants at the resource hierarchy's levels: project, folder and organization. */
export const HIERARCHY_GRANTS = [
  T.projectIamMember,
  T.projectIamBinding,
  T.projectIamPolicy,
  T.folderIamMember,
  T.folderIamBinding,
  T.folderIamPolicy,
  T.orgIamMember,
  T.orgIamBinding,
  T.orgIamPolicy,
] as const satisfies readonly TypeToken[];

/** Grants on one service account (who may act as it). */
export const SERVICE_ACCOUNT_GRANTS = [
  T.serviceAccountIamMember,
  T.serviceAccountIamBinding,
  T.serviceAccountIamPolicy,
] as const satisfies readonly TypeToken[];

/** Cloud Run IAM (v2 and v1). */
export const RUN_GRANTS = [
  T.runServiceIamMember,
  T.runServiceIamBinding,
  T.runServiceIamPolicy,
  T.runV1IamMember,
  T.runV1IamBinding,
  T.runV1IamPolicy,
] as const satisfies readonly TypeToken[];

/** Cloud Run job IAM (who may run or change a job). */
export const RUN_JOB_GRANTS = [
  T.runJobIamMember,
  T.runJobIamBinding,
  T.runJobIamPolicy,
] as const satisfies readonly TypeToken[];

/** IAP access to a Cloud Run service. */
export const IAP_RUN_GRANTS = [
  T.iapRunMember,
  T.iapRunBinding,
  T.iapRunPolicy,
] as const satisfies readonly TypeToken[];

export const BUCKET_GRANTS = [
  T.bucketIamMember,
  T.bucketIamBinding,
  T.bucketIamPolicy,
] as const satisfies readonly TypeToken[];
export const SECRET_GRANTS = [
  T.secretIamMember,
  T.secretIamBinding,
  T.secretIamPolicy,
] as const satisfies readonly TypeToken[];
export const REPOSITORY_GRANTS = [
  T.repositoryIamMember,
  T.repositoryIamBinding,
  T.repositoryIamPolicy,
] as const satisfies readonly TypeToken[];
export const KMS_GRANTS = [
  T.cryptoKeyIamMember,
  T.cryptoKeyIamBinding,
  T.cryptoKeyIamPolicy,
  T.keyRingIamMember,
  T.keyRingIamBinding,
  T.keyRingIamPolicy,
] as const satisfies readonly TypeToken[];

/** Every IAM resource type the pack reads. */
export const ALL_GRANTS: readonly TypeToken[] = [
  ...HIERARCHY_GRANTS,
  ...SERVICE_ACCOUNT_GRANTS,
  ...RUN_GRANTS,
  ...RUN_JOB_GRANTS,
  ...IAP_RUN_GRANTS,
  ...BUCKET_GRANTS,
  ...SECRET_GRANTS,
  ...REPOSITORY_GRANTS,
  ...KMS_GRANTS,
];

interface Target {
  /** What the message calls it. */
  readonly kind: string;
  /** The property naming it. */
  readonly property: string;
}

const family = (types: readonly string[], kind: string, property: string): [string, Target][] =>
  types.map((t) => [t, { kind, property }]);

const TARGETS: ReadonlyMap<string, Target> = new Map<string, Target>([
  ...family([T.projectIamMember, T.projectIamBinding, T.projectIamPolicy], "project", "project"),
  ...family([T.folderIamMember, T.folderIamBinding, T.folderIamPolicy], "folder", "folder"),
  ...family([T.orgIamMember, T.orgIamBinding, T.orgIamPolicy], "organization", "orgId"),
  ...family(SERVICE_ACCOUNT_GRANTS, "service account", "serviceAccountId"),
  ...family(
    [T.runServiceIamMember, T.runServiceIamBinding, T.runServiceIamPolicy],
    "Cloud Run service",
    "name",
  ),
  ...family([T.runV1IamMember, T.runV1IamBinding, T.runV1IamPolicy], "Cloud Run service", "service"),
  ...family(RUN_JOB_GRANTS, "Cloud Run job", "name"),
  ...family(IAP_RUN_GRANTS, "Cloud Run service (IAP)", "cloudRunServiceName"),
  ...family(BUCKET_GRANTS, "bucket", "bucket"),
  ...family(SECRET_GRANTS, "secret", "secretId"),
  ...family(REPOSITORY_GRANTS, "Artifact Registry repository", "repository"),
  ...family([T.cryptoKeyIamMember, T.cryptoKeyIamBinding, T.cryptoKeyIamPolicy], "KMS key", "cryptoKeyId"),
  ...family([T.keyRingIamMember, T.keyRingIamBinding, T.keyRingIamPolicy], "KMS key ring", "keyRingId"),
]);

/**
 * What a grant is on, for messages: `project "p"`, `bucket "b"`; the grant's logical name stands in for a
 * name that is unset or unknown (computed at preview).
 */
export function grantTarget(type: string, props: Record<string, unknown>, logicalName: string): string {
  const target = TARGETS.get(type) ?? { kind: "resource", property: "name" };
  const value = str(tryRead(() => props[target.property]));
  const name = value !== undefined && !value.startsWith("[") ? lastSegment(value) : logicalName;
  return `${target.kind} ${JSON.stringify(name)}`;
}
