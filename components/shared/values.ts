/** Small checks on plain values that more than one module needs. */

/** True for an object that is neither `null` nor an array (a JSON object, a config block). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
