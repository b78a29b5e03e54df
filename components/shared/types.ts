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

/** An IAM member string such as `serviceAccount:x@p.iam.gserviceaccount.com` or `group:dev@example.com`. */
export type Member = pulumi.Input<string>;

/** Adds the `component` label to the environment's labels. */
export function componentLabels(
  labels: Readonly<Record<string, string>>,
  component: string,
): Record<string, string> {
  return { ...labels, component };
}
