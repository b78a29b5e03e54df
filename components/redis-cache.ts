/**
 * A Memorystore for Redis instance used as a cache (cache-aside; services fail open): reachable only
 * through the project's VPC (private services access), AUTH on with the AUTH string kept in Secret
 * Manager, TLS with server authentication, `allkeys-lru` eviction. Why Memorystore for Redis and not
 * Memorystore for Valkey or Redis Cluster: docs/data-tier.md.
 */
import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { SecretEnvRef } from "./cloud-run-service";
import { SecretSet } from "./secret-set";
import { Component } from "./shared/component";
import { componentLabels, type CommonArgs, type EncryptionKey, type Member } from "./shared/types";
import { Problems } from "./shared/validation";

/**
 * Redis versions offered. 7.0 and later only: with in-transit encryption, Redis 6.x and earlier accept
 * about 1,000 connections on a 1-4 GB instance, 7.0 and later 65,000
 * (https://cloud.google.com/memorystore/docs/redis/in-transit-encryption, "Connection limits for in-transit
 * encryption") — a few dozen Cloud Run instances with connection pools would exhaust 1,000.
 */
export const REDIS_VERSIONS = ["REDIS_7_0", "REDIS_7_2"] as const;
export type RedisVersion = (typeof REDIS_VERSIONS)[number];

/**
 * Eviction policies Memorystore accepts as `maxmemory-policy`; its default is `volatile-lru`
 * (https://cloud.google.com/memorystore/docs/redis/supported-redis-configurations).
 */
export const MAXMEMORY_POLICIES = [
  "volatile-lru",
  "allkeys-lru",
  "volatile-lfu",
  "allkeys-lfu",
  "volatile-random",
  "allkeys-random",
  "volatile-ttl",
  "noeviction",
] as const;
export type MaxmemoryPolicy = (typeof MAXMEMORY_POLICIES)[number];

/** RDB snapshot periods (`persistenceConfig.rdbSnapshotPeriod`, magic-modules mmv1/products/redis/Instance.yaml). */
export const RDB_PERIODS = ["ONE_HOUR", "SIX_HOURS", "TWELVE_HOURS", "TWENTY_FOUR_HOURS"] as const;
export type RdbPeriod = (typeof RDB_PERIODS)[number];

export const WEEKDAYS = [
  "MONDAY",
  "TUESDAY",
  "WEDNESDAY",
  "THURSDAY",
  "FRIDAY",
  "SATURDAY",
  "SUNDAY",
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The weekly maintenance window: a start hour in UTC; Memorystore fixes its length at one hour. */
export interface MaintenanceWindow {
  readonly day: Weekday;
  /** Start hour in UTC, 0-23. */
  readonly hour: number;
}

/** Where the instance lives: the VPC it is reachable from, through private services access. */
export interface RedisNetwork {
  /** The authorized network: the VPC's id (`projects/<p>/global/networks/<n>`, `Network.networkId`). */
  readonly id: pulumi.Input<string>;
  /** The Service Networking connection of the VPC (`Network.privateServiceAccess.connection`); the instance waits for it. */
  readonly connection: pulumi.Resource;
  /**
   * The allocated range the instance takes its addresses from (`Network.privateServiceAccess.rangeName`).
   * @default - any range allocated to the connection
   */
  readonly rangeName?: pulumi.Input<string>;
}

/** Arguments of {@link RedisCache}. */
export interface RedisCacheArgs extends CommonArgs {
  /**
   * Logical name; the instance id is `naming.name("generic", name)` (at most 40 characters), the AUTH secret
   * `<name>-auth`.
   * @default "cache"
   */
  readonly name?: string;
  /** The VPC and its private services access. No default: an instance is never on the `default` network. */
  readonly network: RedisNetwork;
  /**
   * `STANDARD_HA`: a replica in another zone and automatic failover; `BASIC`: one node, emptied by any
   * failure or maintenance. Fixed at creation (changing it replaces the instance).
   * @default "STANDARD_HA"
   */
  readonly tier?: "BASIC" | "STANDARD_HA";
  /**
   * Memory in GB, 1-300 (https://cloud.google.com/memorystore/docs/redis/redis-tiers: 300 GB at most in
   * either tier). A Standard instance keeps 10 % of it for the replication backlog.
   * @default 1
   */
  readonly memorySizeGb?: number;
  /**
   * Redis version; upgrades in place, a downgrade replaces the instance.
   * @default "REDIS_7_2"
   */
  readonly redisVersion?: RedisVersion;
  /**
   * What Redis evicts when memory is full. A cache evicts the least recently used keys of all keys.
   * @default "allkeys-lru"
   */
  readonly maxmemoryPolicy?: MaxmemoryPolicy;
  /**
   * Weekly maintenance window (UTC). Without one, Google picks the time.
   * @default - `{ day: "SUNDAY", hour: 18 }` (UTC): 03:00 Monday in Seoul
   */
  readonly maintenanceWindow?: MaintenanceWindow;
  /**
   * RDB snapshots: a period, or `"off"`. Snapshots let a Standard instance recover its data after losing
   * both nodes; a Basic cache is refilled from Firestore instead.
   * @default - `"TWELVE_HOURS"` on STANDARD_HA, `"off"` on BASIC
   */
  readonly persistence?: RdbPeriod | "off";
  /**
   * Customer-managed key for data at rest, in the instance's region (`KmsKeys.key("redis")`). Fixed at
   * creation: adding, removing or changing it replaces the instance (an empty cache).
   * @default - a Google-managed key
   */
  readonly encryptionKey?: EncryptionKey;
  /**
   * Regions holding replicas of the AUTH secret.
   * @default - `[region]`
   */
  readonly authSecretReplicas?: readonly string[];
  /**
   * Customer-managed keys of the AUTH secret's replicas, by location (`SecretSetArgs.encryptionKeys`).
   * @default - Google-managed keys
   */
  readonly authSecretKeys?: Readonly<Record<string, EncryptionKey>>;
  /**
   * Provider-side deletion protection (the provider treats unset as on).
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Pulumi `protect` on the instance and its AUTH secret.
   * @default true
   */
  readonly protect?: boolean;
}

/** The GCP instance id: 1-40 characters (https://cloud.google.com/memorystore/docs/redis/reference/rest/v1/projects.locations.instances/create), checked by the provider as ^[a-z][a-z0-9-]{0,39}[a-z0-9]$ (magic-modules mmv1/products/redis/Instance.yaml). */
const INSTANCE_ID = /^[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const NAME = /^[a-z][a-z0-9-]{0,19}$/;
export const DEFAULT_MAINTENANCE: MaintenanceWindow = { day: "SUNDAY", hour: 18 };

/**
 * Checks {@link RedisCacheArgs} (the network is a pair of outputs, nothing to check); throws one
 * `ValidationError` naming every problem.
 */
export function validateRedisCacheArgs(
  args: Omit<RedisCacheArgs, "network"> & { readonly network?: RedisNetwork },
): void {
  const p = new Problems("RedisCache");
  const name = args.name ?? "cache";
  if (p.check(NAME.test(name), "name", name, "1-20 of a-z 0-9 '-', starting with a letter")) {
    const id = args.naming.name("generic", name);
    p.check(
      INSTANCE_ID.test(id),
      "name",
      name,
      `a name whose instance id ("${id}") is at most 40 characters, ending with a letter or digit`,
    );
  }
  const tier = args.tier ?? "STANDARD_HA";
  p.oneOf("tier", tier, ["BASIC", "STANDARD_HA"], "BASIC or STANDARD_HA");
  p.integer("memorySizeGb", args.memorySizeGb ?? 1, 1, 300);
  const version = args.redisVersion ?? "REDIS_7_2";
  p.oneOf(
    "redisVersion",
    version,
    REDIS_VERSIONS,
    `one of ${REDIS_VERSIONS.join(", ")} (earlier versions accept about 1,000 TLS connections on small instances)`,
  );
  const policy = args.maxmemoryPolicy ?? "allkeys-lru";
  p.oneOf("maxmemoryPolicy", policy, MAXMEMORY_POLICIES);
  const window = args.maintenanceWindow ?? DEFAULT_MAINTENANCE;
  p.oneOf("maintenanceWindow.day", window.day, WEEKDAYS);
  p.integer("maintenanceWindow.hour", window.hour, 0, 23);
  if (args.persistence !== undefined) {
    p.oneOf(
      "persistence",
      args.persistence,
      ["off", ...RDB_PERIODS],
      `"off" or one of ${RDB_PERIODS.join(", ")}`,
    );
  }
  const keyed = args.authSecretKeys === undefined ? undefined : Object.keys(args.authSecretKeys);
  (args.authSecretReplicas ?? [args.region]).forEach((r, i) => {
    p.check(/^[a-z]+-[a-z]+\d+$/.test(r), `authSecretReplicas[${i}]`, r, "a region such as asia-northeast3");
    if (keyed !== undefined)
      p.check(
        keyed.includes(r),
        `authSecretReplicas[${i}]`,
        r,
        `a region with a key in authSecretKeys (${keyed.join(", ") || "none"})`,
      );
  });
  p.throwIfAny();
}

/** What a service needs to reach the cache: the endpoint, TLS trust and the AUTH secret by reference. */
export interface RedisConnection {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** Always true: the instance accepts only TLS. */
  readonly tls: true;
  /** The instance's server CA certificates (PEM, concatenated): the client trusts only these. Public data. */
  readonly caCertificate: pulumi.Output<string>;
  /** The AUTH string as a Secret Manager reference, never its value. */
  readonly auth: SecretEnvRef;
}

/** Environment of a Cloud Run service that uses the cache (`CloudRunServiceArgs.env` / `secretEnv`). */
export interface RedisServiceEnv {
  readonly env: Readonly<Record<string, pulumi.Input<string>>>;
  readonly secretEnv: Readonly<Record<string, SecretEnvRef>>;
}

/**
 * One Memorystore for Redis instance, private and authenticated. Services get `connection()` (or
 * `serviceEnv()`), Direct VPC egress into the same VPC, and `grantConnect(sa)` for the AUTH secret.
 */
export class RedisCache extends Component {
  readonly instance: gcp.redis.Instance;
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** PEM bundle of the instance's server CAs (a new CA appears five years before the old one expires). */
  readonly caCertificate: pulumi.Output<string>;
  /** The secret holding the AUTH string. */
  readonly authSecret: SecretSet;
  private readonly authSecretName: string;

  constructor(name: string, args: RedisCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    validateRedisCacheArgs(args);
    super("module6:data:RedisCache", name, opts);
    const logical = args.name ?? "cache";
    const tier = args.tier ?? "STANDARD_HA";
    const persistence = args.persistence ?? (tier === "STANDARD_HA" ? "TWELVE_HOURS" : "off");
    const window = args.maintenanceWindow ?? DEFAULT_MAINTENANCE;
    const protect = args.protect ?? true;
    const key = args.encryptionKey;

    this.instance = new gcp.redis.Instance(
      name,
      {
        project: args.project,
        region: args.region,
        name: args.naming.name("generic", logical),
        displayName: `${logical} cache (managed by Pulumi)`,
        tier,
        memorySizeGb: args.memorySizeGb ?? 1,
        redisVersion: args.redisVersion ?? "REDIS_7_2",
        // Reachable only from the VPC, through the range private services access allocates: never the
        // `default` network (the provider's fallback when authorizedNetwork is unset), never direct peering.
        authorizedNetwork: args.network.id,
        connectMode: "PRIVATE_SERVICE_ACCESS",
        ...(args.network.rangeName !== undefined ? { reservedIpRange: args.network.rangeName } : {}),
        authEnabled: true,
        // Only when the instance is created: "In-transit encryption cannot be disabled"
        // (https://cloud.google.com/memorystore/docs/redis/manage-in-transit-encryption).
        transitEncryptionMode: "SERVER_AUTHENTICATION",
        readReplicasMode: "READ_REPLICAS_DISABLED",
        redisConfigs: { "maxmemory-policy": args.maxmemoryPolicy ?? "allkeys-lru" },
        maintenancePolicy: {
          weeklyMaintenanceWindows: [
            { day: window.day, startTime: { hours: window.hour, minutes: 0, seconds: 0, nanos: 0 } },
          ],
        },
        persistenceConfig:
          persistence === "off"
            ? { persistenceMode: "DISABLED" }
            : { persistenceMode: "RDB", rdbSnapshotPeriod: persistence },
        ...(key ? { customerManagedKey: key.kmsKeyName } : {}),
        deletionProtection: args.deletionProtection ?? true,
        labels: componentLabels(args.labels, "redis"),
      },
      // The instance is placed through the Service Networking connection and encrypted with a key its
      // agent must already hold: both before the instance, never in parallel with it.
      this.child({
        protect,
        // The provider already marks authString secret (node_modules/@pulumi/gcp/redis/instance.js);
        // repeated here so the guarantee does not hang on the provider's choice.
        additionalSecretOutputs: ["authString"],
        dependsOn: [args.network.connection, ...(key?.ready ? [key.ready] : [])],
      }),
    );
    this.host = this.instance.host;
    this.port = this.instance.port;
    this.caCertificate = this.instance.serverCaCerts.apply((certs) =>
      (certs ?? [])
        .map((c) => c.cert.trim())
        .filter((c) => c !== "")
        .join("\n"),
    );

    this.authSecretName = `${logical}-auth`;
    this.authSecret = new SecretSet(
      `${name}-auth`,
      {
        project: args.project,
        region: args.region,
        labels: args.labels,
        naming: args.naming,
        secrets: {
          [this.authSecretName]: {
            description: `AUTH string of the ${logical} Redis instance (written by Pulumi)`,
            replicaLocations: args.authSecretReplicas ?? [args.region],
          },
        },
        allowedRegions: args.authSecretReplicas ?? [args.region],
        values: { [this.authSecretName]: this.instance.authString },
        ...(args.authSecretKeys ? { encryptionKeys: args.authSecretKeys } : {}),
        deletionProtection: args.deletionProtection ?? true,
        protect,
      },
      this.child(),
    );

    this.registerOutputs({
      host: this.host,
      port: this.port,
      caCertificate: this.caCertificate,
      authSecretId: this.authSecret.secretId(this.authSecretName),
    });
  }

  /** Everything a service needs to connect, with the AUTH string by reference only. */
  connection(): RedisConnection {
    return {
      host: this.host,
      port: this.port,
      tls: true,
      caCertificate: this.caCertificate,
      auth: {
        secret: this.authSecret.secretId(this.authSecretName),
        version: this.authSecret.secretVersion(this.authSecretName),
      },
    };
  }

  /**
   * The connection as a Cloud Run service's environment: `REDIS_HOST`, `REDIS_PORT`, `REDIS_TLS`,
   * `REDIS_CA_CERT` (PEM), `REDIS_KEY_PREFIX` when given, and `REDIS_AUTH` from Secret Manager.
   */
  serviceEnv(keyPrefix?: string): RedisServiceEnv {
    const c = this.connection();
    return {
      env: {
        REDIS_HOST: c.host,
        REDIS_PORT: c.port.apply(String),
        REDIS_TLS: "true",
        REDIS_CA_CERT: c.caCertificate,
        ...(keyPrefix !== undefined ? { REDIS_KEY_PREFIX: keyPrefix } : {}),
      },
      secretEnv: { REDIS_AUTH: c.auth },
    };
  }

  /**
   * Lets `member` connect, as far as IAM decides: read access to the AUTH secret (a Memorystore for Redis
   * instance has no IAM connect permission; the network path is Direct VPC egress into the VPC).
   */
  grantConnect(member: Member, key?: string): gcp.secretmanager.SecretIamMember {
    return this.authSecret.grantAccess(this.authSecretName, member, key);
  }
}
