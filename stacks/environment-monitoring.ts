/**
 * What an environment watches (prod and staging): its logs and audit logs, the platform's channels, alerts
 * and budget, and each service's SLOs, burn-rate alerts and uptime check, with the dashboard over them.
 */
import type * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { AuditLogging } from "../components/audit-logging";
import { CacheMonitoring } from "../components/cache-monitoring";
import type { CloudRunService } from "../components/cloud-run-service";
import type { FirestoreDatabase } from "../components/firestore-database";
import type { KmsKeys } from "../components/kms-keys";
import type { ChannelSpec } from "../components/monitoring/channels";
import type { Widget } from "../components/monitoring/dashboard-json";
import { environmentWidgetsOutput } from "../components/monitoring/environment-widgets";
import { PlatformMonitoring } from "../components/platform-monitoring";
import { ServiceMonitoring } from "../components/service-monitoring";
import type { ServiceIdentity } from "../components/service-identity";
import type { CommonArgs } from "../components/shared/types";
import type { ServiceConfig, StackConfig } from "./config";
import type { ChannelConfig, MonitoringConfig } from "./config-monitoring";
import { featureAccountPattern } from "./naming";

/** Options for each child resource (parented to the environment). */
type ChildOptions = () => pulumi.CustomResourceOptions;

/** A channel from config with its credential. */
function channelSpec(channel: ChannelConfig, credential: pulumi.Output<string> | undefined): ChannelSpec {
  if (channel.type === "slack") return { ...channel, token: credential };
  if (channel.type === "pagerduty") return { ...channel, serviceKey: credential };
  return channel;
}

/** What the platform's monitoring needs from the environment built so far. */
export interface PlatformInputs {
  readonly config: StackConfig;
  readonly common: CommonArgs;
  readonly monitoring: MonitoringConfig;
  readonly identities: Readonly<Record<string, ServiceIdentity>>;
  readonly firestore: FirestoreDatabase | undefined;
  readonly channelSecrets: Readonly<Record<string, pulumi.Output<string>>> | undefined;
  /** This project's Memorystore instance (`projects/<p>/locations/<r>/instances/<id>`): alerts and a dashboard row. */
  readonly cacheInstanceId: pulumi.Output<string> | undefined;
  /** The project's customer-managed keys (the log bucket and the archive use theirs). */
  readonly keys: KmsKeys | undefined;
}

/** Logging and audit logs, then the platform's channels, security alerts, backup check and budget. */
export function watchPlatform(name: string, inputs: PlatformInputs, child: ChildOptions): PlatformMonitoring {
  const { config, common, monitoring, identities, firestore } = inputs;
  new AuditLogging(
    `${name}-logging`,
    {
      ...common,
      ...monitoring.logging,
      ...(inputs.keys
        ? { logBucketKey: inputs.keys.key("logs"), archiveKey: inputs.keys.key("storage") }
        : {}),
      // Exempted from Firestore's data-plane audit logs: the services that use Firestore.
      runtimeMembers: config.services
        .filter((s) => s.uses.includes("firestore"))
        .flatMap((s) => identities[s.name]?.member ?? []),
    },
    child(),
  );
  return new PlatformMonitoring(
    `${name}-monitoring`,
    {
      ...common,
      channels: Object.fromEntries(
        Object.entries(monitoring.channels).map(([n, c]) => [n, channelSpec(c, inputs.channelSecrets?.[n])]),
      ),
      routing: { page: monitoring.page, ticket: monitoring.ticket },
      runtimeAccounts: Object.values(identities).map((i) => i.email),
      // Feature environments in this project mount its secrets with their own runtime accounts.
      readerPatterns: config.preset.hostsFeatureEnvironments
        ? [featureAccountPattern(config.prefix, config.gcpProject)]
        : [],
      deployers: monitoring.deployers,
      backupCheck:
        firestore && config.firestore?.backups
          ? {
              database: firestore.databaseName,
              location: config.firestore.location,
              region: config.region,
              deletionProtection: config.protection.deletionProtection,
            }
          : undefined,
      budget: monitoring.budget,
    },
    child(),
  );
}

/** What each service's monitoring needs: where it runs and, behind the load balancer, its backend. */
export interface WatchedServices {
  readonly deployed: Readonly<Record<string, readonly CloudRunService[]>>;
  readonly backends: Readonly<Record<string, gcp.compute.BackendService>>;
}

/** One service's SLOs, burn-rate alerts and (for a public service behind the load balancer) uptime check. */
function watchService(
  name: string,
  service: ServiceConfig,
  inputs: PlatformInputs & WatchedServices & { readonly platform: PlatformMonitoring },
  child: ChildOptions,
): ServiceMonitoring {
  const { config, monitoring, platform } = inputs;
  const runs = inputs.deployed[service.name] ?? [];
  const backend = inputs.backends[service.name];
  const uptimeHost = config.edge?.domains[0];
  return new ServiceMonitoring(
    `${name}-${service.name}-monitoring`,
    {
      ...inputs.common,
      ...service.slo,
      name: service.name,
      cloudRunService: runs[0]?.serviceName ?? service.name,
      location: config.region,
      regions: runs.map((run) => ({ location: run.location, service: run.serviceName })),
      backendServiceName: backend?.name,
      uptime:
        uptimeHost !== undefined && service.uptimePath !== undefined && service.access === "public" && backend
          ? {
              host: uptimeHost,
              path: service.uptimePath,
              periodSeconds: monitoring.uptime.periodSeconds,
              regions: monitoring.uptime.regions,
            }
          : undefined,
      routing: { page: platform.pageChannels, ticket: platform.ticketChannels },
      paging: monitoring.paging,
    },
    child(),
  );
}

/** The environment's dashboard: its title and widgets (Cloud Monitoring's, and Grafana's when there is one). */
export interface EnvironmentDashboard {
  readonly title: string;
  readonly widgets: pulumi.Output<Widget[]>;
}

/** Every service's monitoring, and the dashboard of service levels and golden signals over them. */
export function watchServices(
  name: string,
  inputs: PlatformInputs & WatchedServices & { readonly platform: PlatformMonitoring },
  child: ChildOptions,
): EnvironmentDashboard {
  const { config } = inputs;
  const watched = config.services.map((service) => {
    const sm = watchService(name, service, inputs, child);
    const cloudRunService = inputs.deployed[service.name]?.[0]?.serviceName ?? service.name;
    return { name: service.name, cloudRunService, slos: sm.slos };
  });
  if (inputs.cacheInstanceId !== undefined)
    new CacheMonitoring(
      `${name}-cache-monitoring`,
      {
        project: inputs.common.project,
        labels: inputs.common.labels,
        instanceId: inputs.cacheInstanceId,
        channels: inputs.platform.ticketChannels,
      },
      child(),
    );
  const dashboard = {
    title: `${config.app} ${config.stack}: service levels and golden signals`,
    widgets: environmentWidgetsOutput(watched, inputs.cacheInstanceId),
  };
  inputs.platform.addDashboard(dashboard.title, dashboard.widgets);
  return dashboard;
}
