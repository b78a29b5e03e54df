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

const TARGETS: Readonly<Record<string, Target>> = Object.fromEntries([
  ...[T.projectIamMember, T.projectIamBinding, T.projectIamPolicy].map((t) => [
    t,
    { kind: "project", property: "project" },
  ]),
  ...[T.folderIamMember, T.folderIamBinding, T.folderIamPolicy].map((t) => [
    t,
    { kind: "folder", property: "folder" },
  ]),
  ...[T.orgIamMember, T.orgIamBinding, T.orgIamPolicy].map((t) => [
    t,
    { kind: "organization", property: "orgId" },
  ]),
  ...SERVICE_ACCOUNT_GRANTS.map((t) => [t, { kind: "service account", property: "serviceAccountId" }]),
  ...[T.runServiceIamMember, T.runServiceIamBinding, T.runServiceIamPolicy].map((t) => [
    t,
    { kind: "Cloud Run service", property: "name" },
  ]),
  ...[T.runV1IamMember, T.runV1IamBinding, T.runV1IamPolicy].map((t) => [
    t,
    { kind: "Cloud Run service", property: "service" },
  ]),
  ...IAP_RUN_GRANTS.map((t) => [t, { kind: "Cloud Run service (IAP)", property: "cloudRunServiceName" }]),
  ...BUCKET_GRANTS.map((t) => [t, { kind: "bucket", property: "bucket" }]),
  ...SECRET_GRANTS.map((t) => [t, { kind: "secret", property: "secretId" }]),
  ...REPOSITORY_GRANTS.map((t) => [t, { kind: "Artifact Registry repository", property: "repository" }]),
  ...[T.cryptoKeyIamMember, T.cryptoKeyIamBinding, T.cryptoKeyIamPolicy].map((t) => [
    t,
    { kind: "KMS key", property: "cryptoKeyId" },
  ]),
  ...[T.keyRingIamMember, T.keyRingIamBinding, T.keyRingIamPolicy].map((t) => [
    t,
    { kind: "KMS key ring", property: "keyRingId" },
  ]),
]);

/** True for grants at project, folder or organization level. */
export const isHierarchyGrant = (type: string): boolean =>
  (HIERARCHY_GRANTS as readonly string[]).includes(type);

/**
 * What a grant is on, for messages: `project "p"`, `bucket "b"`, or the kind alone when the name is
 * unknown (computed at preview) — falling back to the resource's logical name.
 */
export function grantTarget(type: string, props: Record<string, unknown>, logicalName: string): string {
  const target = TARGETS[type] ?? { kind: "resource", property: "name" };
  const value = str(tryRead(() => props[target.property]));
  const name = value !== undefined && !value.startsWith("[") ? lastSegment(value) : logicalName;
  return `${target.kind} ${JSON.stringify(name)}`;
}

/** The kind of resource a grant type is on (`project`, `bucket`, …). */
export const grantKind = (type: string): string => TARGETS[type]?.kind ?? "resource";
