/**
 * The data tier of a project (docs/data-tier.md): customer-managed keys first, then the network, then the
 * Redis cache, each from its config block; and what a service that lists `uses: [redis]` receives, from
 * this project's cache (prod, staging) or from staging's through its shared outputs (feature stacks).
 */
import * as pulumi from "@pulumi/pulumi";
import type { SecretEnvRef, VpcEgress } from "../components/cloud-run-service";
import { KmsKeys, type KeySpec } from "../components/kms-keys";
import { Network } from "../components/network";
import { RedisCache } from "../components/redis-cache";
import { SecretSet } from "../components/secret-set";
import type { CommonArgs, EncryptionKey, Member } from "../components/shared/types";
import type { StackConfig } from "./config";

/**
 * Cloud KMS location of a Firestore location: a region is its own; the multi-regions `nam5` and `eur3`
 * take keys in `us` and `europe` ("The key must be in the same location as the database … nam5 → us,
 * eur3 → europe", https://cloud.google.com/firestore/native/docs/cmek#key-locations).
 */
export function firestoreKeyLocation(location: string): string {
  return location === "nam5" ? "us" : location === "eur3" ? "europe" : location;
}

/** Every location a secret replica lives in (each replica is encrypted with a key of its own location). */
export function secretLocations(config: StackConfig): string[] {
  return [
    ...new Set([
      config.region,
      ...Object.values(config.secrets).flatMap((s) => s.replicaLocations ?? [config.region]),
    ]),
  ];
}

/** The keys of the project's data classes, one per service agent, in the locations of their data. */
export function keySpecs(config: StackConfig): Record<string, KeySpec> {
  const rotationDays = config.dataTier.cmek?.rotationDays;
  const specs: Record<string, KeySpec> = {
    registry: { service: "artifactregistry", rotationDays },
    secrets: { service: "secretmanager", locations: secretLocations(config), rotationDays },
    logs: { service: "logging", rotationDays },
    storage: { service: "storage", rotationDays },
  };
  if (config.firestore)
    specs.firestore = {
      service: "firestore",
      locations: [firestoreKeyLocation(config.firestore.location)],
      rotationDays,
    };
  if (config.dataTier.redis) specs.redis = { service: "redis", rotationDays };
  return specs;
}

/** What a service that uses the cache gets: its environment, the AUTH secret by reference and the path. */
export interface CacheAccess {
  /** `REDIS_HOST`, `REDIS_PORT`, `REDIS_TLS`, `REDIS_CA_CERT` and, in feature stacks, `REDIS_KEY_PREFIX`. */
  readonly env: Readonly<Record<string, pulumi.Input<string>>>;
  /** `REDIS_AUTH` from Secret Manager. */
  readonly secretEnv: Readonly<Record<string, SecretEnvRef>>;
  /** Read access to the AUTH secret for one service identity. */
  grant(member: Member, key: string): pulumi.CustomResource;
  /** Direct VPC egress in `region`, private ranges only. */
  vpcEgress(region: string): VpcEgress;
}

/** The project's keys, network and cache (prod and staging). */
export interface ProjectDataTier {
  readonly keys: KmsKeys | undefined;
  readonly network: Network | undefined;
  readonly redis: RedisCache | undefined;
}

/** The data tier's resources, keys before everything they encrypt. */
export function createDataTier(
  name: string,
  config: StackConfig,
  common: CommonArgs,
  opts: () => pulumi.ComponentResourceOptions,
): ProjectDataTier {
  const tier = config.dataTier;
  const protect = config.protection.protect;
  const keys = tier.cmek
    ? new KmsKeys(`${name}-kms`, { ...common, keys: keySpecs(config), protect }, opts())
    : undefined;
  const network = tier.network
    ? new Network(
        `${name}-network`,
        {
          ...common,
          subnets: tier.network.subnets,
          flowLogs: tier.network.flowLogs,
          nat: tier.network.nat,
          privateServiceAccess:
            tier.network.privateServiceAccess === undefined
              ? null
              : { range: tier.network.privateServiceAccess },
          protect,
        },
        opts(),
      )
    : undefined;
  const psa = network?.privateServiceAccess;
  const redis =
    tier.redis && network && psa
      ? new RedisCache(
          `${name}-redis`,
          {
            ...common,
            network: { id: network.networkId, connection: psa.connection, rangeName: psa.rangeName },
            ...tier.redis,
            encryptionKey: keys?.key("redis"),
            authSecretKeys: keys ? { [config.region]: keys.key("secrets", config.region) } : undefined,
            deletionProtection: config.protection.deletionProtection,
            protect,
          },
          opts(),
        )
      : undefined;
  return { keys, network, redis };
}

/** The key of data class `name` in `location`, where the project has customer-managed keys. */
export function keyFor(
  keys: KmsKeys | undefined,
  name: string,
  location?: string,
): EncryptionKey | undefined {
  return keys?.key(name, location);
}

/** Secret keys by replica location, where the project has customer-managed keys. */
export function secretKeys(
  keys: KmsKeys | undefined,
  config: StackConfig,
): Record<string, EncryptionKey> | undefined {
  return keys && Object.fromEntries(secretLocations(config).map((l) => [l, keys.key("secrets", l)]));
}

/** The cache of this project, as its services use it. */
export function ownCache(redis: RedisCache, network: Network): CacheAccess {
  const env = redis.serviceEnv();
  return {
    env: env.env,
    secretEnv: env.secretEnv,
    grant: (member, key) => redis.grantConnect(member, key),
    vpcEgress: (region) => network.vpcEgress(region),
  };
}

/** What staging shares of its cache and network with the feature stacks of its project. */
export interface SharedCache {
  readonly host: string;
  readonly port: number;
  readonly caCertificate: string;
  readonly authSecretId: string;
  /** Region → the VPC and subnet ids Direct VPC egress takes. */
  readonly networkInterfaces: Readonly<Record<string, { network: string; subnetwork: string }>>;
}

/**
 * Staging's cache from a feature stack: the same instance under the feature's own key prefix
 * (`REDIS_KEY_PREFIX=<env segment>:`), the AUTH secret of staging read by reference (`latest`, staging
 * rotates it), and Direct VPC egress into staging's subnet of the service's region.
 */
export function sharedCache(
  name: string,
  shared: pulumi.Output<SharedCache>,
  common: CommonArgs,
  keyPrefix: string,
  opts: pulumi.ComponentResourceOptions,
): CacheAccess {
  const auth = new SecretSet(
    `${name}-redis-auth`,
    {
      ...common,
      secrets: { "redis-auth": {} },
      existingIds: shared.apply((s) => ({ "redis-auth": s.authSecretId })),
    },
    opts,
  );
  return {
    env: {
      REDIS_HOST: shared.host,
      REDIS_PORT: shared.port.apply(String),
      REDIS_TLS: "true",
      REDIS_CA_CERT: shared.caCertificate,
      REDIS_KEY_PREFIX: keyPrefix,
    },
    secretEnv: {
      REDIS_AUTH: { secret: auth.secretId("redis-auth"), version: auth.secretVersion("redis-auth") },
    },
    grant: (member, key) => auth.grantAccess("redis-auth", member, key),
    vpcEgress: (region) => ({
      network: shared.networkInterfaces.apply((n) => n[region]?.network ?? missingSubnet(region)),
      subnetwork: shared.networkInterfaces.apply((n) => n[region]?.subnetwork ?? missingSubnet(region)),
      egress: "private-ranges-only",
    }),
  };
}

/** What staging exports of its cache for feature stacks (`null` without one): never the AUTH string. */
export function sharedCacheOutput(tier: ProjectDataTier): pulumi.Output<SharedCache> | null {
  const { redis, network } = tier;
  if (!redis || !network) return null;
  return pulumi
    .all([
      redis.host,
      redis.port,
      redis.caCertificate,
      redis.connection().auth.secret,
      network.networkInterfaces,
    ])
    .apply(([host, port, caCertificate, authSecretId, networkInterfaces]) => ({
      host,
      port,
      caCertificate,
      authSecretId,
      networkInterfaces,
    }));
}

function missingSubnet(region: string): never {
  throw new pulumi.RunError(
    `staging's network has no subnet in ${region}: add it to staging's module6:network.subnets`,
  );
}
