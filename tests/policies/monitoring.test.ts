import { describe, expect, it } from "vitest";
import {
  alertPolicyDocumentation,
  alertPolicyEnabled,
  alertPolicyNotificationChannels,
  notificationChannelSensitiveLabels,
  prodServiceBurnRateAlert,
  prodServiceSlo,
  prodServiceUptimeCheck,
  uptimeCheckValidatesTls,
} from "../../policies/monitoring";
import { T } from "../../policies/lib/tokens";
import type { ExportResource } from "../../plan/render-json";
import { mutate, PROJECT, REGION, res, UNSET, urn, withOptions } from "../fixtures/policies/build";
import { previewOf } from "../fixtures/policies/preview";
import { fixtures } from "../fixtures/policies/resources";
import { checkStack, messagesOf, stackMessages } from "./harness";
import { leakProbe } from "../helpers/leak-probe";

const alert = fixtures.alertPolicy;
const ALERT = '"[page] api: availability burn rate"';

describe("alert-policy-enabled", () => {
  it("passes enabled and unset (true), flags disabled", async () => {
    expect(await messagesOf(alertPolicyEnabled, alert())).toEqual([]);
    expect(await messagesOf(alertPolicyEnabled, mutate(alert(), "enabled", UNSET))).toEqual([]);
    expect(await messagesOf(alertPolicyEnabled, mutate(alert(), "enabled", false))).toEqual([
      `Alert policy ${ALERT} must be enabled (enabled is false)`,
    ]);
  });
});

describe("alert-policy-notification-channels", () => {
  const p = alertPolicyNotificationChannels;
  it("passes a channel, flags none or unset, accepts channels computed at preview", async () => {
    expect(await messagesOf(p, alert())).toEqual([]);
    expect(await messagesOf(p, mutate(alert(), "notificationChannels", []))).toEqual([
      `Alert policy ${ALERT} must notify at least one notification channel; notificationChannels is empty`,
    ]);
    expect(await messagesOf(p, mutate(alert(), "notificationChannels", UNSET))).toEqual([
      `Alert policy ${ALERT} must notify at least one notification channel; notificationChannels is unset, which means nobody is notified`,
    ]);
    expect(
      await messagesOf(p, mutate(alert(), "notificationChannels", "[unknown]"), { preview: true }),
    ).toEqual([]);
  });
});

describe("alert-policy-documentation", () => {
  it("wants a runbook", async () => {
    expect(await messagesOf(alertPolicyDocumentation, alert())).toEqual([]);
    expect(await messagesOf(alertPolicyDocumentation, mutate(alert(), "documentation", UNSET))).toEqual([
      `Alert policy ${ALERT} must document what to do (documentation.content is empty)`,
    ]);
  });
});

describe("uptime-check-validates-tls", () => {
  const p = uptimeCheckValidatesTls;
  const check = fixtures.uptimeCheck;
  const name = '"api: https://app.module6.example.com/api/healthz"';
  it("passes HTTPS with validation; flags each missing, unset meaning false", async () => {
    expect(await messagesOf(p, check())).toEqual([]);
    expect(
      await messagesOf(p, mutate(mutate(check(), "httpCheck.useSsl", UNSET), "httpCheck.validateSsl", false)),
    ).toEqual([
      `Uptime check ${name} must use HTTPS; httpCheck.useSsl is unset, which means plain HTTP`,
      `Uptime check ${name} must validate the TLS certificate; httpCheck.validateSsl is false`,
    ]);
  });
  it("leaves TCP checks alone", async () => {
    expect(
      await messagesOf(p, mutate(mutate(check(), "httpCheck", UNSET), "tcpCheck", { port: 6379 })),
    ).toEqual([]);
  });
});

describe("notification-channel-sensitive-labels", () => {
  const p = notificationChannelSensitiveLabels;
  it("passes credentials in sensitiveLabels and refuses them in labels", async () => {
    expect(await messagesOf(p, fixtures.notificationChannel())).toEqual([]);
    expect(
      await messagesOf(p, mutate(fixtures.notificationChannel(), "labels.auth_token", leakProbe("slack"))),
    ).toEqual([
      'Notification channel "prod alerts-slack" must pass auth_token through sensitiveLabels, not labels',
    ]);
  });
});

/** One prod Cloud Run service with the monitoring the program builds for it, in the shapes it uses. */
function monitored(): Record<string, ExportResource> {
  const service = fixtures.runService();
  const genericService = res(
    T.genericService,
    "env-api-monitoring",
    {
      serviceId: "m6-prod-api",
      project: PROJECT,
      basicService: {
        serviceType: "CLOUD_RUN",
        serviceLabels: { service_name: "m6-prod-api", location: REGION },
      },
    },
    {
      outputs: { name: "projects/000000000000/services/m6-prod-api" },
      deps: { basicService: [service.urn] },
    },
  );
  const slo = res(
    T.slo,
    "env-api-monitoring-availability",
    {
      service: "m6-prod-api",
      sloId: "availability",
      goal: 0.999,
      rollingPeriodDays: 30,
      requestBasedSli: {},
    },
    {
      outputs: { name: "projects/000000000000/services/m6-prod-api/serviceLevelObjectives/availability" },
      deps: { service: [genericService.urn] },
    },
  );
  const burn = withOptions(alert(), {
    dependencies: [slo.urn],
    propertyDependencies: {
      conditions: [slo.urn],
      notificationChannels: [urn(T.notificationChannel, "env-alerts-slack")],
    },
  });
  return {
    service,
    genericService,
    slo,
    burn,
    uptime: fixtures.uptimeCheck(),
    channel: fixtures.notificationChannel(),
  };
}

/** The monitored service without its `key` resource, plus `extra`. */
const without = (key: string, extra: Record<string, ExportResource> = {}): ExportResource[] => [
  ...Object.entries(monitored())
    .filter(([k]) => k !== key)
    .map(([, r]) => r),
  ...Object.values(extra),
];

describe("prod-service-uptime-check (stack)", () => {
  const p = prodServiceUptimeCheck;
  it("passes a service with an uptime check labelled with its name, also at preview", async () => {
    expect(await stackMessages(p, Object.values(monitored()))).toEqual([]);
    expect(await stackMessages(p, previewOf(Object.values(monitored())), { preview: true })).toEqual([]);
  });
  it("refuses a prod service without one", async () => {
    const m = monitored();
    expect(await checkStack(p, without("uptime"))).toEqual([
      {
        urn: m.service!.urn,
        message:
          'Cloud Run service "m6-prod-api" must have an uptime check (an UptimeCheckConfig with userLabels.service "m6-prod-api")',
      },
    ]);
    expect(
      await stackMessages(
        p,
        without("uptime", { uptime: mutate(fixtures.uptimeCheck(), "userLabels.service", "m6-prod-web") }),
      ),
    ).toHaveLength(1);
  });
  it("exempts staging and feature stacks by default", async () => {
    expect(
      (await stackMessages(p, without("uptime"), { env: null, stackTags: { environment: "feature" } }))
        .length,
    ).toBe(1);
    const feature = mutate(fixtures.runService(), "labels.env", "feature");
    expect(await stackMessages(p, [feature], { env: "feature" })).toEqual([]);
    expect(
      await stackMessages(p, [mutate(fixtures.runService(), "labels.env", "staging")], { env: "staging" }),
    ).toEqual([]);
    expect(
      await stackMessages(p, [mutate(fixtures.runService(), "labels.env", "staging")], {
        env: "staging",
        config: { environments: ["staging"] },
      }),
    ).toHaveLength(1);
  });
});

describe("prod-service-slo (stack)", () => {
  const p = prodServiceSlo;
  it("passes a GenericService with an SLO, also at preview", async () => {
    expect(await stackMessages(p, Object.values(monitored()))).toEqual([]);
    expect(await stackMessages(p, previewOf(Object.values(monitored())), { preview: true })).toEqual([]);
  });
  it("refuses a service without a GenericService", async () => {
    expect(await stackMessages(p, without("genericService"))).toEqual([
      'Cloud Run service "m6-prod-api" must have an SLO; no monitoring GenericService has basicService.serviceLabels.service_name "m6-prod-api"',
    ]);
  });
  // A service in several regions is one CustomService (no basicService) that depends on each region's service.
  it("passes a CustomService that depends on the service and carries an SLO", async () => {
    const m = monitored();
    const custom = res(
      T.customService,
      "env-api-monitoring",
      { serviceId: "m6-prod-api", project: PROJECT, displayName: "api (Cloud Run m6-prod-api in 2 regions)" },
      {
        outputs: { name: "projects/000000000000/services/m6-prod-api" },
        deps: { displayName: [m.service!.urn] },
      },
    );
    const slo = withOptions(m.slo!, { propertyDependencies: { service: [custom.urn] } });
    const rest = without("genericService").filter((r) => r.urn !== m.slo!.urn);
    expect(await stackMessages(p, [...rest, custom, slo])).toEqual([]);
    const unlinked = res(T.customService, "env-api-monitoring", {
      serviceId: "m6-prod-api",
      project: PROJECT,
    });
    expect(await stackMessages(p, [...rest, unlinked, slo])).toHaveLength(1);
  });
  it("refuses a GenericService without an SLO", async () => {
    expect(await stackMessages(p, without("slo"))).toEqual([
      'Cloud Run service "m6-prod-api" must have an SLO; its GenericService "m6-prod-api" has none',
    ]);
  });
});

describe("prod-service-burn-rate-alert (stack)", () => {
  const p = prodServiceBurnRateAlert;
  it("passes an enabled, routed alert on the SLO, linked by dependency or by the filter", async () => {
    expect(await stackMessages(p, Object.values(monitored()))).toEqual([]);
    expect(await stackMessages(p, previewOf(Object.values(monitored())), { preview: true })).toEqual([]);
    expect(await stackMessages(p, without("burn", { byFilter: alert() }))).toEqual([]);
  });
  it("refuses a service whose SLO no alert watches", async () => {
    const unrelated = mutate(
      alert(),
      "conditions.0.conditionThreshold.filter",
      'metric.type="run.googleapis.com/request_count"',
    );
    expect(await stackMessages(p, without("burn", { unrelated }))).toEqual([
      'Cloud Run service "m6-prod-api" must have a burn-rate alert on its SLO; no alert policy watches one',
    ]);
  });
  it("refuses a watching alert that is disabled or routed nowhere", async () => {
    const m = monitored();
    expect(await stackMessages(p, without("burn", { burn: mutate(m.burn!, "enabled", false) }))).toEqual([
      `Cloud Run service "m6-prod-api" must have a burn-rate alert that is enabled and routed to a notification channel; alert policy ${ALERT} is disabled`,
    ]);
    const silent = withOptions(mutate(m.burn!, "notificationChannels", UNSET), {
      propertyDependencies: { conditions: [m.slo!.urn] },
    });
    expect(await stackMessages(p, without("burn", { burn: silent }))).toEqual([
      `Cloud Run service "m6-prod-api" must have a burn-rate alert that is enabled and routed to a notification channel; alert policy ${ALERT} has no notification channels`,
    ]);
  });
  it("leaves services without an SLO to prod-service-slo", async () => {
    expect(await stackMessages(p, without("slo"))).toEqual([]);
  });
});
