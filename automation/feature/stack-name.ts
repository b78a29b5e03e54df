/**
 * Feature stack names: `feature-pr-<n>` for a pull request, `feature-<branch slug>` for a branch without
 * one — through `featureStackName` of `stacks/feature.ts`, the rule the offline plan and the program use.
 */
import { featureStackName, isFeatureStackName } from "../../stacks/feature";

export { isFeatureStackName };
import { usageError } from "../core/errors";

/** What names a feature environment. */
export interface FeatureSource {
  readonly pr?: number;
  readonly branch?: string;
}

/** The stack name of a pull request's (or a branch's) environment. */
export function featureStackFor(source: FeatureSource): string {
  if (source.pr !== undefined) return featureStackName(`pr-${source.pr}`);
  const branch = (source.branch ?? "").replace(/^refs\/heads\//, "");
  if (!/[A-Za-z0-9]/.test(branch))
    throw usageError(
      `--branch: got ${JSON.stringify(source.branch ?? "")}; a branch name with letters or digits`,
    );
  return featureStackName(branch);
}
