import { createHash } from "node:crypto";

/**
 * A readable, stable logical-name part (Pulumi resource names, not GCP names): lowercase letters, digits
 * and `-`, plus a short hash of the exact text when folding lost information, so `a.b` and `a_b` never
 * give the same name.
 */
export function logicalKey(parts: readonly string[]): string {
  const exact = parts.join("-");
  const folded = exact
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  if (folded === exact.toLowerCase()) return folded;
  return `${folded}-${createHash("sha256").update(exact).digest("hex").slice(0, 6)}`;
}
