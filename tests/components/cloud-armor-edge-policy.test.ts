import { beforeAll, describe, expect, it } from "vitest";
import {
  CloudArmorEdgePolicy,
  validateCloudArmorEdgePolicyArgs,
  type CloudArmorEdgePolicyArgs,
} from "../../components/cloud-armor-edge-policy";
import { ValidationError } from "../../components/shared/validation";
import { commonArgs, expectProps, installMocks, onlyOfType, record, valueOf } from "../helpers/pulumi";

const POLICY = "gcp:compute/securityPolicy:SecurityPolicy";

function baseArgs(overrides: Partial<CloudArmorEdgePolicyArgs> = {}): CloudArmorEdgePolicyArgs {
  return { ...commonArgs(), name: "edge-static-armor", ...overrides };
}

beforeAll(async () => {
  await installMocks();
});

describe("CloudArmorEdgePolicy", () => {
  it("is a CLOUD_ARMOR_EDGE policy with only a default allow rule by default, labelled", async () => {
    const { result, resources } = await record(() => new CloudArmorEdgePolicy("edge-default", baseArgs()));
    const policy = onlyOfType(resources, POLICY);
    expectProps(policy, {
      name: "m6-test-edge-static-armor",
      type: "CLOUD_ARMOR_EDGE",
      labels: { component: "cloud-armor-edge", env: "staging" },
    });
    expect(policy.inputs.rules).toEqual([
      {
        priority: 2147483647,
        action: "allow",
        description: "Default rule",
        match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
      },
    ]);
    expect(policy.inputs).not.toHaveProperty("adaptiveProtectionConfig");
    expect(policy.inputs).not.toHaveProperty("advancedOptionsConfig");
    expect(await valueOf(result.id)).toBe(policy.id);
  });

  it("previews only the region rules, and denies by default when asked", async () => {
    const { resources } = await record(
      () =>
        new CloudArmorEdgePolicy(
          "edge-preview",
          baseArgs({
            denyRegions: ["KP"],
            denyIpRanges: ["192.0.2.0/24"],
            preview: true,
            defaultAction: "deny",
          }),
        ),
    );
    const rules = onlyOfType(resources, POLICY).inputs.rules as { action: string; preview?: boolean }[];
    expect(rules.map((r) => [r.action, r.preview ?? false])).toEqual([
      ["deny(403)", false],
      ["deny(403)", true],
      ["deny(403)", false],
    ]);
  });
});

describe("validateCloudArmorEdgePolicyArgs", () => {
  it("refuses bad ranges and region codes, all at once", () => {
    expect(() =>
      validateCloudArmorEdgePolicyArgs(baseArgs({ allowIpRanges: ["10.0.0.0/33"], denyRegions: ["kp"] })),
    ).toThrow(ValidationError);
    expect(() =>
      validateCloudArmorEdgePolicyArgs(baseArgs({ allowIpRanges: ["10.0.0.0/33"], denyRegions: ["kp"] })),
    ).toThrow(
      /^CloudArmorEdgePolicy "edge-static-armor": 2 problems\n.*allowIpRanges\[0\]: got "10\.0\.0\.0\/33".*\n.*denyRegions\[0\]: got "kp"/,
    );
    expect(() => validateCloudArmorEdgePolicyArgs(baseArgs({ denyRegions: ["KP"] }))).not.toThrow();
  });
});
