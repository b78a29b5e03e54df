/**
 * The bootstrap of the staging project (which also hosts the pull-request environments), planned offline:
 * its three deployers, who may impersonate each, the pull-request deployer's Firestore scope, and the
 * policy pack's verdict (no violation).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { evaluatePolicies } from "../../plan/policy-eval";
import type { RecordedResource } from "../../plan/record";
import { renderJson } from "../../plan/render-json";
import type { PlanResult } from "../../plan/run";
import { PLAN_WAIT_MS, planOf } from "../helpers/shared-plans";

let plan: PlanResult;
beforeAll(async () => {
  plan = await planOf("staging", { project: "bootstrap" });
}, PLAN_WAIT_MS);

const ofType = (type: string): RecordedResource[] => plan.resources.filter((r) => r.type === type);
const inputs = (r: RecordedResource | undefined): Record<string, unknown> => r?.inputs ?? {};
const POOL = "projects/000000000000/locations/global/workloadIdentityPools/github";
const SA = (id: string): string => `${id}@module6-staging-000000.iam.gserviceaccount.com`;

describe("bootstrap staging", () => {
  it("creates the read-only checker, the pull-request environments' deployer and the staging deployer", () => {
    expect(
      ofType("gcp:serviceaccount/account:Account")
        .map((r) => inputs(r).accountId)
        .sort(),
    ).toEqual(["ci-deploy-staging", "ci-pr-check", "ci-pr-env"]);
    expect(ofType("gcp:serviceaccount/key:Key")).toEqual([]);
  });

  it("lets each deployer be impersonated only by its own GitHub context", () => {
    const bindings = ofType("gcp:serviceaccount/iAMMember:IAMMember").map((r) => [
      String(inputs(r).serviceAccountId).split("/").pop(),
      inputs(r).role,
      inputs(r).member,
    ]);
    expect(bindings.sort()).toEqual([
      [
        SA("ci-deploy-staging"),
        "roles/iam.workloadIdentityUser",
        `principalSet://iam.googleapis.com/${POOL}/attribute.deployer/staging`,
      ],
      [
        SA("ci-pr-check"),
        "roles/iam.workloadIdentityUser",
        `principalSet://iam.googleapis.com/${POOL}/attribute.deployer/pr-check`,
      ],
      [
        SA("ci-pr-env"),
        "roles/iam.workloadIdentityUser",
        `principalSet://iam.googleapis.com/${POOL}/attribute.deployer/pr-env`,
      ],
    ]);
  });

  it("scopes the pull-request deployer's Firestore role to feature stacks' databases only", () => {
    const datastore = ofType("gcp:projects/iAMMember:IAMMember").find(
      (r) =>
        inputs(r).member === `serviceAccount:${SA("ci-pr-env")}` &&
        inputs(r).role === "roles/datastore.owner",
    );
    expect(inputs(datastore).condition).toMatchObject({
      expression: 'resource.name.startsWith("projects/module6-staging-000000/databases/m6-f-")',
    });
  });

  it("exports the three service accounts for the workflows", () => {
    expect(plan.outputs.serviceAccounts).toEqual({
      "pr-check": SA("ci-pr-check"),
      "pr-env": SA("ci-pr-env"),
      staging: SA("ci-deploy-staging"),
    });
    expect(plan.outputs.backendUrl).toBe("gs://module6-staging-000000-pulumi-state");
  });

  it("passes the policy pack with no violation", async () => {
    expect(await evaluatePolicies(renderJson(plan))).toEqual([]);
  });
});
