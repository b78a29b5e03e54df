/**
 * Pure parts of the Cloud Monitoring queries: the requests `CloudMonitoringMetrics` sends (tested without
 * the network) and how their answers become per-minute points.
 */
import type { MetricPoint, RevisionMetricsQuery } from "../context/metrics";

const MINUTE = { seconds: 60 };

/** The Monitoring filter for the candidate's revisions of one service. */
export function revisionFilter(metric: string, query: RevisionMetricsQuery): string {
  const revisions = query.revisions.map((r) => JSON.stringify(r)).join(", ");
  return [
    `metric.type = "run.googleapis.com/${metric}"`,
    `resource.type = "cloud_run_revision"`,
    `resource.labels.service_name = ${JSON.stringify(query.service)}`,
    `resource.labels.revision_name = one_of(${revisions})`,
  ].join(" AND ");
}

function interval(query: RevisionMetricsQuery) {
  return {
    startTime: { seconds: Math.floor(query.start.getTime() / 1000) },
    endTime: { seconds: Math.floor(query.end.getTime() / 1000) },
  };
}

/** Requests per minute, summed over revisions and regions, split by response code class (`2xx`, `5xx`…). */
export function requestCountRequest(query: RevisionMetricsQuery) {
  return {
    name: `projects/${query.project}`,
    filter: revisionFilter("request_count", query),
    interval: interval(query),
    aggregation: {
      alignmentPeriod: MINUTE,
      perSeriesAligner: "ALIGN_DELTA" as const,
      crossSeriesReducer: "REDUCE_SUM" as const,
      groupByFields: ["metric.labels.response_code_class"],
    },
    view: "FULL" as const,
  };
}

/** The 95th percentile latency per minute across the candidate's revisions (milliseconds). */
export function latencyRequest(query: RevisionMetricsQuery) {
  return {
    name: `projects/${query.project}`,
    filter: revisionFilter("request_latencies", query),
    interval: interval(query),
    aggregation: {
      alignmentPeriod: MINUTE,
      perSeriesAligner: "ALIGN_DELTA" as const,
      crossSeriesReducer: "REDUCE_PERCENTILE_95" as const,
    },
    view: "FULL" as const,
  };
}

/** One value of a time series at the end of its interval; `label` is the response code class of counts. */
export interface SeriesPoint {
  readonly endSeconds: number;
  readonly value: number;
  readonly label?: string;
}

/** Per-minute points from the count series (by code class) and the latency series, oldest first. */
export function mergeSeries(
  counts: readonly SeriesPoint[],
  latencies: readonly SeriesPoint[],
): MetricPoint[] {
  const byMinute = new Map<number, { requests: number; errors: number; p95Ms?: number }>();
  const at = (s: number) => {
    let entry = byMinute.get(s);
    if (!entry) {
      entry = { requests: 0, errors: 0 };
      byMinute.set(s, entry);
    }
    return entry;
  };
  for (const c of counts) {
    const entry = at(c.endSeconds);
    entry.requests += c.value;
    if (c.label === "5xx") entry.errors += c.value;
  }
  for (const l of latencies) at(l.endSeconds).p95Ms = l.value;
  return [...byMinute.entries()]
    .sort(([a], [b]) => a - b)
    .map(([s, e]) => ({
      at: new Date(s * 1000),
      requests: e.requests,
      errors: e.errors,
      ...(e.p95Ms !== undefined && e.requests > 0 ? { p95Ms: e.p95Ms } : {}),
    }));
}
