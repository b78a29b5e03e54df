/**
 * `module6:observability` and `services.<x>.platform`: absent means off; each mistake is one line that names
 * the config key, the value and what is allowed, before any resource exists.
 */
import { describe, expect, it } from "vitest";
import { base, configError, input, parse, service, type Values } from "../helpers/config";

const CHART = {
  repository: "https://grafana-community.github.io/helm-charts",
  name: "grafana",
  version: "12.11.1",
};

/** The staging fixture with a network and the observability block. */
function withPlane(kind = "staging", observability: Record<string, unknown> = {}): Values {
  const values = base();
  values.kind = kind;
  values.network = { subnets: { "asia-northeast3": "10.20.0.0/24" }, privateServiceAccess: "10.84.0.0/20" };
  values.observability = { grafana: { chart: CHART }, ...observability };
  return values;
}

/** The problem lines of the error `values` raise. */
function problems(values: Values, stack = "staging"): string[] {
  return configError(input(values, stack)).message.split("\n").slice(1);
}

describe("observability config", () => {
  it("is off when absent", () => {
    const values = base();
    values.network = { subnets: { "asia-northeast3": "10.20.0.0/24" } };
    const config = parse(values);
    expect(config.observability).toBeUndefined();
    expect(config.apis).not.toContain("container.googleapis.com");
    expect(config.apis).not.toContain("binaryauthorization.googleapis.com");
  });

  it("resolves the defaults: REGULAR, DNS endpoint only, 12 hours a week, the stack's project, 250m/512Mi", () => {
    const config = parse(withPlane());
    expect(config.observability).toEqual({
      cluster: {
        name: "obs",
        releaseChannel: "REGULAR",
        authorizedNetworks: [],
        maintenanceWindow: {
          startTime: "2026-01-02T18:00:00Z",
          endTime: "2026-01-03T00:00:00Z",
          recurrence: "FREQ=WEEKLY;BYDAY=FR,SA",
        },
        deletionProtection: true,
        ranges: { nodes: "10.96.0.0/24", pods: "10.100.0.0/20", services: "10.96.4.0/22" },
      },
      grafana: {
        namespace: "grafana",
        chart: CHART,
        projects: ["module6-staging-000000"],
        resources: { cpu: "250m", memory: "512Mi" },
      },
    });
    // The plane enables its own APIs (stacks/observability.ts): the project's list stays as it was.
    expect(config.apis).not.toContain("container.googleapis.com");
  });

  it("always reads the stack's own project first, the configured ones as additional projects, each once", () => {
    const cases: [string[] | undefined, string[]][] = [
      [undefined, ["module6-staging-000000"]],
      [[], ["module6-staging-000000"]],
      [["module6-other-000000"], ["module6-staging-000000", "module6-other-000000"]],
      [
        ["module6-other-000000", "module6-staging-000000"],
        ["module6-staging-000000", "module6-other-000000"],
      ],
    ];
    for (const [projects, resolved] of cases) {
      const grafana = projects === undefined ? { chart: CHART } : { chart: CHART, projects };
      expect(
        parse(withPlane("staging", { grafana })).observability?.grafana.projects,
        String(projects),
      ).toEqual(resolved);
    }
  });

  it("lets staging turn deletion protection off, never prod", () => {
    const staging = parse(withPlane("staging", { cluster: { deletionProtection: false } }));
    expect(staging.observability?.cluster.deletionProtection).toBe(false);
    const prod = withPlane("prod", { cluster: { deletionProtection: false } });
    expect(problems(prod, "prod")).toContain(
      "  - module6:observability.cluster.deletionProtection: got false; true in prod (a destroy or replacement of the cluster must be a deliberate two-step change)",
    );
  });

  it("is one clear error in a feature stack", () => {
    const feature = withPlane("feature");
    delete feature.monitoring;
    delete feature.network;
    const lines = problems(feature, "feature-pr-7");
    expect(lines.filter((l) => l.includes("module6:observability"))).toEqual([
      '  - module6:observability: got "a block"; absent in a feature stack: the observability plane (a GKE cluster and Grafana) belongs to prod and staging only',
    ]);
  });

  it("needs the project's network", () => {
    const values = withPlane();
    delete values.network;
    expect(problems(values)).toContain(
      '  - module6:observability: got "a block"; a module6:network block as well: the cluster lives in the project\'s network (its own subnet, private nodes)',
    );
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      "a release channel outside REGULAR and STABLE",
      { cluster: { releaseChannel: "RAPID" } },
      '  - module6:observability.cluster.releaseChannel: got "RAPID"; one of "REGULAR", "STABLE"',
    ],
    [
      "the whole internet as an authorized network",
      { cluster: { authorizedNetworks: [{ cidr: "0.0.0.0/0" }] } },
      '  - module6:observability.cluster.authorizedNetworks[0].cidr: got "0.0.0.0/0"; a range of /8 or narrower: never 0.0.0.0/0 (anyone on the internet) — leave authorizedNetworks empty to use the IAM-guarded DNS endpoint instead',
    ],
    [
      "an IPv6 catch-all",
      { cluster: { authorizedNetworks: [{ cidr: "::/0" }] } },
      '  - module6:observability.cluster.authorizedNetworks[0].cidr: got "::/0"; an IPv4 CIDR without host bits, e.g. 203.0.113.0/24',
    ],
    [
      "a maintenance window in local time",
      {
        cluster: {
          maintenanceWindow: {
            startTime: "2026-01-03T03:00:00+09:00",
            endTime: "2026-01-03T15:00:00Z",
            recurrence: "FREQ=WEEKLY;BYDAY=SA",
          },
        },
      },
      '  - module6:observability.cluster.maintenanceWindow.startTime: got "2026-01-03T03:00:00+09:00"; an RFC 3339 time in UTC such as 2026-01-02T18:00:00Z',
    ],
    [
      "a maintenance window GKE refuses (8 hours a week)",
      {
        cluster: {
          maintenanceWindow: {
            startTime: "2026-01-03T18:00:00Z",
            endTime: "2026-01-04T02:00:00Z",
            recurrence: "FREQ=WEEKLY;BYDAY=SA",
          },
        },
      },
      '  - module6:observability.cluster.maintenanceWindow.recurrence: got "FREQ=WEEKLY;BYDAY=SA"; windows of at least 12 hours a week in all (here 1 × 8 h): GKE requires 48 hours of maintenance availability in any 32 days',
    ],
    [
      "an RRULE the check cannot read",
      {
        cluster: {
          maintenanceWindow: {
            startTime: "2026-01-03T18:00:00Z",
            endTime: "2026-01-04T06:00:00Z",
            recurrence: "FREQ=WEEKLY;BYDAY=SATURDAY",
          },
        },
      },
      '  - module6:observability.cluster.maintenanceWindow.recurrence: got "FREQ=WEEKLY;BYDAY=SATURDAY"; an RFC 5545 RRULE of the form FREQ=DAILY or FREQ=WEEKLY;BYDAY=<days> (days from MO TU WE TH FR SA SU, each once)',
    ],
    [
      "a Pod range over the VPC's subnet",
      { cluster: { ranges: { nodes: "10.96.0.0/24", pods: "10.20.0.0/20", services: "10.96.4.0/22" } } },
      '  - module6:observability.cluster.ranges.pods: got "10.20.0.0/20"; a range that does not overlap module6:network.subnets.asia-northeast3 (10.20.0.0/24)',
    ],
    [
      "a node range over private services access",
      { cluster: { ranges: { nodes: "10.84.0.0/24", pods: "10.100.0.0/20", services: "10.96.4.0/22" } } },
      '  - module6:observability.cluster.ranges.nodes: got "10.84.0.0/24"; a range that does not overlap module6:network.privateServiceAccess (10.84.0.0/20)',
    ],
    [
      "a public node range",
      { cluster: { ranges: { nodes: "100.64.0.0/24", pods: "10.100.0.0/20", services: "10.96.4.0/22" } } },
      '  - module6:observability.cluster.ranges.nodes: got "100.64.0.0/24"; a private (RFC 1918) range from /16 to /28',
    ],
    [
      "a chart over plain http",
      { grafana: { chart: { ...CHART, repository: "http://grafana.github.io/helm-charts" } } },
      '  - module6:observability.grafana.chart.repository: got "http://grafana.github.io/helm-charts"; an https:// chart repository or an oci:// registry URL (never plain http://)',
    ],
    [
      "a version range",
      { grafana: { chart: { ...CHART, version: "^12.11.0" } } },
      '  - module6:observability.grafana.chart.version: got "^12.11.0"; one exact SemVer version such as "12.11.1", never a range (^, ~, >=, x, *) nor a leading v',
    ],
    [
      "a version with a wildcard",
      { grafana: { chart: { ...CHART, version: "12.x" } } },
      '  - module6:observability.grafana.chart.version: got "12.x"; one exact SemVer version such as "12.11.1", never a range (^, ~, >=, x, *) nor a leading v',
    ],
    [
      "no chart version",
      { grafana: { chart: { repository: CHART.repository } } },
      "  - module6:observability.grafana.chart.version: got nothing; required (text)",
    ],
    [
      "a namespace that is not a DNS label",
      { grafana: { chart: CHART, namespace: "Grafana_NS" } },
      '  - module6:observability.grafana.namespace: got "Grafana_NS"; a DNS-1123 label (1-63 of a-z 0-9 "-", starting and ending with a letter or digit), not "default" nor a name starting with kube-, gke- or gmp- (system namespaces)',
    ],
    [
      "a system namespace",
      { grafana: { chart: CHART, namespace: "kube-system" } },
      '  - module6:observability.grafana.namespace: got "kube-system"; a DNS-1123 label (1-63 of a-z 0-9 "-", starting and ending with a letter or digit), not "default" nor a name starting with kube-, gke- or gmp- (system namespaces)',
    ],
    [
      "a namespace of GKE's own",
      { grafana: { chart: CHART, namespace: "gmp-system" } },
      '  - module6:observability.grafana.namespace: got "gmp-system"; a DNS-1123 label (1-63 of a-z 0-9 "-", starting and ending with a letter or digit), not "default" nor a name starting with kube-, gke- or gmp- (system namespaces)',
    ],
    [
      "a chart repository that is no URL",
      { grafana: { chart: { ...CHART, repository: "https://[grafana" } } },
      '  - module6:observability.grafana.chart.repository: got "https://[grafana"; an https:// chart repository or an oci:// registry URL (never plain http://)',
    ],
    [
      "a project id ending with a hyphen",
      { grafana: { chart: CHART, projects: ["module6-other-"] } },
      "  - module6:observability.grafana.projects[0]: got \"module6-other-\"; a GCP project id: 6-30 of a-z 0-9 '-', starting with a letter",
    ],
    [
      "a CPU request of zero",
      { grafana: { chart: CHART, resources: { cpu: "0m" } } },
      '  - module6:observability.grafana.resources.cpu: got "0m"; a CPU quantity above zero such as "250m" or "0.5"',
    ],
    [
      "a memory request in bytes",
      { grafana: { chart: CHART, resources: { memory: "536870912" } } },
      '  - module6:observability.grafana.resources.memory: got "536870912"; a memory quantity such as "512Mi" or "1Gi"',
    ],
    [
      "requests Autopilot would not run (1 GiB for 2 vCPU is under its 1:1 ratio)",
      { grafana: { chart: CHART, resources: { cpu: "2", memory: "1Gi" } } },
      '  - module6:observability.grafana.resources.memory: got "1Gi"; 1-6.5 GiB per vCPU (GKE Autopilot\'s CPU:memory ratio; 2 CPU takes 2048Mi-13312Mi)',
    ],
    [
      "a project listed twice",
      { grafana: { chart: CHART, projects: ["module6-prod-000000", "module6-prod-000000"] } },
      '  - module6:observability.grafana.projects: got ["module6-prod-000000","module6-prod-000000"]; each project once',
    ],
    [
      "an unknown key",
      { cluster: { autopilot: false } },
      "  - module6:observability.cluster.autopilot: got false; no such key: check the spelling (known keys: name, releaseChannel, authorizedNetworks, maintenanceWindow, deletionProtection, ranges; see docs/configuration.md#observability)",
    ],
  ])("refuses %s", (_, block, line) => {
    expect(problems(withPlane("staging", block))).toContain(line);
  });
});

describe("services.<x>.platform", () => {
  it("takes cloud-run, the default", () => {
    const values = base();
    service(values, "web").platform = "cloud-run";
    expect(parse(values).services.map((s) => s.name)).toEqual(["web", "api"]);
  });

  it("refuses gke with the reason", () => {
    const values = base();
    service(values, "api").platform = "gke";
    expect(problems(values).filter((l) => l.startsWith("  - "))).toEqual([
      '  - module6:services.api.platform: got "gke"; "cloud-run" (the only platform for now; "gke" is refused: pods behind the existing load balancer need network endpoint groups (NEGs) that GKE creates only after apply, so the load balancer cannot be wired to them in the same plan)',
    ]);
  });
});
