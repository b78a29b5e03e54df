/**
 * The contract between the staging stack and the feature stacks in its project: the outputs staging
 * exports and feature stacks read through a `StackReference`.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config";
import { EnvironmentNaming } from "./naming";

/** What a feature stack reads from staging. */
export interface SharedOutputs {
  /** Docker repository images are pulled from. */
  readonly artifactRepository: string;
  /** Secret resource names by secret name (feature environments mount staging's secrets). */
  readonly secretIds: Record<string, string>;
  /** Email of the project's IAP service agent, which must be able to invoke IAP-guarded services. */
  readonly iapServiceAgentEmail: string;
}

export const SHARED_OUTPUT_KEYS: readonly (keyof SharedOutputs)[] = [
  "artifactRepository",
  "secretIds",
  "iapServiceAgentEmail",
];

/** Shared outputs as Pulumi outputs. */
export type SharedInputs = { readonly [K in keyof SharedOutputs]: pulumi.Output<SharedOutputs[K]> };

/** Reads staging's shared outputs; fails the deployment with a clear message when one is missing. */
export function readSharedOutputs(ref: pulumi.StackReference): SharedInputs {
  const read = <K extends keyof SharedOutputs>(key: K): pulumi.Output<SharedOutputs[K]> =>
    ref.requireOutput(key).apply((v) => v as SharedOutputs[K]);
  return {
    artifactRepository: read("artifactRepository"),
    secretIds: read("secretIds"),
    iapServiceAgentEmail: read("iapServiceAgentEmail"),
  };
}

/**
 * The values the staging stack of the same config would export. The offline plan answers a feature
 * stack's `StackReference` with these; they follow the same naming rules as staging itself.
 */
export function expectedSharedOutputs(cfg: StackConfig): SharedOutputs {
  const staging = new EnvironmentNaming(cfg.prefix, "staging");
  return {
    artifactRepository: `${cfg.region}-docker.pkg.dev/${cfg.gcpProject}/${staging.name("artifactRepository", "containers")}`,
    secretIds: Object.fromEntries(
      Object.keys(cfg.secrets).map((name) => [
        name,
        `projects/${cfg.gcpProject}/secrets/${staging.name("secret", name)}`,
      ]),
    ),
    iapServiceAgentEmail: `service-000000000000@gcp-sa-iap.iam.gserviceaccount.com`,
  };
}
