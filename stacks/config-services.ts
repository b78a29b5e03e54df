/**
 * `module6:services`: one Cloud Run service per entry. The schema holds each field's type, range and the
 * rules between a service's own fields; `resolveServices` applies the preset and the rules that join a
 * service to other keys (secrets, releases, Firestore, the VPC, the kind).
 */
import { z } from "zod";
import {
  CLOUD_RUN_DEFAULTS,
  CLOUD_RUN_RULES,
  checkCpuForMemory,
  checkEnvNames,
  checkScaling,
  revisionRule,
} from "../components/cloud-run-service";
import { BACKUP_CHECK_NAME } from "../components/firestore-backup-check";
import { LOAD_BALANCER_DEFAULTS } from "../components/https-load-balancer";
import { SERVICE_LEVEL_DEFAULTS, type ServiceLevels } from "../components/service-monitoring";
import { parseImage } from "../components/shared/image";
import { IAP_MEMBER } from "../components/shared/members";
import { rule, type Problem } from "../components/shared/validation";
import {
  byKind,
  distinct,
  doc,
  docDefault,
  iapMemberSchema,
  issuesOf,
  keyed,
  regionSchema,
  routeSchema,
  ruled,
} from "./config-fields";
import { serviceLevelsSchema } from "./config-monitoring";
import { problemAt, sinkAt } from "./config-problems";
import { NAMESPACE } from "./namespace";
import type { EnvironmentNaming } from "./naming";
import type { Kind, Preset, RunDefaults } from "./presets";
import type { Region } from "./regions";
import { releaseProblems, type ReleaseEntry } from "./releases";

const D = CLOUD_RUN_DEFAULTS;
const R = CLOUD_RUN_RULES;

/** Names the program gives its own resources of the kinds a service creates (see each constant). */
const RESERVED_NAMES = [LOAD_BALANCER_DEFAULTS.defaultBackend, BACKUP_CHECK_NAME];
/**
 * Where a service runs: Cloud Run only, for now. `gke` is refused: a service on GKE behind the existing load
 * balancer needs a network endpoint group per zone, which GKE creates from the Service's NEG annotation only
 * once the Service exists in the cluster (https://cloud.google.com/kubernetes-engine/docs/how-to/standalone-neg):
 * its names are not known to a plan, so the backend service could not be wired in the same `up`.
 */
export const PLATFORM_RULE = rule<string>(
  '"cloud-run" (the only platform for now; "gke" is refused: pods behind the existing load balancer need network endpoint groups (NEGs) that GKE creates only after apply, so the load balancer cannot be wired to them in the same plan)',
  (v) => v === "cloud-run",
);

const serviceName = rule<string>(
  `${R.name.allowed}; not a name the program uses itself (${RESERVED_NAMES.join(", ")})`,
  (n) => R.name.test(n) && !RESERVED_NAMES.includes(n),
);

export const serviceSchema = z
  .strictObject({
    image: doc(
      ruled(z.string(), R.image),
      "Container image with an explicit tag or digest; `:latest` is refused in prod and staging.",
    ),
    description: doc(z.string().max(200).optional(), "What the service is, for people reading the file."),
    platform: docDefault(
      ruled(z.string(), PLATFORM_RULE).optional(),
      "Where the service runs: `cloud-run`. `gke` is refused for now (its pods would need NEGs that exist only after apply behind the load balancer).",
      "cloud-run",
    ),
    cpu: doc(ruled(z.string(), R.cpu).default(D.cpu), "CPU limit per instance."),
    memory: doc(
      ruled(z.string(), R.memory).default(D.memory),
      "Memory limit per instance; over 4, 8, 16 or 24 GiB it needs at least 2, 4, 6 or 8 CPUs.",
    ),
    concurrency: doc(
      ruled(z.int(), R.concurrency).default(D.concurrency),
      "Concurrent requests per instance.",
    ),
    minInstances: doc(
      ruled(z.int(), R.minInstances).optional(),
      "Instances kept warm (0 scales to zero); at most `maxInstances`, at least 1 with a readiness probe.",
      `\`runDefaults.minInstances\`, else ${byKind((p) => p.runDefaults.minInstances)}`,
    ),
    maxInstances: doc(
      ruled(z.int(), R.maxInstances).optional(),
      "Most instances.",
      `\`runDefaults.maxInstances\`, else ${byKind((p) => p.runDefaults.maxInstances)}`,
    ),
    port: doc(ruled(z.int(), R.port).default(D.port), "Port the container listens on."),
    timeoutSeconds: doc(ruled(z.int(), R.timeoutSeconds).default(D.timeoutSeconds), "Request timeout."),
    healthPath: doc(
      ruled(z.string(), R.probePath).default(D.healthPath),
      "Path of the startup and liveness probes.",
    ),
    readinessPath: doc(
      ruled(z.string(), R.probePath).optional(),
      "Path of the readiness probe, which cross-region failover needs (Cloud Run service health).",
      "the health path for a service in several regions, else no readiness probe",
    ),
    env: doc(
      z.record(z.string(), z.string()).default({}),
      "Plain environment variables. Names that look like credentials (`*PASSWORD*`, `*TOKEN*`, `*API_KEY*`, …) are refused: use `secretEnv`.",
    ),
    secretEnv: doc(
      z.record(z.string(), z.string()).default({}),
      "Environment variable → name of a secret declared under `secrets`, mounted by reference (the version created from config, so a new value rolls a revision; feature stacks mount staging's `latest`).",
    ),
    routes: doc(
      z.array(routeSchema).default([]),
      "Paths the load balancer sends here (`/api/*` also routes `/api`); no two services share one.",
    ),
    methodEnforcement: doc(
      z.boolean().default(false),
      "Cloud Armor method enforcement on the service's routes: only GET, HEAD, POST and OPTIONS (leave off for REST APIs).",
    ),
    uses: doc(
      z.array(z.enum(["firestore", "redis"])).default([]),
      "Data stores the service uses: `firestore` grants read/write on the environment's database and sets `FIRESTORE_DATABASE`; `redis` gives Direct VPC egress, `REDIS_HOST`, `REDIS_PORT`, `REDIS_CA_CERT` and `REDIS_AUTH` by reference (feature stacks: staging's cache with `REDIS_KEY_PREFIX`).",
    ),
    vpcEgress: doc(
      z.boolean().default(false),
      "Direct VPC egress (private ranges only) through this project's `network`, or the `vpc` block's existing network (e.g. a shared VPC).",
    ),
    regions: doc(
      ruled(z.array(regionSchema()).min(1), rule("each region once", distinct)).optional(),
      "Regions the service runs in, one serverless NEG each behind the load balancer; must include the stack's region (one region in feature stacks).",
      "the stack's `region`",
    ),
    access: doc(
      z.enum(["public", "iap"]).default("public"),
      "`public`: anyone through the load balancer; `iap`: Identity-Aware Proxy on its backend service (internal tools; prod and staging only).",
    ),
    iapMembers: doc(
      z.array(iapMemberSchema).min(1).optional(),
      "Who gets through IAP when `access` is `iap`.",
      "the `owners`",
    ),
    slo: doc(
      serviceLevelsSchema.optional(),
      "The service's own service levels, field by field over `monitoring.slo`.",
      "`monitoring.slo`",
    ),
    uptimePath: doc(
      ruled(z.string(), R.probePath).optional(),
      "Path of the uptime check through the load balancer.",
      "the first route's prefix + the health path (`/api/*` → `/api/health`); no route, no check",
    ),
  })
  .superRefine((s, ctx) => {
    const p = issuesOf(ctx);
    checkCpuForMemory(p, s.cpu, s.memory);
    checkEnvNames(p, Object.keys(s.env), Object.keys(s.secretEnv));
  });

export const servicesSchema = doc(
  ruled(
    keyed(z.record(z.string(), serviceSchema), serviceName),
    rule(
      "at least one service",
      (services: Readonly<Record<string, unknown>>) => Object.keys(services).length > 0,
    ),
  ),
  "The Cloud Run services, by name: adding a service is a config change.",
);

export type ServiceInput = z.output<typeof serviceSchema>;

/** One Cloud Run service, fully resolved. */
export interface ServiceConfig {
  readonly name: string;
  readonly image: string;
  readonly cpu: string;
  readonly memory: string;
  readonly concurrency: number;
  readonly minInstances: number;
  readonly maxInstances: number;
  readonly cpuIdle: boolean;
  readonly startupCpuBoost: boolean;
  readonly port: number;
  readonly timeoutSeconds: number;
  readonly healthPath: string;
  /** Readiness probe path: every service in several regions has one (failover needs it), others when set. */
  readonly readinessPath: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  /** Environment variable → declared secret name. */
  readonly secretEnv: Readonly<Record<string, string>>;
  readonly routes: readonly string[];
  /** Cloud Armor's method enforcement (GET, HEAD, POST, OPTIONS only) on its routes; off for REST APIs. */
  readonly methodEnforcement: boolean;
  readonly uses: readonly ("firestore" | "redis")[];
  readonly vpcEgress: boolean;
  /** Regions the service runs in; the stack's region first (one serverless NEG each). */
  readonly regions: readonly string[];
  /** `public`: anyone through the load balancer; `iap`: IAP on its backend service (internal tools). */
  readonly access: "public" | "iap";
  /** Who gets through IAP when `access` is `iap` (defaults to the owners); empty for public services. */
  readonly iapMembers: readonly string[];
  /** The service's service levels (stack defaults merged with the service's own). */
  readonly slo: Required<ServiceLevels>;
  /** Path of the uptime check through the load balancer (first route's prefix + health path by default). */
  readonly uptimePath: string | undefined;
  /** The service's release (`module6:releases.<name>`): candidate image and traffic split. */
  readonly release: ReleaseEntry | undefined;
}

/** What the services' rules need from the rest of the config; `undefined` where that key failed to parse. */
export interface ServiceContext {
  readonly kind: Kind;
  readonly preset: Preset;
  /** `undefined` when `region` failed its schema: the checks against it are left out. */
  readonly region: Region | undefined;
  readonly runDefaults: RunDefaults;
  readonly owners: readonly string[];
  /** Names of the declared secrets. */
  readonly secrets: readonly string[] | undefined;
  readonly hasFirestore: boolean | undefined;
  readonly hasVpc: boolean | undefined;
  /** A `redis` block is set (feature stacks: staging's cache, always `true`). */
  readonly hasRedis: boolean | undefined;
  /** `monitoring.slo`: the stack's service levels. */
  readonly slo: ServiceLevels | undefined;
  readonly releases: Readonly<Record<string, ReleaseEntry>>;
  readonly naming: EnvironmentNaming;
}

/**
 * Where the uptime check looks through the load balancer: the first route (a prefix route gets the
 * health path appended, `/api/*` → `/api/health`); no route, no check.
 */
export function defaultUptimePath(routes: readonly string[], healthPath: string): string | undefined {
  const first = routes[0];
  if (first === undefined) return undefined;
  return first.endsWith("/*") ? `${first.slice(0, -2)}${healthPath}` : first;
}

/** The services over the preset, and every problem that joins a service to other keys. */
export function resolveServices(
  services: Readonly<Record<string, ServiceInput>>,
  ctx: ServiceContext,
): { value: ServiceConfig[]; problems: Problem[] } {
  const value = Object.entries(services).map(([name, s]) => resolveService(name, s, ctx));
  const problems = value.flatMap((s) => serviceProblems(s, services[s.name], ctx));
  for (const name of Object.keys(ctx.releases)) {
    if (!(name in services))
      problems.push(
        problemAt(
          `releases.${name}`,
          name,
          `a release only for a service declared under ${NAMESPACE}:services`,
        ),
      );
  }
  return { value, problems };
}

function resolveService(name: string, s: ServiceInput, ctx: ServiceContext): ServiceConfig {
  const first = ctx.region === undefined ? [] : [ctx.region];
  const listed = s.regions ?? first;
  const regions = [...first, ...listed.filter((r) => r !== ctx.region)];
  return {
    name,
    image: s.image,
    cpu: s.cpu,
    memory: s.memory,
    concurrency: s.concurrency,
    minInstances: s.minInstances ?? ctx.runDefaults.minInstances,
    maxInstances: s.maxInstances ?? ctx.runDefaults.maxInstances,
    cpuIdle: ctx.runDefaults.cpuIdle,
    startupCpuBoost: ctx.runDefaults.startupCpuBoost,
    port: s.port,
    timeoutSeconds: s.timeoutSeconds,
    healthPath: s.healthPath,
    readinessPath: s.readinessPath ?? (regions.length > 1 ? s.healthPath : undefined),
    env: s.env,
    secretEnv: s.secretEnv,
    routes: s.routes,
    methodEnforcement: s.methodEnforcement,
    uses: s.uses,
    vpcEgress: s.vpcEgress,
    regions,
    access: s.access,
    iapMembers: s.access === "iap" ? (s.iapMembers ?? ctx.owners) : [],
    slo: { ...SERVICE_LEVEL_DEFAULTS, ...ctx.slo, ...s.slo },
    uptimePath: s.uptimePath ?? defaultUptimePath(s.routes, s.healthPath),
    release: ctx.releases[name],
  };
}

/** The rules of one resolved service that involve the kind, the preset or other keys. */
function serviceProblems(s: ServiceConfig, raw: ServiceInput | undefined, ctx: ServiceContext): Problem[] {
  const at = `services.${s.name}`;
  const problems: Problem[] = [];
  const add = (path: string, value: unknown, allowed: string): number =>
    problems.push(problemAt(`${at}${path}`, value, allowed));
  if (ctx.kind !== "feature" && parseImage(s.image)?.tag === "latest")
    add(".image", s.image, `a pinned tag or digest in a ${ctx.kind} stack, not :latest`);
  for (const [envName, secret] of Object.entries(s.secretEnv)) {
    if (ctx.secrets !== undefined && !ctx.secrets.includes(secret))
      add(
        `.secretEnv.${envName}`,
        secret,
        `a secret declared under ${NAMESPACE}:secrets (${ctx.secrets.join(", ") || "none declared"})`,
      );
  }
  const listed = raw?.regions ?? [];
  if (ctx.region !== undefined && raw?.regions !== undefined && !listed.includes(ctx.region))
    add(".regions", listed, `a list that includes the stack's region ${ctx.region}`);
  if (ctx.kind === "feature" && s.regions.length > 1)
    add(".regions", s.regions, "one region in a feature stack");
  if (s.access === "iap" && !ctx.preset.edge)
    add(
      ".access",
      s.access,
      `"public" in a ${ctx.kind} stack: it has no load balancer (IAP guards every feature service anyway)`,
    );
  if (s.uses.includes("firestore") && ctx.hasFirestore === false)
    add(".uses", s.uses, `firestore only with a ${NAMESPACE}:firestore block`);
  if (s.uses.includes("redis") && ctx.hasRedis === false)
    add(".uses", s.uses, `redis only with a ${NAMESPACE}:redis block`);
  if (s.vpcEgress && ctx.hasVpc === false)
    add(".vpcEgress", true, `true only with a ${NAMESPACE}:network or ${NAMESPACE}:vpc block`);
  checkScaling(sinkAt(problems, `${at}.`), s);
  const ownersThroughIap = s.access === "iap" && ctx.preset.edge && raw?.iapMembers === undefined;
  return [
    ...problems,
    ...(ownersThroughIap ? ownerProblems(s.name, ctx.owners) : []),
    ...releaseRules(s, ctx),
  ];
}

/** A service behind IAP without `iapMembers` lets the owners through: they must be people IAP admits. */
function ownerProblems(service: string, owners: readonly string[]): Problem[] {
  return owners.flatMap((member, i) =>
    IAP_MEMBER.test(member)
      ? []
      : [
          problemAt(
            `owners[${i}]`,
            member,
            `${IAP_MEMBER.allowed} (services.${service} lets the owners through IAP)`,
          ),
        ],
  );
}

/** The service's release: no `:latest` outside feature stacks, and the entry's own rules. */
function releaseRules(s: ServiceConfig, ctx: ServiceContext): Problem[] {
  const release = s.release;
  if (release === undefined) return [];
  const problems: Problem[] = releaseProblems(s.name, release, s.regions).map((r) =>
    problemAt(r.path, r.value, r.allowed),
  );
  if (ctx.kind !== "feature" && parseImage(release.image)?.tag === "latest")
    problems.push(
      problemAt(
        `releases.${s.name}.image`,
        release.image,
        `a pinned tag or digest in a ${ctx.kind} stack, not :latest`,
      ),
    );
  const revision = revisionRule(ctx.naming.name("cloudRunService", s.name));
  for (const [region, name] of Object.entries(release.stableRevisions)) {
    if (!revision.test(name))
      problems.push(problemAt(`releases.${s.name}.stableRevisions.${region}`, name, revision.allowed));
  }
  return problems;
}
