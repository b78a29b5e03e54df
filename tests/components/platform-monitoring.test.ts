import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { dashboard } from "../../components/monitoring/dashboard-json";
import { environmentWidgetsOutput } from "../../components/monitoring/environment-widgets";
import { grafanaDashboard } from "../../components/monitoring/grafana-dashboard";
import { SECURITY_METRICS } from "../../components/monitoring/security-metrics";
import {
  PlatformMonitoring,
  validatePlatformMonitoringArgs,
  type PlatformMonitoringArgs,
} from "../../components/platform-monitoring";
import { ValidationError } from "../../components/shared/validation";
import {
  commonArgs,
  expectProps,
  idOf,
  installMocks,
  named,
  onlyOfType,
  record,
  recordOnce,
  resourcesOfType,
  valueOf,
} from "../helpers/pulumi";
import { leakProbe } from "../helpers/leak-probe";

/** The security log metrics, in order (literal: the program's list is under test). */
const SECURITY_METRIC_IDS = [
  "iam-policy-changes",
  "audit-config-changes",
  "custom-role-changes",
  "firewall-changes",
  "network-changes",
  "storage-iam-changes",
  "service-account-key-created",
  "unexpected-secret-access",
  "armor-blocks",
];

const CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel";
const POLICY = "gcp:monitoring/alertPolicy:AlertPolicy";
const METRIC = "gcp:logging/metric:Metric";
const BUDGET = "gcp:billing/budget:Budget";
const DASHBOARD = "gcp:monitoring/dashboard:Dashboard";
const SLEEP = "time:index/sleep:Sleep";
const RUN_JOB = "gcp:cloudrunv2/job:Job";
const SCHEDULER = "gcp:cloudscheduler/job:Job";

const SLACK_TOKEN = leakProbe("slack");
const PD_KEY = "pd-key-do-not-leak-81b7";
const RUNTIME = [
  "m6-test-api@module6-test-000000.iam.gserviceaccount.com",
  "m6-test-ai@module6-test-000000.iam.gserviceaccount.com",
];

/** Valid args: one channel of each type, pages to PagerDuty and Slack, tickets to email and webhook. */
function baseArgs(overrides: Partial<PlatformMonitoringArgs> = {}): PlatformMonitoringArgs {
  return {
    ...commonArgs(),
    channels: {
      oncall: { type: "pagerduty", serviceKey: pulumi.secret(PD_KEY) },
      alerts: { type: "slack", channel: "#alerts", token: pulumi.secret(SLACK_TOKEN) },
      ops: { type: "email", address: "ops@example.com" },
      hook: { type: "webhook", url: "https://hooks.example.com/alert" },
    },
    routing: { page: ["oncall", "alerts"], ticket: ["ops", "hook"] },
    runtimeAccounts: RUNTIME,
    ...overrides,
  };
}

type Obj = Record<string, unknown>;

beforeAll(async () => {
  await installMocks();
});

/** Channels and security alerts only. */
const minimal = recordOnce(() => new PlatformMonitoring("pm-min", baseArgs()));
/** With the Firestore backup watch, the budget and the dashboard. */
const full = recordOnce(() => {
  const pm = new PlatformMonitoring(
    "pm-full",
    baseArgs({
      backupCheck: { database: "m6-test-db", location: "asia-northeast3", region: "asia-northeast3" },
      deployers: ["m6-deployer@module6-test-000000.iam.gserviceaccount.com"],
      readerPatterns: ["^m6-f-[a-z0-9-]+@module6-test-000000\\.iam\\.gserviceaccount\\.com$"],
      budget: { billingAccount: "012345-6789AB-CDEF01", amount: 250, currency: "EUR" },
    }),
  );
  const widgets = environmentWidgetsOutput([
    {
      name: "api",
      cloudRunService: "m6-test-api",
      slos: [
        {
          id: "availability",
          name: pulumi.output(
            "projects/000000000000/services/m6-test-api/serviceLevelObjectives/availability",
          ),
        },
        {
          id: "latency",
          name: pulumi.output("projects/000000000000/services/m6-test-api/serviceLevelObjectives/latency"),
        },
      ],
    },
    {
      name: "web",
      cloudRunService: pulumi.output("m6-test-web"),
      slos: [
        {
          id: "availability",
          name: pulumi.output(
            "projects/000000000000/services/m6-test-web/serviceLevelObjectives/availability",
          ),
        },
      ],
    },
  ]);
  pm.addDashboard("module6 test", widgets);
  return { pm, widgets };
});

describe("PlatformMonitoring: notification channels", () => {
  it("creates one channel per configured channel with its type and labels", async () => {
    const { resources } = await minimal();
    expect(resourcesOfType(resources, CHANNEL)).toHaveLength(4);
    expectProps(named(resources, CHANNEL, "pm-min-ops"), {
      type: "email",
      labels: { email_address: "ops@example.com" },
      enabled: true,
    });
    const slack = named(resources, CHANNEL, "pm-min-alerts");
    expectProps(slack, { type: "slack", labels: { channel_name: "#alerts" } });
    expect(slack.inputs.sensitiveLabels).toEqual({ authToken: "[secret]" });
    const pagerduty = named(resources, CHANNEL, "pm-min-oncall");
    expectProps(pagerduty, { type: "pagerduty" });
    expect(pagerduty.inputs.sensitiveLabels).toEqual({ serviceKey: "[secret]" });
    expectProps(named(resources, CHANNEL, "pm-min-hook"), {
      type: "webhook_tokenauth",
      labels: { url: "https://hooks.example.com/alert" },
    });
    expect(named(resources, CHANNEL, "pm-min-hook").inputs).not.toHaveProperty("sensitiveLabels");
  });

  it("never records the Slack token or the PagerDuty key", async () => {
    for (const build of [minimal, full]) {
      const text = JSON.stringify((await build()).resources);
      expect(text).not.toContain(SLACK_TOKEN);
      expect(text).not.toContain(PD_KEY);
      expect(text).toContain("[secret]");
    }
  });

  it("resolves page and ticket channels to the routed channels' ids", async () => {
    const { result, resources } = await minimal();
    const id = (n: string) => idOf(named(resources, CHANNEL, `pm-min-${n}`));
    expect(await Promise.all(result.pageChannels.map(valueOf))).toEqual([id("oncall"), id("alerts")]);
    expect(await Promise.all(result.ticketChannels.map(valueOf))).toEqual([id("ops"), id("hook")]);
  });
});

describe("PlatformMonitoring: security log metrics", () => {
  it("creates one log metric and one alert per security metric, to the ticket channels", async () => {
    const { resources } = await minimal();
    const channel = (n: string) => idOf(named(resources, CHANNEL, `pm-min-${n}`));
    expect(resourcesOfType(resources, METRIC).map((m) => m.name)).toEqual(
      SECURITY_METRIC_IDS.map((id) => `pm-min-${id}`),
    );
    expect(
      resourcesOfType(resources, POLICY)
        .map((p) => p.name)
        .sort(),
    ).toEqual(SECURITY_METRIC_IDS.map((id) => `pm-min-${id}`).sort());
    for (const metric of SECURITY_METRICS) {
      const logMetric = named(resources, METRIC, `pm-min-${metric.id}`);
      expectProps(logMetric, { name: `m6-test-${metric.id}`, metricDescriptor: { metricKind: "DELTA" } });
      // Without deployers, only the secret-access metric leaves someone out (the runtime accounts).
      if (metric.routine !== "readers") expect(logMetric.inputs.filter).toBe(metric.filter);
      const policy = named(resources, POLICY, `pm-min-${metric.id}`);
      const [condition] = policy.inputs.conditions as { conditionThreshold: Obj }[];
      expect(condition!.conditionThreshold).toMatchObject({
        filter: `metric.type="logging.googleapis.com/user/m6-test-${metric.id}"`,
        comparison: "COMPARISON_GT",
        thresholdValue: metric.threshold,
      });
      expect(policy.inputs.notificationChannels).toEqual([channel("ops"), channel("hook")]);
    }
  });

  it("excludes only the runtime accounts from the unexpected-secret-access filter", async () => {
    const { resources } = await minimal();
    const filter = String(named(resources, METRIC, "pm-min-unexpected-secret-access").inputs.filter);
    expect(filter).toContain('protoPayload.serviceName="secretmanager.googleapis.com"');
    const regex = /principalEmail=~"([^"]+)"/.exec(filter)?.[1];
    expect(regex).toBeDefined();
    // The filter language unescapes `\\` to `\` inside a quoted string; the rest is an RE2 regex.
    const pattern = new RegExp(regex!.replace(/\\\\/g, "\\"));
    for (const email of RUNTIME) expect(pattern.test(email), email).toBe(true);
    expect(pattern.test("someone@example.com")).toBe(false);
    expect(pattern.test(`x${RUNTIME[0]!}`)).toBe(false);
    expect(pattern.test(RUNTIME[0]!.replace(".iam.", ".iamX"))).toBe(false);
  });

  it("gives every alert at least one channel and markdown documentation", async () => {
    for (const build of [minimal, full]) {
      const policies = resourcesOfType((await build()).resources, POLICY);
      for (const policy of policies) {
        expect((policy.inputs.notificationChannels as unknown[]).length, policy.name).toBeGreaterThanOrEqual(
          1,
        );
        expect(policy.inputs.enabled, policy.name).toBe(true);
        const doc = policy.inputs.documentation as { mimeType: string; content: string };
        expect(doc.mimeType).toBe("text/markdown");
        expect(doc.content).toContain("What fired");
        expect(doc.content).toMatch(/^1\. .+\n2\. .+\n3\. .+$/m);
      }
    }
  });

  // The Logs link of the unexpected-secret-access alert must exclude the runtime accounts, like its metric.
  it("links the unexpected-secret-access alert to the resolved log query", async () => {
    const { resources } = await minimal();
    const doc = named(resources, POLICY, "pm-min-unexpected-secret-access").inputs.documentation as Obj;
    expect(decodeURIComponent(String(doc.content))).toContain(
      "m6-test-api@module6-test-000000\\\\.iam\\\\.gserviceaccount\\\\.com",
    );
  });
});

describe("PlatformMonitoring: backups and budget", () => {
  it("checks Firestore backups only when the database is given", async () => {
    const min = (await minimal()).resources;
    expect(resourcesOfType(min, METRIC).map((m) => m.name)).not.toContain("pm-min-firestore-backups");
    expect(resourcesOfType(min, RUN_JOB)).toHaveLength(0);
    const { resources } = await full();
    const job = onlyOfType(resources, RUN_JOB);
    expectProps(job, { name: "m6-test-backup-check", location: "asia-northeast3" });
    // The metric counts the check's confirmations, never Firestore's audited admin reads (ListBackups,
    // GetBackupSchedule, … — the old `methodName=~"Backup"` filter counted every `pulumi refresh`).
    const metric = named(resources, METRIC, "pm-full-firestore-backups");
    expect(metric.inputs.filter).toBe(
      'resource.type="cloud_run_job" AND resource.labels.job_name="m6-test-backup-check" AND jsonPayload.message="firestore-backup-fresh"',
    );
    expect(String(metric.inputs.filter)).not.toContain("methodName");
    const policy = named(resources, POLICY, "pm-full-firestore-backup-missing");
    const [condition] = policy.inputs.conditions as { conditionPrometheusQueryLanguage: Obj }[];
    expect(String(condition!.conditionPrometheusQueryLanguage.query)).toBe(
      'absent_over_time({"__name__"="logging.googleapis.com/user/m6-test-firestore-backups"}[3h])',
    );
    expect((policy.inputs.notificationChannels as unknown[]).length).toBeGreaterThanOrEqual(1);
    expect(resourcesOfType(resources, POLICY)).toHaveLength(SECURITY_METRIC_IDS.length + 1);
  });

  it("creates no budget without budget args", async () => {
    expect(resourcesOfType((await minimal()).resources, BUDGET)).toHaveLength(0);
  });

  it("creates the budget with 50/90/100 % actual and 100 % forecast thresholds to the ticket channels", async () => {
    const { resources } = await full();
    const budget = onlyOfType(resources, BUDGET);
    expectProps(budget, {
      billingAccount: "012345-6789AB-CDEF01",
      amount: { specifiedAmount: { units: "250", currencyCode: "EUR" } },
      budgetFilter: { projects: ["projects/000000000000"] },
    });
    expect(budget.inputs.thresholdRules).toEqual([
      { thresholdPercent: 0.5, spendBasis: "CURRENT_SPEND" },
      { thresholdPercent: 0.9, spendBasis: "CURRENT_SPEND" },
      { thresholdPercent: 1.0, spendBasis: "CURRENT_SPEND" },
      { thresholdPercent: 1.0, spendBasis: "FORECASTED_SPEND" },
    ]);
    const ticket = ["ops", "hook"].map((n) => idOf(named(resources, CHANNEL, `pm-full-${n}`)));
    expect((budget.inputs.allUpdatesRule as Obj).monitoringNotificationChannels).toEqual(ticket);
  });

  it("uses a given project number and USD by default", async () => {
    const { resources } = await record(
      () =>
        new PlatformMonitoring(
          "pm-budget",
          baseArgs({
            budget: { billingAccount: "ABCDEF-012345-6789AB", amount: 10 },
            projectNumber: "123456789",
          }),
        ),
    );
    expectProps(onlyOfType(resources, BUDGET), {
      amount: { specifiedAmount: { units: "10", currencyCode: "USD" } },
      budgetFilter: { projects: ["projects/123456789"] },
    });
  });
});

describe("PlatformMonitoring: alerts wait for new log-based metrics", () => {
  // Cloud Monitoring answers 404 for a few minutes after a logging.googleapis.com/user/… metric is
  // created (terraform-provider-google#11102): every alert on one waits for a Sleep after the metrics.
  it("creates one 10-minute wait keyed by the metric names, after every log-based metric", async () => {
    const { resources } = await full();
    const wait = onlyOfType(resources, SLEEP);
    expect(wait.name).toBe("pm-full-log-metrics-propagation");
    expect(wait.inputs.createDuration).toBe("10m");
    const metrics = resourcesOfType(resources, METRIC);
    expect(metrics).toHaveLength(SECURITY_METRIC_IDS.length + 1);
    const names = metrics.map((m) => String(m.outputs.name)).sort();
    expect((wait.inputs.triggers as Obj).keys).toBe(names.join(","));
    expect(names).toContain("m6-test-firestore-backups");
    for (const metric of metrics) expect(wait.dependencies, metric.name).toContain(metric.urn);
  });

  it("makes every alert policy on a log-based metric wait for it", async () => {
    const { resources } = await full();
    const wait = onlyOfType(resources, SLEEP);
    const policies = resourcesOfType(resources, POLICY);
    expect(policies).toHaveLength(SECURITY_METRIC_IDS.length + 1);
    for (const policy of policies) expect(policy.dependencies, policy.name).toContain(wait.urn);
  });

  it("keys the wait by metric names only, so an unchanged set of metrics does not wait again", async () => {
    const { resources } = await minimal();
    const keys = String((onlyOfType(resources, SLEEP).inputs.triggers as Obj).keys);
    expect(keys.split(",")).toEqual(SECURITY_METRIC_IDS.map((id) => `m6-test-${id}`).sort());
    // Filters (which change with the runtime accounts) are not part of the key.
    expect(keys).not.toContain("principalEmail");
  });
});

describe("PlatformMonitoring: routine principals are not security events", () => {
  const DEPLOYER = "m6-deployer@module6-test-000000.iam.gserviceaccount.com";

  /** The RE2 pattern after `principalEmail=~` in a filter, as a JS RegExp (the subset used is common). */
  function excluded(filter: string): RegExp | undefined {
    const literal = /principalEmail=~("(?:[^"\\]|\\.)*")/.exec(filter)?.[1];
    return literal === undefined ? undefined : new RegExp(JSON.parse(literal) as string);
  }

  it("leaves out this environment's runtime accounts, feature accounts and deployers from secret reads", async () => {
    const { resources } = await full();
    const filter = String(named(resources, METRIC, "pm-full-unexpected-secret-access").inputs.filter);
    const pattern = excluded(filter);
    expect(pattern).toBeDefined();
    for (const routine of [
      ...RUNTIME,
      DEPLOYER,
      "m6-f-pr-1-api@module6-test-000000.iam.gserviceaccount.com",
      "m6-f-login-page-3f9c2e-ai@module6-test-000000.iam.gserviceaccount.com",
    ])
      expect(pattern!.test(routine), routine).toBe(true);
    for (const stranger of [
      "alice@example.com",
      "m6-f-pr-1-api@other-project.iam.gserviceaccount.com",
      "m6-prod-api@module6-test-000000.iam.gserviceaccount.com",
      `evil-${DEPLOYER}`,
      DEPLOYER.replace(".iam.", "-iam-"),
    ])
      expect(pattern!.test(stranger), stranger).toBe(false);
  });

  it("leaves out the deployers from IAM, audit-config, role, network, firewall and bucket-IAM changes", async () => {
    const { resources } = await full();
    // The first six: all but key creation, secret access and Cloud Armor blocks.
    for (const id of SECURITY_METRIC_IDS.slice(0, 6)) {
      const filter = String(named(resources, METRIC, `pm-full-${id}`).inputs.filter);
      const pattern = excluded(filter);
      expect(pattern, id).toBeDefined();
      expect(pattern!.test(DEPLOYER), id).toBe(true);
      // A feature environment's runtime account never changes IAM: only the deployer is routine.
      expect(pattern!.test("m6-f-pr-1-api@module6-test-000000.iam.gserviceaccount.com"), id).toBe(false);
      expect(pattern!.test("alice@example.com"), id).toBe(false);
    }
  });

  it("still alerts on every service-account key and every Cloud Armor spike, deployer or not", async () => {
    const { resources } = await full();
    for (const id of ["service-account-key-created", "armor-blocks"])
      expect(String(named(resources, METRIC, `pm-full-${id}`).inputs.filter), id).not.toContain(
        "principalEmail",
      );
  });

  it("refuses a deployer given as an IAM member instead of an email", () => {
    expect(() =>
      validatePlatformMonitoringArgs(baseArgs({ deployers: [`serviceAccount:${DEPLOYER}`] })),
    ).toThrow(/deployers\[0\]: got "serviceAccount:m6-deployer@.*"; an email/);
  });
});

describe("PlatformMonitoring: the Firestore backup check", () => {
  it("runs a Cloud Run job hourly from Cloud Scheduler with its own least-privilege account", async () => {
    const { resources } = await full();
    const job = onlyOfType(resources, RUN_JOB);
    const template = (job.inputs.template as { template: { serviceAccount: string; containers: Obj[] } })
      .template;
    const account = named(resources, "gcp:serviceaccount/account:Account", "pm-full-backup-check");
    expect(account.inputs.accountId).toBe("m6-test-backup-check");
    expect(template.serviceAccount).toBe(account.outputs.email);
    const [container] = template.containers;
    expect(container!.image).toBe("gcr.io/google.com/cloudsdktool/google-cloud-cli:slim");
    expect(container!.commands).toEqual(["/bin/bash", "-c"]);
    expect(container!.envs).toEqual([
      { name: "PROJECT", value: "module6-test-000000" },
      { name: "LOCATION", value: "asia-northeast3" },
      { name: "DATABASE", value: "m6-test-db" },
      { name: "MAX_AGE_SECONDS", value: "93600" },
    ]);
    const script = String((container!.args as string[])[0]);
    expect(script).toContain("gcloud firestore backups list");
    expect(script).toContain("firestore-backup-fresh");
    const member = `serviceAccount:${String(account.outputs.email)}`;
    // Backup and schedule metadata only: no data role, no restore.
    expect(
      resourcesOfType(resources, "gcp:projects/iAMMember:IAMMember")
        .filter((g) => g.inputs.member === member)
        .map((g) => g.inputs.role)
        .sort(),
    ).toEqual(["roles/datastore.backupSchedulesViewer", "roles/datastore.backupsViewer"]);
    expectProps(
      named(resources, "gcp:cloudrunv2/jobIamMember:JobIamMember", "pm-full-backup-check-invoker"),
      {
        role: "roles/run.invoker",
        name: "m6-test-backup-check",
        member,
      },
    );
    const scheduler = onlyOfType(resources, SCHEDULER);
    expectProps(scheduler, {
      region: "asia-northeast3",
      schedule: "17 * * * *",
      httpTarget: {
        httpMethod: "POST",
        uri: "https://run.googleapis.com/v2/projects/module6-test-000000/locations/asia-northeast3/jobs/m6-test-backup-check:run",
        oauthToken: { serviceAccountEmail: account.outputs.email },
      },
    });
  });
});

describe("PlatformMonitoring: dashboard", () => {
  type Tile = {
    xPos?: number;
    yPos?: number;
    widget: { title: string; xyChart: { dataSets: { timeSeriesQuery: Obj }[] } };
  };

  async function tiles(): Promise<Tile[]> {
    const { resources } = await full();
    const dash = onlyOfType(resources, DASHBOARD);
    expect(dash.parent).toBe(onlyOfType(resources, "module6:monitoring:PlatformMonitoring").urn);
    const json = JSON.parse(String(dash.inputs.dashboardJson)) as {
      displayName: string;
      mosaicLayout: { columns: number; tiles: Tile[] };
    };
    expect(json.displayName).toBe("module6 test");
    expect(json.mosaicLayout.columns).toBeGreaterThan(0);
    return json.mosaicLayout.tiles;
  }

  it("lays out the golden signals of each service and the error budget of each SLO", async () => {
    const all = await tiles();
    const titles = all.map((t) => t.widget.title);
    for (const service of ["api", "web"]) {
      const mine = titles.filter((t) => t.startsWith(`${service}:`));
      expect(
        mine.some((t) => /requests/.test(t)),
        `${service} requests`,
      ).toBe(true);
      expect(
        mine.some((t) => /5xx ratio/.test(t)),
        `${service} 5xx`,
      ).toBe(true);
      expect(
        mine.some((t) => /p50.*p95.*p99/.test(t)),
        `${service} latency`,
      ).toBe(true);
      expect(
        mine.some((t) => /instances/.test(t)),
        `${service} instances`,
      ).toBe(true);
      expect(
        mine.some((t) => /CPU.*memory/.test(t)),
        `${service} cpu/memory`,
      ).toBe(true);
      expect(
        mine.some((t) => /error budget/.test(t)),
        `${service} budget`,
      ).toBe(true);
    }
    const text = JSON.stringify(all);
    expect(text).toContain('resource.label.service_name=\\"m6-test-api\\"');
    expect(text).toContain('resource.label.service_name=\\"m6-test-web\\"');
    expect(text).toContain("run.googleapis.com/request_latencies");
    expect(text).toContain("run.googleapis.com/container/instance_count");
    expect(text).toContain("run.googleapis.com/container/cpu/utilizations");
    expect(text).toContain("run.googleapis.com/container/memory/utilizations");

    const latency = all.find((t) => t.widget.title.startsWith("api: latency"))!;
    expect(
      latency.widget.xyChart.dataSets.map(
        (d) => ((d.timeSeriesQuery.timeSeriesFilter as Obj).aggregation as Obj).perSeriesAligner,
      ),
    ).toEqual(["ALIGN_PERCENTILE_50", "ALIGN_PERCENTILE_95", "ALIGN_PERCENTILE_99"]);

    const budget = all.find((t) => t.widget.title === "api: error budget remaining")!;
    expect(
      budget.widget.xyChart.dataSets.map((d) => (d.timeSeriesQuery.timeSeriesFilter as Obj).filter),
    ).toEqual([
      'select_slo_budget_fraction("projects/000000000000/services/m6-test-api/serviceLevelObjectives/availability")',
      'select_slo_budget_fraction("projects/000000000000/services/m6-test-api/serviceLevelObjectives/latency")',
    ]);
    expect(text).toContain(
      'select_slo_budget_fraction(\\"projects/000000000000/services/m6-test-web/serviceLevelObjectives/availability\\")',
    );
  });

  it("shows the load balancer, Cloud Armor and Firestore", async () => {
    const all = await tiles();
    const titles = all.map((t) => t.widget.title);
    expect(titles.some((t) => t.startsWith("Load balancer"))).toBe(true);
    expect(titles.some((t) => t.startsWith("Cloud Armor"))).toBe(true);
    expect(titles.some((t) => t.startsWith("Firestore"))).toBe(true);
    const text = JSON.stringify(all);
    expect(text).toContain("loadbalancing.googleapis.com/https/request_count");
    expect(text).toContain("networksecurity.googleapis.com/https/request_count");
    expect(text).toContain("firestore.googleapis.com/document/read_count");
    expect(text).toContain("firestore.googleapis.com/document/write_count");
    // 6 widgets per service, 4 for the platform, no two tiles on the same spot.
    expect(all).toHaveLength(2 * 6 + 4);
    const spots = all.map((t) => `${t.xPos ?? 0},${t.yPos ?? 0}`);
    expect(new Set(spots).size).toBe(all.length);
  });

  // The Monitoring API drops xPos/yPos of 0 and empty lists; JSON that holds them diffs on every up
  // (terraform-provider-google#16173).
  it("emits the JSON the API returns: no zero position, no empty list", async () => {
    const all = await tiles();
    expect(all[0]).not.toHaveProperty("xPos");
    expect(all[0]).not.toHaveProperty("yPos");
    expect(all[1]).toMatchObject({ xPos: 16 });
    expect(all[1]).not.toHaveProperty("yPos");
    expect(all[3]).toMatchObject({ yPos: 12 });
    const { resources } = await full();
    const json = String(onlyOfType(resources, DASHBOARD).inputs.dashboardJson);
    expect(json).not.toMatch(/"(xPos|yPos)":0[,}]/);
    expect(json).not.toContain("[]");
    // Grouped charts keep their grouping.
    expect(json).toContain('"groupByFields":["metric.label.response_code_class"]');
  });

  // One list of widgets, two dashboards: the Cloud Monitoring JSON is exactly the widgets' layout, and the
  // Grafana dashboard rendered from the same result has a panel per tile.
  it("is built from the widgets environmentWidgetsOutput produced, the list Grafana renders too", async () => {
    const { result, resources } = await full();
    const widgets = await valueOf(result.widgets);
    const json = String(onlyOfType(resources, DASHBOARD).inputs.dashboardJson);
    expect(json).toBe(JSON.stringify(dashboard("module6 test", widgets)));
    const grafana = grafanaDashboard("module6 test", widgets, { project: "module6-test-000000" });
    const tiles = (JSON.parse(json) as { mosaicLayout: { tiles: { widget: { title: string } }[] } })
      .mosaicLayout.tiles;
    expect(grafana.panels.map((p) => p.title)).toEqual(tiles.map((t) => t.widget.title));
    expect(grafana.panels).toHaveLength(2 * 6 + 4);
  });
});

describe("validatePlatformMonitoringArgs", () => {
  it("accepts the base args", () => {
    expect(() => validatePlatformMonitoringArgs(baseArgs())).not.toThrow();
  });

  it.each([
    [
      "routing to an unknown channel",
      { routing: { page: ["pager"], ticket: ["ops"] } },
      /routing\.page\[0\]: got "pager"; a configured channel \(oncall, alerts, ops, hook\)/,
    ],
    [
      "a Slack channel without a token",
      { channels: { ops: { type: "slack", channel: "#ops" } }, routing: { page: ["ops"], ticket: ["ops"] } },
      /channels\.ops: got "no token"; a Slack token/,
    ],
    [
      "a PagerDuty channel without a key",
      { channels: { ops: { type: "pagerduty" } }, routing: { page: ["ops"], ticket: ["ops"] } },
      /channels\.ops: got "no service key"; a PagerDuty service key/,
    ],
    [
      "a bad email",
      {
        channels: { ops: { type: "email", address: "ops-at-example" } },
        routing: { page: ["ops"], ticket: ["ops"] },
      },
      /channels\.ops\.address: got "ops-at-example"; an email address/,
    ],
    [
      "a non-https webhook",
      {
        channels: { ops: { type: "webhook", url: "http://hooks.example.com" } },
        routing: { page: ["ops"], ticket: ["ops"] },
      },
      /channels\.ops\.url: got "http:\/\/hooks\.example\.com"; an https URL/,
    ],
    [
      "empty ticket routing",
      { routing: { page: ["oncall"], ticket: [] } },
      /routing\.ticket: got \[\]; at least one channel/,
    ],
    [
      "a bad billing account",
      { budget: { billingAccount: "0123-4567", amount: 100 } },
      /budget\.billingAccount: got "0123-4567"; a billing account id/,
    ],
    [
      "amount 0",
      { budget: { billingAccount: "012345-6789AB-CDEF01", amount: 0 } },
      /budget\.amount: got 0; whole currency units above 0/,
    ],
  ] as [string, Partial<PlatformMonitoringArgs>, RegExp][])("rejects %s", (_case, bad, message) => {
    const args = baseArgs(bad);
    expect(() => validatePlatformMonitoringArgs(args)).toThrow(ValidationError);
    expect(() => validatePlatformMonitoringArgs(args)).toThrow(/^PlatformMonitoring: 1 problem\n/);
    expect(() => validatePlatformMonitoringArgs(args)).toThrow(message);
  });

  it("rejects invalid args in the constructor before registering anything", async () => {
    const { resources } = await record(() => {
      expect(
        () =>
          new PlatformMonitoring("pm-invalid", baseArgs({ routing: { page: ["nope"], ticket: ["ops"] } })),
      ).toThrow(ValidationError);
    });
    expect(resources).toHaveLength(0);
  });
});
