/**
 * A GKE Autopilot cluster for the observability plane (docs/observability.md), in the project's VPC
 * (components/network.ts): its own subnet with the Pod and Service secondary ranges, private nodes, the
 * control plane reachable through its IAM-guarded DNS endpoint only (its IP endpoint stays off unless
 * authorized networks are configured), a release channel, Binary Authorization enforced, a dedicated node
 * service account, Workload Identity, Managed Service for Prometheus, system and workload logs, a
 * maintenance window, and deletion protection plus `protect`. Next to it, the `kubernetes` provider every
 * Kubernetes object of the plane goes through: built from the cluster's outputs, authenticating with the
 * `gke-gcloud-auth-plugin` (components/gke-kubeconfig.ts), keyed by the cluster's id.
 *
 * Field names are those of node_modules/@pulumi/gcp/container/cluster.d.ts; the constraints cite
 * hashicorp/terraform-provider-google google/services/container/resource_container_cluster.go (the
 * provider @pulumi/gcp wraps) and the GKE documentation next to each.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
// The provider's own module, not the package index: the index loads every Kubernetes API group (about
// 80 ms of the offline plan), the provider module about 1 ms.
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { gkeKubeconfig } from "./gke-kubeconfig";
import type { FlowLogs } from "./network";
import { isRfc1918, overlaps, parseCidr, type Ipv4Range } from "./shared/cidr";
import { Component } from "./shared/component";
import { componentLabels, type CommonArgs } from "./shared/types";
import { Problems, isKnown, oneOfRule, patternRule, rule, type ProblemSink } from "./shared/validation";

/**
 * Release channels this program allows: REGULAR (several upgrades a month) or STABLE (every few months).
 * RAPID gets versions before they are proven; EXTENDED and UNSPECIFIED (no channel) give up automatic
 * upgrades (`ClusterReleaseChannel.channel`, node_modules/@pulumi/gcp/types/input.d.ts).
 */
export const RELEASE_CHANNELS = ["REGULAR", "STABLE"] as const;
export type ReleaseChannel = (typeof RELEASE_CHANNELS)[number];

/** A network allowed to reach the control plane's IP endpoint. */
export interface AuthorizedNetwork {
  /** An IPv4 CIDR, e.g. `203.0.113.0/24`; never `0.0.0.0/0`. */
  readonly cidr: string;
  /**
   * What the range is (the office, the CI runners).
   * @default - the CIDR
   */
  readonly displayName?: string;
}

/**
 * A recurring maintenance window (`maintenancePolicy.recurringWindow`): `startTime` and `endTime` in RFC 3339
 * "Zulu" form (the first window and, by their difference, its length), `recurrence` an RFC 5545 RRULE.
 */
export interface MaintenanceWindow {
  readonly startTime: string;
  readonly endTime: string;
  readonly recurrence: string;
}

/** The IPv4 ranges of the cluster's subnet: nodes (primary), Pods and Services (secondary). */
export interface ClusterRanges {
  /** The nodes' range, the subnet's primary range: RFC 1918, /16 to /28. */
  readonly nodes: string;
  /**
   * The Pods' secondary range: RFC 1918, /13 to /24. Autopilot gives every node a /26 (up to 32 Pods), so
   * a /20 holds 64 nodes. Fixed at creation (Autopilot can add Pod ranges later, not resize this one).
   */
  readonly pods: string;
  /** The Services' (ClusterIP) secondary range: RFC 1918, /16 to /27. */
  readonly services: string;
}

/** Arguments of {@link GkeAutopilotCluster}. */
export interface GkeAutopilotClusterArgs extends CommonArgs {
  /**
   * Logical name; the cluster is `naming.name("generic", name)` (at most 40 characters), its subnet
   * `<cluster>-nodes`, its node service account `<prefix>-<env>-<name>-nodes`.
   * @default "obs"
   */
  readonly name?: string;
  /** The VPC the cluster joins: `projects/<p>/global/networks/<name>` (`Network.networkId`). No default. */
  readonly network: pulumi.Input<string>;
  /** The cluster subnet's ranges; none may overlap another range of the VPC. No default. */
  readonly ranges: ClusterRanges;
  /**
   * The release channel (automatic upgrades).
   * @default "REGULAR"
   */
  readonly releaseChannel?: ReleaseChannel;
  /**
   * Networks that may reach the control plane's IP endpoint (at most 50). Empty: the IP endpoint is off and
   * the control plane is reachable only through its DNS endpoint, which IAM guards.
   * @default []
   */
  readonly authorizedNetworks?: readonly AuthorizedNetwork[];
  /**
   * When GKE may upgrade the cluster. GKE requires at least 48 hours of availability in any 32 days, in
   * windows of at least 4 hours.
   * @default - Friday and Saturday 18:00-24:00 UTC (03:00-09:00 in Seoul), `DEFAULT_MAINTENANCE_WINDOW`
   */
  readonly maintenanceWindow?: MaintenanceWindow;
  /**
   * GKE's deletion protection: a destroy or replacement fails until it is set to false.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Pulumi `protect` on the cluster.
   * @default true
   */
  readonly protect?: boolean;
  /**
   * Flow logs of the cluster's subnet (always on, as on every subnet of the VPC).
   * @default { sampling: 0.5, aggregationInterval: "INTERVAL_5_SEC" }
   */
  readonly flowLogs?: FlowLogs;
}

/** Weekly windows on Friday and Saturday, 18:00-24:00 UTC: 12 hours a week, 48 in any 32 days. */
export const DEFAULT_MAINTENANCE_WINDOW: MaintenanceWindow = {
  startTime: "2026-01-02T18:00:00Z",
  endTime: "2026-01-03T00:00:00Z",
  recurrence: "FREQ=WEEKLY;BYDAY=FR,SA",
};

/** Binary Authorization as the cluster enforces it: the project's singleton policy. */
export const BINARY_AUTHORIZATION_MODE = "PROJECT_SINGLETON_POLICY_ENFORCE";

/**
 * The one role GKE documents for a custom node service account: what nodes need for logs, metrics and
 * (with `roles/artifactregistry.reader` on a repository) image pulls, nothing more ("Use least privilege
 * IAM service accounts", https://cloud.google.com/kubernetes-engine/docs/how-to/service-accounts#node-service-accounts;
 * CIS GKE Benchmark 2.0.0, 5.2.1). Workloads reach Google APIs through Workload Identity, never as the node.
 */
export const NODE_SERVICE_ACCOUNT_ROLE = "roles/container.defaultNodeServiceAccount";

/** At most this many authorized networks ("cidr_blocks define up to 50 external networks", GKE API `MasterAuthorizedNetworksConfig`). */
export const MAX_AUTHORIZED_NETWORKS = 50;

const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
const HOUR_MS = 3_600_000;
/** GKE counts only contiguous windows of at least four hours. */
const MIN_WINDOW_HOURS = 4;
/** 48 hours in 32 days: whatever 32 days are chosen, they hold four whole weeks (see `checkMaintenanceWindow`). */
const MIN_WEEKLY_HOURS = 12;

const RFC3339_UTC = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;

/** The rules of single values, for this component's validator and the stack config schema. */
export const GKE_CLUSTER_RULES = {
  /** The logical name; the whole cluster name must also stay within GKE's 40 characters. */
  name: patternRule(
    /^[a-z](?!.*--)([a-z0-9-]{0,18}[a-z0-9])?$/,
    "1-20 of a-z 0-9 '-', starting with a letter, not ending with '-' nor holding '--'",
  ),
  releaseChannel: oneOfRule<string>(RELEASE_CHANNELS),
  /**
   * RFC 3339 in UTC ("Zulu"): the provider validates RFC 3339 (`verify.ValidateRFC3339Date`) and warns that
   * "GKE may accept other formats, but will return values in UTC, causing a permanent diff"
   * (`ClusterMaintenancePolicy.recurringWindow`, node_modules/@pulumi/gcp/types/input.d.ts).
   */
  time: rule<string>(
    "an RFC 3339 time in UTC such as 2026-01-02T18:00:00Z",
    (v) => RFC3339_UTC.test(v) && new Date(v).toISOString().replace(".000Z", "Z") === v,
  ),
  /**
   * The RRULE forms whose availability this program can check: daily, or weekly on listed days (the
   * forms GKE's own examples use, https://cloud.google.com/kubernetes-engine/docs/how-to/maintenance-windows-and-exclusions).
   */
  recurrence: rule<string>(
    "an RFC 5545 RRULE of the form FREQ=DAILY or FREQ=WEEKLY;BYDAY=<days> (days from MO TU WE TH FR SA SU, each once)",
    (v) => recurrenceDays(v) !== undefined,
  ),
};

/** Weekdays a recurrence opens a window on; `undefined` when it is not one of the supported forms. */
function recurrenceDays(recurrence: string): number | undefined {
  if (recurrence === "FREQ=DAILY") return 7;
  const match = /^FREQ=WEEKLY;BYDAY=([A-Z,]+)$/.exec(recurrence);
  const days = match?.[1]?.split(",") ?? [];
  const known = days.every((d) => (DAYS as readonly string[]).includes(d));
  return match && known && new Set(days).size === days.length ? days.length : undefined;
}

/**
 * GKE's rules of a maintenance window: "You must allow at least 48 hours of maintenance availability in a
 * 32-day rolling window. Only contiguous availability windows of at least four hours are considered"
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/maintenance-windows-and-exclusions). This program
 * also keeps each window at most 24 hours long; then every window that starts within the first 28 of any 32
 * days ends inside them, and those 28 days hold each weekday exactly four times: 4 × (hours a week) is the
 * least availability of any 32 days, so 12 hours a week (each window at least 4) is exactly enough.
 */
export function checkMaintenanceWindow(p: ProblemSink, path: string, w: MaintenanceWindow): void {
  const R = GKE_CLUSTER_RULES;
  const startOk = p.check(R.time.test(w.startTime), `${path}.startTime`, w.startTime, R.time.allowed);
  const endOk = p.check(R.time.test(w.endTime), `${path}.endTime`, w.endTime, R.time.allowed);
  const days = recurrenceDays(w.recurrence);
  p.check(days !== undefined, `${path}.recurrence`, w.recurrence, R.recurrence.allowed);
  if (!startOk || !endOk) return;
  const hours = (Date.parse(w.endTime) - Date.parse(w.startTime)) / HOUR_MS;
  if (
    !p.check(
      hours >= MIN_WINDOW_HOURS && hours <= 24,
      `${path}.endTime`,
      w.endTime,
      `a time 4 to 24 hours after startTime (${w.startTime}): GKE counts only windows of at least 4 hours`,
    ) ||
    days === undefined
  )
    return;
  p.check(
    days * hours >= MIN_WEEKLY_HOURS,
    `${path}.recurrence`,
    w.recurrence,
    `windows of at least 12 hours a week in all (here ${days} × ${hours} h): GKE requires 48 hours of maintenance availability in any 32 days`,
  );
}

/** The authorized networks: IPv4 CIDRs, never the whole internet, each once, at most 50. */
export function checkAuthorizedNetworks(
  p: ProblemSink,
  path: string,
  networks: readonly AuthorizedNetwork[],
): void {
  p.check(
    networks.length <= MAX_AUTHORIZED_NETWORKS,
    path,
    `${networks.length} networks`,
    `at most ${MAX_AUTHORIZED_NETWORKS} authorized networks`,
  );
  const seen = new Set<string>();
  networks.forEach((n, i) => {
    const at = `${path}[${i}].cidr`;
    const range = parseCidr(n.cidr);
    if (!p.check(range !== undefined, at, n.cidr, "an IPv4 CIDR without host bits, e.g. 203.0.113.0/24"))
      return;
    p.check(
      range !== undefined && range.prefix >= 8,
      at,
      n.cidr,
      "a range of /8 or narrower: never 0.0.0.0/0 (anyone on the internet) — leave authorizedNetworks empty to use the IAM-guarded DNS endpoint instead",
    );
    p.check(!seen.has(n.cidr), at, n.cidr, "each network once");
    seen.add(n.cidr);
  });
}

/** Prefix lengths each range of the cluster subnet allows. */
const RANGE_PREFIXES: Readonly<Record<keyof ClusterRanges, readonly [number, number]>> = {
  nodes: [16, 28],
  pods: [13, 24],
  services: [16, 27],
};

/** The cluster subnet's ranges: RFC 1918, sized, not overlapping each other. Returns the parsed ranges. */
export function checkClusterRanges(
  p: ProblemSink,
  path: string,
  ranges: ClusterRanges,
): { path: string; cidr: string; range: Ipv4Range }[] {
  const parsed: { path: string; cidr: string; range: Ipv4Range }[] = [];
  for (const key of ["nodes", "pods", "services"] as const) {
    const cidr = ranges[key];
    const at = `${path}.${key}`;
    const range = parseCidr(cidr);
    const [min, max] = RANGE_PREFIXES[key];
    if (!p.check(range !== undefined, at, cidr, "an IPv4 CIDR without host bits, e.g. 10.96.0.0/24"))
      continue;
    if (range === undefined) continue;
    p.check(
      isRfc1918(range) && range.prefix >= min && range.prefix <= max,
      at,
      cidr,
      `a private (RFC 1918) range from /${min} to /${max}`,
    );
    parsed.push({ path: at, cidr, range });
  }
  parsed.forEach((a, i) =>
    parsed
      .slice(i + 1)
      .forEach((b) =>
        p.check(
          !overlaps(a.range, b.range),
          b.path,
          b.cidr,
          `a range that does not overlap ${a.path} (${a.cidr})`,
        ),
      ),
  );
  return parsed;
}

/**
 * GKE cluster names: "must start with a lowercase letter followed by up to 39 lowercase letters, numbers, or
 * hyphens, and can't end with a hyphen" (`gcloud container clusters create`,
 * https://cloud.google.com/sdk/gcloud/reference/container/clusters/create).
 */
const CLUSTER_NAME = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;

/** Checks {@link GkeAutopilotClusterArgs}; throws one `ValidationError` naming every problem. */
export function validateGkeAutopilotClusterArgs(args: GkeAutopilotClusterArgs): void {
  const p = new Problems("GkeAutopilotCluster");
  const R = GKE_CLUSTER_RULES;
  const name = args.name ?? "obs";
  if (p.rule("name", name, R.name)) {
    const full = args.naming.name("generic", name);
    p.check(CLUSTER_NAME.test(full), "name", full, "a cluster name of at most 40 characters (GKE's limit)");
  }
  checkClusterRanges(p, "ranges", args.ranges);
  if (args.releaseChannel !== undefined) p.rule("releaseChannel", args.releaseChannel, R.releaseChannel);
  checkAuthorizedNetworks(p, "authorizedNetworks", args.authorizedNetworks ?? []);
  checkMaintenanceWindow(p, "maintenanceWindow", args.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW);
  const sampling = args.flowLogs?.sampling;
  if (sampling !== undefined)
    p.check(
      Number.isFinite(sampling) && sampling > 0 && sampling <= 1,
      "flowLogs.sampling",
      sampling,
      "a share above 0 and at most 1",
    );
  if (isKnown(args.project))
    p.check(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(args.project), "project", args.project, "a GCP project id");
  p.throwIfAny();
}

/** Secondary range names of the cluster subnet (unique within the subnet, RFC 1035). */
const POD_RANGE = "pods";
const SERVICE_RANGE = "services";

/**
 * An Autopilot cluster with private nodes in its own subnet of the project's VPC, and the `kubernetes`
 * provider built from it.
 */
export class GkeAutopilotCluster extends Component {
  readonly cluster: gcp.container.Cluster;
  /** The `kubernetes` provider of the cluster: pass it as the `provider` option of every Kubernetes object. */
  readonly provider: KubernetesProvider;
  /** `<project>.svc.id.goog`, read from the cluster (the pool exists once the cluster does). */
  readonly workloadPool: pulumi.Output<string>;
  /** The control plane's DNS endpoint (`gke-….<region>.gke.goog`). */
  readonly dnsEndpoint: pulumi.Output<string>;
  /** The cluster's subnet (nodes; Pods and Services as secondary ranges). */
  readonly subnetwork: gcp.compute.Subnetwork;
  /** The nodes' service account (`roles/container.defaultNodeServiceAccount` only). */
  readonly nodeServiceAccount: gcp.serviceaccount.Account;
  /** `serviceAccount:<email>` of the nodes, e.g. for `roles/artifactregistry.reader` on an image repository. */
  readonly nodeMember: pulumi.Output<string>;

  constructor(name: string, args: GkeAutopilotClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    validateGkeAutopilotClusterArgs(args);
    super("module6:gke:AutopilotCluster", name, opts);
    const logical = args.name ?? "obs";
    const clusterName = args.naming.name("generic", logical);
    const labels = componentLabels(args.labels, "observability");
    const authorized = args.authorizedNetworks ?? [];
    const ipEndpoint = authorized.length > 0;
    const window = args.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW;
    const flow = args.flowLogs ?? {};

    // Autopilot clusters are VPC-native: nodes take the subnet's primary range, Pods and Services two
    // secondary ranges, "unique and non-overlapping with all primary and secondary IP ranges within a
    // network" (gcp.compute.Subnetwork `secondaryIpRanges`). A subnet of its own keeps the VPC's other
    // subnets as they are. Private nodes have no external address: Private Google Access lets them reach
    // Google APIs (Artifact Registry, Monitoring, Logging); there is no Cloud NAT for it, so nothing in the
    // cluster reaches the internet (https://cloud.google.com/vpc/docs/private-google-access).
    this.subnetwork = new gcp.compute.Subnetwork(
      `${name}-nodes`,
      {
        project: args.project,
        region: args.region,
        name: args.naming.name("generic", `${logical}-nodes`),
        description: "Nodes of the observability cluster; Pods and Services in its secondary ranges",
        network: args.network,
        ipCidrRange: args.ranges.nodes,
        secondaryIpRanges: [
          { rangeName: POD_RANGE, ipCidrRange: args.ranges.pods },
          { rangeName: SERVICE_RANGE, ipCidrRange: args.ranges.services },
        ],
        stackType: "IPV4_ONLY",
        purpose: "PRIVATE",
        privateIpGoogleAccess: true,
        logConfig: {
          flowSampling: flow.sampling ?? 0.5,
          aggregationInterval: flow.aggregationInterval ?? "INTERVAL_5_SEC",
          metadata: flow.metadata ?? "INCLUDE_ALL_METADATA",
        },
      },
      this.child(),
    );

    this.nodeServiceAccount = new gcp.serviceaccount.Account(
      `${name}-nodes`,
      {
        project: args.project,
        accountId: args.naming.name("serviceAccount", `${logical}-nodes`),
        displayName: `${logical} GKE nodes`,
        description: "Node identity of the observability cluster: logs and metrics only (managed by Pulumi)",
      },
      this.child(),
    );
    this.nodeMember = pulumi.interpolate`serviceAccount:${this.nodeServiceAccount.email}`;
    const nodeRole = new gcp.projects.IAMMember(
      `${name}-nodes-default-node-sa`,
      { project: args.project, role: NODE_SERVICE_ACCOUNT_ROLE, member: this.nodeMember },
      this.child(),
    );

    this.cluster = new gcp.container.Cluster(
      name,
      {
        project: args.project,
        name: clusterName,
        // Autopilot clusters are regional.
        location: args.region,
        description: "Observability plane (Grafana) of module6 (managed by Pulumi)",
        enableAutopilot: true,
        network: args.network,
        subnetwork: this.subnetwork.id,
        ipAllocationPolicy: {
          clusterSecondaryRangeName: POD_RANGE,
          servicesSecondaryRangeName: SERVICE_RANGE,
          stackType: "IPV4",
        },
        // Private nodes: `enable_private_nodes` becomes the API's `network_config.default_enable_private_nodes`
        // (resource_container_cluster.go, expandDefaultEnablePrivateNodes); no master CIDR is needed with the
        // Private Service Connect control plane. `enablePrivateEndpoint` and `masterGlobalAccessConfig` are left
        // out while the IP endpoint is off: the provider then sends neither and any value diffs forever
        // (containerClusterApiDictatedPrivateEndpointField).
        privateClusterConfig: ipEndpoint
          ? { enablePrivateNodes: true, enablePrivateEndpoint: false }
          : { enablePrivateNodes: true },
        controlPlaneEndpointsConfig: {
          // The DNS endpoint is reachable from anywhere but authorises every request with IAM
          // (container.clusters.connect); Kubernetes tokens and client certificates are refused on it.
          dnsEndpointConfig: {
            allowExternalTraffic: true,
            enableK8sTokensViaDns: false,
            enableK8sCertsViaDns: false,
          },
          ipEndpointsConfig: { enabled: ipEndpoint },
        },
        // Only with the IP endpoint on (the provider drops authorized networks when it is off,
        // expandControlPlaneEndpointsConfig); Google Cloud's public addresses are not let in.
        ...(ipEndpoint
          ? {
              masterAuthorizedNetworksConfig: {
                cidrBlocks: authorized.map((n) => ({
                  cidrBlock: n.cidr,
                  displayName: n.displayName ?? n.cidr,
                })),
                gcpPublicCidrsAccessEnabled: false,
              },
            }
          : {}),
        masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
        releaseChannel: { channel: args.releaseChannel ?? "REGULAR" },
        // `evaluationMode`, not the deprecated `enabled`, which conflicts with `enable_autopilot`.
        binaryAuthorization: { evaluationMode: BINARY_AUTHORIZATION_MODE },
        // Autopilot's nodes take the service account of the auto-provisioning defaults
        // (`ClusterClusterAutoscalingAutoProvisioningDefaults.serviceAccount`: "used by the node VMs created by
        // GKE Autopilot"); `enabled` and `resourceLimits` conflict with `enable_autopilot`. The cloud-platform
        // scope leaves access to IAM, as GKE recommends with a custom service account.
        clusterAutoscaling: {
          autoProvisioningDefaults: {
            serviceAccount: this.nodeServiceAccount.email,
            oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
          },
        },
        workloadIdentityConfig: { workloadPool: pulumi.interpolate`${args.project}.svc.id.goog` },
        monitoringConfig: {
          enableComponents: ["SYSTEM_COMPONENTS"],
          managedPrometheus: { enabled: true },
        },
        loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] },
        maintenancePolicy: {
          recurringWindow: {
            startTime: window.startTime,
            endTime: window.endTime,
            recurrence: window.recurrence,
          },
        },
        deletionProtection: args.deletionProtection ?? true,
        resourceLabels: labels,
      },
      // The node role first: nodes that cannot write logs and metrics come up unhealthy.
      this.child({ protect: args.protect ?? true, dependsOn: [nodeRole] }),
    );

    this.dnsEndpoint = this.cluster.controlPlaneEndpointsConfig.apply((c) => {
      const endpoint = c?.dnsEndpointConfig?.endpoint;
      if (!endpoint) throw new pulumi.RunError(`GKE cluster ${clusterName} reported no DNS endpoint`);
      return endpoint;
    });
    this.workloadPool = this.cluster.workloadIdentityConfig.apply((w) => {
      if (!w?.workloadPool) throw new pulumi.RunError(`GKE cluster ${clusterName} reported no workload pool`);
      return w.workloadPool;
    });

    const kubeconfig = pulumi
      .all([this.cluster.project, this.cluster.location, this.cluster.name, this.dnsEndpoint])
      .apply(([project, location, cluster, dnsEndpoint]) =>
        gkeKubeconfig({ project, location: location ?? args.region, clusterName: cluster, dnsEndpoint }),
      );
    this.provider = new KubernetesProvider(
      `${name}-k8s`,
      {
        kubeconfig,
        // The provider is replaced only when this changes (a new cluster), not when the kubeconfig does.
        clusterIdentifier: this.cluster.id,
        // Explicit, so an ambient PULUMI_K8S_* variable cannot change them: server-side apply (the
        // default) with field conflicts reported, never forced; and objects of an unreachable cluster stay
        // in the state (deleting them from state silently would hide a lost cluster; docs/operations.md
        // describes the two-step delete).
        enableServerSideApply: true,
        enablePatchForce: false,
        deleteUnreachable: false,
        skipUpdateUnreachable: false,
      },
      { parent: this },
    );

    this.registerOutputs({
      clusterId: this.cluster.id,
      dnsEndpoint: this.dnsEndpoint,
      workloadPool: this.workloadPool,
      nodeServiceAccount: this.nodeServiceAccount.email,
    });
  }
}
