import * as gcp from "@pulumi/gcp";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ServiceMonitoring,
  validateServiceMonitoringArgs,
  type ServiceMonitoringArgs,
} from "../../components/service-monitoring";
import { ValidationError } from "../../components/shared/validation";
import type { RecordedResource } from "../../plan/record";
import { serviceLevels } from "../../plan/service-levels";
import {
  commonArgs,
  expectProps,
  installMocks,
  named,
  onlyOfType,
  record,
  recordOnce,
  resourcesOfType,
  valueOf,
} from "../helpers/pulumi";

const SERVICE = "gcp:monitoring/genericService:GenericService";
const SLO = "gcp:monitoring/slo:Slo";
const POLICY = "gcp:monitoring/alertPolicy:AlertPolicy";
const UPTIME = "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig";

const PAGE = ["projects/module6-test-000000/notificationChannels/111"];
const TICKET = [
  "projects/module6-test-000000/notificationChannels/222",
  "projects/module6-test-000000/notificationChannels/333",
];
const RUN_SERVICE = "m6-test-api";
const SLO_PREFIX = "projects/000000000000/services/m6-test-api/serviceLevelObjectives";

/** Valid args: the api service, no load balancer, no uptime check. */
function baseArgs(overrides: Partial<ServiceMonitoringArgs> = {}): ServiceMonitoringArgs {
  return {
    ...commonArgs(),
    name: "api",
    cloudRunService: RUN_SERVICE,
    location: "asia-northeast3",
    routing: { page: PAGE, ticket: TICKET },
    ...overrides,
  };
}

type Obj = Record<string, unknown>;
type Condition = { displayName: string; conditionThreshold: Obj };
const conditionsOf = (policy: RecordedResource): Condition[] => policy.inputs.conditions as Condition[];

beforeAll(async () => {
  await installMocks();
});

const defaults = recordOnce(() => new ServiceMonitoring("sm-defaults", baseArgs()));
const full = recordOnce(
  () =>
    new ServiceMonitoring(
      "sm-full",
      baseArgs({
        availabilityGoal: 0.99,
        latencyGoal: 0.9,
        latencyThresholdMs: 350,
        periodDays: 28,
        backendServiceName: "m6-test-api-backend",
        uptime: { host: "app.example.com", path: "/api/health" },
      }),
    ),
);

/** The window pairs: alert id suffix, long and short windows, urgency. */
const WINDOWS = [
  ["fast", "3600s", "300s", "page"],
  ["slow", "21600s", "1800s", "page"],
  ["ticket", "86400s", "7200s", "ticket"],
] as const;
/** Burn-rate thresholds by period (days) and window pair: 2 %, 5 % and 10 % of the budget. */
const THRESHOLDS: Record<number, Record<string, number>> = {
  30: { fast: 14.4, slow: 6, ticket: 3 },
  28: { fast: 13.44, slow: 5.6, ticket: 2.8 },
};

describe("ServiceMonitoring: service and SLOs", () => {
  it("creates a Cloud Run GenericService for the service", async () => {
    const { resources } = await defaults();
    const service = onlyOfType(resources, SERVICE);
    expectProps(service, {
      project: "module6-test-000000",
      serviceId: "m6-test-api",
      basicService: {
        serviceType: "CLOUD_RUN",
        serviceLabels: { service_name: RUN_SERVICE, location: "asia-northeast3" },
      },
    });
  });

  it("creates availability and latency SLOs with the default goals over 30 days", async () => {
    const { result, resources } = await defaults();
    const slos = resourcesOfType(resources, SLO);
    expect(slos.map((s) => s.inputs.sloId).sort()).toEqual(["availability", "latency"]);

    const availability = named(resources, SLO, "sm-defaults-availability");
    expectProps(availability, { service: "m6-test-api", goal: 0.999, rollingPeriodDays: 30 });
    const ratio = (availability.inputs.requestBasedSli as Obj).goodTotalRatio as Obj;
    const good = String(ratio.goodServiceFilter);
    const total = String(ratio.totalServiceFilter);
    for (const filter of [good, total]) {
      expect(filter).toContain('metric.type="run.googleapis.com/request_count"');
      expect(filter).toContain('resource.type="cloud_run_revision"');
      expect(filter).toContain(`resource.label.service_name="${RUN_SERVICE}"`);
    }
    expect(good).toContain('metric.label.response_code_class!="5xx"');
    expect(total).not.toContain("response_code_class");

    const latency = named(resources, SLO, "sm-defaults-latency");
    expectProps(latency, { goal: 0.95, rollingPeriodDays: 30 });
    const cut = (latency.inputs.requestBasedSli as Obj).distributionCut as Obj;
    expect(String(cut.distributionFilter)).toContain('metric.type="run.googleapis.com/request_latencies"');
    expect(String(cut.distributionFilter)).toContain(`resource.label.service_name="${RUN_SERVICE}"`);
    expect(cut.range).toEqual({ min: 0, max: 200 });

    expect(result.slos.map((s) => [s.id, s.goal, s.periodDays])).toEqual([
      ["availability", 0.999, 30],
      ["latency", 0.95, 30],
    ]);
    expect(await valueOf(result.slos[0]!.name)).toBe(`${SLO_PREFIX}/availability`);
  });

  it("honours custom goals, latency threshold and period", async () => {
    const { resources } = await full();
    expectProps(named(resources, SLO, "sm-full-availability"), { goal: 0.99, rollingPeriodDays: 28 });
    const latency = named(resources, SLO, "sm-full-latency");
    expectProps(latency, { goal: 0.9, rollingPeriodDays: 28 });
    expect(((latency.inputs.requestBasedSli as Obj).distributionCut as Obj).range).toEqual({
      min: 0,
      max: 350,
    });
  });

  it("adds a load-balancer availability SLO only when the backend service is given", async () => {
    expect(resourcesOfType((await defaults()).resources, SLO).map((s) => s.inputs.sloId)).not.toContain(
      "lb-availability",
    );
    const { result, resources } = await full();
    expect(resourcesOfType(resources, SLO)).toHaveLength(3);
    const lb = named(resources, SLO, "sm-full-lb-availability");
    expectProps(lb, { sloId: "lb-availability", goal: 0.99, rollingPeriodDays: 28 });
    const ratio = (lb.inputs.requestBasedSli as Obj).goodTotalRatio as Obj;
    for (const filter of [String(ratio.goodServiceFilter), String(ratio.totalServiceFilter)]) {
      expect(filter).toContain('metric.type="loadbalancing.googleapis.com/https/request_count"');
      expect(filter).toContain('resource.type="https_lb_rule"');
      expect(filter).toContain('resource.label.backend_target_name="m6-test-api-backend"');
    }
    expect(String(ratio.goodServiceFilter)).toContain("response_code_class");
    expect(String(ratio.totalServiceFilter)).not.toContain("response_code_class");
    expect(result.slos.map((s) => s.id)).toEqual(["availability", "latency", "lb-availability"]);
  });
});

describe("ServiceMonitoring: burn-rate alerts", () => {
  it.each([
    ["30 days (defaults)", defaults, "sm-defaults", ["availability", "latency"], 30],
    ["28 days", full, "sm-full", ["availability", "latency", "lb-availability"], 28],
  ] as const)(
    "creates three AND-combined policies per SLO over %s",
    async (_case, build, prefix, ids, days) => {
      const { resources } = await build();
      const burn = resourcesOfType(resources, POLICY).filter((p) =>
        conditionsOf(p).some((c) => String(c.conditionThreshold?.filter).includes("select_slo_burn_rate")),
      );
      expect(burn).toHaveLength(ids.length * 3);
      for (const id of ids) {
        const sloName = `${SLO_PREFIX}/${id}`;
        for (const [window, long, short, urgency] of WINDOWS) {
          const policy = named(resources, POLICY, `${prefix}-${id}-${window}`);
          const threshold = THRESHOLDS[days]?.[window];
          expectProps(policy, { combiner: "AND", enabled: true, userLabels: { slo: id, urgency } });
          const conditions = conditionsOf(policy);
          expect(conditions).toHaveLength(2);
          expect(conditions.map((c) => c.conditionThreshold.filter)).toEqual([
            `select_slo_burn_rate("${sloName}", "${long}")`,
            `select_slo_burn_rate("${sloName}", "${short}")`,
          ]);
          for (const c of conditions) {
            expect(c.conditionThreshold.comparison).toBe("COMPARISON_GT");
            expect(c.conditionThreshold.thresholdValue).toBe(threshold);
          }
          expect(policy.inputs.notificationChannels).toEqual(urgency === "page" ? PAGE : TICKET);
        }
      }
    },
  );

  it("uses 14.4 / 6 / 3 over 30 days and 13.44 / 5.6 / 2.8 over 28 days", async () => {
    const value = (r: RecordedResource) => conditionsOf(r)[0]!.conditionThreshold.thresholdValue;
    const d = (await defaults()).resources;
    expect(
      ["fast", "slow", "ticket"].map((w) => value(named(d, POLICY, `sm-defaults-latency-${w}`))),
    ).toEqual([14.4, 6, 3]);
    const f = (await full()).resources;
    expect(
      ["fast", "slow", "ticket"].map((w) => value(named(f, POLICY, `sm-full-availability-${w}`))),
    ).toEqual([13.44, 5.6, 2.8]);
  });

  it("leaves out a window pair whose threshold would be 1 (10 days: the 1-day pair)", async () => {
    const { resources } = await record(() => new ServiceMonitoring("sm-ten", baseArgs({ periodDays: 10 })));
    const burn = resourcesOfType(resources, POLICY)
      .filter((p) => conditionsOf(p).some((c) => String(c.conditionThreshold.filter).includes("burn_rate")))
      .map((p) => [p.name, conditionsOf(p)[0]?.conditionThreshold.thresholdValue]);
    expect(burn).toEqual([
      ["sm-ten-availability-fast", 4.8],
      ["sm-ten-availability-slow", 2],
      ["sm-ten-latency-fast", 4.8],
      ["sm-ten-latency-slow", 2],
    ]);
  });

  it("gives every alert policy a channel, enabled, and markdown documentation", async () => {
    for (const build of [defaults, full]) {
      const { resources } = await build();
      const policies = resourcesOfType(resources, POLICY);
      expect(policies.length).toBeGreaterThan(0);
      for (const policy of policies) {
        expect((policy.inputs.notificationChannels as unknown[]).length, policy.name).toBeGreaterThanOrEqual(
          1,
        );
        expect(policy.inputs.enabled, policy.name).toBe(true);
        const doc = policy.inputs.documentation as { mimeType: string; content: string };
        expect(doc.mimeType, policy.name).toBe("text/markdown");
        expect(doc.content, policy.name).toContain("What fired");
        expect(doc.content, policy.name).toMatch(/^1\. .+\n2\. .+\n3\. .+$/m);
        expect(doc.content, policy.name).toContain("https://console.cloud.google.com/monitoring/dashboards");
        expect(doc.content, policy.name).toContain("https://console.cloud.google.com/logs/query");
        expect(doc.content, policy.name).toContain("module6-test-000000");
      }
    }
  });

  it("routes pages and tickets to their channels", async () => {
    const { resources } = await defaults();
    const policies = resourcesOfType(resources, POLICY);
    const page = policies.filter((p) => (p.inputs.userLabels as Obj).urgency === "page");
    const ticket = policies.filter((p) => (p.inputs.userLabels as Obj).urgency === "ticket");
    expect(page).toHaveLength(4);
    expect(ticket).toHaveLength(2);
    for (const p of page) expect(p.inputs.notificationChannels).toEqual(PAGE);
    for (const p of ticket) expect(p.inputs.notificationChannels).toEqual(TICKET);
  });
});

describe("ServiceMonitoring: uptime check", () => {
  it("checks the route over HTTPS with SSL validation from three regions every minute", async () => {
    const { result, resources } = await full();
    const check = onlyOfType(resources, UPTIME);
    expectProps(check, {
      period: "60s",
      httpCheck: { path: "/api/health", port: 443, useSsl: true, validateSsl: true },
      monitoredResource: { type: "uptime_url", labels: { host: "app.example.com" } },
    });
    expect((check.inputs.selectedRegions as string[]).length).toBeGreaterThanOrEqual(3);
    expect(result.uptimeCheck).toBeDefined();
  });

  it("pages when the check fails from two or more regions", async () => {
    const { resources } = await full();
    const checkId = onlyOfType(resources, UPTIME).outputs.uptimeCheckId as string;
    expect(checkId).toBeTruthy();
    const policy = named(resources, POLICY, "sm-full-uptime-failing");
    const [condition] = conditionsOf(policy);
    expect(conditionsOf(policy)).toHaveLength(1);
    expect(condition!.conditionThreshold).toMatchObject({
      comparison: "COMPARISON_GT",
      thresholdValue: 1,
      aggregations: [{ crossSeriesReducer: "REDUCE_COUNT_FALSE" }],
    });
    const filter = String(condition!.conditionThreshold.filter);
    expect(filter).toContain("uptime_check/check_passed");
    expect(filter).toContain(`metric.label.check_id="${checkId}"`);
    expect(policy.inputs.notificationChannels).toEqual(PAGE);
  });

  it("opens a ticket when the certificate expires in under 14 days", async () => {
    const { resources } = await full();
    const checkId = onlyOfType(resources, UPTIME).outputs.uptimeCheckId as string;
    const policy = named(resources, POLICY, "sm-full-cert-expiry");
    const [condition] = conditionsOf(policy);
    expect(condition!.conditionThreshold).toMatchObject({ comparison: "COMPARISON_LT", thresholdValue: 14 });
    const filter = String(condition!.conditionThreshold.filter);
    expect(filter).toContain("uptime_check/time_until_ssl_cert_expires");
    expect(filter).toContain(`metric.label.check_id="${checkId}"`);
    expect(policy.inputs.notificationChannels).toEqual(TICKET);
  });

  it("honours a custom period and regions", async () => {
    const { resources } = await record(
      () =>
        new ServiceMonitoring(
          "sm-uptime-custom",
          baseArgs({
            uptime: {
              host: "www.example.com",
              path: "/",
              periodSeconds: 300,
              regions: ["USA", "EUROPE", "SOUTH_AMERICA", "ASIA_PACIFIC"],
            },
          }),
        ),
    );
    const check = onlyOfType(resources, UPTIME);
    expectProps(check, { period: "300s", httpCheck: { path: "/" } });
    expect(check.inputs.selectedRegions).toEqual(["USA", "EUROPE", "SOUTH_AMERICA", "ASIA_PACIFIC"]);
  });

  it("creates no uptime check and no uptime alerts without uptime", async () => {
    const { result, resources } = await defaults();
    expect(resourcesOfType(resources, UPTIME)).toHaveLength(0);
    const names = resourcesOfType(resources, POLICY).map((p) => p.name);
    expect(names).not.toContain("sm-defaults-uptime-failing");
    expect(names).not.toContain("sm-defaults-cert-expiry");
    expect(names).toHaveLength(6);
    expect(result.uptimeCheck).toBeUndefined();
    expect(result.alertPolicies).toHaveLength(6);
  });

  it("parents every resource to the component", async () => {
    const { resources } = await full();
    const component = onlyOfType(resources, "module6:monitoring:ServiceMonitoring");
    for (const r of resources.filter((x) => x.custom)) expect(r.parent, r.name).toBe(component.urn);
  });
});

describe("validateServiceMonitoringArgs", () => {
  it("accepts the base args and a full configuration", () => {
    expect(() => validateServiceMonitoringArgs(baseArgs())).not.toThrow();
    expect(() => validateServiceMonitoringArgs(baseArgs({ latencyThresholdMs: 60_000 }))).not.toThrow();
    expect(() =>
      validateServiceMonitoringArgs(
        baseArgs({ availabilityGoal: 0.9995, periodDays: 1, uptime: { host: "a.example.com", path: "/x" } }),
      ),
    ).not.toThrow();
  });

  it.each([
    ["availability goal 1", { availabilityGoal: 1 }, /availabilityGoal: got 1; a share between 0 and 1/],
    ["availability goal 0", { availabilityGoal: 0 }, /availabilityGoal: got 0; a share between 0 and 1/],
    ["latency goal 1.2", { latencyGoal: 1.2 }, /latencyGoal: got 1\.2; a share between 0 and 1/],
    ["latency threshold 0", { latencyThresholdMs: 0 }, /latencyThresholdMs: got 0; milliseconds above 0/],
    ["latency threshold -5", { latencyThresholdMs: -5 }, /latencyThresholdMs: got -5; milliseconds above 0/],
    [
      "latency threshold 60001",
      { latencyThresholdMs: 60_001 },
      /latencyThresholdMs: got 60001; .*at most 60000/,
    ],
    ["period 0", { periodDays: 0 }, /periodDays: got 0; whole days 1-30/],
    ["period 31", { periodDays: 31 }, /periodDays: got 31; whole days 1-30/],
    [
      "empty page routing",
      { routing: { page: [], ticket: TICKET } },
      /routing\.page: got \[\]; at least one/,
    ],
    [
      "empty ticket routing",
      { routing: { page: PAGE, ticket: [] } },
      /routing\.ticket: got \[\]; at least one/,
    ],
    [
      "uptime with 2 regions",
      { uptime: { host: "a.example.com", path: "/", regions: ["USA", "EUROPE"] } },
      /uptime\.regions: got \["USA","EUROPE"\]; at least three checker regions/,
    ],
    [
      "uptime period 45",
      { uptime: { host: "a.example.com", path: "/", periodSeconds: 45 } },
      /uptime\.periodSeconds: got 45; one of 60, 300, 600, 900/,
    ],
    [
      "a bad uptime path",
      { uptime: { host: "a.example.com", path: "health" } },
      /uptime\.path: got "health"; an absolute URL path/,
    ],
    [
      "an uptime path ending in z (reserved by Cloud Run)",
      { uptime: { host: "a.example.com", path: "/api/healthz" } },
      /uptime\.path: got "\/api\/healthz"; an absolute URL path such as \/health, not ending in 'z'/,
    ],
    [
      "an unknown uptime region",
      { uptime: { host: "a.example.com", path: "/", regions: ["USA", "EUROPE", "MARS"] } },
      /uptime\.regions\[2\]: got "MARS"; one of /,
    ],
  ] as [string, Partial<ServiceMonitoringArgs>, RegExp][])("rejects %s", (_case, bad, message) => {
    const args = baseArgs(bad);
    expect(() => validateServiceMonitoringArgs(args)).toThrow(ValidationError);
    expect(() => validateServiceMonitoringArgs(args)).toThrow(/^ServiceMonitoring "api": 1 problem\n/);
    expect(() => validateServiceMonitoringArgs(args)).toThrow(message);
  });

  it("reports every problem at once and creates nothing", async () => {
    const { resources } = await record(() => {
      let caught: unknown;
      try {
        new ServiceMonitoring("sm-invalid", baseArgs({ availabilityGoal: 1, periodDays: 31 }));
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).problems.map((p) => p.path)).toEqual([
        "availabilityGoal",
        "periodDays",
      ]);
    });
    expect(resources).toHaveLength(0);
  });
});

describe("ServiceMonitoring in the plan's service levels", () => {
  it("reads back every SLO with its goal, window and formula thresholds", async () => {
    const { resources } = await full();
    const rows = serviceLevels(resources);
    expect(rows.map((r) => [r.service, r.slo, r.goal, r.periodDays])).toEqual([
      ["api", "availability", 0.99, 28],
      ["api", "latency < 350 ms", 0.9, 28],
      ["api", "lb-availability", 0.99, 28],
    ]);
    for (const row of rows) {
      expect(row.alerts).toEqual(["13.44× 1h/5m → page", "5.6× 6h/30m → page", "2.8× 24h/2h → ticket"]);
      expect(row.channels).toEqual([...PAGE, ...TICKET]);
    }
  });
});

// Point 19: a service in several regions is watched as one service covering every region.
describe("ServiceMonitoring: a service in several regions", () => {
  const CUSTOM = "gcp:monitoring/customService:CustomService";
  const twoRegions = recordOnce(() => {
    const second = new gcp.cloudrunv2.Service("sm-multi-ne1", {
      location: "asia-northeast1",
      name: RUN_SERVICE,
      template: { containers: [{ image: "asia-northeast3-docker.pkg.dev/p/r/api:1.0.0" }] },
    });
    return new ServiceMonitoring(
      "sm-multi",
      baseArgs({
        regions: [
          { location: "asia-northeast3", service: RUN_SERVICE },
          { location: "asia-northeast1", service: second.name },
        ],
      }),
    );
  });

  it("creates one custom service, no single-region basic service, depending on every region's service", async () => {
    const { resources } = await twoRegions();
    expect(resourcesOfType(resources, SERVICE)).toHaveLength(0);
    const custom = onlyOfType(resources, CUSTOM);
    expectProps(custom, {
      serviceId: "m6-test-api",
      displayName: "api (Cloud Run m6-test-api in asia-northeast3, asia-northeast1)",
    });
    expect(custom.inputs).not.toHaveProperty("basicService");
    expect(custom.dependencies).toContain(onlyOfType(resources, "gcp:cloudrunv2/service:Service").urn);
  });

  it("counts requests of every region in each SLO", async () => {
    const { resources } = await twoRegions();
    const regions =
      '(resource.label.location="asia-northeast3" OR resource.label.location="asia-northeast1")';
    const availability = named(resources, SLO, "sm-multi-availability");
    const ratio = (availability.inputs.requestBasedSli as Obj).goodTotalRatio as Obj;
    expect(ratio.totalServiceFilter).toBe(
      `metric.type="run.googleapis.com/request_count" AND resource.type="cloud_run_revision" AND resource.label.service_name="m6-test-api" AND ${regions}`,
    );
    const latency = named(resources, SLO, "sm-multi-latency");
    expect(
      String(((latency.inputs.requestBasedSli as Obj).distributionCut as Obj).distributionFilter),
    ).toContain(regions);
  });

  it("refuses regions that do not start with the location or repeat one", () => {
    expect(() =>
      validateServiceMonitoringArgs(
        baseArgs({
          regions: [
            { location: "asia-northeast1", service: RUN_SERVICE },
            { location: "asia-northeast1", service: RUN_SERVICE },
          ],
        }),
      ),
    ).toThrow(
      /regions: got \["asia-northeast1","asia-northeast1"\]; distinct regions, the first being location/,
    );
  });
});
