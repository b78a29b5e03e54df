/**
 * One environment (DESIGN §2): identities, secrets, Firestore, the Cloud Run services in each of their
 * regions and, in prod and staging, the edge in front of them — all shaped by the kind's preset.
 */
import type * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Component } from "../components/shared/component";
import { CloudRunService } from "../components/cloud-run-service";
import { FirestoreDatabase } from "../components/firestore-database";
import { AuditLogging } from "../components/audit-logging";
import { HttpsLoadBalancer, type DnsRecord } from "../components/https-load-balancer";
import type { ChannelSpec } from "../components/monitoring/channels";
import { PlatformMonitoring } from "../components/platform-monitoring";
import { ServiceMonitoring } from "../components/service-monitoring";
import { SecretSet } from "../components/secret-set";
import { ServiceIdentity } from "../components/service-identity";
import type { CommonArgs } from "../components/shared/types";
import type { ServiceConfig, StackConfig } from "./config";
import { featureAccountPattern } from "./naming";
import type { ChannelConfig } from "./config-monitoring";
import { releaseImage, releaseTraffic, type RegionRevisions } from "./releases";

/** Arguments of {@link Environment}. */
export interface EnvironmentArgs {
  readonly config: StackConfig;
  readonly common: CommonArgs;
  /** Secret values by secret name (Pulumi secret outputs). Only used where the kind owns secrets. */
  readonly secretValues: Readonly<Record<string, pulumi.Output<string>>>;
  /** Secret resource names owned by another stack (feature environments: staging's). */
  readonly existingSecretIds?: pulumi.Output<Record<string, string>>;
  /** The project's IAP service agent email (feature environments and IAP-guarded services). */
  readonly iapServiceAgentEmail?: pulumi.Input<string>;
  /** Notification-channel credentials by channel name (Pulumi secret outputs). */
  readonly channelSecrets?: Readonly<Record<string, pulumi.Output<string>>>;
}

/** What the edge exports. */
export interface EdgeOutputs {
  readonly ipv4: pulumi.Output<string>;
  readonly ipv6: pulumi.Output<string>;
  readonly urls: readonly string[];
  readonly certificates: pulumi.Output<string[]>;
  readonly dnsRecords: pulumi.Output<DnsRecord[]>;
}

/** Everything one environment runs. */
export class Environment extends Component {
  readonly serviceUrls: Readonly<Record<string, pulumi.Output<string>>>;
  readonly serviceAccounts: Readonly<Record<string, pulumi.Output<string>>>;
  readonly firestoreDatabase: pulumi.Output<string> | undefined;
  readonly secretIds: pulumi.Output<Record<string, string>>;
  readonly edge: EdgeOutputs | undefined;
  /** Per service and region: revisions and traffic, read by `npm run ops -- release …`. */
  readonly revisions: Readonly<Record<string, Readonly<Record<string, pulumi.Output<RegionRevisions>>>>>;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("module6:stack:Environment", name, opts);
    const { config, common } = args;
    const preset = config.preset;

    const secrets = new SecretSet(
      `${name}-secrets`,
      {
        ...common,
        secrets: config.secrets,
        allowedRegions: config.allowedRegions,
        values: preset.ownsSecrets ? args.secretValues : undefined,
        existingIds: preset.ownsSecrets ? undefined : (args.existingSecretIds ?? pulumi.output({})),
        deletionProtection: config.protection.deletionProtection,
        protect: config.protection.protect,
      },
      this.child(),
    );

    const firestore = config.firestore
      ? new FirestoreDatabase(
          `${name}-firestore`,
          { ...common, name: "main", ...config.firestore },
          this.child(),
        )
      : undefined;

    // Every service's dedicated identity first: alerts need to know who may read secrets.
    const identities: Record<string, ServiceIdentity> = Object.fromEntries(
      config.services.map((service) => [
        service.name,
        new ServiceIdentity(
          `${name}-${service.name}-identity`,
          { ...common, name: service.name },
          this.child(),
        ),
      ]),
    );

    const monitoring = config.monitoring;
    if (monitoring) {
      new AuditLogging(
        `${name}-logging`,
        {
          ...common,
          ...monitoring.logging,
          // Exempted from Firestore's data-plane audit logs: the services that use Firestore.
          runtimeMembers: config.services
            .filter((s) => s.uses.includes("firestore"))
            .flatMap((s) => identities[s.name]?.member ?? []),
        },
        this.child(),
      );
    }
    const platform = monitoring
      ? new PlatformMonitoring(
          `${name}-monitoring`,
          {
            ...common,
            channels: Object.fromEntries(
              Object.entries(monitoring.channels).map(([n, c]) => [
                n,
                channelSpec(c, args.channelSecrets?.[n]),
              ]),
            ),
            routing: { page: monitoring.page, ticket: monitoring.ticket },
            runtimeAccounts: Object.values(identities).map((i) => i.email),
            // Feature environments in this project mount its secrets with their own runtime accounts.
            readerPatterns: preset.hostsFeatureEnvironments
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
          this.child(),
        )
      : undefined;

    const urls: Record<string, pulumi.Output<string>> = {};
    const accounts: Record<string, pulumi.Output<string>> = {};
    const revisions: Record<string, Record<string, pulumi.Output<RegionRevisions>>> = {};
    const deployed: Record<string, CloudRunService[]> = {};
    for (const service of config.services) {
      const identity = identities[service.name];
      if (identity === undefined) throw new Error(`unreachable: no identity for ${service.name}`);
      const grants: pulumi.CustomResource[] = [];
      for (const secretName of new Set(Object.values(service.secretEnv))) {
        grants.push(secrets.grantAccess(secretName, identity.member, service.name));
      }
      if (firestore && service.uses.includes("firestore"))
        grants.push(firestore.grantReadWrite(identity.member, service.name));

      const behindEdge =
        config.edge !== undefined &&
        (service.routes.length > 0 || config.edge.defaultBackend === service.name);
      deployed[service.name] = service.regions.map((region, i) => {
        const run = new CloudRunService(
          // The first region keeps the plain name, so adding a region never renames (replaces) a service.
          i === 0 ? `${name}-${service.name}` : `${name}-${service.name}-${region}`,
          {
            ...common,
            region,
            ...serviceArgs(service, config, firestore),
            // A release in progress (`npm run ops -- release …`) sets the candidate image and the split.
            image: releaseImage(service.image, service.release),
            traffic: releaseTraffic(service.release, region),
            serviceAccountEmail: identity.email,
            secretEnv: Object.fromEntries(
              Object.entries(service.secretEnv).map(([envName, secretName]) => [
                envName,
                { secret: secrets.secretId(secretName), version: secrets.secretVersion(secretName) },
              ]),
            ),
            iap:
              preset.iap && args.iapServiceAgentEmail !== undefined
                ? { members: config.reviewers, serviceAgentEmail: args.iapServiceAgentEmail }
                : undefined,
            // Public services behind the load balancer: ingress admits only the load balancer, so IAM
            // invoker checks are off rather than granting allUsers (which org policies often forbid).
            invokerIamDisabled: behindEdge && service.access === "public",
            vpcEgress: service.vpcEgress && config.vpc ? config.vpc : undefined,
            // The revision starts only once its identity can read its secrets and database.
            awaitGrants: grants,
          },
          this.child(),
        );
        // IAP on the backend service calls Cloud Run as the IAP service agent.
        if (behindEdge && service.access === "iap" && args.iapServiceAgentEmail !== undefined) {
          run.grantInvoke(pulumi.interpolate`serviceAccount:${args.iapServiceAgentEmail}`, "iap-agent");
        }
        return run;
      });
      // Where users reach the service: through the load balancer where there is one (the run.app URL
      // admits only the load balancer there), else its own URL (feature environments, behind IAP).
      const route = service.routes[0];
      if (config.edge && route !== undefined) {
        urls[service.name] = pulumi.output(
          `https://${config.edge.domains[0] ?? ""}${route.replace(/\*$/, "")}`,
        );
      } else if (!config.edge) {
        urls[service.name] = deployed[service.name]?.[0]?.uri ?? pulumi.output("");
      }
      accounts[service.name] = identity.email;
      revisions[service.name] = Object.fromEntries(
        (deployed[service.name] ?? []).map((run) => [
          run.location,
          pulumi.output({
            service: run.serviceName,
            latestReadyRevision: run.latestReadyRevision,
            previousRevision: service.release?.stableRevisions[run.location],
            traffic: run.traffic,
          }),
        ]),
      );
    }

    let edge: EdgeOutputs | undefined;
    let lbBackends: Readonly<Record<string, gcp.compute.BackendService>> = {};
    if (config.edge) {
      const e = config.edge;
      const routed = config.services.filter((s) => s.routes.length > 0 || e.defaultBackend === s.name);
      const lb = new HttpsLoadBalancer(
        `${name}-edge`,
        {
          ...common,
          name: "edge",
          domains: e.domains,
          certificates: e.certificates,
          sslProfile: e.sslProfile,
          logSampleRate: e.logSampleRate,
          backends: Object.fromEntries(
            routed.map((s) => [
              s.name,
              {
                regions: (deployed[s.name] ?? []).map((run) => ({
                  region: run.location,
                  service: run.serviceName,
                })),
                iapMembers: s.access === "iap" ? s.iapMembers : undefined,
                methodEnforcement: s.methodEnforcement,
              },
            ]),
          ),
          routes: [
            ...routed.flatMap((s) => s.routes.map((path) => ({ path, backend: s.name }))),
            ...e.staticPaths.map((path) => ({ path, backend: "static" })),
          ],
          defaultBackend: e.defaultBackend,
          staticSite: e.staticSite,
          armor: e.armor,
        },
        this.child(),
      );
      lbBackends = lb.backendServices;
      edge = {
        ipv4: lb.ipv4,
        ipv6: lb.ipv6,
        urls: lb.urls,
        certificates: lb.certificateNames,
        dnsRecords: lb.dnsRecords,
      };
    }

    if (monitoring && platform) {
      const watched = config.services.map((service) => {
        const primary = deployed[service.name]?.[0];
        const backend = lbBackends[service.name];
        const uptimeHost = config.edge?.domains[0];
        const sm = new ServiceMonitoring(
          `${name}-${service.name}-monitoring`,
          {
            ...common,
            ...service.slo,
            name: service.name,
            cloudRunService: primary?.serviceName ?? service.name,
            location: config.region,
            regions: (deployed[service.name] ?? []).map((run) => ({
              location: run.location,
              service: run.serviceName,
            })),
            backendServiceName: backend?.name,
            uptime:
              uptimeHost !== undefined &&
              service.uptimePath !== undefined &&
              service.access === "public" &&
              backend
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
          this.child(),
        );
        return { name: service.name, cloudRunService: primary?.serviceName ?? service.name, slos: sm.slos };
      });
      platform.addDashboard(`${config.app} ${config.stack}: service levels and golden signals`, watched);
    }

    this.serviceUrls = urls;
    this.revisions = revisions;
    this.serviceAccounts = accounts;
    this.firestoreDatabase = firestore?.databaseName;
    this.secretIds = secrets.secretIds;
    this.edge = edge;
    this.registerOutputs({
      serviceUrls: urls,
      serviceAccounts: accounts,
      firestoreDatabase: this.firestoreDatabase,
      edge,
    });
  }
}

/** A channel from config with its credential. */
function channelSpec(channel: ChannelConfig, credential: pulumi.Output<string> | undefined): ChannelSpec {
  if (channel.type === "slack") return { ...channel, token: credential };
  if (channel.type === "pagerduty") return { ...channel, serviceKey: credential };
  return channel;
}

/** The Cloud Run settings of one service in this environment. */
function serviceArgs(service: ServiceConfig, config: StackConfig, firestore: FirestoreDatabase | undefined) {
  const env: Record<string, pulumi.Input<string>> = {
    ...service.env,
    GOOGLE_CLOUD_PROJECT: config.gcpProject,
    APP_ENV: config.kind,
  };
  if (firestore && service.uses.includes("firestore")) env.FIRESTORE_DATABASE = firestore.databaseName;
  return {
    name: service.name,
    image: service.image,
    cpu: service.cpu,
    memory: service.memory,
    concurrency: service.concurrency,
    minInstances: service.minInstances,
    maxInstances: service.maxInstances,
    cpuIdle: service.cpuIdle,
    startupCpuBoost: service.startupCpuBoost,
    port: service.port,
    timeoutSeconds: service.timeoutSeconds,
    healthPath: service.healthPath,
    readinessPath: service.readinessPath,
    env,
    ingress: config.preset.ingress,
    defaultUrlDisabled: config.preset.defaultUrlDisabled,
    deletionProtection: config.protection.deletionProtection,
  };
}
