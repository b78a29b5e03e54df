import { describe, expect, it } from "vitest";
import { splitConfigMap } from "../../stacks/config";
import { base, configError, input, parse, service, type Values } from "../helpers/config";
import { leakProbe } from "../helpers/leak-probe";

/** The base staging config with a monitoring block replaced. */
function withMonitoring(monitoring: Record<string, unknown>): Values {
  return { ...base(), monitoring };
}

const email = { "platform-email": { type: "email", address: "platform@example.com" } };

describe("monitoring config: resolved over the preset", () => {
  it("gives staging the default service levels and sends its pages to the ticket channels", () => {
    const cfg = parse(withMonitoring({ channels: email, routing: { ticket: ["platform-email"] } }));
    expect(cfg.monitoring).toMatchObject({
      slo: { availabilityGoal: 0.999, latencyGoal: 0.95, latencyThresholdMs: 200, periodDays: 30 },
      paging: false,
      page: ["platform-email"],
      ticket: ["platform-email"],
      uptime: { periodSeconds: 300 },
      logging: {
        appLogRetentionDays: 30,
        auditRetentionDays: 400,
        lockAuditRetention: false,
        // Point 18: Firestore's data plane is logged for everyone but the services themselves.
        firestoreDataAccess: "except-runtime",
      },
      deployers: [],
    });
  });

  it("takes the deployers and the Firestore data-access choice from config, and checks them", () => {
    const cfg = parse(
      withMonitoring({
        channels: email,
        routing: { ticket: ["platform-email"] },
        logging: { firestoreDataAccess: "all" },
        deployers: ["m6-deployer@module6-staging-000000.iam.gserviceaccount.com"],
      }),
    );
    expect(cfg.monitoring?.logging.firestoreDataAccess).toBe("all");
    expect(cfg.monitoring?.deployers).toEqual(["m6-deployer@module6-staging-000000.iam.gserviceaccount.com"]);
    const errorOf = (monitoring: Record<string, unknown>): string =>
      configError(
        input(withMonitoring({ channels: email, routing: { ticket: ["platform-email"] }, ...monitoring })),
      ).message;
    expect(errorOf({ logging: { firestoreDataAccess: "some" } })).toContain(
      'module6:monitoring.logging.firestoreDataAccess: got "some"',
    );
    expect(
      errorOf({ deployers: ["serviceAccount:m6-deployer@module6-staging-000000.iam.gserviceaccount.com"] }),
    ).toContain(
      'module6:monitoring.deployers[0]: got "serviceAccount:m6-deployer@module6-staging-000000.iam.gserviceaccount.com"; an email',
    );
  });

  it("pages in prod, locks the audit archive, and lets a service override its service levels", () => {
    const values = withMonitoring({
      slo: { periodDays: 28 },
      channels: { ...email, pager: { type: "pagerduty" } },
      routing: { page: ["pager"], ticket: ["platform-email"] },
    });
    values.kind = "prod";
    service(values, "api").slo = { latencyThresholdMs: 300 };
    const cfg = parse({ ...values }, "prod", ["session-key"], ["pager"]);
    expect(cfg.monitoring).toMatchObject({
      paging: true,
      page: ["pager"],
      ticket: ["platform-email"],
      uptime: { periodSeconds: 60 },
      logging: { lockAuditRetention: true },
      credentials: ["pager"],
    });
    expect(cfg.services.find((x) => x.name === "api")?.slo).toEqual({
      availabilityGoal: 0.999,
      latencyGoal: 0.95,
      latencyThresholdMs: 300,
      periodDays: 28,
    });
  });

  it("reads channel credentials from module6:channel-<name> and never keeps their values", () => {
    const values = withMonitoring({
      channels: { ...email, slack: { type: "slack", channel: "#alerts" } },
      routing: { ticket: ["platform-email", "slack"] },
    });
    const slack = leakProbe("slack");
    const map: Record<string, string> = { "module6:channel-slack": slack };
    for (const [k, v] of Object.entries(values))
      map[`module6:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    map["module6:secret-session-key"] = "value";
    const split = splitConfigMap("staging", map);
    expect(split.channelSecretNames).toEqual(["slack"]);
    expect(JSON.stringify(split)).not.toContain(slack);
  });
});

describe("monitoring config: mistakes", () => {
  const cases: {
    what: string;
    monitoring?: Record<string, unknown>;
    mutate?: (v: Values) => void;
    channels?: string[];
    stack?: string;
    expected: string;
  }[] = [
    {
      what: "an availability goal of 1",
      monitoring: { slo: { availabilityGoal: 1 }, channels: email, routing: { ticket: ["platform-email"] } },
      expected: "module6:monitoring.slo.availabilityGoal: got 1; a share between 0 and 1, exclusive",
    },
    {
      what: "a latency goal of 0",
      monitoring: { slo: { latencyGoal: 0 }, channels: email, routing: { ticket: ["platform-email"] } },
      expected: "module6:monitoring.slo.latencyGoal: got 0; a share between 0 and 1, exclusive",
    },
    {
      what: "a service's goal above 1",
      mutate: (v) => {
        service(v, "api").slo = { availabilityGoal: 1.5 };
      },
      expected: "module6:services.api.slo.availabilityGoal: got 1.5; a share between 0 and 1, exclusive",
    },
    {
      what: "a latency threshold of 0 ms",
      monitoring: {
        slo: { latencyThresholdMs: 0 },
        channels: email,
        routing: { ticket: ["platform-email"] },
      },
      expected: "module6:monitoring.slo.latencyThresholdMs: got 0; milliseconds above 0",
    },
    {
      what: "a period of 31 days",
      monitoring: { slo: { periodDays: 31 }, channels: email, routing: { ticket: ["platform-email"] } },
      expected: "module6:monitoring.slo.periodDays: got 31; whole days 1-30",
    },
    {
      what: "routing to an unknown channel",
      monitoring: { channels: email, routing: { ticket: ["platform-slack"] } },
      expected:
        'module6:monitoring.routing.ticket[0]: got "platform-slack"; a configured channel (platform-email)',
    },
    {
      what: "a Slack channel without a token",
      monitoring: {
        channels: { slack: { type: "slack", channel: "#alerts" } },
        routing: { ticket: ["slack"] },
      },
      expected: 'module6:channel-slack: got "no token"; a Slack token (a Pulumi secret)',
    },
    {
      what: "a PagerDuty channel without a key",
      monitoring: {
        channels: { ...email, pager: { type: "pagerduty" } },
        routing: { page: ["pager"], ticket: ["platform-email"] },
      },
      mutate: (v) => {
        v.kind = "prod";
      },
      stack: "prod",
      expected: 'module6:channel-pager: got "no service key"; a PagerDuty service key (a Pulumi secret)',
    },
    {
      what: "a credential for an undeclared channel",
      monitoring: { channels: email, routing: { ticket: ["platform-email"] } },
      channels: ["slack"],
      expected:
        'module6:channel-slack: got "(value hidden)"; a credential only for a channel declared under monitoring.channels',
    },
    {
      what: "a prod stack that pages nobody",
      monitoring: { channels: email, routing: { ticket: ["platform-email"] } },
      mutate: (v) => {
        v.kind = "prod";
      },
      stack: "prod",
      expected: "module6:monitoring.routing.page: got []; at least one channel in a prod stack (it pages)",
    },
    {
      what: "no monitoring block in staging",
      mutate: (v) => {
        delete v.monitoring;
      },
      expected:
        "module6:monitoring: got nothing; a monitoring block with channels and routing in a staging stack",
    },
    {
      what: "an unknown channel type",
      monitoring: { channels: { sms: { type: "sms", number: "+1" } }, routing: { ticket: ["sms"] } },
      expected: "module6:monitoring.channels.sms.type",
    },
    {
      what: "a bad billing account",
      monitoring: {
        channels: email,
        routing: { ticket: ["platform-email"] },
        budget: { billingAccount: "123", amount: 100 },
      },
      expected: 'module6:monitoring.budget.billingAccount: got "123"; a billing account id',
    },
    {
      what: "an uptime period Cloud Monitoring does not offer",
      monitoring: {
        channels: email,
        routing: { ticket: ["platform-email"] },
        uptime: { periodSeconds: 120 },
      },
      expected: "module6:monitoring.uptime.periodSeconds: got 120; one of 60, 300, 600, 900",
    },
  ];

  it.each(cases)("rejects $what", ({ monitoring, mutate, channels, stack, expected }) => {
    const values = monitoring === undefined ? base() : withMonitoring(monitoring);
    mutate?.(values);
    const config = {
      ...input(values, stack ?? "staging", ["session-key"]),
      channelSecretNames: channels ?? [],
    };
    expect(configError(config).message).toContain(expected);
  });
});
