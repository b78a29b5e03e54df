import { describe, expect, it } from "vitest";
import { loadReplacementTable } from "../../../plan/diff/replacement";
import { renderJson } from "../../../plan/render-json";
import { sharedPlan } from "../../helpers/shared-plans";

describe("the replacement table covers the program", () => {
  it("knows every provider resource type planned for prod, staging and a feature stack", async () => {
    const table = loadReplacementTable();
    // The run's shared plans (tests/helpers/shared-plans.ts: planned as `npm run plan` plans them, in a
    // process of their own), rendered as `npm run -s plan -- --stack <s> --format json` prints them.
    const plans = await Promise.all(["prod", "staging", "feature-pr-123"].map((stack) => sharedPlan(stack)));
    const types = plans.flatMap((plan) => renderJson(plan).deployment.resources.map((r) => r.type));
    // Components (module6:*), the stack and providers (pulumi:*) have no provider schema.
    const custom = [...new Set(types)].filter((t) => !t.startsWith("pulumi:") && !t.startsWith("module6:"));
    expect(custom.length).toBeGreaterThan(30);
    expect(custom).toContain("gcp:firestore/database:Database");
    expect(custom).toContain("random:index/randomId:RandomId");
    expect(custom.filter((t) => table.resources[t] === undefined)).toEqual([]);
  }, 120_000);
});
