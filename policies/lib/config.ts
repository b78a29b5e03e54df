/**
 * Policy configuration (`configSchema`) for what differs between teams. Each policy declares the
 * properties it reads with their defaults; the Pulumi CLI fills defaults from the schema and the offline
 * evaluator does the same, and `readConfig` merges over the defaults once more so a policy never sees a
 * missing value.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { ENVIRONMENT_KINDS } from "./environment";

/** Regions this team deploys to (Seoul first, Tokyo for multi-region services). */
export const DEFAULT_ALLOWED_REGIONS = ["asia-northeast3", "asia-northeast1"];
/** Label keys every labelable resource carries (DESIGN §4). */
export const DEFAULT_REQUIRED_LABEL_KEYS = [
  "app",
  "env",
  "stack",
  "component",
  "managed-by",
  "team",
  "cost-center",
];

const stringList = (description: string, defaults: readonly string[]): PolicyConfigJSONSchema => ({
  type: "array",
  items: { type: "string" },
  default: [...defaults],
  description,
});

/** The reusable configuration properties. */
export const configProperties = {
  environments: (defaults: readonly string[]): PolicyConfigJSONSchema => ({
    type: "array",
    items: { type: "string", enum: [...ENVIRONMENT_KINDS] },
    default: [...defaults],
    description:
      "Environments (stack tag `environment`, or the resources' `env` label) this policy applies to; other environments are exempt.",
  }),
  allowedRegions: stringList(
    "Regions resources may be created in (`global` and `asia`-style multi-regions containing an allowed region are accepted).",
    DEFAULT_ALLOWED_REGIONS,
  ),
  publicInvokerAllowList: stringList(
    "Cloud Run service names that may grant roles/run.invoker to allUsers or allAuthenticatedUsers.",
    [],
  ),
  publicBuckets: stringList(
    "Bucket names that may be public (a public CDN origin); each must still be a Cloud CDN origin.",
    [],
  ),
  minBackupRetentionDays: {
    type: "integer",
    minimum: 1,
    default: 7,
    description: "Minimum retention, in days, of at least one Firestore backup schedule per database.",
  } satisfies PolicyConfigJSONSchema,
  requiredLabelKeys: stringList(
    "Label keys every labelable resource must carry.",
    DEFAULT_REQUIRED_LABEL_KEYS,
  ),
  kmsRotationMaxDays: {
    type: "integer",
    minimum: 1,
    default: 90,
    description: "Maximum rotation period of a KMS key, in days.",
  } satisfies PolicyConfigJSONSchema,
  minLogRetentionDays: {
    type: "integer",
    minimum: 1,
    default: 30,
    description: "Minimum retention, in days, of a Cloud Logging bucket.",
  } satisfies PolicyConfigJSONSchema,
  allowedRepositories: stringList(
    "GitHub repositories (`owner/name`) a Workload Identity Federation provider may admit; empty means any single pinned repository.",
    [],
  ),
} as const;

/** A `configSchema` from properties. */
export function schema(properties: Record<string, PolicyConfigJSONSchema>): PolicyConfigSchema {
  return { properties };
}

/** The defaults a schema declares. */
export function schemaDefaults(configSchema: PolicyConfigSchema | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(configSchema?.properties ?? {})) {
    if (property.default !== undefined) out[key] = property.default;
  }
  return out;
}

/** A policy's configuration: what `getConfig` returns, over the defaults. */
export function readConfig<T extends object>(args: { getConfig<U extends object>(): U }, defaults: T): T {
  const given = args.getConfig<Partial<T>>();
  const out = { ...defaults };
  for (const key of Object.keys(given) as (keyof T)[]) {
    const value = given[key];
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}
