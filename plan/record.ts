/**
 * The record of one resource in a plan, shaped like a resource of `pulumi stack export`
 * (`deployment.resources[]`), so a plan and a real export are read by the same tools.
 */

export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  /** The logical name (the last URN segment). */
  readonly name: string;
  readonly custom: boolean;
  readonly id?: string;
  readonly parent?: string;
  /** Provider reference `urn::id`, for custom resources. */
  readonly provider?: string;
  readonly inputs: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly ignoreChanges: readonly string[];
  readonly deletedWith?: string;
  readonly additionalSecretOutputs: readonly string[];
  /** True for resources read rather than managed (`StackReference`, `get` functions). */
  readonly external: boolean;
}

/** Signatures of Pulumi's wire format (see `@pulumi/pulumi/runtime/rpc`). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** `value` as a secret in Pulumi's wire format (what a provider returns for a secret output). */
export function wireSecret(value: unknown): Record<string, unknown> {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** What a secret looks like in a plan: never its value. */
export const SECRET_PLACEHOLDER = "[secret]";
export const UNKNOWN_PLACEHOLDER = "[unknown]";

/**
 * Turns a wire-format value into plain JSON: secrets become `[secret]`, unknowns `[unknown]`, resource
 * references their URN. A secret's value never survives this function.
 */
export function plainValue(value: unknown): unknown {
  if (value === UNKNOWN) return UNKNOWN_PLACEHOLDER;
  if (Array.isArray(value)) return value.map(plainValue);
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const sig = obj[SIG_KEY];
    if (sig === SECRET_SIG) return SECRET_PLACEHOLDER;
    if (sig === RESOURCE_SIG) return obj.urn;
    if (sig === OUTPUT_SIG) {
      if (obj.secret === true) return SECRET_PLACEHOLDER;
      return "value" in obj ? plainValue(obj.value) : UNKNOWN_PLACEHOLDER;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = plainValue(v);
    return out;
  }
  return value;
}
