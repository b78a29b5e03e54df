import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PolicyConfigError, stackPolicyInputs } from "../../plan/policy-config";

/** A project directory holding `Pulumi.yaml` and the given stack files. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "m6-policy-inputs-"));
  writeFileSync(join(root, "Pulumi.yaml"), "name: module6-infra\nruntime: nodejs\n");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return root;
}

describe("stackPolicyInputs: the stack's allowed regions, read with the program's stack-file reader", () => {
  it("reads the stack's own file, with or without the namespace on the key", () => {
    const namespaced = project({ "Pulumi.prod.yaml": "config:\n  module6:allowedRegions: [europe-west1]\n" });
    expect(stackPolicyInputs(namespaced, "prod")).toEqual({
      "module6:allowedRegions": '["europe-west1"]',
    });
    // Pulumi puts a bare key in the project's namespace; the old hand-written reader missed it.
    const bare = project({ "Pulumi.prod.yaml": "config:\n  allowedRegions: [europe-west4]\n" });
    expect(stackPolicyInputs(bare, "prod")).toEqual({ "module6:allowedRegions": '["europe-west4"]' });
  });

  it("gives a feature stack staging's regions and gives nothing where there is no file or key", () => {
    const root = project({
      "Pulumi.staging.yaml": "config:\n  module6:allowedRegions: [asia-northeast3, asia-northeast1]\n",
    });
    expect(stackPolicyInputs(root, "feature-pr-9")).toEqual({
      "module6:allowedRegions": '["asia-northeast3","asia-northeast1"]',
    });
    expect(stackPolicyInputs(root, "prod")).toEqual({});
    expect(stackPolicyInputs(root, undefined)).toEqual({});
    expect(
      stackPolicyInputs(project({ "Pulumi.prod.yaml": "config:\n  module6:region: x\n" }), "prod"),
    ).toEqual({});
  });

  it("names a missing --config-file and a malformed stack file", () => {
    const root = project({ "Pulumi.prod.yaml": "config: [not, a, mapping]\n" });
    expect(() => stackPolicyInputs(root, "prod", join(root, "nope.yaml"))).toThrow(
      new PolicyConfigError(`stack config: config file not found: ${join(root, "nope.yaml")}`),
    );
    expect(() => stackPolicyInputs(root, "prod")).toThrow(
      /config: must be a mapping of module6:<key> values, got a list/,
    );
  });
});
