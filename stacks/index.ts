/**
 * Builds one stack: chooses by the environment kind what the stack owns (DESIGN §2) and returns the
 * stack outputs. `index.ts` calls `main()`; the offline plan and the tests run the same code.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as time from "@pulumiverse/time";
import type { VpcEgress } from "../components/cloud-run-service";
import type { CommonArgs } from "../components/shared/types";
import { NAMESPACE, SECRET_KEY_PREFIX, parseStackConfig, splitConfigMap, type StackConfig } from "./config";
import { Environment, type EdgeOutputs } from "./environment";
import { CHANNEL_KEY_PREFIX } from "./namespace";
import { EnvironmentNaming } from "./naming";
import { ownCache, sharedCache, sharedCacheOutput, type CacheAccess, type SharedCache } from "./data-tier";
import { createObservability, observabilityOutputs, type ObservabilityOutputs } from "./observability";
import { ProjectSingletons } from "./project";
import { readSharedOutputs } from "./shared-outputs";

/** The outputs every stack exports. Feature stacks read `artifactRepository`, `secretIds` and `iapServiceAgentEmail` from staging. */
export interface StackOutputs {
  readonly environment: {
    readonly stack: string;
    readonly kind: string;
    readonly project: string;
    readonly region: string;
  };
  readonly serviceUrls: Readonly<Record<string, pulumi.Output<string>>>;
  readonly serviceAccounts: Readonly<Record<string, pulumi.Output<string>>>;
  readonly firestoreDatabase: pulumi.Output<string> | undefined;
  readonly artifactRepository: pulumi.Output<string>;
  readonly secretIds: pulumi.Output<Record<string, string>>;
  readonly iapServiceAgentEmail: pulumi.Output<string> | undefined;
  /** The Redis cache and network feature stacks share (prod and staging; `null` without a cache). */
  readonly cache: pulumi.Output<SharedCache> | null;
  /** Load balancer addresses, URLs, certificates and the DNS records to create (prod and staging). */
  readonly edge: EdgeOutputs | undefined;
  /** Per service and region: revisions and traffic, read by `npm run ops -- release …`. */
  readonly revisions: Environment["revisions"];
  /** The observability plane's cluster, DNS endpoint and workload pool (only where it is on). */
  readonly observability?: ObservabilityOutputs;
}

/** Reads and validates the running stack's config (throws a `ValidationError` listing every problem). */
export function loadStackConfig(): StackConfig {
  const map = pulumi.runtime.allConfig();
  const secretKeys = Object.keys(map).filter(isConfigSecret);
  return parseStackConfig(splitConfigMap(pulumi.getStack(), map, secretKeys));
}

/**
 * Whether the CLI handed a config key over as a secret, so that its value never appears in an error
 * message. `@pulumi/pulumi` knows (the CLI's `PULUMI_CONFIG_SECRET_KEYS`, or the keys given to
 * `runtime.setAllConfig`) and answers with `runtime.isConfigSecret`, which it exports (runtime/config.js)
 * but marks `@internal`: it is absent from the .d.ts and no public API tells it. Looked up by name, so an
 * SDK without it fails loudly instead of showing secrets; tests/sdk-internals.test.ts pins it.
 */
function isConfigSecret(key: string): boolean {
  const lookup: unknown = Reflect.get(pulumi.runtime, "isConfigSecret");
  if (typeof lookup !== "function")
    throw new Error("@pulumi/pulumi no longer exports runtime.isConfigSecret (relied on as of 3.248.0)");
  return Reflect.apply(lookup, undefined, [key]) === true;
}

/** The secret values a stack creates versions from, as secret outputs (never plain text). */
export function readSecretValues(config: StackConfig): Record<string, pulumi.Output<string>> {
  const pulumiConfig = new pulumi.Config(NAMESPACE);
  return Object.fromEntries(
    config.secretsWithValues.map((name) => [name, pulumiConfig.requireSecret(`${SECRET_KEY_PREFIX}${name}`)]),
  );
}

/** Notification-channel credentials (Slack tokens, PagerDuty keys) as secret outputs. */
export function readChannelSecrets(config: StackConfig): Record<string, pulumi.Output<string>> {
  const pulumiConfig = new pulumi.Config(NAMESPACE);
  return Object.fromEntries(
    (config.monitoring?.credentials ?? []).map((name) => [
      name,
      pulumiConfig.requireSecret(`${CHANNEL_KEY_PREFIX}${name}`),
    ]),
  );
}

/** What the environment builds on: this project's singletons, or (feature stacks) staging's outputs. */
interface Foundation {
  readonly project: ProjectSingletons | undefined;
  readonly artifactRepository: pulumi.Output<string>;
  readonly iapServiceAgentEmail: pulumi.Output<string> | undefined;
  readonly existingSecretIds: pulumi.Output<Record<string, string>> | undefined;
  readonly dependsOn: pulumi.Resource[];
  readonly cache: CacheAccess | undefined;
}

function projectOrStaging(
  config: StackConfig,
  common: CommonArgs,
  opts: pulumi.ComponentResourceOptions,
): Foundation {
  if (config.preset.projectSingletons) {
    const project = new ProjectSingletons("project", { config, common }, opts);
    const { redis, network } = project.dataTier;
    return {
      project,
      artifactRepository: project.artifactRepository,
      iapServiceAgentEmail: project.iapServiceAgentEmail,
      existingSecretIds: undefined,
      dependsOn: [project.services],
      cache: redis && network ? ownCache(redis, network) : undefined,
    };
  }
  const shared = readSharedOutputs(new pulumi.StackReference("staging", { name: config.stagingStack }));
  const usesCache = config.services.some((s) => s.uses.includes("redis"));
  return {
    project: undefined,
    artifactRepository: shared.artifactRepository,
    iapServiceAgentEmail: shared.iapServiceAgentEmail,
    existingSecretIds: shared.secretIds,
    dependsOn: [],
    // Staging's instance under this environment's key prefix: no instance of its own (docs/data-tier.md).
    cache: usesCache ? sharedCache("env", shared.cache(), common, `${config.env}:`, opts) : undefined,
  };
}

/** Direct VPC egress into the project's own network, where it has one. */
function networkEgressOf(
  project: ProjectSingletons | undefined,
): ((region: string) => VpcEgress) | undefined {
  const network = project?.dataTier.network;
  return network && ((region: string) => network.vpcEgress(region));
}

/** Creates every resource of the stack described by `config`. */
export function createStack(
  config: StackConfig,
  secretValues: Readonly<Record<string, pulumi.Output<string>>>,
  channelSecrets: Readonly<Record<string, pulumi.Output<string>>> = {},
): StackOutputs {
  // One explicit provider per stack; `pulumi:disable-default-providers` (in each stack file) forbids ambient ones.
  const provider = new gcp.Provider("gcp", {
    project: config.gcpProject,
    region: config.region,
    defaultLabels: config.labels,
    // With user credentials the Billing Budgets API answers 403 unless requests name a quota project:
    // "you must specify a billingProject and set userProjectOverride to true in the provider
    // configuration" (Pulumi registry, gcp.billing.Budget). The caller then needs
    // serviceusage.services.use on that project (README "Deploying for real": deployer roles).
    ...(config.monitoring?.budget ? { billingProject: config.gcpProject, userProjectOverride: true } : {}),
  });
  const common: CommonArgs = {
    project: config.gcpProject,
    region: config.region,
    labels: config.labels,
    naming: new EnvironmentNaming(config.prefix, config.env),
  };
  // Random names (bucket suffixes) and propagation waits (`time.Sleep`, components/shared/propagation.ts)
  // need their own explicit providers for the same reason.
  const randomProvider = new random.Provider("random", {});
  const timeProvider = new time.Provider("time", {});
  const opts: pulumi.ComponentResourceOptions = { providers: [provider, randomProvider, timeProvider] };

  const base = projectOrStaging(config, common, opts);
  const { project } = base;
  const afterApis = { ...opts, dependsOn: base.dependsOn };
  const environment = new Environment(
    "env",
    {
      config,
      common,
      secretValues,
      existingSecretIds: base.existingSecretIds,
      iapServiceAgentEmail: base.iapServiceAgentEmail,
      channelSecrets,
      cache: base.cache,
      keys: project?.dataTier.keys,
      cacheInstanceId: project?.dataTier.redis?.instance.id,
      networkEgress: networkEgressOf(project),
    },
    afterApis,
  );
  // The observability plane (docs/observability.md) where `module6:observability` turns it on.
  const plane = createObservability(config, common, project, environment.dashboard, afterApis);

  return {
    environment: {
      stack: config.stack,
      kind: config.kind,
      project: config.gcpProject,
      region: config.region,
    },
    serviceUrls: environment.serviceUrls,
    serviceAccounts: environment.serviceAccounts,
    firestoreDatabase: environment.firestoreDatabase,
    artifactRepository: base.artifactRepository,
    secretIds: environment.secretIds,
    iapServiceAgentEmail: base.iapServiceAgentEmail,
    cache: project ? sharedCacheOutput(project.dataTier) : null,
    edge: environment.edge,
    revisions: environment.revisions,
    ...(plane ? { observability: observabilityOutputs(plane) } : {}),
  };
}

/** The program: load and validate config, then build the stack. */
export function main(): StackOutputs {
  const config = loadStackConfig();
  return createStack(config, readSecretValues(config), readChannelSecrets(config));
}
