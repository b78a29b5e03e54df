/**
 * `module6:network`, `module6:redis` and `module6:cmek`: the data tier of a project (docs/data-tier.md). The
 * schemas hold the fields' types and ranges; `resolveDataTier` applies the rules that join them to the kind,
 * to each other and to the services, and runs the components' own validators on the values the stack will
 * pass them, so a mistake names its config key before any resource exists.
 */
import { z } from "zod";
import { MAX_ROTATION_DAYS } from "../components/kms-keys";
import { FLOW_LOG_INTERVALS, validateNetworkArgs, type FlowLogs } from "../components/network";
import {
  RDB_PERIODS,
  REDIS_VERSIONS,
  WEEKDAYS,
  validateRedisCacheArgs,
  type MaintenanceWindow,
  type RdbPeriod,
  type RedisVersion,
} from "../components/redis-cache";
import type { CommonArgs } from "../components/shared/types";
import { ValidationError, type Problem } from "../components/shared/validation";
import { doc, docDefault } from "./config-fields";
import { problemAt } from "./config-problems";
import { NAMESPACE } from "./namespace";
import { EnvironmentNaming } from "./naming";
import type { Kind } from "./presets";

export const networkSchema = z.strictObject({
  subnets: doc(
    z.record(z.string(), z.string()),
    "One subnet per region the services with Direct VPC egress run in: region → RFC 1918 CIDR, /8 to /26 (Direct VPC egress needs /26 or larger), not overlapping.",
  ),
  privateServiceAccess: doc(
    z.string().optional(),
    "The range private services access allocates for Memorystore (RFC 1918, /8 to /24, overlapping no subnet); required with `redis`.",
    "none",
  ),
  flowLogs: doc(
    z
      .strictObject({
        sampling: docDefault(z.number().optional(), "Share of flows reported, above 0 and at most 1.", 0.5),
        aggregationInterval: docDefault(
          z.enum(FLOW_LOG_INTERVALS).optional(),
          "How long flows are aggregated per record.",
          "INTERVAL_5_SEC",
        ),
      })
      .optional(),
    "Flow logs of every subnet (always on).",
    "sampling 0.5, 5 s",
  ),
  nat: doc(
    z
      .strictObject({
        staticAddresses: docDefault(
          z.int().optional(),
          "Reserved external addresses per region (0-16), for partners that allow-list IPs.",
          0,
        ),
      })
      .nullable()
      .optional(),
    "Cloud NAT per subnet region (internet egress of `all-traffic` services); `null` creates none.",
    "NAT with addresses Cloud NAT allocates",
  ),
});

export const redisSchema = z.strictObject({
  tier: doc(
    z.enum(["BASIC", "STANDARD_HA"]).optional(),
    "`STANDARD_HA` (replica, automatic failover; required in prod) or `BASIC`; fixed at creation.",
    "by kind: prod STANDARD_HA, staging BASIC",
  ),
  memorySizeGb: docDefault(z.int().optional(), "Memory in GB, 1-300.", 1),
  redisVersion: docDefault(z.enum(REDIS_VERSIONS).optional(), "Redis version.", "REDIS_7_2"),
  maintenanceWindow: doc(
    z
      .strictObject({
        day: doc(z.enum(WEEKDAYS), "Day of the weekly window (UTC)."),
        hour: doc(z.int(), "Hour the one-hour window starts (UTC), 0-23."),
      })
      .optional(),
    "Weekly maintenance window.",
    "SUNDAY 18:00 UTC (Monday 03:00 in Seoul)",
  ),
  persistence: doc(
    z.enum(["off", ...RDB_PERIODS]).optional(),
    "RDB snapshot period, or `off`.",
    "TWELVE_HOURS on STANDARD_HA, off on BASIC",
  ),
});

export const cmekSchema = z.strictObject({
  rotationDays: docDefault(
    z.int().optional(),
    `Days between automatic key rotations, 1-${MAX_ROTATION_DAYS} (CIS 1.10).`,
    MAX_ROTATION_DAYS,
  ),
});

export type NetworkInput = z.output<typeof networkSchema>;
export type RedisInput = z.output<typeof redisSchema>;
export type CmekInput = z.output<typeof cmekSchema>;

/** The network of the project, as the stack passes it to `Network`. */
export interface NetworkConfig {
  readonly subnets: Readonly<Record<string, string>>;
  readonly privateServiceAccess: string | undefined;
  readonly flowLogs: FlowLogs;
  readonly nat: { readonly staticAddresses?: number } | null;
}

/** The Redis instance of the project, resolved over the kind. */
export interface RedisConfig {
  readonly tier: "BASIC" | "STANDARD_HA";
  readonly memorySizeGb: number;
  readonly redisVersion: RedisVersion;
  readonly maintenanceWindow: MaintenanceWindow | undefined;
  readonly persistence: RdbPeriod | "off" | undefined;
}

/** Customer-managed keys of the project's data stores. */
export interface CmekConfig {
  readonly rotationDays: number;
}

/** The data tier of a stack: what the project owns, or (feature stacks) what it reads from staging. */
export interface DataTierConfig {
  readonly network: NetworkConfig | undefined;
  readonly redis: RedisConfig | undefined;
  readonly cmek: CmekConfig | undefined;
}

/** What the rules need from the rest of the config. */
export interface DataTierContext {
  readonly kind: Kind;
  readonly region: string | undefined;
  readonly prefix: string;
  readonly env: string;
  /** Services that need the network (`uses: [redis]` or `vpcEgress`), with their regions. */
  readonly egressServices: readonly { readonly name: string; readonly regions: readonly string[] }[];
  /** The `vpc` block is set (an existing network). */
  readonly hasVpc: boolean;
}

/** The component validator's problems under `<key>.` (the component's field paths mirror the config's). */
function componentProblems(key: string, validate: () => void): Problem[] {
  try {
    validate();
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // The config's `privateServiceAccess` is the component's `privateServiceAccess.range`.
    const path = (p: string): string => p.replace("privateServiceAccess.range", "privateServiceAccess");
    return error.problems.map((p) => ({
      ...p,
      path: `${NAMESPACE}:${key}.${path(p.path)}`,
      allowed: p.allowed.replace(
        /\b(subnets\.[a-z0-9-]+|privateServiceAccess\.range)\b/g,
        (m) => `${key}.${path(m)}`,
      ),
    }));
  }
}

/** The network block over its component's rules, joined to the `vpc` block and the services' regions. */
function resolveNetwork(
  n: NetworkInput | undefined,
  ctx: DataTierContext,
  common: Omit<CommonArgs, "project">,
  problems: Problem[],
): NetworkConfig | undefined {
  if (n === undefined) return undefined;
  const network: NetworkConfig = {
    subnets: n.subnets,
    privateServiceAccess: n.privateServiceAccess,
    flowLogs: n.flowLogs ?? {},
    nat: n.nat === null ? null : (n.nat ?? {}),
  };
  problems.push(
    ...componentProblems("network", () =>
      validateNetworkArgs({
        ...common,
        project: "p",
        subnets: network.subnets,
        flowLogs: network.flowLogs,
        nat: network.nat,
        privateServiceAccess:
          network.privateServiceAccess === undefined ? null : { range: network.privateServiceAccess },
      }),
    ),
  );
  if (ctx.hasVpc)
    problems.push(
      problemAt("vpc", "set", `absent with a ${NAMESPACE}:network block: services use that network`),
    );
  // Direct VPC egress uses a subnet of the service's own region
  // (https://cloud.google.com/run/docs/configuring/vpc-direct-vpc: "the subnet … in the same region").
  for (const s of ctx.egressServices)
    for (const r of s.regions)
      if (!(r in network.subnets))
        problems.push(
          problemAt(
            "network.subnets",
            Object.keys(network.subnets),
            `a subnet in ${r}, where service "${s.name}" runs with Direct VPC egress`,
          ),
        );
  return network;
}

/** The redis block over the kind (prod STANDARD_HA, staging BASIC by default) and its component's rules. */
function resolveRedis(
  r: RedisInput | undefined,
  ctx: DataTierContext,
  common: Omit<CommonArgs, "project">,
  network: NetworkConfig | undefined,
  problems: Problem[],
): RedisConfig | undefined {
  if (r === undefined) return undefined;
  const redis: RedisConfig = {
    tier: r.tier ?? (ctx.kind === "prod" ? "STANDARD_HA" : "BASIC"),
    memorySizeGb: r.memorySizeGb ?? 1,
    redisVersion: r.redisVersion ?? "REDIS_7_2",
    maintenanceWindow: r.maintenanceWindow,
    persistence: r.persistence,
  };
  problems.push(
    ...componentProblems("redis", () => validateRedisCacheArgs({ ...common, project: "p", ...redis })),
  );
  // A Basic Tier instance is one node: it "is unavailable" and its data is flushed during maintenance
  // or a failure (https://cloud.google.com/memorystore/docs/redis/redis-tiers).
  if (ctx.kind === "prod" && redis.tier === "BASIC")
    problems.push(problemAt("redis.tier", "BASIC", "STANDARD_HA in prod (a replica and automatic failover)"));
  if (network?.privateServiceAccess === undefined)
    problems.push(
      problemAt(
        "redis",
        "set",
        `a ${NAMESPACE}:network block with privateServiceAccess: the instance is reachable only through it`,
      ),
    );
  return redis;
}

/** The three blocks over the kind, with every rule that joins them. */
export function resolveDataTier(
  input: { network?: NetworkInput; redis?: RedisInput; cmek?: CmekInput },
  ctx: DataTierContext,
): { value: DataTierConfig; problems: Problem[] } {
  const problems: Problem[] = [];
  if (ctx.kind === "feature") {
    // Feature stacks own none of it: cost and the two-minute budget (DESIGN §2); they use staging's.
    for (const key of ["network", "redis", "cmek"] as const)
      if (input[key] !== undefined)
        problems.push(
          problemAt(key, input[key], "absent in a feature stack: it uses staging's network and cache"),
        );
    return { value: { network: undefined, redis: undefined, cmek: undefined }, problems };
  }
  const common = { region: ctx.region ?? "", labels: {}, naming: new EnvironmentNaming(ctx.prefix, ctx.env) };
  const network = resolveNetwork(input.network, ctx, common, problems);
  const redis = resolveRedis(input.redis, ctx, common, network, problems);
  const c = input.cmek;
  const cmek: CmekConfig | undefined = c && { rotationDays: c.rotationDays ?? MAX_ROTATION_DAYS };
  if (
    cmek &&
    !(Number.isInteger(cmek.rotationDays) && cmek.rotationDays >= 1 && cmek.rotationDays <= MAX_ROTATION_DAYS)
  )
    problems.push(problemAt("cmek.rotationDays", cmek.rotationDays, `an integer 1-${MAX_ROTATION_DAYS}`));
  return { value: { network, redis, cmek }, problems };
}
