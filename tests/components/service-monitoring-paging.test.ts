import { beforeAll, describe, expect, it } from "vitest";
import { ServiceMonitoring, type ServiceMonitoringArgs } from "../../components/service-monitoring";
import { commonArgs, installMocks, record, resourcesOfType } from "../helpers/pulumi";

const POLICY = "gcp:monitoring/alertPolicy:AlertPolicy";

function args(overrides: Partial<ServiceMonitoringArgs> = {}): ServiceMonitoringArgs {
  const { region: _region, ...common } = commonArgs();
  return {
    ...common,
    name: "api",
    cloudRunService: "m6-test-api",
    location: "asia-northeast3",
    routing: {
      page: ["projects/p/notificationChannels/pager"],
      ticket: ["projects/p/notificationChannels/email"],
    },
    uptime: { host: "app.example.com", path: "/api/health" },
    ...overrides,
  };
}

beforeAll(async () => {
  await installMocks();
});

describe("ServiceMonitoring where pages do not page (staging)", () => {
  it("makes every alert a ticket: title, severity, label and channels", async () => {
    const { resources } = await record(() => new ServiceMonitoring("nopage", args({ paging: false })));
    const policies = resourcesOfType(resources, POLICY);
    expect(policies).toHaveLength(2 * 3 + 2);
    for (const p of policies) {
      expect(String(p.inputs.displayName)).toMatch(/^\[ticket\] /);
      expect(p.inputs.severity).toBe("WARNING");
      expect((p.inputs.userLabels as Record<string, string>).urgency).toBe("ticket");
      expect(p.inputs.notificationChannels).toEqual(["projects/p/notificationChannels/email"]);
    }
  });

  it("keeps paging by default", async () => {
    const { resources } = await record(() => new ServiceMonitoring("paging", args()));
    const pages = resourcesOfType(resources, POLICY).filter((p) => p.inputs.severity === "CRITICAL");
    // fast and slow burn for both SLOs, and the uptime failure
    expect(pages).toHaveLength(2 * 2 + 1);
    for (const p of pages)
      expect(p.inputs.notificationChannels).toEqual(["projects/p/notificationChannels/pager"]);
  });
});

describe("ServiceMonitoring with a short SLO period", () => {
  it("leaves out window pairs whose burn-rate threshold would be 1 or less", async () => {
    const { resources } = await record(
      () => new ServiceMonitoring("short", args({ periodDays: 7, uptime: undefined })),
    );
    const thresholds = resourcesOfType(resources, POLICY).map(
      (p) =>
        (p.inputs.conditions as { conditionThreshold: { thresholdValue: number } }[])[0]?.conditionThreshold
          .thresholdValue,
    );
    // 7 days: fast 3.36 and slow 1.4 stay; the ticket pair (0.7) would fire on normal spending.
    expect([...new Set(thresholds)].sort()).toEqual([1.4, 3.36]);
    expect(thresholds).toHaveLength(2 * 2);
  });
});
