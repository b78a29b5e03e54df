import { describe, expect, it } from "vitest";
import {
  artifactRegistryCleanupPolicies,
  artifactRegistryImmutableTags,
  artifactRegistryNoPublicReaders,
  artifactRegistryScanningApiEnabled,
  artifactRegistryVulnerabilityScanning,
} from "../../policies/registry";
import { T } from "../../policies/lib/tokens";
import { mutate, res, UNSET } from "../fixtures/policies/build";
import { fixtures } from "../fixtures/policies/resources";
import { messagesOf, stackMessages } from "./harness";

const repo = fixtures.repository;
const NAME = '"m6-prod-containers"';

describe("artifact-registry-immutable-tags", () => {
  it("wants immutable tags on Docker repositories, unset meaning mutable", async () => {
    expect(await messagesOf(artifactRegistryImmutableTags, repo())).toEqual([]);
    expect(await messagesOf(artifactRegistryImmutableTags, mutate(repo(), "dockerConfig", UNSET))).toEqual([
      `Artifact Registry repository ${NAME} must make tags immutable; dockerConfig.immutableTags is unset, which the provider treats as false`,
    ]);
    expect(
      await messagesOf(
        artifactRegistryImmutableTags,
        mutate(mutate(repo(), "dockerConfig", UNSET), "format", "NPM"),
      ),
    ).toEqual([]);
  });

  it("leaves a remote repository (a Docker Hub cache, no pushes) alone, and only that mode", async () => {
    const remote = mutate(mutate(repo(), "dockerConfig", UNSET), "mode", "REMOTE_REPOSITORY");
    expect(await messagesOf(artifactRegistryImmutableTags, remote)).toEqual([]);
    const standard = mutate(mutate(repo(), "dockerConfig", UNSET), "mode", "STANDARD_REPOSITORY");
    expect(await messagesOf(artifactRegistryImmutableTags, standard)).toHaveLength(1);
  });
});

describe("artifact-registry-vulnerability-scanning", () => {
  it("refuses DISABLED; unset and INHERITED pass", async () => {
    expect(await messagesOf(artifactRegistryVulnerabilityScanning, repo())).toEqual([]);
    expect(
      await messagesOf(
        artifactRegistryVulnerabilityScanning,
        mutate(repo(), "vulnerabilityScanningConfig", UNSET),
      ),
    ).toEqual([]);
    expect(
      await messagesOf(
        artifactRegistryVulnerabilityScanning,
        mutate(repo(), "vulnerabilityScanningConfig.enablementConfig", "DISABLED"),
      ),
    ).toEqual([
      `Artifact Registry repository ${NAME} must not disable vulnerability scanning (enablementConfig is "DISABLED")`,
    ]);
  });
});

describe("artifact-registry-cleanup-policies", () => {
  it("wants cleanup policies that run", async () => {
    expect(await messagesOf(artifactRegistryCleanupPolicies, repo())).toEqual([]);
    expect(
      await messagesOf(artifactRegistryCleanupPolicies, mutate(repo(), "cleanupPolicyDryRun", UNSET)),
    ).toEqual([]);
    expect(
      await messagesOf(artifactRegistryCleanupPolicies, mutate(repo(), "cleanupPolicies", UNSET)),
    ).toEqual([
      `Artifact Registry repository ${NAME} must have cleanup policies; cleanupPolicies is unset, which keeps every image`,
    ]);
    expect(
      await messagesOf(artifactRegistryCleanupPolicies, mutate(repo(), "cleanupPolicyDryRun", true)),
    ).toEqual([
      `Artifact Registry repository ${NAME} must apply its cleanup policies (cleanupPolicyDryRun is true)`,
    ]);
  });
});

describe("artifact-registry-no-public-readers", () => {
  it("refuses allUsers", async () => {
    expect(await messagesOf(artifactRegistryNoPublicReaders, fixtures.repositoryIamMember())).toEqual([]);
    expect(
      await messagesOf(
        artifactRegistryNoPublicReaders,
        mutate(fixtures.repositoryIamMember(), "member", "allUsers"),
      ),
    ).toEqual([
      `Artifact Registry repository ${NAME} must not grant roles/artifactregistry.reader to allUsers`,
    ]);
  });
  it("refuses allAuthenticatedUsers in a binding and in a repository's IAM policy document", async () => {
    const binding = res(T.repositoryIamBinding, "b", {
      repository: "r",
      location: "l",
      role: "roles/viewer",
      members: ["user:a@example.com", "allAuthenticatedUsers"],
    });
    expect(await messagesOf(artifactRegistryNoPublicReaders, binding)).toEqual([
      'Artifact Registry repository "r" must not grant roles/viewer to allAuthenticatedUsers',
    ]);
    const policy = res(T.repositoryIamPolicy, "p", {
      repository: "projects/p/locations/l/repositories/r",
      location: "l",
      policyData: JSON.stringify({
        bindings: [{ role: "roles/artifactregistry.reader", members: ["allUsers"] }],
      }),
    });
    expect(await messagesOf(artifactRegistryNoPublicReaders, policy)).toEqual([
      'Artifact Registry repository "r" must not grant roles/artifactregistry.reader to allUsers',
    ]);
  });
});

describe("artifact-registry-scanning-api-enabled (stack)", () => {
  const p = artifactRegistryScanningApiEnabled;
  const api = () => mutate(fixtures.projectService(), "service", "containerscanning.googleapis.com");
  it("passes INHERITED scanning with the Container Scanning API enabled", async () => {
    expect(await stackMessages(p, [repo(), api()])).toEqual([]);
  });
  it("flags INHERITED (or unset) scanning without the API, in the repository's project", async () => {
    const message = `Artifact Registry repository ${NAME} inherits vulnerability scanning, so the stack must enable containerscanning.googleapis.com in "module6-test-000000"`;
    expect(await stackMessages(p, [repo()])).toEqual([message]);
    expect(await stackMessages(p, [mutate(repo(), "vulnerabilityScanningConfig", UNSET)])).toEqual([message]);
    expect(await stackMessages(p, [repo(), mutate(api(), "project", "other")])).toEqual([message]);
  });
  it("leaves repositories with scanning ENABLED alone", async () => {
    expect(
      await stackMessages(p, [mutate(repo(), "vulnerabilityScanningConfig.enablementConfig", "ENABLED")]),
    ).toEqual([]);
  });
});
