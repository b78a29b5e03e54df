import { describe, expect, it } from "vitest";
import {
  iamDatastoreAccessScoped,
  iamNoBasicRoles,
  iamNoProjectLevelImpersonation,
  iamNoProjectLevelSecretAccess,
  iamNoPublicProjectMembers,
  iamNoServiceAccountKeys,
  iamPreferAdditiveMembers,
  iamServiceAccountNoAdminRoles,
  wifBindingPinnedToRepository,
  wifProviderAttributeCondition,
} from "../../policies/iam";
import { T } from "../../policies/lib/tokens";
import { mutate, PROJECT, res, UNSET } from "../fixtures/policies/build";
import { fixtures, forbidden } from "../fixtures/policies/resources";
import { checkResource, messagesOf } from "./harness";

const grant = fixtures.projectIamMember;
const SA = `serviceAccount:m6-prod-api@${PROJECT}.iam.gserviceaccount.com`;
const on = `on project "${PROJECT}"`;

describe("iam-no-basic-roles", () => {
  const p = iamNoBasicRoles;
  it("passes predefined roles and refuses owner/editor/viewer, in members, bindings and policies", () => {
    expect(messagesOf(p, grant())).toEqual([]);
    expect(messagesOf(p, mutate(grant(), "role", "roles/editor"))).toEqual([
      `IAM grant ${on} must not use the basic role roles/editor (members: ${SA})`,
    ]);
    const binding = res(T.projectIamBinding, "b", {
      project: PROJECT,
      role: "roles/owner",
      members: ["user:a@example.com"],
    });
    expect(messagesOf(p, binding)).toEqual([
      `IAM grant ${on} must not use the basic role roles/owner (members: user:a@example.com)`,
    ]);
    const policy = res(T.projectIamPolicy, "p", {
      project: PROJECT,
      policyData: JSON.stringify({ bindings: [{ role: "roles/viewer", members: ["group:g@example.com"] }] }),
    });
    expect(messagesOf(p, policy)).toEqual([
      `IAM grant ${on} must not use the basic role roles/viewer (members: group:g@example.com)`,
    ]);
  });
});

describe("iam-no-project-level-service-account-impersonation", () => {
  const p = iamNoProjectLevelImpersonation;
  it.each([
    "roles/iam.serviceAccountUser",
    "roles/iam.serviceAccountTokenCreator",
    "roles/iam.workloadIdentityUser",
  ])("refuses %s at project level", (role) => {
    expect(messagesOf(p, mutate(grant(), "role", role))).toEqual([
      `IAM grant ${on} must not give ${role} at project level (members: ${SA}); grant it on the service account instead`,
    ]);
  });
  it("passes other roles", () => expect(messagesOf(p, grant())).toEqual([]));
});

describe("iam-no-project-level-secret-accessor", () => {
  const p = iamNoProjectLevelSecretAccess;
  it("refuses secretAccessor at project level and passes it per secret", () => {
    expect(messagesOf(p, mutate(grant(), "role", "roles/secretmanager.secretAccessor"))).toEqual([
      `IAM grant ${on} must not give roles/secretmanager.secretAccessor at project level (members: ${SA}); grant it per secret`,
    ]);
    expect(messagesOf(p, grant())).toEqual([]);
    expect(checkResource(p, fixtures.secretIamMember()).applicable).toBe(false);
  });
});

describe("iam-no-public-project-members", () => {
  it("refuses allUsers at project level", () => {
    expect(messagesOf(iamNoPublicProjectMembers, grant())).toEqual([]);
    expect(messagesOf(iamNoPublicProjectMembers, mutate(grant(), "member", "allAuthenticatedUsers"))).toEqual(
      [`IAM grant ${on} must not give roles/logging.logWriter to allAuthenticatedUsers`],
    );
  });
});

describe("iam-service-account-no-admin-roles", () => {
  const p = iamServiceAccountNoAdminRoles;
  it("refuses admin, owner and editor roles for service accounts, not for groups", () => {
    expect(messagesOf(p, grant())).toEqual([]);
    expect(messagesOf(p, mutate(grant(), "role", "roles/run.admin"))).toEqual([
      `Service account "m6-prod-api@${PROJECT}.iam.gserviceaccount.com" must not get roles/run.admin ${on}`,
    ]);
    expect(
      messagesOf(p, mutate(mutate(grant(), "role", "roles/run.admin"), "member", "group:ops@example.com")),
    ).toEqual([]);
  });
});

describe("iam-datastore-access-scoped", () => {
  const p = iamDatastoreAccessScoped;
  it("passes a conditioned Firestore grant and flags one without a condition", () => {
    expect(messagesOf(p, fixtures.datastoreGrant())).toEqual([]);
    expect(messagesOf(p, mutate(fixtures.datastoreGrant(), "condition", UNSET))).toEqual([
      `IAM grant of roles/datastore.user ${on} must carry a condition that names one database (members: ${SA})`,
    ]);
  });
});

describe("iam-prefer-additive-members", () => {
  const p = iamPreferAdditiveMembers;
  it("flags authoritative bindings and policies, not members", () => {
    expect(
      messagesOf(
        p,
        res(T.projectIamBinding, "b", { project: PROJECT, role: "roles/run.viewer", members: [] }),
      ),
    ).toEqual(['Project IAM "b" must use additive IAMMember resources, not an authoritative IAMBinding']);
    expect(messagesOf(p, res(T.projectIamPolicy, "p", { project: PROJECT, policyData: "{}" }))).toEqual([
      'Project IAM "p" must use additive IAMMember resources, not an authoritative IAMPolicy',
    ]);
  });
});

describe("iam-no-service-account-keys", () => {
  it("flags any user-managed key", () => {
    expect(messagesOf(iamNoServiceAccountKeys, forbidden.serviceAccountKey())).toEqual([
      `Service account key "ci-key" for "projects/${PROJECT}/serviceAccounts/m6-prod-api@${PROJECT}.iam.gserviceaccount.com" must not be created; use Workload Identity Federation`,
    ]);
  });
});

describe("wif-provider-attribute-condition", () => {
  const p = wifProviderAttributeCondition;
  const provider = fixtures.wifProvider;
  it("passes a condition pinned to one repository", () => expect(messagesOf(p, provider())).toEqual([]));
  it("refuses an unset condition (every repository) and one that pins nothing", () => {
    expect(messagesOf(p, mutate(provider(), "attributeCondition", UNSET))).toEqual([
      'Workload identity provider "github-actions" must pin assertion.repository in its attributeCondition; attributeCondition is unset, which admits tokens from every GitHub repository',
    ]);
    expect(
      messagesOf(p, mutate(provider(), "attributeCondition", "assertion.repository_owner == 'module6'")),
    ).toEqual([
      `Workload identity provider "github-actions" must pin assertion.repository in its attributeCondition; attributeCondition is "assertion.repository_owner == 'module6'"`,
    ]);
  });
  it("holds the repository to allowedRepositories when configured", () => {
    expect(messagesOf(p, provider(), { config: { allowedRepositories: ["module6/infra"] } })).toEqual([]);
    expect(messagesOf(p, provider(), { config: { allowedRepositories: ["module6/app"] } })).toEqual([
      'Workload identity provider "github-actions" must admit only repositories in allowedRepositories; it admits "module6/infra"',
    ]);
  });
  it("leaves non-GitHub providers alone", () => {
    expect(
      messagesOf(
        p,
        mutate(mutate(provider(), "oidc.issuerUri", "https://gitlab.com"), "attributeCondition", UNSET),
      ),
    ).toEqual([]);
  });
});

describe("wif-binding-pinned-to-repository", () => {
  const p = wifBindingPinnedToRepository;
  it("passes a repository principalSet and refuses the whole pool", () => {
    expect(messagesOf(p, fixtures.serviceAccountIamMember())).toEqual([]);
    const pool =
      "principalSet://iam.googleapis.com/projects/000000000000/locations/global/workloadIdentityPools/github/*";
    expect(messagesOf(p, mutate(fixtures.serviceAccountIamMember(), "member", pool))).toEqual([
      `Service account "projects/${PROJECT}/serviceAccounts/m6-deployer@${PROJECT}.iam.gserviceaccount.com" must grant roles/iam.workloadIdentityUser to one repository's principalSet, not the whole pool (${pool})`,
    ]);
  });
});
