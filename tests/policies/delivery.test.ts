/** The policies the bootstrap needs: state bucket hardening, WIF pinning by id, deployers' listed roles. */
import { describe, expect, it } from "vitest";
import {
  deployerRolesAllowList,
  iamNoProjectLevelImpersonation,
  iamNoProjectLevelSecretAccess,
  iamServiceAccountNoAdminRoles,
  wifProviderAttributeCondition,
  wifProviderPinsRepositoryId,
} from "../../policies/iam";
import { stateBucketHardening } from "../../policies/storage";
import { T } from "../../policies/lib/tokens";
import { mutate, res, UNSET } from "../fixtures/policies/build";
import { messagesOf } from "./harness";

const stateBucket = () =>
  res(T.bucket, "state-bucket", {
    name: "m6-state",
    location: "ASIA-NORTHEAST3",
    uniformBucketLevelAccess: true,
    publicAccessPrevention: "enforced",
    versioning: { enabled: true },
    lifecycleRules: [{ action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30 } }],
    forceDestroy: false,
    labels: { purpose: "pulumi-state", env: "bootstrap" },
  });

describe("state-bucket-hardening", () => {
  const p = stateBucketHardening;
  it("passes the hardened state bucket, and a bucket that is not a state bucket", async () => {
    expect(await messagesOf(p, stateBucket())).toEqual([]);
    expect(
      await messagesOf(p, mutate(mutate(stateBucket(), "labels.purpose", "static"), "versioning", UNSET)),
    ).toEqual([]);
  });
  it("names each missing hardening", async () => {
    expect(await messagesOf(p, mutate(stateBucket(), "versioning.enabled", false))).toEqual([
      'State bucket "m6-state" must be hardened: versioning is not enabled',
    ]);
    expect(await messagesOf(p, mutate(stateBucket(), "lifecycleRules", UNSET))).toEqual([
      'State bucket "m6-state" must be hardened: no lifecycle rule deletes noncurrent versions',
    ]);
    expect(
      await messagesOf(
        p,
        mutate(stateBucket(), "lifecycleRules", [
          { action: { type: "SetStorageClass" }, condition: { daysSinceNoncurrentTime: 30 } },
        ]),
      ),
    ).toHaveLength(1);
    expect(
      await messagesOf(
        p,
        mutate(stateBucket(), "lifecycleRules", [{ action: { type: "Delete" }, condition: { age: 30 } }]),
      ),
    ).toHaveLength(1);
    expect(
      await messagesOf(
        p,
        mutate(stateBucket(), "lifecycleRules", [
          { action: { type: "Delete" }, condition: { numNewerVersions: 5 } },
        ]),
      ),
    ).toEqual([]);
    expect(await messagesOf(p, mutate(stateBucket(), "publicAccessPrevention", "inherited"))).toEqual([
      'State bucket "m6-state" must be hardened: public access prevention is not enforced',
    ]);
    expect(await messagesOf(p, mutate(stateBucket(), "uniformBucketLevelAccess", false))).toHaveLength(1);
    expect(await messagesOf(p, mutate(stateBucket(), "forceDestroy", true))).toEqual([
      'State bucket "m6-state" must be hardened: forceDestroy is on',
    ]);
  });
});

const provider = (condition: string) =>
  res(T.wifProvider, "github-provider", {
    workloadIdentityPoolProviderId: "github-actions",
    attributeCondition: condition,
    oidc: { issuerUri: "https://token.actions.githubusercontent.com" },
  });

describe("wif-provider-attribute-condition with an id pin beside the name", () => {
  it("still holds the named repository to allowedRepositories (an id conjunct does not hide the name)", async () => {
    const condition = "assertion.repository_id == '2' && assertion.repository == 'a/b'";
    const config = { allowedRepositories: ["a/c"] };
    expect(await messagesOf(wifProviderAttributeCondition, provider(condition), { config })).toEqual([
      `Workload identity provider "github-actions" must admit only repositories in allowedRepositories; it admits "a/b"`,
    ]);
    expect(
      await messagesOf(wifProviderAttributeCondition, provider(condition), {
        config: { allowedRepositories: ["a/b"] },
      }),
    ).toEqual([]);
  });
});

describe("wif-provider-pins-repository-id", () => {
  const p = wifProviderPinsRepositoryId;
  const pinned =
    "assertion.repository_owner_id == '1' && assertion.repository_id == '2' && assertion.repository == 'a/b'";
  it("passes a condition that pins id and name, in any order of operands", async () => {
    expect(await messagesOf(p, provider(pinned))).toEqual([]);
    expect(
      await messagesOf(p, provider("'2' == assertion.repository_id && ('a/b' == assertion.repository)")),
    ).toEqual([]);
  });
  it("refuses a name-only or id-only pin, and an || alternative that drops either", async () => {
    expect(await messagesOf(p, provider("assertion.repository == 'a/b'"))).toEqual([
      `Workload identity provider "github-actions" must pin the repository by id and name in every alternative; "assertion.repository == 'a/b'" does not (attributeCondition is "assertion.repository == 'a/b'")`,
    ]);
    expect(await messagesOf(p, provider("assertion.repository_id == '2'"))).toHaveLength(1);
    expect(await messagesOf(p, provider(`(${pinned}) || assertion.repository == 'a/c'`))).toHaveLength(1);
    // An id inside a nested || is not a top-level pin.
    expect(
      await messagesOf(
        p,
        provider("assertion.repository == 'a/b' && (assertion.repository_id == '2' || true)"),
      ),
    ).toHaveLength(1);
  });
  it("does not judge providers of other issuers", async () => {
    expect(await messagesOf(p, mutate(provider("true"), "oidc.issuerUri", "https://gitlab.com"))).toEqual([]);
  });
});

const grant = (member: string, role: string) =>
  res(T.projectIamMember, "deployer-grant", { project: "p", role, member });
const sa = (id: string) => `serviceAccount:${id}@p.iam.gserviceaccount.com`;

describe("deployer-roles-allow-list", () => {
  const p = deployerRolesAllowList;
  it("passes each deployer's listed roles, and other accounts (not deployers)", async () => {
    expect(await messagesOf(p, grant(sa("ci-pr-check"), "roles/run.viewer"))).toEqual([]);
    expect(await messagesOf(p, grant(sa("ci-deploy-prod"), "roles/run.admin"))).toEqual([]);
    expect(await messagesOf(p, grant(sa("m6-prod-api"), "roles/owner"))).toEqual([]);
  });
  it("refuses a role beyond the list (a read-only deployer that could write) and an unlisted ci- account", async () => {
    const [message] = await messagesOf(p, grant(sa("ci-pr-check"), "roles/run.admin"));
    expect(message).toMatch(
      /^Deployer "ci-pr-check@p\.iam\.gserviceaccount\.com" must get only its listed roles \(roles\/iam\.securityReviewer, .*\), not roles\/run\.admin on project "p"$/,
    );
    expect(await messagesOf(p, grant(sa("ci-pr-env"), "roles/resourcemanager.projectIamAdmin"))).toHaveLength(
      1,
    );
    expect(await messagesOf(p, grant(sa("ci-other"), "roles/run.viewer"))).toEqual([
      'Deployer "ci-other@p.iam.gserviceaccount.com" must be listed in deployerRoles before it gets roles/run.viewer on project "p"',
    ]);
  });
  it("follows the configured list", async () => {
    const config = { deployerRoles: { "ci-pr-check": ["roles/run.viewer"] } };
    expect(await messagesOf(p, grant(sa("ci-pr-check"), "roles/compute.viewer"), { config })).toHaveLength(1);
  });
});

describe("listed deployers pass the admin, impersonation and secret-accessor checks only with listed roles", () => {
  it("lets a listed deployer hold its listed admin roles", async () => {
    expect(
      await messagesOf(iamServiceAccountNoAdminRoles, grant(sa("ci-deploy-prod"), "roles/run.admin")),
    ).toEqual([]);
    expect(
      await messagesOf(
        iamNoProjectLevelImpersonation,
        grant(sa("ci-deploy-prod"), "roles/iam.serviceAccountAdmin"),
      ),
    ).toEqual([]);
    expect(
      await messagesOf(
        iamNoProjectLevelSecretAccess,
        grant(sa("ci-deploy-prod"), "roles/secretmanager.admin"),
      ),
    ).toEqual([]);
  });
  it("still refuses the same roles for an unlisted account or a deployer whose list lacks them", async () => {
    expect(
      await messagesOf(iamServiceAccountNoAdminRoles, grant(sa("m6-prod-api"), "roles/run.admin")),
    ).toHaveLength(1);
    expect(
      await messagesOf(iamServiceAccountNoAdminRoles, grant(sa("ci-pr-check"), "roles/run.admin")),
    ).toHaveLength(1);
    expect(
      await messagesOf(
        iamNoProjectLevelImpersonation,
        grant(sa("ci-pr-check"), "roles/iam.serviceAccountAdmin"),
      ),
    ).toHaveLength(1);
    expect(
      await messagesOf(
        iamNoProjectLevelSecretAccess,
        grant(sa("ci-pr-env"), "roles/secretmanager.secretAccessor"),
      ),
    ).toHaveLength(1);
    expect(
      await messagesOf(
        iamNoProjectLevelSecretAccess,
        grant("group:ops@example.com", "roles/secretmanager.admin"),
      ),
    ).toHaveLength(1);
  });
});
