/**
 * The CI deployer accounts (bootstrap/) and the roles each may hold at project level: the listed set that
 * `deployer-roles-allow-list` enforces, and the only grants the admin, impersonation and secret-accessor
 * policies let through for a service account (a deployer must create what the program builds; anything
 * beyond its list fails). Account ids are the local part of `ci-…@<project>.iam.gserviceaccount.com`.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { readConfig } from "./config";

const READ_ONLY = [
  "roles/iam.securityReviewer",
  "roles/run.viewer",
  "roles/compute.viewer",
  "roles/monitoring.viewer",
  "roles/logging.viewer",
  "roles/secretmanager.viewer",
  "roles/artifactregistry.reader",
  "roles/cloudkms.viewer",
  "roles/serviceusage.serviceUsageViewer",
];
const FEATURE_ENVIRONMENT = [
  "roles/run.admin",
  "roles/iam.serviceAccountAdmin",
  "roles/datastore.owner",
  "roles/secretmanager.admin",
  "roles/iap.admin",
  "roles/serviceusage.serviceUsageConsumer",
];
const ENVIRONMENT = [
  "roles/run.admin",
  "roles/iam.serviceAccountAdmin",
  "roles/resourcemanager.projectIamAdmin",
  "roles/serviceusage.serviceUsageAdmin",
  "roles/artifactregistry.admin",
  "roles/datastore.owner",
  "roles/secretmanager.admin",
  "roles/monitoring.editor",
  "roles/logging.configWriter",
  "roles/compute.loadBalancerAdmin",
  "roles/compute.securityAdmin",
  "roles/compute.networkAdmin",
  "roles/certificatemanager.editor",
  "roles/storage.admin",
  "roles/iap.admin",
  "roles/redis.admin",
  "roles/cloudscheduler.admin",
  "roles/serviceusage.serviceUsageConsumer",
];

/** Deployer account id → the project roles it may hold (docs/delivery.md justifies each). */
export const DEFAULT_DEPLOYER_ROLES: Readonly<Record<string, readonly string[]>> = {
  "ci-pr-check": READ_ONLY,
  "ci-pr-env": FEATURE_ENVIRONMENT,
  "ci-deploy-staging": ENVIRONMENT,
  "ci-deploy-prod": ENVIRONMENT,
};

/** The `deployerRoles` config property (the same in every policy that reads it). */
export const deployerRolesProperty: PolicyConfigJSONSchema = {
  type: "object",
  additionalProperties: { type: "array", items: { type: "string" } },
  default: Object.fromEntries(Object.entries(DEFAULT_DEPLOYER_ROLES).map(([k, v]) => [k, [...v]])),
  description:
    "CI deployer service accounts (account id, the part of the email before '@') and the project-level roles each may hold; any other role fails deployer-roles-allow-list, and only these grants pass the admin, impersonation and secret-accessor checks.",
};

type ConfigArgs = { getConfig<U extends object>(): U };

/** The configured deployer roles of a policy. */
export function deployerRoles(args: ConfigArgs): Readonly<Record<string, readonly string[]>> {
  return readConfig(args, { deployerRoles: DEFAULT_DEPLOYER_ROLES }).deployerRoles;
}

/** The account id of a service-account email (`ci-pr-env@p.iam.gserviceaccount.com` → `ci-pr-env`). */
export const accountIdOf = (email: string): string => email.split("@")[0] ?? email;

/** True when `email` is a listed deployer and `role` is on its list. */
export function isListedDeployerGrant(args: ConfigArgs, email: string | undefined, role: string): boolean {
  if (email === undefined || !email.endsWith(".iam.gserviceaccount.com")) return false;
  return deployerRoles(args)[accountIdOf(email)]?.includes(role) ?? false;
}
