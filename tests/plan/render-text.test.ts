/**
 * The text plan's one-line summaries of the observability plane's resources: what a reviewer must see
 * without opening the JSON (Autopilot, channel, private nodes, the endpoint, exec auth, the pinned chart).
 */
import { describe, expect, it } from "vitest";
import type { RecordedResource } from "../../plan/record";
import { renderText } from "../../plan/render-text";
import { leakProbe } from "../helpers/leak-probe";

function resource(type: string, name: string, inputs: Record<string, unknown>): RecordedResource {
  return {
    urn: `urn:pulumi:prod::module6::${type}::${name}`,
    type,
    name,
    custom: true,
    inputs,
    outputs: {},
    dependencies: [],
    propertyDependencies: {},
    protect: false,
    retainOnDelete: false,
    ignoreChanges: [],
    additionalSecretOutputs: [],
    external: false,
  };
}

/** The resource's line with its continuation lines (settings wrapped within 120 columns) joined. */
const lineOf = (r: RecordedResource): string => {
  const text = renderText({ stack: "prod", project: "module6", source: "test", resources: [r], outputs: {} });
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.startsWith(`${r.type}  ${r.name}`));
  if (at < 0) throw new Error(`no line for ${r.name} in:\n${text}`);
  const rest = lines.slice(at + 1);
  const continuation = rest.slice(
    0,
    Math.max(
      0,
      rest.findIndex((l) => !/^ {3,}\S/.test(l)),
    ),
  );
  return [lines[at], ...continuation.map((l) => l.trim())].join("  ");
};

const AUTOPILOT = {
  enableAutopilot: true,
  releaseChannel: { channel: "REGULAR" },
  privateClusterConfig: { enablePrivateNodes: true },
  controlPlaneEndpointsConfig: {
    ipEndpointsConfig: { enabled: false },
    dnsEndpointConfig: { allowExternalTraffic: true },
  },
  binaryAuthorization: { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" },
};

describe("text plan summaries of the observability plane", () => {
  it("a cluster: Autopilot, channel, private nodes, DNS endpoint only, Binary Authorization", () => {
    expect(lineOf(resource("gcp:container/cluster:Cluster", "obs", AUTOPILOT))).toBe(
      "gcp:container/cluster:Cluster  obs  autopilot  REGULAR  private nodes  DNS endpoint only  PROJECT_SINGLETON_POLICY_ENFORCE",
    );
  });

  it("shouts what a reviewer must not miss: a Standard cluster, public nodes, an IP endpoint", () => {
    const open = { releaseChannel: { channel: "STABLE" }, controlPlaneEndpointsConfig: {} };
    expect(lineOf(resource("gcp:container/cluster:Cluster", "std", open))).toBe(
      "gcp:container/cluster:Cluster  std  STANDARD  STABLE  PUBLIC NODES  IP endpoint",
    );
  });

  it("a kubernetes provider: exec auth or not, and its cluster identifier", () => {
    const exec = JSON.stringify({
      users: [{ name: "u", user: { exec: { command: "gke-gcloud-auth-plugin" } } }],
    });
    expect(
      lineOf(
        resource("pulumi:providers:kubernetes", "k8s", {
          kubeconfig: exec,
          clusterIdentifier: "projects/p/c",
        }),
      ),
    ).toBe("pulumi:providers:kubernetes  k8s  exec auth  clusterIdentifier=projects/p/c");
    const token = JSON.stringify({ users: [{ name: "u", user: { token: leakProbe("k8s") } }] });
    expect(lineOf(resource("pulumi:providers:kubernetes", "k8s", { kubeconfig: token }))).toBe(
      "pulumi:providers:kubernetes  k8s  NO EXEC AUTH",
    );
  });

  it("a Helm release: chart@version, repository, atomic", () => {
    const release = {
      chart: "grafana",
      version: "12.11.1",
      repositoryOpts: { repo: "https://grafana-community.github.io/helm-charts" },
      atomic: true,
    };
    expect(lineOf(resource("kubernetes:helm.sh/v3:Release", "grafana", release))).toBe(
      "kubernetes:helm.sh/v3:Release  grafana  grafana@12.11.1  https://grafana-community.github.io/helm-charts  atomic",
    );
  });

  it("a namespace: its name and Pod Security level", () => {
    const ns = {
      metadata: { name: "grafana", labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    };
    expect(lineOf(resource("kubernetes:core/v1:Namespace", "ns", ns))).toBe(
      "kubernetes:core/v1:Namespace  ns  grafana  enforce=restricted",
    );
  });

  it("a remote repository shows its upstream instead of a tag setting it does not have", () => {
    const remote = {
      repositoryId: "m6-prod-dockerhub",
      mode: "REMOTE_REPOSITORY",
      remoteRepositoryConfig: { dockerRepository: { publicRepository: "DOCKER_HUB" } },
    };
    const line = lineOf(resource("gcp:artifactregistry/repository:Repository", "mirror", remote));
    expect(line).toContain("m6-prod-dockerhub  remote=DOCKER_HUB");
    expect(line).not.toContain("immutableTags");
    const standard = { repositoryId: "m6-prod-containers", dockerConfig: { immutableTags: true } };
    expect(lineOf(resource("gcp:artifactregistry/repository:Repository", "repo", standard))).toContain(
      "m6-prod-containers  immutableTags=true",
    );
  });
});
