/**
 * Loads a stack's config the way the Pulumi CLI hands it to a program: a flat map of `namespace:key` to
 * string (objects as JSON), plus the list of secret keys. Encrypted `secure:` values cannot be decrypted
 * offline and become placeholder secrets; a feature stack without a file is derived from staging's.
 *
 * The one reader of stack files, shared by the offline plan (`plan/`) and the drivers (`automation/`). It sits
 * beside `stacks/`, not in it: the program never reads a stack file (the CLI hands it its config).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { SECRET_KEY_PREFIX, NAMESPACE } from "../stacks/namespace";
import { deriveFeatureConfig } from "../stacks/feature";
import { ValidationError, type Problem } from "../components/shared/validation";
import { CliError } from "../cli-kit/cli-error";
import { readTextFile } from "../cli-kit/files";

/** The value an encrypted config value takes in an offline plan. */
export const OFFLINE_SECRET_VALUE = "offline-plan-placeholder";

export interface LoadedConfig {
  readonly stack: string;
  /** The Pulumi project name from `Pulumi.yaml`. */
  readonly project: string;
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
  /** Where the config came from, for the plan's header. */
  readonly source: string;
}

function readYaml(path: string): unknown {
  const text = readTextFile(path);
  try {
    return parse(text) as unknown;
  } catch (error) {
    throw new CliError(`cannot read ${path}: not valid YAML: ${(error as Error).message}`);
  }
}

/** The project name of `Pulumi.yaml` in `root`. */
export function readProjectName(root: string): string {
  const doc = readYaml(join(root, "Pulumi.yaml")) as { name?: unknown } | null;
  if (typeof doc?.name !== "string") throw new CliError(`${join(root, "Pulumi.yaml")} has no project name`);
  return doc.name;
}

const isSecure = (v: unknown): v is { secure: string } =>
  v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;

/** Replaces `secure:` leaves with the placeholder; reports whether any were found. */
function replaceSecure(value: unknown): { value: unknown; secret: boolean } {
  if (isSecure(value)) return { value: OFFLINE_SECRET_VALUE, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(replaceSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value !== null && typeof value === "object") {
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = replaceSecure(v);
      out[k] = r.value;
      secret ||= r.secret;
    }
    return { value: out, secret };
  }
  return { value, secret: false };
}

/** Converts the `config:` block of a stack file into Pulumi's config map. */
export function configMapFromYaml(
  doc: unknown,
  path: string,
): { config: Record<string, string>; secretKeys: string[] } {
  const expected =
    "a stack file is a mapping with a config: block of module6:<key> values (see docs/configuration.md)";
  if (doc === null || doc === undefined) throw new CliError(`${path} is empty: ${expected}`);
  if (typeof doc !== "object" || Array.isArray(doc))
    throw new CliError(`${path}: expected a mapping at the top level; ${expected}`);
  if (!("config" in doc) || (doc as { config?: unknown }).config === null)
    throw new CliError(`${path} has no config: block; ${expected}`);
  const block = (doc as { config?: unknown }).config;
  if (typeof block !== "object" || block === null || Array.isArray(block))
    throw new CliError(
      `${path}: config: must be a mapping of module6:<key> values, got ${Array.isArray(block) ? "a list" : JSON.stringify(block)}`,
    );
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const problems: Problem[] = [];
  for (const [key, raw] of Object.entries(block)) {
    const fullKey = key.includes(":") ? key : `${NAMESPACE}:${key}`;
    const { value, secret } = replaceSecure(raw);
    if (secret) secretKeys.push(fullKey);
    if (fullKey.startsWith(`${NAMESPACE}:${SECRET_KEY_PREFIX}`) && !secret) {
      problems.push({
        path: fullKey,
        value: "a plain-text value (hidden)",
        allowed: `an encrypted value: pulumi config set --secret ${fullKey} <value>`,
      });
    }
    config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
  }
  if (problems.length > 0) throw new ValidationError(`Invalid config file ${path}`, problems);
  return { config, secretKeys };
}

/**
 * The config of `stack`: from `configFile`, else `Pulumi.<stack>.yaml`, else — for a `feature-*` stack —
 * derived from `Pulumi.staging.yaml`.
 */
export function loadStackConfigFile(stack: string, root: string, configFile?: string): LoadedConfig {
  const project = readProjectName(root);
  const path = configFile ?? join(root, `Pulumi.${stack}.yaml`);
  if (existsSync(path)) {
    return { stack, project, ...configMapFromYaml(readYaml(path), path), source: path };
  }
  if (configFile !== undefined) throw new CliError(`config file not found: ${configFile}`);
  if (stack.startsWith("feature-")) {
    const stagingPath = join(root, "Pulumi.staging.yaml");
    if (!existsSync(stagingPath))
      throw new CliError(`a feature stack is derived from ${stagingPath}, which does not exist`);
    const staging = configMapFromYaml(readYaml(stagingPath), stagingPath);
    const config = deriveFeatureConfig(staging.config);
    return {
      stack,
      project,
      config,
      secretKeys: staging.secretKeys.filter((k) => k in config),
      source: `${stagingPath} (derived for ${stack})`,
    };
  }
  throw new CliError(
    `no config for stack "${stack}": ${path} does not exist (feature-<slug> stacks are derived from staging)`,
  );
}
