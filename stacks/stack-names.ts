/**
 * The stack names the program knows: `prod`, `staging` and `feature-<slug>`. Imports nothing, so the
 * operations CLI can check a `--stack` before it loads the program (or the Pulumi SDK).
 */

/** The longest slug of a feature stack name. */
export const MAX_FEATURE_SLUG = 40;

/** The stacks of the two permanent environments. */
export const PERMANENT_STACKS: readonly string[] = ["prod", "staging"];

const FEATURE_STACK = /^feature-[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** True for names `featureStackName` can produce (and the program accepts for kind `feature`). */
export function isFeatureStackName(name: string): boolean {
  return (
    FEATURE_STACK.test(name) && !name.includes("--") && name.length <= "feature-".length + MAX_FEATURE_SLUG
  );
}
