/** The test harness awaits policies: an async policy's violations and errors are never lost. */
import { describe, expect, it } from "vitest";
import { resourcePolicy, stackPolicy } from "../../policies/lib/policy";
import { T } from "../../policies/lib/tokens";
import { fixtures } from "../fixtures/policies/resources";
import { checkResource, checkStack } from "./harness";

const meta = {
  domain: "project" as const,
  description: "Checks that the harness awaits.",
  enforcementLevel: "advisory" as const,
  severity: "low" as const,
  remediationSteps: "None: a test policy.",
};
const later = (): Promise<void> => new Promise((done) => setTimeout(done, 5));

describe("the policy test harness", () => {
  it("awaits an async resource policy's violations", async () => {
    const policy = resourcePolicy(
      { ...meta, name: "async-resource", types: [T.bucket] },
      async (_p, _a, report) => {
        await later();
        report("reported after a tick");
      },
    );
    // A resource policy's check may return a promise; `resourcePolicy` passes it through to the harness.
    expect(await checkResource(policy, fixtures.bucket())).toEqual({
      applicable: true,
      messages: ["reported after a tick"],
    });
  });
  it("awaits an async stack policy's violations", async () => {
    const policy = stackPolicy({ ...meta, name: "async-stack" }, async (_args, report) => {
      await later();
      report("stack reported after a tick", "urn:x");
    });
    expect(await checkStack(policy, [])).toEqual([{ urn: "urn:x", message: "stack reported after a tick" }]);
  });
  it("surfaces an async policy's failure", async () => {
    const policy = resourcePolicy({ ...meta, name: "async-throws", types: [T.bucket] }, async () => {
      await later();
      throw new Error("policy bug");
    });
    await expect(checkResource(policy, fixtures.bucket())).rejects.toThrow("policy bug");
  });
});
