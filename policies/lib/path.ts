/**
 * Reading a nested property of a resource's inputs or outputs by a dotted path, telling "unset" from
 * "computed from another resource, not yet known at preview".
 */
import { isPlainObject, read, UNKNOWN } from "./values";

/**
 * The value at `path` (`"privateClusterConfig.enablePrivateNodes"`) inside `value`: `undefined` when a step
 * is unset or not an object, {@link UNKNOWN} when a step is unknown during preview.
 */
export function at(value: unknown, path: string): unknown {
  let current = read(() => value);
  for (const key of path.split(".")) {
    if (current === UNKNOWN) return UNKNOWN;
    if (!isPlainObject(current)) return undefined;
    const parent = current;
    current = read(() => parent[key]);
  }
  return current;
}

/** True when `value` is {@link UNKNOWN} (computed, not yet known at preview). */
export const isUnknown = (value: unknown): value is typeof UNKNOWN => value === UNKNOWN;
