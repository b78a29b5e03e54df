/**
 * Cloud Monitoring: alert policies that notify someone, TLS-validating uptime checks, secret channel
 * credentials, and, per production Cloud Run service, an uptime check, an SLO and a routed burn-rate alert.
 */
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { configProperties, readConfig, schema } from "./lib/config";
import { inEnvironments } from "./lib/environment";
import { resourcePolicy, stackPolicy, type Module6Policy } from "./lib/policy";
import { dependsOn, displayName, refersTo, StackResources } from "./lib/stack";
import { T } from "./lib/tokens";
import { deepStrings, list, q, read, rec, shown, str, tryRead, UNKNOWN, prop } from "./lib/values";

type AlertPolicy = Unwrap<gcp.monitoring.AlertPolicyArgs>;
type UptimeCheck = Unwrap<gcp.monitoring.UptimeCheckConfigArgs>;
type NotificationChannel = Unwrap<gcp.monitoring.NotificationChannelArgs>;

const alertName = (a: { displayName?: string }, logical: string): string => q(a.displayName ?? logical);

export const alertPolicyEnabled = resourcePolicy<AlertPolicy>(
  {
    name: "alert-policy-enabled",
    domain: "monitoring",
    description: "Checks that an alert policy is enabled. Unset enabled is true.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Remove `enabled: false`; silence a noisy alert with a snooze, not by disabling it in code.",
    types: [T.alertPolicy],
  },
  (alert, args, report) => {
    if (alert.enabled !== false) return;
    report(`Alert policy ${alertName(alert, args.name)} must be enabled (enabled is false)`);
  },
);

export const alertPolicyNotificationChannels = resourcePolicy<AlertPolicy>(
  {
    name: "alert-policy-notification-channels",
    domain: "monitoring",
    description:
      "Checks that an alert policy notifies at least one notification channel. Unset notificationChannels opens incidents that nobody is told about.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Set `notificationChannels` to the environment's channels (e-mail, Slack, PagerDuty by severity).",
    types: [T.alertPolicy],
  },
  (alert, args, report) => {
    const channels = read(() => alert.notificationChannels);
    if (channels === UNKNOWN || (channels ?? []).length > 0) return; // computed at preview: set
    report(
      `Alert policy ${alertName(alert, args.name)} must notify at least one notification channel; ${channels === undefined ? "notificationChannels is unset, which means nobody is notified" : "notificationChannels is empty"}`,
    );
  },
);

export const alertPolicyDocumentation = resourcePolicy<AlertPolicy>(
  {
    name: "alert-policy-documentation",
    domain: "monitoring",
    description:
      "Checks that an alert policy carries documentation (a runbook in documentation.content) so the person paged knows what to do.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: 'Set `documentation: { content: <runbook in Markdown>, mimeType: "text/markdown" }`.',
    types: [T.alertPolicy],
  },
  (alert, args, report) => {
    const content = read(() => alert.documentation?.content);
    if (content === UNKNOWN || (content ?? "").trim() !== "") return;
    report(
      `Alert policy ${alertName(alert, args.name)} must document what to do (documentation.content is empty)`,
    );
  },
);

export const uptimeCheckValidatesTls = resourcePolicy<UptimeCheck>(
  {
    name: "uptime-check-validates-tls",
    domain: "monitoring",
    description:
      "Checks that an HTTP uptime check uses HTTPS and validates the certificate, so an expired or wrong certificate fails the check. Unset httpCheck.useSsl and httpCheck.validateSsl are false.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Set `httpCheck: { useSsl: true, validateSsl: true, port: 443 }`.",
    types: [T.uptimeCheck],
  },
  (check, args, report) => {
    if (check.httpCheck === undefined) return;
    const name = q(check.displayName ?? args.name);
    if (check.httpCheck.useSsl !== true) {
      report(
        `Uptime check ${name} must use HTTPS; ${shown("httpCheck.useSsl", check.httpCheck.useSsl, "means plain HTTP")}`,
      );
    }
    if (check.httpCheck.validateSsl !== true) {
      report(
        `Uptime check ${name} must validate the TLS certificate; ${shown("httpCheck.validateSsl", check.httpCheck.validateSsl, "accepts any certificate")}`,
      );
    }
  },
);

/** Channel labels that hold credentials (Slack `auth_token`, PagerDuty `service_key`, webhook `password`). */
export const SENSITIVE_CHANNEL_LABELS = ["auth_token", "service_key", "password", "token", "api_key"];

export const notificationChannelSensitiveLabels = resourcePolicy<NotificationChannel>(
  {
    name: "notification-channel-sensitive-labels",
    domain: "monitoring",
    description:
      "Checks that a notification channel passes credentials (auth_token, service_key, password) through sensitiveLabels, which the provider keeps secret, and never as plain labels.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Move the credential to `sensitiveLabels: { authToken | serviceKey | password }` from a Pulumi secret.",
    types: [T.notificationChannel],
  },
  (channel, args, report) => {
    for (const key of Object.keys(channel.labels ?? {}).filter((k) => SENSITIVE_CHANNEL_LABELS.includes(k))) {
      report(
        `Notification channel ${q(channel.displayName ?? args.name)} must pass ${key} through sensitiveLabels, not labels`,
      );
    }
  },
);

// ---------------------------------------------------------------------------------------------------------
// Stack policies: every production Cloud Run service is watched.

const MONITORED_ENVIRONMENTS = ["prod"];
const monitoredSchema = schema({ environments: configProperties.environments(MONITORED_ENVIRONMENTS) });

function monitoredServices(args: StackValidationArgs): PolicyResource[] {
  const { environments } = readConfig(args, { environments: MONITORED_ENVIRONMENTS });
  return new StackResources(args.resources)
    .ofType(T.runService)
    .filter((svc) => inEnvironments(svc, args.stackTags, environments));
}

const serviceLabel = (r: PolicyResource, path: "userLabels" | "monitoredResource"): string | undefined => {
  if (path === "userLabels") return str(tryRead(() => rec(prop(r, "userLabels")).service));
  const monitored = rec(prop(r, "monitoredResource"));
  return tryRead(() => monitored.type) === "cloud_run_revision"
    ? str(tryRead(() => rec(monitored.labels).service_name))
    : undefined;
};

export const prodServiceUptimeCheck = stackPolicy(
  {
    name: "prod-service-uptime-check",
    domain: "monitoring",
    description:
      "Checks that every Cloud Run service in the configured environments (default prod; feature stacks are exempt) has an uptime check: an UptimeCheckConfig whose userLabels.service (or cloud_run_revision service_name) is the service's name, or that depends on the service.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Add an uptime check per service (the observability component builds one from the service's URL and health path).",
    configSchema: monitoredSchema,
  },
  (args, report) => {
    const checks = new StackResources(args.resources).ofType(T.uptimeCheck);
    for (const svc of monitoredServices(args)) {
      const name = displayName(svc);
      const covered = checks.some(
        (c) =>
          serviceLabel(c, "userLabels") === name ||
          serviceLabel(c, "monitoredResource") === name ||
          dependsOn(c, svc),
      );
      if (!covered) {
        report(
          `Cloud Run service ${q(name)} must have an uptime check (an UptimeCheckConfig with userLabels.service ${q(name)})`,
          svc.urn,
        );
      }
    }
  },
);

function genericServicesOf(svc: PolicyResource, services: readonly PolicyResource[]): PolicyResource[] {
  const name = displayName(svc);
  return services.filter((gs) => {
    const basic = rec(prop(gs, "basicService"));
    return str(tryRead(() => rec(basic.serviceLabels).service_name)) === name || dependsOn(gs, svc);
  });
}

function slosOf(gs: PolicyResource, slos: readonly PolicyResource[]): PolicyResource[] {
  return slos.filter((s) => refersTo(s, "service", gs, "services") || dependsOn(s, gs));
}

export const prodServiceSlo = stackPolicy(
  {
    name: "prod-service-slo",
    domain: "monitoring",
    description:
      "Checks that every Cloud Run service in the configured environments (default prod) has a monitoring GenericService (basicService.serviceLabels.service_name = the service's name), or a CustomService that depends on it (a service in several regions), with at least one Slo that refers to it by service id or depends on it.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Add the service's SLOs (availability, latency) on a CLOUD_RUN GenericService.",
    configSchema: monitoredSchema,
  },
  (args, report) => {
    const stack = new StackResources(args.resources);
    const services = stack.ofType(T.genericService, T.customService);
    const slos = stack.ofType(T.slo);
    for (const svc of monitoredServices(args)) {
      const name = q(displayName(svc));
      const mine = genericServicesOf(svc, services);
      if (mine.length === 0) {
        report(
          `Cloud Run service ${name} must have an SLO; no monitoring GenericService has basicService.serviceLabels.service_name ${name}`,
          svc.urn,
        );
      } else if (!mine.some((gs) => slosOf(gs, slos).length > 0)) {
        report(
          `Cloud Run service ${name} must have an SLO; its GenericService ${q(displayName(mine[0] ?? svc, "serviceId"))} has none`,
          svc.urn,
        );
      }
    }
  },
);

function watches(alert: PolicyResource, slo: PolicyResource): boolean {
  if (dependsOn(alert, slo)) return true;
  const name = str(prop(slo, "name"));
  const sloId = str(prop(slo, "sloId"));
  const filters = deepStrings(prop(alert, "conditions"));
  return filters.some(
    (f) =>
      (name !== undefined && !name.startsWith("[") && f.includes(name)) ||
      (sloId !== undefined && f.includes(`/serviceLevelObjectives/${sloId}`)),
  );
}

function routingProblem(alert: PolicyResource): string | undefined {
  const name = q(str(prop(alert, "displayName")) ?? alert.name);
  if (prop(alert, "enabled") === false) return `alert policy ${name} is disabled`;
  const raw = read((): unknown => alert.props.notificationChannels);
  // Each channel id, or UNKNOWN while it is computed (preview).
  const array = raw === UNKNOWN ? [] : list(raw);
  const ids = Array.from({ length: array.length }, (_, i) => read((): unknown => array[i]));
  const isPending = (c: unknown): boolean =>
    c === UNKNOWN || (typeof c === "string" && c.startsWith("[unknown"));
  if (ids.some((c) => !isPending(c))) return undefined;
  // Only while the channel ids are unknown (preview) does a dependency on channels count as routing:
  // a known, empty list is an alert that reaches nobody.
  const pending = raw === UNKNOWN || ids.some(isPending);
  const linked = pending && (alert.propertyDependencies.notificationChannels ?? []).length > 0;
  return linked ? undefined : `alert policy ${name} has no notification channels`;
}

export const prodServiceBurnRateAlert = stackPolicy(
  {
    name: "prod-service-burn-rate-alert",
    domain: "monitoring",
    description:
      "Checks that every Cloud Run service in the configured environments (default prod) that has an SLO has an enabled alert policy with a notification channel watching one of its SLOs, linked by dependencies or by the SLO's name in the condition filter (select_slo_burn_rate).",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Add multi-window burn-rate alerts (14.4× over 1 h, 6× over 6 h) on the service's SLOs, routed to the on-call channel.",
    configSchema: monitoredSchema,
  },
  (args, report) => {
    const stack = new StackResources(args.resources);
    const services = stack.ofType(T.genericService, T.customService);
    const slos = stack.ofType(T.slo);
    const alerts = stack.ofType(T.alertPolicy);
    for (const svc of monitoredServices(args)) {
      const mySlos = genericServicesOf(svc, services).flatMap((gs) => slosOf(gs, slos));
      if (mySlos.length === 0) continue; // prod-service-slo reports it
      const name = q(displayName(svc));
      const watching = alerts.filter((a) => mySlos.some((s) => watches(a, s)));
      if (watching.length === 0) {
        report(
          `Cloud Run service ${name} must have a burn-rate alert on its SLO; no alert policy watches one`,
          svc.urn,
        );
        continue;
      }
      const problems = watching.map(routingProblem);
      if (problems.every((p) => p !== undefined)) {
        report(
          `Cloud Run service ${name} must have a burn-rate alert that is enabled and routed to a notification channel; ${problems.join("; ")}`,
          svc.urn,
        );
      }
    }
  },
);

export const monitoringPolicies: readonly Module6Policy[] = [
  alertPolicyEnabled,
  alertPolicyNotificationChannels,
  alertPolicyDocumentation,
  uptimeCheckValidatesTls,
  notificationChannelSensitiveLabels,
  prodServiceUptimeCheck,
  prodServiceSlo,
  prodServiceBurnRateAlert,
];
