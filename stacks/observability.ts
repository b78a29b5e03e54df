/**
 * The observability plane of a project (docs/observability.md), built when `module6:observability` is set
 * (prod and staging only; the config refuses it elsewhere): the GKE Autopilot cluster in the project's
 * network, the `kubernetes` provider every Kubernetes object of the plane goes through, a Docker Hub mirror
 * its nodes pull images from, and Grafana with the environment's dashboard, rendered from the same widgets
 * as the Cloud Monitoring dashboard.
 */
import * as pulumi from "@pulumi/pulumi";
import { GkeAutopilotCluster } from "../components/gke-autopilot-cluster";
import { Grafana } from "../components/grafana";
import { DockerHubMirror } from "../components/grafana-registry";
import { grafanaDashboard } from "../components/monitoring/grafana-dashboard";
import type { Network } from "../components/network";
import { ProjectServices } from "../components/project-services";
import { Component } from "../components/shared/component";
import type { CommonArgs, EncryptionKey } from "../components/shared/types";
import type { ObservabilityConfig, StackConfig } from "./config";
import { keyFor } from "./data-tier";
import type { EnvironmentDashboard } from "./environment-monitoring";
import type { ProjectSingletons } from "./project";

/**
 * The APIs the plane needs: GKE, and Binary Authorization, which the cluster enforces ("Enable the Binary
 * Authorization API", https://cloud.google.com/binary-authorization/docs/setting-up). The plane enables
 * them itself, so that turning it on leaves every other resource of the stack — and what it waits for — as
 * it was.
 */
export const OBSERVABILITY_APIS = ["container.googleapis.com", "binaryauthorization.googleapis.com"];

/** Arguments of {@link ObservabilityPlane}. */
export interface ObservabilityPlaneArgs {
  /** The resolved `module6:observability` block. */
  readonly observability: ObservabilityConfig;
  /** The project's network (`module6:network`): the cluster takes a subnet of its own in it. */
  readonly network: Network;
  /**
   * The stack's project, region, labels and naming. `project` is the cluster's project: Grafana may always
   * read it, and it is the project of the data source's default and of the environment dashboard's queries.
   */
  readonly common: CommonArgs;
  /** Pulumi `protect` of the stack (`protection.protect`). */
  readonly protect: boolean;
  /** APIs the project's services already enable (`module6:apis` and the program's own): not enabled again. */
  readonly enabledApis: readonly string[];
  /** Flow logs of the project's subnets, for the cluster's subnet too. */
  readonly flowLogs: NonNullable<StackConfig["dataTier"]["network"]>["flowLogs"];
  /**
   * The environment's dashboard (title and widgets): Grafana gets it rendered by `grafanaDashboard`.
   * @default - no dashboard (Grafana with its data source only)
   */
  readonly dashboard?: EnvironmentDashboard;
  /**
   * The project's registry key (customer-managed keys), for the Docker Hub mirror.
   * @default - Google-managed encryption
   */
  readonly registryKey?: EncryptionKey;
}

/** The plane's APIs, the cluster and its `kubernetes` provider, the image mirror and Grafana. */
export class ObservabilityPlane extends Component {
  readonly apis: ProjectServices;
  readonly cluster: GkeAutopilotCluster;
  readonly mirror: DockerHubMirror;
  readonly grafana: Grafana;

  constructor(name: string, args: ObservabilityPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("module6:stack:Observability", name, opts);
    const c = args.observability.cluster;
    this.apis = new ProjectServices(
      `${name}-apis`,
      { project: args.common.project, apis: OBSERVABILITY_APIS.filter((a) => !args.enabledApis.includes(a)) },
      this.child(),
    );
    this.cluster = new GkeAutopilotCluster(
      `${name}-cluster`,
      {
        ...args.common,
        name: c.name,
        network: args.network.networkId,
        ranges: c.ranges,
        releaseChannel: c.releaseChannel,
        authorizedNetworks: c.authorizedNetworks,
        maintenanceWindow: c.maintenanceWindow,
        deletionProtection: c.deletionProtection,
        protect: args.protect,
        flowLogs: args.flowLogs,
      },
      this.child({ dependsOn: [this.apis] }),
    );
    // The images (Grafana's, the chart's) come through an Artifact Registry remote repository of Docker Hub:
    // private nodes reach it through Private Google Access, and only the nodes' account may read it.
    this.mirror = new DockerHubMirror(
      `${name}-mirror`,
      { ...args.common, encryptionKey: args.registryKey, protect: args.protect },
      this.child(),
    );
    const nodesRead = this.mirror.grantRead(this.cluster.nodeMember, "nodes");
    const g = args.observability.grafana;
    const dashboard = args.dashboard;
    this.grafana = new Grafana(
      `${name}-grafana`,
      {
        ...args.common,
        provider: this.cluster.provider,
        workloadPool: this.cluster.workloadPool,
        namespace: g.namespace,
        chart: g.chart,
        // The stack's project is the component's own (always granted); the config lists it first.
        viewerProjects: g.projects,
        resources: g.resources,
        registry: this.mirror.url,
        dashboards: dashboard
          ? {
              // The environment's dashboard reads the stack's own project, whatever else Grafana may read.
              environment: pulumi
                .all([dashboard.widgets, args.common.project])
                .apply(([widgets, project]) => grafanaDashboard(dashboard.title, widgets, { project })),
            }
          : {},
      },
      this.child({ dependsOn: [nodesRead] }),
    );
    this.registerOutputs({ dnsEndpoint: this.cluster.dnsEndpoint, workloadPool: this.cluster.workloadPool });
  }
}

/** What the stack exports of the plane (prod and staging with observability on). */
export interface ObservabilityOutputs {
  readonly cluster: pulumi.Output<string>;
  /** `kubectl -n <namespace> port-forward svc/grafana 3000:80`, after `gcloud container clusters get-credentials --dns-endpoint`. */
  readonly grafana: string;
  readonly dnsEndpoint: pulumi.Output<string>;
  readonly workloadPool: pulumi.Output<string>;
}

/**
 * The plane, where the config turns it on and the project owns a network (the config requires both
 * together); `undefined` otherwise, creating nothing — a stack without the block plans exactly as before.
 */
export function createObservability(
  config: StackConfig,
  common: CommonArgs,
  project: ProjectSingletons | undefined,
  dashboard: EnvironmentDashboard | undefined,
  opts: pulumi.ComponentResourceOptions,
): ObservabilityPlane | undefined {
  const observability = config.observability;
  const network = project?.dataTier.network;
  const tier = config.dataTier.network;
  if (observability === undefined || network === undefined || tier === undefined) return undefined;
  return new ObservabilityPlane(
    "observability",
    {
      observability,
      network,
      common,
      protect: config.protection.protect,
      enabledApis: config.apis,
      flowLogs: tier.flowLogs,
      dashboard,
      registryKey: keyFor(project?.dataTier.keys, "registry"),
    },
    opts,
  );
}

/** The stack outputs of the plane. */
export function observabilityOutputs(plane: ObservabilityPlane): ObservabilityOutputs {
  return {
    cluster: plane.cluster.cluster.name,
    grafana: plane.grafana.portForwardCommand,
    dnsEndpoint: plane.cluster.dnsEndpoint,
    workloadPool: plane.cluster.workloadPool,
  };
}
