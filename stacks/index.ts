/**
 * Builds one stack: chooses by the environment kind what the stack owns (DESIGN §2) and returns the
 * stack outputs. `index.ts` calls `main()`; the offline plan and the tests run the same code.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as time from "@pulumiverse/time";
import type { CommonArgs } from "../components/shared/types";
import { NAMESPACE, SECRET_KEY_PREFIX, parseStackConfig, splitConfigMap, type StackConfig } from "./config";
import { Environment, type EdgeOutputs } from "./environment";
import { CHANNEL_KEY_PREFIX } from "./namespace";
import { EnvironmentNaming } from "./naming";
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
  /** Load balancer addresses, URLs, certificates and the DNS records to create (prod and staging). */
  readonly edge: EdgeOutputs | undefined;
  /** Per service and region: revisions and traffic, read by `npm run ops -- release …`. */
  readonly revisions: Environment["revisions"];
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

  let artifactRepository: pulumi.Output<string>;
  let iapServiceAgentEmail: pulumi.Output<string> | undefined;
  let existingSecretIds: pulumi.Output<Record<string, string>> | undefined;
  let dependsOn: pulumi.Resource[] = [];
  if (config.preset.projectSingletons) {
    const project = new ProjectSingletons("project", { config, common }, opts);
    artifactRepository = project.artifactRepository;
    iapServiceAgentEmail = project.iapServiceAgentEmail;
    dependsOn = [project.services];
  } else {
    const shared = readSharedOutputs(new pulumi.StackReference("staging", { name: config.stagingStack }));
    artifactRepository = shared.artifactRepository;
    iapServiceAgentEmail = shared.iapServiceAgentEmail;
    existingSecretIds = shared.secretIds;
  }

  const environment = new Environment(
    "env",
    { config, common, secretValues, existingSecretIds, iapServiceAgentEmail, channelSecrets },
    { ...opts, dependsOn },
  );

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
    artifactRepository,
    secretIds: environment.secretIds,
    iapServiceAgentEmail,
    edge: environment.edge,
    revisions: environment.revisions,
  };
}

/** The program: load and validate config, then build the stack. */
export function main(): StackOutputs {
  const config = loadStackConfig();
  return createStack(config, readSecretValues(config), readChannelSecrets(config));
}
