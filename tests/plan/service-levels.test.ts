import { describe, expect, it } from "vitest";
import type { RecordedResource } from "../../plan/record";
import {
  serviceLevels,
  serviceLevelsMarkdown,
  serviceLevelsText,
  type ServiceLevelRow,
} from "../../plan/service-levels";

const SLO = "gcp:monitoring/slo:Slo";
const POLICY = "gcp:monitoring/alertPolicy:AlertPolicy";
const CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel";

const PAGER = "projects/p/notificationChannels/1";
const SLACK = "projects/p/notificationChannels/2";
const EMAIL = "projects/p/notificationChannels/3";

/** A recorded resource with only what matters here. */
function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<RecordedResource> = {},
): RecordedResource {
  return {
    urn: `urn:pulumi:test::module6::${type}::${name}`,
    type,
    name,
    custom: true,
    inputs,
    outputs: { ...inputs },
    dependencies: [],
    propertyDependencies: {},
    protect: false,
    retainOnDelete: false,
    ignoreChanges: [],
    additionalSecretOutputs: [],
    external: false,
    ...extra,
  };
}

const sloName = (service: string, id: string) =>
  `projects/000000000000/services/m6-prod-${service}/serviceLevelObjectives/${id}`;

function slo(
  service: string,
  id: string,
  goal: number,
  periodDays: number,
  latencyMs?: number,
): RecordedResource {
  return resource(SLO, `${service}-${id}`, {
    service: `m6-prod-${service}`,
    sloId: id,
    goal,
    rollingPeriodDays: periodDays,
    requestBasedSli:
      latencyMs === undefined
        ? { goodTotalRatio: { goodServiceFilter: "good", totalServiceFilter: "total" } }
        : { distributionCut: { distributionFilter: "latency", range: { min: 0, max: latencyMs } } },
    userLabels: { service, slo: id, component: "monitoring" },
  });
}

function burnPolicy(
  service: string,
  id: string,
  window: string,
  threshold: number,
  longSeconds: number,
  shortSeconds: number,
  urgency: "page" | "ticket",
  channels: string[],
): RecordedResource {
  const condition = (seconds: number) => ({
    displayName: `${id} burn rate over ${seconds / 60} min > ${threshold}`,
    conditionThreshold: {
      filter: `select_slo_burn_rate("${sloName(service, id)}", "${seconds}s")`,
      comparison: "COMPARISON_GT",
      thresholdValue: threshold,
    },
  });
  return resource(POLICY, `${service}-${id}-${window}`, {
    combiner: "AND",
    conditions: [condition(longSeconds), condition(shortSeconds)],
    notificationChannels: channels,
    userLabels: { service, slo: id, urgency },
  });
}

function channel(name: string, id: string, displayName: string): RecordedResource {
  return resource(CHANNEL, name, { displayName, type: "email" }, { id, outputs: { displayName, name: id } });
}

/** Three burn-rate policies for an SLO over 30 days. */
function thirtyDayPolicies(
  service: string,
  id: string,
  page: string[],
  ticket: string[],
): RecordedResource[] {
  return [
    burnPolicy(service, id, "fast", 14.4, 3600, 300, "page", page),
    burnPolicy(service, id, "slow", 6, 21600, 1800, "page", page),
    burnPolicy(service, id, "ticket", 3, 86400, 7200, "ticket", ticket),
  ];
}

const PROD: RecordedResource[] = [
  channel("pm-oncall", PAGER, "prod oncall"),
  channel("pm-alerts", SLACK, "prod alerts"),
  channel("pm-ops", EMAIL, "prod ops"),
  // Unrelated resources are ignored.
  resource("gcp:monitoring/genericService:GenericService", "api", { serviceId: "m6-prod-api" }),
  resource(POLICY, "pm-iam-policy-changes", {
    conditions: [{ conditionThreshold: { filter: 'metric.type="logging.googleapis.com/user/x"' } }],
    notificationChannels: [EMAIL],
    userLabels: { urgency: "ticket" },
  }),
  // Web first, to check the ordering.
  slo("web", "availability", 0.99, 28),
  burnPolicy("web", "availability", "fast", 13.44, 3600, 300, "page", [EMAIL]),
  burnPolicy("web", "availability", "slow", 5.6, 21600, 1800, "page", [EMAIL]),
  burnPolicy("web", "availability", "ticket", 2.8, 86400, 7200, "ticket", [EMAIL]),
  slo("api", "latency", 0.95, 30, 200),
  ...thirtyDayPolicies("api", "latency", [PAGER, SLACK], [EMAIL]),
  slo("api", "availability", 0.999, 30),
  ...thirtyDayPolicies("api", "availability", [PAGER, SLACK], [EMAIL]),
];

describe("serviceLevels", () => {
  const rows = serviceLevels(PROD);

  it("has one row per SLO, in service then SLO order", () => {
    expect(rows.map((r) => [r.service, r.slo])).toEqual([
      ["api", "availability"],
      ["api", "latency < 200 ms"],
      ["web", "availability"],
    ]);
  });

  it("reads the goal, the period and the latency threshold", () => {
    expect(rows.map((r) => [r.goal, r.periodDays])).toEqual([
      [0.999, 30],
      [0.95, 30],
      [0.99, 28],
    ]);
  });

  it("lists each alert's threshold, windows and urgency", () => {
    expect(rows[0]!.alerts).toEqual(["14.4× 1h/5m → page", "6× 6h/30m → page", "3× 24h/2h → ticket"]);
    expect(rows[2]!.alerts).toEqual(["13.44× 1h/5m → page", "5.6× 6h/30m → page", "2.8× 24h/2h → ticket"]);
  });

  it("names the channels the alerts reach, once each", () => {
    expect(rows[0]!.channels).toEqual(["prod oncall", "prod alerts", "prod ops"]);
    expect(rows[1]!.channels).toEqual(["prod oncall", "prod alerts", "prod ops"]);
    expect(rows[2]!.channels).toEqual(["prod ops"]);
  });

  it("shows a channel id it cannot name, and no alerts for an SLO without policies", () => {
    const [row] = serviceLevels([
      slo("ai", "availability", 0.999, 30),
      burnPolicy("ai", "availability", "fast", 14.4, 3600, 300, "page", [
        "projects/p/notificationChannels/9",
      ]),
    ]);
    expect(row!.channels).toEqual(["projects/p/notificationChannels/9"]);
    const [lonely] = serviceLevels([slo("ai", "availability", 0.999, 30)]);
    expect(lonely).toMatchObject({ service: "ai", slo: "availability", alerts: [], channels: [] });
  });

  it("finds nothing without SLOs", () => {
    expect(serviceLevels(PROD.filter((r) => r.type !== SLO))).toEqual([]);
  });
});

describe("serviceLevelsMarkdown", () => {
  it("renders a table with a header and one row per SLO", () => {
    const lines = serviceLevelsMarkdown(serviceLevels(PROD)).split("\n");
    expect(lines[0]).toBe("| service | SLO | goal | window | alert thresholds | channels |");
    expect(lines[1]).toBe("|---|---|---|---|---|---|");
    expect(lines).toHaveLength(2 + 3);
    expect(lines[2]).toBe(
      "| api | availability | 99.90 % | 30 d | 14.4× 1h/5m → page<br>6× 6h/30m → page<br>3× 24h/2h → ticket | prod oncall, prod alerts, prod ops |",
    );
    expect(lines[3]).toContain("| api | latency < 200 ms | 95.0 % | 30 d |");
    expect(lines[4]).toContain("| web | availability | 99.0 % | 28 d | 13.44× 1h/5m → page");
  });

  it("says so when there are no SLOs", () => {
    expect(serviceLevelsMarkdown([])).toMatch(/No SLOs/);
    expect(serviceLevelsMarkdown([])).not.toContain("|");
  });
});

describe("serviceLevelsText", () => {
  it("renders an aligned table under a header, the channels under each SLO when they differ", () => {
    expect(serviceLevelsText(serviceLevels(PROD)).split("\n")).toEqual([
      "  service  SLO               goal    window  burn-rate alerts (× budget rate, long/short window)",
      "  api      availability      99.90%  30d     14.4× 1h/5m → page; 6× 6h/30m → page; 3× 24h/2h → ticket",
      "      → prod oncall, prod alerts, prod ops",
      "  api      latency < 200 ms  95.00%  30d     14.4× 1h/5m → page; 6× 6h/30m → page; 3× 24h/2h → ticket",
      "      → prod oncall, prod alerts, prod ops",
      "  web      availability      99.00%  28d     13.44× 1h/5m → page; 5.6× 6h/30m → page; 2.8× 24h/2h → ticket",
      "      → prod ops",
    ]);
  });

  it("names the channels once when every SLO shares them", () => {
    const shared = serviceLevels(PROD).slice(0, 2);
    expect(serviceLevelsText(shared).split("\n")).toEqual([
      "  service  SLO               goal    window  burn-rate alerts (× budget rate, long/short window)",
      "  api      availability      99.90%  30d     14.4× 1h/5m → page; 6× 6h/30m → page; 3× 24h/2h → ticket",
      "  api      latency < 200 ms  95.00%  30d     14.4× 1h/5m → page; 6× 6h/30m → page; 3× 24h/2h → ticket",
      "  alerts go to: prod oncall, prod alerts, prod ops",
    ]);
  });

  it("says so when there are no SLOs", () => {
    const none: ServiceLevelRow[] = [];
    expect(serviceLevelsText(none)).toMatch(/no SLOs/);
  });
});
