import { describe, expect, it } from "vitest";
import {
  helmReleasePinned,
  kubeconfigProblems,
  kubernetesNamespaceDefaultDeny,
  kubernetesNamespacePodSecurity,
  kubernetesProviderExecAuth,
  workloadIdentityGrantScoped,
} from "../../policies/kubernetes";
import { T } from "../../policies/lib/tokens";
import { mutate, res, UNSET, withOptions } from "../fixtures/policies/build";
import { EXEC_KUBECONFIG, gkeFixtures, NAMESPACE_URN, WORKLOAD_POOL } from "../fixtures/policies/gke";
import { previewOf } from "../fixtures/policies/preview";
import { leakProbe } from "../helpers/leak-probe";
import { checkStack, messagesOf, stackMessages } from "./harness";

const provider = gkeFixtures.kubernetesProvider;
const PROVIDER = 'Kubernetes provider "obs-k8s"';

describe("kubernetes-provider-exec-auth", () => {
  const p = kubernetesProviderExecAuth;
  const MUST = `${PROVIDER} must authenticate with an exec plugin and no stored credential`;
  it("passes an exec-auth kubeconfig in YAML and in JSON", async () => {
    expect(await messagesOf(p, provider())).toEqual([]);
    const json = JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      users: [{ name: "gke", user: { exec: { command: "gke-gcloud-auth-plugin" } } }],
    });
    expect(await messagesOf(p, mutate(provider(), "kubeconfig", json))).toEqual([]);
  });
  it("refuses a token, a client certificate and key, or an auth-provider instead of exec", async () => {
    // Stored credentials made on each run (tests/helpers/leak-probe.ts): no credential-looking literal.
    const token = EXEC_KUBECONFIG.replace(/exec:[\s\S]*$/, `token: ${leakProbe("kube-token")}\n`);
    const keyData = Buffer.from(leakProbe("client-key")).toString("base64");
    expect(await messagesOf(p, mutate(provider(), "kubeconfig", token))).toEqual([
      `${MUST}; user "m6-prod-obs" carries token`,
      `${MUST}; user "m6-prod-obs" has no exec plugin`,
    ]);
    const cert = `${EXEC_KUBECONFIG}        client-certificate-data: ${keyData}\n`.replace(
      "    user:\n",
      `    user:\n      client-key-data: ${keyData}\n`,
    );
    expect(await messagesOf(p, mutate(provider(), "kubeconfig", cert))).toEqual([
      `${MUST}; user "m6-prod-obs" carries client-key-data`,
    ]);
    expect(
      kubeconfigProblems("users:\n  - name: u\n    user:\n      auth-provider: { name: gcp }\n"),
    ).toEqual(['user "u" carries auth-provider', 'user "u" has no exec plugin']);
  });
  it("refuses an unset kubeconfig (ambient KUBECONFIG), a path, and a kubeconfig without users", async () => {
    expect(await messagesOf(p, mutate(provider(), "kubeconfig", UNSET))).toEqual([
      `${PROVIDER} must be given an explicit kubeconfig; kubeconfig is unset, which uses the machine's KUBECONFIG or ~/.kube/config`,
    ]);
    expect(await messagesOf(p, mutate(provider(), "kubeconfig", "/home/ci/.kube/config"))).toEqual([
      `${MUST}; kubeconfig must be the file's contents, not a path or a scalar`,
    ]);
    expect(await messagesOf(p, mutate(provider(), "kubeconfig", "apiVersion: v1\nusers: []\n"))).toEqual([
      `${MUST}; kubeconfig has no users`,
    ]);
  });
  it("waits for a kubeconfig built from the cluster's outputs at preview", async () => {
    expect(await messagesOf(p, mutate(provider(), "kubeconfig", "[unknown]"), { preview: true })).toEqual([]);
  });
});

describe("helm-release-pinned", () => {
  const p = helmReleasePinned;
  const release = gkeFixtures.helmRelease;
  const NAME = 'Helm release "grafana"';
  it("passes an exact version from an https repository or an oci:// chart", async () => {
    expect(await messagesOf(p, release())).toEqual([]);
    const oci = mutate(
      mutate(release(), "repositoryOpts", UNSET),
      "chart",
      "oci://asia-northeast3-docker.pkg.dev/p/charts/grafana",
    );
    expect(await messagesOf(p, oci)).toEqual([]);
    expect(await messagesOf(p, mutate(release(), "version", "1.2.3-rc.1+build.5"))).toEqual([]);
  });
  it("refuses ranges, v-prefixes and an unset version", async () => {
    for (const version of ["^10.1.4", "~10.1", ">=10.0.0", "10.x", "10.1", "*", "v10.1.4"])
      expect(await messagesOf(p, mutate(release(), "version", version)), version).toEqual([
        `${NAME} must pin an exact chart version (x.y.z); version is ${JSON.stringify(version)}`,
      ]);
    expect(await messagesOf(p, mutate(release(), "version", UNSET))).toEqual([
      `${NAME} must pin an exact chart version; version is unset, which installs the latest chart`,
    ]);
  });
  it("refuses http, a local path and an unset repository", async () => {
    expect(
      await messagesOf(p, mutate(release(), "repositoryOpts.repo", "http://grafana.github.io/helm-charts")),
    ).toEqual([
      `${NAME} must come from an https or oci repository (repositoryOpts.repo or an oci:// chart); repositoryOpts.repo is "http://grafana.github.io/helm-charts"`,
    ]);
    expect(await messagesOf(p, mutate(release(), "repositoryOpts", UNSET))).toEqual([
      `${NAME} must come from an https or oci repository (repositoryOpts.repo or an oci:// chart); repositoryOpts.repo is unset and chart is "grafana"`,
    ]);
    const local = mutate(mutate(release(), "repositoryOpts", UNSET), "chart", "./charts/grafana");
    expect(await messagesOf(p, local)).toHaveLength(1);
  });
});

describe("kubernetes-namespace-pod-security", () => {
  const p = kubernetesNamespacePodSecurity;
  const ns = gkeFixtures.namespace;
  it("passes restricted; refuses baseline, privileged and an unset label", async () => {
    expect(await messagesOf(p, ns())).toEqual([]);
    const withLevel = (level: string | typeof UNSET) => {
      const copy = ns();
      const labels = (copy.inputs.metadata as { labels: Record<string, string> }).labels;
      if (level === UNSET) delete labels["pod-security.kubernetes.io/enforce"];
      else labels["pod-security.kubernetes.io/enforce"] = level;
      return copy;
    };
    expect(await messagesOf(p, withLevel("baseline"))).toEqual([
      'Namespace "grafana" must enforce the restricted Pod Security Standard (label pod-security.kubernetes.io/enforce: restricted); the label is "baseline"',
    ]);
    expect(await messagesOf(p, withLevel("privileged"))).toHaveLength(1);
    expect(await messagesOf(p, withLevel(UNSET))).toEqual([
      'Namespace "grafana" must enforce the restricted Pod Security Standard (label pod-security.kubernetes.io/enforce: restricted); the label is unset, which enforces nothing beyond the cluster\'s defaults',
    ]);
    expect(await messagesOf(p, mutate(ns(), "metadata.labels", UNSET))).toHaveLength(1);
  });
});

describe("kubernetes-namespace-default-deny (stack)", () => {
  const p = kubernetesNamespaceDefaultDeny;
  const ns = gkeFixtures.namespace;
  const deny = gkeFixtures.defaultDeny;
  const MESSAGE =
    'Namespace "grafana" must hold a default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules); none is in it';
  it("passes a namespace with its default-deny policy, by name and at preview by dependency", async () => {
    expect(await stackMessages(p, [ns(), deny()])).toEqual([]);
    const byDependency = mutate(deny(), "metadata.namespace", "[unknown]");
    expect(await stackMessages(p, previewOf([ns(), byDependency]), { preview: true })).toEqual([]);
    const byName = withOptions(deny(), { propertyDependencies: {}, dependencies: [] });
    expect(await stackMessages(p, [ns(), byName])).toEqual([]);
  });
  it("refuses a namespace without one, or whose policy selects some pods, misses a type or has rules", async () => {
    expect(await checkStack(p, [ns()])).toEqual([{ urn: NAMESPACE_URN, message: MESSAGE }]);
    const broken = [
      mutate(deny(), "spec.podSelector", { matchLabels: { app: "grafana" } }),
      mutate(deny(), "spec.policyTypes", ["Ingress"]),
      mutate(deny(), "spec.egress", [{ ports: [{ port: 443, protocol: "TCP" }] }]),
      mutate(deny(), "spec.podSelector", UNSET),
    ];
    for (const policy of broken) expect(await stackMessages(p, [ns(), policy])).toEqual([MESSAGE]);
  });
  it("refuses a default-deny policy of another namespace", async () => {
    const other = mutate(
      withOptions(deny(), { propertyDependencies: {}, dependencies: [] }),
      "metadata.namespace",
      "other",
    );
    expect(await stackMessages(p, [ns(), other])).toEqual([MESSAGE]);
  });
  it("accepts allow policies beside the default deny (NetworkPolicies add up)", async () => {
    const egress = {
      ...mutate(deny(), "spec.egress", [{ ports: [{ port: 443 }] }]),
      urn: `${deny().urn}-egress`,
    };
    expect(await stackMessages(p, [ns(), deny(), egress])).toEqual([]);
  });
});

describe("workload-identity-grant-scoped", () => {
  const p = workloadIdentityGrantScoped;
  const grant = gkeFixtures.workloadIdentityGrant;
  const POOL = `principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/${WORKLOAD_POOL}`;
  it("passes one namespace and service account, and leaves other pools and members alone", async () => {
    expect(await messagesOf(p, grant())).toEqual([]);
    const github =
      "principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/attribute.repository/org/repo";
    expect(await messagesOf(p, mutate(grant(), "member", github))).toEqual([]);
    expect(await messagesOf(p, mutate(grant(), "member", "group:ops@example.com"))).toEqual([]);
  });
  it("refuses the pool, a namespace and a cluster as principal sets", async () => {
    for (const set of [
      `${POOL}/*`,
      `${POOL}/namespace/grafana`,
      `${POOL}/kubernetes.cluster/https://container.googleapis.com/v1/projects/p/locations/l/clusters/c`,
    ])
      expect(await messagesOf(p, mutate(grant(), "member", set)), set).toEqual([
        `IAM grant of roles/monitoring.viewer on project "module6-test-000000" must name one Kubernetes service account; ${set} is a principal set (every workload of the pool, a namespace or a cluster)`,
      ]);
  });
  it("refuses a principal that is not subject/ns/<ns>/sa/<ksa>, in bindings and policy documents too", async () => {
    const partial = grant().inputs.member as string;
    const noSa = partial.replace("/sa/grafana", "");
    expect(await messagesOf(p, mutate(grant(), "member", noSa))).toEqual([
      `IAM grant of roles/monitoring.viewer on project "module6-test-000000" must name one Kubernetes service account; ${noSa} does not name one namespace and service account (subject/ns/<ns>/sa/<ksa>)`,
    ]);
    expect(
      await messagesOf(p, mutate(grant(), "member", partial.replace("/sa/grafana", "/sa/*"))),
    ).toHaveLength(1);
    const binding = res(T.projectIamBinding, "b", {
      project: "p",
      role: "roles/monitoring.viewer",
      members: [`${POOL}/namespace/grafana`],
    });
    expect(await messagesOf(p, binding)).toHaveLength(1);
    const policy = res(T.bucketIamPolicy, "bp", {
      bucket: "b",
      policyData: JSON.stringify({
        bindings: [{ role: "roles/storage.objectViewer", members: [`${POOL}/namespace/grafana`] }],
      }),
    });
    expect(await messagesOf(p, policy)).toHaveLength(1);
  });
});
