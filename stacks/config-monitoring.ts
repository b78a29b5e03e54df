/**
 * The monitoring of an environment from config: service levels, notification channels and routing,
 * uptime checks, logging and the budget — validated with config key paths. Prod and staging only.
 */
import { z } from "zod";
import {
  FIRESTORE_DATA_ACCESS,
  validateAuditLoggingArgs,
  type FirestoreDataAccess,
} from "../components/audit-logging";
import type { ChannelSpec } from "../components/monitoring/channels";
import { validatePlatformMonitoringArgs } from "../components/platform-monitoring";
import { validateServiceMonitoringArgs, type ServiceLevels } from "../components/service-monitoring";
import type { CommonArgs } from "../components/shared/types";
import type { Problem } from "../components/shared/validation";
import { collect, problemAt } from "./config-problems";
import { CHANNEL_KEY_PREFIX, NAMESPACE } from "./namespace";
import type { Preset } from "./presets";

const share = z.number();
export const serviceLevelsSchema = z.strictObject({
  availabilityGoal: share.optional(),
  latencyGoal: share.optional(),
  latencyThresholdMs: z.number().optional(),
  periodDays: z.int().optional(),
});

const channelSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("email"), address: z.string() }),
  z.strictObject({ type: z.literal("slack"), channel: z.string() }),
  z.strictObject({ type: z.literal("pagerduty") }),
  z.strictObject({ type: z.literal("webhook"), url: z.string() }),
]);

export const monitoringSchema = z.strictObject({
  slo: serviceLevelsSchema.optional(),
  channels: z.record(z.string(), channelSchema),
  routing: z.strictObject({ page: z.array(z.string()).optional(), ticket: z.array(z.string()) }),
  paging: z.boolean().optional(),
  uptime: z
    .strictObject({ periodSeconds: z.int().optional(), regions: z.array(z.string()).optional() })
    .optional(),
  logging: z
    .strictObject({
      appLogRetentionDays: z.int().optional(),
      auditRetentionDays: z.int().optional(),
      firestoreDataAccess: z.enum(FIRESTORE_DATA_ACCESS).optional(),
    })
    .optional(),
  deployers: z.array(z.string()).optional(),
  budget: z
    .strictObject({ billingAccount: z.string(), amount: z.number(), currency: z.string().optional() })
    .optional(),
});

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

export const DEFAULT_SERVICE_LEVELS: Required<ServiceLevels> = {
  availabilityGoal: 0.999,
  latencyGoal: 0.95,
  latencyThresholdMs: 200,
  periodDays: 30,
};

/** A channel spec for validation: credentials stand in as present or absent. */
function specFor(channel: ChannelConfig, hasCredential: boolean): ChannelSpec {
  if (channel.type === "slack") return { ...channel, token: hasCredential ? "set" : undefined };
  if (channel.type === "pagerduty") return { ...channel, serviceKey: hasCredential ? "set" : undefined };
  return channel;
}

/** Resolves and validates monitoring; `undefined` for kinds without it. */
export function resolveMonitoring(
  kind: string,
  input: MonitoringInput | undefined,
  preset: Preset,
  channelSecretNames: readonly string[],
  serviceLevels: readonly { readonly name: string; readonly slo?: ServiceLevels }[],
  common: CommonArgs,
  problems: Problem[],
): MonitoringConfig | undefined {
  if (!preset.monitoring) {
    if (input !== undefined)
      problems.push(problemAt("monitoring", "a block", `no monitoring block in a ${kind} stack`));
    return undefined;
  }
  if (input === undefined) {
    problems.push(
      problemAt(
        "monitoring",
        undefined,
        `a monitoring block with channels and routing in a ${kind} stack (every alert must reach someone)`,
      ),
    );
    return undefined;
  }
  const paging = input.paging ?? preset.paging;
  const resolved: MonitoringConfig = {
    slo: { ...DEFAULT_SERVICE_LEVELS, ...input.slo },
    channels: input.channels,
    page: paging ? (input.routing.page ?? []) : input.routing.ticket,
    ticket: input.routing.ticket,
    paging,
    uptime: {
      periodSeconds: input.uptime?.periodSeconds ?? preset.uptimePeriodSeconds,
      regions: input.uptime?.regions,
    },
    logging: {
      appLogRetentionDays: input.logging?.appLogRetentionDays ?? 30,
      auditRetentionDays: input.logging?.auditRetentionDays ?? 400,
      lockAuditRetention: preset.lockAuditRetention,
      firestoreDataAccess: input.logging?.firestoreDataAccess ?? "except-runtime",
    },
    deployers: input.deployers ?? [],
    budget: input.budget,
    credentials: channelSecretNames.filter((n) => n in input.channels),
  };

  for (const name of channelSecretNames) {
    if (!(name in input.channels))
      problems.push(
        problemAt(
          `${CHANNEL_KEY_PREFIX}${name}`,
          "(value hidden)",
          "a credential only for a channel declared under monitoring.channels",
        ),
      );
  }
  collect(
    problems,
    (path) => {
      const missing = /^channels\.([^.]+)$/.exec(path);
      if (missing?.[1] !== undefined) return `${CHANNEL_KEY_PREFIX}${missing[1]}`;
      if (path.startsWith("routing.page") && !paging) return undefined;
      return `monitoring.${path}`;
    },
    () =>
      validatePlatformMonitoringArgs({
        ...common,
        channels: Object.fromEntries(
          Object.entries(input.channels).map(([n, c]) => [n, specFor(c, channelSecretNames.includes(n))]),
        ),
        routing: { page: resolved.page, ticket: resolved.ticket },
        runtimeAccounts: [],
        deployers: input.deployers,
        budget: input.budget,
      }),
  );
  if (paging && (input.routing.page ?? []).length === 0) {
    problems.push(
      problemAt("monitoring.routing.page", [], `at least one channel in a ${kind} stack (it pages)`),
    );
  }
  collect(problems, "monitoring.logging.", () => validateAuditLoggingArgs({ ...common, ...input.logging }));
  for (const service of [{ name: "defaults", slo: {} }, ...serviceLevels]) {
    const at = service.name === "defaults" ? "monitoring.slo." : `services.${service.name}.slo.`;
    collect(
      problems,
      (path) => (path.startsWith("routing") || path.startsWith("uptime") ? undefined : `${at}${path}`),
      () =>
        validateServiceMonitoringArgs({
          ...common,
          ...resolved.slo,
          ...service.slo,
          name: service.name,
          cloudRunService: "x",
          location: "x",
          routing: { page: ["x"], ticket: ["x"] },
        }),
    );
  }
  collect(
    problems,
    (path) => (path.startsWith("uptime.") ? `monitoring.${path.replace(/^uptime\./, "uptime.")}` : undefined),
    () =>
      validateServiceMonitoringArgs({
        ...common,
        name: "uptime",
        cloudRunService: "x",
        location: "x",
        routing: { page: ["x"], ticket: ["x"] },
        uptime: {
          host: "example.com",
          path: "/",
          periodSeconds: resolved.uptime.periodSeconds,
          regions: resolved.uptime.regions,
        },
      }),
  );
  return resolved;
}

/** The config key of a channel's credential. */
export function channelKey(name: string): string {
  return `${NAMESPACE}:${CHANNEL_KEY_PREFIX}${name}`;
}
