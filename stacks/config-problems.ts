/** Reporting config problems: key paths as a user types them, zod issues, and component validators re-run on config. */
import type { z } from "zod";
import { ValidationError, show, type Problem } from "../components/shared/validation";
import { NAMESPACE } from "./namespace";

/** The key path of a config problem, as a user would type it. */
export function keyPath(path: readonly PropertyKey[]): string {
  const parts = path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i > 0 ? "." : ""}${String(k)}`));
  return `${NAMESPACE}:${parts.join("")}`;
}

/** Zod's wording without its "Invalid input:" preamble. */
function allowedText(message: string): string {
  return message.replace(/^Invalid (input|option): /, "");
}

export function zodProblems(error: z.ZodError, section: string, value: unknown): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const path = [section, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      const parent = issue.path.reduce<unknown>(
        (obj, k) => (obj as Record<PropertyKey, unknown> | undefined)?.[k],
        value,
      ) as Record<string, unknown> | undefined;
      for (const key of issue.keys) {
        problems.push({
          path: keyPath([...path, key]),
          value: show(parent?.[key]),
          allowed: "no such key: check the spelling (see the configuration reference in README.md)",
        });
      }
      continue;
    }
    const input = "input" in issue ? issue.input : undefined;
    const missing = input === undefined && issue.code === "invalid_type";
    problems.push({
      path: keyPath(path),
      value: missing ? "nothing" : show(input),
      allowed: missing ? `a value is required (${allowedText(issue.message)})` : allowedText(issue.message),
    });
  }
  return problems;
}

/**
 * Re-runs a component validator on resolved args and files its problems under config key paths: `where`
 * maps a component field path to the config key path (without namespace), or `undefined` to drop it
 * (a problem already reported under its config key).
 */
export function collect(
  problems: Problem[],
  where: string | ((path: string) => string | undefined),
  validate: () => void,
): void {
  try {
    validate();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const p of error.problems) {
      const path = typeof where === "string" ? `${where}${p.path}` : where(p.path);
      if (path !== undefined) problems.push({ ...p, path: `${NAMESPACE}:${path}` });
    }
  }
}

/** A problem at a config key path (without namespace). */
export function problemAt(path: string, value: unknown, allowed: string): Problem {
  return { path: `${NAMESPACE}:${path}`, value: show(value), allowed };
}

/** What an error message shows instead of a secret value. */
export const HIDDEN = "(secret value hidden)";
export const SECRET_LOOKING_KEY = /secret|passw|token|credential|key/i;
