/** Zod's default messages reworded for a person editing a stack file; a schema's own message kept. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { allowedWording } from "../../stacks/zod-wording";

function wording(schema: z.ZodType, value: unknown, key = "k"): string {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) throw new Error("expected a failure");
  const [issue] = result.error.issues;
  return allowedWording(issue as z.core.$ZodIssue, key);
}

describe("allowedWording", () => {
  it.each([
    [z.string(), undefined, "required (text)"],
    [z.string(), 2, 'text: write k: "2" in quotes (YAML reads 2 as a number)'],
    [z.string(), true, 'text: write k: "true" in quotes (YAML reads true as a boolean)'],
    [z.number(), "8080", "a number: write k: 8080 without quotes"],
    [z.number(), "ten", "a number, not text"],
    [z.array(z.string()), {}, "a list, not a mapping"],
    [z.number().min(1), 0, "at least 1"],
    [z.number().max(10), 11, "at most 10"],
    [z.string().min(1), "", "not empty"],
    [z.array(z.string()).min(2), ["a"], "at least 2 items"],
    [z.enum(["a", "b"]), "c", 'one of "a", "b"'],
    [z.number().multipleOf(5), 7, "a multiple of 5"],
    [z.string().regex(/^x+$/), "y", "text matching /^x+$/"],
    [z.number().min(1, "at least one instance"), 0, "at least one instance"],
  ])("%#: %j", (schema, value, expected) => {
    expect(wording(schema, value)).toBe(expected);
  });
});
