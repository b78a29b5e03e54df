/**
 * Policy pack configuration, in the format of `pulumi preview --policy-pack-config <file>`:
 * `{ "<policy>": "mandatory" | { "enforcementLevel"?: …, "<property>": … }, "all"?: "<level>" }`.
 * Validated against each policy's `configSchema` (the subset of JSON Schema the pack uses), with the
 * schema's defaults filled in as the Pulumi CLI does.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { EnforcementLevel } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { parse as parseYaml } from "yaml";
import { schemaDefaults } from "../policies/lib/config";
import type { Module6Policy } from "../policies/all";

/** One policy's entry: a level, or properties with an optional level. */
export type PolicyConfigEntry = EnforcementLevel | Readonly<Record<string, unknown>>;
/** A whole pack configuration. */
export type PolicyConfig = Readonly<Record<string, PolicyConfigEntry>>;

/** A configuration mistake, reported as one message. */
export class PolicyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyConfigError";
  }
}

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = [
  "advisory",
  "mandatory",
  "remediate",
  "disabled",
];
const isLevel = (v: unknown): v is EnforcementLevel => ENFORCEMENT_LEVELS.includes(v as EnforcementLevel);

function typeOk(value: unknown, type: string): boolean {
  switch (type) {
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

function checkValue(value: unknown, schema: PolicyConfigJSONSchema, at: string, problems: string[]): void {
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length > 0 && !types.some((t) => typeOk(value, t))) {
    problems.push(`${at}: got ${JSON.stringify(value)}; expected ${types.join(" or ")}`);
    return;
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    problems.push(
      `${at}: got ${JSON.stringify(value)}; allowed: ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`,
    );
  }
  if (typeof value === "number" && schema.minimum !== undefined && value < schema.minimum) {
    problems.push(`${at}: got ${value}; at least ${schema.minimum}`);
  }
  if (
    Array.isArray(value) &&
    schema.items &&
    typeof schema.items === "object" &&
    !Array.isArray(schema.items)
  ) {
    const items = schema.items;
    value.forEach((item, i) => checkValue(item, items, `${at}[${i}]`, problems));
  }
}

/** Validates `raw` against the pack; throws one `PolicyConfigError` listing every problem. */
export function validatePolicyConfig(raw: unknown, policies: readonly Module6Policy[]): PolicyConfig {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new PolicyConfigError("policy config must be an object of policy name → level or settings");
  }
  const byName = new Map(policies.map((p) => [p.name, p]));
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(raw as Record<string, unknown>)) {
    const policy = byName.get(name);
    if (name === "all") {
      if (!isLevel(entry))
        problems.push(`all: got ${JSON.stringify(entry)}; allowed: ${ENFORCEMENT_LEVELS.join(", ")}`);
      continue;
    }
    if (!policy) {
      problems.push(`${name}: no such policy in the pack`);
      continue;
    }
    if (typeof entry === "string") {
      if (!isLevel(entry))
        problems.push(`${name}: got ${JSON.stringify(entry)}; allowed: ${ENFORCEMENT_LEVELS.join(", ")}`);
      continue;
    }
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      problems.push(
        `${name}: got ${JSON.stringify(entry)}; expected an enforcement level or an object of settings`,
      );
      continue;
    }
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      if (key === "enforcementLevel") {
        if (!isLevel(value))
          problems.push(
            `${name}.enforcementLevel: got ${JSON.stringify(value)}; allowed: ${ENFORCEMENT_LEVELS.join(", ")}`,
          );
        continue;
      }
      const property = policy.configSchema?.properties[key];
      if (!property) {
        const known = Object.keys(policy.configSchema?.properties ?? {});
        problems.push(
          `${name}.${key}: unknown setting; ${known.length ? `allowed: ${known.join(", ")}` : "the policy has no settings"}`,
        );
        continue;
      }
      checkValue(value, property, `${name}.${key}`, problems);
    }
  }
  if (problems.length > 0) {
    throw new PolicyConfigError(
      `invalid policy config (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n  ${problems.join("\n  ")}`,
    );
  }
  return raw as PolicyConfig;
}

/** Reads a policy config file (JSON, or YAML for `.yaml`/`.yml`). */
export function loadPolicyConfigFile(path: string, policies: readonly Module6Policy[]): PolicyConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new PolicyConfigError(
      `cannot read policy config ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new PolicyConfigError(
      `policy config ${path} is not valid ${/\.ya?ml$/i.test(path) ? "YAML" : "JSON"}: ${(error as Error).message}`,
    );
  }
  return validatePolicyConfig(raw, policies);
}

/** The enforcement level a policy runs at under `config` (`remediate` counts as mandatory). */
export function effectiveLevel(
  policy: Module6Policy,
  config: PolicyConfig,
): "mandatory" | "advisory" | "disabled" {
  const entry = config[policy.name];
  const configured =
    typeof entry === "string"
      ? entry
      : entry !== undefined && isLevel(entry.enforcementLevel)
        ? entry.enforcementLevel
        : undefined;
  const all = config.all;
  const level = configured ?? (isLevel(all) ? all : undefined) ?? policy.enforcementLevel;
  return level === "remediate" ? "mandatory" : level;
}

/** What `getConfig()` returns for a policy: the schema's defaults, then the configured properties. */
export function policySettings(policy: Module6Policy, config: PolicyConfig): Record<string, unknown> {
  const entry = config[policy.name];
  const given = typeof entry === "object" ? entry : {};
  const { enforcementLevel: _level, ...properties } = given as Record<string, unknown>;
  return { ...schemaDefaults(policy.configSchema), ...properties };
}

/** The stack config key whose regions `allowed-regions` follows when the pack config does not set them. */
export const STACK_REGIONS_KEY = "module6:allowedRegions";

/**
 * The pack configuration for one stack: `config`, with `allowed-regions.allowedRegions` taken from the
 * stack's `module6:allowedRegions` (a JSON list, as the CLI hands config to a program) when `config` does
 * not set them. A malformed stack value is left to the program's own validation.
 */
export function withStackConfig(
  config: PolicyConfig,
  stackConfig: Readonly<Record<string, string>>,
): PolicyConfig {
  const raw = stackConfig[STACK_REGIONS_KEY];
  if (raw === undefined) return config;
  let regions: unknown;
  try {
    regions = JSON.parse(raw);
  } catch {
    return config;
  }
  if (!Array.isArray(regions) || !regions.every((r) => typeof r === "string")) return config;
  const entry = config["allowed-regions"];
  if (typeof entry === "object" && entry.allowedRegions !== undefined) return config;
  const level = typeof entry === "string" ? { enforcementLevel: entry } : (entry ?? {});
  return { ...config, "allowed-regions": { ...level, allowedRegions: regions } };
}

/**
 * The stack config keys the pack follows (`module6:allowedRegions`), flat as the CLI hands config to a
 * program (values JSON), read from a stack file without loading the program: `file`, else
 * `Pulumi.<stack>.yaml` in `root`, else staging's for a `feature-` stack (feature stacks keep staging's
 * regions). Nothing when there is no such file or it holds no such key.
 */
export function stackPolicyInputs(
  root: string,
  stack: string | undefined,
  file?: string,
): Record<string, string> {
  const candidates = file
    ? [file]
    : stack === undefined
      ? []
      : [
          join(root, `Pulumi.${stack}.yaml`),
          ...(stack.startsWith("feature-") ? [join(root, "Pulumi.staging.yaml")] : []),
        ];
  const path = candidates.find((c) => existsSync(c));
  if (path === undefined) {
    if (file) throw new PolicyConfigError(`cannot read stack config ${file}: ENOENT`);
    return {};
  }
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new PolicyConfigError(`stack config ${path} is not valid YAML: ${(error as Error).message}`);
  }
  const config = (doc as { config?: Record<string, unknown> } | null)?.config ?? {};
  const regions = config[STACK_REGIONS_KEY];
  return regions === undefined ? {} : { [STACK_REGIONS_KEY]: JSON.stringify(regions) };
}
