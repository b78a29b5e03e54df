import { describe, expect, it } from "vitest";
import { analyzeCanary, weightedP95 } from "../../automation/release/analysis";
import type { MetricPoint } from "../../automation/context/metrics";
import {
  latencyRequest,
  mergeSeries,
  requestCountRequest,
  revisionFilter,
} from "../../automation/release/monitoring-query";
import { levelsFromSlo } from "../../automation/release/service-levels";
import { recordedSeries } from "./fakes/series";

const at = (minute: number) => new Date(Date.UTC(2025, 2, 1, 9, minute));
const point = (requests: number, errors: number, p95Ms?: number, minute = 0): MetricPoint => ({
  at: at(minute),
  requests,
  errors,
  ...(p95Ms !== undefined ? { p95Ms } : {}),
});

describe("analyzeCanary on recorded series", () => {
  it.each([
    ["healthy", "promote", "healthy"],
    ["error-spike", "rollback", "error-spike"],
    ["latency-regression", "rollback", "latency-regression"],
    ["no-traffic", "rollback", "no-traffic"],
  ] as const)("%s → %s (%s)", (series, decision, reason) => {
    const analysis = analyzeCanary(recordedSeries(series));
    expect(analysis.decision).toBe(decision);
    expect(analysis.reason).toBe(reason);
  });

  it("reports the numbers it decided on", () => {
    expect(analyzeCanary(recordedSeries("healthy"))).toMatchObject({
      requests: 1299,
      errors: 1,
      summary: "error rate 0.08 % and p95 145 ms over 1299 requests meet the service levels; promoting",
    });
    expect(analyzeCanary(recordedSeries("healthy")).errorRate).toBeCloseTo(0.00077, 5);
    expect(analyzeCanary(recordedSeries("error-spike")).summary).toBe(
      "error rate 3.49 % (45 of 1290) is not under 0.10 %; rolling back",
    );
  });

  it("holds the service levels as strict bounds: exactly 0.1 % errors or exactly 200 ms fails", () => {
    expect(analyzeCanary([point(1000, 1, 150)]).reason).toBe("error-spike");
    expect(analyzeCanary([point(1000, 0, 200)]).reason).toBe("latency-regression");
    expect(analyzeCanary([point(1000, 0, 199.9)]).decision).toBe("promote");
    expect(analyzeCanary([point(10_000, 9, 150)]).decision).toBe("promote");
  });

  it("checks traffic first, then errors, then latency", () => {
    expect(analyzeCanary([point(99, 99, 5000)]).reason).toBe("no-traffic");
    expect(analyzeCanary([point(500, 100, 5000)]).reason).toBe("error-spike");
    expect(analyzeCanary([]).reason).toBe("no-traffic");
  });

  it("rolls back when requests came without latency data", () => {
    const analysis = analyzeCanary([point(500, 0)]);
    expect(analysis).toMatchObject({ decision: "rollback", reason: "latency-regression" });
    expect(analysis.summary).toBe("no latency data for 500 requests; rolling back");
  });

  it("weights each minute's p95 by its requests and ignores empty minutes", () => {
    expect(weightedP95([point(100, 0, 100), point(300, 0, 200), point(0, 0, 9000)])).toBe(175);
    expect(weightedP95([point(0, 0)])).toBeUndefined();
  });
});

describe("service levels", () => {
  it("turns the SLO into thresholds: availability 99.9 % → error rate under exactly 0.1 %", () => {
    expect(levelsFromSlo({ availabilityGoal: 0.999, latencyThresholdMs: 200 }, 100)).toEqual({
      maxErrorRate: 0.001,
      maxP95Ms: 200,
      minRequests: 100,
    });
    expect(levelsFromSlo({ availabilityGoal: 0.9995, latencyThresholdMs: 2000 }, 50)).toEqual({
      maxErrorRate: 0.0005,
      maxP95Ms: 2000,
      minRequests: 50,
    });
  });
});

describe("Cloud Monitoring queries", () => {
  const query = {
    project: "module6-prod-000000",
    service: "m6-prod-api",
    revisions: ["m6-prod-api-00002-k3", "m6-prod-api-00002-k1"],
    start: at(0),
    end: at(15),
  };

  const requestCountFilter =
    'metric.type = "run.googleapis.com/request_count" AND resource.type = "cloud_run_revision" AND ' +
    'resource.labels.service_name = "m6-prod-api" AND ' +
    'resource.labels.revision_name = one_of("m6-prod-api-00002-k3", "m6-prod-api-00002-k1")';

  it("filters Cloud Run's metrics to the candidate's revisions", () => {
    expect(revisionFilter("request_count", query)).toBe(requestCountFilter);
  });

  it("asks for per-minute request counts by response code class and per-minute p95 latency", () => {
    expect(requestCountRequest(query)).toEqual({
      name: "projects/module6-prod-000000",
      filter: requestCountFilter,
      // 2025-03-01 09:00 and 09:15 UTC in seconds since the epoch.
      interval: { startTime: { seconds: 1740819600 }, endTime: { seconds: 1740820500 } },
      aggregation: {
        alignmentPeriod: { seconds: 60 },
        perSeriesAligner: "ALIGN_DELTA",
        crossSeriesReducer: "REDUCE_SUM",
        groupByFields: ["metric.labels.response_code_class"],
      },
      view: "FULL",
    });
    expect(latencyRequest(query).aggregation).toEqual({
      alignmentPeriod: { seconds: 60 },
      perSeriesAligner: "ALIGN_DELTA",
      crossSeriesReducer: "REDUCE_PERCENTILE_95",
    });
    expect(latencyRequest(query).filter).toContain('"run.googleapis.com/request_latencies"');
  });

  it("merges the answers into per-minute points, 5xx as errors", () => {
    const s = (minute: number) => at(minute).getTime() / 1000;
    const points = mergeSeries(
      [
        { endSeconds: s(2), value: 90, label: "2xx" },
        { endSeconds: s(1), value: 50, label: "2xx" },
        { endSeconds: s(2), value: 5, label: "4xx" },
        { endSeconds: s(2), value: 3, label: "5xx" },
      ],
      [
        { endSeconds: s(1), value: 120 },
        { endSeconds: s(2), value: 180 },
        { endSeconds: s(3), value: 999 },
      ],
    );
    expect(points).toEqual([
      { at: at(1), requests: 50, errors: 0, p95Ms: 120 },
      { at: at(2), requests: 98, errors: 3, p95Ms: 180 },
      { at: at(3), requests: 0, errors: 0 },
    ]);
  });
});
