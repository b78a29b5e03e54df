/**
 * Reading resource properties safely. Policies receive plain JSON (inputs for resource policies, outputs
 * for stack policies) in which any value may be missing, a `[secret]` placeholder or, at preview, an
 * unknown that throws when read.
 */

/**
 * True for an object that is neither `null` nor an array (a JSON object). The pack's and the plan's one
 * such check; the program has its own in components/shared (the pack imports nothing of the program).
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `value` when it is a string, else `undefined`. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** `value` when it is an array, else `[]`. */
export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The plain objects in `value` when it is an array. */
export function records(value: unknown): Record<string, unknown>[] {
  return list(value).filter(isPlainObject);
}

/** The strings in `value` when it is an array. */
export function strings(value: unknown): string[] {
  return list(value).filter((v): v is string => typeof v === "string");
}

/** `value` as an object, or `{}`. */
export function rec(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? value : {};
}

/**
 * A duration in seconds from Google's `"<n>s"` form (`"604800s"`, `"7776000.5s"`), a number, or `undefined`
 * when it cannot be read.
 */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  const match = typeof value === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(value.trim()) : null;
  return match ? Number(match[1]) : undefined;
}

/** A number from a number or a numeric string. */
export function num(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

export const SECONDS_PER_DAY = 86_400;

/** Whole days (rounded down) from seconds. */
export const days = (seconds: number): number => Math.floor(seconds / SECONDS_PER_DAY);

/** Seconds in `count` days. */
export const daysInSeconds = (count: number): number => count * SECONDS_PER_DAY;

/**
 * True for the error `@pulumi/policy` throws when a policy reads a value that is unknown during preview
 * (`UnknownValueError`); the offline evaluator throws one of the same name.
 */
export function isUnknownValueError(error: unknown): boolean {
  return error instanceof Error && error.constructor.name === "UnknownValueError";
}

/** What {@link read} returns for a value unknown during preview. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");

/**
 * Runs `get`; a value unknown during preview gives {@link UNKNOWN}, so a policy can tell "computed from
 * another resource" (set, value not yet known) from "unset".
 */
export function read<T>(get: () => T): T | typeof UNKNOWN {
  try {
    return get();
  } catch (error) {
    if (isUnknownValueError(error)) return UNKNOWN;
    throw error;
  }
}

/** Runs `read`; a value unknown during preview gives `undefined`, any other error propagates. */
export function tryRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (isUnknownValueError(error)) return undefined;
    throw error;
  }
}

/** A property of a resource (inputs or outputs); `undefined` when unset or unknown during preview. */
export function prop(resource: { readonly props: Record<string, unknown> }, key: string): unknown {
  return tryRead((): unknown => resource.props[key]);
}

/** Every string inside `value` (deep), skipping values unknown during preview. */
export function deepStrings(value: unknown, out: string[] = []): string[] {
  const v = tryRead(() => value);
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) {
    const n = tryRead(() => v.length) ?? 0;
    for (let i = 0; i < n; i++)
      deepStrings(
        tryRead(() => v[i] as unknown),
        out,
      );
  } else if (isPlainObject(v)) {
    for (const key of tryRead(() => Object.keys(v)) ?? [])
      deepStrings(
        tryRead(() => v[key]),
        out,
      );
  }
  return out;
}

/** A value quoted for a message. */
export const q = (value: unknown): string => JSON.stringify(value);

/**
 * How a message shows a property's value: its value, or that it is unset and what the provider then does.
 */
export function shown(property: string, value: unknown, whenUnset: string): string {
  return value === undefined || value === null
    ? `${property} is unset, which ${whenUnset}`
    : `${property} is ${q(value)}`;
}

/** The last path segment of a resource name or link (`projects/p/secrets/x` → `x`). */
export function lastSegment(value: string): string {
  const parts = value.split("/").filter((p) => p !== "");
  return parts[parts.length - 1] ?? value;
}
