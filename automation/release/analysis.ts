/**
 * The canary decision: promote when the candidate meets the service levels (error rate under 0.1 %, p95
 * latency under 200 ms — DESIGN §1) on enough traffic, roll back otherwise. A pure function of recorded
 * series, tested offline.
 */
import type { MetricPoint } from "../context/metrics";

export interface ServiceLevels {
  /** The highest acceptable share of 5xx responses (exclusive). */
  readonly maxErrorRate: number;
  /** The highest acceptable p95 latency in milliseconds (exclusive). */
  readonly maxP95Ms: number;
  /** The fewest requests a verdict can rest on. */
  readonly minRequests: number;
}

/** The platform's service levels: error rate < 0.1 %, p95 < 200 ms; 100 requests to judge. */
export const SERVICE_LEVELS: ServiceLevels = { maxErrorRate: 0.001, maxP95Ms: 200, minRequests: 100 };

export type AnalysisReason = "healthy" | "error-spike" | "latency-regression" | "no-traffic";

export interface Analysis {
  readonly decision: "promote" | "rollback";
  readonly reason: AnalysisReason;
  readonly requests: number;
  readonly errors: number;
  readonly errorRate: number;
  /** Request-weighted mean of the per-minute p95 latencies; undefined without latency data. */
  readonly p95Ms?: number;
  /** One sentence for people. */
  readonly summary: string;
}

const pct = (rate: number): string => `${(rate * 100).toFixed(2)} %`;

/** The request-weighted mean of per-minute p95 values (minutes without requests do not count). */
export function weightedP95(points: readonly MetricPoint[]): number | undefined {
  let weight = 0;
  let sum = 0;
  for (const p of points) {
    if (p.p95Ms === undefined || p.requests <= 0) continue;
    weight += p.requests;
    sum += p.p95Ms * p.requests;
  }
  return weight > 0 ? sum / weight : undefined;
}

/**
 * Decides on a canary from its series. Checks in order: enough traffic to judge (else roll back: an
 * unproven revision is not promoted), the error rate, the p95 latency.
 */
export function analyzeCanary(
  points: readonly MetricPoint[],
  levels: ServiceLevels = SERVICE_LEVELS,
): Analysis {
  const requests = points.reduce((n, p) => n + p.requests, 0);
  const errors = points.reduce((n, p) => n + p.errors, 0);
  const errorRate = requests > 0 ? errors / requests : 0;
  const p95Ms = weightedP95(points);
  const base = { requests, errors, errorRate, ...(p95Ms !== undefined ? { p95Ms } : {}) };
  if (requests < levels.minRequests)
    return {
      ...base,
      decision: "rollback",
      reason: "no-traffic",
      summary: `only ${requests} requests reached the canary (at least ${levels.minRequests} are needed to judge it); rolling back — raise --percent or --analyze-window`,
    };
  if (errorRate >= levels.maxErrorRate)
    return {
      ...base,
      decision: "rollback",
      reason: "error-spike",
      summary: `error rate ${pct(errorRate)} (${errors} of ${requests}) is not under ${pct(levels.maxErrorRate)}; rolling back`,
    };
  if (p95Ms === undefined || p95Ms >= levels.maxP95Ms)
    return {
      ...base,
      decision: "rollback",
      reason: "latency-regression",
      summary:
        p95Ms === undefined
          ? `no latency data for ${requests} requests; rolling back`
          : `p95 latency ${Math.round(p95Ms)} ms is not under ${levels.maxP95Ms} ms; rolling back`,
    };
  return {
    ...base,
    decision: "promote",
    reason: "healthy",
    summary: `error rate ${pct(errorRate)} and p95 ${Math.round(p95Ms)} ms over ${requests} requests meet the service levels; promoting`,
  };
}
