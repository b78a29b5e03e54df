import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { isProbePath, PROBE_PATH_RULE } from "./cloud-run-service";
import { alertDocumentation } from "./monitoring/alert-docs";
import { alertWindows, burnRateFilter, type Urgency } from "./monitoring/burn-rate";
import { Component } from "./shared/component";
import { componentLabels, type CommonArgs } from "./shared/types";
import { MONITORING_RULES } from "./platform-monitoring";
import { integerRule, oneOfRule, Problems, rule } from "./shared/validation";
import { SECONDS_PER_DAY, SECONDS_PER_HOUR, duration } from "./shared/durations";

/** The service levels of one service. */
export interface ServiceLevels {
  /**
   * Share of requests that must not fail with 5xx.
   * @default 0.999
   */
  readonly availabilityGoal?: number;
  /**
   * Share of requests that must be faster than `latencyThresholdMs`.
   * @default 0.95
   */
  readonly latencyGoal?: number;
  /**
   * The latency threshold in milliseconds.
   * @default 200
   */
  readonly latencyThresholdMs?: number;
  /**
   * Rolling SLO period in days (1-30).
   * @default 30
   */
  readonly periodDays?: number;
}

/** Where alerts go. Every alert policy gets at least one channel. */
export interface AlertRouting {
  /** Channels that page (on-call). Staging routes pages to its ticket channels. */
  readonly page: readonly pulumi.Input<string>[];
  /** Channels that open a ticket. */
  readonly ticket: readonly pulumi.Input<string>[];
}

/** An HTTPS uptime check on a public route. */
export interface UptimeCheck {
  /** The public host, e.g. `app.example.com`. */
  readonly host: string;
  /** The path checked, e.g. `/api/health` (not ending in `z`: Cloud Run reserves some such paths). */
  readonly path: string;
  /**
   * Check period in seconds (60, 300, 600 or 900).
   * @default 60
   */
  readonly periodSeconds?: number;
  /**
   * Checker regions (at least three).
   * @default ["ASIA_PACIFIC", "USA", "EUROPE"]
   */
  readonly regions?: readonly string[];
}

/** Arguments of {@link ServiceMonitoring}. */
export interface ServiceMonitoringArgs extends Omit<CommonArgs, "region">, ServiceLevels {
  /** The service's name in config (e.g. `api`). */
  readonly name: string;
  /** The Cloud Run service's GCP name. */
  readonly cloudRunService: pulumi.Input<string>;
  /** The region the Cloud Run service first runs in (the monitoring service's label). */
  readonly location: string;
  /**
   * Every region the service runs in, `location` first, each with its Cloud Run service's name (the
   * same name in every region). With more than one, the service is monitored as one custom service
   * whose SLOs count requests in all of them: a `CLOUD_RUN` basic service names a single location.
   * @default - `location` alone, with `cloudRunService`
   */
  readonly regions?: readonly { readonly location: string; readonly service: pulumi.Input<string> }[];
  /**
   * The load balancer's backend service for this Cloud Run service: adds an availability SLO measured at
   * the load balancer.
   * @default - no load-balancer SLO
   */
  readonly backendServiceName?: pulumi.Input<string>;
  /**
   * An uptime check from outside, with alerts on failures and certificate expiry.
   * @default - no uptime check
   */
  readonly uptime?: UptimeCheck;
  /** Alert routing. */
  readonly routing: AlertRouting;
  /**
   * Whether page-level alerts page. When false (staging), every alert is a ticket: titled, labelled and
   * routed as one, with WARNING severity.
   * @default true
   */
  readonly paging?: boolean;
}

export const UPTIME_PERIODS = [60, 300, 600, 900] as const;
export const DEFAULT_UPTIME_REGIONS = ["ASIA_PACIFIC", "USA", "EUROPE"] as const;
const UPTIME_REGIONS = [
  "USA",
  "EUROPE",
  "SOUTH_AMERICA",
  "ASIA_PACIFIC",
  "USA_OREGON",
  "USA_IOWA",
  "USA_VIRGINIA",
];
/** Certificates closer than this to expiry open a ticket. */
export const CERT_EXPIRY_DAYS = 14;

/** A share as a percentage for display: 0.999 → "99.9". */
const percent = (share: number): string => String(Number((share * 100).toFixed(4)));

/** The service levels when {@link ServiceLevels} leaves them out (the stack config's defaults too). */
export const SERVICE_LEVEL_DEFAULTS: Required<ServiceLevels> = {
  availabilityGoal: 0.999,
  latencyGoal: 0.95,
  latencyThresholdMs: 200,
  periodDays: 30,
};

/** An uptime check's settings when {@link UptimeCheck} leaves them out. */
export const UPTIME_DEFAULTS = { periodSeconds: 60, regions: DEFAULT_UPTIME_REGIONS } as const;

/** The rules of single fields of {@link ServiceMonitoringArgs}; the stack config applies them to its keys. */
export const SERVICE_MONITORING_RULES = {
  /** `availabilityGoal` and `latencyGoal`. */
  goal: rule<number>("a share between 0 and 1, exclusive (e.g. 0.999)", (g) => g > 0 && g < 1),
  latencyThresholdMs: rule<number>("milliseconds above 0 (at most 60000)", (t) => t > 0 && t <= 60_000),
  periodDays: integerRule(1, 30, "whole days 1-30"),
  uptimePeriodSeconds: oneOfRule<number>(UPTIME_PERIODS),
  uptimeRegions: rule<readonly string[]>("at least three checker regions", (r) => r.length >= 3),
  uptimeRegion: oneOfRule<string>(UPTIME_REGIONS),
  uptimePath: rule<string>(PROBE_PATH_RULE, isProbePath),
};

/** Checks {@link ServiceMonitoringArgs}; throws one `ValidationError` naming every problem. */
export function validateServiceMonitoringArgs(args: ServiceMonitoringArgs): void {
  const p = new Problems(`ServiceMonitoring "${args.name}"`);
  const r = SERVICE_MONITORING_RULES;
  const d = SERVICE_LEVEL_DEFAULTS;
  p.rule("availabilityGoal", args.availabilityGoal ?? d.availabilityGoal, r.goal);
  p.rule("latencyGoal", args.latencyGoal ?? d.latencyGoal, r.goal);
  p.rule("latencyThresholdMs", args.latencyThresholdMs ?? d.latencyThresholdMs, r.latencyThresholdMs);
  p.rule("periodDays", args.periodDays ?? d.periodDays, r.periodDays);
  p.rule("routing.page", args.routing.page, MONITORING_RULES.routed);
  p.rule("routing.ticket", args.routing.ticket, MONITORING_RULES.routed);
  if (args.uptime) {
    const u = args.uptime;
    p.rule("uptime.path", u.path, r.uptimePath);
    p.rule("uptime.periodSeconds", u.periodSeconds ?? UPTIME_DEFAULTS.periodSeconds, r.uptimePeriodSeconds);
    const regions = u.regions ?? UPTIME_DEFAULTS.regions;
    p.rule("uptime.regions", regions, r.uptimeRegions);
    regions.forEach((region, i) => p.rule(`uptime.regions[${i}]`, region, r.uptimeRegion));
  }
  const regions = args.regions ?? [];
  if (regions.length > 0)
    p.check(
      regions[0]?.location === args.location &&
        new Set(regions.map((x) => x.location)).size === regions.length,
      "regions",
      regions.map((x) => x.location),
      `distinct regions, the first being location (${args.location})`,
    );
  p.throwIfAny();
}

/** One SLO as created, for routing, dashboards and the plan's service-levels table. */
export interface SloSummary {
  readonly id: string;
  readonly goal: number;
  readonly periodDays: number;
  readonly name: pulumi.Output<string>;
}

/**
 * The service levels of one Cloud Run service as code: a monitoring service, request-based availability
 * and latency SLOs (and one at the load balancer), multi-window burn-rate alerts derived from each SLO,
 * and an uptime check with failure and certificate-expiry alerts. Every alert carries documentation.
 */
export class ServiceMonitoring extends Component {
  readonly slos: readonly SloSummary[];
  readonly alertPolicies: readonly gcp.monitoring.AlertPolicy[];
  readonly uptimeCheck: gcp.monitoring.UptimeCheckConfig | undefined;
  private readonly channelsFor: (urgency: Urgency) => pulumi.Input<string>[];

  constructor(name: string, args: ServiceMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    validateServiceMonitoringArgs(args);
    super("module6:monitoring:ServiceMonitoring", name, opts);
    const paging = args.paging ?? true;
    // Where pages do not page (staging), a page-level alert is a ticket in every respect.
    const urgencyOf = (urgency: Urgency): Urgency => (paging ? urgency : "ticket");
    this.channelsFor = (urgency) => [
      ...(urgencyOf(urgency) === "page" ? args.routing.page : args.routing.ticket),
    ];
    const labels = { ...componentLabels(args.labels, "monitoring"), service: args.name };
    const periodDays = args.periodDays ?? SERVICE_LEVEL_DEFAULTS.periodDays;
    const thresholdMs = args.latencyThresholdMs ?? SERVICE_LEVEL_DEFAULTS.latencyThresholdMs;

    const regions = args.regions ?? [{ location: args.location, service: args.cloudRunService }];
    const locations = regions.map((r) => r.location);
    let service: gcp.monitoring.GenericService | gcp.monitoring.CustomService;
    let run: pulumi.Output<string>;
    if (regions.length > 1) {
      // A CLOUD_RUN basic service is one service in one location (serviceLabels service_name and
      // location, https://cloud.google.com/stackdriver/docs/solutions/slo-monitoring/api/api-structures#basic-svc);
      // a service in several regions is one custom service, whose request-based SLIs count requests in
      // every region it runs in, named explicitly (https://cloud.google.com/monitoring/api/v3/filters).
      // The display name reads every region's service, so the monitoring service depends on each.
      service = new gcp.monitoring.CustomService(
        name,
        {
          project: args.project,
          serviceId: args.naming.name("generic", args.name),
          displayName: pulumi
            .all(regions.map((r) => r.service))
            .apply(
              (names) =>
                `${args.name} (Cloud Run ${[...new Set(names)].join(", ")} in ${locations.join(", ")})`,
            ),
          userLabels: labels,
        },
        this.child(),
      );
      const inRegions = locations.map((l) => `resource.label.location="${l}"`).join(" OR ");
      run = pulumi.interpolate`resource.type="cloud_run_revision" AND resource.label.service_name="${args.cloudRunService}" AND (${inRegions})`;
    } else {
      service = new gcp.monitoring.GenericService(
        name,
        {
          project: args.project,
          serviceId: args.naming.name("generic", args.name),
          displayName: `${args.name} (Cloud Run)`,
          basicService: {
            serviceType: "CLOUD_RUN",
            serviceLabels: { service_name: args.cloudRunService, location: args.location },
          },
          userLabels: labels,
        },
        this.child(),
      );
      run = pulumi.interpolate`resource.type="cloud_run_revision" AND resource.label.service_name="${args.cloudRunService}"`;
    }
    const slo = (
      id: string,
      goal: number,
      displayName: string,
      sli: gcp.types.input.monitoring.SloRequestBasedSli,
    ): SloSummary => {
      const created = new gcp.monitoring.Slo(
        `${name}-${id}`,
        {
          project: args.project,
          service: service.serviceId,
          sloId: id,
          displayName,
          goal,
          rollingPeriodDays: periodDays,
          requestBasedSli: sli,
          userLabels: { ...labels, slo: id },
        },
        this.child(),
      );
      return { id, goal, periodDays, name: created.name };
    };

    const availability = args.availabilityGoal ?? SERVICE_LEVEL_DEFAULTS.availabilityGoal;
    const slos: SloSummary[] = [
      slo("availability", availability, `${args.name}: ${percent(availability)}% of requests without 5xx`, {
        goodTotalRatio: {
          goodServiceFilter: pulumi.interpolate`metric.type="run.googleapis.com/request_count" AND ${run} AND metric.label.response_code_class!="5xx"`,
          totalServiceFilter: pulumi.interpolate`metric.type="run.googleapis.com/request_count" AND ${run}`,
        },
      }),
      slo(
        "latency",
        args.latencyGoal ?? SERVICE_LEVEL_DEFAULTS.latencyGoal,
        `${args.name}: ${percent(args.latencyGoal ?? SERVICE_LEVEL_DEFAULTS.latencyGoal)}% of requests under ${thresholdMs} ms`,
        {
          distributionCut: {
            distributionFilter: pulumi.interpolate`metric.type="run.googleapis.com/request_latencies" AND ${run}`,
            range: { min: 0, max: thresholdMs },
          },
        },
      ),
    ];
    if (args.backendServiceName !== undefined) {
      const lb = pulumi.interpolate`metric.type="loadbalancing.googleapis.com/https/request_count" AND resource.type="https_lb_rule" AND resource.label.backend_target_name="${args.backendServiceName}"`;
      slos.push(
        slo(
          "lb-availability",
          availability,
          `${args.name} at the load balancer: ${percent(availability)}% without 5xx`,
          {
            goodTotalRatio: {
              goodServiceFilter: pulumi.interpolate`${lb} AND metric.label.response_code_class!=500`,
              totalServiceFilter: lb,
            },
          },
        ),
      );
    }
    this.slos = slos;

    const policies: gcp.monitoring.AlertPolicy[] = [];
    const logQuery = pulumi.interpolate`${run} AND httpRequest.status>=500`;
    for (const s of slos) {
      for (const w of alertWindows(periodDays)) {
        const urgency = urgencyOf(w.urgency);
        const condition = (seconds: number) => ({
          displayName: `${s.id} burn rate over ${seconds / 60} min > ${w.threshold}`,
          conditionThreshold: {
            filter: s.name.apply((n) => burnRateFilter(n, seconds)),
            comparison: "COMPARISON_GT",
            thresholdValue: w.threshold,
            duration: "0s",
            trigger: { count: 1 },
          },
        });
        policies.push(
          new gcp.monitoring.AlertPolicy(
            `${name}-${s.id}-${w.id}`,
            {
              project: args.project,
              displayName: `[${urgency}] ${args.name} ${s.id}: ${w.budgetShare * 100}% of the error budget in ${w.longWindowSeconds / SECONDS_PER_HOUR} h`,
              combiner: "AND",
              enabled: true,
              severity: urgency === "page" ? "CRITICAL" : "WARNING",
              conditions: [condition(w.longWindowSeconds), condition(w.shortWindowSeconds)],
              notificationChannels: this.channelsFor(urgency),
              alertStrategy: { autoClose: duration(SECONDS_PER_DAY) },
              userLabels: { ...labels, slo: s.id, urgency },
              documentation: {
                mimeType: "text/markdown",
                content: pulumi.all([logQuery, args.project]).apply(([q, project]) =>
                  alertDocumentation({
                    what: `${args.name} is spending its ${s.id} error budget ${w.threshold}× faster than the SLO allows (goal ${s.goal}, ${periodDays} days): at this rate ${w.budgetShare * 100}% of the budget is gone in ${w.longWindowSeconds / SECONDS_PER_HOUR} h.`,
                    checks: [
                      "Was there a deploy in the last hour? Roll back first: `npm run ops -- release rollback`.",
                      s.id === "latency"
                        ? "Check instance count, CPU and cold starts on the dashboard (max instances reached?)."
                        : "Read the 5xx responses in the logs: one route, one region, or everything?",
                      "Check Firestore and Secret Manager errors and quotas, then the upstream model API for the ai service.",
                    ],
                    project,
                    logQuery: q,
                  }),
                ),
              },
            },
            this.child(),
          ),
        );
      }
    }

    if (args.uptime) {
      const u = args.uptime;
      const check = new gcp.monitoring.UptimeCheckConfig(
        `${name}-uptime`,
        {
          project: args.project,
          displayName: `${args.name}: https://${u.host}${u.path}`,
          timeout: "10s",
          period: duration(u.periodSeconds ?? UPTIME_DEFAULTS.periodSeconds),
          selectedRegions: [...(u.regions ?? UPTIME_DEFAULTS.regions)],
          httpCheck: {
            path: u.path,
            port: 443,
            useSsl: true,
            validateSsl: true,
            requestMethod: "GET",
            acceptedResponseStatusCodes: [{ statusClass: "STATUS_CLASS_2XX" }],
          },
          monitoredResource: { type: "uptime_url", labels: { project_id: args.project, host: u.host } },
          userLabels: { ...labels, service: args.cloudRunService },
        },
        this.child(),
      );
      this.uptimeCheck = check;
      const checkFilter = (metric: string) =>
        pulumi.interpolate`metric.type="monitoring.googleapis.com/uptime_check/${metric}" AND resource.type="uptime_url" AND metric.label.check_id="${check.uptimeCheckId}"`;
      const uptimeDoc = (what: string, checks: [string, string, string]) =>
        pulumi
          .output(args.project)
          .apply((project) =>
            alertDocumentation({ what, checks, project, logQuery: `resource.type="uptime_url"` }),
          );
      policies.push(
        new gcp.monitoring.AlertPolicy(
          `${name}-uptime-failing`,
          {
            project: args.project,
            displayName: `[${urgencyOf("page")}] ${args.name}: https://${u.host}${u.path} fails from two or more regions`,
            combiner: "OR",
            enabled: true,
            severity: urgencyOf("page") === "page" ? "CRITICAL" : "WARNING",
            conditions: [
              {
                displayName: "uptime check failing in ≥ 2 regions",
                conditionThreshold: {
                  filter: checkFilter("check_passed"),
                  aggregations: [
                    {
                      alignmentPeriod: "1200s",
                      perSeriesAligner: "ALIGN_NEXT_OLDER",
                      crossSeriesReducer: "REDUCE_COUNT_FALSE",
                      groupByFields: ["resource.label.*"],
                    },
                  ],
                  comparison: "COMPARISON_GT",
                  thresholdValue: 1,
                  duration: "60s",
                  trigger: { count: 1 },
                },
              },
            ],
            notificationChannels: this.channelsFor("page"),
            userLabels: { ...labels, urgency: urgencyOf("page") },
            documentation: {
              mimeType: "text/markdown",
              content: uptimeDoc(
                `Users cannot reach https://${u.host}${u.path}: the check fails from two or more regions.`,
                [
                  "Open the URL yourself; check the load balancer's 5xx and Cloud Armor denials on the dashboard.",
                  "Check the certificate status and DNS records (`pulumi stack output edge`).",
                  "Check the Cloud Run service's revisions and logs; roll back the last release if it is new.",
                ],
              ),
            },
          },
          this.child(),
        ),
        new gcp.monitoring.AlertPolicy(
          `${name}-cert-expiry`,
          {
            project: args.project,
            displayName: `[ticket] ${args.name}: certificate of ${u.host} expires in under ${CERT_EXPIRY_DAYS} days`,
            combiner: "OR",
            enabled: true,
            severity: "WARNING",
            conditions: [
              {
                displayName: `certificate expires in < ${CERT_EXPIRY_DAYS} days`,
                conditionThreshold: {
                  filter: checkFilter("time_until_ssl_cert_expires"),
                  aggregations: [
                    {
                      alignmentPeriod: "1200s",
                      perSeriesAligner: "ALIGN_NEXT_OLDER",
                      crossSeriesReducer: "REDUCE_MIN",
                      groupByFields: ["resource.label.*"],
                    },
                  ],
                  comparison: "COMPARISON_LT",
                  thresholdValue: CERT_EXPIRY_DAYS,
                  duration: "600s",
                  trigger: { count: 1 },
                },
              },
            ],
            notificationChannels: this.channelsFor("ticket"),
            userLabels: { ...labels, urgency: "ticket" },
            documentation: {
              mimeType: "text/markdown",
              content: uptimeDoc(
                `The certificate served for ${u.host} expires in less than ${CERT_EXPIRY_DAYS} days; Google-managed certificates renew themselves, so renewal is failing.`,
                [
                  "Check the certificate's status and the DNS records it needs (`pulumi stack output edge`).",
                  "For Certificate Manager, check the DNS authorization's CNAME record still exists.",
                  "Check that CAA records, if any, allow pki.goog and letsencrypt.org.",
                ],
              ),
            },
          },
          this.child(),
        ),
      );
    } else {
      this.uptimeCheck = undefined;
    }
    this.alertPolicies = policies;
    this.registerOutputs({ slos: slos.map((s) => s.name) });
  }
}
