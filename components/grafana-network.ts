/**
 * The NetworkPolicies of Grafana's namespace, as pure specs: deny everything, then allow Grafana exactly what
 * it needs on GKE Autopilot (always GKE Dataplane V2, which enforces NetworkPolicy itself).
 *
 * Access is private: people reach Grafana with `kubectl port-forward`, which the container runtime connects
 * to the port on the pod's loopback interface, inside its network namespace: the connection arrives from
 * 127.0.0.1 (kubernetes/kubernetes#87484: port-forward fails for an app bound to the pod IP only;
 * linkerd/linkerd2#2352 and skypilot-org/skypilot#10409: port-forwarded traffic shows localhost as its source),
 * so no NetworkPolicy rule is needed for it. The only ingress allowed is to Grafana's port from pods of the
 * same namespace (a debugging pod; the backend of an IAP gateway, the documented next step). Kubelet probes
 * are not affected: "traffic to and from the node where a Pod is running is always allowed"
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/).
 */
import type * as k8sInputs from "@pulumi/kubernetes/types/input";

type Spec = k8sInputs.networking.v1.NetworkPolicySpec;
type Peer = k8sInputs.networking.v1.NetworkPolicyPeer;

/** The metadata server's link-local address (Compute Engine and the GKE metadata server). */
export const METADATA_IP = "169.254.169.254/32";
/** The GKE metadata server's own address on clusters without Dataplane V2 (GKE ≥ 1.21). */
export const GKE_METADATA_SERVER_IP = "169.254.169.252/32";
/**
 * NodeLocal DNSCache's link-local address on GKE (on by default in Autopilot;
 * https://cloud.google.com/kubernetes-engine/docs/how-to/nodelocal-dns-cache).
 */
export const NODE_LOCAL_DNS_IP = "169.254.20.10/32";
/** Private and special ranges: HTTPS egress excludes them, so Grafana reaches Google APIs and nothing in the VPC. */
export const PRIVATE_RANGES = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "169.254.0.0/16",
];

const kubeSystem: Peer = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
};

/** Selects every pod of the namespace and allows nothing: each direction is opened only by another policy. */
export function defaultDenySpec(): Spec {
  return { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
}

/** What Grafana's pods may send and receive. */
export function grafanaAllowSpec(podLabels: Readonly<Record<string, string>>, port: number): Spec {
  return {
    podSelector: { matchLabels: { ...podLabels } },
    policyTypes: ["Ingress", "Egress"],
    ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: "TCP", port }] }],
    egress: [
      // DNS, wherever this cluster resolves: kube-dns or NodeLocal DNSCache pods in kube-system, NodeLocal
      // DNSCache's link-local address, or Cloud DNS for GKE, which pods reach at the metadata server's address
      // (jupyterhub/zero-to-jupyterhub-k8s jupyterhub/values.schema.yaml, egressAllowRules.dnsPortsCloudMetadataServer
      // and dnsPortsKubeSystemNamespace; private-IP DNS rules do not work under Cilium, which GKE Dataplane V2 is).
      {
        to: [kubeSystem, { ipBlock: { cidr: NODE_LOCAL_DNS_IP } }, { ipBlock: { cidr: METADATA_IP } }],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
      // Workload Identity tokens from the GKE metadata server: on Dataplane V2 the policy sees the link-local
      // address and port 80 before the redirect; without it, the server's own address and port 988 (GKE network
      // policy docs, "Limitations and requirements": https://cloud.google.com/kubernetes-engine/docs/how-to/network-policy;
      // measured on Dataplane V2 in gke-labs/kube-agents#777 and #805).
      { to: [{ ipBlock: { cidr: METADATA_IP } }], ports: [{ protocol: "TCP", port: 80 }] },
      { to: [{ ipBlock: { cidr: GKE_METADATA_SERVER_IP } }], ports: [{ protocol: "TCP", port: 988 }] },
      // Google APIs (monitoring.googleapis.com, sts/iamcredentials for the token) over HTTPS. Their addresses
      // are not fixed, so any public address; never the VPC, the cluster or the metadata range.
      {
        to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...PRIVATE_RANGES] } }],
        ports: [{ protocol: "TCP", port: 443 }],
      },
    ],
  };
}
