/**
 * The signals of a Memorystore for Redis instance that the cache's alerts and its dashboard row read
 * (metric types: https://cloud.google.com/memorystore/docs/redis/supported-monitoring-metrics; resource
 * type `redis_instance`, label `instance_id` = `projects/<p>/locations/<region>/instances/<id>`).
 */
import type { Aggregation, Widget } from "./dashboard-json";
import { chart } from "./dashboard-json";

/** One signal: its metric, how a series is aligned, and the threshold the alert fires above. */
export interface RedisSignal {
  readonly id: "memory" | "evictions" | "clients" | "cpu";
  readonly title: string;
  readonly metric: string;
  readonly aligner: "ALIGN_MEAN" | "ALIGN_MAX" | "ALIGN_RATE";
  readonly threshold: number;
  /** How long the value stays above the threshold before the alert fires. */
  readonly durationSeconds: number;
  readonly what: string;
}

/**
 * - memory: Google's guidance is to keep the system memory usage ratio under 80 % (above it, scaling,
 *   failover and RDB snapshots may fail: https://cloud.google.com/memorystore/docs/redis/general-best-practices).
 * - evictions: with `allkeys-lru` a full cache evicts; a sustained rate means the cache is too small for
 *   its working set (misses, then Firestore reads: latency, not availability).
 * - clients: Redis 7 with in-transit encryption accepts 65,000 connections
 *   (https://cloud.google.com/memorystore/docs/redis/in-transit-encryption); the alert fires at 50,000,
 *   which only a connection leak or a scale-out without pooling reaches.
 * - cpu: `stats/cpu_utilization` counts CPU-seconds, so its rate is cores busy; Redis executes commands on
 *   one thread, so a rate above 0.8 for 10 minutes is a saturated instance.
 */
export const REDIS_SIGNALS: readonly RedisSignal[] = [
  {
    id: "memory",
    title: "Redis: system memory usage ratio",
    metric: "redis.googleapis.com/stats/memory/system_memory_usage_ratio",
    aligner: "ALIGN_MEAN",
    threshold: 0.8,
    durationSeconds: 300,
    what: "The cache uses more than 80 % of its memory: maintenance, scaling and snapshots may fail.",
  },
  {
    id: "evictions",
    title: "Redis: evicted keys/s",
    metric: "redis.googleapis.com/stats/evicted_keys",
    aligner: "ALIGN_RATE",
    threshold: 10,
    durationSeconds: 900,
    what: "The cache evicts more than 10 keys per second for 15 minutes: its working set no longer fits.",
  },
  {
    id: "clients",
    title: "Redis: connected clients",
    metric: "redis.googleapis.com/clients/connected",
    aligner: "ALIGN_MAX",
    threshold: 50_000,
    durationSeconds: 300,
    what: "More than 50,000 client connections (the limit is 65,000): a connection leak or clients without a pool.",
  },
  {
    id: "cpu",
    title: "Redis: CPU (cores busy)",
    metric: "redis.googleapis.com/stats/cpu_utilization",
    aligner: "ALIGN_RATE",
    threshold: 0.8,
    durationSeconds: 600,
    what: "Redis keeps its single command thread more than 80 % busy for 10 minutes: slow commands or too much load.",
  },
];

/** The filter of one signal on one instance. */
export function redisFilter(signal: RedisSignal, instanceId: string): string {
  return `resource.type="redis_instance" AND resource.label.instance_id="${instanceId}" AND metric.type="${signal.metric}"`;
}

/** The aggregation of one signal (one series per instance and node role). */
export function redisAggregation(signal: RedisSignal): Aggregation {
  return {
    alignmentPeriod: "60s",
    perSeriesAligner: signal.aligner,
    crossSeriesReducer: signal.aligner === "ALIGN_RATE" ? "REDUCE_SUM" : "REDUCE_MAX",
    groupByFields: ["resource.label.instance_id"],
  };
}

/** The dashboard row of the cache: one chart per signal. */
export function redisWidgets(instanceId: string): Widget[] {
  return REDIS_SIGNALS.map((s) =>
    chart(s.title, [{ filter: redisFilter(s, instanceId), aggregation: redisAggregation(s) }]),
  );
}
