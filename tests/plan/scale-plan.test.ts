/**
 * The audit benchmark's input: the prod plan scaled to 1,000 resources by copying its services under new
 * names stays a plan the pack passes, with every URN once.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { evaluatePolicies } from "../../plan/policy-eval";
import { renderJson, type ExportDocument } from "../../plan/render-json";
import { scalePlan, servicesOf } from "../../plan/scale-plan";
import { sharedPlan } from "../helpers/shared-plans";

let prod: ExportDocument;
let scaled: ExportDocument;
beforeAll(async () => {
  prod = renderJson(await sharedPlan("prod"));
  scaled = scalePlan(prod, 1000);
}, 120_000);

const names = (doc: ExportDocument, type: string): string[] =>
  doc.deployment.resources.filter((r) => r.type === type).map((r) => String(r.inputs.name));

describe("scalePlan", () => {
  it("finds the plan's services", () => {
    expect(servicesOf(prod)).toEqual(["web", "api", "ai"]);
  });

  it("holds exactly 1,000 resources, each URN once, the plan's own first", () => {
    const urns = scaled.deployment.resources.map((r) => r.urn);
    expect(urns).toHaveLength(1000);
    expect(new Set(urns).size).toBe(1000);
    expect(scaled.deployment.resources.slice(0, prod.deployment.resources.length)).toEqual(
      prod.deployment.resources,
    );
  });

  it("copies whole services under new names, everywhere the name appears", () => {
    const run = names(scaled, "gcp:cloudrunv2/service:Service");
    expect(run.slice(0, 8).sort()).toEqual([
      "m6-prod-ai",
      "m6-prod-aic1",
      "m6-prod-api",
      "m6-prod-api",
      "m6-prod-apic1",
      "m6-prod-apic1",
      "m6-prod-web",
      "m6-prod-webc1",
    ]);
    const account = scaled.deployment.resources.find((r) =>
      r.urn.endsWith("gcp:serviceaccount/account:Account::env-apic1-identity"),
    );
    expect(account?.inputs.accountId).toBe("m6-prod-apic1");
    // The secret the ai service reads keeps its name: it belongs to the secrets, not to a service.
    const grant = scaled.deployment.resources.find((r) =>
      r.urn.endsWith("::env-secrets-ai-api-key-access-aic1"),
    );
    expect(grant?.inputs.secretId).toBe(
      prod.deployment.resources.find((r) => r.urn.endsWith("::env-secrets-ai-api-key-access-ai"))?.inputs
        .secretId,
    );
  });

  it("passes the pack with no violation, as the plan does", async () => {
    expect((await evaluatePolicies(scaled)).map((v) => `${v.policy}: ${v.message}`)).toEqual([]);
  });

  it("refuses a plan without services", () => {
    const none = structuredClone(prod);
    none.deployment.resources = none.deployment.resources.filter((r) => r.type !== "module6:run:Service");
    expect(() => scalePlan(none, 1000)).toThrow("scalePlan: the plan has no module6:run:Service");
  });
});
