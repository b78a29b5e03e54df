/**
 * One environment (DESIGN §2): identities, secrets, Firestore, the Cloud Run services in each of their
 * regions and, in prod and staging, the edge in front of them — all shaped by the kind's preset.
 */
import * as pulumi from "@pulumi/pulumi";
import { Component } from "../components/shared/component";
import { CloudRunService, type VpcEgress } from "../components/cloud-run-service";
import { FirestoreDatabase } from "../components/firestore-database";
import { HttpsLoadBalancer, type DnsRecord } from "../components/https-load-balancer";
import { SecretSet } from "../components/secret-set";
import { ServiceIdentity } from "../components/service-identity";
import type { CommonArgs } from "../components/shared/types";
import type { KmsKeys } from "../components/kms-keys";
import type { ServiceConfig, StackConfig } from "./config";
import { firestoreKeyLocation, keyFor, secretKeys, type CacheAccess } from "./data-tier";
import { watchPlatform, watchServices, type EnvironmentDashboard } from "./environment-monitoring";
import { releaseImage, releaseTraffic, type RegionRevisions } from "./releases";

/** Arguments of {@link Environment}. */
export interface EnvironmentArgs {
  readonly config: StackConfig;
  readonly common: CommonArgs;
  /** Secret values by secret name (Pulumi secret outputs). Only used where the kind owns secrets. */
  readonly secretValues: Readonly<Record<string, pulumi.Output<string>>>;
  /**
   * Secret resource names owned by another stack (feature environments: staging's).
   * @default - none: where the kind does not own its secrets, services mount none
   */
  readonly existingSecretIds?: pulumi.Output<Record<string, string>>;
  /**
   * The project's IAP service agent email (feature environments and IAP-guarded services).
   * @default - no IAP on the services and no invoker grant for the agent
   */
  readonly iapServiceAgentEmail?: pulumi.Input<string>;
  /**
   * Notification-channel credentials by channel name (Pulumi secret outputs).
   * @default - no credentials: a Slack or PagerDuty channel is refused
   */
  readonly channelSecrets?: Readonly<Record<string, pulumi.Output<string>>>;
  /**
   * The Redis cache services with `uses: [redis]` reach (this project's, or staging's in a feature stack).
   * @default - no cache: no service may use one (the config refuses `uses: [redis]` without it)
   */
  readonly cache?: CacheAccess;
  /**
   * The project's customer-managed keys: the database, the secrets and the log buckets use them.
   * @default - Google-managed keys
   */
  readonly keys?: KmsKeys;
  /**
   * This project's Memorystore instance, watched by alerts and a dashboard row (prod and staging).
   * @default - no cache to watch
   */
  readonly cacheInstanceId?: pulumi.Output<string>;
  /**
   * Direct VPC egress into this project's network (`module6:network`), for services with `vpcEgress: true`.
   * @default - the `vpc` block's network, if any
   */
  readonly networkEgress?: (region: string) => VpcEgress;
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
  /**
   * The dashboard's title and widgets (prod and staging): Cloud Monitoring's dashboard is built from them,
   * and a Grafana dashboard renders them with `grafanaDashboard` (components/monitoring/grafana-dashboard.ts).
   */
  readonly dashboard: EnvironmentDashboard | undefined;
  /** Per service and region: revisions and traffic, read by `npm run ops -- release …`. */
  readonly revisions: Readonly<Record<string, Readonly<Record<string, pulumi.Output<RegionRevisions>>>>>;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("module6:stack:Environment", name, opts);
    const { config, common } = args;
    const child = (): pulumi.CustomResourceOptions => this.child();
    const secrets = createSecrets(name, args, child());
    const firestore = createFirestore(name, args, child());
    // Every service's dedicated identity first: alerts need to know who may read secrets.
    const identities: Record<string, ServiceIdentity> = Object.fromEntries(
      config.services.map((s) => [
        s.name,
        new ServiceIdentity(`${name}-${s.name}-identity`, { ...common, name: s.name }, child()),
      ]),
    );
    const monitoring = config.monitoring;
    const watch = monitoring && {
      config,
      common,
      monitoring,
      identities,
      firestore,
      channelSecrets: args.channelSecrets,
      keys: args.keys,
      cacheInstanceId: args.cacheInstanceId,
    };
    const platform = watch ? watchPlatform(name, watch, child) : undefined;
    const deployed: Record<string, CloudRunService[]> = {};
    for (const service of config.services) {
      const identity = identities[service.name];
      if (identity === undefined) throw new Error(`unreachable: no identity for ${service.name}`);
      deployed[service.name] = deployService(name, service, { args, secrets, firestore, identity }, child);
    }
    const lb = config.edge ? createEdge(name, args, deployed, child()) : undefined;
    this.dashboard =
      watch && platform
        ? watchServices(name, { ...watch, platform, deployed, backends: lb?.backendServices ?? {} }, child)
        : undefined;

    this.serviceUrls = serviceUrls(config, deployed);
    this.revisions = serviceRevisions(config, deployed);
    this.serviceAccounts = Object.fromEntries(Object.entries(identities).map(([n, i]) => [n, i.email]));
    this.firestoreDatabase = firestore?.databaseName;
    this.secretIds = secrets.secretIds;
    this.edge = lb && {
      ipv4: lb.ipv4,
      ipv6: lb.ipv6,
      urls: lb.urls,
      certificates: lb.certificateNames,
      dnsRecords: lb.dnsRecords,
    };
    this.registerOutputs({
      serviceUrls: this.serviceUrls,
      serviceAccounts: this.serviceAccounts,
      firestoreDatabase: this.firestoreDatabase,
      edge: this.edge,
    });
  }
}

/** The environment's database, with the project's Firestore key where it has customer-managed keys. */
function createFirestore(
  name: string,
  args: EnvironmentArgs,
  opts: pulumi.CustomResourceOptions,
): FirestoreDatabase | undefined {
  const { config, common } = args;
  if (!config.firestore) return undefined;
  return new FirestoreDatabase(
    `${name}-firestore`,
    {
      ...common,
      name: "main",
      ...config.firestore,
      encryptionKey: keyFor(args.keys, "firestore", firestoreKeyLocation(config.firestore.location)),
    },
    opts,
  );
}

/** The environment's secrets: created here where the kind owns them, else staging's, referenced. */
function createSecrets(name: string, args: EnvironmentArgs, opts: pulumi.CustomResourceOptions): SecretSet {
  const { config, common } = args;
  const owns = config.preset.ownsSecrets;
  return new SecretSet(
    `${name}-secrets`,
    {
      ...common,
      secrets: config.secrets,
      allowedRegions: config.allowedRegions,
      values: owns ? args.secretValues : undefined,
      existingIds: owns ? undefined : (args.existingSecretIds ?? pulumi.output({})),
      deletionProtection: config.protection.deletionProtection,
      protect: config.protection.protect,
      ...(owns && args.keys ? { encryptionKeys: secretKeys(args.keys, config) } : {}),
    },
    opts,
  );
}

/** What deploying one service needs besides its config. */
interface ServiceDeps {
  readonly args: EnvironmentArgs;
  readonly secrets: SecretSet;
  readonly firestore: FirestoreDatabase | undefined;
  readonly identity: ServiceIdentity;
}

/** A service behind the load balancer: it has routes, or it is the default backend. */
function behindEdge(service: ServiceConfig, config: StackConfig): boolean {
  return (
    config.edge !== undefined && (service.routes.length > 0 || config.edge.defaultBackend === service.name)
  );
}

/** One service: its grants, then a Cloud Run service in each of its regions. */
function deployService(
  name: string,
  service: ServiceConfig,
  deps: ServiceDeps,
  child: () => pulumi.CustomResourceOptions,
): CloudRunService[] {
  const { args, secrets, firestore, identity } = deps;
  const { config, common } = args;
  const grants: pulumi.CustomResource[] = [];
  for (const secretName of new Set(Object.values(service.secretEnv)))
    grants.push(secrets.grantAccess(secretName, identity.member, service.name));
  if (firestore && service.uses.includes("firestore"))
    grants.push(firestore.grantReadWrite(identity.member, service.name));
  const cache = service.uses.includes("redis") ? args.cache : undefined;
  if (service.uses.includes("redis") && cache === undefined)
    throw new Error(`unreachable: service ${service.name} uses redis without a cache`);
  if (cache) grants.push(cache.grant(identity.member, service.name));
  const edge = behindEdge(service, config);
  return service.regions.map((region, i) => {
    const run = new CloudRunService(
      // The first region keeps the plain name, so adding a region never renames (replaces) a service.
      i === 0 ? `${name}-${service.name}` : `${name}-${service.name}-${region}`,
      {
        ...common,
        region,
        ...serviceArgs(service, config, firestore, cache),
        // A release in progress (`npm run ops -- release …`) sets the candidate image and the split.
        image: releaseImage(service.image, service.release),
        traffic: releaseTraffic(service.release, region),
        serviceAccountEmail: identity.email,
        secretEnv: {
          ...Object.fromEntries(
            Object.entries(service.secretEnv).map(([envName, secretName]) => [
              envName,
              { secret: secrets.secretId(secretName), version: secrets.secretVersion(secretName) },
            ]),
          ),
          ...cache?.secretEnv,
        },
        iap:
          config.preset.iap && args.iapServiceAgentEmail !== undefined
            ? { members: config.reviewers, serviceAgentEmail: args.iapServiceAgentEmail }
            : undefined,
        // Public services behind the load balancer: ingress admits only the load balancer, so IAM
        // invoker checks are off rather than granting allUsers (which org policies often forbid).
        invokerIamDisabled: edge && service.access === "public",
        // Direct VPC egress, private ranges only: the cache's address is in the VPC's private services
        // access range (https://cloud.google.com/run/docs/configuring/vpc-direct-vpc).
        vpcEgress: cache ? cache.vpcEgress(region) : plainEgress(service, region, args),
        // The revision starts only once its identity can read its secrets and database.
        awaitGrants: grants,
      },
      child(),
    );
    // IAP on the backend service calls Cloud Run as the IAP service agent.
    if (edge && service.access === "iap" && args.iapServiceAgentEmail !== undefined)
      run.grantInvoke(pulumi.interpolate`serviceAccount:${args.iapServiceAgentEmail}`, "iap-agent");
    return run;
  });
}

/** Direct VPC egress of a service with `vpcEgress: true`: this project's network, else the `vpc` block's. */
function plainEgress(service: ServiceConfig, region: string, args: EnvironmentArgs): VpcEgress | undefined {
  if (!service.vpcEgress) return undefined;
  return args.networkEgress?.(region) ?? args.config.vpc;
}

/** The load balancer in front of the routed services and the static site. */
function createEdge(
  name: string,
  args: EnvironmentArgs,
  deployed: Readonly<Record<string, readonly CloudRunService[]>>,
  opts: pulumi.CustomResourceOptions,
): HttpsLoadBalancer {
  const { config, common } = args;
  const e = config.edge;
  if (e === undefined) throw new Error("unreachable: an edge without an edge config");
  const routed = config.services.filter((s) => behindEdge(s, config));
  return new HttpsLoadBalancer(
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
      // The static assets' bucket takes the project's storage key (prod).
      staticSite:
        e.staticSite === null || !args.keys
          ? e.staticSite
          : { ...e.staticSite, encryptionKey: args.keys.key("storage") },
      armor: e.armor,
    },
    opts,
  );
}

/**
 * Where users reach each service: through the load balancer where there is one (the run.app URL admits
 * only the load balancer there), else its own URL (feature environments, behind IAP).
 */
function serviceUrls(
  config: StackConfig,
  deployed: Readonly<Record<string, readonly CloudRunService[]>>,
): Record<string, pulumi.Output<string>> {
  const urls: Record<string, pulumi.Output<string>> = {};
  for (const service of config.services) {
    const route = service.routes[0];
    if (config.edge && route !== undefined)
      urls[service.name] = pulumi.output(
        `https://${config.edge.domains[0] ?? ""}${route.replace(/\*$/, "")}`,
      );
    else if (!config.edge) urls[service.name] = deployed[service.name]?.[0]?.uri ?? pulumi.output("");
  }
  return urls;
}

/** Per service and region: the GCP service, its revisions and its traffic (the release commands read it). */
function serviceRevisions(
  config: StackConfig,
  deployed: Readonly<Record<string, readonly CloudRunService[]>>,
): Record<string, Record<string, pulumi.Output<RegionRevisions>>> {
  return Object.fromEntries(
    config.services.map((service) => [
      service.name,
      Object.fromEntries(
        (deployed[service.name] ?? []).map((run) => [
          run.location,
          pulumi.output({
            service: run.serviceName,
            latestReadyRevision: run.latestReadyRevision,
            previousRevision: service.release?.stableRevisions[run.location],
            traffic: run.traffic,
          }),
        ]),
      ),
    ]),
  );
}

/** The Cloud Run settings of one service in this environment. */
function serviceArgs(
  service: ServiceConfig,
  config: StackConfig,
  firestore: FirestoreDatabase | undefined,
  cache: CacheAccess | undefined,
) {
  const env: Record<string, pulumi.Input<string>> = {
    ...service.env,
    ...cache?.env,
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
