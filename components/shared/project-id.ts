/**
 * The one rule of a GCP project id, for every component validator and the stack config that takes one.
 * Pure — no SDK — so parsing config loads no provider SDK.
 */
import { patternRule, type Rule } from "./validation";

/**
 * 6 to 30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen
 * (https://cloud.google.com/resource-manager/docs/creating-managing-projects, "Creating a project").
 */
export const PROJECT_ID_PATTERN = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** {@link PROJECT_ID_PATTERN} as a validator rule. */
export const PROJECT_ID_RULE: Rule<string> = patternRule(
  PROJECT_ID_PATTERN,
  "a GCP project id: 6-30 of a-z 0-9 '-', starting with a letter",
);
