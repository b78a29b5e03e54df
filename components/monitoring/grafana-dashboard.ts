/**
 * The environment's dashboard for Grafana: a pure renderer from the same `Widget[]` the Cloud Monitoring
 * dashboard is built from (dashboard-json.ts, environment-widgets.ts) to a Grafana dashboard JSON whose
 * panels (`timeseries`) query Grafana's built-in Google Cloud Monitoring data source (plugin id
 * `stackdriver`). The query model is the data source's (grafana/grafana
 * public/app/plugins/datasource/cloud-monitoring/dataquery.cue @ 00b487a6cee7f974d413547d5601ef9d8ee90fcb):
 * - a `timeSeriesFilter` → a `timeSeriesList` query {projectName, filters, perSeriesAligner,
 *   crossSeriesReducer, alignmentPeriod, groupBys} (filters: grafana-filters.ts);
 * - a `select_slo_*("projects/P/services/S/serviceLevelObjectives/O")` filter → an `slo` query
 *   {projectName: P, serviceId: S, sloId: O, selectorName}, which Grafana's backend turns back into the
 *   same filter (pkg/tsdb/cloud-monitoring/slo_query.go `getFilter` @ 056e374cc33be3528c1e9ee94c37978c69915207);
 * - a `timeSeriesFilterRatio` → its numerator and denominator as two hidden `timeSeriesList` queries and a
 *   server-side math expression `$N / $D` (public/app/features/expressions/types.ts @ 02b4de5ff7c1271b2725a44171cc078d63da53a9;
 *   https://grafana.com/docs/grafana/latest/visualizations/panels-visualizations/query-transform-data/expression-queries/).
 *   Chosen over MQL (`timeSeriesQuery`: Google ended MQL support on 2025-07-22,
 *   https://cloud.google.com/monitoring/mql) and PromQL (`promQLQuery`: needs the metric and label names
 *   rewritten to Prometheus form, a translation of its own, while two `timeSeriesList` queries keep each
 *   side's filter, aligner, reducer and grouping exactly). Limitation: the expression divides the series
 *   whose labels match, and draws nothing while the numerator has no series (no 5xx at all).
 */
import { createHash } from "node:crypto";
import { ValidationError, show, type Problem } from "../shared/validation";
import { dashboard, type Aggregation, type DataSet, type Series, type Widget } from "./dashboard-json";
import { grafanaFilters, UnsupportedFilterError } from "./grafana-filters";

/** The plugin id of Grafana's built-in Google Cloud Monitoring data source. */
export const CLOUD_MONITORING_PLUGIN = "stackdriver";
/** The uid the provisioned Cloud Monitoring data source is given (components/grafana.ts provisions it). */
export const CLOUD_MONITORING_DATASOURCE_UID = "cloud-monitoring";
/**
 * The dashboard schema the JSON is written in; Grafana migrates an older schema forward when it loads a
 * dashboard (https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/).
 */
export const SCHEMA_VERSION = 39;
/** Grafana's grid is 24 columns wide (the Cloud Monitoring mosaic: 48). */
export const GRAFANA_COLUMNS = 24;

/** Options of {@link grafanaDashboard}. */
export interface GrafanaDashboardOptions {
  /** The project the Cloud Monitoring queries run against (the Cloud Monitoring dashboard's project). */
  readonly project: string;
  /**
   * The uid of the Cloud Monitoring data source the panels query.
   * @default "cloud-monitoring"
   */
  readonly datasourceUid?: string;
  /**
   * The dashboard's uid: at most 40 of letters, digits, `-` and `_` (grafana/grafana pkg/util/shortid_generator.go).
   * @default - the title folded to a slug (cut to 31 characters) and 8 hex digits of its SHA-256: stable across runs
   */
  readonly uid?: string;
  /**
   * Dashboard tags.
   * @default ["module6", "generated"]
   */
  readonly tags?: readonly string[];
}

/** A data source reference. */
export interface GrafanaDatasourceRef {
  readonly type: string;
  readonly uid: string;
}

/** The `timeSeriesList` sub-query. */
export interface GrafanaTimeSeriesList {
  readonly projectName: string;
  readonly filters: readonly string[];
  readonly perSeriesAligner: string;
  readonly crossSeriesReducer: string;
  readonly alignmentPeriod: string;
  readonly groupBys: readonly string[];
}

/** The `sloQuery` sub-query. */
export interface GrafanaSloQuery {
  readonly projectName: string;
  readonly selectorName: string;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly sloId: string;
  readonly sloName: string;
  readonly alignmentPeriod: string;
  readonly perSeriesAligner: string;
  readonly lookbackPeriod?: string;
}

/** A query of a panel: Cloud Monitoring (`timeSeriesList` or `slo`) or a math expression. */
export type GrafanaTarget =
  | {
      readonly refId: string;
      readonly datasource: GrafanaDatasourceRef;
      readonly queryType: "timeSeriesList";
      readonly timeSeriesList: GrafanaTimeSeriesList;
      readonly aliasBy?: string;
      readonly hide?: boolean;
    }
  | {
      readonly refId: string;
      readonly datasource: GrafanaDatasourceRef;
      readonly queryType: "slo";
      readonly sloQuery: GrafanaSloQuery;
      readonly aliasBy?: string;
      readonly hide?: boolean;
    }
  | {
      readonly refId: string;
      readonly datasource: GrafanaDatasourceRef;
      readonly type: "math";
      readonly expression: string;
    };

/** A field-config override of the series of one query. */
export interface GrafanaOverride {
  readonly matcher: { readonly id: "byFrameRefID"; readonly options: string };
  readonly properties: readonly { readonly id: string; readonly value: unknown }[];
}

/** A `timeseries` panel. */
export interface GrafanaPanel {
  readonly id: number;
  readonly type: "timeseries";
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource: GrafanaDatasourceRef;
  readonly targets: readonly GrafanaTarget[];
  readonly fieldConfig: {
    readonly defaults: { readonly custom?: { readonly axisLabel: string } };
    readonly overrides: readonly GrafanaOverride[];
  };
  readonly options: {
    readonly legend: {
      readonly displayMode: "list";
      readonly placement: "bottom";
      readonly showLegend: true;
    };
    readonly tooltip: { readonly mode: "multi"; readonly sort: "none" };
  };
}

/** A Grafana dashboard JSON (the subset this program writes). */
export interface GrafanaDashboard {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly timezone: "browser";
  readonly editable: false;
  readonly schemaVersion: number;
  readonly time: { readonly from: string; readonly to: string };
  readonly refresh: string;
  readonly panels: readonly GrafanaPanel[];
}

const UID = /^[A-Za-z0-9_-]{1,40}$/;

/** The stable uid of a dashboard title (≤ 40 characters). */
export function dashboardUid(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 31)
    .replace(/^-+|-+$/g, "");
  const hash = createHash("sha256").update(title, "utf8").digest("hex").slice(0, 8);
  return slug === "" ? hash : `${slug}-${hash}`;
}

/** Query reference ids: A … Z, then AA, AB, … */
export function refId(index: number): string {
  const letter = String.fromCharCode(65 + (index % 26));
  return index < 26 ? letter : `${refId(Math.floor(index / 26) - 1)}${letter}`;
}

/**
 * The alignment period as Grafana's editor writes it (`+60s`, public/app/plugins/datasource/cloud-monitoring/constants.ts
 * `ALIGNMENT_PERIODS` @ 002ca4fdcecb328977fd9c8c1bbc991465c5b46d); the backend passes it on as it is
 * (cloudmonitoring.go `calculateAlignmentPeriod`).
 */
function alignmentPeriod(period: string): string {
  return period.startsWith("+") ? period : `+${period}`;
}

/** The legend template in Grafana's `aliasBy` syntax: `${metric.labels.x}` → `{{metric.label.x}}`. */
export function aliasBy(legendTemplate: string): string {
  return legendTemplate.replace(/\$\{\s*([^}]+?)\s*\}/g, (_, name: string) => {
    return `{{${name.replace(/^(metric|resource)\.labels\./, "$1.label.")}}}`;
  });
}

/** The SLO time-series selectors (https://cloud.google.com/stackdriver/docs/solutions/slo-monitoring/api/timeseries-selectors). */
const SLO_SELECTOR =
  /^\s*(select_slo_health|select_slo_compliance|select_slo_budget_fraction|select_slo_burn_rate)\(\s*"projects\/([^/"]+)\/services\/([^/"]+)\/serviceLevelObjectives\/([^/"]+)"\s*(?:,\s*"([^"]+)"\s*)?\)\s*$/;

/** The SLO query of a `select_slo_*` filter, or undefined for any other filter. */
export function sloQuery(filter: string, aggregation: Aggregation): GrafanaSloQuery | undefined {
  const m = SLO_SELECTOR.exec(filter);
  if (!m) return undefined;
  const [, selectorName = "", projectName = "", serviceId = "", sloId = "", lookback] = m;
  if ((selectorName === "select_slo_burn_rate") !== (lookback !== undefined))
    throw new UnsupportedFilterError(filter, "select_slo_burn_rate takes a lookback period, the others none");
  return {
    projectName,
    selectorName,
    serviceId,
    serviceName: serviceId,
    sloId,
    sloName: sloId,
    alignmentPeriod: alignmentPeriod(aggregation.alignmentPeriod),
    perSeriesAligner: aggregation.perSeriesAligner,
    ...(lookback !== undefined ? { lookbackPeriod: lookback } : {}),
  };
}

/** One Cloud Monitoring query of a panel. */
function query(
  series: Series,
  ref: string,
  ctx: { readonly project: string; readonly datasource: GrafanaDatasourceRef },
  extra: { readonly aliasBy?: string; readonly hide?: boolean },
): GrafanaTarget {
  const slo = sloQuery(series.filter, series.aggregation);
  if (slo !== undefined)
    return { refId: ref, datasource: ctx.datasource, queryType: "slo", sloQuery: slo, ...extra };
  const a = series.aggregation;
  return {
    refId: ref,
    datasource: ctx.datasource,
    queryType: "timeSeriesList",
    timeSeriesList: {
      projectName: ctx.project,
      filters: grafanaFilters(series.filter),
      perSeriesAligner: a.perSeriesAligner,
      // The Monitoring API's default when the reducer is left out (Aggregation.crossSeriesReducer).
      crossSeriesReducer: a.crossSeriesReducer ?? "REDUCE_NONE",
      alignmentPeriod: alignmentPeriod(a.alignmentPeriod),
      groupBys: [...(a.groupByFields ?? [])],
    },
    ...extra,
  };
}

/** How a data set is drawn, as an override of its query's series (LINE is Grafana's default). */
function plotOverrides(dataSet: DataSet, ref: string): GrafanaOverride[] {
  const properties: { id: string; value: unknown }[] = [];
  if (dataSet.plotType !== "LINE") {
    properties.push({ id: "custom.stacking", value: { mode: "normal", group: "A" } });
    properties.push({ id: "custom.fillOpacity", value: 50 });
    if (dataSet.plotType === "STACKED_BAR") properties.push({ id: "custom.drawStyle", value: "bars" });
  }
  return properties.length > 0 ? [{ matcher: { id: "byFrameRefID", options: ref }, properties }] : [];
}

/** The queries and overrides of one widget. */
function panelQueries(
  widget: Widget,
  ctx: { readonly project: string; readonly datasource: GrafanaDatasourceRef },
): { targets: GrafanaTarget[]; overrides: GrafanaOverride[] } {
  const targets: GrafanaTarget[] = [];
  const overrides: GrafanaOverride[] = [];
  for (const dataSet of widget.xyChart.dataSets) {
    const legend = dataSet.legendTemplate !== undefined ? { aliasBy: aliasBy(dataSet.legendTemplate) } : {};
    const q = dataSet.timeSeriesQuery;
    if ("timeSeriesFilter" in q) {
      const ref = refId(targets.length);
      targets.push(query(q.timeSeriesFilter, ref, ctx, legend));
      overrides.push(...plotOverrides(dataSet, ref));
      continue;
    }
    const [num, den, ratio] = [0, 1, 2].map((i) => refId(targets.length + i)) as [string, string, string];
    const { numerator, denominator } = q.timeSeriesFilterRatio;
    targets.push(query(numerator, num, ctx, { hide: true }));
    targets.push(query(denominator, den, ctx, { hide: true }));
    targets.push({
      refId: ratio,
      datasource: { type: "__expr__", uid: "__expr__" },
      type: "math",
      expression: `$${num} / $${den}`,
    });
    overrides.push(...plotOverrides(dataSet, ratio));
    if (dataSet.legendTemplate !== undefined)
      overrides.push({
        matcher: { id: "byFrameRefID", options: ratio },
        properties: [{ id: "displayName", value: dataSet.legendTemplate }],
      });
  }
  return { targets, overrides };
}

/** Checks the options; throws one `ValidationError` naming every problem. */
export function validateGrafanaDashboardOptions(opts: GrafanaDashboardOptions): void {
  const problems: Problem[] = [];
  if (opts.project.trim() === "")
    problems.push({ path: "project", value: show(opts.project), allowed: "a project id" });
  if (opts.uid !== undefined && !UID.test(opts.uid))
    problems.push({ path: "uid", value: show(opts.uid), allowed: "1-40 of letters, digits, '-' and '_'" });
  if (opts.datasourceUid !== undefined && !UID.test(opts.datasourceUid))
    problems.push({
      path: "datasourceUid",
      value: show(opts.datasourceUid),
      allowed: "1-40 of letters, digits, '-' and '_'",
    });
  if (problems.length > 0) throw new ValidationError("grafanaDashboard", problems);
}

/**
 * The Grafana dashboard of `widgets`: one `timeseries` panel per widget, in the Cloud Monitoring
 * dashboard's grid order and places (its 48-column mosaic halved onto Grafana's 24 columns), panel ids
 * 1…n and a uid stable across runs. Throws a `ValidationError` naming the widget when a filter has no
 * Grafana form.
 */
export function grafanaDashboard(
  title: string,
  widgets: readonly Widget[],
  opts: GrafanaDashboardOptions,
): GrafanaDashboard {
  validateGrafanaDashboardOptions(opts);
  const datasource = {
    type: CLOUD_MONITORING_PLUGIN,
    uid: opts.datasourceUid ?? CLOUD_MONITORING_DATASOURCE_UID,
  };
  const ctx = { project: opts.project, datasource };
  const mosaic = dashboard(title, widgets).mosaicLayout;
  const scale = GRAFANA_COLUMNS / mosaic.columns;
  // Places from the mosaic; the widgets themselves as given (the mosaic's JSON drops empty lists).
  const tiles = widgets.map((widget, i) => ({ ...mosaic.tiles[i], widget }));
  const problems: Problem[] = [];
  const panels = tiles.flatMap((tile, i): GrafanaPanel[] => {
    let queries: ReturnType<typeof panelQueries>;
    try {
      queries = panelQueries(tile.widget, ctx);
    } catch (e) {
      if (!(e instanceof UnsupportedFilterError)) throw e;
      problems.push({
        path: `widgets[${i}] (${tile.widget.title})`,
        value: show(e.filter),
        allowed: `a filter Grafana can hold: ${e.reason}`,
      });
      return [];
    }
    const yLabel = tile.widget.xyChart.yAxis?.label;
    return [
      {
        id: i + 1,
        type: "timeseries",
        title: tile.widget.title,
        gridPos: {
          x: (tile.xPos ?? 0) * scale,
          y: (tile.yPos ?? 0) * scale,
          w: (tile.width ?? 0) * scale,
          h: (tile.height ?? 0) * scale,
        },
        datasource,
        targets: queries.targets,
        fieldConfig: {
          defaults: yLabel !== undefined ? { custom: { axisLabel: yLabel } } : {},
          overrides: queries.overrides,
        },
        options: {
          legend: { displayMode: "list", placement: "bottom", showLegend: true },
          tooltip: { mode: "multi", sort: "none" },
        },
      },
    ];
  });
  if (problems.length > 0) throw new ValidationError("grafanaDashboard", problems);
  return {
    uid: opts.uid ?? dashboardUid(title),
    title,
    tags: [...(opts.tags ?? ["module6", "generated"])],
    timezone: "browser",
    editable: false,
    schemaVersion: SCHEMA_VERSION,
    time: { from: "now-6h", to: "now" },
    refresh: "1m",
    panels,
  };
}
