/**
 * Violation reports for people: every format says how to fix each violation, and one policy's violations
 * are one group ("13 resources") with the list folded in Markdown.
 */
import { describe, expect, it } from "vitest";
import type { Violation } from "../../plan/policy-eval";
import {
  groupViolations,
  renderViolationsJson,
  renderViolationsMarkdown,
  renderViolationsText,
} from "../../plan/render-violations";

const urn = (type: string, name: string): string => `urn:pulumi:prod::module6::module6:x:Y$${type}::${name}`;
const labels = (name: string, missing = "component"): Violation => ({
  policy: "required-labels",
  enforcementLevel: "advisory",
  severity: "low",
  urn: urn("gcp:storage/bucket:Bucket", name),
  message: `storage/bucket "${name}" must carry the labels app; missing: ${missing}`,
});
const armor: Violation = {
  policy: "backend-service-cloud-armor",
  enforcementLevel: "mandatory",
  severity: "high",
  urn: urn("gcp:compute/backendService:BackendService", "api"),
  message: 'External backend service "api" must have a Cloud Armor security policy; securityPolicy is unset',
};
const sameMessage = (name: string): Violation => ({
  policy: "alert-policy-documentation",
  enforcementLevel: "advisory",
  severity: "low",
  urn: urn("gcp:monitoring/alertPolicy:AlertPolicy", name),
  message: "Alert policy must document what to do",
});
const violations = [labels("a"), armor, labels("b"), labels("c"), sameMessage("x"), sameMessage("y")];
const ctx = { resources: 10, policies: 3 };

describe("groupViolations", () => {
  it("groups by policy, mandatory first, with the policy's remediation and a shared message when identical", () => {
    const groups = groupViolations(violations);
    expect(groups.map((g) => [g.policy, g.enforcementLevel, g.count, g.message ?? null])).toEqual([
      ["backend-service-cloud-armor", "mandatory", 1, armor.message],
      ["required-labels", "advisory", 3, null],
      ["alert-policy-documentation", "advisory", 2, "Alert policy must document what to do"],
    ]);
    expect(groups[1]?.remediation).toBe(
      "Pass the environment's labels plus `component` through the component's `labels` arg (transforms do not label resources).",
    );
    expect(groups[1]?.resources.map((r) => r.urn)).toEqual([
      labels("a").urn,
      labels("b").urn,
      labels("c").urn,
    ]);
  });
});

describe("text", () => {
  it("prints one heading and one fix per policy, the resources under it", () => {
    expect(renderViolationsText(violations, ctx)).toBe(
      [
        "Policy pack module6-gcp: 3 policies on 10 resources: 1 mandatory, 5 advisory violations",
        "",
        "Mandatory: blocks the deployment (1)",
        "  ✖ backend-service-cloud-armor [high]  gcp:compute/backendService:BackendService::api",
        `    ${armor.message}`,
        "    fix: Attach the environment's CloudArmorPolicy to the backend service (`securityPolicy: armor.policy.selfLink`; HttpsLoadBalancer does this for every backend).",
        "",
        "Advisory: reported, does not block (5)",
        "  ! required-labels [low]  3 resources",
        `    - gcp:storage/bucket:Bucket::a: ${labels("a").message}`,
        `    - gcp:storage/bucket:Bucket::b: ${labels("b").message}`,
        `    - gcp:storage/bucket:Bucket::c: ${labels("c").message}`,
        "    fix: Pass the environment's labels plus `component` through the component's `labels` arg (transforms do not label resources).",
        "  ! alert-policy-documentation [low]  2 resources",
        "    Alert policy must document what to do",
        "    - gcp:monitoring/alertPolicy:AlertPolicy::x",
        "    - gcp:monitoring/alertPolicy:AlertPolicy::y",
        '    fix: Set `documentation: { content: <runbook in Markdown>, mimeType: "text/markdown" }`.',
        "",
        "FAILED: mandatory policies are violated",
      ].join("\n"),
    );
  });
});

describe("markdown", () => {
  const md = renderViolationsMarkdown(violations, ctx);
  it("has a fix column and one row per policy", () => {
    expect(md).toContain("| Policy | Severity | Resource | Violation | How to fix |");
    expect(md).toContain(
      `| \`required-labels\` | low | 3 resources | ${labels("a").message} (and 2 other resources, listed below) | Pass the environment's labels plus \`component\` through the component's \`labels\` arg (transforms do not label resources). |`,
    );
    expect(md).toContain(
      "| `alert-policy-documentation` | low | 2 resources | Alert policy must document what to do |",
    );
  });
  it("folds each group's list of resources", () => {
    expect(md).toContain(
      [
        "<details>",
        "<summary><code>required-labels</code>: 3 resources</summary>",
        "",
        `- \`gcp:storage/bucket:Bucket::a\`: ${labels("a").message}`,
        `- \`gcp:storage/bucket:Bucket::b\`: ${labels("b").message}`,
        `- \`gcp:storage/bucket:Bucket::c\`: ${labels("c").message}`,
        "",
        "</details>",
      ].join("\n"),
    );
    expect(md).toContain(
      "- `gcp:monitoring/alertPolicy:AlertPolicy::x`\n- `gcp:monitoring/alertPolicy:AlertPolicy::y`",
    );
  });
});

describe("json", () => {
  it("gives every violation its remediation, and the groups", () => {
    const report = renderViolationsJson(violations, ctx);
    expect(report.violations[1]).toEqual({
      ...armor,
      remediation:
        "Attach the environment's CloudArmorPolicy to the backend service (`securityPolicy: armor.policy.selfLink`; HttpsLoadBalancer does this for every backend).",
    });
    expect(report.groups.map((g) => g.count)).toEqual([1, 3, 2]);
    expect(report.summary).toMatchObject({ total: 6, mandatory: 1, advisory: 5, resources: 10, policies: 3 });
  });
});
