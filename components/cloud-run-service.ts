import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Component } from "./shared/component";
import { grantKey } from "./shared/grants";
import { IMAGE_RULE, parseImage } from "./shared/image";
import { GRANT_PROPAGATION, propagationWait } from "./shared/propagation";
import { componentLabels, type CommonArgs, type Member } from "./shared/types";
import { IAP_MEMBER } from "./shared/members";
import {
  integerRule,
  isKnown,
  oneOfRule,
  Problems,
  rule,
  type ProblemSink,
  type Rule,
} from "./shared/validation";
import { CLOUD_RUN_NAME_WITH_TAG_MAX, MAX_TRAFFIC_TAG_LENGTH } from "./shared/limits";
import { duration } from "./shared/durations";

/** Who may reach the service's network endpoint. */
export type Ingress = "all" | "internal-and-lb" | "internal";

/** A secret environment variable: a reference to a Secret Manager secret, never its value. */
export interface SecretEnvRef {
  /** Secret id or full resource name (`projects/p/secrets/s`). */
  readonly secret: pulumi.Input<string>;
  /**
   * Secret version: a version number pins the value, so a rotation (a new version) rolls a new revision.
   * Google recommends pinning for secrets passed as environment variables, which "are resolved at
   * instance startup time" (https://cloud.google.com/run/docs/configuring/services/secrets): with
   * `latest`, a rotated value reaches instances unevenly, as they happen to start.
   * @default - `"latest"`, resolved at each instance start
   */
  readonly version?: pulumi.Input<string>;
}

/** Direct VPC egress: the service's outbound traffic to private ranges goes through this subnet. */
export interface VpcEgress {
  /** VPC network name or self link. */
  readonly network: pulumi.Input<string>;
  /** Subnetwork name or self link, in the service's region. */
  readonly subnetwork: pulumi.Input<string>;
  /**
   * Which traffic goes through the VPC.
   * @default "private-ranges-only"
   */
  readonly egress?: "private-ranges-only" | "all-traffic";
}

/** One share of a service's requests: a revision (or the latest one) and, optionally, a tag URL. */
export interface TrafficTarget {
  /**
   * The revision that receives the share (`<service>-00042-abc`).
   * @default - the latest ready revision, i.e. the one the current template creates
   */
  readonly revision?: string;
  /** Share of requests in percent, an integer 0-100. No default. */
  readonly percent: number;
  /**
   * Tag: the target is also reachable at its own URL (`https://<tag>---<service>-….a.run.app`), e.g.
   * `canary` or `green` for smoke tests before it takes traffic. 1-8 of a-z 0-9 '-'.
   * @default - no tag URL
   */
  readonly tag?: string;
}

/** Where a service's requests go, as Cloud Run reports it after a deployment. */
export interface TrafficStatus {
  /** The revision, or `undefined` for the latest-revision target. */
  readonly revision?: string;
  readonly percent: number;
  readonly tag?: string;
  /** True for the target that follows the latest ready revision. */
  readonly latest: boolean;
  /** The tag URL, when the target has a tag. */
  readonly uri?: string;
}

/** Arguments of {@link CloudRunService}. */
export interface CloudRunServiceArgs extends CommonArgs {
  /** Logical service name from config (e.g. `api`); the GCP name is `naming.name("cloudRunService", name)`. */
  readonly name: string;
  /** Container image with an explicit tag or digest. */
  readonly image: pulumi.Input<string>;
  /** Email of the dedicated runtime service account (see `ServiceIdentity`). Required: never the default. */
  readonly serviceAccountEmail: pulumi.Input<string>;
  /**
   * CPU limit per instance.
   * @default "1"
   */
  readonly cpu?: string;
  /**
   * Memory limit per instance (`Mi`/`Gi`).
   * @default "512Mi"
   */
  readonly memory?: string;
  /**
   * Maximum concurrent requests per instance.
   * @default 80
   */
  readonly concurrency?: number;
  /**
   * Minimum instances kept warm; 0 scales to zero.
   * @default 0
   */
  readonly minInstances?: number;
  /**
   * Maximum instances.
   * @default 10
   */
  readonly maxInstances?: number;
  /**
   * CPU only during requests (`true`) or always allocated (`false`).
   * @default true
   */
  readonly cpuIdle?: boolean;
  /**
   * Extra CPU during start-up to cut cold-start latency.
   * @default true
   */
  readonly startupCpuBoost?: boolean;
  /**
   * Port the container listens on.
   * @default 8080
   */
  readonly port?: number;
  /**
   * Request timeout in seconds.
   * @default 30
   */
  readonly timeoutSeconds?: number;
  /**
   * HTTP path of the startup and liveness probes. Not ending in `z`: Cloud Run reserves "some paths
   * ending with z" and recommends avoiding all of them (https://cloud.google.com/run/docs/known-issues).
   * @default "/health"
   */
  readonly healthPath?: string;
  /**
   * HTTP path of a readiness probe. Cloud Run service health — cross-region failover behind the load
   * balancer — is computed from readiness probes and needs at least one minimum instance per region
   * (https://cloud.google.com/run/docs/configuring/configure-service-health), so `minInstances` must be
   * at least 1. Readiness probes are a Preview feature
   * (https://cloud.google.com/run/docs/configuring/healthchecks): the service sets `launchStage: "BETA"`,
   * which the provider documents as the way to "allow use of preview features in that stage".
   * @default - no readiness probe
   */
  readonly readinessPath?: string;
  /**
   * IAM grants the revision needs from its first start (secret access, data access). The service is
   * created only `GRANT_PROPAGATION` (2 minutes) after them, through a `Sleep` keyed by their ids: a stack
   * whose grants did not change does not wait again.
   * @default - no wait
   */
  readonly awaitGrants?: readonly pulumi.CustomResource[];
  /**
   * Plain environment variables. Names that look like credentials are refused: use `secretEnv`.
   * @default {}
   */
  readonly env?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Environment variables resolved from Secret Manager at revision start.
   * @default {}
   */
  readonly secretEnv?: Readonly<Record<string, SecretEnvRef>>;
  /**
   * Network ingress. `internal-and-lb` serves only the load balancer and the VPC.
   * @default "internal-and-lb"
   */
  readonly ingress?: Ingress;
  /**
   * Disables the `run.app` URL so that only the load balancer reaches the service.
   * @default false
   */
  readonly defaultUrlDisabled?: boolean;
  /**
   * Identity-Aware Proxy on the service itself (feature environments): only `members` reach it.
   * Needs `ingress: "all"` and the IAP service agent's email, which is granted `run.invoker`.
   * @default - no IAP
   */
  readonly iap?: {
    /** Who gets through IAP (`group:`, `user:` or `domain:` members); at least one. No default. */
    readonly members: readonly string[];
    /** Email of the project's IAP service agent, granted `run.invoker` on this service. No default. */
    readonly serviceAgentEmail: pulumi.Input<string>;
  };
  /**
   * Lets any caller that reaches the service invoke it without IAM (Cloud Run's `invokerIamDisabled`):
   * for public services behind the load balancer, where ingress already admits only the load balancer.
   * Refused with ingress `all`, which would make the `run.app` URL public.
   * @default false
   */
  readonly invokerIamDisabled?: boolean;
  /**
   * Direct VPC egress (e.g. to Memorystore).
   * @default - no VPC egress
   */
  readonly vpcEgress?: VpcEgress;
  /**
   * Provider-side deletion protection. Cloud Run treats unset as `true`; destroyable stacks pass `false`.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * How requests are split between revisions: canary (`[{ percent: 10, tag: "canary" }, { revision:
   * "<stable>", percent: 90 }]`), blue-green (`[{ percent: 0, tag: "green" }, { revision: "<blue>", percent:
   * 100 }]`) or rollback. Shares are integers that sum to 100; at most one target follows the latest
   * revision; revisions and tags appear once each.
   * @default - every request to the latest revision (`[{ percent: 100 }]`, set explicitly, so a finished
   * release never leaves an old split behind)
   */
  readonly traffic?: readonly TrafficTarget[];
}

/** Logical service names (config keys): short enough that every derived GCP name stays readable. */
export const SERVICE_NAME = /^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$/;
export const SERVICE_NAME_RULE =
  "1-20 of a-z 0-9 '-', starting with a letter, not ending with '-' nor holding '--'";
export const ALLOWED_CPU = ["1", "2", "4", "6", "8"] as const;
const RESERVED_ENV = new Set(["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"]);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** An absolute URL path that does not end in `z` (Cloud Run reserves some such paths, see `healthPath`). */
export function isProbePath(path: string): boolean {
  return /^\/[\w\-./]*$/.test(path) && !path.endsWith("z");
}
export const PROBE_PATH_RULE =
  "an absolute URL path such as /health, not ending in 'z' (Cloud Run reserves some paths ending in z)";
/** The default health path of probes and uptime checks. */
export const DEFAULT_HEALTH_PATH = "/health";
/** Environment variable names that must come from Secret Manager, never plain config. */
export const SECRET_LOOKING_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;

/** Traffic tags: lowercase DNS-label characters, short enough for the tag URL. */
export const TRAFFIC_TAG = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
export const TRAFFIC_TAG_RULE = `1-${MAX_TRAFFIC_TAG_LENGTH} of a-z 0-9 '-', starting with a letter, ending with a letter or digit, no '--'`;
/** Revision names: `<service>-<suffix>`, at most 63 characters. */
const REVISION_NAME = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The default split: every request to the latest revision. */
export const ALL_TO_LATEST: readonly TrafficTarget[] = [{ percent: 100 }];

/** What an unset field of {@link CloudRunServiceArgs} means (the stack config's defaults too). */
export const CLOUD_RUN_DEFAULTS = {
  cpu: "1",
  memory: "512Mi",
  concurrency: 80,
  minInstances: 0,
  maxInstances: 10,
  port: 8080,
  timeoutSeconds: 30,
  healthPath: DEFAULT_HEALTH_PATH,
} as const;

/** Memory in MiB from `512Mi` / `2Gi`; undefined when malformed. */
export function memoryMiB(memory: string): number | undefined {
  const match = /^(\d+)(Mi|Gi)$/.exec(memory);
  if (!match) return undefined;
  return Number(match[1]) * (match[2] === "Gi" ? 1024 : 1);
}

/** The least CPU Cloud Run requires for a memory size (GiB thresholds 4, 8, 16, 24). */
export function minCpuForMemory(mib: number): number {
  if (mib > 24 * 1024) return 8;
  if (mib > 16 * 1024) return 6;
  if (mib > 8 * 1024) return 4;
  if (mib > 4 * 1024) return 2;
  return 1;
}

/** The rules of single fields of {@link CloudRunServiceArgs}; the stack config applies them to its keys. */
export const CLOUD_RUN_RULES = {
  name: rule<string>(SERVICE_NAME_RULE, (n) => SERVICE_NAME.test(n) && !n.includes("--")),
  image: rule<string>(IMAGE_RULE, (ref) => parseImage(ref) !== undefined),
  cpu: oneOfRule<string>(ALLOWED_CPU),
  memory: rule<string>("512Mi to 32Gi, as <n>Mi or <n>Gi", (memory) => {
    const mib = memoryMiB(memory);
    return mib !== undefined && mib >= 512 && mib <= 32 * 1024;
  }),
  concurrency: integerRule(1, 1000),
  minInstances: integerRule(0, 1000),
  maxInstances: integerRule(1, 1000),
  port: integerRule(1, 65535),
  timeoutSeconds: integerRule(1, 3600),
  probePath: rule<string>(PROBE_PATH_RULE, isProbePath),
};

/** A revision of the service whose GCP name is `serviceName` (a traffic target's `revision`). */
export function revisionRule(serviceName: string): Rule<string> {
  return rule(
    `a revision of this service: "${serviceName}-<suffix>", at most 63 of a-z 0-9 '-'`,
    (r) => REVISION_NAME.test(r) && r.startsWith(`${serviceName}-`),
  );
}

/** Cloud Run needs more CPU for more memory: over 4/8/16/24 GiB, at least 2/4/6/8 CPUs. */
export function checkCpuForMemory(p: ProblemSink, cpu: string, memory: string): void {
  const mib = memoryMiB(memory);
  if (mib === undefined || !CLOUD_RUN_RULES.memory.test(memory) || !CLOUD_RUN_RULES.cpu.test(cpu)) return;
  const need = minCpuForMemory(mib);
  p.check(Number(cpu) >= need, "cpu", cpu, `at least ${need} for memory ${memory}`);
}

/**
 * Scaling: at most `maxInstances` warm, and a warm instance wherever a readiness probe runs (each checked
 * once the counts are valid themselves).
 */
export function checkScaling(
  p: ProblemSink,
  s: { readonly minInstances: number; readonly maxInstances: number; readonly readinessPath?: string },
): void {
  if (!CLOUD_RUN_RULES.minInstances.test(s.minInstances)) return;
  if (CLOUD_RUN_RULES.maxInstances.test(s.maxInstances))
    p.check(
      s.minInstances <= s.maxInstances,
      "minInstances",
      s.minInstances,
      `at most maxInstances (${s.maxInstances})`,
    );
  if (s.readinessPath !== undefined)
    p.check(
      s.minInstances >= 1,
      "minInstances",
      s.minInstances,
      "at least 1 with a readiness probe, which every service in several regions has (Cloud Run service health needs a minimum instance per region)",
    );
}

/**
 * Environment variable names: not reserved by Cloud Run, no credential in plain `env` (its value is never
 * shown), and no name in both `env` and `secretEnv`.
 */
export function checkEnvNames(p: ProblemSink, env: readonly string[], secretEnv: readonly string[]): void {
  const allowed = "a variable name that Cloud Run does not reserve";
  const isName = (key: string): boolean => ENV_NAME.test(key) && !RESERVED_ENV.has(key);
  for (const key of env) {
    p.check(isName(key), `env.${key}`, key, allowed);
    p.check(
      !SECRET_LOOKING_ENV.test(key),
      `env.${key}`,
      "(value hidden)",
      "credentials only through secretEnv (Secret Manager)",
    );
  }
  for (const key of secretEnv) {
    p.check(isName(key), `secretEnv.${key}`, key, allowed);
    p.check(!env.includes(key), `secretEnv.${key}`, key, "a name not also set in env");
  }
}

/** Checks {@link CloudRunServiceArgs}; throws one `ValidationError` naming every problem. */
export function validateCloudRunServiceArgs(args: CloudRunServiceArgs): void {
  const p = new Problems(`CloudRunService "${args.name}"`);
  const d = CLOUD_RUN_DEFAULTS;
  const r = CLOUD_RUN_RULES;
  p.rule("name", args.name, r.name);
  if (isKnown(args.image)) p.rule("image", args.image, r.image);
  const cpu = args.cpu ?? d.cpu;
  const memory = args.memory ?? d.memory;
  p.rule("cpu", cpu, r.cpu);
  p.rule("memory", memory, r.memory);
  checkCpuForMemory(p, cpu, memory);
  p.rule("concurrency", args.concurrency ?? d.concurrency, r.concurrency);
  const scaling = {
    minInstances: args.minInstances ?? d.minInstances,
    maxInstances: args.maxInstances ?? d.maxInstances,
    readinessPath: args.readinessPath,
  };
  p.rule("minInstances", scaling.minInstances, r.minInstances);
  p.rule("maxInstances", scaling.maxInstances, r.maxInstances);
  checkScaling(p, scaling);
  p.rule("port", args.port ?? d.port, r.port);
  p.rule("timeoutSeconds", args.timeoutSeconds ?? d.timeoutSeconds, r.timeoutSeconds);
  p.rule("healthPath", args.healthPath ?? d.healthPath, r.probePath);
  if (args.readinessPath !== undefined) p.rule("readinessPath", args.readinessPath, r.probePath);
  checkEnvNames(p, Object.keys(args.env ?? {}), Object.keys(args.secretEnv ?? {}));
  checkExposure(p, args);
  checkTraffic(p, args.traffic, args.naming.name("cloudRunService", args.name));
  p.throwIfAny();
}

/** Ingress, IAP and IAM-free invocation: combinations that would expose the service or lock it. */
function checkExposure(p: Problems, args: CloudRunServiceArgs): void {
  const ingress = args.ingress ?? "internal-and-lb";
  if (args.invokerIamDisabled) {
    p.check(
      ingress !== "all",
      "invokerIamDisabled",
      true,
      'true only with ingress "internal-and-lb" or "internal" (else the run.app URL is public)',
    );
    p.check(!args.iap, "invokerIamDisabled", true, "false when iap is on");
  }
  if (args.iap) {
    p.check(ingress === "all", "ingress", ingress, `"all" when iap is on (IAP guards the service's own URL)`);
    p.check(!args.defaultUrlDisabled, "defaultUrlDisabled", true, "false when iap is on");
    p.check(args.iap.members.length > 0, "iap.members", args.iap.members, "at least one group or user");
    args.iap.members.forEach((m, i) => p.rule(`iap.members[${i}]`, m, IAP_MEMBER));
  }
}

/** The traffic rules of {@link CloudRunServiceArgs.traffic}, against the GCP service name. */
function checkTraffic(p: Problems, traffic: readonly TrafficTarget[] | undefined, serviceName: string): void {
  if (traffic === undefined) return;
  if (
    !p.check(traffic.length > 0, "traffic", traffic, "at least one target (omit traffic for 100 % to latest)")
  )
    return;
  let sum = 0;
  let allIntegers = true;
  traffic.forEach((t, i) => {
    const at = `traffic[${i}]`;
    const okPercent = Number.isInteger(t.percent) && t.percent >= 0 && t.percent <= 100;
    allIntegers &&= okPercent;
    if (p.check(okPercent, `${at}.percent`, t.percent, "an integer 0-100")) sum += t.percent;
    if (t.revision !== undefined) p.rule(`${at}.revision`, t.revision, revisionRule(serviceName));
    if (t.tag !== undefined) {
      if (
        p.check(
          TRAFFIC_TAG.test(t.tag) && !t.tag.includes("--") && t.tag.length <= MAX_TRAFFIC_TAG_LENGTH,
          `${at}.tag`,
          t.tag,
          TRAFFIC_TAG_RULE,
        )
      ) {
        p.check(
          serviceName.length + 1 + t.tag.length <= CLOUD_RUN_NAME_WITH_TAG_MAX,
          `${at}.tag`,
          t.tag,
          `a tag that fits the tag URL: service name "${serviceName}" + '-' + tag must be at most ${CLOUD_RUN_NAME_WITH_TAG_MAX} characters`,
        );
      }
    }
    p.check(
      t.percent > 0 || t.tag !== undefined,
      at,
      t,
      "a share above 0 or a tag (a target with neither does nothing)",
    );
  });
  if (allIntegers) p.check(sum === 100, "traffic", traffic, `shares that sum to 100 (they sum to ${sum})`);
  const latest = traffic.filter((t) => t.revision === undefined).length;
  p.check(
    latest <= 1,
    "traffic",
    traffic,
    `at most one target without a revision (the latest); found ${latest}`,
  );
  const revisions = traffic.flatMap((t) => (t.revision === undefined ? [] : [t.revision]));
  for (const r of new Set(revisions.filter((r, i) => revisions.indexOf(r) !== i)))
    p.add("traffic", r, "each revision in one target only");
  const tags = traffic.flatMap((t) => (t.tag === undefined ? [] : [t.tag]));
  for (const t of new Set(tags.filter((t, i) => tags.indexOf(t) !== i)))
    p.add("traffic", t, "each tag on one target only");
}

/** The provider's traffic blocks for a split. */
function trafficBlocks(traffic: readonly TrafficTarget[]): gcp.types.input.cloudrunv2.ServiceTraffic[] {
  return traffic.map((t) => ({
    type:
      t.revision === undefined
        ? "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
        : "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION",
    percent: t.percent,
    ...(t.revision !== undefined ? { revision: t.revision } : {}),
    ...(t.tag !== undefined ? { tag: t.tag } : {}),
  }));
}

/** Cloud Run's traffic statuses in this component's shape. */
function trafficStatuses(
  statuses: readonly gcp.types.output.cloudrunv2.ServiceTrafficStatus[] | undefined,
): TrafficStatus[] {
  return (statuses ?? []).map((s) => ({
    ...(s.revision ? { revision: s.revision } : {}),
    percent: s.percent ?? 0,
    ...(s.tag ? { tag: s.tag } : {}),
    latest: s.type === "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST",
    ...(s.uri ? { uri: s.uri } : {}),
  }));
}

const INGRESS: Record<Ingress, string> = {
  all: "INGRESS_TRAFFIC_ALL",
  "internal-and-lb": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
  internal: "INGRESS_TRAFFIC_INTERNAL_ONLY",
};

/**
 * One Cloud Run (v2) service with a dedicated identity, probes, secret references and per-environment
 * ingress. Secure by default: LB-only ingress, deletion protection, no plain-text credentials.
 */
export class CloudRunService extends Component {
  readonly service: gcp.cloudrunv2.Service;
  /** The GCP service name. */
  readonly serviceName: pulumi.Output<string>;
  /** The service's `run.app` URL (not reachable where ingress or `defaultUrlDisabled` forbid it). */
  readonly uri: pulumi.Output<string>;
  /** The region the service runs in. */
  readonly location: string;
  /** The newest revision that is ready to serve (the rollback target of the next release). */
  readonly latestReadyRevision: pulumi.Output<string>;
  /** Where requests go after the deployment: revisions, shares, tags and tag URLs. */
  readonly traffic: pulumi.Output<TrafficStatus[]>;
  private readonly baseName: string;

  constructor(name: string, args: CloudRunServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    validateCloudRunServiceArgs(args);
    super("module6:run:Service", name, opts);
    this.baseName = name;
    this.location = args.region;
    const labels = componentLabels(args.labels, "cloud-run");
    const health = args.healthPath ?? CLOUD_RUN_DEFAULTS.healthPath;
    const port = args.port ?? CLOUD_RUN_DEFAULTS.port;

    const envs = [
      ...Object.entries(args.env ?? {}).map(([envName, value]) => ({ name: envName, value })),
      ...Object.entries(args.secretEnv ?? {}).map(([envName, ref]) => ({
        name: envName,
        valueSource: { secretKeyRef: { secret: ref.secret, version: ref.version ?? "latest" } },
      })),
    ];

    const grants = args.awaitGrants ?? [];
    const wait =
      grants.length > 0
        ? propagationWait(
            `${name}-grants-propagation`,
            GRANT_PROPAGATION,
            grants.map((g) => g.id),
            this.child(),
          )
        : undefined;

    this.service = new gcp.cloudrunv2.Service(
      name,
      {
        project: args.project,
        location: args.region,
        name: args.naming.name("cloudRunService", args.name),
        ingress: INGRESS[args.ingress ?? "internal-and-lb"],
        defaultUriDisabled: args.defaultUrlDisabled ?? false,
        iapEnabled: args.iap !== undefined,
        invokerIamDisabled: args.invokerIamDisabled ?? false,
        deletionProtection: args.deletionProtection ?? true,
        ...(args.readinessPath !== undefined ? { launchStage: "BETA" } : {}),
        traffics: trafficBlocks(args.traffic ?? ALL_TO_LATEST),
        labels,
        template: {
          labels,
          serviceAccount: args.serviceAccountEmail,
          maxInstanceRequestConcurrency: args.concurrency ?? CLOUD_RUN_DEFAULTS.concurrency,
          timeout: duration(args.timeoutSeconds ?? CLOUD_RUN_DEFAULTS.timeoutSeconds),
          scaling: {
            minInstanceCount: args.minInstances ?? CLOUD_RUN_DEFAULTS.minInstances,
            maxInstanceCount: args.maxInstances ?? CLOUD_RUN_DEFAULTS.maxInstances,
          },
          vpcAccess: args.vpcEgress
            ? {
                egress: args.vpcEgress.egress === "all-traffic" ? "ALL_TRAFFIC" : "PRIVATE_RANGES_ONLY",
                networkInterfaces: [
                  { network: args.vpcEgress.network, subnetwork: args.vpcEgress.subnetwork },
                ],
              }
            : undefined,
          containers: [
            {
              image: args.image,
              ports: { containerPort: port },
              resources: {
                limits: {
                  cpu: args.cpu ?? CLOUD_RUN_DEFAULTS.cpu,
                  memory: args.memory ?? CLOUD_RUN_DEFAULTS.memory,
                },
                cpuIdle: args.cpuIdle ?? true,
                startupCpuBoost: args.startupCpuBoost ?? true,
              },
              envs,
              startupProbe: {
                httpGet: { path: health, port },
                initialDelaySeconds: 0,
                periodSeconds: 2,
                timeoutSeconds: 2,
                failureThreshold: 30,
              },
              livenessProbe: {
                httpGet: { path: health, port },
                periodSeconds: 30,
                timeoutSeconds: 5,
                failureThreshold: 3,
              },
              ...(args.readinessPath !== undefined
                ? {
                    readinessProbe: {
                      httpGet: { path: args.readinessPath, port },
                      periodSeconds: 10,
                      timeoutSeconds: 5,
                      failureThreshold: 3,
                      successThreshold: 2,
                    },
                  }
                : {}),
            },
          ],
        },
      },
      // The revision waits until its grants have propagated (Cloud Run checks secret access at deploy).
      this.child(wait ? { dependsOn: [wait] } : {}),
    );
    this.serviceName = this.service.name;
    this.uri = this.service.uri;
    this.latestReadyRevision = this.service.latestReadyRevision;
    this.traffic = this.service.trafficStatuses.apply(trafficStatuses);

    if (args.iap) {
      // IAP calls the service as its service agent: it needs run.invoker on this service only.
      this.grantInvoke(pulumi.interpolate`serviceAccount:${args.iap.serviceAgentEmail}`, "iap-agent");
      for (const member of args.iap.members) this.grantIapAccess(member);
    }
    this.registerOutputs({
      serviceName: this.serviceName,
      uri: this.uri,
      latestReadyRevision: this.latestReadyRevision,
      traffic: this.traffic,
    });
  }

  /** Lets `member` invoke the service (`run.invoker` on this service only). */
  grantInvoke(member: Member, key?: string): gcp.cloudrunv2.ServiceIamMember {
    return new gcp.cloudrunv2.ServiceIamMember(
      `${this.baseName}-invoker-${grantKey(member, key, "CloudRunService.grantInvoke")}`,
      {
        project: this.service.project,
        location: this.service.location,
        name: this.service.name,
        role: "roles/run.invoker",
        member,
      },
      this.child(),
    );
  }

  /** Lets `member` through IAP to this service (`iap.httpsResourceAccessor` on this service only). */
  grantIapAccess(member: Member, key?: string): gcp.iap.WebCloudRunServiceIamMember {
    return new gcp.iap.WebCloudRunServiceIamMember(
      `${this.baseName}-iap-${grantKey(member, key, "CloudRunService.grantIapAccess")}`,
      {
        project: this.service.project,
        location: this.service.location,
        cloudRunServiceName: this.service.name,
        role: "roles/iap.httpsResourceAccessor",
        member,
      },
      this.child(),
    );
  }
}
