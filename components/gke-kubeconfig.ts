/**
 * The kubeconfig the program's `kubernetes` provider uses for a GKE cluster: the cluster's DNS endpoint and
 * a user that authenticates through the `gke-gcloud-auth-plugin` exec credential plugin. It holds no
 * credential at all (no token, no client certificate, no key), so nothing secret reaches the state.
 */

/** What the kubeconfig is built from. */
export interface GkeKubeconfigArgs {
  /** The GCP project id (part of the context name, as `gcloud container clusters get-credentials` names it). */
  readonly project: string;
  /** The cluster's location (its region for Autopilot). */
  readonly location: string;
  /** The cluster's name. */
  readonly clusterName: string;
  /** The cluster's DNS endpoint (`gke-….<location>.gke.goog`), without scheme. */
  readonly dnsEndpoint: string;
}

/**
 * The exec credential plugin as `gcloud container clusters get-credentials` writes it since kubectl 1.26
 * removed the built-in `gcp` auth provider ("kubectl auth changes in GKE",
 * https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke): the plugin
 * prints a short-lived OAuth token of the caller's Google credentials on every call, so the kubeconfig
 * carries no credential of its own. `provideClusterInfo` passes the cluster block to the plugin.
 */
export const GKE_AUTH_PLUGIN = {
  apiVersion: "client.authentication.k8s.io/v1beta1",
  command: "gke-gcloud-auth-plugin",
  installHint:
    "Install gke-gcloud-auth-plugin (gcloud components install gke-gcloud-auth-plugin, or the Debian package google-cloud-cli-gke-gcloud-auth-plugin): https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin",
  provideClusterInfo: true,
} as const;

/**
 * The kubeconfig as JSON (a kubeconfig may be JSON or YAML; the provider's `kubeconfig` takes either).
 *
 * The server is the DNS endpoint and there is deliberately no `certificate-authority-data`: the DNS endpoint
 * presents a certificate from a public CA (Google Trust Services), not the cluster CA, and a kubeconfig that
 * pins the cluster CA fails TLS verification against it (crossplane-contrib/provider-upjet-gcp#988,
 * danielfoehrKn/kubeswitch#163; hashicorp/terraform-provider-kubernetes#2637 connects with the host and the
 * exec plugin only). Access through the DNS endpoint is authorised by IAM (`container.clusters.connect`),
 * whatever the caller's source address.
 */
export function gkeKubeconfig(args: GkeKubeconfigArgs): string {
  // The context name `gcloud container clusters get-credentials` uses: gke_<project>_<location>_<cluster>.
  const name = `gke_${args.project}_${args.location}_${args.clusterName}`;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: `https://${args.dnsEndpoint}` } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    preferences: {},
    users: [{ name, user: { exec: { ...GKE_AUTH_PLUGIN } } }],
  });
}
