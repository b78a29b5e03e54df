import { describe, expect, it } from "vitest";
import {
  iamDatastoreAccessScoped,
  iamNoBasicRoles,
  iamNoDefaultServiceAccountGrants,
  iamNoProjectLevelImpersonation,
  iamNoProjectLevelSecretAccess,
  iamNoPublicProjectMembers,
  iamNoServiceAccountKeys,
  iamPreferAdditiveMembers,
  iamServiceAccountNoAdminRoles,
  serviceAccountIamNoPublicMembers,
  wifBindingPinnedToRepository,
  wifProviderAttributeCondition,
} from "../../policies/iam";
import { PRIVILEGED_ROLES } from "../../policies/lib/roles";
import { T } from "../../policies/lib/tokens";
import { mutate, PROJECT, res, UNSET } from "../fixtures/policies/build";
import { fixtures, forbidden } from "../fixtures/policies/resources";
import { checkResource, messagesOf } from "./harness";

const grant = fixtures.projectIamMember;
const SA = `serviceAccount:m6-prod-api@${PROJECT}.iam.gserviceaccount.com`;
const on = `on project "${PROJECT}"`;
const policyData = (role: string, members: string[]): string =>
  JSON.stringify({ bindings: [{ role, members }] });

describe("iam-no-basic-roles", () => {
  const p = iamNoBasicRoles;
  it("passes predefined roles and refuses owner/editor/viewer, in members, bindings and policies", async () => {
    expect(await messagesOf(p, grant())).toEqual([]);
    expect(await messagesOf(p, mutate(grant(), "role", "roles/editor"))).toEqual([
      `IAM grant ${on} must not use the basic role roles/editor (members: ${SA})`,
    ]);
    const binding = res(T.projectIamBinding, "b", {
      project: PROJECT,
      role: "roles/owner",
      members: ["user:a@example.com"],
    });
    expect(await messagesOf(p, binding)).toEqual([
      `IAM grant ${on} must not use the basic role roles/owner (members: user:a@example.com)`,
    ]);
    const policy = res(T.projectIamPolicy, "p", {
      project: PROJECT,
      policyData: policyData("roles/viewer", ["group:g@example.com"]),
    });
    expect(await messagesOf(p, policy)).toEqual([
      `IAM grant ${on} must not use the basic role roles/viewer (members: group:g@example.com)`,
    ]);
  });
  it("refuses basic roles at folder and organization level and on every kind of resource", async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [T.folderIamMember, { folder: "folders/1234" }, 'folder "1234"'],
      [T.orgIamMember, { orgId: "5678" }, 'organization "5678"'],
      [
        T.serviceAccountIamMember,
        { serviceAccountId: `projects/${PROJECT}/serviceAccounts/a@b.com` },
        'service account "a@b.com"',
      ],
      [
        T.runServiceIamMember,
        { name: "m6-prod-api", location: "asia-northeast3" },
        'Cloud Run service "m6-prod-api"',
      ],
      [T.runV1IamMember, { service: "legacy", location: "asia-northeast3" }, 'Cloud Run service "legacy"'],
      [T.bucketIamMember, { bucket: "b" }, 'bucket "b"'],
      [T.secretIamMember, { secretId: `projects/${PROJECT}/secrets/s` }, 'secret "s"'],
      [
        T.repositoryIamMember,
        { repository: "r", location: "asia-northeast3" },
        'Artifact Registry repository "r"',
      ],
      [
        T.cryptoKeyIamMember,
        { cryptoKeyId: "projects/p/locations/l/keyRings/r/cryptoKeys/k" },
        'KMS key "k"',
      ],
      [T.keyRingIamMember, { keyRingId: "projects/p/locations/l/keyRings/r" }, 'KMS key ring "r"'],
    ];
    for (const [type, scope, target] of cases) {
      expect(
        await messagesOf(p, res(type, "g", { ...scope, role: "roles/viewer", member: "user:a@example.com" })),
        type,
      ).toEqual([
        `IAM grant on ${target} must not use the basic role roles/viewer (members: user:a@example.com)`,
      ]);
    }
    const runPolicy = res(T.runServiceIamPolicy, "g", {
      name: "svc",
      location: "l",
      policyData: policyData("roles/editor", ["allUsers"]),
    });
    expect(await messagesOf(p, runPolicy)).toEqual([
      'IAM grant on Cloud Run service "svc" must not use the basic role roles/editor (members: allUsers)',
    ]);
  });
});

describe("iam-no-project-level-service-account-impersonation", () => {
  const p = iamNoProjectLevelImpersonation;
  // Every predefined role whose permissions include actAs, token minting, key creation or setIamPolicy on
  // service accounts or the hierarchy (policies/lib/roles.ts), besides the basic roles and service agent roles.
  const privileged = [
    "roles/assuredoss.admin",
    "roles/backupdr.computeEngineOperator",
    "roles/dataproc.hubAgent",
    "roles/earthengine.appsPublisher",
    "roles/iam.admin",
    "roles/iam.dataScientist",
    "roles/iam.databasesAdmin",
    "roles/iam.devOps",
    "roles/iam.editor",
    "roles/iam.securityAdmin",
    "roles/iam.serviceAccountAdmin",
    "roles/iam.serviceAccountKeyAdmin",
    "roles/iam.serviceAccountOpenIdTokenCreator",
    "roles/iam.serviceAccountTokenCreator",
    "roles/iam.serviceAccountUser",
    "roles/iam.workloadIdentityUser",
    "roles/resourcemanager.folderAdmin",
    "roles/resourcemanager.folderIamAdmin",
    "roles/resourcemanager.organizationAdmin",
    "roles/resourcemanager.projectIamAdmin",
    "roles/securitycenter.admin",
  ];
  it("holds the catalog built from Google's role definitions: 84 roles, 61 of them service agent roles", () => {
    const roles = Object.keys(PRIVILEGED_ROLES);
    expect(roles).toHaveLength(84);
    expect(roles.filter((r) => /serviceAgent|ServiceAgent/.test(r))).toHaveLength(61);
    expect(roles.filter((r) => !/serviceAgent|ServiceAgent/.test(r)).sort()).toEqual(
      [...privileged, "roles/editor", "roles/owner"].sort(),
    );
    expect(PRIVILEGED_ROLES["roles/iam.serviceAccountUser"]).toEqual(["actAs"]);
    expect(PRIVILEGED_ROLES["roles/iam.serviceAccountTokenCreator"]).toEqual(["token"]);
    expect(PRIVILEGED_ROLES["roles/iam.serviceAccountKeyAdmin"]).toEqual(["keys"]);
    expect(PRIVILEGED_ROLES["roles/iam.serviceAccountAdmin"]).toEqual(["saPolicy"]);
    expect(PRIVILEGED_ROLES["roles/resourcemanager.projectIamAdmin"]).toEqual(["iamPolicy"]);
  });
  it.each(privileged)("refuses %s at project level", async (role) => {
    const messages = await messagesOf(p, mutate(grant(), "role", role));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      new RegExp(
        `^IAM grant on project "${PROJECT}" must not give ${role.replace(/\./g, "\\.")}, which lets its members `,
      ),
    );
  });
  it("names what the role allows", async () => {
    expect(await messagesOf(p, mutate(grant(), "role", "roles/iam.serviceAccountUser"))).toEqual([
      `IAM grant ${on} must not give roles/iam.serviceAccountUser, which lets its members run code as any service account (members: ${SA}); grant it on the one service account instead`,
    ]);
    expect(await messagesOf(p, mutate(grant(), "role", "roles/iam.securityAdmin"))).toEqual([
      `IAM grant ${on} must not give roles/iam.securityAdmin, which lets its members grant itself any role and grant itself access to any service account (members: ${SA}); grant it on the one service account instead`,
    ]);
  });
  it("refuses them at folder and organization level, in bindings and parsed policies", async () => {
    expect(
      await messagesOf(
        p,
        res(T.folderIamBinding, "f", {
          folder: "folders/1",
          role: "roles/iam.serviceAccountTokenCreator",
          members: ["user:a@example.com"],
        }),
      ),
    ).toHaveLength(1);
    expect(
      await messagesOf(
        p,
        res(T.orgIamPolicy, "o", {
          orgId: "1",
          policyData: policyData("roles/iam.workloadIdentityUser", ["group:g@example.com"]),
        }),
      ),
    ).toHaveLength(1);
  });
  const agentRoles = Object.keys(PRIVILEGED_ROLES).filter((r) => /serviceAgent|ServiceAgent/.test(r));
  it.each(agentRoles)(
    "refuses %s to a person or a workload, and passes it to a service agent",
    async (role) => {
      const grantOf = (member: string) => mutate(mutate(grant(), "role", role), "member", member);
      expect(await messagesOf(p, grantOf("user:jane@example.com"))).toEqual([
        `IAM grant ${on} must give the service agent role ${role} only to Google's service agents, not to user:jane@example.com`,
      ]);
      expect(await messagesOf(p, grantOf(SA))).toHaveLength(1);
      expect(
        await messagesOf(
          p,
          grantOf("serviceAccount:service-123456789012@gcp-sa-example.iam.gserviceaccount.com"),
        ),
      ).toEqual([]);
    },
  );
  it("gives service agent roles only to Google's service agents", async () => {
    const agentRole = mutate(grant(), "role", "roles/run.serviceAgent");
    expect(await messagesOf(p, agentRole)).toEqual([
      `IAM grant ${on} must give the service agent role roles/run.serviceAgent only to Google's service agents, not to ${SA}`,
    ]);
    expect(
      await messagesOf(
        p,
        mutate(
          agentRole,
          "member",
          "serviceAccount:service-123456789012@serverless-robot-prod.iam.gserviceaccount.com",
        ),
      ),
    ).toEqual([]);
    expect(
      await messagesOf(
        p,
        mutate(
          mutate(grant(), "role", "roles/compute.instanceGroupManagerServiceAgent"),
          "member",
          "user:a@example.com",
        ),
      ),
    ).toHaveLength(1);
    expect(
      await messagesOf(
        p,
        mutate(
          mutate(grant(), "role", "roles/container.serviceAgent"),
          "member",
          "serviceAccount:service-1@container-engine-robot.iam.gserviceaccount.com",
        ),
      ),
    ).toEqual([]);
  });
  it("leaves basic roles to iam-no-basic-roles and passes ordinary roles", async () => {
    expect(await messagesOf(p, mutate(grant(), "role", "roles/owner"))).toEqual([]);
    expect(await messagesOf(p, grant())).toEqual([]);
    expect(await messagesOf(p, mutate(grant(), "role", "roles/run.developer"))).toEqual([]);
  });
  it("is not applicable to grants on one service account", async () => {
    expect((await checkResource(p, fixtures.serviceAccountIamMember())).applicable).toBe(false);
  });
});

describe("iam-no-project-level-secret-accessor", () => {
  const p = iamNoProjectLevelSecretAccess;
  it("refuses secretAccessor at project level and passes it per secret", async () => {
    expect(await messagesOf(p, mutate(grant(), "role", "roles/secretmanager.secretAccessor"))).toEqual([
      `IAM grant ${on} must not give roles/secretmanager.secretAccessor (members: ${SA}); grant it per secret`,
    ]);
    expect(await messagesOf(p, grant())).toEqual([]);
    expect((await checkResource(p, fixtures.secretIamMember())).applicable).toBe(false);
  });
});

describe("iam-no-public-project-members", () => {
  const p = iamNoPublicProjectMembers;
  it("refuses allUsers at project, folder and organization level, in policy documents too", async () => {
    expect(await messagesOf(p, grant())).toEqual([]);
    expect(await messagesOf(p, mutate(grant(), "member", "allAuthenticatedUsers"))).toEqual([
      `IAM grant ${on} must not give roles/logging.logWriter to allAuthenticatedUsers`,
    ]);
    expect(
      await messagesOf(
        p,
        res(T.orgIamPolicy, "o", { orgId: "1", policyData: policyData("roles/browser", ["allUsers"]) }),
      ),
    ).toEqual(['IAM grant on organization "1" must not give roles/browser to allUsers']);
  });
});

describe("service-account-iam-no-public-members", () => {
  const p = serviceAccountIamNoPublicMembers;
  it("refuses a public principal on a service account", async () => {
    expect(await messagesOf(p, fixtures.serviceAccountIamMember())).toEqual([]);
    expect(await messagesOf(p, mutate(fixtures.serviceAccountIamMember(), "member", "allUsers"))).toEqual([
      `IAM grant on service account "m6-deployer@${PROJECT}.iam.gserviceaccount.com" must not give roles/iam.workloadIdentityUser to allUsers`,
    ]);
  });
});

describe("iam-service-account-no-admin-roles", () => {
  const p = iamServiceAccountNoAdminRoles;
  it("refuses admin, owner and editor roles for service accounts, not for groups", async () => {
    expect(await messagesOf(p, grant())).toEqual([]);
    expect(await messagesOf(p, mutate(grant(), "role", "roles/run.admin"))).toEqual([
      `Service account "m6-prod-api@${PROJECT}.iam.gserviceaccount.com" must not get roles/run.admin ${on}`,
    ]);
    expect(
      await messagesOf(
        p,
        mutate(mutate(grant(), "role", "roles/run.admin"), "member", "group:ops@example.com"),
      ),
    ).toEqual([]);
  });
  it("counts any service-account address, and *Admin, *.owner and *.editor roles", async () => {
    expect(
      await messagesOf(
        p,
        mutate(mutate(grant(), "role", "roles/owner"), "member", "user:x@p.iam.gserviceaccount.com"),
      ),
    ).toEqual([`Service account "x@p.iam.gserviceaccount.com" must not get roles/owner ${on}`]);
    expect(await messagesOf(p, mutate(grant(), "role", "roles/iam.serviceAccountAdmin"))).toHaveLength(1);
    expect(await messagesOf(p, mutate(grant(), "role", "roles/datastore.owner"))).toHaveLength(1);
    expect(await messagesOf(p, mutate(grant(), "role", "roles/cloudbuild.builds.editor"))).toHaveLength(1);
    expect(
      await messagesOf(
        p,
        res(T.folderIamMember, "f", { folder: "folders/1", role: "roles/editor", member: SA }),
      ),
    ).toHaveLength(1);
  });
});

describe("iam-no-default-service-account-grants", () => {
  const p = iamNoDefaultServiceAccountGrants;
  it("refuses grants to the default Compute Engine and App Engine accounts at every level", async () => {
    expect(await messagesOf(p, grant())).toEqual([]);
    const compute = "serviceAccount:123456789012-compute@developer.gserviceaccount.com";
    expect(await messagesOf(p, mutate(grant(), "member", compute))).toEqual([
      `IAM grant ${on} must not give roles/logging.logWriter to the default service account "${compute}"`,
    ]);
    expect(
      await messagesOf(
        p,
        res(T.folderIamBinding, "f", {
          folder: "folders/1",
          role: "roles/viewer",
          members: ["user:a@example.com", `serviceAccount:${PROJECT}@appspot.gserviceaccount.com`],
        }),
      ),
    ).toEqual([
      `IAM grant on folder "1" must not give roles/viewer to the default service account "serviceAccount:${PROJECT}@appspot.gserviceaccount.com"`,
    ]);
    expect(
      await messagesOf(
        p,
        res(T.orgIamMember, "o", {
          orgId: "1",
          role: "roles/viewer",
          member: "123-compute@developer.gserviceaccount.com",
        }),
      ),
    ).toHaveLength(1);
  });
});

describe("iam-datastore-access-scoped", () => {
  const p = iamDatastoreAccessScoped;
  it("passes a conditioned Firestore grant and flags one without a condition", async () => {
    expect(await messagesOf(p, fixtures.datastoreGrant())).toEqual([]);
    expect(await messagesOf(p, mutate(fixtures.datastoreGrant(), "condition", UNSET))).toEqual([
      `IAM grant of roles/datastore.user ${on} must carry a condition that names one database (members: ${SA})`,
    ]);
  });
});

describe("iam-prefer-additive-members", () => {
  const p = iamPreferAdditiveMembers;
  it("flags authoritative bindings and policies, not members", async () => {
    expect(
      await messagesOf(
        p,
        res(T.projectIamBinding, "b", { project: PROJECT, role: "roles/run.viewer", members: [] }),
      ),
    ).toEqual([`IAM ${on} must use additive IAMMember resources, not an authoritative IAMBinding`]);
    expect(
      await messagesOf(p, res(T.folderIamPolicy, "p", { folder: "folders/9", policyData: "{}" })),
    ).toEqual(['IAM on folder "9" must use additive IAMMember resources, not an authoritative IAMPolicy']);
    expect((await checkResource(p, grant())).applicable).toBe(false);
  });
});

describe("iam-no-service-account-keys", () => {
  it("flags any user-managed key", async () => {
    expect(await messagesOf(iamNoServiceAccountKeys, forbidden.serviceAccountKey())).toEqual([
      `Service account key "ci-key" for "projects/${PROJECT}/serviceAccounts/m6-prod-api@${PROJECT}.iam.gserviceaccount.com" must not be created; use Workload Identity Federation`,
    ]);
  });
});

describe("wif-provider-attribute-condition", () => {
  const p = wifProviderAttributeCondition;
  const provider = fixtures.wifProvider;
  const withCondition = (condition: string) => mutate(provider(), "attributeCondition", condition);
  it("passes a condition pinned to one repository", async () =>
    expect(await messagesOf(p, provider())).toEqual([]));
  it("accepts the pinned forms: repository, repository id, subject, subject prefix, a list, mapped attributes", async () => {
    for (const condition of [
      "assertion.sub == 'repo:module6/infra:ref:refs/heads/main'",
      'assertion.sub == "repo:module6/infra:environment:prod"',
      "assertion.sub.startsWith('repo:module6/infra:')",
      "assertion.repository_id == '123456'",
      "assertion.repository in ['module6/infra', 'module6/app']",
      "attribute.repository == 'module6/infra'",
      "assertion.repository == 'module6/infra' && assertion.ref == 'refs/heads/main'",
      "(assertion.repository == 'module6/infra' || assertion.repository == 'module6/app') && assertion.ref_type == 'branch'",
    ]) {
      expect(await messagesOf(p, withCondition(condition)), condition).toEqual([]);
    }
  });
  it("refuses an unset or empty condition (every token of the issuer)", async () => {
    expect(await messagesOf(p, mutate(provider(), "attributeCondition", UNSET))).toEqual([
      'Workload identity provider "github-actions" must have an attributeCondition; attributeCondition is unset, which admits every token of its issuer',
    ]);
    expect(await messagesOf(p, withCondition(" "))).toHaveLength(1);
  });
  it("refuses conditions that pin nothing, or that an || widens to an owner", async () => {
    expect(await messagesOf(p, withCondition("assertion.repository_owner == 'module6'"))).toEqual([
      `Workload identity provider "github-actions" must pin every admitted token to one GitHub repository; "assertion.repository_owner == 'module6'" pins none (attributeCondition is "assertion.repository_owner == 'module6'")`,
    ]);
    const widened = "assertion.repository == 'module6/infra' || assertion.repository_owner == 'module6'";
    expect(await messagesOf(p, withCondition(widened))).toEqual([
      `Workload identity provider "github-actions" must pin every admitted token to one GitHub repository; "assertion.repository_owner == 'module6'" pins none (attributeCondition is "${widened}")`,
    ]);
    for (const condition of [
      "assertion.sub == 'repo:*'",
      "assertion.sub == 'repo:module6*'",
      "assertion.sub.startsWith('repo:module6/infra')",
      "assertion.sub == 'workflow:deploy'",
      "!(assertion.repository == 'module6/infra')",
      "attribute.actor == 'someone'",
    ]) {
      expect(await messagesOf(p, withCondition(condition)), condition).toHaveLength(1);
    }
  });
  it("holds the repositories to allowedRepositories when configured", async () => {
    expect(await messagesOf(p, provider(), { config: { allowedRepositories: ["module6/infra"] } })).toEqual(
      [],
    );
    expect(await messagesOf(p, provider(), { config: { allowedRepositories: ["module6/app"] } })).toEqual([
      'Workload identity provider "github-actions" must admit only repositories in allowedRepositories; it admits "module6/infra"',
    ]);
  });
  it("wants a condition from other issuers too, without judging its claims", async () => {
    const gitlab = mutate(provider(), "oidc.issuerUri", "https://gitlab.com");
    expect(
      await messagesOf(p, mutate(gitlab, "attributeCondition", "assertion.namespace_path == 'module6'")),
    ).toEqual([]);
    expect(await messagesOf(p, mutate(gitlab, "attributeCondition", UNSET))).toHaveLength(1);
  });
});

describe("wif-binding-pinned-to-repository", () => {
  const p = wifBindingPinnedToRepository;
  const pool =
    "principalSet://iam.googleapis.com/projects/000000000000/locations/global/workloadIdentityPools/github";
  it("passes a repository principalSet and refuses the whole pool or a whole owner", async () => {
    expect(await messagesOf(p, fixtures.serviceAccountIamMember())).toEqual([]);
    expect(await messagesOf(p, mutate(fixtures.serviceAccountIamMember(), "member", `${pool}/*`))).toEqual([
      `IAM grant on service account "m6-deployer@${PROJECT}.iam.gserviceaccount.com" must give roles/iam.workloadIdentityUser to one repository's principalSet, not "${pool}/*"`,
    ]);
    expect(
      await messagesOf(
        p,
        mutate(fixtures.serviceAccountIamMember(), "member", `${pool}/attribute.repository_owner/module6`),
      ),
    ).toHaveLength(1);
  });
  it("reads service account IAM policies too", async () => {
    const doc = res(T.serviceAccountIamPolicy, "p", {
      serviceAccountId: "projects/p/serviceAccounts/d@p.iam.gserviceaccount.com",
      policyData: policyData("roles/iam.workloadIdentityUser", [`${pool}/*`]),
    });
    expect(await messagesOf(p, doc)).toHaveLength(1);
  });
});
