/**
 * Stack config: read the `module6:*` keys, check each against its schema (stacks/config-schema.ts), resolve
 * each section over the preset of the environment kind (its resolver also applies the rules that join it
 * to other keys), and compose one typed `StackConfig`. Nothing here creates resources, so a mistake is
 * reported before any resource exists, every mistake at once.
 */
import type { z } from "zod";
import type { FirestoreIndex } from "../components/firestore-database";
import { checkApiList } from "../components/project-services";
import type { SecretSpec } from "../components/secret-set";
import { didYouMean } from "../components/shared/did-you-mean";
import { ValidationError, type Problem } from "../components/shared/validation";
import type { ConfigInput } from "./config-map";
import { resolveDataTier, type DataTierConfig, type DataTierContext } from "./config-data-tier";
import { resolveEdge, type EdgeConfig } from "./config-edge";
import { resolveEnvironment, type EnvironmentSettings } from "./config-environment";
import { resolveFirestore, type FirestoreConfig } from "./config-firestore";
import { resolveMonitoring, type MonitoringConfig } from "./config-monitoring";
import { resolveObservability, type ObservabilityConfig } from "./config-observability";
import { hideSecretValues, keyPath, problemAt, referenceHint, sinkAt, zodProblems } from "./config-problems";
import { CONFIG_KEYS, configSchema, type ParsedConfig } from "./config-schema";
import { resolveSecrets } from "./config-secrets";
import { resolveServices, type ServiceConfig, type ServiceContext } from "./config-services";
import { CHANNEL_KEY_PREFIX, SECRET_KEY_PREFIX } from "./namespace";
import { EnvironmentNaming } from "./naming";
import { PRESETS, type Kind, type Preset, type Protection, type RunDefaults } from "./presets";
import type { Region } from "./regions";

export { NAMESPACE, SECRET_KEY_PREFIX } from "./namespace";
export { splitConfigMap, type ConfigInput } from "./config-map";
export { DEFAULT_STAGING_STACK } from "./config-schema";
export { defaultUptimePath, type ServiceConfig } from "./config-services";
export type { FirestoreConfig } from "./config-firestore";
export type { ObservabilityConfig } from "./config-observability";

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

/** Everything one stack builds from, validated and resolved over its preset. */
export interface StackConfig extends Omit<EnvironmentSettings, "allowedRegions"> {
  readonly stack: string;
  readonly kind: Kind;
  readonly gcpProject: string;
  readonly region: Region;
  readonly prefix: string;
  readonly app: string;
  readonly domain: string | undefined;
  readonly owners: readonly string[];
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
  /** The project's network, Redis cache and customer-managed keys (prod and staging). */
  readonly dataTier: DataTierConfig;
  /** The observability plane: a GKE Autopilot cluster and Grafana (prod and staging; `undefined` = off). */
  readonly observability: ObservabilityConfig | undefined;
  /** The project's IAP service agent is needed (feature environments or IAP-guarded services live here). */
  readonly needsIapAgent: boolean;
}

export type { FirestoreIndex };

/**
 * The config's sections as parsed. A section whose values have the right types is kept even when some
 * break a rule, so the sections that depend on it are still checked; one with a wrong type is absent and
 * listed in `failed`.
 */
interface Sections {
  readonly cfg: Partial<ParsedConfig>;
  readonly failed: ReadonlySet<string>;
  readonly problems: Problem[];
}

const isKnownKey = (key: string): boolean =>
  (CONFIG_KEYS as string[]).includes(key) ||
  key.startsWith(SECRET_KEY_PREFIX) ||
  key.startsWith(CHANNEL_KEY_PREFIX);

/** "no such key; did you mean …? " for a top-level key close to a known one. */
function unknownKeyHint(key: string): string {
  const hint = didYouMean(key, CONFIG_KEYS);
  return hint ? `no such key; ${hint} Allowed: ` : "";
}

/** Each top-level key checked on its own, so a mistake in one does not hide the mistakes in others. */
function parseSections(input: ConfigInput): Sections {
  const problems: Problem[] = Object.entries(input.values)
    .filter(([key]) => !isKnownKey(key))
    .map(([key, value]) => ({
      ...problemAt(key, value, ""),
      path: keyPath([key]),
      allowed: `${unknownKeyHint(key)}a known key (${CONFIG_KEYS.join(", ")}; secret values as ${SECRET_KEY_PREFIX}<name>, channel credentials as ${CHANNEL_KEY_PREFIX}<name>)`,
    }));
  const cfg: Record<string, unknown> = {};
  const failed = new Set<string>();
  for (const key of CONFIG_KEYS) {
    const section = parseSection(configSchema.shape[key], key, input.values[key]);
    problems.push(...section.problems);
    if (section.typed) cfg[key] = section.typed.value;
    else failed.add(key);
  }
  return { cfg: cfg, failed, problems };
}

/**
 * One section against its schema. Zod refines a whole only when its parts have the right types (a broken
 * rule does not stop it, a wrong type does): the last refinement sees the typed value, defaults applied.
 */
function parseSection(
  schema: z.ZodType,
  key: string,
  value: unknown,
): { typed: { value: unknown } | undefined; problems: Problem[] } {
  let typed: { value: unknown } | undefined;
  const result = schema
    .superRefine((v) => void (typed = { value: v }))
    .safeParse(value, { reportInput: true });
  return { typed, problems: result.success ? [] : zodProblems(result.error, key, value, schema) };
}

/** One error listing every problem, secret values hidden, pointing at the configuration reference. */
function configError(input: ConfigInput, problems: readonly Problem[]): ValidationError {
  const shown = hideSecretValues(problems, input.secretKeys ?? [], isKnownKey);
  return new ValidationError(
    `Invalid config for stack "${input.stack}"`,
    shown,
    referenceHint(shown, CONFIG_KEYS),
  );
}

/**
 * The APIs the stack enables: the base set, those its features need, and the configured ones. Two APIs
 * whose resources would share a logical name are refused.
 */
function resolveApis(
  stack: Pick<StackConfig, "edge" | "monitoring" | "firestore" | "dataTier" | "needsIapAgent">,
  extra: readonly string[],
): { value: string[]; problems: Problem[] } {
  const needed = [
    stack.needsIapAgent && "iap.googleapis.com",
    stack.edge !== undefined && "compute.googleapis.com",
    stack.edge?.certificates.mode === "certificate-manager" && "certificatemanager.googleapis.com",
    stack.monitoring?.budget !== undefined && "billingbudgets.googleapis.com",
    // The hourly Firestore backup check (components/firestore-backup-check.ts) runs from Cloud Scheduler.
    stack.monitoring !== undefined && !!stack.firestore?.backups && "cloudscheduler.googleapis.com",
    // The data tier (docs/deploy.md lists them): the VPC, NAT and firewall (Compute Engine), the
    // private services access peering, Memorystore, Cloud KMS.
    stack.dataTier.network !== undefined && "compute.googleapis.com",
    stack.dataTier.network?.privateServiceAccess !== undefined && "servicenetworking.googleapis.com",
    stack.dataTier.redis !== undefined && "redis.googleapis.com",
    stack.dataTier.cmek !== undefined && "cloudkms.googleapis.com",
  ];
  const value = [...new Set([...BASE_APIS, ...needed.filter((a) => a !== false), ...extra])];
  const problems: Problem[] = [];
  checkApiList(sinkAt(problems, ""), value, () => "apis");
  return { value, problems };
}

/** What the services' rules need from the other sections (`undefined` where one failed to parse). */
function serviceContext(
  sections: Sections,
  kind: Kind,
  region: Region | undefined,
  env: EnvironmentSettings,
): ServiceContext {
  const { cfg, failed } = sections;
  return {
    kind,
    preset: PRESETS[kind],
    region,
    runDefaults: env.runDefaults,
    owners: cfg.owners ?? [],
    secrets: failed.has("secrets") ? undefined : Object.keys(cfg.secrets ?? {}),
    hasFirestore: failed.has("firestore") ? undefined : cfg.firestore !== undefined,
    hasVpc: failed.has("vpc") ? undefined : cfg.vpc !== undefined || cfg.network !== undefined,
    hasRedis: kind === "feature" ? true : failed.has("redis") ? undefined : cfg.redis !== undefined,
    slo: cfg.monitoring?.slo,
    releases: cfg.releases ?? {},
    naming: new EnvironmentNaming(cfg.prefix ?? "", env.env),
  };
}

/** What the data tier's rules need from the other sections. */
function dataTierContext(
  cfg: Partial<ParsedConfig>,
  kind: Kind,
  env: EnvironmentSettings,
  services: readonly ServiceConfig[],
): DataTierContext {
  return {
    kind,
    region: cfg.region,
    prefix: cfg.prefix ?? "",
    env: env.env,
    hasVpc: cfg.vpc !== undefined,
    egressServices: services
      .filter((s) => s.vpcEgress || s.uses.includes("redis"))
      .map((s) => ({ name: s.name, regions: s.regions })),
  };
}

/** The project's IAP service agent is needed: feature environments live here, or a service is behind IAP. */
function iapAgentNeeded(
  preset: Preset,
  edge: EdgeConfig | undefined,
  services: readonly ServiceConfig[],
): boolean {
  return preset.hostsFeatureEnvironments || (edge !== undefined && services.some((s) => s.access === "iap"));
}

/** The observability block over the kind, the network and the protection settings. */
function observabilityOf(
  cfg: Partial<ParsedConfig>,
  kind: Kind,
  sections: Sections,
  dataTier: DataTierConfig,
  env: EnvironmentSettings,
): ReturnType<typeof resolveObservability> {
  return resolveObservability(cfg.observability, {
    kind,
    preset: PRESETS[kind],
    gcpProject: cfg.gcpProject,
    network: dataTier.network,
    networkFailed: sections.failed.has("network"),
    deletionProtection: env.protection.deletionProtection,
  });
}

/**
 * Validates a stack's config and resolves it over the kind's preset. Throws one `ValidationError` that
 * lists every problem with its key path, the value received (never a secret) and what is allowed.
 */
export function parseStackConfig(input: ConfigInput): StackConfig {
  const sections = parseSections(input);
  const { cfg, failed } = sections;
  // Without a kind there is no preset to check the rest against.
  if (cfg.kind === undefined) throw configError(input, sections.problems);
  const { kind, region } = cfg;
  const preset = PRESETS[kind];
  const environment = resolveEnvironment(input.stack, { ...cfg, kind, region, failed }, preset);
  const services = resolveServices(
    cfg.services ?? {},
    serviceContext(sections, kind, region, environment.value),
  );
  const secrets = resolveSecrets(cfg.secrets ?? {}, {
    ownsSecrets: preset.ownsSecrets,
    region,
    allowedRegions: environment.value.allowedRegions,
    secretValueNames: input.secretValueNames,
    mounted: services.value.flatMap((s) => Object.values(s.secretEnv)),
  });
  const firestore = resolveFirestore(cfg.firestore, kind, preset, environment.value.protection.protect);
  const edgeServices = failed.has("services") ? undefined : services.value;
  const edge = resolveEdge(cfg.edge, { kind, preset, domain: cfg.domain, services: edgeServices });
  const monitoring = resolveMonitoring(kind, cfg.monitoring, preset, input.channelSecretNames ?? []);
  const dataTier = resolveDataTier(cfg, dataTierContext(cfg, kind, environment.value, services.value));
  const observability = observabilityOf(cfg, kind, sections, dataTier.value, environment.value);
  const needsIapAgent = iapAgentNeeded(preset, edge.value, services.value);
  const resolved = {
    edge: edge.value,
    monitoring: monitoring.value,
    firestore: firestore.value,
    dataTier: dataTier.value,
    observability: observability.value,
    needsIapAgent,
  };
  const apis = resolveApis(resolved, cfg.apis ?? []);
  const resolvers = [environment, services, secrets, firestore, edge, monitoring, dataTier, observability];
  const all = [...resolvers, apis].flatMap((r) => r.problems);
  if (sections.problems.length + all.length > 0) throw configError(input, [...sections.problems, ...all]);
  const full = cfg as ParsedConfig;
  return {
    ...environment.value,
    ...resolved,
    stack: input.stack,
    kind,
    gcpProject: full.gcpProject,
    region: full.region,
    prefix: full.prefix,
    app: full.app,
    domain: full.domain,
    owners: full.owners,
    services: services.value,
    secrets: full.secrets,
    secretsWithValues: secrets.value,
    preset,
    artifactRegistry: full.artifactRegistry ?? {},
    apis: apis.value,
    vpc: full.vpc,
    stagingStack: full.stagingStack,
  };
}
