import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { alertDocumentation } from "./monitoring/alert-docs";
import { channelSettings, type ChannelSpec } from "./monitoring/channels";
import { dashboard, type Widget } from "./monitoring/dashboard-json";
import { BACKUP_FRESH_MESSAGE, FirestoreBackupCheck } from "./firestore-backup-check";
import { SECURITY_METRICS, securityFilter } from "./monitoring/security-metrics";
import { Component } from "./shared/component";
import { LOG_METRIC_PROPAGATION, propagationWait } from "./shared/propagation";
import { componentLabels, type CommonArgs } from "./shared/types";
import { patternRule, Problems, rule, type ProblemSink } from "./shared/validation";

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
   * @default - every change alerts
   */
  readonly deployers?: readonly string[];
  /**
   * The Firestore database whose backups are checked hourly (`FirestoreBackupCheck`), with an alert when
   * no recent backup has been confirmed for `BACKUP_ALERT_HOURS`.
   * @default - no backup check
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
   * @default - no budget
   */
  readonly budget?: BudgetArgs;
  /**
   * The project number (budget filter).
   * @default - looked up with `gcp.organizations.getProject`
   */
  readonly projectNumber?: pulumi.Input<string>;
}

/** The budget's currency when {@link BudgetArgs.currency} is left out. */
export const DEFAULT_CURRENCY = "USD";

const BILLING_ACCOUNT = /^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/;

/** The rules of single fields of {@link PlatformMonitoringArgs}; the stack config applies them to its keys. */
export const MONITORING_RULES = {
  channelName: patternRule(/^[a-z][a-z0-9-]{0,39}$/, "1-40 of a-z 0-9 '-', starting with a letter"),
  email: patternRule(/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/, "an email address"),
  slackChannel: patternRule(/^#[a-z0-9_-]{1,80}$/, "a Slack channel such as #alerts"),
  webhookUrl: patternRule(/^https:\/\/\S+$/, "an https URL"),
  /** A channel list of the routing. */
  routed: rule<readonly unknown[]>(
    "at least one channel (every alert must reach someone)",
    (list) => list.length > 0,
  ),
  deployer: patternRule(
    /^[^@\s:]+@[^@\s]+\.[a-z]{2,}$/,
    "an email such as deployer@project.iam.gserviceaccount.com (no serviceAccount: prefix)",
  ),
  billingAccount: patternRule(BILLING_ACCOUNT, "a billing account id such as 012345-6789AB-CDEF01"),
  amount: rule<number>("whole currency units above 0", (a) => Number.isInteger(a) && a > 0),
  currency: patternRule(/^[A-Z]{3}$/, "an ISO 4217 code such as USD"),
};

/** The credential a channel type needs (a Pulumi secret), and how its absence reads. */
export const CHANNEL_CREDENTIALS = {
  slack: { missing: "no token", allowed: "a Slack token (a Pulumi secret)" },
  pagerduty: { missing: "no service key", allowed: "a PagerDuty service key (a Pulumi secret)" },
} as const;

/** Every routed channel name is a configured channel. */
export function checkRoutedChannels(
  p: ProblemSink,
  names: readonly string[],
  routing: { readonly page?: readonly string[]; readonly ticket: readonly string[] },
): void {
  for (const urgency of ["page", "ticket"] as const) {
    (routing[urgency] ?? []).forEach((n, i) =>
      p.check(
        names.includes(n),
        `routing.${urgency}[${i}]`,
        n,
        `a configured channel (${names.join(", ") || "none configured"})`,
      ),
    );
  }
}

/** Checks {@link PlatformMonitoringArgs}; throws one `ValidationError` naming every problem. */
export function validatePlatformMonitoringArgs(args: PlatformMonitoringArgs): void {
  const p = new Problems("PlatformMonitoring");
  const r = MONITORING_RULES;
  for (const [name, spec] of Object.entries(args.channels)) {
    p.rule(`channels.${name}`, name, r.channelName);
    if (spec.type === "email") p.rule(`channels.${name}.address`, spec.address, r.email);
    if (spec.type === "slack") p.rule(`channels.${name}.channel`, spec.channel, r.slackChannel);
    if (spec.type === "webhook") p.rule(`channels.${name}.url`, spec.url, r.webhookUrl);
    const credential =
      spec.type === "slack" ? spec.token : spec.type === "pagerduty" ? spec.serviceKey : undefined;
    if (spec.type === "slack" || spec.type === "pagerduty") {
      const { missing, allowed } = CHANNEL_CREDENTIALS[spec.type];
      p.check(credential !== undefined, `channels.${name}`, missing, allowed);
    }
  }
  p.rule("routing.page", args.routing.page, r.routed);
  p.rule("routing.ticket", args.routing.ticket, r.routed);
  checkRoutedChannels(p, Object.keys(args.channels), args.routing);
  (args.deployers ?? []).forEach((email, i) => p.rule(`deployers[${i}]`, email, r.deployer));
  if (args.budget) {
    p.rule("budget.billingAccount", args.budget.billingAccount, r.billingAccount);
    p.rule("budget.amount", args.budget.amount, r.amount);
    p.rule("budget.currency", args.budget.currency ?? DEFAULT_CURRENCY, r.currency);
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
              currencyCode: args.budget.currency ?? DEFAULT_CURRENCY,
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

  /**
   * The environment's dashboard in Cloud Monitoring, from the widgets `environmentWidgetsOutput`
   * (components/monitoring/environment-widgets.ts) produces — the same list the Grafana dashboard renders.
   */
  addDashboard(title: string, widgets: pulumi.Input<readonly Widget[]>): gcp.monitoring.Dashboard {
    return new gcp.monitoring.Dashboard(
      this.baseName,
      {
        project: this.project,
        dashboardJson: pulumi.output(widgets).apply((list) => JSON.stringify(dashboard(title, list))),
      },
      this.child(),
    );
  }
}
