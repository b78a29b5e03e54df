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
import {
  BINARY_AUTHORIZATION_MODE,
  DEFAULT_MAINTENANCE_WINDOW,
  GKE_CLUSTER_RULES,
  NODE_SERVICE_ACCOUNT_ROLE,
  checkAuthorizedNetworks,
  checkClusterRanges,
  checkMaintenanceWindow,
  type AuthorizedNetwork,
  type ClusterRanges,
  type MaintenanceWindow,
  type ReleaseChannel,
} from "./gke-cluster-rules";
import { Component } from "./shared/component";
import { PROJECT_ID_RULE } from "./shared/project-id";
import { componentLabels, type CommonArgs } from "./shared/types";
import { Problems, isKnown } from "./shared/validation";

export * from "./gke-cluster-rules";

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
  if (isKnown(args.project)) p.rule("project", args.project, PROJECT_ID_RULE);
  p.throwIfAny();
}

/**
 * The metric packages the cluster sends, written out: GKE's defaults for a new Autopilot cluster. The provider
 * sends `monitoring_config.enable_components` whole whenever it is set (Optional+Computed;
 * `expandMonitoringConfig` in hashicorp/terraform-provider-google-beta
 * google-beta/services/container/resource_container_cluster.go), so a shorter list would switch the other
 * default packages off. GKE's defaults: system metrics (https://cloud.google.com/kubernetes-engine/docs/how-to/configure-metrics);
 * the kube state metrics package — "Workloads State" (Pods, Deployments, StatefulSets, DaemonSets, HPAs) and
 * storage — enabled by default on Autopilot from 1.27.4-gke.900
 * (https://cloud.google.com/stackdriver/docs/solutions/gke/kube-state-metrics, "Requirements"); the cAdvisor
 * and Kubelet packages enabled by default on clusters created from 1.29.3-gke.1093000
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/cadvisor-kubelet-metrics, "Requirements"; the
 * provider: "`KUBELET` and `CADVISOR` are only supported in GKE 1.29.3-gke.1093000 and above",
 * website/docs/r/container_cluster.html.markdown). Control plane packages (APISERVER, SCHEDULER, CONTROLLER_MANAGER) and JOBSET
 * (1.32.1-gke.1357001 and above) are not defaults and stay off. SYSTEM_COMPONENTS is what policies/gke.ts
 * (gke-logging-monitoring) requires.
 */
export const AUTOPILOT_METRIC_PACKAGES = [
  "SYSTEM_COMPONENTS",
  "STORAGE",
  "POD",
  "DEPLOYMENT",
  "STATEFULSET",
  "DAEMONSET",
  "HPA",
  "CADVISOR",
  "KUBELET",
] as const;

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
          enableComponents: [...AUTOPILOT_METRIC_PACKAGES],
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
