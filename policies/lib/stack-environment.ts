/**
 * Which environments a whole stack belongs to, for stack policies about what a kind of stack may hold.
 * A resource's own environment (lib/environment.ts) misses resources that carry no labels and whose
 * provider has none (every `kubernetes:*` resource), and the stack tag is only there when someone ran
 * `pulumi stack tag set environment …`. A stack therefore names its environment through any of:
 *
 * 1. the stack tag `environment`;
 * 2. the `env` label of any of its resources or providers (the program's `gcp.Provider` carries it in
 *    `defaultLabels` in every stack, DESIGN §4);
 * 3. the root stack's output `environment.kind` (the program exports it);
 * 4. its name: feature stacks are named `feature-<slug>` (DESIGN §2), read from the URNs
 *    (`urn:pulumi:<stack>::<project>::…`), which are known at preview.
 */
import type { PolicyResource } from "@pulumi/policy";
import { ENVIRONMENT_LABEL, ENVIRONMENT_TAG } from "./environment";
import { effectiveLabels } from "./labels";
import { at } from "./path";

/** The stack name of a URN (`urn:pulumi:<stack>::…`). */
export const stackOfUrn = (urn: string): string | undefined => /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];

/** Every environment the stack is named as, by any of the four signals. */
export function stackEnvironments(
  resources: readonly PolicyResource[],
  stackTags: ReadonlyMap<string, string>,
): Set<string> {
  const found = new Set<string>();
  const tag = stackTags.get(ENVIRONMENT_TAG);
  if (tag) found.add(tag);
  for (const r of resources) {
    const env = effectiveLabels({ props: r.props })[ENVIRONMENT_LABEL];
    if (env) found.add(env);
    if (r.type === "pulumi:pulumi:Stack") {
      const kind = at(r.props, "environment.kind");
      if (typeof kind === "string" && !kind.startsWith("[")) found.add(kind);
    }
    if (stackOfUrn(r.urn)?.startsWith("feature-")) found.add("feature");
  }
  return found;
}
