import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Component } from "./shared/component";
import { alertDocumentation } from "./monitoring/alert-docs";
import { REDIS_SIGNALS, redisAggregation, redisFilter } from "./monitoring/redis-signals";
import { componentLabels, type CommonArgs } from "./shared/types";

/** Arguments of {@link CacheMonitoring}. */
export interface CacheMonitoringArgs extends Omit<CommonArgs, "region" | "naming"> {
  /** The instance's resource name, `projects/<p>/locations/<region>/instances/<id>` (the `instance_id` label). */
  readonly instanceId: pulumi.Input<string>;
  /**
   * Channels the alerts notify. A cache problem costs latency, not availability (services fail open), so
   * they go to the ticket channels, like the platform's other non-paging alerts.
   */
  readonly channels: readonly pulumi.Input<string>[];
}

/** Checks {@link CacheMonitoringArgs}: nothing to check beyond the types (channels may be none). */
export function validateCacheMonitoringArgs(_args: CacheMonitoringArgs): void {}

/**
 * Alerts on a Memorystore for Redis instance: memory usage, evictions, connected clients and CPU
 * (components/monitoring/redis-signals.ts), each a ticket.
 */
export class CacheMonitoring extends Component {
  readonly alertPolicies: readonly gcp.monitoring.AlertPolicy[];

  constructor(name: string, args: CacheMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    validateCacheMonitoringArgs(args);
    super("module6:monitoring:Cache", name, opts);
    const labels = { ...componentLabels(args.labels, "monitoring"), urgency: "ticket" };
    this.alertPolicies = REDIS_SIGNALS.map(
      (signal) =>
        new gcp.monitoring.AlertPolicy(
          `${name}-${signal.id}`,
          {
            project: args.project,
            displayName: `[ticket] ${signal.title} above ${signal.threshold}`,
            combiner: "OR",
            enabled: true,
            severity: "WARNING",
            conditions: [
              {
                displayName: `${signal.title} > ${signal.threshold} for ${signal.durationSeconds / 60} min`,
                conditionThreshold: {
                  filter: pulumi.output(args.instanceId).apply((id) => redisFilter(signal, id)),
                  comparison: "COMPARISON_GT",
                  thresholdValue: signal.threshold,
                  duration: `${signal.durationSeconds}s`,
                  aggregations: [
                    { ...redisAggregation(signal), groupByFields: ["resource.label.instance_id"] },
                  ],
                  trigger: { count: 1 },
                },
              },
            ],
            notificationChannels: [...args.channels],
            userLabels: labels,
            documentation: {
              mimeType: "text/markdown",
              content: pulumi.all([args.project, args.instanceId]).apply(([project, id]) =>
                alertDocumentation({
                  what: `${signal.what} Services fail open: a cache problem costs latency, not availability.`,
                  checks: [
                    `Open the cache row of the environment's dashboard (${id}).`,
                    "Compare with the services' latency SLOs: are misses reaching Firestore?",
                    "Scale memorySizeGb in module6:redis (in place) or fix the client (pooling, key TTLs).",
                  ],
                  project,
                  logQuery: `resource.type="redis_instance"`,
                }),
              ),
            },
          },
          this.child(),
        ),
    );
    this.registerOutputs({});
  }
}
