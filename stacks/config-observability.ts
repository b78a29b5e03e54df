/**
 * `module6:observability`: the optional observability plane (docs/observability.md) — a GKE Autopilot
 * cluster in the project's network and Grafana on it, installed from a pinned Helm chart. Absent means off
 * (the default); prod and staging only. The schema holds the fields' types and the rules between a block's
 * own fields (the components' own rules: components/gke-cluster-rules.ts and components/grafana-rules.ts, both
 * SDK-free, so parsing config loads no provider or Kubernetes SDK); `resolveObservability`
 * applies the rules that join it to the kind, the network and the protection settings.
 */
import { z } from "zod";
import {
  DEFAULT_MAINTENANCE_WINDOW,
  GKE_CLUSTER_RULES,
  RELEASE_CHANNELS,
  checkAuthorizedNetworks,
  checkClusterRanges,
  checkMaintenanceWindow,
  type AuthorizedNetwork,
  type ClusterRanges,
  type MaintenanceWindow,
  type ReleaseChannel,
} from "../components/gke-cluster-rules";
import { autopilotProblems, GRAFANA_RULES } from "../components/grafana-rules";
import { PROJECT_ID_RULE } from "../components/shared/project-id";
import { overlaps, parseCidr } from "../components/shared/cidr";
import { rule, type Problem } from "../components/shared/validation";
import type { NetworkConfig } from "./config-data-tier";
import { byKind, distinct, doc, docDefault, issuesOf, ruled } from "./config-fields";
import { problemAt } from "./config-problems";
import { NAMESPACE } from "./namespace";
import type { Kind, Preset } from "./presets";

/**
 * The cluster subnet's ranges when the config names none: clear of the ranges the stack files give the
 * VPC's subnets (10.10/10.20.0.0/24) and private services access (10.64/10.84.0.0/20). A /20 of Pods holds
 * 64 Autopilot nodes (a /26 each), far more than Grafana needs.
 */
export const DEFAULT_CLUSTER_RANGES: ClusterRanges = {
  nodes: "10.96.0.0/24",
  services: "10.96.4.0/22",
  pods: "10.100.0.0/20",
};

/** Requests (Autopilot bills requests) of the Grafana container when the config names none. */
export const DEFAULT_GRAFANA_RESOURCES = { cpu: "250m", memory: "512Mi" } as const;

/** Grafana's rules: one home with the component's validator (components/grafana-rules.ts). */
const GR = GRAFANA_RULES;

const R = GKE_CLUSTER_RULES;
const cidrText = doc(z.string(), "An IPv4 CIDR.");

const clusterSchema = z
  .strictObject({
    name: docDefault(
      ruled(z.string(), R.name).optional(),
      "Logical name of the cluster (`<prefix>-<env>-<name>`, at most 40 characters).",
      "obs",
    ),
    releaseChannel: docDefault(
      z.enum(RELEASE_CHANNELS).optional(),
      "GKE release channel: `REGULAR` (upgrades several times a month) or `STABLE` (every few months).",
      "REGULAR",
    ),
    authorizedNetworks: doc(
      z
        .array(
          z.strictObject({
            cidr: doc(z.string().meta({ allowed: "an IPv4 CIDR of /8 or narrower" }), "An IPv4 CIDR."),
            displayName: doc(z.string().min(1).max(100).optional(), "What the range is.", "the CIDR"),
          }),
        )
        .default([]),
      "Networks that may reach the control plane's IP endpoint (at most 50, never 0.0.0.0/0). Empty: the IP endpoint is off and `kubectl`/Pulumi reach the control plane through its IAM-guarded DNS endpoint.",
    ),
    maintenanceWindow: doc(
      z
        .strictObject({
          startTime: doc(z.string().meta({ allowed: R.time.allowed }), "The first window's start (UTC)."),
          endTime: doc(
            z.string().meta({ allowed: R.time.allowed }),
            "The first window's end: 4 to 24 hours after the start.",
          ),
          recurrence: doc(z.string().meta({ allowed: R.recurrence.allowed }), "When it recurs (RRULE)."),
        })
        .optional(),
      "When GKE may upgrade the cluster; GKE requires 48 hours in any 32 days (12 hours a week here), in windows of at least 4 hours.",
      `${DEFAULT_MAINTENANCE_WINDOW.recurrence}, ${DEFAULT_MAINTENANCE_WINDOW.startTime.slice(11, 16)}-${DEFAULT_MAINTENANCE_WINDOW.endTime.slice(11, 16)} UTC`,
    ),
    deletionProtection: doc(
      z.boolean().optional(),
      "GKE's deletion protection of the cluster: always on in prod.",
      byKind((p) => p.protection.deletionProtection),
    ),
    ranges: doc(
      z
        .strictObject({
          nodes: doc(
            cidrText,
            "The nodes' range (the cluster subnet's primary range): RFC 1918, /16 to /28.",
          ),
          pods: doc(cidrText, "The Pods' secondary range: RFC 1918, /13 to /24 (a /26 per Autopilot node)."),
          services: doc(cidrText, "The Services' secondary range: RFC 1918, /16 to /27."),
        })
        .optional(),
      "The cluster's own subnet in the project's network; no range may overlap another of the VPC.",
      `nodes ${DEFAULT_CLUSTER_RANGES.nodes}, pods ${DEFAULT_CLUSTER_RANGES.pods}, services ${DEFAULT_CLUSTER_RANGES.services}`,
    ),
  })
  .superRefine((c, ctx) => {
    const p = issuesOf(ctx);
    checkAuthorizedNetworks(p, "authorizedNetworks", c.authorizedNetworks);
    if (c.maintenanceWindow) checkMaintenanceWindow(p, "maintenanceWindow", c.maintenanceWindow);
    if (c.ranges) checkClusterRanges(p, "ranges", c.ranges);
  });

const grafanaSchema = z.strictObject({
  namespace: docDefault(
    ruled(z.string(), GR.namespace).optional(),
    "The Kubernetes namespace of Grafana (Pod Security `restricted`, default-deny network policies).",
    "grafana",
  ),
  chart: doc(
    z.strictObject({
      repository: doc(
        ruled(z.string(), GR.chartRepository),
        "The chart repository (the chart moved to https://grafana-community.github.io/helm-charts).",
      ),
      name: docDefault(ruled(z.string(), GR.chartName).optional(), "The chart's name.", "grafana"),
      version: doc(ruled(z.string(), GR.chartVersion), "The chart's exact version (quoted in YAML)."),
    }),
    "The Grafana Helm chart, pinned.",
  ),
  projects: doc(
    ruled(z.array(ruled(z.string(), PROJECT_ID_RULE)), rule("each project once", distinct)).optional(),
    "Additional projects whose Cloud Monitoring data Grafana reads, besides the stack's `gcpProject`, which is always granted and is the data source's and the dashboard's project (listing it here changes nothing). Grafana's Kubernetes service account's Workload Identity principal gets `roles/monitoring.viewer` on each.",
    "none: the stack's `gcpProject` only",
  ),
  resources: doc(
    z
      .strictObject({
        cpu: docDefault(
          ruled(z.string(), GR.cpu).optional(),
          "CPU request (Autopilot bills requests).",
          DEFAULT_GRAFANA_RESOURCES.cpu,
        ),
        memory: docDefault(
          ruled(z.string(), GR.memory).optional(),
          "Memory request.",
          DEFAULT_GRAFANA_RESOURCES.memory,
        ),
      })
      .optional(),
    "Grafana's requests, explicit because Autopilot bills requests and the chart's defaults are about 3× larger.",
    `${DEFAULT_GRAFANA_RESOURCES.cpu} CPU, ${DEFAULT_GRAFANA_RESOURCES.memory}`,
  ),
});

export const observabilitySchema = z.strictObject({
  cluster: doc(clusterSchema.prefault({}), "The GKE Autopilot cluster."),
  grafana: doc(grafanaSchema, "Grafana, installed with Helm on the cluster."),
});

export type ObservabilityInput = z.output<typeof observabilitySchema>;

/** The Helm chart Grafana is installed from. */
export interface ChartConfig {
  readonly repository: string;
  readonly name: string;
  readonly version: string;
}

/** The observability plane, resolved over the kind. */
export interface ObservabilityConfig {
  readonly cluster: {
    readonly name: string;
    readonly releaseChannel: ReleaseChannel;
    readonly authorizedNetworks: readonly AuthorizedNetwork[];
    readonly maintenanceWindow: MaintenanceWindow;
    readonly deletionProtection: boolean;
    readonly ranges: ClusterRanges;
  };
  readonly grafana: {
    readonly namespace: string;
    readonly chart: ChartConfig;
    /**
     * Projects Grafana reads Cloud Monitoring data from: the stack's `gcpProject` first (always there; the data
     * source's and the dashboard's project), then the configured additional ones, each once.
     */
    readonly projects: readonly string[];
    readonly resources: { readonly cpu: string; readonly memory: string };
  };
}

/** What the observability rules need from the rest of the config. */
export interface ObservabilityContext {
  readonly kind: Kind;
  readonly preset: Preset;
  /** `undefined` when `gcpProject` failed its schema. */
  readonly gcpProject: string | undefined;
  /** The project's network block (`module6:network`), resolved; `undefined` when absent. */
  readonly network: NetworkConfig | undefined;
  /** Whether `module6:network` failed to parse (its absence is then not reported again). */
  readonly networkFailed: boolean;
  /** `protection.deletionProtection` as resolved over the preset. */
  readonly deletionProtection: boolean;
}

/** The observability block over the kind and its joins to the network; `undefined` when absent. */
export function resolveObservability(
  input: ObservabilityInput | undefined,
  ctx: ObservabilityContext,
): { value: ObservabilityConfig | undefined; problems: Problem[] } {
  if (input === undefined) return { value: undefined, problems: [] };
  if (ctx.kind === "feature")
    // A cluster takes minutes to create and costs by the hour: a feature stack must come up in about two
    // minutes and cost nothing idle (DESIGN §2). Staging's plane serves its feature environments' reviewers.
    return {
      value: undefined,
      problems: [
        problemAt(
          "observability",
          "a block",
          "absent in a feature stack: the observability plane (a GKE cluster and Grafana) belongs to prod and staging only",
        ),
      ],
    };
  const c = input.cluster;
  const g = input.grafana;
  const value: ObservabilityConfig = {
    cluster: {
      name: c.name ?? "obs",
      releaseChannel: c.releaseChannel ?? "REGULAR",
      authorizedNetworks: c.authorizedNetworks,
      maintenanceWindow: c.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW,
      deletionProtection: c.deletionProtection ?? ctx.deletionProtection,
      ranges: c.ranges ?? DEFAULT_CLUSTER_RANGES,
    },
    grafana: {
      namespace: g.namespace ?? "grafana",
      chart: { repository: g.chart.repository, name: g.chart.name ?? "grafana", version: g.chart.version },
      projects: [
        ...new Set([...(ctx.gcpProject === undefined ? [] : [ctx.gcpProject]), ...(g.projects ?? [])]),
      ],
      resources: {
        cpu: g.resources?.cpu ?? DEFAULT_GRAFANA_RESOURCES.cpu,
        memory: g.resources?.memory ?? DEFAULT_GRAFANA_RESOURCES.memory,
      },
    },
  };
  const problems = resourceProblems(value.grafana.resources);
  if (ctx.kind === "prod" && !value.cluster.deletionProtection)
    problems.push(
      problemAt(
        "observability.cluster.deletionProtection",
        false,
        "true in prod (a destroy or replacement of the cluster must be a deliberate two-step change)",
      ),
    );
  if (ctx.network === undefined) {
    if (!ctx.networkFailed)
      problems.push(
        problemAt(
          "observability",
          "a block",
          `a ${NAMESPACE}:network block as well: the cluster lives in the project's network (its own subnet, private nodes)`,
        ),
      );
  } else problems.push(...overlapProblems(value.cluster.ranges, ctx.network));
  return { value, problems };
}

/** What Autopilot admits of Grafana's requests (components/grafana-rules.ts), named by config key. */
function resourceProblems({ cpu, memory }: { cpu: string; memory: string }): Problem[] {
  // Malformed values are the schema's to report.
  if (!GR.cpu.test(cpu) || !GR.memory.test(memory)) return [];
  return autopilotProblems(cpu, memory).map(([field, allowed]) =>
    problemAt(`observability.grafana.resources.${field}`, field === "cpu" ? cpu : memory, allowed),
  );
}

/**
 * The cluster's ranges against the VPC's other ranges: secondary ranges must be "unique and non-overlapping
 * with all primary and secondary IP ranges within a network" (gcp.compute.Subnetwork `secondaryIpRanges`,
 * node_modules/@pulumi/gcp/types/input.d.ts), and so must a primary range.
 */
function overlapProblems(ranges: ClusterRanges, network: NetworkConfig): Problem[] {
  const taken = [
    ...Object.entries(network.subnets).map(([region, cidr]) => ({ key: `network.subnets.${region}`, cidr })),
    ...(network.privateServiceAccess
      ? [{ key: "network.privateServiceAccess", cidr: network.privateServiceAccess }]
      : []),
  ];
  const problems: Problem[] = [];
  for (const key of ["nodes", "pods", "services"] as const) {
    const own = parseCidr(ranges[key]);
    if (own === undefined) continue;
    for (const other of taken) {
      const range = parseCidr(other.cidr);
      if (range !== undefined && overlaps(own, range))
        problems.push(
          problemAt(
            `observability.cluster.ranges.${key}`,
            ranges[key],
            `a range that does not overlap ${NAMESPACE}:${other.key} (${other.cidr})`,
          ),
        );
    }
  }
  return problems;
}
