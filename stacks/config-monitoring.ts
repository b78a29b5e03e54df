/**
 * `module6:monitoring`: service levels, notification channels and routing, uptime checks, logging and the
 * budget (prod and staging). The schema holds the fields' rules (the components' own: service-monitoring,
 * platform-monitoring, audit-logging); `resolveMonitoring` applies the preset and the rules that involve
 * the kind or the channel credentials.
 */
import { z } from "zod";
import {
  AUDIT_LOGGING_DEFAULTS,
  AUDIT_LOGGING_RULES,
  FIRESTORE_DATA_ACCESS,
  type FirestoreDataAccess,
} from "../components/audit-logging";
import {
  CHANNEL_CREDENTIALS,
  DEFAULT_CURRENCY,
  MONITORING_RULES,
  checkRoutedChannels,
} from "../components/platform-monitoring";
import {
  SERVICE_LEVEL_DEFAULTS,
  SERVICE_MONITORING_RULES,
  UPTIME_DEFAULTS,
  type ServiceLevels,
} from "../components/service-monitoring";
import type { Problem } from "../components/shared/validation";
import { byKind, doc, docDefault, issuesOf, keyed, ruled } from "./config-fields";
import { problemAt } from "./config-problems";
import { CHANNEL_KEY_PREFIX } from "./namespace";
import type { Preset } from "./presets";

const SLO = SERVICE_MONITORING_RULES;
const M = MONITORING_RULES;

export const serviceLevelsSchema = z.strictObject({
  availabilityGoal: docDefault(
    ruled(z.number(), SLO.goal).optional(),
    "Share of requests that must not fail with 5xx (measured per service and at the load balancer).",
    SERVICE_LEVEL_DEFAULTS.availabilityGoal,
  ),
  latencyGoal: docDefault(
    ruled(z.number(), SLO.goal).optional(),
    "Share of requests that must be faster than `latencyThresholdMs`.",
    SERVICE_LEVEL_DEFAULTS.latencyGoal,
  ),
  latencyThresholdMs: docDefault(
    ruled(z.number(), SLO.latencyThresholdMs).optional(),
    "The latency threshold in milliseconds.",
    SERVICE_LEVEL_DEFAULTS.latencyThresholdMs,
  ),
  periodDays: docDefault(
    ruled(z.int(), SLO.periodDays).optional(),
    "Rolling SLO period; the burn-rate alert thresholds follow from it.",
    SERVICE_LEVEL_DEFAULTS.periodDays,
  ),
});

const channelSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: doc(z.literal("email"), "An email channel."),
    address: doc(ruled(z.string(), M.email), "The address alerts are sent to."),
  }),
  z.strictObject({
    type: doc(z.literal("slack"), "A Slack channel; its token is the secret `module6:channel-<name>`."),
    channel: doc(ruled(z.string(), M.slackChannel), "The Slack channel."),
  }),
  z.strictObject({
    type: doc(z.literal("pagerduty"), "A PagerDuty service; its key is the secret `module6:channel-<name>`."),
  }),
  z.strictObject({
    type: doc(z.literal("webhook"), "A webhook with token authentication."),
    url: doc(ruled(z.string(), M.webhookUrl), "The webhook's URL."),
  }),
]);

const channelNames = z.array(z.string());

const uptimeSchema = z.strictObject({
  periodSeconds: doc(
    ruled(z.int(), SLO.uptimePeriodSeconds).optional(),
    "How often each checker region probes.",
    byKind((p) => p.uptimePeriodSeconds),
  ),
  regions: docDefault(
    ruled(z.array(ruled(z.string(), SLO.uptimeRegion)), SLO.uptimeRegions).optional(),
    "Checker regions.",
    UPTIME_DEFAULTS.regions,
  ),
});

const loggingSchema = z.strictObject({
  appLogRetentionDays: doc(
    ruled(z.int(), AUDIT_LOGGING_RULES.retentionDays).default(AUDIT_LOGGING_DEFAULTS.appLogRetentionDays),
    "Days the application-log bucket keeps Cloud Run logs.",
  ),
  auditRetentionDays: doc(
    ruled(z.int(), AUDIT_LOGGING_RULES.retentionDays).default(AUDIT_LOGGING_DEFAULTS.auditRetentionDays),
    "Days the audit-log archive keeps every object (locked in prod: nobody can shorten it).",
  ),
  firestoreDataAccess: doc(
    z.enum(FIRESTORE_DATA_ACCESS).default(AUDIT_LOGGING_DEFAULTS.firestoreDataAccess),
    "Firestore's data-plane audit logs: `except-runtime` logs every principal but the services themselves, `all` also logs the services' own traffic, `off` sets nothing for Firestore, which then logs as with `all` (the allServices audit config covers it).",
  ),
});

const budgetSchema = z.strictObject({
  billingAccount: doc(ruled(z.string(), M.billingAccount), "The billing account the budget watches."),
  amount: doc(ruled(z.number(), M.amount), "Monthly amount; alerts at 50, 90 and 100 % and on forecast."),
  currency: docDefault(
    ruled(z.string(), M.currency).optional(),
    "Currency of the billing account.",
    DEFAULT_CURRENCY,
  ),
});

export const monitoringSchema = z
  .strictObject({
    slo: doc(
      serviceLevelsSchema.optional(),
      "The service levels of every service (a service may override them).",
    ),
    channels: doc(
      keyed(z.record(z.string(), channelSchema), M.channelName),
      "Notification channels by name.",
    ),
    routing: doc(
      z.strictObject({
        page: doc(
          channelNames.optional(),
          "Channels that page (on-call); at least one where the kind pages (prod).",
          "none; staging routes pages to the ticket channels",
        ),
        ticket: doc(ruled(channelNames, M.routed), "Channels that open a ticket."),
      }),
      "Where alerts go, by channel name.",
    ),
    paging: doc(
      z.boolean().optional(),
      "Whether page alerts page.",
      byKind((p) => p.paging),
    ),
    uptime: doc(uptimeSchema.optional(), "Uptime checks of public services through the load balancer."),
    logging: doc(loggingSchema.prefault({}), "Log retention and audit logs."),
    deployers: doc(
      z.array(ruled(z.string(), M.deployer)).default([]),
      "Emails of the identities that deploy the program: their routine secret reads and IAM changes do not alert.",
    ),
    budget: doc(
      budgetSchema.optional(),
      "A monthly budget for the project, alerting the ticket channels.",
      "none",
    ),
  })
  .superRefine((m, ctx) => checkRoutedChannels(issuesOf(ctx), Object.keys(m.channels), m.routing));

export type MonitoringInput = z.output<typeof monitoringSchema>;
/** A channel as config declares it (credentials come from `module6:channel-<name>`). */
export type ChannelConfig = z.output<typeof channelSchema>;

/** Monitoring, resolved over the preset. */
export interface MonitoringConfig {
  readonly slo: Required<ServiceLevels>;
  readonly channels: Readonly<Record<string, ChannelConfig>>;
  /** Channel names for pages; the ticket channels where the kind does not page (staging). */
  readonly page: readonly string[];
  readonly ticket: readonly string[];
  readonly paging: boolean;
  readonly uptime: { readonly periodSeconds: number; readonly regions?: readonly string[] };
  readonly logging: {
    readonly appLogRetentionDays: number;
    readonly auditRetentionDays: number;
    readonly lockAuditRetention: boolean;
    readonly firestoreDataAccess: FirestoreDataAccess;
  };
  /** Emails of the identities that deploy the program: their routine does not alert. */
  readonly deployers: readonly string[];
  readonly budget: MonitoringInput["budget"];
  /** Channels that have a credential in config (`module6:channel-<name>`); names only. */
  readonly credentials: readonly string[];
}

/** Monitoring over the preset; `undefined` for kinds without it (or when the block is missing). */
export function resolveMonitoring(
  kind: string,
  input: MonitoringInput | undefined,
  preset: Preset,
  channelSecretNames: readonly string[],
): { value: MonitoringConfig | undefined; problems: Problem[] } {
  if (!preset.monitoring) {
    const problems =
      input === undefined
        ? []
        : [problemAt("monitoring", "a block", `no monitoring block in a ${kind} stack`)];
    return { value: undefined, problems };
  }
  if (input === undefined) {
    const allowed = `a monitoring block with channels and routing in a ${kind} stack (every alert must reach someone)`;
    return { value: undefined, problems: [problemAt("monitoring", undefined, allowed)] };
  }
  const paging = input.paging ?? preset.paging;
  const value: MonitoringConfig = {
    slo: { ...SERVICE_LEVEL_DEFAULTS, ...input.slo },
    channels: input.channels,
    page: paging ? (input.routing.page ?? []) : input.routing.ticket,
    ticket: input.routing.ticket,
    paging,
    uptime: {
      periodSeconds: input.uptime?.periodSeconds ?? preset.uptimePeriodSeconds,
      regions: input.uptime?.regions,
    },
    logging: { ...input.logging, lockAuditRetention: preset.lockAuditRetention },
    deployers: input.deployers,
    budget: input.budget,
    credentials: channelSecretNames.filter((n) => n in input.channels),
  };
  const problems = credentialProblems(input.channels, channelSecretNames);
  if (paging && value.page.length === 0)
    problems.push(
      problemAt("monitoring.routing.page", [], `at least one channel in a ${kind} stack (it pages)`),
    );
  return { value, problems };
}

/** Every Slack or PagerDuty channel has its credential, and every credential a channel. */
function credentialProblems(
  channels: Readonly<Record<string, ChannelConfig>>,
  credentials: readonly string[],
): Problem[] {
  const problems: Problem[] = [];
  for (const name of credentials) {
    if (!(name in channels))
      problems.push(
        problemAt(
          `${CHANNEL_KEY_PREFIX}${name}`,
          "(value hidden)",
          "a credential only for a channel declared under monitoring.channels",
        ),
      );
  }
  for (const [name, channel] of Object.entries(channels)) {
    if ((channel.type === "slack" || channel.type === "pagerduty") && !credentials.includes(name)) {
      const { missing, allowed } = CHANNEL_CREDENTIALS[channel.type];
      problems.push(problemAt(`${CHANNEL_KEY_PREFIX}${name}`, missing, allowed));
    }
  }
  return problems;
}
