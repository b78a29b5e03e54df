/**
 * The record of one resource in a plan, shaped like a resource of `pulumi stack export`
 * (`deployment.resources[]`), so a plan and a real export are read by the same tools.
 */
// The SDK's wire signatures (re-exported as `rpc.*`), from their own module: loading the whole
// SDK costs about a second, which the audit (which runs no program) would pay on every run.
import * as rpc from "@pulumi/pulumi/runtime/rpc";

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
  /** URNs the resource had before (its `aliases` option, collapsed as the engine does: plan/diff/aliases.ts). */
  readonly aliases?: readonly string[];
  /** True for resources read rather than managed (`StackReference`, `get` functions). */
  readonly external: boolean;
}

/** `value` as a secret in Pulumi's wire format (what a provider returns for a secret output). */
export function wireSecret(value: unknown): Record<string, unknown> {
  return { [rpc.specialSigKey]: rpc.specialSecretSig, value };
}

/** What a secret looks like in a plan: never its value. */
export const SECRET_PLACEHOLDER = "[secret]";
export const UNKNOWN_PLACEHOLDER = "[unknown]";

/**
 * Turns a wire-format value into plain JSON: secrets become `[secret]`, unknowns `[unknown]`, resource
 * references their URN. A secret's value never survives this function.
 */
export function plainValue(value: unknown): unknown {
  if (value === rpc.unknownValue) return UNKNOWN_PLACEHOLDER;
  if (Array.isArray(value)) return value.map(plainValue);
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    // The wire format's signatures are public SDK constants (`@pulumi/pulumi/runtime/rpc`).
    const sig = obj[rpc.specialSigKey];
    if (sig === rpc.specialSecretSig) return SECRET_PLACEHOLDER;
    if (sig === rpc.specialResourceSig) return obj.urn;
    if (sig === rpc.specialOutputValueSig) {
      if (obj.secret === true) return SECRET_PLACEHOLDER;
      return "value" in obj ? plainValue(obj.value) : UNKNOWN_PLACEHOLDER;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = plainValue(v);
    return out;
  }
  return value;
}
