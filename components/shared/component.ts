import * as pulumi from "@pulumi/pulumi";

type DependsOn = pulumi.CustomResourceOptions["dependsOn"];

/** A `dependsOn` value as a list, when it is given as a resource or a list (the forms this program uses). */
function dependencyList(d: DependsOn): pulumi.Input<pulumi.Resource>[] {
  if (d === undefined) return [];
  if (Array.isArray(d)) return d;
  if (pulumi.Resource.isInstance(d)) return [d];
  throw new pulumi.RunError("dependsOn of a module6 component must be a resource or a list of resources");
}

/**
 * Base of every module6 component. A component's `dependsOn` does not reach its children in Pulumi, so
 * `child()` gives each child `parent: this` and this component's dependencies: a component that waits for
 * the project's APIs makes every resource inside it wait too.
 */
export abstract class Component extends pulumi.ComponentResource {
  private readonly inherited: pulumi.Input<pulumi.Resource>[];

  protected constructor(type: string, name: string, opts?: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.inherited = dependencyList(opts?.dependsOn);
  }

  /** Options for a child resource: parented here, waiting for this component's and `extra`'s dependencies. */
  protected child(extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
    const dependsOn = [...this.inherited, ...dependencyList(extra.dependsOn)];
    return { ...extra, parent: this, ...(dependsOn.length > 0 ? { dependsOn } : {}) };
  }

  /**
   * Options for a provider function call made for this component (`gcp.storage.getProjectServiceAccountOutput`,
   * …): parented here and, like a child, waiting for this component's dependencies (the APIs it needs).
   */
  protected invokeOptions(): pulumi.InvokeOutputOptions {
    return { parent: this, ...(this.inherited.length > 0 ? { dependsOn: this.inherited } : {}) };
  }
}
