/**
 * What the canary analysis reads: per-minute request counts, 5xx counts and p95 latency of a revision.
 * `CloudMonitoringMetrics` reads them from Cloud Monitoring; tests use recorded series.
 */

/** One aligned interval (a minute) of a revision's traffic. */
export interface MetricPoint {
  /** End of the interval. */
  readonly at: Date;
  readonly requests: number;
  /** Responses with a 5xx status. */
  readonly errors: number;
  /** 95th percentile latency in the interval, when there were requests. */
  readonly p95Ms?: number;
}

/** The revisions of one Cloud Run service, over a time window. */
export interface RevisionMetricsQuery {
  readonly project: string;
  /** The GCP service name (the same in every region). */
  readonly service: string;
  /** The candidate's revisions (one per region). */
  readonly revisions: readonly string[];
  readonly start: Date;
  readonly end: Date;
}

export interface MetricsSource {
  /** Throws unless the project's metrics can be read (checked before a canary is started). */
  checkAccess(project: string): Promise<void>;
  revisionMetrics(query: RevisionMetricsQuery): Promise<MetricPoint[]>;
}
