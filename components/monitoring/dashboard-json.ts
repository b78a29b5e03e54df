/**
 * A Cloud Monitoring dashboard built from typed code (the subset of the Dashboards API this program
 * uses), rendered to the JSON `gcp.monitoring.Dashboard` takes.
 */
import { SECONDS_PER_HOUR, duration } from "../shared/durations";

export interface Aggregation {
  readonly alignmentPeriod: string;
  readonly perSeriesAligner: string;
  readonly crossSeriesReducer?: string;
  readonly groupByFields?: readonly string[];
}

/** One filter and how its series are aligned and reduced. */
export interface Series {
  readonly filter: string;
  readonly aggregation: Aggregation;
}

export type TimeSeriesQuery =
  | { readonly timeSeriesFilter: Series }
  | { readonly timeSeriesFilterRatio: { readonly numerator: Series; readonly denominator: Series } };

export interface DataSet {
  readonly timeSeriesQuery: TimeSeriesQuery;
  readonly plotType: "LINE" | "STACKED_AREA" | "STACKED_BAR";
  /**
   * The legend of each series (`${resource.labels.…}` placeholders).
   * @default - Cloud Monitoring's own legend
   */
  readonly legendTemplate?: string;
}

export interface Widget {
  readonly title: string;
  readonly xyChart: {
    readonly dataSets: readonly DataSet[];
    readonly yAxis?: { readonly label: string; readonly scale: "LINEAR" };
  };
}

export interface Tile {
  /** Absent for 0 (see {@link dashboard}). */
  readonly xPos?: number;
  /** Absent for 0 (see {@link dashboard}). */
  readonly yPos?: number;
  readonly width: number;
  readonly height: number;
  readonly widget: Widget;
}

export interface Dashboard {
  readonly displayName: string;
  readonly mosaicLayout: { readonly columns: number; readonly tiles: readonly Tile[] };
}

const COLUMNS = 48;
const TILE_WIDTH = 16;
const TILE_HEIGHT = 12;

const rate = (reducer = "REDUCE_SUM", groupBy: readonly string[] = []): Aggregation => ({
  alignmentPeriod: "60s",
  perSeriesAligner: "ALIGN_RATE",
  crossSeriesReducer: reducer,
  ...(groupBy.length > 0 ? { groupByFields: groupBy } : {}),
});
const percentile = (p: 50 | 95 | 99): Aggregation => ({
  alignmentPeriod: "60s",
  perSeriesAligner: `ALIGN_PERCENTILE_${p}`,
  crossSeriesReducer: "REDUCE_MAX",
});

/** A line chart of one or more filters. */
export function chart(title: string, series: readonly (Series & { readonly legend?: string })[]): Widget {
  return {
    title,
    xyChart: {
      dataSets: series.map((s) => ({
        timeSeriesQuery: { timeSeriesFilter: { filter: s.filter, aggregation: s.aggregation } },
        plotType: "LINE",
        ...(s.legend ? { legendTemplate: s.legend } : {}),
      })),
    },
  };
}

/** A line chart of the ratio of two filters (numerator / denominator, each aggregated first). */
export function ratioChart(title: string, numerator: Series, denominator: Series): Widget {
  return {
    title,
    xyChart: {
      dataSets: [
        {
          plotType: "LINE",
          timeSeriesQuery: {
            timeSeriesFilterRatio: {
              numerator: { filter: numerator.filter, aggregation: numerator.aggregation },
              denominator: { filter: denominator.filter, aggregation: denominator.aggregation },
            },
          },
        },
      ],
    },
  };
}

/** What the dashboard shows of one service. */
export interface DashboardService {
  readonly name: string;
  readonly cloudRunService: string;
  /** SLO resource names by SLO id. */
  readonly slos: Readonly<Record<string, string>>;
}

/** The golden signals of one Cloud Run service, and the error budget remaining of each of its SLOs. */
export function serviceWidgets(s: DashboardService): Widget[] {
  const run = `resource.type="cloud_run_revision" AND resource.label.service_name="${s.cloudRunService}"`;
  const requests = `metric.type="run.googleapis.com/request_count" AND ${run}`;
  const latency = `metric.type="run.googleapis.com/request_latencies" AND ${run}`;
  return [
    chart(`${s.name}: requests/s by response class`, [
      { filter: requests, aggregation: rate("REDUCE_SUM", ["metric.label.response_code_class"]) },
    ]),
    ratioChart(
      `${s.name}: 5xx ratio`,
      { filter: `${requests} AND metric.label.response_code_class="5xx"`, aggregation: rate() },
      { filter: requests, aggregation: rate() },
    ),
    chart(`${s.name}: latency p50 / p95 / p99 (ms)`, [
      { filter: latency, aggregation: percentile(50), legend: "p50" },
      { filter: latency, aggregation: percentile(95), legend: "p95" },
      { filter: latency, aggregation: percentile(99), legend: "p99" },
    ]),
    chart(`${s.name}: instances`, [
      {
        filter: `metric.type="run.googleapis.com/container/instance_count" AND ${run}`,
        aggregation: {
          alignmentPeriod: "60s",
          perSeriesAligner: "ALIGN_MAX",
          crossSeriesReducer: "REDUCE_SUM",
          groupByFields: ["metric.label.state"],
        },
      },
    ]),
    chart(`${s.name}: CPU and memory utilisation (p95)`, [
      {
        filter: `metric.type="run.googleapis.com/container/cpu/utilizations" AND ${run}`,
        aggregation: percentile(95),
        legend: "cpu",
      },
      {
        filter: `metric.type="run.googleapis.com/container/memory/utilizations" AND ${run}`,
        aggregation: percentile(95),
        legend: "memory",
      },
    ]),
    chart(
      `${s.name}: error budget remaining`,
      Object.entries(s.slos).map(([id, name]) => ({
        filter: `select_slo_budget_fraction("${name}")`,
        aggregation: { alignmentPeriod: duration(SECONDS_PER_HOUR), perSeriesAligner: "ALIGN_MEAN" },
        legend: id,
      })),
    ),
  ];
}

/** Platform-wide widgets: load balancer, Cloud Armor, Firestore. */
export function platformWidgets(): Widget[] {
  const lb = 'resource.type="https_lb_rule"';
  return [
    chart("Load balancer: requests/s by response class", [
      {
        filter: `metric.type="loadbalancing.googleapis.com/https/request_count" AND ${lb}`,
        aggregation: rate("REDUCE_SUM", ["metric.label.response_code_class"]),
      },
    ]),
    chart("Load balancer: total latency p95 (ms)", [
      {
        filter: `metric.type="loadbalancing.googleapis.com/https/total_latencies" AND ${lb}`,
        aggregation: percentile(95),
      },
    ]),
    chart("Cloud Armor: blocked requests/s", [
      {
        filter: `metric.type="networksecurity.googleapis.com/https/request_count" AND resource.type="network_security_policy" AND metric.label.blocked="true"`,
        aggregation: rate("REDUCE_SUM", ["resource.label.policy_name"]),
      },
    ]),
    chart("Firestore: document reads and writes/s", [
      {
        filter: 'metric.type="firestore.googleapis.com/document/read_count"',
        aggregation: rate(),
        legend: "reads",
      },
      {
        filter: 'metric.type="firestore.googleapis.com/document/write_count"',
        aggregation: rate(),
        legend: "writes",
      },
    ]),
  ];
}

/**
 * Drops what the Monitoring API drops: a field of 0 (proto3 default, e.g. a tile's `xPos`/`yPos`) and
 * an empty list come back absent, so the provider would show a diff on every `up` if the JSON held
 * them (https://github.com/hashicorp/terraform-provider-google/issues/16173).
 */
export function apiCanonical<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => apiCanonical(v)) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || v === 0 || (Array.isArray(v) && v.length === 0)) continue;
    out[key] = apiCanonical(v);
  }
  return out as T;
}

/** Lays widgets out three to a row, in the API's canonical form (no zero positions, no empty lists). */
export function dashboard(displayName: string, widgets: readonly Widget[]): Dashboard {
  const perRow = COLUMNS / TILE_WIDTH;
  return apiCanonical({
    displayName,
    mosaicLayout: {
      columns: COLUMNS,
      tiles: widgets.map((widget, i) => ({
        xPos: (i % perRow) * TILE_WIDTH,
        yPos: Math.floor(i / perRow) * TILE_HEIGHT,
        width: TILE_WIDTH,
        height: TILE_HEIGHT,
        widget,
      })),
    },
  });
}
