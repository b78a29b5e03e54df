/** Recorded canary series (tests/fixtures/automation/series/*.json) as metric points. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { MetricPoint } from "../../../automation/context/metrics";

export type SeriesName = "healthy" | "error-spike" | "latency-regression" | "no-traffic";

export function recordedSeries(name: SeriesName): MetricPoint[] {
  const path = resolve(__dirname, `../../fixtures/automation/series/${name}.json`);
  const doc = JSON.parse(readFileSync(path, "utf8")) as {
    points: { at: string; requests: number; errors: number; p95Ms?: number }[];
  };
  return doc.points.map((p) => ({ ...p, at: new Date(p.at) }));
}
