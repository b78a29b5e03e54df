/**
 * Waits for Google Cloud's eventual consistency, as `@pulumiverse/time` `Sleep` resources (the
 * counterpart of Terraform's `time_sleep`). A `Sleep` waits only when it is created, i.e. when its
 * `triggers` change: an unchanged stack never waits again. Mocks accept anything, so every duration
 * here comes from Google's documentation or the provider's issues, cited next to it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";

/**
 * IAM allow-policy changes "typically propagate in 2 minutes, but could potentially take 7 minutes or
 * longer" (https://cloud.google.com/iam/docs/access-change-propagation), and Cloud Run checks at deploy
 * that the runtime service account can access every secret it mounts — "If any check fails, the service
 * deployment fails" (https://cloud.google.com/run/docs/configuring/services/secrets). The typical figure
 * is the wait: the rare slower propagation fails that one `up`, and re-running it succeeds without
 * waiting again (the `Sleep` already exists).
 */
export const GRANT_PROPAGATION = "2m";

/**
 * A new log-based metric is unknown to Cloud Monitoring for a while: creating an alert policy on it
 * answers 404 "Cannot find metric(s) that match type = logging.googleapis.com/user/…. If a metric was
 * created recently, it could take up to 10 minutes to become available"
 * (https://github.com/hashicorp/terraform-provider-google/issues/11102, still open). The API's own bound.
 */
export const LOG_METRIC_PROPAGATION = "10m";

/**
 * A `Sleep` of `duration` that runs again only when the set of `keys` changes (order does not matter).
 * Resources that must wait take it in `dependsOn`.
 */
export function propagationWait(
  name: string,
  duration: string,
  keys: readonly pulumi.Input<string>[],
  opts: pulumi.CustomResourceOptions,
): time.Sleep {
  return new time.Sleep(
    name,
    {
      createDuration: duration,
      triggers: { keys: pulumi.all([...keys]).apply((values) => [...values].sort().join(",")) },
    },
    opts,
  );
}
