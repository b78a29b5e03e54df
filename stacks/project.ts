/**
 * The singletons of one GCP project (DESIGN §2): owned by its permanent stack (prod or staging), never by
 * a feature stack.
 */
import type * as pulumi from "@pulumi/pulumi";
import { Component } from "../components/shared/component";
import { ArtifactRegistry } from "../components/artifact-registry";
import { ProjectServices } from "../components/project-services";
import type { CommonArgs } from "../components/shared/types";
import type { StackConfig } from "./config";
import { createDataTier, keyFor, type ProjectDataTier } from "./data-tier";

/** Arguments of {@link ProjectSingletons}. */
export interface ProjectSingletonsArgs {
  readonly config: StackConfig;
  readonly common: CommonArgs;
}

/**
 * APIs, customer-managed keys, the network and the Redis cache (docs/data-tier.md), Artifact Registry and
 * (where feature environments live) the IAP service agent.
 */
export class ProjectSingletons extends Component {
  readonly services: ProjectServices;
  readonly registry: ArtifactRegistry;
  /** Keys, network and cache, each where its config block is set. */
  readonly dataTier: ProjectDataTier;
  /** Docker repository URL. */
  readonly artifactRepository: pulumi.Output<string>;
  /** IAP service agent email, where feature environments live; otherwise undefined. */
  readonly iapServiceAgentEmail: pulumi.Output<string> | undefined;

  constructor(name: string, args: ProjectSingletonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("module6:stack:Project", name, opts);
    const { config, common } = args;
    this.services = new ProjectServices(
      `${name}-apis`,
      {
        project: config.gcpProject,
        apis: config.apis,
        serviceAgents: config.needsIapAgent ? ["iap.googleapis.com"] : [],
      },
      this.child(),
    );
    // Keys before what they encrypt: each store waits for its key's grant (KmsKeys `ready`).
    this.dataTier = createDataTier(name, config, common, () => this.child({ dependsOn: [this.services] }));
    this.registry = new ArtifactRegistry(
      `${name}-registry`,
      {
        ...common,
        ...config.artifactRegistry,
        encryptionKey: keyFor(this.dataTier.keys, "registry"),
        protect: config.protection.protect,
      },
      this.child({ dependsOn: [this.services] }),
    );
    this.artifactRepository = this.registry.url;
    this.iapServiceAgentEmail = this.services.serviceAgentEmails["iap.googleapis.com"];
    this.registerOutputs({ artifactRepository: this.artifactRepository });
  }
}
