/**
 * The observability plane of a project (docs/observability.md), built when `module6:observability` is set
 * (prod and staging only; the config refuses it elsewhere): the GKE Autopilot cluster in the project's
 * network and the `kubernetes` provider every Kubernetes object of the plane goes through.
 */
import type * as pulumi from "@pulumi/pulumi";
import { GkeAutopilotCluster } from "../components/gke-autopilot-cluster";
import type { Network } from "../components/network";
import type { ProjectSingletons } from "./project";
import { ProjectServices } from "../components/project-services";
import { Component } from "../components/shared/component";
import type { CommonArgs } from "../components/shared/types";
import type { ObservabilityConfig, StackConfig } from "./config";

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
  readonly common: CommonArgs;
  /** Pulumi `protect` of the stack (`protection.protect`). */
  readonly protect: boolean;
  /** APIs the project's services already enable (`module6:apis` and the program's own): not enabled again. */
  readonly enabledApis: readonly string[];
  /** Flow logs of the project's subnets, for the cluster's subnet too. */
  readonly flowLogs: NonNullable<StackConfig["dataTier"]["network"]>["flowLogs"];
}

/** The plane's APIs, the cluster and its `kubernetes` provider. */
export class ObservabilityPlane extends Component {
  readonly apis: ProjectServices;
  readonly cluster: GkeAutopilotCluster;

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
    {
      observability,
      network,
      common,
      protect: config.protection.protect,
      enabledApis: config.apis,
      flowLogs: tier.flowLogs,
    },
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
