/**
 * Stack config: read the `module6:*` keys, validate them all at once, and resolve them over the preset of
 * the environment kind into one typed `StackConfig`. Nothing here creates resources, so a mistake is
 * reported before any resource exists.
 */
import type { z } from "zod";
import { validateArtifactRegistryArgs } from "../components/artifact-registry";
import {
  DEFAULT_HEALTH_PATH,
  SERVICE_NAME,
  SERVICE_NAME_RULE,
  validateCloudRunServiceArgs,
} from "../components/cloud-run-service";
import { validateFirestoreDatabaseArgs, type FirestoreIndex } from "../components/firestore-database";
import { validateProjectServicesArgs } from "../components/project-services";
import { validateSecretSetArgs, type SecretSpec } from "../components/secret-set";
import { parseImage } from "../components/shared/image";
import { ValidationError, show, type Problem } from "../components/shared/validation";
import { configSchema, type ParsedConfig } from "./config-schema";
import { environmentLabels } from "./labels";
import { EnvironmentNaming, envSegment } from "./naming";
import {
  PRESETS,
  type FirestorePreset,
  type Kind,
  type Preset,
  type Protection,
  type RunDefaults,
} from "./presets";
import type { Region } from "./regions";
import { NAMESPACE, SECRET_KEY_PREFIX } from "./namespace";
import { HIDDEN, SECRET_LOOKING_KEY, collect, keyPath, zodProblems } from "./config-problems";
import type { ConfigInput } from "./config-map";
import { resolveEdge, type EdgeConfig } from "./config-edge";
import { releaseImage, releaseProblems, releaseTraffic, type ReleaseEntry } from "./releases";
import { DEFAULT_SERVICE_LEVELS, resolveMonitoring, type MonitoringConfig } from "./config-monitoring";
import type { ServiceLevels } from "../components/service-monitoring";

export { NAMESPACE, SECRET_KEY_PREFIX } from "./namespace";
export { splitConfigMap, type ConfigInput } from "./config-map";

/** The staging stack of a self-managed backend (`pulumi login gs://…`), whose organization is `organization`. */
export const DEFAULT_STAGING_STACK = `organization/${NAMESPACE}/staging`;

/** APIs every project this program manages needs. */
export const BASE_APIS = [
  "artifactregistry.googleapis.com",
  "cloudresourcemanager.googleapis.com",
  "cloudtrace.googleapis.com",
  "containerscanning.googleapis.com",
  "firestore.googleapis.com",
  "iam.googleapis.com",
  "iamcredentials.googleapis.com",
  "logging.googleapis.com",
  "monitoring.googleapis.com",
  "run.googleapis.com",
  "secretmanager.googleapis.com",
];

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
  readonly uses: readonly "firestore"[];
  readonly vpcEgress: boolean;
  /** Regions the service runs in; the stack's region first (one serverless NEG each). */
  readonly regions: readonly string[];
  /** `public`: anyone through the load balancer; `iap`: IAP on its backend service (internal tools). */
  readonly access: "public" | "iap";
  /** Who gets through IAP when `access` is `iap` (defaults to the owners). */
  readonly iapMembers: readonly string[];
  /** The service's service levels (stack defaults merged with the service's own). */
  readonly slo: Required<ServiceLevels>;
  /** Path of the uptime check through the load balancer (first route's prefix + health path by default). */
  readonly uptimePath: string | undefined;
  /** The service's release (`module6:releases.<name>`): candidate image and traffic split. */
  readonly release: ReleaseEntry | undefined;
}

/** Firestore settings, preset merged with config. */
export interface FirestoreConfig extends FirestorePreset {
  readonly location: string;
  readonly protect: boolean;
  readonly indexes: readonly FirestoreIndex[];
  readonly ttlFields: readonly { readonly collection: string; readonly field: string }[];
}

/** Everything one stack builds from, validated and resolved over its preset. */
export interface StackConfig {
  readonly stack: string;
  readonly kind: Kind;
  /** The environment's name segment (`prod`, `staging`, `f-<slug>`). */
  readonly env: string;
  readonly gcpProject: string;
  readonly region: Region;
  readonly prefix: string;
  readonly app: string;
  readonly domain: string | undefined;
  /** Labels every resource carries (components add `component`). */
  readonly labels: Readonly<Record<string, string>>;
  readonly owners: readonly string[];
  /** Who may reach a feature environment through IAP (defaults to the owners). */
  readonly reviewers: readonly string[];
  readonly services: readonly ServiceConfig[];
  readonly secrets: Readonly<Record<string, SecretSpec>>;
  /** Secrets that have a value in config (`module6:secret-<name>`); names only, never values. */
  readonly secretsWithValues: readonly string[];
  readonly allowedRegions: readonly Region[];
  readonly firestore: FirestoreConfig | undefined;
  readonly runDefaults: RunDefaults;
  readonly protection: Protection;
  readonly preset: Preset;
  readonly artifactRegistry: NonNullable<ParsedConfig["artifactRegistry"]>;
  readonly apis: readonly string[];
  readonly vpc: ParsedConfig["vpc"];
  /** Fully qualified name of the staging stack a feature stack reads shared outputs from. */
  readonly stagingStack: string;
  /** The load balancer, Cloud Armor and static site (prod and staging). */
  readonly edge: EdgeConfig | undefined;
  /** Service levels, alerts, channels, logging and the budget (prod and staging). */
  readonly monitoring: MonitoringConfig | undefined;
  /** The project's IAP service agent is needed (feature environments or IAP-guarded services live here). */
  readonly needsIapAgent: boolean;
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

/** Stand-ins for required sections that failed to parse, so the remaining checks still run. */
const FALLBACKS = {
  gcpProject: "validation-project",
  region: "asia-northeast3",
  labels: {},
  owners: [],
  services: {},
  secrets: {},
} as const;

/**
 * Validates a stack's config and resolves it over the kind's preset. Throws one `ValidationError` that
 * lists every problem with its key path, the value received and what is allowed. Each top-level key is
 * checked on its own, so a mistake in one does not hide the mistakes in others.
 */
export function parseStackConfig(input: ConfigInput): StackConfig {
  const subject = `Invalid config for stack "${input.stack}"`;
  const problems: Problem[] = [];
  const add = (path: string, value: unknown, allowed: string): void => {
    problems.push({ path: `${NAMESPACE}:${path}`, value: show(value), allowed });
  };

  const hidden = new Set(input.secretKeys ?? []);
  const shape = configSchema.shape;
  const known = Object.keys(shape);
  for (const [key, value] of Object.entries(input.values)) {
    if (!known.includes(key)) {
      problems.push({
        path: keyPath([key]),
        // An unknown key may be a mistyped secret key holding a decrypted value: never show such values.
        value: hidden.has(key) || SECRET_LOOKING_KEY.test(key) ? HIDDEN : show(value),
        allowed: `a known key (${known.join(", ")}; secret values as ${SECRET_KEY_PREFIX}<name>)`,
      });
    }
  }
  const sections: Record<string, unknown> = {};
  const failed = new Set<string>();
  for (const [key, schema] of Object.entries(shape) as [string, z.ZodType][]) {
    const result = schema.safeParse(input.values[key], { reportInput: true });
    if (result.success) sections[key] = result.data;
    else {
      failed.add(key);
      const found = zodProblems(result.error, key, input.values[key]);
      problems.push(...(hidden.has(key) ? found.map((p) => ({ ...p, value: HIDDEN })) : found));
    }
  }
  // Without a kind there is no preset to check the rest against.
  if (failed.has("kind")) throw new ValidationError(subject, problems);
  const fallbacks = Object.fromEntries(Object.entries(FALLBACKS).filter(([k]) => failed.has(k)));
  const cfg = { ...sections, ...fallbacks } as ParsedConfig;

  const preset = PRESETS[cfg.kind];
  const isFeatureName = /^feature-[a-z0-9][a-z0-9-]*$/.test(input.stack);
  if (cfg.kind === "feature" && !isFeatureName) {
    add(
      "kind",
      cfg.kind,
      `a stack named feature-<slug> (lowercase) for kind feature; this stack is "${input.stack}"`,
    );
  }
  if (cfg.kind !== "feature" && input.stack.startsWith("feature-")) {
    add("kind", cfg.kind, `"feature" for a stack named feature-<slug>`);
  }
  if (cfg.kind !== "feature" && cfg.domain === undefined)
    add("domain", undefined, `a domain for a ${cfg.kind} stack`);
  for (const required of failed.has("labels") ? [] : ["team", "cost-center"]) {
    if (!cfg.labels[required]) add(`labels.${required}`, cfg.labels[required], "a non-empty label value");
  }
  for (const key of Object.keys(cfg.labels)) {
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(key))
      add(`labels.${key}`, key, "a label key: lowercase letter first, then a-z 0-9 _ -");
  }

  const runDefaults: RunDefaults = { ...preset.runDefaults, ...cfg.runDefaults };
  const protection: Protection = { ...preset.protection, ...cfg.protection };
  if (cfg.kind === "prod") {
    // Turning prod's protection off is a deliberate change of the preset in code, never a config edit.
    for (const [key, on] of Object.entries(protection)) {
      if (!on)
        add(`protection.${key}`, on, "true in prod (change stacks/presets.ts deliberately to turn it off)");
    }
    for (const key of ["pointInTimeRecovery", "deleteProtection"] as const) {
      if (cfg.firestore?.[key] === false) add(`firestore.${key}`, false, "true in prod");
    }
    if (cfg.firestore?.backups === null) add("firestore.backups", null, "backup schedules in prod");
  }
  if (cfg.kind === "feature") {
    for (const [key, on] of Object.entries(protection)) {
      if (on)
        add(
          `protection.${key}`,
          on,
          "false in a feature stack: it must be destroyable in one pulumi destroy",
        );
    }
  }
  const allowedRegions = cfg.allowedRegions ?? [cfg.region];
  if (!allowedRegions.includes(cfg.region))
    add("allowedRegions", allowedRegions, `a list that includes the stack's region ${cfg.region}`);

  const env = envSegment(input.stack);
  const naming = new EnvironmentNaming(cfg.prefix, env);
  const labels = environmentLabels({
    app: cfg.app,
    env: cfg.kind,
    stack: input.stack,
    team: cfg.labels.team ?? "",
    costCenter: cfg.labels["cost-center"] ?? "",
    extra: Object.fromEntries(
      Object.entries(cfg.labels).filter(([k]) => k !== "team" && k !== "cost-center"),
    ),
  });
  const common = { project: cfg.gcpProject, region: cfg.region, labels, naming };

  const names = Object.keys(cfg.services);
  if (names.length === 0 && !failed.has("services")) add("services", cfg.services, "at least one service");
  const missingValues = new Set<string>();
  const services: ServiceConfig[] = names.map((name) => {
    const s = cfg.services[name];
    if (s === undefined) throw new Error(`unreachable: service ${name}`);
    const at = `services.${name}`;
    if (!SERVICE_NAME.test(name) || name.includes("--"))
      add(at, name, `a service name: ${SERVICE_NAME_RULE}`);
    const image = parseImage(s.image);
    if (image?.tag === "latest" && cfg.kind !== "feature") {
      add(`${at}.image`, s.image, `a pinned tag or digest in a ${cfg.kind} stack, not :latest`);
    }
    const release = cfg.releases?.[name];
    if (release !== undefined && parseImage(release.image)?.tag === "latest" && cfg.kind !== "feature") {
      add(
        `releases.${name}.image`,
        release.image,
        `a pinned tag or digest in a ${cfg.kind} stack, not :latest`,
      );
    }
    for (const [envName, secret] of Object.entries(s.secretEnv ?? {})) {
      if (!(secret in cfg.secrets)) {
        add(
          `${at}.secretEnv.${envName}`,
          secret,
          `a secret declared under ${NAMESPACE}:secrets (${Object.keys(cfg.secrets).join(", ") || "none declared"})`,
        );
      } else if (
        preset.ownsSecrets &&
        !input.secretValueNames.includes(secret) &&
        !missingValues.has(secret)
      ) {
        missingValues.add(secret);
        add(
          `${SECRET_KEY_PREFIX}${secret}`,
          undefined,
          `a value: pulumi config set --secret ${NAMESPACE}:${SECRET_KEY_PREFIX}${secret} <value>`,
        );
      }
    }
    const listed = s.regions ?? [cfg.region];
    const regions = [cfg.region, ...listed.filter((r) => r !== cfg.region)];
    if (!listed.includes(cfg.region))
      add(`${at}.regions`, listed, `a list that includes the stack's region ${cfg.region}`);
    if (cfg.kind === "feature" && regions.length > 1)
      add(`${at}.regions`, regions, "one region in a feature stack");
    if (release !== undefined)
      for (const r of releaseProblems(name, release, regions)) add(r.path, r.value, r.allowed);
    if (s.access === "iap" && !preset.edge)
      add(
        `${at}.access`,
        s.access,
        `"public" in a ${cfg.kind} stack: it has no load balancer (IAP guards every feature service anyway)`,
      );
    if ((s.uses ?? []).includes("firestore") && cfg.firestore === undefined) {
      add(`${at}.uses`, s.uses, `firestore only with a ${NAMESPACE}:firestore block`);
    }
    if (s.vpcEgress && cfg.vpc === undefined)
      add(`${at}.vpcEgress`, true, `true only with a ${NAMESPACE}:vpc block`);
    const resolved: ServiceConfig = {
      name,
      image: s.image,
      cpu: s.cpu ?? "1",
      memory: s.memory ?? "512Mi",
      concurrency: s.concurrency ?? 80,
      minInstances: s.minInstances ?? runDefaults.minInstances,
      maxInstances: s.maxInstances ?? runDefaults.maxInstances,
      cpuIdle: runDefaults.cpuIdle,
      startupCpuBoost: runDefaults.startupCpuBoost,
      port: s.port ?? 8080,
      timeoutSeconds: s.timeoutSeconds ?? 30,
      healthPath: s.healthPath ?? DEFAULT_HEALTH_PATH,
      readinessPath:
        s.readinessPath ?? (regions.length > 1 ? (s.healthPath ?? DEFAULT_HEALTH_PATH) : undefined),
      env: s.env ?? {},
      secretEnv: s.secretEnv ?? {},
      routes: s.routes ?? [],
      methodEnforcement: s.methodEnforcement ?? false,
      uses: s.uses ?? [],
      vpcEgress: s.vpcEgress ?? false,
      regions,
      access: s.access ?? "public",
      iapMembers: s.access === "iap" ? (s.iapMembers ?? cfg.owners) : [],
      slo: { ...DEFAULT_SERVICE_LEVELS, ...cfg.monitoring?.slo, ...s.slo },
      uptimePath: s.uptimePath ?? defaultUptimePath(s.routes ?? [], s.healthPath ?? DEFAULT_HEALTH_PATH),
      release,
    };
    collect(
      problems,
      (path) => (path === "name" ? undefined : `${at}.${path}`),
      () =>
        validateCloudRunServiceArgs({
          ...common,
          ...resolved,
          vpcEgress: undefined,
          image: releaseImage(resolved.image, release),
          traffic: releaseTraffic(release, cfg.region),
          ingress: preset.ingress,
          defaultUrlDisabled: preset.defaultUrlDisabled,
          iap: preset.iap
            ? {
                members: cfg.reviewers ?? cfg.owners,
                serviceAgentEmail: "agent@example.iam.gserviceaccount.com",
              }
            : undefined,
          serviceAccountEmail: "validation@example.iam.gserviceaccount.com",
          secretEnv: Object.fromEntries(
            Object.entries(resolved.secretEnv).map(([k, secret]) => [k, { secret }]),
          ),
        }),
    );
    return resolved;
  });

  for (const name of Object.keys(cfg.releases ?? {})) {
    if (!(name in cfg.services))
      add(`releases.${name}`, name, `a release only for a service declared under ${NAMESPACE}:services`);
  }
  for (const name of input.secretValueNames) {
    if (!(name in cfg.secrets))
      add(
        `${SECRET_KEY_PREFIX}${name}`,
        "(value hidden)",
        `a value only for a secret declared under ${NAMESPACE}:secrets`,
      );
  }
  collect(problems, "", () => validateSecretSetArgs({ ...common, allowedRegions, secrets: cfg.secrets }));

  let firestore: FirestoreConfig | undefined;
  if (cfg.firestore) {
    const f = cfg.firestore;
    firestore = {
      ...preset.firestore,
      location: f.location,
      pointInTimeRecovery: f.pointInTimeRecovery ?? preset.firestore.pointInTimeRecovery,
      deleteProtection: f.deleteProtection ?? preset.firestore.deleteProtection,
      backups:
        preset.firestore.backups === null
          ? null
          : f.backups === null
            ? null
            : { ...preset.firestore.backups, ...f.backups },
      protect: protection.protect,
      indexes: f.indexes ?? [],
      ttlFields: f.ttlFields ?? [],
    };
    if (cfg.kind === "feature" && firestore.deleteProtection) {
      add(
        "firestore.deleteProtection",
        true,
        "false in a feature stack: it must be destroyable in one pulumi destroy",
      );
    }
    const resolvedFirestore = firestore;
    collect(problems, "firestore.", () =>
      validateFirestoreDatabaseArgs({ ...common, name: "main", ...resolvedFirestore }),
    );
  }
  const edge = resolveEdge(cfg, preset, services, common, problems);
  const monitoring = resolveMonitoring(
    cfg.kind,
    cfg.monitoring,
    preset,
    input.channelSecretNames ?? [],
    services,
    common,
    problems,
  );
  const needsIapAgent =
    preset.hostsFeatureEnvironments || (edge !== undefined && services.some((x) => x.access === "iap"));
  const apis = [
    ...new Set([
      ...BASE_APIS,
      ...(needsIapAgent ? ["iap.googleapis.com"] : []),
      ...(edge ? ["compute.googleapis.com"] : []),
      ...(edge?.certificates.mode === "certificate-manager" ? ["certificatemanager.googleapis.com"] : []),
      ...(monitoring?.budget ? ["billingbudgets.googleapis.com"] : []),
      // The hourly Firestore backup check (components/firestore-backup-check.ts) runs from Cloud Scheduler.
      ...(monitoring && firestore?.backups ? ["cloudscheduler.googleapis.com"] : []),
      ...(cfg.apis ?? []),
    ]),
  ];
  collect(problems, "", () => validateProjectServicesArgs({ project: cfg.gcpProject, apis }));
  const artifactRegistry = cfg.artifactRegistry ?? {};
  collect(problems, "artifactRegistry.", () =>
    validateArtifactRegistryArgs({ ...common, ...artifactRegistry }),
  );

  if (problems.length > 0) throw new ValidationError(subject, problems);

  return {
    stack: input.stack,
    kind: cfg.kind,
    env,
    gcpProject: cfg.gcpProject,
    region: cfg.region,
    prefix: cfg.prefix,
    app: cfg.app,
    domain: cfg.domain,
    labels,
    owners: cfg.owners,
    reviewers: cfg.reviewers ?? cfg.owners,
    services,
    secrets: cfg.secrets,
    secretsWithValues: input.secretValueNames.filter((n) => n in cfg.secrets),
    allowedRegions,
    firestore,
    runDefaults,
    protection,
    preset,
    artifactRegistry,
    apis,
    vpc: cfg.vpc,
    stagingStack: cfg.stagingStack ?? DEFAULT_STAGING_STACK,
    edge,
    monitoring,
    needsIapAgent,
  };
}
