/**
 * The deployer service accounts of one GCP project and the least roles each needs, with why. The policy
 * pack checks the same list independently (`deployer-roles-allow-list`, policies/lib/deployers.ts) and
 * docs/delivery.md lists it for the reader.
 */
import type { DeployerUse } from "./github-oidc";

/** One project-level role and why the deployer needs it. */
export interface RoleGrant {
  readonly role: string;
  readonly why: string;
  /** An IAM condition (CEL) narrowing the grant, when one can. */
  readonly condition?: { readonly title: string; readonly expression: string };
}

export interface DeployerSpec {
  /** The service account id (6-30 characters). */
  readonly accountId: string;
  readonly description: string;
  /** Roles on the project. */
  readonly projectRoles: readonly RoleGrant[];
  /** What it may do with the state bucket: read (preview) or read and write (update). */
  readonly state: "read" | "write";
}

/** Roles that read a stack's resources for `preview` and `refresh --preview-only`, and nothing that writes. */
const READ_ONLY: readonly RoleGrant[] = [
  {
    role: "roles/iam.securityReviewer",
    why: "reads every IAM policy and role the program manages (no data)",
  },
  { role: "roles/run.viewer", why: "reads Cloud Run services and jobs" },
  { role: "roles/compute.viewer", why: "reads load balancer, Cloud Armor, network and address resources" },
  { role: "roles/monitoring.viewer", why: "reads alert policies, SLOs, uptime checks, dashboards, channels" },
  { role: "roles/logging.viewer", why: "reads log buckets, sinks and log-based metrics" },
  { role: "roles/secretmanager.viewer", why: "reads secrets' metadata, never their values" },
  { role: "roles/artifactregistry.reader", why: "reads the Docker repository and its settings" },
  { role: "roles/cloudkms.viewer", why: "reads key rings and keys" },
  { role: "roles/serviceusage.serviceUsageViewer", why: "reads which APIs are enabled" },
];

/** Roles that create what a feature stack creates (Cloud Run, its identities, a named database, grants). */
const FEATURE_ENVIRONMENT = (databasePrefix: string, project: string): readonly RoleGrant[] => [
  { role: "roles/run.admin", why: "creates and deletes feature Cloud Run services and their invoker grants" },
  {
    role: "roles/iam.serviceAccountAdmin",
    why: "creates the feature services' runtime accounts and grants itself actAs on each (not on others)",
  },
  {
    role: "roles/datastore.owner",
    why: "creates and deletes the feature environment's own named Firestore database",
    condition: {
      title: "feature databases only",
      expression: `resource.name.startsWith("projects/${project}/databases/${databasePrefix}")`,
    },
  },
  {
    role: "roles/secretmanager.admin",
    why: "grants the feature runtime accounts secretAccessor on staging's secrets (secret-level IAM)",
  },
  { role: "roles/iap.admin", why: "turns IAP on for feature services and grants the reviewer group access" },
  { role: "roles/serviceusage.serviceUsageConsumer", why: "calls the project's APIs as its quota project" },
];

/** Roles that create everything the program builds in a project (singletons and one environment). */
const ENVIRONMENT = (databasePrefix: string, project: string): readonly RoleGrant[] => [
  { role: "roles/run.admin", why: "Cloud Run services, jobs, traffic and invoker grants" },
  { role: "roles/iam.serviceAccountAdmin", why: "runtime service accounts and actAs grants on each" },
  {
    role: "roles/resourcemanager.projectIamAdmin",
    why: "project-level IAM members of runtime accounts and the audit-log configuration",
  },
  { role: "roles/serviceusage.serviceUsageAdmin", why: "enables the APIs the program uses" },
  { role: "roles/artifactregistry.admin", why: "the Docker repository, its cleanup policies and readers" },
  {
    role: "roles/datastore.owner",
    why: "the environment's Firestore database, indexes, TTL and backups",
    condition: {
      title: "this environment's databases only",
      expression: `resource.name.startsWith("projects/${project}/databases/${databasePrefix}")`,
    },
  },
  { role: "roles/secretmanager.admin", why: "secrets, their versions and per-secret accessor grants" },
  { role: "roles/monitoring.editor", why: "alert policies, SLOs, uptime checks, dashboards, channels" },
  { role: "roles/logging.configWriter", why: "log buckets, sinks and log-based metrics" },
  { role: "roles/compute.loadBalancerAdmin", why: "the global external Application Load Balancer and CDN" },
  { role: "roles/compute.securityAdmin", why: "Cloud Armor policies and SSL policies" },
  { role: "roles/compute.networkAdmin", why: "VPC, subnets, Cloud NAT and global addresses" },
  { role: "roles/certificatemanager.editor", why: "managed certificates and DNS authorizations" },
  { role: "roles/storage.admin", why: "the static-site bucket, its IAM and lifecycle" },
  { role: "roles/iap.admin", why: "IAP on Cloud Run and its access grants" },
  { role: "roles/redis.admin", why: "the Memorystore cache" },
  { role: "roles/cloudscheduler.admin", why: "the backup check's schedule" },
  { role: "roles/serviceusage.serviceUsageConsumer", why: "the budget's quota project (billingProject)" },
];

/** The deployer of each use in `project`, whose resources' names start with `<prefix>-`. */
export function deployerSpecs(project: string, prefix: string): Readonly<Record<DeployerUse, DeployerSpec>> {
  return {
    "pr-check": {
      accountId: "ci-pr-check",
      description: "Pull-request checks: pulumi preview and refresh --preview-only (read-only)",
      projectRoles: READ_ONLY,
      state: "read",
    },
    "pr-env": {
      accountId: "ci-pr-env",
      description: "Pull-request environments: feature-<slug> stacks in the staging project",
      projectRoles: FEATURE_ENVIRONMENT(`${prefix}-f-`, project),
      state: "write",
    },
    staging: {
      accountId: "ci-deploy-staging",
      description: "Deploys the staging stack from main (GitHub environment staging)",
      projectRoles: ENVIRONMENT(`${prefix}-staging-`, project),
      state: "write",
    },
    production: {
      accountId: "ci-deploy-prod",
      description: "Deploys the prod stack from main (GitHub environment production)",
      projectRoles: ENVIRONMENT(`${prefix}-prod-`, project),
      state: "write",
    },
  };
}

/** The uses a project of each kind serves: staging hosts staging and the feature stacks, prod only prod. */
export const USES_BY_KIND: Readonly<Record<"staging" | "prod", readonly DeployerUse[]>> = {
  staging: ["pr-check", "pr-env", "staging"],
  prod: ["pr-check", "production"],
};
