/**
 * The contract between the staging stack and the feature stacks in its project: the outputs staging
 * exports and feature stacks read through a `StackReference`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config";
import type { SharedCache } from "./data-tier";
import { EnvironmentNaming } from "./naming";

/** What a feature stack reads from staging. */
export interface SharedOutputs {
  /** Docker repository images are pulled from. */
  readonly artifactRepository: string;
  /** Secret resource names by secret name (feature environments mount staging's secrets). */
  readonly secretIds: Record<string, string>;
  /** Email of the project's IAP service agent, which must be able to invoke IAP-guarded services. */
  readonly iapServiceAgentEmail: string;
  /** Staging's Redis cache and network, which feature services with `uses: [redis]` share; `null` without one. */
  readonly cache: SharedCache | null;
}

export const SHARED_OUTPUT_KEYS: readonly (keyof SharedOutputs)[] = [
  "artifactRepository",
  "secretIds",
  "iapServiceAgentEmail",
  "cache",
];

/** Shared outputs as Pulumi outputs (`cache` read only by a stack whose services use it). */
export type SharedInputs = {
  readonly [K in Exclude<keyof SharedOutputs, "cache">]: pulumi.Output<SharedOutputs[K]>;
} & { readonly cache: () => pulumi.Output<SharedCache> };

/** Reads staging's shared outputs; fails the deployment with a clear message when one is missing. */
export function readSharedOutputs(ref: pulumi.StackReference): SharedInputs {
  const read = <K extends keyof SharedOutputs>(key: K): pulumi.Output<SharedOutputs[K]> =>
    ref.requireOutput(key).apply((v) => v as SharedOutputs[K]);
  return {
    artifactRepository: read("artifactRepository"),
    secretIds: read("secretIds"),
    iapServiceAgentEmail: read("iapServiceAgentEmail"),
    cache: () =>
      read("cache").apply((c) => {
        if (c === null)
          throw new pulumi.RunError(
            "a service uses redis, but the staging stack has no cache: add module6:redis to staging",
          );
        return c;
      }),
  };
}

/** What only Memorystore knows once the instance exists: its host and CA, by instance id. */
export type MemorystoreAnswer = (instanceId: string) => { host: string; caCertificate: string };

/**
 * The values the staging stack of the same config would export. The offline plan answers a feature
 * stack's `StackReference` with these; they follow the same naming rules as staging itself.
 */
export function expectedSharedOutputs(cfg: StackConfig, memorystore?: MemorystoreAnswer): SharedOutputs {
  const staging = new EnvironmentNaming(cfg.prefix, "staging");
  const usesCache = cfg.dataTier.redis !== undefined || cfg.services.some((s) => s.uses.includes("redis"));
  const vpc = staging.name("generic", "vpc");
  const instanceId = staging.name("generic", "cache");
  const computed = memorystore?.(instanceId) ?? { host: "10.0.0.3", caCertificate: "" };
  return {
    artifactRepository: `${cfg.region}-docker.pkg.dev/${cfg.gcpProject}/${staging.name("artifactRepository", "containers")}`,
    secretIds: Object.fromEntries(
      Object.keys(cfg.secrets).map((name) => [
        name,
        `projects/${cfg.gcpProject}/secrets/${staging.name("secret", name)}`,
      ]),
    ),
    iapServiceAgentEmail: `service-000000000000@gcp-sa-iap.iam.gserviceaccount.com`,
    // Ids as the provider sets them (components/network.ts, plan/fake-outputs.ts): `<vpc>` and
    // `<vpc>-<region>`; a feature stack's services run in its region only.
    cache: usesCache
      ? {
          host: computed.host,
          port: 6379,
          caCertificate: computed.caCertificate,
          authSecretId: `projects/${cfg.gcpProject}/secrets/${staging.name("secret", "cache-auth")}`,
          networkInterfaces: Object.fromEntries(
            Object.keys(cfg.dataTier.network?.subnets ?? { [cfg.region]: "" }).map((region) => [
              region,
              {
                network: `projects/${cfg.gcpProject}/global/networks/${vpc}`,
                subnetwork: `projects/${cfg.gcpProject}/regions/${region}/subnetworks/${staging.name("generic", `vpc-${region}`)}`,
              },
            ]),
          ),
        }
      : null,
  };
}
