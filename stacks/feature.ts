/**
 * Feature environments (DESIGN §2): a `feature-<slug>` stack's config is staging's config with the feature
 * preset in charge. Used by the offline plan (`npm run plan -- --stack feature-x` needs no stack file) and
 * by the automation that creates feature stacks, so both deploy the same thing.
 */
import { CHANNEL_KEY_PREFIX, NAMESPACE, SECRET_KEY_PREFIX } from "./namespace";
import { sanitize, shortHash } from "./naming";
import { MAX_FEATURE_SLUG } from "./stack-names";

/** Options of {@link deriveFeatureConfig}. */
export interface FeatureOptions {
  /** Image overrides by service name (the pull request's builds). */
  readonly images?: Readonly<Record<string, string>>;
}

export { isFeatureStackName, MAX_FEATURE_SLUG } from "./stack-names";

/**
 * The stack name of a feature environment from a pull request number or branch name:
 * `feature-<slug>`, lowercase, at most 40 characters of slug, with a hash when cut.
 */
export function featureStackName(source: string): string {
  let slug = sanitize(source);
  if (!/^[a-z0-9]/.test(slug)) slug = `x${slug}`;
  if (slug.length > MAX_FEATURE_SLUG)
    slug = `${slug.slice(0, MAX_FEATURE_SLUG - 7).replace(/-+$/, "")}-${shortHash(source)}`;
  return `feature-${slug}`;
}

/** Keys a feature stack never inherits: the kind decides them, or they belong to staging alone. */
const DROPPED_KEYS = new Set([
  "kind",
  "domain",
  "edge",
  "monitoring",
  "releases",
  "runDefaults",
  "protection",
  "artifactRegistry",
  "apis",
  // The data tier is staging's: the feature reads its cache and network through the StackReference.
  "network",
  "redis",
  "cmek",
]);
/** Per-service settings the feature preset decides (scale to zero, one region, IAP on every service). */
const DROPPED_SERVICE_KEYS = [
  "minInstances",
  "maxInstances",
  "regions",
  "access",
  "iapMembers",
  "slo",
  "uptimePath",
  "readinessPath",
];
/** Firestore settings the feature preset decides (no PITR, no protection, no backups). */
const DROPPED_FIRESTORE_KEYS = ["pointInTimeRecovery", "deleteProtection", "backups"];

function withoutKeys(value: unknown, keys: readonly string[]): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));
}

/**
 * Derives a feature stack's config map from staging's (`{"module6:services": "{…}", …}` as Pulumi holds
 * it). Secret values are not copied: a feature environment mounts staging's secrets.
 */
export function deriveFeatureConfig(
  staging: Readonly<Record<string, string>>,
  options: FeatureOptions = {},
): Record<string, string> {
  const derived: Record<string, string> = {};
  for (const [fullKey, raw] of Object.entries(staging)) {
    const [namespace, key] = fullKey.split(/:(.*)/s);
    if (namespace === NAMESPACE && key !== undefined) {
      if (DROPPED_KEYS.has(key) || key.startsWith(SECRET_KEY_PREFIX) || key.startsWith(CHANNEL_KEY_PREFIX))
        continue;
      if (key === "services") {
        const services = JSON.parse(raw) as Record<string, Record<string, unknown>>;
        const out: Record<string, unknown> = {};
        for (const [name, service] of Object.entries(services)) {
          const image = options.images?.[name];
          out[name] = {
            ...(withoutKeys(service, DROPPED_SERVICE_KEYS) as object),
            ...(image ? { image } : {}),
          };
        }
        derived[fullKey] = JSON.stringify(out);
        continue;
      }
      if (key === "firestore") {
        derived[fullKey] = JSON.stringify(withoutKeys(JSON.parse(raw), DROPPED_FIRESTORE_KEYS));
        continue;
      }
    }
    derived[fullKey] = raw;
  }
  derived[`${NAMESPACE}:kind`] = "feature";
  return derived;
}

/** Image overrides that name services staging does not have. */
export function unknownImageOverrides(
  staging: Readonly<Record<string, string>>,
  images: Readonly<Record<string, string>>,
): string[] {
  const raw = staging[`${NAMESPACE}:services`];
  const services = raw ? Object.keys(JSON.parse(raw) as object) : [];
  return Object.keys(images).filter((name) => !services.includes(name));
}
