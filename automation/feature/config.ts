/**
 * A feature stack's config: staging's `Pulumi.staging.yaml`, loaded by the stack-file reader the offline plan uses,
 * derived by `deriveFeatureConfig` (never a second copy of that rule) with the pull request's images, and
 * validated against the program's schema before any stack is touched. `npm run plan -- --stack
 * feature-pr-<n>` therefore shows what `feature up --pr <n>` deploys.
 */
import { loadStackConfigFile } from "../../stack-file/load";
import { parseStackConfig, splitConfigMap } from "../../stacks/config";
import { deriveFeatureConfig, unknownImageOverrides } from "../../stacks/feature";
import { usageError } from "../core/errors";

export interface FeatureConfig {
  /** The config map to write (`namespace:key` → string). */
  readonly config: Record<string, string>;
  /** Where it came from, for messages. */
  readonly source: string;
}

/** The config of feature stack `stack`, derived from staging's stack file in `root`. */
export function featureConfig(
  root: string,
  stack: string,
  images: Readonly<Record<string, string>> = {},
): FeatureConfig {
  const staging = loadStackConfigFile("staging", root);
  const unknown = unknownImageOverrides(staging.config, images);
  if (unknown.length > 0) {
    const known = Object.keys(JSON.parse(staging.config["module6:services"] ?? "{}") as object);
    throw usageError(
      `--image: no service ${unknown.join(", ")} in ${staging.source}; services: ${known.join(", ")}`,
    );
  }
  const config = deriveFeatureConfig(staging.config, { images });
  const encrypted = staging.secretKeys.filter((key) => key in config);
  if (encrypted.length > 0) {
    throw usageError(
      `${staging.source} has encrypted values a feature stack would inherit (${encrypted.join(", ")}); ` +
        `feature stacks mount staging's secrets by reference and take no secret config`,
    );
  }
  // The program would refuse an invalid config at `pulumi up`; refuse it here, before any stack exists.
  parseStackConfig(splitConfigMap(stack, config));
  return { config, source: `${staging.source} (derived for ${stack})` };
}
