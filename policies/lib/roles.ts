/**
 * IAM roles that let a principal act as, or take over, service accounts or the IAM policy itself, built from
 * Google's role definitions: every predefined role whose `includedPermissions` (as the IAM API's
 * `roles.get` and the role reference at https://cloud.google.com/iam/docs/roles-permissions return them)
 * hold one of the permissions below. Read from the per-role definitions mirrored at
 * iann0036/iam-dataset@2073fa52ac008a45477aa0b1b4580cd99135bf60 (gcp/roles/*.json, 2,461 roles).
 *
 * - `actAs`: iam.serviceAccounts.actAs: attach a service account to a resource and run code as it
 *   (https://cloud.google.com/iam/docs/service-account-permissions#user-role).
 * - `token`: iam.serviceAccounts.getAccessToken, signBlob, signJwt, implicitDelegation or getOpenIdToken:
 *   mint the account's credentials (…#token-creator-role, …#workload-identity-user-role).
 * - `keys`: iam.serviceAccountKeys.create: create a long-lived key for any service account.
 * - `saPolicy`: iam.serviceAccounts.setIamPolicy: grant oneself any of the above on a service account.
 * - `iamPolicy`: resourcemanager.{projects,folders,organizations}.setIamPolicy: grant oneself any role.
 */

/** Why a role is privileged. */
export type Privilege = "actAs" | "token" | "keys" | "saPolicy" | "iamPolicy";

/** The basic roles, which span every service of a project. */
export const BASIC_ROLES: readonly string[] = ["roles/owner", "roles/editor", "roles/viewer"];

/** Predefined roles with an impersonation or escalation permission, and which. */
export const PRIVILEGED_ROLES: Readonly<Record<string, readonly Privilege[]>> = {
  "roles/aiplatform.colabServiceAgent": ["actAs"],
  "roles/aiplatform.customCodeServiceAgent": ["token"],
  "roles/aiplatform.extensionServiceAgent": ["token"],
  "roles/aiplatform.serviceAgent": ["actAs", "token"],
  "roles/apigateway.serviceAgent": ["token"],
  "roles/apigee.serviceAgent": ["token"],
  "roles/appengine.serviceAgent": ["token"],
  "roles/appengineflex.serviceAgent": ["actAs", "iamPolicy", "token"],
  "roles/assuredoss.admin": ["keys"],
  "roles/backupdr.computeEngineOperator": ["actAs"],
  "roles/backupdr.serviceAgent": ["actAs"],
  "roles/batch.serviceAgent": ["actAs"],
  "roles/bigquerycontinuousquery.serviceAgent": ["token"],
  "roles/bigquerydatatransfer.serviceAgent": ["token"],
  "roles/bigqueryspark.serviceAgent": ["token"],
  "roles/cloudbuild.serviceAgent": ["token"],
  "roles/cloudconfig.serviceAgent": ["actAs", "token"],
  "roles/clouddeploy.serviceAgent": ["actAs", "token"],
  "roles/clouddeploymentmanager.serviceAgent": ["actAs"],
  "roles/cloudfunctions.serviceAgent": ["actAs", "token"],
  "roles/cloudscheduler.serviceAgent": ["token"],
  "roles/cloudtasks.serviceAgent": ["token"],
  "roles/cloudtpu.serviceAgent": ["actAs"],
  "roles/composer.ServiceAgentV2Ext": ["saPolicy"],
  "roles/composer.serviceAgent": ["actAs", "token"],
  "roles/compute.instanceGroupManagerServiceAgent": ["actAs"],
  "roles/compute.serviceAgent": ["actAs", "token"],
  "roles/configdelivery.serviceAgent": ["actAs"],
  "roles/connectors.serviceAgent": ["token"],
  "roles/container.serviceAgent": ["actAs"],
  "roles/dataflow.serviceAgent": ["actAs", "token"],
  "roles/datapipelines.serviceAgent": ["actAs"],
  "roles/dataplex.serviceAgent": ["actAs"],
  "roles/dataprep.serviceAgent": ["actAs"],
  "roles/dataproc.hubAgent": ["actAs"],
  "roles/dataproc.serviceAgent": ["actAs", "token"],
  "roles/earthengine.appsPublisher": ["saPolicy"],
  "roles/editor": ["actAs", "keys"],
  "roles/eventarc.serviceAgent": ["actAs", "token"],
  "roles/firebase.managementServiceAgent": ["iamPolicy"],
  "roles/firebaseapphosting.serviceAgent": ["actAs"],
  "roles/firebasemods.serviceAgent": ["actAs"],
  "roles/gameservices.serviceAgent": ["actAs"],
  "roles/genomics.serviceAgent": ["actAs"],
  "roles/gkehub.crossProjectServiceAgent": ["iamPolicy"],
  "roles/hypercomputecluster.serviceAgent": ["actAs", "token"],
  "roles/iam.admin": ["actAs", "keys", "saPolicy"],
  "roles/iam.dataScientist": ["actAs"],
  "roles/iam.databasesAdmin": ["actAs"],
  "roles/iam.devOps": ["actAs", "saPolicy"],
  "roles/iam.editor": ["actAs", "keys"],
  "roles/iam.securityAdmin": ["iamPolicy", "saPolicy"],
  "roles/iam.serviceAccountAdmin": ["saPolicy"],
  "roles/iam.serviceAccountKeyAdmin": ["keys"],
  "roles/iam.serviceAccountOpenIdTokenCreator": ["token"],
  "roles/iam.serviceAccountTokenCreator": ["token"],
  "roles/iam.serviceAccountUser": ["actAs"],
  "roles/iam.workloadIdentityUser": ["token"],
  "roles/integrations.serviceAgent": ["token"],
  "roles/krmapihosting.anthosApiEndpointServiceAgent": ["actAs", "iamPolicy"],
  "roles/krmapihosting.serviceAgent": ["actAs"],
  "roles/lifesciences.serviceAgent": ["actAs"],
  "roles/ml.serviceAgent": ["token"],
  "roles/notebooks.serviceAgent": ["actAs", "token"],
  "roles/osconfig.serviceAgent": ["actAs"],
  "roles/owner": ["actAs", "iamPolicy", "keys", "saPolicy"],
  "roles/privilegedaccessmanager.folderServiceAgent": ["iamPolicy"],
  "roles/privilegedaccessmanager.organizationServiceAgent": ["iamPolicy"],
  "roles/privilegedaccessmanager.projectServiceAgent": ["iamPolicy"],
  "roles/privilegedaccessmanager.serviceAgent": ["iamPolicy"],
  "roles/pubsub.serviceAgent": ["token"],
  "roles/resourcemanager.folderAdmin": ["iamPolicy"],
  "roles/resourcemanager.folderIamAdmin": ["iamPolicy"],
  "roles/resourcemanager.organizationAdmin": ["iamPolicy"],
  "roles/resourcemanager.projectIamAdmin": ["iamPolicy"],
  "roles/run.serviceAgent": ["actAs", "token"],
  "roles/runapps.serviceAgent": ["actAs"],
  "roles/securesourcemanager.serviceAgent": ["token"],
  "roles/securitycenter.admin": ["keys"],
  "roles/securitycenter.securityResponseServiceAgent": ["actAs"],
  "roles/serverless.serviceAgent": ["actAs", "token"],
  "roles/sourcerepo.serviceAgent": ["token"],
  "roles/workflows.serviceAgent": ["token"],
  "roles/workstations.serviceAgent": ["actAs"],
};

/**
 * Service agent roles (`roles/<service>.serviceAgent`, `roles/<service>.<name>ServiceAgent…`) exist for
 * the Google-managed service agents of https://cloud.google.com/iam/docs/service-agents; granted to
 * anyone else they hand over a Google service's reach into the project.
 */
export const isServiceAgentRole = (role: string): boolean =>
  /^roles\/[a-zA-Z0-9]+\.([a-zA-Z0-9]*ServiceAgent[a-zA-Z0-9]*|serviceAgent)$/.test(role);

/** The privileges of a predefined role (none for unknown and custom roles). */
export const privilegesOf = (role: string): readonly Privilege[] => PRIVILEGED_ROLES[role] ?? [];

/** What a privilege lets a principal do, for messages. */
export const PRIVILEGE_TEXT: Readonly<Record<Privilege, string>> = {
  actAs: "run code as any service account",
  token: "mint tokens for any service account",
  keys: "create keys for any service account",
  saPolicy: "grant itself access to any service account",
  iamPolicy: "grant itself any role",
};
