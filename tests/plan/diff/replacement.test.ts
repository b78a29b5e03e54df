import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { changedInputs } from "../../../plan/diff/input-changes";
import {
  classifyChange,
  loadReplacementTable,
  pathSegments,
  type ReplacementVerdict,
} from "../../../plan/diff/replacement";

const ROOT = resolve(__dirname, "../../..");

function forcing(v: ReplacementVerdict): string[] {
  return v.kind === "replace" ? v.forcedBy.map((f) => `${f.path}→${f.field}:${f.rule}`) : [];
}

describe("classifyChange with the generated table", () => {
  // Expected fields checked by hand against the provider sources the table records:
  // google-beta/services/firestore/resource_firestore_database.go ("location_id": ForceNew: true),
  // .../cloudrunv2/resource_cloud_run_v2_service.go ("location", "name": ForceNew; containers.image not),
  // .../storage/resource_storage_bucket.go ("location": ForceNew), .../compute/resource_compute_backend_service.go.
  it("Firestore database: a new locationId replaces it", () => {
    const v = classifyChange("gcp:firestore/database:Database", ["locationId"]);
    expect(v.kind).toBe("replace");
    expect(forcing(v)).toEqual(["locationId→locationId:value"]);
  });

  it("Firestore database: deleteProtectionState and pointInTimeRecoveryEnablement update in place", () => {
    expect(
      classifyChange("gcp:firestore/database:Database", [
        "deleteProtectionState",
        "pointInTimeRecoveryEnablement",
      ]).kind,
    ).toBe("update");
  });

  it("Cloud Run v2 service: location and name replace, a new image does not", () => {
    const v = classifyChange("gcp:cloudrunv2/service:Service", [
      "location",
      "name",
      "template.containers[0].image",
    ]);
    expect(forcing(v)).toEqual(["location→location:value", "name→name:value"]);
    expect(classifyChange("gcp:cloudrunv2/service:Service", ["template.containers[0].image"])).toEqual({
      kind: "update",
      mayReplace: [],
      tf: "google_cloud_run_v2_service",
    });
  });

  it("storage bucket: location replaces; labels and a retention lock are told apart", () => {
    expect(forcing(classifyChange("gcp:storage/bucket:Bucket", ["location"]))).toEqual([
      "location→location:value",
    ]);
    expect(classifyChange("gcp:storage/bucket:Bucket", ['labels["cost-center"]']).kind).toBe("update");
    // customdiff.ForceNewIfChange("retention_policy.0.is_locked", isPolicyLocked): decided at plan time.
    expect(classifyChange("gcp:storage/bucket:Bucket", ["retentionPolicy.isLocked"])).toEqual({
      kind: "update",
      mayReplace: [
        { path: "retentionPolicy.isLocked", field: "retentionPolicy.isLocked", rule: "conditional" },
      ],
      tf: "google_storage_bucket",
    });
  });

  it("backend service: description updates in place, a force-new block added or removed replaces", () => {
    expect(classifyChange("gcp:compute/backendService:BackendService", ["description"]).kind).toBe("update");
    const added = classifyChange("gcp:compute/backendService:BackendService", [
      { path: "params", kind: "added" },
    ]);
    expect(forcing(added)).toEqual(["params→params:block"]);
    // A map under a force-new path: a changed key replaces.
    expect(
      forcing(
        classifyChange("gcp:compute/backendService:BackendService", [
          'params.resourceManagerTags["tagKeys/123"]',
        ]),
      ),
    ).toEqual(['params.resourceManagerTags["tagKeys/123"]→params.resourceManagerTags:value']);
    // A block only said to have changed, with no detail: may replace.
    expect(classifyChange("gcp:compute/backendService:BackendService", ["params"])).toMatchObject({
      kind: "update",
      mayReplace: [{ path: "params", field: "params", rule: "block" }],
    });
  });

  it("arrays of blocks: a field inside an element, and an element added, both replace a Firestore index", () => {
    expect(forcing(classifyChange("gcp:firestore/index:Index", ["fields[1].order"]))).toEqual([
      "fields[1].order→fields[].order:value",
    ]);
    expect(
      forcing(classifyChange("gcp:firestore/index:Index", [{ path: "fields[2]", kind: "removed" }])),
    ).toEqual(["fields[2]→fields:block"]);
  });

  it("IAM members replace on a new role and are deleted before they are replaced", () => {
    const v = classifyChange("gcp:projects/iAMMember:IAMMember", ["role"]);
    expect(v).toMatchObject({ kind: "replace", deleteBeforeReplace: true, tf: "google_project_iam_member" });
    expect(classifyChange("gcp:storage/bucketIAMMember:BucketIAMMember", ["member"]).kind).toBe("replace");
  });

  it("random and time resources: keepers and triggers replace, durations update", () => {
    expect(forcing(classifyChange("random:index/randomId:RandomId", ["keepers.bucket"]))).toEqual([
      "keepers.bucket→keepers:value",
    ]);
    expect(classifyChange("time:index/sleep:Sleep", ['triggers["grant"]']).kind).toBe("replace");
    expect(classifyChange("time:index/sleep:Sleep", ["createDuration"]).kind).toBe("update");
  });

  it("a type missing from the table is flagged and assumed to update", () => {
    const v = classifyChange("gcp:compute/notAThing:NotAThing", ["name"]);
    expect(v.kind).toBe("unknown");
    if (v.kind !== "unknown") return;
    expect(v.assumed).toBe("update");
    expect(v.reason).toContain("gcp:compute/notAThing:NotAThing is not in the replacement table");
  });

  it("reads concrete diffs: a Cloud Run service renamed is a replace named by its field", () => {
    const before = {
      name: "m6-prod-api",
      location: "asia-northeast1",
      template: { containers: [{ image: "a" }] },
    };
    const after = {
      name: "m6-prod-api2",
      location: "asia-northeast1",
      template: { containers: [{ image: "b" }] },
    };
    const v = classifyChange("gcp:cloudrunv2/service:Service", changedInputs(before, after));
    expect(forcing(v)).toEqual(["name→name:value"]);
  });

  it("a force-new field inside a block added whole is seen", () => {
    const v = classifyChange(
      "gcp:firestore/database:Database",
      changedInputs({ name: "db" }, { name: "db", cmekConfig: { kmsKeyName: "k" } }),
    );
    expect(forcing(v)).toEqual([
      "cmekConfig→cmekConfig:block",
      "cmekConfig.kmsKeyName→cmekConfig.kmsKeyName:value",
    ]);
  });
});

describe("the table's provenance", () => {
  const table = loadReplacementTable();
  const installed = (pkg: string) =>
    (JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string })
      .version;

  it("names the upstream repositories and commits it was read from", () => {
    expect(table.providers.gcp?.upstream).toMatchObject({
      repository: "hashicorp/terraform-provider-google-beta",
      commit: expect.stringMatching(/^[0-9a-f]{40}$/) as unknown,
    });
    expect(table.providers.gcp?.pulumi.repository).toBe("pulumi/pulumi-gcp");
    expect(table.providers.random?.upstream.repository).toBe("hashicorp/terraform-provider-random");
    expect(table.providers.time?.upstream.repository).toBe("hashicorp/terraform-provider-time");
  });

  it("was checked against the installed SDKs (regenerate it when @pulumi/gcp, @pulumi/random or @pulumiverse/time moves)", () => {
    expect(table.providers.gcp?.sdk).toMatchObject({
      package: "@pulumi/gcp",
      version: installed("@pulumi/gcp"),
    });
    expect(table.providers.random?.sdk).toMatchObject({
      package: "@pulumi/random",
      version: installed("@pulumi/random"),
    });
    // @pulumiverse/time publishes its version with a leading "v" (package.json "version": "v0.1.1").
    expect(table.providers.time?.sdk).toMatchObject({
      package: "@pulumiverse/time",
      version: installed("@pulumiverse/time"),
      from: "node_modules/@pulumiverse/time",
    });
  });

  it("covers every resource class of the installed @pulumi/gcp, @pulumi/random and @pulumiverse/time", async () => {
    const { readdirSync } = await import("node:fs");
    for (const pkg of ["@pulumi/gcp", "@pulumi/random", "@pulumiverse/time"]) {
      const dir = join(ROOT, "node_modules", pkg);
      const tokens: string[] = [];
      const walk = (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          if (e.isDirectory() && e.name !== "types") walk(join(d, e.name));
          else if (e.name.endsWith(".js"))
            for (const m of readFileSync(join(d, e.name), "utf8").matchAll(/__pulumiType = '(\w+:[^']+)'/g))
              tokens.push(m[1] as string);
        }
      };
      walk(dir);
      expect(tokens.length).toBeGreaterThan(pkg === "@pulumi/gcp" ? 1400 : 3);
      expect(tokens.filter((t) => table.resources[t] === undefined)).toEqual([]);
    }
  });
});

describe("pathSegments", () => {
  it("drops indices and unquotes keys", () => {
    expect(pathSegments("template.containers[0].image")).toEqual(["template", "containers", "image"]);
    expect(pathSegments('labels["a.b"]')).toEqual(["labels", "a.b"]);
    expect(pathSegments("fields[].order")).toEqual(["fields", "order"]);
  });

  it("rejects what is not a property path", () => {
    expect(() => pathSegments('labels["open')).toThrow("not a property path");
  });
});

describe("loading the table inside the plan's bundle", () => {
  it("finds replacement-table.json when __dirname is the entry's folder (plan/launch.cjs)", async () => {
    const { buildSync } = await import("esbuild");
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { createRequire } = await import("node:module");
    const out = join(mkdtempSync(join(tmpdir(), "replacement-bundle-")), "bundle.cjs");
    buildSync({
      stdin: {
        contents: 'export { loadReplacementTable } from "./plan/diff/replacement";',
        resolveDir: ROOT,
        loader: "ts",
      },
      outfile: out,
      bundle: true,
      platform: "node",
      format: "cjs",
      packages: "external",
      define: { __dirname: JSON.stringify(join(ROOT, "plan")) },
      logLevel: "error",
    });
    const bundled = createRequire(out)(out) as { loadReplacementTable: typeof loadReplacementTable };
    expect(bundled.loadReplacementTable().resources["gcp:storage/bucket:Bucket"]?.tf).toBe(
      "google_storage_bucket",
    );
  });
});

describe("Kubernetes objects (the native provider's rules, plan/diff/kubernetes-replacements.ts)", () => {
  it("replaces on a new name or namespace, and a ConfigMap or Secret on new data; updates the rest in place", () => {
    const kinds = (type: string, paths: string[]) => classifyChange(type, paths).kind;
    expect(kinds("kubernetes:core/v1:Namespace", ["metadata.name"])).toBe("replace");
    expect(kinds("kubernetes:core/v1:Namespace", ['metadata.labels["team"]'])).toBe("update");
    expect(kinds("kubernetes:core/v1:ConfigMap", ['data["environment.json"]'])).toBe("replace");
    expect(kinds("kubernetes:core/v1:Secret", ['stringData["admin-password"]'])).toBe("replace");
    expect(kinds("kubernetes:networking.k8s.io/v1:NetworkPolicy", ["spec.egress[0].ports[0].port"])).toBe(
      "update",
    );
    expect(kinds("kubernetes:helm.sh/v3:Release", ["version"])).toBe("update");
    expect(kinds("kubernetes:helm.sh/v3:Release", ["values.resources.requests.cpu"])).toBe("update");
    expect(kinds("kubernetes:helm.sh/v3:Release", ["namespace"])).toBe("replace");
    expect(kinds("kubernetes:core/v1:ServiceAccount", ["metadata.namespace"])).toBe("replace");
  });
});
