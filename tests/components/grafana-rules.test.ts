/**
 * The limits Grafana's arguments are checked against, each from the system that imposes it: Kubernetes names
 * and labels, Helm release names and chart versions, ConfigMap size, and GKE Autopilot's resource rules.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kubernetesLabels, validateGrafanaArgs, type GrafanaArgs } from "../../components/grafana";
import { autopilotProblems, cpuMillis, memoryMiB } from "../../components/grafana-rules";
import { commonArgs } from "../helpers/pulumi";

/** Plain values only: validation runs before any resource exists, so no provider is needed. */
function args(overrides: Partial<GrafanaArgs> = {}): GrafanaArgs {
  return {
    ...commonArgs(),
    provider: undefined as unknown as GrafanaArgs["provider"],
    workloadPool: "module6-test-000000.svc.id.goog",
    registry: "asia-northeast3-docker.pkg.dev/module6-test-000000/m6-test-dockerhub",
    chart: { repository: "https://grafana-community.github.io/helm-charts", version: "12.11.1" },
    ...overrides,
  };
}

const chart = (c: Partial<GrafanaArgs["chart"]>) => ({
  chart: { repository: "https://grafana-community.github.io/helm-charts", version: "12.11.1", ...c },
});

describe("validateGrafanaArgs", () => {
  it("accepts the defaults and the documented example", () => {
    expect(() => validateGrafanaArgs(args())).not.toThrow();
    expect(() =>
      validateGrafanaArgs(
        args({
          namespace: "grafana",
          ...chart({ repository: "oci://ghcr.io/grafana-community/helm-charts", name: "grafana" }),
          viewerProjects: ["module6-test-000000", "module6-prod-000000"],
          resources: { cpu: "250m", memory: "512Mi" },
          dashboards: { platform: { title: "Platform" } },
        }),
      ),
    ).not.toThrow();
  });

  it.each([
    // Namespaces: DNS-1123 labels, not default, not kube-*, gke-* nor gmp-* (the config's rule too).
    [{ namespace: "Grafana" }, /namespace: got "Grafana"; a DNS-1123 label/],
    [{ namespace: "kube-grafana" }, /namespace: got "kube-grafana"/],
    [
      { namespace: "gke-grafana" },
      /namespace: got "gke-grafana"; .*not "default" nor a name starting with kube-, gke- or gmp-/,
    ],
    [{ namespace: "gmp-public" }, /namespace: got "gmp-public"/],
    [{ namespace: "default" }, /namespace: got "default"/],
    [{ namespace: `g${"x".repeat(63)}` }, /namespace: got/],
    [{ namespace: "grafana-" }, /namespace: got "grafana-"/],
    // Helm: release names of at most 53 characters.
    [{ releaseName: "r".repeat(54) }, /releaseName: got "r+"; a DNS-1123 label: 1-53/],
    [{ releaseName: "Grafana" }, /releaseName: got "Grafana"/],
    [{ serviceAccountName: "grafana_sa" }, /serviceAccountName: got "grafana_sa"/],
    // Charts: exact versions from https or oci.
    [
      chart({ version: "^12.0.0" }),
      /chart.version: got "\^12.0.0"; one exact SemVer version such as "12.11.1", never a range/,
    ],
    [chart({ version: "v12.11.1" }), /chart.version: got "v12.11.1"/],
    [chart({ version: "12.11" }), /chart.version: got "12.11"/],
    [chart({ version: "latest" }), /chart.version: got "latest"/],
    [chart({ repository: "http://grafana.github.io/helm-charts" }), /chart.repository: got "http:/],
    [chart({ repository: "grafana-community" }), /chart.repository: got "grafana-community"/],
    [chart({ repository: "https://" }), /chart.repository: got "https:\/\/"/],
    [chart({ repository: "oci:///charts" }), /chart.repository: got "oci:\/\/\/charts"/],
    [chart({ repository: "https://[grafana" }), /chart.repository: got "https:\/\/\[grafana"/],
    [chart({ name: "Grafana" }), /chart.name: got "Grafana"/],
    [{ podSecurityVersion: "1.33" }, /podSecurityVersion: got "1.33"/],
    [{ timeoutSeconds: 30 }, /timeoutSeconds: got 30; an integer 60-3600/],
    [{ imageDigest: "sha256:abc" }, /imageDigest: got "sha256:abc"/],
    // Projects.
    [{ project: "Prod" }, /project: got "Prod"; a GCP project id/],
    [{ project: "module6-prod-" }, /project: got "module6-prod-"; a GCP project id/],
    [{ viewerProjects: ["Prod"] }, /viewerProjects\[0\]: got "Prod"/],
    [
      { viewerProjects: ["module6-a-000000", "module6-a-000000"] },
      /viewerProjects: got .*; each project once/,
    ],
    // Dashboards: the key names a volume `dashboards-<key>` (≤ 63), the JSON fits a ConfigMap (≤ 1 MiB).
    [{ dashboards: { ["d".repeat(53)]: {} } }, /dashboards\.d+: got "d+"; a DNS-1123 label: 1-52/],
    [{ dashboards: { Platform: {} } }, /dashboards.Platform: got "Platform"/],
    [
      { dashboards: { platform: "not json" } },
      /dashboards.platform: got "string"; a Grafana dashboard JSON object/,
    ],
    [
      { dashboards: { big: { panels: "x".repeat(1024 * 1024) } } },
      /dashboards.big: got "1048589 bytes"; at most 1 MiB/,
    ],
  ] as [Partial<GrafanaArgs>, RegExp][])("rejects %o", (bad, message) => {
    expect(() => validateGrafanaArgs(args(bad))).toThrow(message);
  });

  it("accepts the limits themselves", () => {
    expect(() =>
      validateGrafanaArgs(
        args({
          releaseName: "r".repeat(53),
          namespace: "n".repeat(63),
          dashboards: { ["d".repeat(52)]: {} },
          timeoutSeconds: 3600,
          imageDigest: "0".repeat(64),
          podSecurityVersion: "latest",
          ...chart({ version: "12.11.1-rc.1+build.5" }),
        }),
      ),
    ).not.toThrow();
  });

  it("reports every problem at once, naming the component", () => {
    expect(() =>
      validateGrafanaArgs(args({ namespace: "kube-x", releaseName: "X", resources: { cpu: "10m" } })),
    ).toThrow(/^Grafana: 3 problems\n/);
  });

  it("needs a known project, which it always reads, even with other viewer projects", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const project = pulumi.output("module6-test-000000");
    for (const viewerProjects of [undefined, ["module6-test-000000"]])
      expect(() => validateGrafanaArgs(args({ project, viewerProjects }))).toThrow(
        /project: got an output; a project id known when the program runs/,
      );
  });

  it("takes no other viewer project, or its own project again", () => {
    expect(() => validateGrafanaArgs(args({ viewerProjects: [] }))).not.toThrow();
    expect(() => validateGrafanaArgs(args({ viewerProjects: ["module6-test-000000"] }))).not.toThrow();
  });
});

describe("GKE Autopilot resource rules (general-purpose compute class)", () => {
  it("parses quantities", () => {
    expect([cpuMillis("250m"), cpuMillis("1"), cpuMillis("0.5"), cpuMillis("abc"), cpuMillis("0")]).toEqual([
      250,
      1000,
      500,
      undefined,
      undefined,
    ]);
    expect([memoryMiB("512Mi"), memoryMiB("2Gi"), memoryMiB("512M"), memoryMiB("0Mi")]).toEqual([
      512,
      2048,
      undefined,
      undefined,
    ]);
  });

  it.each([
    ["250m", "512Mi"], // the default: 1:2
    ["50m", "52Mi"], // the minimum
    ["250m", "256Mi"], // 1:1
    ["1", "6656Mi"], // 1:6.5
    ["30", "110Gi"], // the maximum
  ])("admits %s CPU with %s", (cpu, memory) => {
    expect(autopilotProblems(cpu, memory)).toEqual([]);
  });

  it.each([
    ["25m", "52Mi", "cpu", /50m-30/],
    ["31", "110Gi", "cpu", /50m-30/],
    ["100m", "40Mi", "memory", /52Mi-110Gi/],
    ["250m", "255Mi", "memory", /1-6.5 GiB per vCPU .*256Mi-1664Mi/], // below 1:1
    ["250m", "2Gi", "memory", /1-6.5 GiB per vCPU/], // 1:8
    ["1", "6657Mi", "memory", /1-6.5 GiB per vCPU/],
    ["lots", "512Mi", "cpu", /a CPU quantity/],
    ["250m", "0.5Gi", "memory", /a memory quantity in Mi or Gi/],
  ])("refuses %s CPU with %s", (cpu, memory, field, allowed) => {
    const problems = autopilotProblems(cpu, memory);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.[0]).toBe(field);
    expect(problems[0]?.[1]).toMatch(allowed);
  });

  it("names the resources field in the component's error", () => {
    expect(() => validateGrafanaArgs(args({ resources: { cpu: "250m", memory: "2Gi" } }))).toThrow(
      /resources.memory: got "2Gi"; 1-6.5 GiB per vCPU/,
    );
  });
});

describe("kubernetesLabels", () => {
  it("keeps valid environment labels, drops what Kubernetes refuses and adds the recommended ones", () => {
    expect(
      kubernetesLabels({ env: "prod", team: "platform", bad_: "x", empty: "", trailing: "value-", "": "x" }),
    ).toEqual({
      env: "prod",
      team: "platform",
      empty: "",
      "app.kubernetes.io/managed-by": "pulumi",
      "app.kubernetes.io/part-of": "module6-observability",
    });
  });
});

describe("what the Grafana files load (the plan's time)", () => {
  // Measured with require() after @pulumi/pulumi, @pulumi/gcp and @pulumi/random: @pulumi/kubernetes/helm/v3
  // (its index also loads the v3 Chart and every kind) ~270 ms, helm/v3/release ~1 ms, core/v1 ~16 ms,
  // provider ~14 ms, networking/v1 ~2 ms, yaml ~135 ms.
  const allowed = [
    "@pulumi/kubernetes/helm/v3/release",
    "@pulumi/kubernetes/core/v1",
    "@pulumi/kubernetes/networking/v1",
    "@pulumi/kubernetes/provider",
  ];
  const dir = join(__dirname, "../../components");
  const files = readdirSync(dir).filter((f) => /^grafana.*\.ts$/.test(f));

  it.each(files)("%s imports Kubernetes submodules only, and no YAML library", (file) => {
    const source = readFileSync(join(dir, file), "utf8");
    const runtime = [...source.matchAll(/^import (?!type )[^;]*? from "([^"]+)";/gms)].map((m) => m[1]);
    for (const module of runtime.filter((m) => m?.startsWith("@pulumi/kubernetes")))
      expect(allowed, `${file} imports ${module}`).toContain(module);
    expect(runtime).not.toContain("yaml");
  });

  it("finds the files it checks", () => {
    expect(files).toEqual(
      expect.arrayContaining([
        "grafana.ts",
        "grafana-network.ts",
        "grafana-values.ts",
        "grafana-registry.ts",
      ]),
    );
  });
});
