/**
 * The leaf-level differences between two resources' inputs, as property paths (`a.b[0].c`,
 * `labels["team"]`), in the form the replacement check needs: a value that appeared or disappeared is
 * reported with every node under it (so a force-new field inside a block added whole is seen), a value
 * that changed is reported where it changed. `null` and a missing key are the same (unset). Arrays are
 * compared by position. Values are plain JSON as recorded by the plan (secrets are already `[secret]`,
 * so a changed secret is not seen as changed).
 */
import type { InputChange } from "./replacement";

type Json = unknown;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function child(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (IDENTIFIER.test(key)) return path === "" ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isUnset(v: Json): boolean {
  return v === undefined || v === null;
}

/** Every node under (and including) a value, as `added` or `removed`. */
function whole(path: string, value: Json, kind: "added" | "removed", out: InputChange[]): void {
  if (path !== "") out.push({ path, kind });
  if (Array.isArray(value)) value.forEach((v, i) => !isUnset(v) && whole(child(path, i), v, kind, out));
  else if (isObject(value))
    for (const [k, v] of Object.entries(value)) if (!isUnset(v)) whole(child(path, k), v, kind, out);
}

function diff(path: string, before: Json, after: Json, out: InputChange[]): void {
  if (isUnset(before) && isUnset(after)) return;
  if (isUnset(before)) return whole(path, after, "added", out);
  if (isUnset(after)) return whole(path, before, "removed", out);
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++)
      diff(child(path, i), before[i], after[i], out);
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const k of [...keys].sort()) diff(child(path, k), before[k], after[k], out);
    return;
  }
  if (typeof before !== "object" && typeof after !== "object") {
    if (before !== after) out.push({ path, kind: "changed" });
    return;
  }
  // An object or array became a scalar, or the reverse.
  out.push({ path, kind: "changed" });
  const nested: InputChange[] = [];
  whole("", before, "removed", nested);
  whole("", after, "added", nested);
  for (const c of nested)
    out.push({ path: path + (c.path.startsWith("[") ? "" : ".") + c.path, kind: c.kind });
}

/** Changed input paths between two resources' inputs (either may be absent: a create or a delete). */
export function changedInputs(
  before: Readonly<Record<string, Json>> | undefined,
  after: Readonly<Record<string, Json>> | undefined,
): InputChange[] {
  const out: InputChange[] = [];
  diff("", before ?? {}, after ?? {}, out);
  return out;
}
