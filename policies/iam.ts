/**
 * IAM: basic, privileged and impersonation roles, default and admin service accounts at the resource
 * hierarchy's levels (project, folder, organization), public principals on service accounts,
 * service-account keys, and Workload Identity Federation for the CI identity. Public principals on other
 * resources are checked in their own domain (storage, run, secrets, registry, kms).
 */
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import { configProperties, readConfig, schema } from "./lib/config";
import { checkov, cis } from "./lib/frameworks";
import { ALL_GRANTS, grantTarget, HIERARCHY_GRANTS, SERVICE_ACCOUNT_GRANTS } from "./lib/grants";
import {
  grantsOf,
  isDefaultServiceAccountMember,
  isPublicMember,
  isServiceAgentMember,
  serviceAccountEmail,
} from "./lib/members";
import { resourcePolicy, type Module6Policy } from "./lib/policy";
import { BASIC_ROLES, isServiceAgentRole, PRIVILEGE_TEXT, privilegesOf } from "./lib/roles";
import { T } from "./lib/tokens";
import { q, rec, shown, str, tryRead } from "./lib/values";
import { pinsRepositoryIdAndName, readCondition } from "./lib/wif-condition";
import { accountIdOf, deployerRoles, deployerRolesProperty, isListedDeployerGrant } from "./lib/deployers";

export { BASIC_ROLES } from "./lib/roles";

export const SECRET_READ_ROLES = [
  "roles/secretmanager.secretAccessor",
  "roles/secretmanager.secretVersionManager",
  "roles/secretmanager.admin",
];
/** Roles that read or write every Firestore database of a project unless conditioned. */
export const DATASTORE_ROLES = ["roles/datastore.user", "roles/datastore.owner", "roles/datastore.viewer"];

const members = (list: readonly string[]): string => list.join(", ") || "none";

export const iamNoBasicRoles = resourcePolicy(
  {
    name: "iam-no-basic-roles",
    domain: "iam",
    description:
      "Checks that no IAM member, binding or policy (policy documents parsed) grants a basic role (roles/owner, roles/editor, roles/viewer) at project, folder or organization level or on any resource (service accounts, Cloud Run services, buckets, secrets, repositories, KMS keys): basic roles span every service, and Owner and Editor include iam.serviceAccounts.actAs.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant the predefined roles the principal needs, on the narrowest resource (a bucket, a secret, a service).",
    framework: checkov("CKV_GCP_117", "Ensure basic roles are not used at project level."),
    otherIds: ["CKV_GCP_116", "CKV_GCP_115", "CKV_GCP_44", "CKV_GCP_45", "CKV_GCP_49"],
    types: ALL_GRANTS,
  },
  (_grant, args, report) => {
    for (const g of grantsOf(args.props).filter((x) => BASIC_ROLES.includes(x.role))) {
      report(
        `IAM grant on ${grantTarget(args.type, args.props, args.name)} must not use the basic role ${g.role} (members: ${members(g.members)})`,
      );
    }
  },
);

export const iamNoProjectLevelImpersonation = resourcePolicy(
  {
    name: "iam-no-project-level-service-account-impersonation",
    domain: "iam",
    description:
      "Checks that no one gets, at project, folder or organization level, a role that lets them act as, mint tokens or keys for, or take over the IAM policy of every service account below it: every predefined role whose permissions include iam.serviceAccounts.actAs, getAccessToken, signBlob, signJwt, implicitDelegation, getOpenIdToken, iam.serviceAccountKeys.create, iam.serviceAccounts.setIamPolicy or resourcemanager.*.setIamPolicy (24 roles besides the service agent roles, read from Google's role definitions; basic roles are iam-no-basic-roles'), and that service agent roles go only to Google's service agents. A CI deployer listed in deployerRoles may hold the roles listed for it (deployer-roles-allow-list).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant the role on the one service account to impersonate (gcp.serviceaccount.IAMMember), e.g. the deployer's actAs on each runtime account; leave IAM administration to a break-glass group outside the stack, and service agent roles to the service agents Google creates.",
    framework: cis(
      "1.6",
      "Ensure That IAM Users Are Not Assigned the Service Account User or Service Account Token Creator Roles at Project Level",
    ),
    otherIds: [
      "CKV_GCP_41",
      "CKV_GCP_49",
      "CKV_GCP_44",
      "CKV_GCP_45",
      "AVD-GCP-0011",
      "AVD-GCP-0005",
      "AVD-GCP-0009",
    ],
    configSchema: schema({ deployerRoles: deployerRolesProperty }),
    types: HIERARCHY_GRANTS,
  },
  (_grant, args, report) => {
    const where = grantTarget(args.type, args.props, args.name);
    for (const g of grantsOf(args.props)) {
      if (BASIC_ROLES.includes(g.role)) continue;
      const privileges = privilegesOf(g.role);
      // A listed CI deployer may hold its listed roles (deployer-roles-allow-list checks the list).
      const holders = g.members.filter((m) => !isListedDeployerGrant(args, serviceAccountEmail(m), g.role));
      if (privileges.length > 0 && !isServiceAgentRole(g.role)) {
        if (holders.length === 0) continue;
        report(
          `IAM grant on ${where} must not give ${g.role}, which lets its members ${privileges.map((p) => PRIVILEGE_TEXT[p]).join(" and ")} (members: ${members(holders)}); grant it on the one service account instead`,
        );
      } else if (isServiceAgentRole(g.role)) {
        const people = g.members.filter((m) => !isServiceAgentMember(m));
        if (people.length > 0) {
          report(
            `IAM grant on ${where} must give the service agent role ${g.role} only to Google's service agents, not to ${members(people)}`,
          );
        }
      }
    }
  },
);

export const iamNoProjectLevelSecretAccess = resourcePolicy(
  {
    name: "iam-no-project-level-secret-accessor",
    domain: "iam",
    description:
      "Checks that no one gets Secret Manager accessor, version manager or admin at project, folder or organization level, which opens every secret below it; access is granted per secret. A CI deployer listed in deployerRoles may hold the roles listed for it (it grants per-secret access).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant roles/secretmanager.secretAccessor on each secret the principal mounts (`secret.grantAccess(sa)`).",
    configSchema: schema({ deployerRoles: deployerRolesProperty }),
    types: HIERARCHY_GRANTS,
  },
  (_grant, args, report) => {
    for (const g of grantsOf(args.props).filter((x) => SECRET_READ_ROLES.includes(x.role))) {
      if (g.members.every((m) => isListedDeployerGrant(args, serviceAccountEmail(m), g.role))) continue;
      report(
        `IAM grant on ${grantTarget(args.type, args.props, args.name)} must not give ${g.role} (members: ${members(g.members)}); grant it per secret`,
      );
    }
  },
);

export const iamNoPublicProjectMembers = resourcePolicy(
  {
    name: "iam-no-public-project-members",
    domain: "iam",
    description:
      "Checks that no project, folder or organization IAM member, binding or policy (policy documents parsed) grants anything to allUsers or allAuthenticatedUsers.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Remove the grant; grant roles to groups or service accounts.",
    framework: checkov("CKV_GCP_113", "Ensure IAM policy should not define public access"),
    types: HIERARCHY_GRANTS,
  },
  (_grant, args, report) => {
    for (const g of grantsOf(args.props)) {
      for (const member of g.members.filter(isPublicMember)) {
        report(
          `IAM grant on ${grantTarget(args.type, args.props, args.name)} must not give ${g.role} to ${member}`,
        );
      }
    }
  },
);

export const serviceAccountIamNoPublicMembers = resourcePolicy(
  {
    name: "service-account-iam-no-public-members",
    domain: "iam",
    description:
      "Checks that no IAM member, binding or policy on a service account grants anything to allUsers or allAuthenticatedUsers: with Service Account User or Token Creator, anyone could act as the account.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Grant roles on a service account to the named principals that act as it (the deployer).",
    types: SERVICE_ACCOUNT_GRANTS,
  },
  (_grant, args, report) => {
    for (const g of grantsOf(args.props)) {
      for (const member of g.members.filter(isPublicMember)) {
        report(
          `IAM grant on ${grantTarget(args.type, args.props, args.name)} must not give ${g.role} to ${member}`,
        );
      }
    }
  },
);

/** Roles too broad for a service account: any admin role, and owner or editor roles (checkov CKV_GCP_42). */
export const isAdminRole = (role: string): boolean => /admin/i.test(role) || /editor|owner/.test(role);

export const iamServiceAccountNoAdminRoles = resourcePolicy(
  {
    name: "iam-service-account-no-admin-roles",
    domain: "iam",
    description:
      "Checks that no service account (a member whose address is …gserviceaccount.com) gets an admin role (roles/*admin*, any case), an owner or editor role (roles/owner, roles/editor, roles/*.owner, roles/*.editor) at project, folder or organization level; runtime identities keep only the telemetry roles and per-resource grants. A CI deployer listed in deployerRoles may hold the roles listed for it: it creates what the program builds, and deployer-roles-allow-list keeps it to that list.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant the service account the specific non-admin roles it needs, on the resources it uses.",
    framework: cis("1.5", "Ensure That Service Account Has No Admin Privileges"),
    otherIds: ["CKV_GCP_42", "AVD-GCP-0007"],
    configSchema: schema({ deployerRoles: deployerRolesProperty }),
    types: HIERARCHY_GRANTS,
  },
  (_grant, args, report) => {
    for (const g of grantsOf(args.props).filter((x) => isAdminRole(x.role))) {
      for (const email of g.members
        .map(serviceAccountEmail)
        .filter((e) => e !== undefined && !isListedDeployerGrant(args, e, g.role))) {
        report(
          `Service account ${q(email)} must not get ${g.role} on ${grantTarget(args.type, args.props, args.name)}`,
        );
      }
    }
  },
);

export const iamNoDefaultServiceAccountGrants = resourcePolicy(
  {
    name: "iam-no-default-service-account-grants",
    domain: "iam",
    description:
      "Checks that no project, folder or organization IAM grant names Google's default Compute Engine (<number>-compute@developer.gserviceaccount.com) or App Engine (<project>@appspot.gserviceaccount.com) service account: every VM, function or app left on its default identity would inherit the grant.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Create a dedicated service account for the workload (ServiceIdentity) and grant it the roles it needs instead.",
    framework: checkov("CKV_GCP_46", "Ensure Default Service account is not used at a project level"),
    otherIds: ["CKV_GCP_47", "CKV_GCP_48", "AVD-GCP-0006", "AVD-GCP-0004", "AVD-GCP-0008"],
    types: HIERARCHY_GRANTS,
  },
  (_grant, args, report) => {
    for (const g of grantsOf(args.props)) {
      for (const member of g.members.filter(isDefaultServiceAccountMember)) {
        report(
          `IAM grant on ${grantTarget(args.type, args.props, args.name)} must not give ${g.role} to the default service account ${q(member)}`,
        );
      }
    }
  },
);

export const iamDatastoreAccessScoped = resourcePolicy(
  {
    name: "iam-datastore-access-scoped",
    domain: "iam",
    description:
      "Checks that a project-level Firestore role (roles/datastore.user, owner or viewer) carries an IAM condition naming the database, so a service reads and writes only its environment's database (feature databases share the staging project).",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Add `condition: { title, expression: 'resource.name == \"projects/<p>/databases/<db>\"' }` (the Firestore component's grants do).",
    types: [T.projectIamMember, T.projectIamBinding, T.projectIamPolicy],
  },
  (_grant, args, report) => {
    for (const g of grantsOf(args.props).filter((x) => DATASTORE_ROLES.includes(x.role) && !x.conditional)) {
      report(
        `IAM grant of ${g.role} on ${grantTarget(args.type, args.props, args.name)} must carry a condition that names one database (members: ${members(g.members)})`,
      );
    }
  },
);

export const iamPreferAdditiveMembers = resourcePolicy(
  {
    name: "iam-prefer-additive-members",
    domain: "iam",
    description:
      "Checks that project, folder and organization IAM is managed additively with IAMMember resources, not with authoritative IAMBinding or IAMPolicy resources that silently remove grants made elsewhere (other stacks, Google's service agents).",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
      "Replace gcp.projects.IAMBinding / IAMPolicy with one gcp.projects.IAMMember per member.",
    types: [
      T.projectIamBinding,
      T.projectIamPolicy,
      T.folderIamBinding,
      T.folderIamPolicy,
      T.orgIamBinding,
      T.orgIamPolicy,
    ],
  },
  (_grant, args, report) => {
    const kind = args.type.endsWith(":IAMPolicy") ? "IAMPolicy" : "IAMBinding";
    report(
      `IAM on ${grantTarget(args.type, args.props, args.name)} must use additive IAMMember resources, not an authoritative ${kind}`,
    );
  },
);

export const iamNoServiceAccountKeys = resourcePolicy(
  {
    name: "iam-no-service-account-keys",
    domain: "iam",
    description:
      "Checks that the stack creates no user-managed service-account keys; CI authenticates through Workload Identity Federation and workloads through their attached identity. Stricter than CKV2_GCP_3, which accepts a key without publicKeyData: such a key is still user-managed (keyType USER_MANAGED).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Delete the key; use Workload Identity Federation (CI) or the attached service account (Cloud Run).",
    framework: cis(
      "1.4",
      "Ensure That There Are Only GCP-Managed Service Account Keys for Each Service Account",
    ),
    otherIds: ["CKV2_GCP_3"],
    types: [T.serviceAccountKey],
  },
  (key, args, report) => {
    const id = str(tryRead(() => key.serviceAccountId));
    const account = id !== undefined ? ` for ${q(id)}` : "";
    report(
      `Service account key ${q(args.name)}${account} must not be created; use Workload Identity Federation`,
    );
  },
);

type WifProvider = Unwrap<gcp.iam.WorkloadIdentityPoolProviderArgs>;

/** The issuer of GitHub Actions' OIDC tokens. */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

export const wifProviderAttributeCondition = resourcePolicy<WifProvider>(
  {
    name: "wif-provider-attribute-condition",
    domain: "iam",
    description:
      "Checks that every Workload Identity Federation provider has a non-empty attributeCondition, and that a GitHub Actions provider's condition pins every admitted token to one repository (and, with allowedRepositories configured, to one of those): `assertion.repository == 'owner/repo'`, `assertion.repository_id == '…'`, `assertion.sub == 'repo:owner/repo:…'`, `assertion.sub.startsWith('repo:owner/repo:')`, `assertion.repository in [...]` or a mapped attribute of them; an `||` alternative that pins nothing (an owner, an organization, a workflow) widens the whole condition. Unset attributeCondition admits every token of the issuer. Stricter than CKV_GCP_118 and AVD-GCP-0068, which accept any condition, e.g. one on assertion.repository_owner.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Set `attributeCondition: \"assertion.repository == 'org/repo'\"` (optionally `&& assertion.ref == 'refs/heads/main'`) and map `attribute.repository`; bind roles to `principalSet://…/attribute.repository/org/repo`.",
    framework: checkov("CKV_GCP_125", "Ensure GCP GitHub Actions OIDC trust policy is configured securely"),
    otherIds: ["CKV_GCP_118", "AVD-GCP-0068"],
    configSchema: schema({ allowedRepositories: configProperties.allowedRepositories }),
    types: [T.wifProvider],
  },
  (provider, args, report) => {
    const name = q(provider.workloadIdentityPoolProviderId ?? args.name);
    const condition = provider.attributeCondition ?? "";
    if (condition.trim() === "") {
      report(
        `Workload identity provider ${name} must have an attributeCondition; ${shown("attributeCondition", provider.attributeCondition || undefined, "admits every token of its issuer")}`,
      );
      return;
    }
    if (provider.oidc?.issuerUri !== GITHUB_ISSUER) return;
    const mapping = Object.fromEntries(
      Object.entries(rec(provider.attributeMapping)).filter(
        (e): e is [string, string] => typeof e[1] === "string",
      ),
    );
    const reading = readCondition(condition, mapping);
    if (!reading.pinned) {
      report(
        `Workload identity provider ${name} must pin every admitted token to one GitHub repository; ${q(reading.unpinned)} pins none (attributeCondition is ${q(condition)})`,
      );
      return;
    }
    const { allowedRepositories } = readConfig(args, { allowedRepositories: [] as string[] });
    for (const repo of reading.repositories.filter(
      (r) => allowedRepositories.length > 0 && !allowedRepositories.includes(r),
    )) {
      report(
        `Workload identity provider ${name} must admit only repositories in allowedRepositories; it admits ${q(repo)}`,
      );
    }
  },
);

/** A principal set wider than one repository: a whole pool, or every repository of an owner. */
const WIDE_PRINCIPAL_SET =
  /^principalSet:\/\/.*\/(\*|attribute\.repository_owner\/[^/]+|attribute\.repository_owner_id\/[^/]+)$/;

export const wifBindingPinnedToRepository = resourcePolicy(
  {
    name: "wif-binding-pinned-to-repository",
    domain: "iam",
    description:
      "Checks that roles/iam.workloadIdentityUser on a service account (member, binding or policy) is granted to one repository's principalSet (…/attribute.repository/<owner>/<repo>), never to a whole workload identity pool (…/*) or to every repository of an owner (…/attribute.repository_owner/<owner>).",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Bind `principalSet://iam.googleapis.com/projects/<n>/locations/global/workloadIdentityPools/<pool>/attribute.repository/<owner>/<repo>`.",
    types: SERVICE_ACCOUNT_GRANTS,
  },
  (_grant, args, report) => {
    for (const g of grantsOf(args.props).filter((x) => x.role === "roles/iam.workloadIdentityUser")) {
      for (const member of g.members.filter((m) => WIDE_PRINCIPAL_SET.test(m))) {
        report(
          `IAM grant on ${grantTarget(args.type, args.props, args.name)} must give roles/iam.workloadIdentityUser to one repository's principalSet, not ${q(member)}`,
        );
      }
    }
  },
);

export const deployerRolesAllowList = resourcePolicy(
  {
    name: "deployer-roles-allow-list",
    domain: "iam",
    description:
      "Checks that a CI deployer service account (account id starting ci-, created by bootstrap/) gets at project, folder or organization level only the roles listed for it in deployerRoles (read-only for ci-pr-check; what feature stacks create for ci-pr-env; what the program creates for ci-deploy-staging and ci-deploy-prod), and that every ci- account is listed. Unlisted roles make a deployer broader than reviewed.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant the deployer only its listed roles (bootstrap/deployers.ts); to widen a deployer, change the list in policies/lib/deployers.ts and docs/delivery.md in the same reviewed change.",
    configSchema: schema({ deployerRoles: deployerRolesProperty }),
    types: HIERARCHY_GRANTS,
  },
  (_grant, args, report) => {
    const listed = deployerRoles(args);
    for (const g of grantsOf(args.props)) {
      for (const email of g.members.map(serviceAccountEmail)) {
        if (email === undefined || !accountIdOf(email).startsWith("ci-")) continue;
        const roles = listed[accountIdOf(email)];
        const where = grantTarget(args.type, args.props, args.name);
        if (roles === undefined) {
          report(`Deployer ${q(email)} must be listed in deployerRoles before it gets ${g.role} on ${where}`);
        } else if (!roles.includes(g.role)) {
          report(
            `Deployer ${q(email)} must get only its listed roles (${roles.join(", ")}), not ${g.role} on ${where}`,
          );
        }
      }
    }
  },
);

export const wifProviderPinsRepositoryId = resourcePolicy<WifProvider>(
  {
    name: "wif-provider-pins-repository-id",
    domain: "iam",
    description:
      "Checks that a GitHub Actions Workload Identity Federation provider's attributeCondition requires, in every `||` alternative, both `assertion.repository_id == '<number>'` and `assertion.repository == 'owner/name'` (top-level `&&` terms): a name alone can be re-registered after the repository is deleted or renamed, the numeric id is never re-used (google-github-actions/auth, Security Considerations).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Set `attributeCondition: \"assertion.repository_owner_id == '<owner id>' && assertion.repository_id == '<repo id>' && assertion.repository == 'owner/name'\"` (gh api repos/<owner>/<name> -q '.id, .owner.id').",
    types: [T.wifProvider],
  },
  (provider, args, report) => {
    if (provider.oidc?.issuerUri !== GITHUB_ISSUER) return;
    const condition = provider.attributeCondition ?? "";
    const missing = pinsRepositoryIdAndName(condition);
    if (missing.length > 0) {
      report(
        `Workload identity provider ${q(provider.workloadIdentityPoolProviderId ?? args.name)} must pin the repository by id and name in every alternative; ${missing.map((m) => q(m)).join(", ")} does not (attributeCondition is ${q(condition)})`,
      );
    }
  },
);

export const iamPolicies: readonly Module6Policy[] = [
  iamNoBasicRoles,
  iamNoProjectLevelImpersonation,
  iamNoProjectLevelSecretAccess,
  iamNoPublicProjectMembers,
  serviceAccountIamNoPublicMembers,
  iamServiceAccountNoAdminRoles,
  iamNoDefaultServiceAccountGrants,
  iamDatastoreAccessScoped,
  iamPreferAdditiveMembers,
  iamNoServiceAccountKeys,
  wifProviderAttributeCondition,
  wifBindingPinnedToRepository,
  wifProviderPinsRepositoryId,
  deployerRolesAllowList,
];
