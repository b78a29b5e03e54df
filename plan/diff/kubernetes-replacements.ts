/**
 * Which changes replace the Kubernetes objects the program plans. The `kubernetes` provider is native (not
 * a bridged Terraform provider), so the generated table (replacement-table.json) cannot hold it; these
 * entries are read from pulumi/pulumi-kubernetes at 94977969d64112b04e19945818a7d5d5f38f631d (4.x line of the
 * installed @pulumi/kubernetes 4.34.2):
 *
 * - provider/pkg/provider/provider.go, Diff: "Changing the identity of the resource always causes a
 *   replacement" (`.metadata.name`, `.metadata.namespace`), plus `forceNewProperties` (diff.go) per kind;
 * - diff.go, forceNewProperties: a Secret's `.type`, `.stringData` and `.data`, and a ConfigMap's `.data`
 *   and `.binaryData`, unless the provider's `enableSecretMutable` / `enableConfigMapMutable` is on (this
 *   program leaves both off, components/gke-autopilot-cluster.ts); Namespace, ServiceAccount and
 *   NetworkPolicy have no kind-specific entry;
 * - helm_release.go, Diff: a Release's `.name` and `.namespace`.
 */
import type { TableResource } from "./replacement";

const identity = ["metadata.name", "metadata.namespace"];
const native = (tf: string, replace: readonly string[]): TableResource => ({ tf, kind: "native", replace });

export const KUBERNETES_REPLACEMENTS: Readonly<Record<string, TableResource>> = {
  "kubernetes:core/v1:Namespace": native("Namespace (pulumi-kubernetes)", identity),
  "kubernetes:core/v1:ServiceAccount": native("ServiceAccount (pulumi-kubernetes)", identity),
  "kubernetes:core/v1:ConfigMap": native("ConfigMap (pulumi-kubernetes)", [
    ...identity,
    "binaryData",
    "data",
  ]),
  "kubernetes:core/v1:Secret": native("Secret (pulumi-kubernetes)", [
    ...identity,
    "data",
    "stringData",
    "type",
  ]),
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": native("NetworkPolicy (pulumi-kubernetes)", identity),
  "kubernetes:helm.sh/v3:Release": native("helm.sh/v3 Release (pulumi-kubernetes)", ["name", "namespace"]),
};
