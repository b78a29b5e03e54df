/**
 * The observability plane in the stacks' plans: with `module6:observability` the plan holds exactly the plan
 * without it — every resource with identical inputs, parent, dependencies and protection — plus the plane's
 * subtree and its two APIs (prod: Pulumi.prod.yaml without the block, planned in the test worker, against
 * the run's shared plan; staging: its stack file with the block added, planned as `npm run plan` does, against
 * the shared plan of the file as committed); prod (on in Pulumi.prod.yaml) shows the cluster and its
 * kubernetes provider; staging with the block on passes the policy pack; feature plans hold nothing of GKE
 * or Kubernetes.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { renderJson, type ExportDocument } from "../../plan/render-json";
import { planOf, sharedPlan } from "../helpers/shared-plans";

const ROOT = resolve(__dirname, "../..");
const KEY = "module6:observability";
const OBSERVABILITY = "module6:stack:Observability";

type Resource = ExportDocument["deployment"]["resources"][number];

/** `Pulumi.<stack>.yaml` with its config changed by `edit`, written to a temporary file. */
function variant(stack: string, edit: (config: Record<string, unknown>) => void): string {
  const doc = parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  edit(doc.config);
  const file = join(mkdtempSync(join(tmpdir(), "m6-obs-")), `Pulumi.${stack}.yaml`);
  writeFileSync(file, stringify(doc));
  return file;
}

/** Plans `stack` from `configFile` as `npm run plan` does; the exit code says whether the pack passed. */
function planVariant(
  stack: string,
  configFile: string,
): Promise<{ code: number | null; doc: ExportDocument }> {
  const out = join(mkdtempSync(join(tmpdir(), "m6-obs-plan-")), "plan.json");
  const args = ["plan/launch.cjs", "plan/cli.ts", "--stack", stack, "--config-file", configFile];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...args, "--format", "json", "--out", out], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => {
      try {
        done({ code, doc: JSON.parse(readFileSync(out, "utf8")) as ExportDocument });
      } catch {
        fail(new Error(`planning ${stack} from ${configFile} exited ${code}: ${stderr}`));
      }
    });
  });
}

const resourcesOf = (doc: ExportDocument): Resource[] => doc.deployment.resources;

/** What must not change about a resource that exists with and without the plane. */
const shape = (r: Resource): string =>
  JSON.stringify({
    type: r.type,
    parent: r.parent,
    inputs: r.inputs,
    dependencies: r.dependencies,
    protect: r.protect,
  });

/** The resources of `withPlane` that `without` lacks, by logical name; fails on any other difference. */
function added(without: ExportDocument, withPlane: ExportDocument): Resource[] {
  const after = new Map(resourcesOf(withPlane).map((r) => [r.urn, r]));
  for (const before of resourcesOf(without)) {
    if (before.type === "pulumi:pulumi:Stack") continue;
    const same = after.get(before.urn);
    expect(same, `${before.urn} is still planned`).toBeDefined();
    if (same) expect(shape(same), before.urn).toBe(shape(before));
  }
  const known = new Set(resourcesOf(without).map((r) => r.urn));
  return resourcesOf(withPlane).filter((r) => !known.has(r.urn));
}

/** The URNs of the resources under the Observability component (itself included), through their parents. */
function subtree(resources: readonly Resource[]): Set<string> {
  const inside = new Set(resources.filter((r) => r.type === OBSERVABILITY).map((r) => r.urn));
  for (let grew = true; grew;) {
    grew = false;
    for (const r of resources)
      if (r.parent !== undefined && inside.has(r.parent) && !inside.has(r.urn))
        grew = inside.add(r.urn).size > 0;
  }
  return inside;
}

/**
 * The new resources are the plane's subtree (with the two APIs it enables itself), nothing else; `viewers` is
 * the number of projects Grafana reads (a monitoring.viewer grant each, beside the nodes' role).
 */
function expectOnlyThePlane(extra: readonly Resource[], viewers = 1): void {
  const plane = subtree(extra);
  expect(extra.filter((r) => !plane.has(r.urn)).map((r) => r.urn)).toEqual([]);
  expect(extra.map((r) => r.type).sort()).toEqual([
    "gcp:artifactregistry/repository:Repository",
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
    "gcp:compute/subnetwork:Subnetwork",
    "gcp:container/cluster:Cluster",
    ...Array<string>(1 + viewers).fill("gcp:projects/iAMMember:IAMMember"),
    "gcp:projects/service:Service",
    "gcp:projects/service:Service",
    "gcp:serviceaccount/account:Account",
    "kubernetes:core/v1:ConfigMap",
    "kubernetes:core/v1:ConfigMap",
    "kubernetes:core/v1:Namespace",
    "kubernetes:core/v1:Secret",
    "kubernetes:core/v1:ServiceAccount",
    "kubernetes:helm.sh/v3:Release",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    "module6:gke:AutopilotCluster",
    "module6:observability:Grafana",
    "module6:project:Services",
    "module6:registry:DockerHubMirror",
    "module6:stack:Observability",
    "pulumi:providers:kubernetes",
    "random:index/randomPassword:RandomPassword",
  ]);
  const apis = extra.filter((r) => r.type === "gcp:projects/service:Service").map((r) => r.inputs.service);
  expect(apis).toEqual(["container.googleapis.com", "binaryauthorization.googleapis.com"]);
  const cluster = extra.find((r) => r.type === "gcp:container/cluster:Cluster");
  expect(cluster?.dependencies).toEqual(
    expect.arrayContaining(extra.filter((r) => r.type === "gcp:projects/service:Service").map((r) => r.urn)),
  );
}

let prod: ExportDocument;
let prodWithout: ExportDocument;
let staging: ExportDocument;
let stagingWith: { code: number | null; doc: ExportDocument };
let feature: ExportDocument;

beforeAll(async () => {
  const withoutFile = variant("prod", (config) => delete config[KEY]);
  // Staging leaves the plane off (a second cluster on the billing account is not free): turned on here.
  const withFile = variant("staging", (config) => {
    config[KEY] = {
      cluster: { releaseChannel: "STABLE" },
      grafana: {
        chart: { repository: "https://grafana-community.github.io/helm-charts", version: "12.11.1" },
        // Another project only: the stack's own is still granted, read by default and queried by the dashboard.
        projects: ["module6-other-000000"],
      },
    };
  });
  const time = "2026-01-01T00:00:00.000Z";
  [prodWithout, stagingWith, prod, staging, feature] = await Promise.all([
    planOf("prod", { configFile: withoutFile }).then((p) => renderJson(p, time)),
    planVariant("staging", withFile),
    sharedPlan("prod").then((p) => renderJson(p, time)),
    sharedPlan("staging").then((p) => renderJson(p, time)),
    sharedPlan("feature-pr-123").then((p) => renderJson(p, time)),
  ]);
}, 180_000);

describe("observability plane in the plans", () => {
  it("prod (Pulumi.prod.yaml) shows the protected Autopilot cluster and the kubernetes provider built from it", () => {
    const cluster = resourcesOf(prod).filter((r) => r.type === "gcp:container/cluster:Cluster");
    expect(cluster).toHaveLength(1);
    expect(cluster[0]?.inputs).toMatchObject({
      name: "m6-prod-obs",
      enableAutopilot: true,
      deletionProtection: true,
      privateClusterConfig: { enablePrivateNodes: true },
    });
    expect(cluster[0]?.protect).toBe(true);
    const providers = resourcesOf(prod).filter((r) => r.type === "pulumi:providers:kubernetes");
    expect(providers).toHaveLength(1);
    expect(providers[0]?.inputs.clusterIdentifier).toBe(cluster[0]?.id);
    expect(String(providers[0]?.inputs.kubeconfig)).toMatch(
      /"server":"https:\/\/gke-[0-9a-f]+-\d+\.asia-northeast3\.gke\.goog".*"command":"gke-gcloud-auth-plugin"/,
    );
    const root = resourcesOf(prod).find((r) => r.type === "pulumi:pulumi:Stack");
    expect(root?.outputs?.observability).toMatchObject({
      cluster: "m6-prod-obs",
      workloadPool: "module6-prod-000000.svc.id.goog",
    });
  });

  it("prod runs Grafana on it: every Kubernetes object through the cluster's provider, the pinned release with its values, the restricted namespace, policies, ConfigMaps and the principal grant", () => {
    const all = resourcesOf(prod);
    const provider = all.find((r) => r.type === "pulumi:providers:kubernetes");
    const objects = all.filter((r) => r.type.startsWith("kubernetes:"));
    expect(objects).toHaveLength(8);
    for (const r of objects) expect(r.provider, r.urn).toBe(`${provider?.urn}::${provider?.id}`);
    const one = (type: string, name: string) =>
      all.find((r) => r.type === type && r.urn.endsWith(`::${name}`));
    const release = one("kubernetes:helm.sh/v3:Release", "observability-grafana-release");
    expect(release?.inputs).toMatchObject({
      chart: "grafana",
      version: "12.11.1",
      repositoryOpts: { repo: "https://grafana-community.github.io/helm-charts" },
      namespace: "grafana",
      atomic: true,
      cleanupOnFail: true,
    });
    expect(JSON.stringify(release?.inputs.values)).toContain('"requests":{"cpu":"250m","memory":"512Mi"}');
    expect(JSON.stringify(release?.inputs.values)).toContain(
      "asia-northeast3-docker.pkg.dev/module6-prod-000000/",
    );
    const namespace = one("kubernetes:core/v1:Namespace", "observability-grafana-ns");
    expect(namespace?.inputs).toMatchObject({
      metadata: { name: "grafana", labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    });
    const policies = all.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    expect(policies.map((p) => (p.inputs.metadata as { name: string }).name).sort()).toEqual([
      "default-deny",
      "grafana-allow",
    ]);
    // The environment's dashboard, rendered by grafanaDashboard from the widgets of the Cloud Monitoring one.
    const map = one("kubernetes:core/v1:ConfigMap", "observability-grafana-dashboard-environment");
    const grafana = JSON.parse(String((map?.inputs.data as Record<string, string>)["environment.json"])) as {
      title: string;
      panels: unknown[];
    };
    const monitoring = all.find((r) => r.type === "gcp:monitoring/dashboard:Dashboard");
    const tiles = (
      JSON.parse(String(monitoring?.inputs.dashboardJson)) as { mosaicLayout: { tiles: unknown[] } }
    ).mosaicLayout.tiles;
    expect(grafana.title).toBe("module6 prod: service levels and golden signals");
    expect(grafana.panels).toHaveLength(tiles.length);
    const grants = all.filter(
      (r) => r.type === "gcp:projects/iAMMember:IAMMember" && r.inputs.role === "roles/monitoring.viewer",
    );
    expect(grants.map((g) => g.inputs.member)).toEqual([
      "principal://iam.googleapis.com/projects/000000000000/locations/global/workloadIdentityPools/module6-prod-000000.svc.id.goog/subject/ns/grafana/sa/grafana",
    ]);
    const mirrorRead = all.find(
      (r) => r.type === "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
    );
    expect(mirrorRead?.inputs).toMatchObject({
      role: "roles/artifactregistry.reader",
      member: "serviceAccount:m6-prod-obs-nodes@module6-prod-000000.iam.gserviceaccount.com",
    });
  });

  it("prod without the block plans every other resource exactly as with it (inputs, parents, dependencies, protect)", () => {
    expect(resourcesOf(prodWithout).some((r) => r.type.startsWith("gcp:container/"))).toBe(false);
    expectOnlyThePlane(added(prodWithout, prod));
  });

  it("staging with the block on plans every other resource exactly as without it (inputs, parents, dependencies, protect), adds only the plane and passes the policy pack", () => {
    expect(stagingWith.code).toBe(0);
    expect(resourcesOf(staging).some((r) => r.type.startsWith("gcp:container/"))).toBe(false);
    expectOnlyThePlane(added(staging, stagingWith.doc), 2);
    const cluster = resourcesOf(stagingWith.doc).find((r) => r.type === "gcp:container/cluster:Cluster");
    expect(cluster?.inputs).toMatchObject({ name: "m6-staging-obs", releaseChannel: { channel: "STABLE" } });
  });

  it("staging's Grafana reads its own project: granted, the data source's default and the dashboard's, besides the other one listed", () => {
    const all = resourcesOf(stagingWith.doc);
    const grants = all.filter(
      (r) => r.type === "gcp:projects/iAMMember:IAMMember" && r.inputs.role === "roles/monitoring.viewer",
    );
    expect(grants.map((g) => g.inputs.project)).toEqual(["module6-staging-000000", "module6-other-000000"]);
    const data = (name: string) =>
      all.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.urn.endsWith(`::${name}`))?.inputs
        .data as Record<string, string>;
    expect(String(data("observability-grafana-datasources")["datasources.yaml"])).toContain(
      '"defaultProject": "module6-staging-000000"',
    );
    const dashboard = String(data("observability-grafana-dashboard-environment")["environment.json"]);
    expect(dashboard).toContain('"projectName":"module6-staging-000000"');
    expect(dashboard).not.toContain("module6-other-000000");
  });

  it("staging (Pulumi.staging.yaml) leaves the plane off", () => {
    expect(resourcesOf(staging).filter((r) => r.type === OBSERVABILITY)).toEqual([]);
  });

  it("a feature plan holds no GKE or Kubernetes resource", () => {
    const found = resourcesOf(feature).filter(
      (r) =>
        r.type.startsWith("gcp:container/") ||
        r.type.startsWith("kubernetes:") ||
        r.type === "pulumi:providers:kubernetes",
    );
    expect(found).toEqual([]);
    expect(resourcesOf(feature).length).toBeGreaterThan(10);
  });
});
