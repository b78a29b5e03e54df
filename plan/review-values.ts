/**
 * Values as the diff shows them: compact JSON, secrets masked, long values cut in the middle so that the
 * part that changed stays visible.
 */
import { SECRET_PLACEHOLDER } from "./record";

/** Longest value shown whole. */
export const MAX_VALUE_CHARS = 72;
/** Characters kept on each side of the changed part of a long value. */
const CONTEXT = 16;

function json(v: unknown): string {
  return v === undefined ? "(unset)" : (JSON.stringify(v) ?? "(unset)");
}

/** Does the value hold a secret anywhere? (The plan records each secret as `[secret]`.) */
export function holdsSecret(v: unknown): boolean {
  return v !== undefined && JSON.stringify(v).includes(JSON.stringify(SECRET_PLACEHOLDER));
}

function cut(s: string, from: number, to: number, max: number): string {
  // Keep [from, to) (the changed part) with some context, "…" for what is left out.
  let start = Math.max(0, from - CONTEXT);
  let end = Math.min(s.length, to + CONTEXT);
  if (end - start > max) end = start + max;
  if (start <= 1) start = 0;
  if (end >= s.length - 1) end = s.length;
  return `${start > 0 ? "…" : ""}${s.slice(start, end)}${end < s.length ? "…" : ""}`;
}

/**
 * The old and new value of a changed field as shown: a secret on either side masks both (a secret's old
 * value is as secret as its new one), and a value longer than `max` is cut in the middle around the
 * characters that differ from the other side.
 */
export function showPair(before: unknown, after: unknown, max = MAX_VALUE_CHARS): [string, string] {
  if (holdsSecret(before) || holdsSecret(after)) {
    return [
      before === undefined ? "(unset)" : SECRET_PLACEHOLDER,
      after === undefined ? "(unset)" : SECRET_PLACEHOLDER,
    ];
  }
  const a = json(before);
  const b = json(after);
  if (a.length <= max && b.length <= max) return [a, b];
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  )
    suffix++;
  const side = (s: string) => (s.length <= max ? s : cut(s, prefix, s.length - suffix, max));
  return [side(a), side(b)];
}

/** One value (a create's or a delete's field), masked and cut at its end. */
export function showValue(v: unknown, max = MAX_VALUE_CHARS): string {
  if (holdsSecret(v)) return SECRET_PLACEHOLDER;
  const s = json(v);
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
