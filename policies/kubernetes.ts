/**
 * Kubernetes objects the program creates on GKE: the provider authenticates with an exec plugin (no
 * credential in state), Helm releases are pinned to an exact chart version from an https or oci
 * repository, namespaces enforce the `restricted` Pod Security Standard and deny all traffic by default,
 * and Workload Identity grants name one Kubernetes service account, never a pool or a namespace.
 *
 * The pack does not load `@pulumi/kubernetes` (its own package.json has only what it reads): the input
 * shapes below are the SDK's (`node_modules/@pulumi/kubernetes/**.d.ts`), as the engine records them.
 */
import type { PolicyResource } from "@pulumi/policy";
import { parse as parseYaml } from "yaml";
import { ALL_GRANTS, grantTarget } from "./lib/grants";
import { grantsOf } from "./lib/members";
import { at, isUnknown } from "./lib/path";
import { resourcePolicy, stackPolicy, type Module6Policy } from "./lib/policy";
import { StackResources } from "./lib/stack";
import { K } from "./lib/tokens";
import { isPlainObject, list, q, records, str, strings } from "./lib/values";

type Props = Record<string, unknown>;

/** A kubernetes object's name for messages: `metadata.name`, else the logical name. */
function objectName(props: Props, logical: string): string {
  const name = at(props, "metadata.name");
  return typeof name === "string" && !name.startsWith("[") ? name : logical;
}

/** Credentials a kubeconfig user may carry that end up in Pulumi state (the provider's inputs). */
export const STATIC_CREDENTIAL_FIELDS = [
  "token",
  "tokenFile",
  "client-certificate",
  "client-certificate-data",
  "client-key",
  "client-key-data",
  "username",
  "password",
  "auth-provider",
];

/**
 * The problems of a kubeconfig (its YAML or JSON text) for exec authentication: every user has an `exec`
 * plugin with a command and none carries a static credential or the removed `auth-provider`. An empty
 * list means it is fine.
 */
export function kubeconfigProblems(text: string): string[] {
  let doc: unknown;
  try {
    doc = parseYaml(text) as unknown;
  } catch {
    return ["kubeconfig is neither YAML nor JSON"];
  }
  if (!isPlainObject(doc)) return ["kubeconfig must be the file's contents, not a path or a scalar"];
  const users = records(doc.users);
  if (users.length === 0) return ["kubeconfig has no users"];
  const problems: string[] = [];
  for (const entry of users) {
    const name = q(str(entry.name) ?? "(unnamed)");
    const user = isPlainObject(entry.user) ? entry.user : {};
    const held = STATIC_CREDENTIAL_FIELDS.filter((f) => user[f] !== undefined && user[f] !== null);
    if (held.length > 0) problems.push(`user ${name} carries ${held.join(", ")}`);
    const exec = user.exec;
    if (!isPlainObject(exec) || typeof exec.command !== "string" || exec.command.trim() === "")
      problems.push(`user ${name} has no exec plugin`);
  }
  return problems;
}

export const kubernetesProviderExecAuth = resourcePolicy(
  {
    name: "kubernetes-provider-exec-auth",
    domain: "kubernetes",
    description:
      "Checks that a kubernetes provider is given its kubeconfig contents (not a path, not the ambient KUBECONFIG) and that every user in it authenticates with an exec plugin (gke-gcloud-auth-plugin) and carries no token, client certificate or key, username/password or auth-provider: the kubeconfig is a provider input, so any static credential would sit in Pulumi state. Unset kubeconfig falls back to the machine's KUBECONFIG or ~/.kube/config.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Build the kubeconfig from the cluster's DNS endpoint (a publicly trusted certificate: no CA) with `users[].user.exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: gke-gcloud-auth-plugin, provideClusterInfo: true }` and pass it as `kubeconfig`.",
    types: [K.provider],
  },
  (props, args, report) => {
    // Exec credential plugins: https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins
    // (auth-provider was removed from client-go in 1.26); GKE's plugin:
    // https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin.
    // The provider's `kubeconfig` is "the contents of a kubeconfig file or the path to a kubeconfig file"
    // and falls back to $KUBECONFIG (node_modules/@pulumi/kubernetes/provider.d.ts, provider.js).
    const name = `Kubernetes provider ${q(args.name)}`;
    const value = at(props, "kubeconfig");
    if (isUnknown(value)) return; // built from the cluster's outputs: known once the cluster exists
    if (typeof value === "string" && value.startsWith("[")) return; // a `[secret]` placeholder: unreadable
    if (typeof value !== "string" || value.trim() === "") {
      report(
        `${name} must be given an explicit kubeconfig; kubeconfig is unset, which uses the machine's KUBECONFIG or ~/.kube/config`,
      );
      return;
    }
    for (const problem of kubeconfigProblems(value))
      report(`${name} must authenticate with an exec plugin and no stored credential; ${problem}`);
  },
);

/** Exact SemVer 2.0.0 (https://semver.org/#is-there-a-suggested-regular-expression-regex-to-check-a-semver-string). */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** True for an exact chart version (SemVer 2.0.0, no range, no `v` prefix). */
export const isExactChartVersion = (version: string): boolean => SEMVER.test(version);

/** True for a chart source the pack accepts: an https chart repository or an OCI registry. */
export const isPinnedSource = (url: string): boolean => /^(https|oci):\/\/[^/\s]+/i.test(url.trim());

export const helmReleasePinned = resourcePolicy(
  {
    name: "helm-release-pinned",
    domain: "kubernetes",
    description:
      "Checks that a Helm release installs an exact chart version (SemVer 2.0.0, no range such as ^1.2 or ~1, not empty) from an https chart repository (repositoryOpts.repo) or an OCI registry (an oci:// chart or repository): unset version installs the latest chart, and a local path, http or an unset repository resolves the chart from whatever the machine running Pulumi has.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      'Set `version: "<x.y.z>"` and `repositoryOpts: { repo: "https://…" }` (or `chart: "oci://…"`) from stack config.',
    types: [K.helmRelease],
  },
  (props, args, report) => {
    // Chart versions are SemVer 2 (https://helm.sh/docs/topics/charts/#charts-and-versioning); `version`
    // unset installs the latest (node_modules/@pulumi/kubernetes/helm/v3/release.d.ts: "If this is not
    // specified, the latest version is installed"); OCI charts: https://helm.sh/docs/topics/registries/.
    const name = `Helm release ${q(str(at(props, "name")) ?? args.name)}`;
    const version = at(props, "version");
    if (!isUnknown(version)) {
      if (typeof version !== "string" || version.trim() === "")
        report(`${name} must pin an exact chart version; version is unset, which installs the latest chart`);
      else if (!isExactChartVersion(version.trim()))
        report(`${name} must pin an exact chart version (x.y.z); version is ${q(version)}`);
    }
    const chart = at(props, "chart");
    const repo = at(props, "repositoryOpts.repo");
    if (isUnknown(chart) || isUnknown(repo)) return;
    if (typeof chart === "string" && /^oci:\/\//i.test(chart.trim())) return;
    if (typeof repo === "string" && isPinnedSource(repo)) return;
    report(
      `${name} must come from an https or oci repository (repositoryOpts.repo or an oci:// chart); ${repo === undefined ? `repositoryOpts.repo is unset and chart is ${q(chart ?? null)}` : `repositoryOpts.repo is ${q(repo)}`}`,
    );
  },
);

/** The Pod Security Admission label that enforces a level on a namespace. */
export const POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";

export const kubernetesNamespacePodSecurity = resourcePolicy(
  {
    name: "kubernetes-namespace-pod-security",
    domain: "kubernetes",
    description:
      "Checks that a namespace enforces the restricted Pod Security Standard (label pod-security.kubernetes.io/enforce: restricted). Autopilot itself applies about Baseline, so baseline adds nothing and privileged removes it; an unset label enforces nothing beyond the cluster's defaults.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      'Label the namespace `pod-security.kubernetes.io/enforce: "restricted"` and run containers as non-root with dropped capabilities and a RuntimeDefault seccomp profile.',
    types: [K.namespace],
  },
  (props, args, report) => {
    // https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces,
    // levels in https://kubernetes.io/docs/concepts/security/pod-security-standards/; "Autopilot applies the
    // Baseline policy with some modifications … you can optionally use the PodSecurity admission controller
    // in specific namespaces" (https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-security).
    const labels = at(props, "metadata.labels");
    if (isUnknown(labels)) return;
    const level = isPlainObject(labels) ? labels[POD_SECURITY_ENFORCE] : undefined;
    if (level === "restricted") return;
    report(
      `Namespace ${q(objectName(props, args.name))} must enforce the restricted Pod Security Standard (label ${POD_SECURITY_ENFORCE}: restricted); the label is ${level === undefined ? "unset, which enforces nothing beyond the cluster's defaults" : q(level)}`,
    );
  },
);

/** True for a NetworkPolicy that denies all ingress and egress of every pod in its namespace. */
export function isDefaultDeny(policy: PolicyResource): boolean {
  const selector = at(policy.props, "spec.podSelector");
  if (!isPlainObject(selector)) return false;
  const emptySelector =
    Object.keys(isPlainObject(selector.matchLabels) ? selector.matchLabels : {}).length === 0 &&
    list(selector.matchExpressions).length === 0;
  const types = strings(at(policy.props, "spec.policyTypes"));
  return (
    emptySelector &&
    types.includes("Ingress") &&
    types.includes("Egress") &&
    list(at(policy.props, "spec.ingress")).length === 0 &&
    list(at(policy.props, "spec.egress")).length === 0
  );
}

/** True when `policy` lives in namespace `ns`: by its metadata's dependency on it, or by name. */
function inNamespace(policy: PolicyResource, ns: PolicyResource): boolean {
  const declared = at(policy.props, "metadata.namespace");
  const name = at(ns.props, "metadata.name");
  if (typeof declared === "string" && typeof name === "string" && declared === name) return true;
  return (policy.propertyDependencies.metadata ?? []).some((d) => d.urn === ns.urn);
}

export const kubernetesNamespaceDefaultDeny = stackPolicy(
  {
    name: "kubernetes-namespace-default-deny",
    domain: "kubernetes",
    description:
      "Checks that every namespace the stack creates holds a default-deny NetworkPolicy (networking.k8s.io/v1): an empty podSelector, policyTypes Ingress and Egress, and no rules, linked by metadata.namespace or a dependency on the namespace. Other NetworkPolicies then allow what the workload needs (they add up).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      'Add `new NetworkPolicy(…, { metadata: { namespace }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } })`, then one policy per allowed flow (egress 443 and DNS).',
  },
  (args, report) => {
    // https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies: an empty
    // podSelector selects every pod; policyTypes Ingress and Egress without rules deny all traffic; a
    // policy without policyTypes restricts egress only when it has egress rules. Enforced on GKE by
    // Dataplane V2 (gke-network-policy).
    const stack = new StackResources(args.resources);
    const policies = stack.ofType(K.networkPolicy);
    for (const ns of stack.ofType(K.namespace)) {
      if (policies.some((p) => inNamespace(p, ns) && isDefaultDeny(p))) continue;
      report(
        `Namespace ${q(objectName(ns.props, ns.name))} must hold a default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules); none is in it`,
        ns.urn,
      );
    }
  },
);

/** A Workload Identity Federation for GKE principal or principal set (`…workloadIdentityPools/<p>.svc.id.goog/…`). */
const GKE_POOL =
  /^(principal|principalSet):\/\/iam\.googleapis\.com\/projects\/[^/]+\/locations\/global\/workloadIdentityPools\/([^/]+\.svc\.id\.goog)\/(.*)$/;
/** A namespace name (RFC 1123 label) and a service account name (RFC 1123 subdomain). */
const NAMESPACE = "[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?";
const KSA = "[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?";
const ONE_KSA = new RegExp(`^subject/ns/${NAMESPACE}/sa/${KSA}$`);

/** Why a member is a too-broad GKE Workload Identity grant, or undefined when it is fine (or not one). */
export function workloadIdentityProblem(member: string): string | undefined {
  const match = GKE_POOL.exec(member.trim());
  if (!match) return undefined;
  const [, kind, , rest] = match;
  if (kind === "principalSet")
    return `${member} is a principal set (every workload of the pool, a namespace or a cluster)`;
  return ONE_KSA.test(rest ?? "")
    ? undefined
    : `${member} does not name one namespace and service account (subject/ns/<ns>/sa/<ksa>)`;
}

export const workloadIdentityGrantScoped = resourcePolicy(
  {
    name: "workload-identity-grant-scoped",
    domain: "kubernetes",
    description:
      "Checks that an IAM grant to a GKE workload (members in a `<project>.svc.id.goog` Workload Identity pool; members, bindings and policy documents of every resource the pack knows) names one Kubernetes service account, `principal://…/workloadIdentityPools/<project>.svc.id.goog/subject/ns/<ns>/sa/<ksa>`: a `principalSet://` of the pool, a namespace or a cluster gives the role to every pod there, in every cluster of the project. Other pools (GitHub Actions) are wif-provider-attribute-condition's.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant to `principal://iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<project>.svc.id.goog/subject/ns/<ns>/sa/<ksa>` for the one service account that needs the role.",
    types: ALL_GRANTS,
  },
  (_grant, args, report) => {
    // Principal identifiers: https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity#principal-id-examples
    // and https://cloud.google.com/iam/docs/principal-identifiers (…/subject/ns/NAMESPACE/sa/KSA_NAME for
    // one service account; principalSet …/namespace/NAMESPACE, …/kubernetes.cluster/…, attribute.* for
    // groups of them). All clusters of a project share its pool.
    for (const g of grantsOf(args.props))
      for (const member of g.members) {
        const problem = workloadIdentityProblem(member);
        if (problem)
          report(
            `IAM grant of ${g.role} on ${grantTarget(args.type, args.props, args.name)} must name one Kubernetes service account; ${problem}`,
          );
      }
  },
);

export const kubernetesPolicies: readonly Module6Policy[] = [
  kubernetesProviderExecAuth,
  helmReleasePinned,
  kubernetesNamespacePodSecurity,
  kubernetesNamespaceDefaultDeny,
  workloadIdentityGrantScoped,
];
