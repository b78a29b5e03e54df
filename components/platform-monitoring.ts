import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { alertDocumentation } from "./monitoring/alert-docs";
import { channelSettings, type ChannelSpec } from "./monitoring/channels";
import {
  dashboard,
  platformWidgets,
  serviceWidgets,
  type DashboardService,
} from "./monitoring/dashboard-json";
import { SECURITY_METRICS } from "./monitoring/security-metrics";
import { Component } from "./shared/component";
import { componentLabels, type CommonArgs } from "./shared/types";
import { Problems } from "./shared/validation";

/** A billing budget for the environment's project. */
export interface BudgetArgs {
  /** Billing account id, `XXXXXX-XXXXXX-XXXXXX`. */
  readonly billingAccount: string;
  /** Monthly amount in whole currency units. */
  readonly amount: number;
  /**
   * ISO 4217 currency of the billing account.
   * @default "USD"
   */
  readonly currency?: string;
}

/** Arguments of {@link PlatformMonitoring}. */
export interface PlatformMonitoringArgs extends Omit<CommonArgs, "region"> {
  /** Notification channels by name. */
  readonly channels: Readonly<Record<string, ChannelSpec>>;
  /** Channel names that page and that open tickets (staging sends both to ticket channels). */
  readonly routing: { readonly page: readonly string[]; readonly ticket: readonly string[] };
  /** Runtime service-account emails: the only expected readers of secrets. */
  readonly runtimeAccounts: readonly pulumi.Input<string>[];
  /**
   * The Firestore database whose backups are watched (an alert when none succeeded in 26 hours).
   * @default undefined - no backup alert
   */
  readonly firestoreDatabase?: pulumi.Input<string>;
  /**
   * A budget with 50/90/100 % actual and 100 % forecast thresholds, to the ticket channels.
   * @default undefined - no budget
   */
  readonly budget?: BudgetArgs;
  /**
   * The project number (budget filter).
   * @default - looked up with `gcp.organizations.getProject`
   */
  readonly projectNumber?: pulumi.Input<string>;
}

const BILLING_ACCOUNT = /^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/;

/** Checks {@link PlatformMonitoringArgs}; throws one `ValidationError` naming every problem. */
export function validatePlatformMonitoringArgs(args: PlatformMonitoringArgs): void {
  const p = new Problems("PlatformMonitoring");
  const names = Object.keys(args.channels);
  for (const [name, spec] of Object.entries(args.channels)) {
    p.check(
      /^[a-z][a-z0-9-]{0,39}$/.test(name),
      `channels.${name}`,
      name,
      "1-40 of a-z 0-9 '-', starting with a letter",
    );
    if (spec.type === "email")
      p.check(
        /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/.test(spec.address),
        `channels.${name}.address`,
        spec.address,
        "an email address",
      );
    if (spec.type === "slack") {
      p.check(
        /^#[a-z0-9_-]{1,80}$/.test(spec.channel),
        `channels.${name}.channel`,
        spec.channel,
        "a Slack channel such as #alerts",
      );
      p.check(spec.token !== undefined, `channels.${name}`, "no token", "a Slack token (a Pulumi secret)");
    }
    if (spec.type === "pagerduty")
      p.check(
        spec.serviceKey !== undefined,
        `channels.${name}`,
        "no service key",
        "a PagerDuty service key (a Pulumi secret)",
      );
    if (spec.type === "webhook")
      p.check(/^https:\/\/\S+$/.test(spec.url), `channels.${name}.url`, spec.url, "an https URL");
  }
  for (const urgency of ["page", "ticket"] as const) {
    const routed = args.routing[urgency];
    p.check(
      routed.length > 0,
      `routing.${urgency}`,
      routed,
      "at least one channel (every alert must reach someone)",
    );
    routed.forEach((n, i) =>
      p.check(
        names.includes(n),
        `routing.${urgency}[${i}]`,
        n,
        `a configured channel (${names.join(", ") || "none configured"})`,
      ),
    );
  }
  if (args.budget) {
    p.check(
      BILLING_ACCOUNT.test(args.budget.billingAccount),
      "budget.billingAccount",
      args.budget.billingAccount,
      "a billing account id such as 012345-6789AB-CDEF01",
    );
    p.check(
      Number.isInteger(args.budget.amount) && args.budget.amount > 0,
      "budget.amount",
      args.budget.amount,
      "whole currency units above 0",
    );
    const currency = args.budget.currency ?? "USD";
    p.check(/^[A-Z]{3}$/.test(currency), "budget.currency", currency, "an ISO 4217 code such as USD");
  }
  p.throwIfAny();
}

/** Budget alert thresholds: share of the amount, and whether on actual or forecast spend. */
export const BUDGET_THRESHOLDS = [
  { thresholdPercent: 0.5, spendBasis: "CURRENT_SPEND" },
  { thresholdPercent: 0.9, spendBasis: "CURRENT_SPEND" },
  { thresholdPercent: 1.0, spendBasis: "CURRENT_SPEND" },
  { thresholdPercent: 1.0, spendBasis: "FORECASTED_SPEND" },
] as const;

/** Hours without a successful Firestore backup before the backup alert fires. */
export const BACKUP_WINDOW_HOURS = 26;

/**
 * What an operations team watches across an environment: notification channels, log-based security
 * metrics with alerts, the Firestore backup watch, the budget and (through `addDashboard`) the dashboard.
 */
export class PlatformMonitoring extends Component {
  /** Channel ids that page. */
  readonly pageChannels: pulumi.Output<string>[];
  /** Channel ids that open tickets. */
  readonly ticketChannels: pulumi.Output<string>[];
  readonly alertPolicies: readonly gcp.monitoring.AlertPolicy[];
  private readonly baseName: string;
  private readonly project: pulumi.Input<string>;

  constructor(name: string, args: PlatformMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    validatePlatformMonitoringArgs(args);
    super("module6:monitoring:PlatformMonitoring", name, opts);
    this.baseName = name;
    this.project = args.project;
    const labels = componentLabels(args.labels, "monitoring");

    const channels: Record<string, gcp.monitoring.NotificationChannel> = {};
    for (const [channelName, spec] of Object.entries(args.channels)) {
      const settings = channelSettings(spec);
      channels[channelName] = new gcp.monitoring.NotificationChannel(
        `${name}-${channelName}`,
        {
          project: args.project,
          displayName: `${args.labels.stack ?? ""} ${channelName}`.trim(),
          type: settings.type,
          labels: settings.labels,
          sensitiveLabels: settings.sensitiveLabels,
          userLabels: labels,
          enabled: true,
        },
        this.child(),
      );
    }
    const ids = (names: readonly string[]) =>
      names.map((n) => channels[n]?.id).filter((id): id is pulumi.Output<string> => id !== undefined);
    this.pageChannels = ids(args.routing.page);
    this.ticketChannels = ids(args.routing.ticket);

    const policies: gcp.monitoring.AlertPolicy[] = [];
    const runtime = pulumi
      .all([...args.runtimeAccounts])
      .apply((emails) => `^(${emails.map((e) => e.replace(/[.]/g, "\\\\.")).join("|")})$`);
    for (const metric of SECURITY_METRICS) {
      const filter = metric.filter.includes("{runtimeAccounts}")
        ? runtime.apply((re) => metric.filter.replace("{runtimeAccounts}", re))
        : metric.filter;
      const logMetric = new gcp.logging.Metric(
        `${name}-${metric.id}`,
        {
          project: args.project,
          name: args.naming.name("generic", metric.id),
          description: metric.description,
          filter,
          metricDescriptor: { metricKind: "DELTA", valueType: "INT64", unit: "1" },
        },
        this.child(),
      );
      policies.push(
        new gcp.monitoring.AlertPolicy(
          `${name}-${metric.id}`,
          {
            project: args.project,
            displayName: `[ticket] Security: ${metric.description.toLowerCase()}`,
            combiner: "OR",
            enabled: true,
            severity: "WARNING",
            conditions: [
              {
                displayName: `${metric.id} > ${metric.threshold} in 5 min`,
                conditionThreshold: {
                  filter: pulumi.interpolate`metric.type="logging.googleapis.com/user/${logMetric.name}"`,
                  aggregations: [
                    {
                      alignmentPeriod: "300s",
                      perSeriesAligner: "ALIGN_SUM",
                      crossSeriesReducer: "REDUCE_SUM",
                    },
                  ],
                  comparison: "COMPARISON_GT",
                  thresholdValue: metric.threshold,
                  duration: "0s",
                  trigger: { count: 1 },
                },
              },
            ],
            notificationChannels: this.ticketChannels,
            userLabels: {
              ...labels,
              urgency: "ticket",
              ...(metric.cis ? { cis: `cis-${metric.cis.replace(".", "-")}` } : {}),
            },
            documentation: {
              mimeType: "text/markdown",
              // The Logs link uses the resolved filter (runtime accounts filled in), like the metric itself.
              content: pulumi.all([args.project, filter]).apply(([project, query]) =>
                alertDocumentation({
                  what: metric.description,
                  checks: metric.checks,
                  project,
                  logQuery: query,
                }),
              ),
            },
          },
          this.child(),
        ),
      );
    }

    if (args.firestoreDatabase !== undefined) {
      const backups = new gcp.logging.Metric(
        `${name}-firestore-backups`,
        {
          project: args.project,
          name: args.naming.name("generic", "firestore-backups"),
          description: "Successful Firestore backups",
          filter: pulumi.interpolate`protoPayload.serviceName="firestore.googleapis.com" AND protoPayload.methodName=~"Backup" AND protoPayload.resourceName:"databases/${args.firestoreDatabase}" AND severity<ERROR`,
          metricDescriptor: { metricKind: "DELTA", valueType: "INT64", unit: "1" },
        },
        this.child(),
      );
      policies.push(
        new gcp.monitoring.AlertPolicy(
          `${name}-firestore-backup-missing`,
          {
            project: args.project,
            displayName: `[ticket] No Firestore backup succeeded in ${BACKUP_WINDOW_HOURS} h`,
            combiner: "OR",
            enabled: true,
            severity: "WARNING",
            conditions: [
              {
                displayName: `no successful backup in ${BACKUP_WINDOW_HOURS} h`,
                conditionPrometheusQueryLanguage: {
                  // The metric name holds '-', '/' and '.': PromQL needs the quoted __name__ form.
                  query: pulumi.interpolate`absent_over_time({"__name__"="logging.googleapis.com/user/${backups.name}"}[${BACKUP_WINDOW_HOURS}h])`,
                  duration: "0s",
                  evaluationInterval: "300s",
                },
              },
            ],
            notificationChannels: this.ticketChannels,
            userLabels: { ...labels, urgency: "ticket" },
            documentation: {
              mimeType: "text/markdown",
              content: pulumi.output(args.project).apply((project) =>
                alertDocumentation({
                  what: `No Firestore backup of the environment's database succeeded in the last ${BACKUP_WINDOW_HOURS} hours: the daily schedule missed a run.`,
                  checks: [
                    "List backups: `gcloud firestore backups list --location=<region>`.",
                    "Check the backup schedules still exist: `gcloud firestore backups schedules list --database=<db>`.",
                    "Run the DR drill (`npm run ops -- dr drill`) once a backup exists again.",
                  ],
                  project,
                  logQuery:
                    'protoPayload.serviceName="firestore.googleapis.com" AND protoPayload.methodName=~"Backup"',
                }),
              ),
            },
          },
          this.child(),
        ),
      );
    }

    if (args.budget) {
      const number =
        args.projectNumber ??
        gcp.organizations.getProjectOutput({ projectId: args.project }, this.child()).number;
      new gcp.billing.Budget(
        name,
        {
          billingAccount: args.budget.billingAccount,
          displayName: `${args.labels.app ?? "module6"} ${args.labels.stack ?? ""} monthly budget`.trim(),
          budgetFilter: { projects: [pulumi.interpolate`projects/${number}`], calendarPeriod: "MONTH" },
          amount: {
            specifiedAmount: {
              currencyCode: args.budget.currency ?? "USD",
              units: String(args.budget.amount),
            },
          },
          thresholdRules: BUDGET_THRESHOLDS.map((t) => ({ ...t })),
          allUpdatesRule: {
            monitoringNotificationChannels: this.ticketChannels,
            disableDefaultIamRecipients: false,
          },
        },
        this.child(),
      );
    }
    this.alertPolicies = policies;
    this.registerOutputs({ pageChannels: this.pageChannels, ticketChannels: this.ticketChannels });
  }

  /** The environment's dashboard: golden signals and error budget per service, then the platform. */
  addDashboard(
    title: string,
    services: readonly {
      readonly name: string;
      readonly cloudRunService: pulumi.Input<string>;
      readonly slos: readonly { id: string; name: pulumi.Output<string> }[];
    }[],
  ): gcp.monitoring.Dashboard {
    const resolved = pulumi.all(
      services.map((s) =>
        pulumi
          .all([s.cloudRunService, ...s.slos.map((x) => x.name)])
          .apply(([run, ...names]): DashboardService => ({
            name: s.name,
            cloudRunService: run ?? "",
            slos: Object.fromEntries(s.slos.map((x, i) => [x.id, names[i] ?? ""])),
          })),
      ),
    );
    return new gcp.monitoring.Dashboard(
      this.baseName,
      {
        project: this.project,
        dashboardJson: resolved.apply((list) =>
          JSON.stringify(dashboard(title, [...list.flatMap(serviceWidgets), ...platformWidgets()])),
        ),
      },
      this.child(),
    );
  }
}
