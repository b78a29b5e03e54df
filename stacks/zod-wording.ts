/**
 * Zod's issues in the words of a person editing a stack file: "required" instead of "expected string,
 * received undefined", `cpu: "2"` when YAML read a number where text is wanted, "at least 1" instead of
 * "Too small: expected number to be >=1". Issues raised by our own refinements keep their message.
 */
import type { z } from "zod";

const ARTICLE: Readonly<Record<string, string>> = {
  string: "text",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping of keys",
  array: "a list",
  record: "a mapping of keys",
};

/** What a value is, as YAML shows it. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return "text";
  return `a ${typeof value}`;
}

/** How zod's default messages start (node_modules/zod/v4/locales/en.js). */
const ZOD_DEFAULT = /^(Invalid |Too (small|big): |Unrecognized key)/;

const expectedText = (expected: string): string => ARTICLE[expected] ?? expected;

/** Zod's message without its "Invalid input:" preamble (for issues this module does not reword). */
export function zodMessage(message: string): string {
  return message.replace(/^Invalid (input|option): /, "");
}

/** What is allowed, in plain words; `key` is the key the value is under (for the YAML fix). */
export function allowedWording(issue: z.core.$ZodIssue, key: string | undefined): string {
  const input = issue.input;
  // The schema's own message (a refinement, or one given to a check) says it best.
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_type": {
      const expected = expectedText(issue.expected);
      if (input === undefined) return `required (${expected})`;
      if (issue.expected === "string" && (typeof input === "number" || typeof input === "boolean"))
        return `text: write ${key ?? "the value"}: "${String(input)}" in quotes (YAML reads ${String(input)} as ${kindOf(input)})`;
      if (
        issue.expected === "number" &&
        typeof input === "string" &&
        input.trim() !== "" &&
        !Number.isNaN(Number(input))
      )
        return `a number: write ${key ?? "the value"}: ${input} without quotes`;
      return `${expected}, not ${kindOf(input)}`;
    }
    case "too_small": {
      const bound = `${issue.inclusive === false ? "more than" : "at least"} ${String(issue.minimum)}`;
      if (issue.origin === "string") return issue.minimum === 1 ? "not empty" : `${bound} characters`;
      if (issue.origin === "array" || issue.origin === "set")
        return `${bound} item${issue.minimum === 1 ? "" : "s"}`;
      return bound;
    }
    case "too_big": {
      const bound = `${issue.inclusive === false ? "less than" : "at most"} ${String(issue.maximum)}`;
      if (issue.origin === "string") return `${bound} characters`;
      if (issue.origin === "array" || issue.origin === "set") return `${bound} items`;
      return bound;
    }
    case "invalid_value":
      return issue.values.length === 1
        ? JSON.stringify(issue.values[0])
        : `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "not_multiple_of":
      return `a multiple of ${String(issue.divisor)}`;
    case "invalid_format":
      return "pattern" in issue && typeof issue.pattern === "string"
        ? `text matching ${issue.pattern}`
        : `a valid ${issue.format}`;
    default:
      return zodMessage(issue.message);
  }
}
