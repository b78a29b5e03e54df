/**
 * The Grafana dashboard says what the Cloud Monitoring dashboard says: for arbitrary widget lists built
 * with the model's constructors, and for the real prod and staging dashboards, every Cloud Monitoring
 * widget has a Grafana panel with the same title and place, and each data set a query with the same
 * filter (read back the way Grafana's backend reads it), aligner, reducer, grouping and alignment period;
 * SLO data sets query the same SLO; ratios divide the same numerator by the same denominator.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  chart,
  dashboard,
  platformWidgets,
  ratioChart,
  serviceWidgets,
  type Aggregation,
  type Dashboard,
  type Series,
  type Tile,
  type Widget,
} from "../../components/monitoring/dashboard-json";
import {
  aliasBy,
  dashboardUid,
  grafanaDashboard,
  refId,
  type GrafanaDashboard,
  type GrafanaTarget,
} from "../../components/monitoring/grafana-dashboard";
import { redisWidgets } from "../../components/monitoring/redis-signals";
import { ValidationError } from "../../components/shared/validation";
import { planOnce } from "../helpers/stack";
import { grafanaFilterString, grafanaSloFilter, juxtaposed } from "./dashboard-grafana-port";

const PROJECT = "module6-test-000000";

type CloudTarget = Extract<GrafanaTarget, { queryType: string }>;

/** `period` as the Monitoring API reads Grafana's `+60s`. */
const apiPeriod = (period: string | undefined): string | undefined => period?.replace(/^\+/, "");

/** One Cloud Monitoring series against the Grafana query that should show it. */
function expectSameSeries(target: GrafanaTarget | undefined, series: Series, where: string): void {
  expect(target, where).toBeDefined();
  const t = target as CloudTarget;
  const a = series.aggregation;
  if (series.filter.startsWith("select_slo_")) {
    expect(t.queryType, where).toBe("slo");
    if (t.queryType !== "slo") return;
    expect(grafanaSloFilter(t.sloQuery), where).toBe(series.filter);
    expect(apiPeriod(t.sloQuery.alignmentPeriod), where).toBe(a.alignmentPeriod);
    return;
  }
  expect(t.queryType, where).toBe("timeSeriesList");
  if (t.queryType !== "timeSeriesList") return;
  const q = t.timeSeriesList;
  expect(grafanaFilterString(q.filters), where).toBe(juxtaposed(series.filter));
  expect(q.perSeriesAligner, where).toBe(a.perSeriesAligner);
  expect(q.crossSeriesReducer, where).toBe(a.crossSeriesReducer ?? "REDUCE_NONE");
  expect(q.groupBys, where).toEqual(a.groupByFields ?? []);
  expect(apiPeriod(q.alignmentPeriod), where).toBe(a.alignmentPeriod);
  expect(q.projectName, where).toBe(PROJECT);
}

/** Every tile of the Cloud Monitoring JSON against its Grafana panel. */
function expectFaithful(cloud: Dashboard, grafana: GrafanaDashboard): void {
  // The API's canonical JSON leaves out empty lists: no tiles, or a chart without data sets.
  const tiles = (cloud.mosaicLayout as { tiles?: readonly Tile[] }).tiles ?? [];
  expect(grafana.panels).toHaveLength(tiles.length);
  expect(grafana.panels.map((p) => p.id)).toEqual(tiles.map((_, i) => i + 1));
  tiles.forEach((tile, i) => {
    const panel = grafana.panels[i];
    const where = `panel ${i + 1} (${tile.widget.title})`;
    expect(panel?.title, where).toBe(tile.widget.title);
    expect(panel?.type).toBe("timeseries");
    expect(panel?.gridPos, where).toEqual({
      x: (tile.xPos ?? 0) / 2,
      y: (tile.yPos ?? 0) / 2,
      w: tile.width / 2,
      h: tile.height / 2,
    });
    const targets = panel?.targets ?? [];
    const byRef = new Map(targets.map((t) => [t.refId, t]));
    expect(byRef.size, `${where}: unique refIds`).toBe(targets.length);
    const shown = targets.filter((t) => !("hide" in t && t.hide === true));
    const dataSets = tile.widget.xyChart.dataSets ?? [];
    expect(shown, where).toHaveLength(dataSets.length);
    let ratios = 0;
    dataSets.forEach((ds, j) => {
      const q = ds.timeSeriesQuery;
      const target = shown[j];
      if ("timeSeriesFilter" in q) {
        expectSameSeries(target, q.timeSeriesFilter, `${where} data set ${j}`);
        if (ds.legendTemplate !== undefined) expect((target as CloudTarget).aliasBy).toBe(ds.legendTemplate);
        return;
      }
      ratios++;
      expect(target && "type" in target ? target.type : undefined, where).toBe("math");
      const m = /^\$([A-Z]+) \/ \$([A-Z]+)$/.exec(target && "expression" in target ? target.expression : "");
      expect(m, `${where}: expression`).not.toBeNull();
      const [num, den] = [byRef.get(m?.[1] ?? ""), byRef.get(m?.[2] ?? "")];
      expect(num && "hide" in num && num.hide, `${where}: numerator hidden`).toBe(true);
      expect(den && "hide" in den && den.hide, `${where}: denominator hidden`).toBe(true);
      expectSameSeries(num, q.timeSeriesFilterRatio.numerator, `${where} numerator`);
      expectSameSeries(den, q.timeSeriesFilterRatio.denominator, `${where} denominator`);
    });
    // Nothing but the data sets and each ratio's two parts.
    expect(targets, where).toHaveLength(dataSets.length + 2 * ratios);
  });
}

/** Both dashboards of `widgets`, the Cloud Monitoring one as the API receives it (parsed back from JSON). */
function both(title: string, widgets: readonly Widget[]): { cloud: Dashboard; grafana: GrafanaDashboard } {
  const cloud = JSON.parse(JSON.stringify(dashboard(title, widgets))) as Dashboard;
  return { cloud, grafana: grafanaDashboard(title, widgets, { project: PROJECT }) };
}

// --- arbitraries: widgets built with the model's constructors -------------------------------------------

const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
/** Text between a filter's quotes: no bare quote or backslash, no '*', sometimes an escaped quote or " AND ". */
const quotedText = fc
  .array(fc.oneof(fc.stringMatching(/^[A-Za-z0-9 ./:_-]{1,8}$/), fc.constant('\\"'), fc.constant(" AND ")), {
    minLength: 1,
    maxLength: 4,
  })
  .map((parts) => parts.join(""))
  .filter((v) => v !== "AND");
const key = fc.oneof(
  fc.constantFrom(
    "metric.type",
    "resource.type",
    "resource.label.service_name",
    "metric.label.response_code_class",
  ),
  word.map((w) => `metric.label.${w}`),
  word.map((w) => `resource.label.${w}`),
);
const term = fc.oneof(
  fc.tuple(key, fc.constantFrom("=", "!="), quotedText).map(([k, op, v]) => `${k}${op}"${v}"`),
  fc
    .tuple(
      key,
      fc.constantFrom("=", "!="),
      fc.constantFrom("starts_with", "ends_with", "has_substring"),
      quotedText,
    )
    .map(([k, op, fn, v]) => `${k}${op}${fn}("${v}")`),
  fc
    .tuple(key, fc.constantFrom("=", "!="), fc.stringMatching(/^[a-z.*+|-]{1,10}$/))
    .filter(([, , re]) => re !== "AND")
    .map(([k, op, re]) => `${k}${op}monitoring.regex.full_match("${re}")`),
);
const filter = fc.array(term, { minLength: 1, maxLength: 5 }).map((terms) => terms.join(" AND "));
const aggregation: fc.Arbitrary<Aggregation> = fc.record(
  {
    alignmentPeriod: fc.oneof(
      fc.constantFrom("60s", "300s", "3600s"),
      fc.integer({ min: 60, max: 86_400 }).map((n) => `${n}s`),
    ),
    perSeriesAligner: fc.constantFrom(
      "ALIGN_RATE",
      "ALIGN_MEAN",
      "ALIGN_MAX",
      "ALIGN_SUM",
      "ALIGN_PERCENTILE_99",
      "ALIGN_DELTA",
    ),
    crossSeriesReducer: fc.constantFrom("REDUCE_SUM", "REDUCE_MAX", "REDUCE_MEAN", "REDUCE_PERCENTILE_95"),
    groupByFields: fc.array(key, { maxLength: 3 }),
  },
  { requiredKeys: ["alignmentPeriod", "perSeriesAligner"] },
);
const sloName = fc
  .tuple(fc.stringMatching(/^[a-z0-9-]{6,30}$/), word, word)
  .map(([p, s, o]) => `projects/${p}/services/${s}/serviceLevelObjectives/${o}`);
const series: fc.Arbitrary<Series> = fc.oneof(
  fc.record({ filter, aggregation }),
  fc.record({
    filter: fc
      .tuple(
        fc.constantFrom("select_slo_budget_fraction", "select_slo_health", "select_slo_compliance"),
        sloName,
      )
      .map(([selector, name]) => `${selector}("${name}")`),
    aggregation,
  }),
);
const title = fc.string({ minLength: 1, maxLength: 60 });
const widgets: fc.Arbitrary<Widget[]> = fc
  .array(
    fc.oneof(
      fc
        .tuple(
          title,
          fc.array(fc.tuple(series, fc.option(word, { nil: undefined })), { minLength: 1, maxLength: 4 }),
        )
        .map(([t, list]) => [
          chart(
            t,
            list.map(([s, legend]) => ({ ...s, ...(legend ? { legend } : {}) })),
          ),
        ]),
      fc.tuple(title, series, series).map(([t, n, d]) => [ratioChart(t, n, d)]),
      fc
        .record({
          name: word,
          cloudRunService: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
          slos: fc.dictionary(word, sloName, { minKeys: 1, maxKeys: 3 }),
        })
        .map(serviceWidgets),
      fc
        .stringMatching(/^projects\/[a-z0-9-]{6,30}\/locations\/[a-z0-9-]{3,20}\/instances\/[a-z0-9-]{1,20}$/)
        .map(redisWidgets),
      fc.constant(null).map(platformWidgets),
    ),
    { maxLength: 6 },
  )
  .map((groups) => groups.flat());

describe("grafanaDashboard: the Cloud Monitoring dashboard, panel for panel", () => {
  it("holds for arbitrary widget lists built with the model's constructors", () => {
    fc.assert(
      fc.property(title, widgets, (t, list) => {
        const { cloud, grafana } = both(t, list);
        expectFaithful(cloud, grafana);
      }),
      { numRuns: 150 },
    );
  });

  it("is deterministic: the same widgets give the same JSON, with a uid of at most 40 safe characters", () => {
    fc.assert(
      fc.property(title, widgets, (t, list) => {
        const first = JSON.stringify(grafanaDashboard(t, list, { project: PROJECT }));
        expect(JSON.stringify(grafanaDashboard(t, list, { project: PROJECT }))).toBe(first);
        expect(grafanaDashboard(t, list, { project: PROJECT }).uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
      }),
      { numRuns: 50 },
    );
  });
});

describe("grafanaDashboard: the real dashboards", () => {
  for (const stack of ["prod", "staging"]) {
    const { ofType } = planOnce(stack);
    it(`holds for ${stack}'s dashboard, SLOs and ratios included`, () => {
      const [resource] = ofType("gcp:monitoring/dashboard:Dashboard");
      const cloud = JSON.parse(String(resource?.inputs.dashboardJson)) as Dashboard;
      const grafana = grafanaDashboard(
        cloud.displayName,
        cloud.mosaicLayout.tiles.map((t) => t.widget),
        { project: PROJECT },
      );
      expectFaithful(cloud, grafana);
      const queries = grafana.panels.flatMap((p) => p.targets);
      // Each service's budget chart shows its SLOs; each service has a 5xx ratio.
      expect(queries.filter((q) => "queryType" in q && q.queryType === "slo").length).toBeGreaterThanOrEqual(
        6,
      );
      expect(queries.filter((q) => "type" in q && q.type === "math").length).toBeGreaterThanOrEqual(3);
      expect(grafana.title).toBe(`module6 ${stack}: service levels and golden signals`);
    });
  }
});

describe("grafanaDashboard: details", () => {
  const budget = chart("api: error budget remaining", [
    {
      filter:
        'select_slo_budget_fraction("projects/123456789012/services/m6-api/serviceLevelObjectives/availability")',
      aggregation: { alignmentPeriod: "3600s", perSeriesAligner: "ALIGN_MEAN" },
      legend: "availability",
    },
  ]);

  it("maps an SLO filter to an SLO query of the same project, service and SLO", () => {
    const [panel] = grafanaDashboard("t", [budget], { project: PROJECT }).panels;
    expect(panel?.targets).toEqual([
      {
        refId: "A",
        datasource: { type: "stackdriver", uid: "cloud-monitoring" },
        queryType: "slo",
        aliasBy: "availability",
        sloQuery: {
          projectName: "123456789012",
          selectorName: "select_slo_budget_fraction",
          serviceId: "m6-api",
          serviceName: "m6-api",
          sloId: "availability",
          sloName: "availability",
          alignmentPeriod: "+3600s",
          perSeriesAligner: "ALIGN_MEAN",
        },
      },
    ]);
  });

  it("keeps a burn-rate selector's lookback period", () => {
    const burn = chart("burn", [
      {
        filter: 'select_slo_burn_rate("projects/p-1/services/s/serviceLevelObjectives/o", "1h")',
        aggregation: { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MEAN" },
      },
    ]);
    const target = grafanaDashboard("t", [burn], { project: PROJECT }).panels[0]?.targets[0];
    expect(target && "sloQuery" in target ? target.sloQuery.lookbackPeriod : undefined).toBe("1h");
    expect(target && "sloQuery" in target ? grafanaSloFilter(target.sloQuery) : undefined).toBe(
      'select_slo_burn_rate("projects/p-1/services/s/serviceLevelObjectives/o", "1h")',
    );
  });

  it("divides a ratio's hidden numerator by its hidden denominator with a math expression", () => {
    const ratio = ratioChart(
      "api: 5xx ratio",
      {
        filter: 'metric.type="a" AND metric.label.c="5xx"',
        aggregation: {
          alignmentPeriod: "60s",
          perSeriesAligner: "ALIGN_RATE",
          crossSeriesReducer: "REDUCE_SUM",
        },
      },
      {
        filter: 'metric.type="a"',
        aggregation: {
          alignmentPeriod: "60s",
          perSeriesAligner: "ALIGN_RATE",
          crossSeriesReducer: "REDUCE_SUM",
        },
      },
    );
    const targets = grafanaDashboard("t", [budget, ratio], { project: PROJECT }).panels[1]?.targets ?? [];
    expect(targets.map((t) => [t.refId, "hide" in t ? t.hide : undefined])).toEqual([
      ["A", true],
      ["B", true],
      ["C", undefined],
    ]);
    expect(targets[2]).toEqual({
      refId: "C",
      datasource: { type: "__expr__", uid: "__expr__" },
      type: "math",
      expression: "$A / $B",
    });
  });

  it("lays the 48-column mosaic onto Grafana's 24 columns, three panels a row", () => {
    const list = Array.from({ length: 4 }, (_, i) => chart(`w${i}`, []));
    expect(grafanaDashboard("t", list, { project: PROJECT }).panels.map((p) => p.gridPos)).toEqual([
      { x: 0, y: 0, w: 8, h: 6 },
      { x: 8, y: 0, w: 8, h: 6 },
      { x: 16, y: 0, w: 8, h: 6 },
      { x: 0, y: 6, w: 8, h: 6 },
    ]);
  });

  it("derives a stable uid of at most 40 characters from the title", () => {
    const uid = dashboardUid("module6 prod: service levels and golden signals");
    expect(uid).toMatch(/^module6-prod-service-levels-and-[0-9a-f]{8}$/);
    expect(uid.length).toBeLessThanOrEqual(40);
    expect(dashboardUid("module6 prod: service levels and golden signals")).toBe(uid);
    expect(dashboardUid("module6 staging: service levels and golden signals")).not.toBe(uid);
    expect(dashboardUid("ÄÖÜ")).toMatch(/^[0-9a-f]{8}$/);
    expect(grafanaDashboard("t", [], { project: PROJECT, uid: "my-dash" }).uid).toBe("my-dash");
  });

  it("names queries A…Z, then AA, AB…", () => {
    expect([0, 1, 25, 26, 27, 51, 52].map(refId)).toEqual(["A", "B", "Z", "AA", "AB", "AZ", "BA"]);
  });

  it("writes Cloud Monitoring legend templates in Grafana's aliasBy syntax", () => {
    expect(aliasBy("p95")).toBe("p95");
    expect(aliasBy("${metric.labels.response_code_class} (${resource.labels.zone})")).toBe(
      "{{metric.label.response_code_class}} ({{resource.label.zone}})",
    );
  });

  it("stacks STACKED_AREA and STACKED_BAR data sets, and leaves lines alone", () => {
    const s = {
      filter: 'metric.type="a"',
      aggregation: { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MEAN" },
    };
    const w: Widget = {
      title: "mixed",
      xyChart: {
        dataSets: [
          { plotType: "LINE", timeSeriesQuery: { timeSeriesFilter: s } },
          { plotType: "STACKED_AREA", timeSeriesQuery: { timeSeriesFilter: s } },
          { plotType: "STACKED_BAR", timeSeriesQuery: { timeSeriesFilter: s } },
        ],
        yAxis: { label: "req/s", scale: "LINEAR" },
      },
    };
    const panel = grafanaDashboard("t", [w], { project: PROJECT }).panels[0];
    expect(panel?.fieldConfig.defaults).toEqual({ custom: { axisLabel: "req/s" } });
    expect(
      panel?.fieldConfig.overrides.map((o) => [o.matcher.options, o.properties.map((p) => p.id)]),
    ).toEqual([
      ["B", ["custom.stacking", "custom.fillOpacity"]],
      ["C", ["custom.stacking", "custom.fillOpacity", "custom.drawStyle"]],
    ]);
  });

  it("refuses a filter Grafana cannot hold, naming the widget and the reason", () => {
    const bad = chart("bad chart", [
      {
        filter: 'metric.type="a" OR metric.type="b"',
        aggregation: { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MEAN" },
      },
    ]);
    expect(() => grafanaDashboard("t", [budget, bad], { project: PROJECT })).toThrow(ValidationError);
    expect(() => grafanaDashboard("t", [budget, bad], { project: PROJECT })).toThrow(
      /widgets\[1\] \(bad chart\): got .*; a filter Grafana can hold: expected AND between terms/,
    );
  });

  it("refuses a bad uid, data source uid or an empty project", () => {
    expect(() =>
      grafanaDashboard("t", [], { project: " ", uid: "x".repeat(41), datasourceUid: "a b" }),
    ).toThrow(/3 problems[\s\S]*project: got " "[\s\S]*uid: got "x{41}"[\s\S]*datasourceUid: got "a b"/);
  });
});
