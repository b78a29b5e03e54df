/**
 * The observability plane of a project (docs/observability.md), built when `module6:observability` is set
 * (prod and staging only; the config refuses it elsewhere): the GKE Autopilot cluster in the project's
 * network and the `kubernetes` provider every Kubernetes object of the plane goes through.
 */
import type * as pulumi from "@pulumi/pulumi";
import { GkeAutopilotCluster } from "../components/gke-autopilot-cluster";
import type { Network } from "../components/network";
import type { ProjectSingletons } from "./project";
import { Component } from "../components/shared/component";
import type { CommonArgs } from "../components/shared/types";
import type { ObservabilityConfig, StackConfig } from "./config";

/** Arguments of {@link ObservabilityPlane}. */
export interface ObservabilityPlaneArgs {
  /** The resolved `module6:observability` block. */
  readonly observability: ObservabilityConfig;
  /** The project's network (`module6:network`): the cluster takes a subnet of its own in it. */
  readonly network: Network;
  readonly common: CommonArgs;
  /** Pulumi `protect` of the stack (`protection.protect`). */
  readonly protect: boolean;
  /** Flow logs of the project's subnets, for the cluster's subnet too. */
  readonly flowLogs: NonNullable<StackConfig["dataTier"]["network"]>["flowLogs"];
}

/** The cluster and its `kubernetes` provider. */
export class ObservabilityPlane extends Component {
  readonly cluster: GkeAutopilotCluster;

  constructor(name: string, args: ObservabilityPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("module6:stack:Observability", name, opts);
    const c = args.observability.cluster;
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
      this.child(),
    );
    this.registerOutputs({ dnsEndpoint: this.cluster.dnsEndpoint, workloadPool: this.cluster.workloadPool });
  }
}

/** What the stack exports of the plane (prod and staging with observability on). */
export interface ObservabilityOutputs {
  readonly cluster: pulumi.Output<string>;
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
  opts: pulumi.ComponentResourceOptions,
): ObservabilityPlane | undefined {
  const observability = config.observability;
  const network = project?.dataTier.network;
  const tier = config.dataTier.network;
  if (observability === undefined || network === undefined || tier === undefined) return undefined;
  return new ObservabilityPlane(
    "observability",
    { observability, network, common, protect: config.protection.protect, flowLogs: tier.flowLogs },
    opts,
  );
}

/** The stack outputs of the plane. */
export function observabilityOutputs(plane: ObservabilityPlane): ObservabilityOutputs {
  return {
    cluster: plane.cluster.cluster.name,
    dnsEndpoint: plane.cluster.dnsEndpoint,
    workloadPool: plane.cluster.workloadPool,
  };
}
