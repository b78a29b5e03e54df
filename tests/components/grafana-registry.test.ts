/** The Docker Hub remote repository Grafana's image is pulled through, and both under the policy pack. */
import { Provider } from "@pulumi/kubernetes/provider";
import { beforeAll, describe, expect, it } from "vitest";
import { Grafana } from "../../components/grafana";
import { DockerHubMirror, validateDockerHubMirrorArgs } from "../../components/grafana-registry";
import { evaluatePolicies } from "../../plan/policy-eval";
import { renderJson } from "../../plan/render-json";
import { commonArgs, installMocks, onlyOfType, record, resourcesOfType, valueOf } from "../helpers/pulumi";
import { gkeKubeconfig } from "../../components/gke-kubeconfig";

const REPOSITORY = "gcp:artifactregistry/repository:Repository";

beforeAll(async () => {
  await installMocks();
});

describe("DockerHubMirror", () => {
  it("creates a Docker Hub remote repository with cleanup that runs, and gives its pull URL", async () => {
    const { result, resources } = await record(() => new DockerHubMirror("mirror", commonArgs()));
    const repo = onlyOfType(resources, REPOSITORY);
    expect(repo.inputs).toMatchObject({
      project: "module6-test-000000",
      location: "asia-northeast3",
      repositoryId: "m6-test-dockerhub",
      format: "DOCKER",
      mode: "REMOTE_REPOSITORY",
      remoteRepositoryConfig: {
        description: "Docker Hub",
        dockerRepository: { publicRepository: "DOCKER_HUB" },
      },
      vulnerabilityScanningConfig: { enablementConfig: "INHERITED" },
      cleanupPolicyDryRun: false,
      labels: { component: "docker-hub-mirror", team: "platform" },
    });
    expect(repo.inputs.cleanupPolicies).toEqual([
      { id: "keep-newest", action: "KEEP", mostRecentVersions: { keepCount: 3 } },
      { id: "delete-old-cache", action: "DELETE", condition: { tagState: "ANY", olderThan: "7776000s" } },
    ]);
    // A remote repository takes no pushes: no upstream credentials unless given, no key unless given.
    expect(repo.inputs.remoteRepositoryConfig).not.toHaveProperty("upstreamCredentials");
    expect(repo.inputs).not.toHaveProperty("kmsKeyName");
    expect(repo.protect).toBe(true);
    expect(await valueOf(result.url)).toBe(
      "asia-northeast3-docker.pkg.dev/module6-test-000000/m6-test-dockerhub",
    );
  });

  it("takes upstream credentials, a key and retention, and grants pulls on the repository only", async () => {
    const { resources } = await record(() => {
      const mirror = new DockerHubMirror("mirror2", {
        ...commonArgs(),
        name: "hub",
        cacheRetentionDays: 30,
        protect: false,
        keepVersions: 5,
        upstreamCredentials: {
          username: "module6bot",
          passwordSecretVersion: "projects/module6-test-000000/secrets/dockerhub-token/versions/1",
        },
        encryptionKey: {
          kmsKeyName: "projects/module6-test-000000/locations/asia-northeast3/keyRings/r/cryptoKeys/registry",
        },
      });
      mirror.grantRead("serviceAccount:nodes@module6-test-000000.iam.gserviceaccount.com");
    });
    const repo = onlyOfType(resources, REPOSITORY);
    expect(repo.inputs).toMatchObject({
      repositoryId: "m6-test-hub",
      kmsKeyName: "projects/module6-test-000000/locations/asia-northeast3/keyRings/r/cryptoKeys/registry",
      remoteRepositoryConfig: {
        upstreamCredentials: {
          usernamePasswordCredentials: {
            username: "module6bot",
            passwordSecretVersion: "projects/module6-test-000000/secrets/dockerhub-token/versions/1",
          },
        },
      },
    });
    expect(repo.protect).toBe(false);
    expect(repo.inputs.cleanupPolicies).toEqual([
      { id: "keep-newest", action: "KEEP", mostRecentVersions: { keepCount: 5 } },
      { id: "delete-old-cache", action: "DELETE", condition: { tagState: "ANY", olderThan: "2592000s" } },
    ]);
    const grants = resourcesOfType(resources, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember");
    expect(grants.map((g) => [g.inputs.role, g.inputs.member])).toEqual([
      ["roles/artifactregistry.reader", "serviceAccount:nodes@module6-test-000000.iam.gserviceaccount.com"],
    ]);
  });

  it.each([
    [{ name: "Hub" }, /name: got "Hub"/],
    [{ cacheRetentionDays: 0 }, /cacheRetentionDays: got 0; an integer 1-3650/],
    [{ keepVersions: 101 }, /keepVersions: got 101; an integer 1-100/],
  ])("rejects %o", (bad, message) => {
    expect(() => validateDockerHubMirrorArgs({ ...commonArgs(), ...bad })).toThrow(message);
  });
});

describe("Grafana and its mirror under the policy pack", () => {
  // The finding that belongs to the stack, not to these components: the stack enables
  // containerscanning.googleapis.com (ProjectServices). (artifact-registry-immutable-tags checks standard
  // repositories only: a remote one takes no pushes.)
  const ELSEWHERE = ["artifact-registry-scanning-api-enabled"];

  it("raise no other finding in a prod stack", async () => {
    const { resources } = await record(() => {
      const mirror = new DockerHubMirror("pack-mirror", commonArgs());
      mirror.grantRead("serviceAccount:nodes@module6-test-000000.iam.gserviceaccount.com");
      new Grafana("pack-grafana", {
        ...commonArgs(),
        // The provider as the cluster builds it: exec auth, no stored credential (kubernetes-provider-exec-auth).
        provider: new Provider("pack-k8s", {
          kubeconfig: gkeKubeconfig({
            project: "module6-test-000000",
            location: "asia-northeast3",
            clusterName: "m6-test-obs",
            dnsEndpoint: "gke-0123-000000000000.asia-northeast3.gke.goog",
          }),
        }),
        workloadPool: "module6-test-000000.svc.id.goog",
        registry: mirror.url,
        chart: { repository: "https://grafana-community.github.io/helm-charts", version: "12.11.1" },
        dashboards: { platform: { title: "Platform", panels: [] } },
      });
    });
    const doc = renderJson({ stack: "prod", project: "module6", source: "test", resources, outputs: {} });
    const findings = await evaluatePolicies(doc, { stackTags: { environment: "prod" } });
    expect(
      findings.filter((f) => !ELSEWHERE.includes(f.policy)).map((f) => `${f.policy}: ${f.message}`),
    ).toEqual([]);
  });
});
