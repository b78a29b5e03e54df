/**
 * SARIF results point at the line that declares the resource (component source, else the stack file),
 * carry the fix, and name the stack as the run's category.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SourceIndex, stackFile } from "../../plan/policy-sources";
import { withStackConfig } from "../../plan/policy-config";
import type { Violation } from "../../plan/policy-eval";
import { renderSarif } from "../../plan/sarif";

function repo(): string {
  const root = mkdtempSync(join(tmpdir(), "sarif-"));
  mkdirSync(join(root, "components"));
  writeFileSync(
    join(root, "components/static-site.ts"),
    [
      "export class StaticSite extends Component {",
      "  constructor(name: string) {",
      '    super("module6:edge:StaticSite", name);',
      "    new gcp.storage.Bucket(`${name}`, {});",
      "    new gcp.compute.BackendBucket(`${name}`, {});",
      "  }",
      "}",
    ].join("\n"),
  );
  writeFileSync(join(root, "Pulumi.prod.yaml"), "config: {}\n");
  writeFileSync(join(root, "Pulumi.staging.yaml"), "config: {}\n");
  return root;
}

const violation = (urn: string): Violation => ({
  policy: "backend-bucket-edge-security-policy",
  enforcementLevel: "mandatory",
  severity: "medium",
  urn,
  message: 'Backend bucket "s" must have an edge security policy',
});
const BUCKET =
  "urn:pulumi:prod::module6::module6:stack:Environment$module6:edge:StaticSite$gcp:compute/backendBucket:BackendBucket::s";

describe("where a resource is declared", () => {
  const root = repo();
  it("finds the component's `new` of the type, else its super() line, else the stack file", () => {
    const index = new SourceIndex(root, "prod", "prod.json");
    expect(index.locate(BUCKET)).toEqual({ uri: "components/static-site.ts", line: 5 });
    expect(
      index.locate(
        BUCKET.replace("compute/backendBucket:BackendBucket", "storage/bucketIAMMember:BucketIAMMember"),
      ),
    ).toEqual({
      uri: "components/static-site.ts",
      line: 3,
    });
    expect(index.locate("urn:pulumi:prod::module6::pulumi:providers:gcp::gcp")).toEqual({
      uri: "Pulumi.prod.yaml",
      line: 1,
    });
  });
  it("uses staging's file for a feature stack, and the audited file when there is none", () => {
    expect(stackFile(root, "feature-pr-1")).toBe("Pulumi.staging.yaml");
    expect(
      new SourceIndex(root, "dev", "dev.json").locate("urn:pulumi:dev::m::pulumi:providers:gcp::gcp"),
    ).toEqual({ uri: "dev.json", line: 1 });
  });
});

describe("renderSarif", () => {
  const root = repo();
  const index = new SourceIndex(root, "prod", "prod.json");
  const log = renderSarif([violation(BUCKET)], {
    artifact: "prod.json",
    stack: "prod",
    locate: (u) => index.locate(u),
  });
  const run = log.runs[0];
  it("names the stack as the run's category, so prod and staging uploads are separate analyses", () => {
    expect(run?.automationDetails).toEqual({ id: "module6-gcp/prod/" });
    expect(renderSarif([], { artifact: "s.json", stack: "staging" }).runs[0]?.automationDetails).toEqual({
      id: "module6-gcp/staging/",
    });
  });
  it("points the result at the declaring line, lists the artifact, and carries the fix", () => {
    const [result] = run?.results ?? [];
    expect(result?.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: "components/static-site.ts", index: 1 },
      region: { startLine: 5 },
    });
    expect(run?.artifacts).toEqual([
      { location: { uri: "prod.json" } },
      { location: { uri: "components/static-site.ts" } },
    ]);
    expect(result?.message.text).toBe(
      'Backend bucket "s" must have an edge security policy. Fix: Attach a CLOUD_ARMOR_EDGE policy (`edgeSecurityPolicy: edgePolicy.id`; HttpsLoadBalancer gives the static site one carrying `edge.armor`\'s IP and region lists).',
    );
  });
});

describe("allowed-regions from the stack's config", () => {
  const stack = { "module6:allowedRegions": '["asia-northeast3","europe-west1"]' };
  it("follows module6:allowedRegions when the pack config does not set them", () => {
    expect(withStackConfig({}, stack)).toEqual({
      "allowed-regions": { allowedRegions: ["asia-northeast3", "europe-west1"] },
    });
    expect(withStackConfig({ "allowed-regions": "advisory" }, stack)).toEqual({
      "allowed-regions": {
        enforcementLevel: "advisory",
        allowedRegions: ["asia-northeast3", "europe-west1"],
      },
    });
  });
  it("keeps regions the pack config sets, and ignores a stack without them", () => {
    const set = { "allowed-regions": { allowedRegions: ["us-central1"] } };
    expect(withStackConfig(set, stack)).toBe(set);
    expect(withStackConfig({}, {})).toEqual({});
    expect(withStackConfig({}, { "module6:allowedRegions": "not json" })).toEqual({});
  });
});
