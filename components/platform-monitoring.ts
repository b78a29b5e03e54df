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
import { BACKUP_FRESH_MESSAGE, FirestoreBackupCheck } from "./firestore-backup-check";
import { SECURITY_METRICS, securityFilter } from "./monitoring/security-metrics";
import { Component } from "./shared/component";
import { LOG_METRIC_PROPAGATION, propagationWait } from "./shared/propagation";
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
  /** Runtime service-account emails: expected readers of secrets. */
  readonly runtimeAccounts: readonly pulumi.Input<string>[];
  /**
   * Anchored RE2 patterns of other accounts this program creates that read secrets by design (in the
   * project that hosts feature environments: their runtime accounts, which mount staging's secrets).
   * @default []
   */
  readonly readerPatterns?: readonly string[];
  /**
   * Emails of the identities that deploy this program (CI's deployer service account). What they do is
   * routine: reading secret versions (every `pulumi refresh` of a `SecretVersion`) and IAM, audit-config,
   * role, network, firewall and bucket-IAM changes (every `pulumi up`, feature stacks' grants included)
   * do not alert. Key creation still does.
   * @default [] - every change alerts
   */
  readonly deployers?: readonly string[];
  /**
   * The Firestore database whose backups are checked hourly (`FirestoreBackupCheck`), with an alert when
   * no recent backup has been confirmed for `BACKUP_ALERT_HOURS`.
   * @default undefined - no backup check
   */
  readonly backupCheck?: {
    /** The database id. */
    readonly database: pulumi.Input<string>;
    /** The database's location (its backups live there). */
    readonly location: string;
    /** The region the check runs in (the stack's region). */
    readonly region: string;
    /**
     * Deletion protection of the check's Cloud Run job.
     * @default true
     */
    readonly deletionProtection?: boolean;
  };
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
  (args.deployers ?? []).forEach((email, i) =>
    p.check(
      /^[^@\s:]+@[^@\s]+\.[a-z]{2,}$/.test(email),
      `deployers[${i}]`,
      email,
      "an email such as deployer@project.iam.gserviceaccount.com (no serviceAccount: prefix)",
    ),
  );
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

/** Hours the newest Firestore backup may be old before the hourly check stops confirming it. */
export const BACKUP_WINDOW_HOURS = 26;
/** Hours without a confirmation from the backup check before the backup alert fires (three runs). */
export const BACKUP_ALERT_HOURS = 3;

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
    const routine = pulumi.all([...args.runtimeAccounts]).apply((runtimeAccounts) => ({
      runtimeAccounts,
      readerPatterns: args.readerPatterns ?? [],
      deployers: args.deployers ?? [],
    }));
    const logMetrics: gcp.logging.Metric[] = [];
    const security = SECURITY_METRICS.map((metric) => {
      const filter = routine.apply((r) => securityFilter(metric, r));
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
      logMetrics.push(logMetric);
      return { metric, filter, logMetric };
    });

    let backups: { metric: gcp.logging.Metric; filter: pulumi.Output<string> } | undefined;
    if (args.backupCheck !== undefined) {
      const check = new FirestoreBackupCheck(
        `${name}-backup-check`,
        {
          project: args.project,
          region: args.backupCheck.region,
          labels: args.labels,
          naming: args.naming,
          database: args.backupCheck.database,
          location: args.backupCheck.location,
          maxAgeHours: BACKUP_WINDOW_HOURS,
          deletionProtection: args.backupCheck.deletionProtection,
        },
        this.child(),
      );
      const filter = pulumi.interpolate`resource.type="cloud_run_job" AND resource.labels.job_name="${check.jobName}" AND jsonPayload.message="${BACKUP_FRESH_MESSAGE}"`;
      const metric = new gcp.logging.Metric(
        `${name}-firestore-backups`,
        {
          project: args.project,
          name: args.naming.name("generic", "firestore-backups"),
          description: `Confirmations that the newest Firestore backup is under ${BACKUP_WINDOW_HOURS} h old`,
          filter,
          metricDescriptor: { metricKind: "DELTA", valueType: "INT64", unit: "1" },
        },
        this.child(),
      );
      logMetrics.push(metric);
      backups = { metric, filter };
    }

    // Alerts on a log-based metric created in the same `up` get 404 until Cloud Monitoring knows the
    // metric: they wait once for every new metric name (components/shared/propagation.ts).
    const metricsKnown = propagationWait(
      `${name}-log-metrics-propagation`,
      LOG_METRIC_PROPAGATION,
      logMetrics.map((m) => m.name),
      this.child(),
    );

    for (const { metric, filter, logMetric } of security) {
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
              // The Logs link uses the resolved filter (routine principals left out), like the metric.
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
          this.child({ dependsOn: [metricsKnown] }),
        ),
      );
    }

    if (backups !== undefined) {
      const { metric, filter } = backups;
      policies.push(
        new gcp.monitoring.AlertPolicy(
          `${name}-firestore-backup-missing`,
          {
            project: args.project,
            displayName: `[ticket] No recent Firestore backup confirmed in ${BACKUP_ALERT_HOURS} h`,
            combiner: "OR",
            enabled: true,
            severity: "WARNING",
            conditions: [
              {
                displayName: `no backup under ${BACKUP_WINDOW_HOURS} h old confirmed in ${BACKUP_ALERT_HOURS} h`,
                conditionPrometheusQueryLanguage: {
                  // The metric name holds '-', '/' and '.': PromQL needs the quoted __name__ form.
                  query: pulumi.interpolate`absent_over_time({"__name__"="logging.googleapis.com/user/${metric.name}"}[${BACKUP_ALERT_HOURS}h])`,
                  duration: "0s",
                  evaluationInterval: "300s",
                },
              },
            ],
            notificationChannels: this.ticketChannels,
            userLabels: { ...labels, urgency: "ticket" },
            documentation: {
              mimeType: "text/markdown",
              content: pulumi.all([args.project, filter]).apply(([project, query]) =>
                alertDocumentation({
                  what: `The hourly backup check has not confirmed a Firestore backup younger than ${BACKUP_WINDOW_HOURS} hours for ${BACKUP_ALERT_HOURS} hours: the daily schedule missed a run, or the check itself fails.`,
                  checks: [
                    "Read the check's last runs (`gcloud run jobs executions list`): firestore-backup-stale / -missing, or an error of the check?",
                    "List backups and schedules: `gcloud firestore backups list --location=<location>`, `gcloud firestore backups schedules list --database=<db>`.",
                    "Run the DR drill (`npm run ops -- dr drill`) once a backup exists again.",
                  ],
                  project,
                  logQuery: query.replace(` AND jsonPayload.message="${BACKUP_FRESH_MESSAGE}"`, ""),
                }),
              ),
            },
          },
          this.child({ dependsOn: [metricsKnown] }),
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
