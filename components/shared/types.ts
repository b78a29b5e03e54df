/**
 * The argument shapes every component shares (DESIGN §4): where it lives, how it names its resources
 * and which labels it puts on them.
 */
import type * as pulumi from "@pulumi/pulumi";

/** GCP resource kinds with their own name limits. See `stacks/naming.ts` for the rules of each. */
export type NameKind =
  | "serviceAccount"
  | "cloudRunService"
  | "firestoreDatabase"
  | "secret"
  | "artifactRepository"
  | "bucketPrefix"
  | "generic";

/** Turns a component-local name into the GCP name of a resource of `kind`, within its limits. */
export interface Naming {
  /** `<prefix>-<env>-<name>`, lowercased and cut to the limit of `kind` with a stable hash. */
  name(kind: NameKind, name: string): string;
}

/** Arguments every component takes. */
export interface CommonArgs {
  /** GCP project id that owns the resources. */
  readonly project: pulumi.Input<string>;
  /** Default region for regional resources (e.g. `asia-northeast3`). */
  readonly region: string;
  /**
   * Labels for every labelable child. The component adds its own `component` label.
   * Passed explicitly because transforms do not run under mocks.
   */
  readonly labels: Readonly<Record<string, string>>;
  /** Naming of GCP resources for this environment. */
  readonly naming: Naming;
}

/**
 * A customer-managed Cloud KMS key as a resource encrypted with it takes it (`KmsKeys.key()` returns one).
 */
export interface EncryptionKey {
  /** `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`, in the location of the data. */
  readonly kmsKeyName: pulumi.Input<string>;
  /**
   * What the encrypted resource must be created after: the grant of the key to the service's agent (and
   * its propagation). Google checks the agent's access when the resource is created.
   * @default - nothing to wait for (the grant exists already)
   */
  readonly ready?: pulumi.Resource;
}

/** An IAM member string such as `serviceAccount:x@p.iam.gserviceaccount.com` or `group:dev@example.com`. */
export type Member = pulumi.Input<string>;

/** Adds the `component` label to the environment's labels. */
export function componentLabels(
  labels: Readonly<Record<string, string>>,
  component: string,
): Record<string, string> {
  return { ...labels, component };
}
