/**
 * Which environment (`prod`, `staging`, `feature`) a resource belongs to, for the policies that differ
 * between environments (feature stacks may skip protection and monitoring). Never from names: only from
 *
 * 1. the stack tag `environment` (`pulumi stack tag set environment feature`),
 * 2. the resource's `env` label (set from stack config, DESIGN §4), and
 * 3. the `env` label among its provider's `defaultLabels`.
 *
 * A resource may show several; a policy applies when any of them is one of its environments. With none
 * known, environment-scoped policies apply (fail closed), except those that only ever concern feature
 * stacks, which then need positive knowledge.
 */
import { effectiveLabels, type LabelledSubject } from "./labels";

/** The stack tag that names a stack's environment. */
export const ENVIRONMENT_TAG = "environment";
/** The label that names a resource's environment. */
export const ENVIRONMENT_LABEL = "env";
/** The environment kinds of this program. */
export const ENVIRONMENT_KINDS = ["prod", "staging", "feature"] as const;

/** Every environment named for `subject` by stack tags, its labels and its provider's default labels. */
export function environmentsOf(
  subject: LabelledSubject,
  stackTags: ReadonlyMap<string, string>,
): Set<string> {
  const found = new Set<string>();
  const tag = stackTags.get(ENVIRONMENT_TAG);
  if (tag) found.add(tag);
  const label = effectiveLabels(subject)[ENVIRONMENT_LABEL];
  if (label) found.add(label);
  return found;
}

/**
 * True when a policy scoped to `environments` applies to `subject`: one of its known environments is in
 * the list, or none is known and `whenUnknown` (default true: fail closed).
 */
export function inEnvironments(
  subject: LabelledSubject,
  stackTags: ReadonlyMap<string, string>,
  environments: readonly string[],
  whenUnknown = true,
): boolean {
  const known = environmentsOf(subject, stackTags);
  if (known.size === 0) return whenUnknown;
  return [...known].some((env) => environments.includes(env));
}
