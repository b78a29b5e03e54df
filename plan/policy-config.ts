/**
 * Policy pack configuration, in the format of `pulumi preview --policy-pack-config <file>`:
 * `{ "<policy>": "mandatory" | { "enforcementLevel"?: …, "<property>": … }, "all"?: "<level>" }`.
 * Validated against each policy's `configSchema` (the subset of JSON Schema the pack uses), with the
 * schema's defaults filled in as the Pulumi CLI does.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { EnforcementLevel } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { schemaDefaults } from "../policies/lib/config";
import { isPlainObject } from "../policies/lib/values";
import type { Module6Policy } from "../policies/all";
import { ValidationError } from "../components/shared/validation";
import { CliError } from "../cli-kit/cli-error";
import { checkNoNpmBanner, parseJsonText, readTextFile } from "../cli-kit/files";
import { loadStackConfigFile, type LoadedConfig } from "../stack-file/load";

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

export const ENFORCEMENT_LEVELS = [
  "advisory",
  "mandatory",
  "remediate",
  "disabled",
] as const satisfies readonly EnforcementLevel[];
const LEVEL = z.enum(ENFORCEMENT_LEVELS);
const isLevel = (v: unknown): v is EnforcementLevel => LEVEL.safeParse(v).success;
const levelProblem = (at: string, value: unknown): string =>
  `${at}: got ${JSON.stringify(value)}; allowed: ${ENFORCEMENT_LEVELS.join(", ")}`;

/** A policy's settings: its `configSchema` properties (as zod reads JSON Schema) and `enforcementLevel`. */
function settingsSchema(policy: Module6Policy): z.ZodType {
  const properties = policy.configSchema?.properties ?? {};
  return z.strictObject({
    enforcementLevel: LEVEL.optional(),
    ...Object.fromEntries(
      Object.entries(properties).map(([key, schema]) => [
        key,
        z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).optional(),
      ]),
    ),
  });
}

/** The JSON Schema at `path` below `schema` (array items for numeric segments). */
function schemaAt(
  schema: PolicyConfigJSONSchema | undefined,
  path: readonly PropertyKey[],
): PolicyConfigJSONSchema | undefined {
  const [head, ...rest] = path;
  if (head === undefined || schema === undefined) return schema;
  const items =
    typeof head === "number" && schema.items && !Array.isArray(schema.items) ? schema.items : undefined;
  return schemaAt(typeof items === "object" ? items : undefined, rest);
}

/** One zod issue on a policy's settings as a message that names the key, the value and what is allowed. */
function settingProblem(
  name: string,
  policy: Module6Policy,
  entry: Record<string, unknown>,
  issue: z.core.$ZodIssue,
): string[] {
  if (issue.code === "unrecognized_keys") {
    const known = Object.keys(policy.configSchema?.properties ?? {});
    return issue.keys.map(
      (key) =>
        `${name}.${key}: unknown setting; ${known.length ? `allowed: ${known.join(", ")}` : "the policy has no settings"}`,
    );
  }
  const [key, ...rest] = issue.path;
  const at = `${name}.${String(key)}${rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}`;
  const value = issue.path.reduce<unknown>(
    (v, p) => (v as Record<PropertyKey, unknown> | undefined)?.[p],
    entry,
  );
  if (key === "enforcementLevel") return [levelProblem(at, value)];
  const schema = schemaAt(policy.configSchema?.properties[String(key)], rest);
  const types = schema?.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const got = `${at}: got ${JSON.stringify(value)}`;
  switch (issue.code) {
    case "invalid_type":
      return [`${got}; expected ${types.length ? types.join(" or ") : issue.expected}`];
    case "invalid_value":
      return [`${got}; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`];
    case "too_small":
      return [`${got}; at least ${String(issue.minimum)}`];
    default:
      return [`${got}; ${issue.message}`];
  }
}

/** The problems of one policy's entry: a level, or an object of settings. */
function entryProblems(name: string, entry: unknown, policy: Module6Policy | undefined): string[] {
  if (name === "all") return isLevel(entry) ? [] : [levelProblem("all", entry)];
  if (!policy) return [`${name}: no such policy in the pack`];
  if (typeof entry === "string") return isLevel(entry) ? [] : [levelProblem(name, entry)];
  if (!isPlainObject(entry))
    return [`${name}: got ${JSON.stringify(entry)}; expected an enforcement level or an object of settings`];
  const parsed = settingsSchema(policy).safeParse(entry);
  if (parsed.success) return [];
  // In the order the entry gives its keys (zod reports them in the schema's order).
  const keys = Object.keys(entry);
  const position = (issue: z.core.$ZodIssue): number =>
    keys.indexOf(String(issue.code === "unrecognized_keys" ? issue.keys[0] : issue.path[0]));
  return [...parsed.error.issues]
    .sort((a, b) => position(a) - position(b))
    .flatMap((issue) => settingProblem(name, policy, entry, issue));
}

/** Validates `raw` against the pack; throws one `PolicyConfigError` listing every problem. */
export function validatePolicyConfig(raw: unknown, policies: readonly Module6Policy[]): PolicyConfig {
  if (!isPlainObject(raw)) {
    throw new PolicyConfigError("policy config must be an object of policy name → level or settings");
  }
  const byName = new Map(policies.map((p) => [p.name, p]));
  const problems = Object.entries(raw).flatMap(([name, entry]) =>
    entryProblems(name, entry, byName.get(name)),
  );
  if (problems.length > 0) {
    throw new PolicyConfigError(
      `invalid policy config (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n  ${problems.join("\n  ")}`,
    );
  }
  return raw as PolicyConfig;
}

/** Reads a policy config file (JSON, or YAML for `.yaml`/`.yml`). */
export function loadPolicyConfigFile(path: string, policies: readonly Module6Policy[]): PolicyConfig {
  const text = readTextFile(path, "policy config");
  if (!/\.ya?ml$/i.test(path))
    return validatePolicyConfig(parseJsonText(text, path, "policy config"), policies);
  checkNoNpmBanner(text, path, "policy config");
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new CliError(`cannot read policy config ${path}: not valid YAML: ${(error as Error).message}`);
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
 * program (values JSON), read with the program's own stack-file reader (stack-file/load.ts) without
 * loading the program: `file`, else `Pulumi.<stack>.yaml` in `root`, else staging's for a `feature-`
 * stack (feature stacks keep staging's regions). Nothing when there is no such file or no such key.
 */
export function stackPolicyInputs(
  root: string,
  stack: string | undefined,
  file?: string,
): Record<string, string> {
  if (file === undefined) {
    if (stack === undefined) return {};
    const derived = stack.startsWith("feature-") ? [join(root, "Pulumi.staging.yaml")] : [];
    if (![join(root, `Pulumi.${stack}.yaml`), ...derived].some((c) => existsSync(c))) return {};
  }
  let loaded: LoadedConfig;
  try {
    loaded = loadStackConfigFile(stack ?? "audit", root, file);
  } catch (error) {
    if (error instanceof CliError || error instanceof ValidationError)
      throw new PolicyConfigError(`stack config: ${error.message}`);
    throw error;
  }
  const regions = loaded.config[STACK_REGIONS_KEY];
  return regions === undefined ? {} : { [STACK_REGIONS_KEY]: regions };
}
