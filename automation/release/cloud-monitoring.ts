/**
 * `MetricsSource` on Cloud Monitoring (Google's `@google-cloud/monitoring` client): Cloud Run's
 * `request_count` (by response code class) and `request_latencies` (p95 across the candidate's revisions),
 * aligned per minute. Uses Application Default Credentials; never constructed in tests.
 */
import { MetricServiceClient, type protos } from "@google-cloud/monitoring";
import type { MetricPoint, MetricsSource, RevisionMetricsQuery } from "../context/metrics";
import { latencyRequest, mergeSeries, requestCountRequest, type SeriesPoint } from "./monitoring-query";

type TimeSeries = protos.google.monitoring.v3.ITimeSeries;

function seconds(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string") return Number(value);
  if (value !== null && typeof value === "object" && "toNumber" in value)
    return (value as { toNumber(): number }).toNumber();
  return 0;
}

/** The points of time series as plain numbers keyed by the end of their interval. */
function points(series: readonly TimeSeries[], label?: string): SeriesPoint[] {
  return series.flatMap((s) =>
    (s.points ?? []).map((p) => ({
      endSeconds: seconds(p.interval?.endTime?.seconds),
      value: p.value?.doubleValue ?? seconds(p.value?.int64Value),
      ...(label !== undefined ? { label: s.metric?.labels?.[label] ?? "" } : {}),
    })),
  );
}

export class CloudMonitoringMetrics implements MetricsSource {
  private readonly client = new MetricServiceClient();

  async checkAccess(project: string): Promise<void> {
    // The smallest read the analysis needs permission for: one minute of Cloud Run request counts.
    const end = Math.floor(Date.now() / 1000);
    await this.client.listTimeSeries({
      name: `projects/${project}`,
      filter: 'metric.type = "run.googleapis.com/request_count"',
      interval: { startTime: { seconds: end - 60 }, endTime: { seconds: end } },
      view: "HEADERS",
      pageSize: 1,
    });
  }

  async revisionMetrics(query: RevisionMetricsQuery): Promise<MetricPoint[]> {
    const [counts] = await this.client.listTimeSeries(requestCountRequest(query));
    const [latencies] = await this.client.listTimeSeries(latencyRequest(query));
    return mergeSeries(points(counts, "response_code_class"), points(latencies));
  }
}
