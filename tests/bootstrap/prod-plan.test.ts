/**
 * The bootstrap of the prod project, planned offline like the program: what it creates, the roles and
 * conditions of each deployer, who may impersonate it, and the policy pack's verdict (no violation).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { evaluatePolicies } from "../../plan/policy-eval";
import type { RecordedResource } from "../../plan/record";
import { renderJson } from "../../plan/render-json";
import type { PlanResult } from "../../plan/run";
import { PLAN_WAIT_MS, planOf } from "../helpers/shared-plans";

let plan: PlanResult;
beforeAll(async () => {
  plan = await planOf("prod", { project: "bootstrap" });
}, PLAN_WAIT_MS);

const ofType = (type: string): RecordedResource[] => plan.resources.filter((r) => r.type === type);
const inputs = (r: RecordedResource | undefined): Record<string, unknown> => r?.inputs ?? {};
const POOL = "projects/000000000000/locations/global/workloadIdentityPools/github";

describe("bootstrap prod", () => {
  it("is the bootstrap project with its own config", () => {
    expect(plan.project).toBe("module6-bootstrap");
    expect(plan.source).toMatch(/bootstrap\/Pulumi\.prod\.yaml$/);
  });

  it("creates a protected, hardened state bucket and a protected key rotating every 90 days", () => {
    const [bucket] = ofType("gcp:storage/bucket:Bucket");
    expect(bucket?.protect).toBe(true);
    expect(inputs(bucket)).toMatchObject({
      name: "module6-prod-000000-pulumi-state",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      forceDestroy: false,
      lifecycleRules: [
        { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30, withState: "ARCHIVED" } },
      ],
    });
    const [key] = ofType("gcp:kms/cryptoKey:CryptoKey");
    expect(key?.protect).toBe(true);
    expect(inputs(key)).toMatchObject({ rotationPeriod: "7776000s", purpose: "ENCRYPT_DECRYPT" });
    expect(ofType("gcp:kms/keyRing:KeyRing")[0]?.protect).toBe(true);
  });

  it("creates one protected pool and one GitHub provider pinned by owner id, repository id and name", () => {
    expect(ofType("gcp:iam/workloadIdentityPool:WorkloadIdentityPool").map((r) => r.protect)).toEqual([true]);
    const [provider] = ofType("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider");
    expect(inputs(provider).attributeCondition).toBe(
      "assertion.repository_owner_id == '100000001' && assertion.repository_id == '200000002' && assertion.repository == 'module6-org/module6-infra'",
    );
    expect(Object.keys(inputs(provider).attributeMapping as object).sort()).toEqual([
      "attribute.deployer",
      "attribute.environment",
      "attribute.event_name",
      "attribute.ref",
      "attribute.repository",
      "attribute.repository_id",
      "attribute.repository_owner_id",
      "google.subject",
    ]);
  });

  it("creates exactly the prod project's deployers: read-only checks and the prod deployer", () => {
    expect(
      ofType("gcp:serviceaccount/account:Account")
        .map((r) => inputs(r).accountId)
        .sort(),
    ).toEqual(["ci-deploy-prod", "ci-pr-check"]);
    expect(ofType("gcp:serviceaccount/key:Key")).toEqual([]);
  });

  it("lets each deployer be impersonated only by its GitHub context's principal set", () => {
    const bindings = ofType("gcp:serviceaccount/iAMMember:IAMMember").map((r) => [
      inputs(r).serviceAccountId,
      inputs(r).role,
      inputs(r).member,
    ]);
    expect(bindings.sort()).toEqual([
      [
        "projects/module6-prod-000000/serviceAccounts/ci-deploy-prod@module6-prod-000000.iam.gserviceaccount.com",
        "roles/iam.workloadIdentityUser",
        `principalSet://iam.googleapis.com/${POOL}/attribute.deployer/production`,
      ],
      [
        "projects/module6-prod-000000/serviceAccounts/ci-pr-check@module6-prod-000000.iam.gserviceaccount.com",
        "roles/iam.workloadIdentityUser",
        `principalSet://iam.googleapis.com/${POOL}/attribute.deployer/pr-check`,
      ],
    ]);
  });

  it("gives the read-only deployer only viewer/reader roles, read on state and decrypt on the key", () => {
    const member = "serviceAccount:ci-pr-check@module6-prod-000000.iam.gserviceaccount.com";
    const roles = ofType("gcp:projects/iAMMember:IAMMember")
      .filter((r) => inputs(r).member === member)
      .map((r) => String(inputs(r).role));
    expect(roles.length).toBe(9);
    for (const role of roles) expect(role).toMatch(/(viewer|Viewer|reader|securityReviewer)$/);
    const state = ofType("gcp:storage/bucketIAMMember:BucketIAMMember").find(
      (r) => inputs(r).member === member,
    );
    expect(inputs(state).role).toBe("roles/storage.objectViewer");
    const key = ofType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").find(
      (r) => inputs(r).member === member,
    );
    expect(inputs(key).role).toBe("roles/cloudkms.cryptoKeyDecrypter");
  });

  it("scopes the prod deployer's Firestore role to the prod environment's databases", () => {
    const [datastore] = ofType("gcp:projects/iAMMember:IAMMember").filter(
      (r) => inputs(r).role === "roles/datastore.owner",
    );
    expect(inputs(datastore).condition).toEqual({
      title: "this environment's databases only",
      expression: 'resource.name.startsWith("projects/module6-prod-000000/databases/m6-prod-")',
    });
  });

  it("exports what the workflows need", () => {
    expect(plan.outputs).toEqual({
      workloadIdentityProvider: `${POOL}/providers/github-actions`,
      serviceAccounts: {
        "pr-check": "ci-pr-check@module6-prod-000000.iam.gserviceaccount.com",
        production: "ci-deploy-prod@module6-prod-000000.iam.gserviceaccount.com",
      },
      backendUrl: "gs://module6-prod-000000-pulumi-state",
      secretsProvider:
        "gcpkms://projects/module6-prod-000000/locations/asia-northeast3/keyRings/pulumi/cryptoKeys/stack-secrets",
    });
  });

  it("passes the policy pack with no violation", async () => {
    expect(await evaluatePolicies(renderJson(plan))).toEqual([]);
  });
});
