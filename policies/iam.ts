/**
 * IAM: project-level roles, service-account keys and impersonation, and Workload Identity Federation for
 * the CI identity.
 */
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import { configProperties, readConfig, schema } from "./lib/config";
import { checkov, cis } from "./lib/frameworks";
import { grantsOf, isPublicMember, serviceAccountEmail } from "./lib/members";
import { resourcePolicy, type Module6Policy } from "./lib/policy";
import { T } from "./lib/tokens";
import { q, shown, str, tryRead } from "./lib/values";

const PROJECT_GRANTS = [T.projectIamMember, T.projectIamBinding, T.projectIamPolicy] as const;

export const BASIC_ROLES = ["roles/owner", "roles/editor", "roles/viewer"];
export const IMPERSONATION_ROLES = [
  "roles/iam.serviceAccountUser",
  "roles/iam.serviceAccountTokenCreator",
  "roles/iam.workloadIdentityUser",
  "roles/iam.serviceAccountKeyAdmin",
];
export const SECRET_READ_ROLES = [
  "roles/secretmanager.secretAccessor",
  "roles/secretmanager.secretVersionManager",
  "roles/secretmanager.admin",
];
/** Roles that read or write every Firestore database of a project unless conditioned. */
export const DATASTORE_ROLES = ["roles/datastore.user", "roles/datastore.owner", "roles/datastore.viewer"];

type ProjectGrant = { project?: string };
const where = (props: ProjectGrant): string => {
  const project = str(tryRead(() => props.project));
  return project ? `on project ${q(project)}` : "at project level";
};

export const iamNoBasicRoles = resourcePolicy<ProjectGrant>(
  {
    name: "iam-no-basic-roles",
    domain: "iam",
    description:
      "Checks that no project-level IAM member, binding or policy grants a basic role (roles/owner, roles/editor, roles/viewer), which span every service of the project.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant the predefined roles the principal needs, on the narrowest resource (a bucket, a secret, a service).",
    framework: checkov("CKV_GCP_117", "Ensure basic roles are not used at project level."),
    types: PROJECT_GRANTS,
  },
  (grant, args, report) => {
    for (const g of grantsOf(args.props).filter((x) => BASIC_ROLES.includes(x.role))) {
      report(
        `IAM grant ${where(grant)} must not use the basic role ${g.role} (members: ${g.members.join(", ")})`,
      );
    }
  },
);

export const iamNoProjectLevelImpersonation = resourcePolicy<ProjectGrant>(
  {
    name: "iam-no-project-level-service-account-impersonation",
    domain: "iam",
    description:
      "Checks that no one gets Service Account User, Token Creator, Workload Identity User or Key Admin at project level, which lets them act as every service account of the project.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant the role on the one service account to impersonate (gcp.serviceaccount.IAMMember), e.g. the deployer's actAs on each runtime account.",
    framework: cis(
      "1.6",
      "Ensure That IAM Users Are Not Assigned the Service Account User or Service Account Token Creator Roles at Project Level",
    ),
    otherIds: ["CKV_GCP_41", "CKV_GCP_49", "AVD-GCP-0011"],
    types: PROJECT_GRANTS,
  },
  (grant, args, report) => {
    for (const g of grantsOf(args.props).filter((x) => IMPERSONATION_ROLES.includes(x.role))) {
      report(
        `IAM grant ${where(grant)} must not give ${g.role} at project level (members: ${g.members.join(", ")}); grant it on the service account instead`,
      );
    }
  },
);

export const iamNoProjectLevelSecretAccess = resourcePolicy<ProjectGrant>(
  {
    name: "iam-no-project-level-secret-accessor",
    domain: "iam",
    description:
      "Checks that no one gets Secret Manager accessor, version manager or admin at project level, which opens every secret of the project; access is granted per secret.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant roles/secretmanager.secretAccessor on each secret the principal mounts (`secret.grantAccess(sa)`).",
    types: PROJECT_GRANTS,
  },
  (grant, args, report) => {
    for (const g of grantsOf(args.props).filter((x) => SECRET_READ_ROLES.includes(x.role))) {
      report(
        `IAM grant ${where(grant)} must not give ${g.role} at project level (members: ${g.members.join(", ")}); grant it per secret`,
      );
    }
  },
);

export const iamNoPublicProjectMembers = resourcePolicy<ProjectGrant>(
  {
    name: "iam-no-public-project-members",
    domain: "iam",
    description: "Checks that no project-level IAM grant names allUsers or allAuthenticatedUsers.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Remove the grant; grant roles to groups or service accounts.",
    framework: checkov("CKV_GCP_113", "Ensure IAM policy should not define public access"),
    types: PROJECT_GRANTS,
  },
  (grant, args, report) => {
    for (const g of grantsOf(args.props)) {
      for (const member of g.members.filter(isPublicMember)) {
        report(`IAM grant ${where(grant)} must not give ${g.role} to ${member}`);
      }
    }
  },
);

export const iamServiceAccountNoAdminRoles = resourcePolicy<ProjectGrant>(
  {
    name: "iam-service-account-no-admin-roles",
    domain: "iam",
    description:
      "Checks that no service account gets an admin role (roles/*admin*), roles/owner or roles/editor at project level; runtime identities keep only the telemetry roles and per-resource grants.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant the service account the specific non-admin roles it needs, on the resources it uses.",
    framework: cis("1.5", "Ensure That Service Account Has No Admin Privileges"),
    otherIds: ["CKV_GCP_42", "AVD-GCP-0007"],
    types: PROJECT_GRANTS,
  },
  (grant, args, report) => {
    for (const g of grantsOf(args.props)) {
      if (!/admin/i.test(g.role) && g.role !== "roles/owner" && g.role !== "roles/editor") continue;
      for (const member of g.members.filter((m) => serviceAccountEmail(m) !== undefined)) {
        report(`Service account ${q(serviceAccountEmail(member))} must not get ${g.role} ${where(grant)}`);
      }
    }
  },
);

export const iamDatastoreAccessScoped = resourcePolicy<ProjectGrant>(
  {
    name: "iam-datastore-access-scoped",
    domain: "iam",
    description:
      "Checks that a project-level Firestore role (roles/datastore.user, owner or viewer) carries an IAM condition naming the database, so a service reads and writes only its environment's database (feature databases share the staging project).",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Add `condition: { title, expression: 'resource.name == \"projects/<p>/databases/<db>\"' }` (the Firestore component's grants do).",
    types: [T.projectIamMember, T.projectIamBinding],
  },
  (grant, args, report) => {
    for (const g of grantsOf(args.props).filter((x) => DATASTORE_ROLES.includes(x.role) && !x.conditional)) {
      report(
        `IAM grant of ${g.role} ${where(grant)} must carry a condition that names one database (members: ${g.members.join(", ")})`,
      );
    }
  },
);

export const iamPreferAdditiveMembers = resourcePolicy(
  {
    name: "iam-prefer-additive-members",
    domain: "iam",
    description:
      "Checks that project IAM is managed additively with IAMMember resources, not with authoritative IAMBinding or IAMPolicy resources that silently remove grants made elsewhere (other stacks, Google's service agents).",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
      "Replace gcp.projects.IAMBinding / IAMPolicy with one gcp.projects.IAMMember per member.",
    types: [T.projectIamBinding, T.projectIamPolicy],
  },
  (_grant, args, report) => {
    const kind = args.type === T.projectIamPolicy ? "IAMPolicy" : "IAMBinding";
    report(`Project IAM ${q(args.name)} must use additive IAMMember resources, not an authoritative ${kind}`);
  },
);

export const iamNoServiceAccountKeys = resourcePolicy(
  {
    name: "iam-no-service-account-keys",
    domain: "iam",
    description:
      "Checks that the stack creates no user-managed service-account keys; CI authenticates through Workload Identity Federation and workloads through their attached identity.",
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

const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
/** `assertion.repository == 'owner/name'` (either quote) in an attribute condition. */
const REPOSITORY_PIN = /assertion\.repository\s*==\s*['"]([\w.-]+\/[\w.-]+)['"]/g;

export const wifProviderAttributeCondition = resourcePolicy<WifProvider>(
  {
    name: "wif-provider-attribute-condition",
    domain: "iam",
    description:
      "Checks that a GitHub Actions Workload Identity Federation provider has an attributeCondition that pins assertion.repository to one repository (and, with allowedRepositories configured, to one of those). Unset attributeCondition admits every GitHub repository's tokens.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Set `attributeCondition: \"assertion.repository == 'org/repo'\"` and map `attribute.repository`; bind roles to `principalSet://…/attribute.repository/org/repo`.",
    framework: checkov("CKV_GCP_125", "Ensure GCP GitHub Actions OIDC trust policy is configured securely"),
    otherIds: ["CKV_GCP_118", "AVD-GCP-0068"],
    configSchema: schema({ allowedRepositories: configProperties.allowedRepositories }),
    types: [T.wifProvider],
  },
  (provider, args, report) => {
    if (provider.oidc?.issuerUri !== GITHUB_ISSUER) return;
    const name = q(provider.workloadIdentityPoolProviderId ?? args.name);
    const condition = provider.attributeCondition ?? "";
    const pinned = [...condition.matchAll(REPOSITORY_PIN)].map((m) => m[1] ?? "");
    if (pinned.length === 0) {
      report(
        `Workload identity provider ${name} must pin assertion.repository in its attributeCondition; ${shown("attributeCondition", provider.attributeCondition, "admits tokens from every GitHub repository")}`,
      );
      return;
    }
    const { allowedRepositories } = readConfig(args, { allowedRepositories: [] as string[] });
    for (const repo of pinned.filter(
      (r) => allowedRepositories.length > 0 && !allowedRepositories.includes(r),
    )) {
      report(
        `Workload identity provider ${name} must admit only repositories in allowedRepositories; it admits ${q(repo)}`,
      );
    }
  },
);

export const wifBindingPinnedToRepository = resourcePolicy<{ serviceAccountId?: string }>(
  {
    name: "wif-binding-pinned-to-repository",
    domain: "iam",
    description:
      "Checks that roles/iam.workloadIdentityUser on a service account is granted to one repository's principalSet (…/attribute.repository/<owner>/<repo>), never to a whole workload identity pool (…/*).",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Bind `principalSet://iam.googleapis.com/projects/<n>/locations/global/workloadIdentityPools/<pool>/attribute.repository/<owner>/<repo>`.",
    types: [T.serviceAccountIamMember, T.serviceAccountIamBinding],
  },
  (grant, args, report) => {
    for (const g of grantsOf(args.props).filter((x) => x.role === "roles/iam.workloadIdentityUser")) {
      for (const member of g.members.filter((m) => m.startsWith("principalSet://") && m.endsWith("/*"))) {
        report(
          `Service account ${q(str(tryRead(() => grant.serviceAccountId)) ?? args.name)} must grant roles/iam.workloadIdentityUser to one repository's principalSet, not the whole pool (${member})`,
        );
      }
    }
  },
);

export const iamPolicies: readonly Module6Policy[] = [
  iamNoBasicRoles,
  iamNoProjectLevelImpersonation,
  iamNoProjectLevelSecretAccess,
  iamNoPublicProjectMembers,
  iamServiceAccountNoAdminRoles,
  iamDatastoreAccessScoped,
  iamPreferAdditiveMembers,
  iamNoServiceAccountKeys,
  wifProviderAttributeCondition,
  wifBindingPinnedToRepository,
];
