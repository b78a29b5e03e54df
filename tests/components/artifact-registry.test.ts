import { beforeAll, describe, expect, it } from "vitest";
import { ArtifactRegistry, validateArtifactRegistryArgs } from "../../components/artifact-registry";
import {
  commonArgs,
  expectProps,
  installMocks,
  onlyOfType,
  record,
  resourcesOfType,
  valueOf,
} from "../helpers/pulumi";

beforeAll(async () => {
  await installMocks();
});

describe("ArtifactRegistry", () => {
  it("creates an immutable, scanned Docker repository with cleanup policies", async () => {
    const { result, resources } = await record(() => new ArtifactRegistry("reg", { ...commonArgs() }));
    const repo = onlyOfType(resources, "gcp:artifactregistry/repository:Repository");
    expectProps(repo, {
      format: "DOCKER",
      location: "asia-northeast3",
      repositoryId: "m6-test-containers",
      dockerConfig: { immutableTags: true },
      vulnerabilityScanningConfig: { enablementConfig: "INHERITED" },
      cleanupPolicyDryRun: false,
      labels: { component: "artifact-registry", team: "platform" },
    });
    expect(repo.inputs.cleanupPolicies).toEqual([
      { id: "keep-newest", action: "KEEP", mostRecentVersions: { keepCount: 10 } },
      { id: "delete-untagged", action: "DELETE", condition: { tagState: "UNTAGGED", olderThan: "604800s" } },
    ]);
    // Tagged images are never deleted by default (a rollback target must survive); the repository is protected.
    expect(repo.protect).toBe(true);
    expect(await valueOf(result.url)).toBe(
      "asia-northeast3-docker.pkg.dev/module6-test-000000/m6-test-containers",
    );
  });

  it("grants read and write on the repository only", async () => {
    const { resources } = await record(() => {
      const reg = new ArtifactRegistry("reg2", {
        ...commonArgs(),
        name: "images",
        vulnerabilityScanning: false,
        taggedRetentionDays: 90,
        protect: false,
      });
      reg.grantRead("serviceAccount:puller@p.iam.gserviceaccount.com");
      reg.grantWrite("serviceAccount:ci@p.iam.gserviceaccount.com");
    });
    const grants = resourcesOfType(resources, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember");
    expect(grants.map((g) => [g.inputs.role, g.inputs.member])).toEqual([
      ["roles/artifactregistry.reader", "serviceAccount:puller@p.iam.gserviceaccount.com"],
      ["roles/artifactregistry.writer", "serviceAccount:ci@p.iam.gserviceaccount.com"],
    ]);
    const repo = onlyOfType(resources, "gcp:artifactregistry/repository:Repository");
    expectProps(repo, {
      repositoryId: "m6-test-images",
      vulnerabilityScanningConfig: { enablementConfig: "DISABLED" },
    });
    expect(repo.protect).toBe(false);
    expect(repo.inputs.cleanupPolicies).toContainEqual({
      id: "delete-old-tagged",
      action: "DELETE",
      condition: { tagState: "TAGGED", olderThan: "7776000s" },
    });
  });

  it.each([
    [{ name: "Images" }, /name: got "Images"/],
    [{ keepTaggedVersions: 0 }, /keepTaggedVersions: got 0; an integer 1-1000/],
    [{ untaggedRetentionDays: -1 }, /untaggedRetentionDays: got -1/],
    [{ taggedRetentionDays: 0 }, /taggedRetentionDays: got 0; an integer 1-3650/],
  ])("rejects %o", (bad, message) => {
    expect(() => validateArtifactRegistryArgs({ ...commonArgs(), ...bad })).toThrow(message);
  });
});
