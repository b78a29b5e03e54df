/** Reads Pulumi's flat config map (`namespace:key` → string) into the values `parseStackConfig` validates. */
import { CHANNEL_KEY_PREFIX, NAMESPACE, SECRET_KEY_PREFIX } from "./namespace";

/** What `parseStackConfig` reads: the `module6:*` values (without namespace) and the names of secret values. */
export interface ConfigInput {
  readonly stack: string;
  /** Config values by key without the `module6:` namespace, objects already parsed from JSON. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Names of the secrets that have a value (`module6:secret-<name>`). */
  readonly secretValueNames: readonly string[];
  /** Keys (without namespace) whose values are secret: never shown in an error message. */
  readonly secretKeys?: readonly string[];
  /** Names of the notification channels that have a credential (`module6:channel-<name>`). */
  readonly channelSecretNames?: readonly string[];
}

/**
 * Splits a Pulumi config map (`{"module6:services": "{…json…}", "module6:secret-x": "…"}`) into config
 * values and the names of secret values. Secret values themselves are dropped here: the program reads
 * them through `pulumi.Config.requireSecret`, so they stay secret outputs.
 */
export function splitConfigMap(
  stack: string,
  map: Readonly<Record<string, string>>,
  secretKeys: readonly string[] = [],
): ConfigInput {
  const hidden: string[] = [];
  const values: Record<string, unknown> = {};
  const secretValueNames: string[] = [];
  const channelSecretNames: string[] = [];
  for (const [fullKey, raw] of Object.entries(map)) {
    const [namespace, key] = splitKey(fullKey);
    if (namespace !== NAMESPACE || key === undefined) continue;
    if (key.startsWith(SECRET_KEY_PREFIX)) {
      secretValueNames.push(key.slice(SECRET_KEY_PREFIX.length));
      continue;
    }
    if (key.startsWith(CHANNEL_KEY_PREFIX)) {
      channelSecretNames.push(key.slice(CHANNEL_KEY_PREFIX.length));
      continue;
    }
    values[key] = parseValue(raw);
    if (secretKeys.includes(fullKey) || secretKeys.includes(`${namespace}:config:${key}`)) hidden.push(key);
  }
  return { stack, values, secretValueNames, secretKeys: hidden, channelSecretNames };
}

function splitKey(fullKey: string): [string, string | undefined] {
  const cleaned = fullKey.replace(/:config:/, ":");
  const i = cleaned.indexOf(":");
  return i < 0 ? [cleaned, undefined] : [cleaned.slice(0, i), cleaned.slice(i + 1)];
}

function parseValue(raw: string): unknown {
  const trimmed = raw.trim();
  if (/^[[{]/.test(trimmed) || /^(true|false|-?\d+(\.\d+)?)$/.test(trimmed)) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}
