/** Artifact Registry: immutable tags, vulnerability scanning, cleanup and public readers. */
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import { checkov } from "./lib/frameworks";
import { REPOSITORY_GRANTS } from "./lib/grants";
import { grantsOf, isPublicMember } from "./lib/members";
import { resourcePolicy, stackPolicy, type Module6Policy } from "./lib/policy";
import { displayName, StackResources } from "./lib/stack";
import { T } from "./lib/tokens";
import { lastSegment, q, rec, shown, str, tryRead, prop } from "./lib/values";

type Repository = Unwrap<gcp.artifactregistry.RepositoryArgs>;

export const SCANNING_API = "containerscanning.googleapis.com";
const repoName = (r: Repository, logical: string): string => q(r.repositoryId ?? logical);

export const artifactRegistryImmutableTags = resourcePolicy<Repository>(
  {
    name: "artifact-registry-immutable-tags",
    domain: "registry",
    description:
      "Checks that a Docker repository has immutable tags, so a reviewed `image:1.2.3` can never be re-pointed at other bytes. Unset dockerConfig.immutableTags is false. A remote repository (mode REMOTE_REPOSITORY, a cache of an upstream such as Docker Hub) takes no pushes and is not checked.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set `dockerConfig: { immutableTags: true }` and publish every build under a new tag.",
    types: [T.repository],
  },
  (repo, args, report) => {
    if ((repo.format ?? "").toUpperCase() !== "DOCKER" || repo.dockerConfig?.immutableTags === true) return;
    // A remote repository serves what its upstream has under the upstream's tags; nobody pushes to it
    // (https://cloud.google.com/artifact-registry/docs/repositories/remote-overview), so immutability, which
    // guards tags against pushes, does not apply (components/grafana-registry.ts, the Docker Hub mirror).
    if (repo.mode === "REMOTE_REPOSITORY") return;
    report(
      `Artifact Registry repository ${repoName(repo, args.name)} must make tags immutable; ${shown("dockerConfig.immutableTags", repo.dockerConfig?.immutableTags, "the provider treats as false")}`,
    );
  },
);

export const artifactRegistryVulnerabilityScanning = resourcePolicy<Repository>(
  {
    name: "artifact-registry-vulnerability-scanning",
    domain: "registry",
    description:
      "Checks that a repository does not switch vulnerability scanning off (vulnerabilityScanningConfig.enablementConfig DISABLED). Unset is INHERITED: images are scanned when the Container Scanning API is enabled, which artifact-registry-scanning-api-enabled checks.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      "Remove `enablementConfig: DISABLED` (keep INHERITED) and enable containerscanning.googleapis.com.",
    types: [T.repository],
  },
  (repo, args, report) => {
    if (repo.vulnerabilityScanningConfig?.enablementConfig !== "DISABLED") return;
    report(
      `Artifact Registry repository ${repoName(repo, args.name)} must not disable vulnerability scanning (enablementConfig is "DISABLED")`,
    );
  },
);

export const artifactRegistryCleanupPolicies = resourcePolicy<Repository>(
  {
    name: "artifact-registry-cleanup-policies",
    domain: "registry",
    description:
      "Checks that a repository has cleanup policies that actually run (cleanupPolicyDryRun not true), so untagged and old images do not accumulate. Unset cleanupPolicies keeps every image forever; unset cleanupPolicyDryRun is false.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
      "Add cleanup policies (keep the newest N versions, delete untagged after 7 days) with `cleanupPolicyDryRun: false`.",
    types: [T.repository],
  },
  (repo, args, report) => {
    const name = repoName(repo, args.name);
    if ((repo.cleanupPolicies ?? []).length === 0) {
      report(
        `Artifact Registry repository ${name} must have cleanup policies; cleanupPolicies is unset, which keeps every image`,
      );
    } else if (repo.cleanupPolicyDryRun === true) {
      report(
        `Artifact Registry repository ${name} must apply its cleanup policies (cleanupPolicyDryRun is true)`,
      );
    }
  },
);

export const artifactRegistryNoPublicReaders = resourcePolicy<{ repository?: string }>(
  {
    name: "artifact-registry-no-public-readers",
    domain: "registry",
    description:
      "Checks that no Artifact Registry repository IAM member, binding or policy (policy documents parsed) grants anything to allUsers or allAuthenticatedUsers.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Grant roles/artifactregistry.reader to the runtime and deployer service accounts only.",
    framework: checkov(
      "CKV_GCP_101",
      "Ensure that Artifact Registry repositories are not anonymously or publicly accessible",
    ),
    types: REPOSITORY_GRANTS,
  },
  (grant, args, report) => {
    for (const g of grantsOf(args.props)) {
      for (const member of g.members.filter(isPublicMember)) {
        report(
          `Artifact Registry repository ${q(lastSegment(str(tryRead(() => grant.repository)) ?? args.name))} must not grant ${g.role} to ${member}`,
        );
      }
    }
  },
);

export const artifactRegistryScanningApiEnabled = stackPolicy(
  {
    name: "artifact-registry-scanning-api-enabled",
    domain: "registry",
    description:
      "Checks that a stack with a repository whose scanning is INHERITED (or unset) enables containerscanning.googleapis.com in the repository's project, without which INHERITED means no scanning.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Add containerscanning.googleapis.com to the project's APIs (ProjectServices).",
  },
  (args, report) => {
    const stack = new StackResources(args.resources);
    const apis = stack.ofType(T.projectService);
    for (const repo of stack.ofType(T.repository)) {
      const config = str(tryRead(() => rec(prop(repo, "vulnerabilityScanningConfig")).enablementConfig));
      if (config !== undefined && config !== "INHERITED") continue;
      const project = str(prop(repo, "project"));
      const enabled = apis.some(
        (api) =>
          prop(api, "service") === SCANNING_API &&
          (project === undefined || [project, undefined].includes(str(prop(api, "project")))),
      );
      if (!enabled) {
        report(
          `Artifact Registry repository ${q(displayName(repo, "repositoryId"))} inherits vulnerability scanning, so the stack must enable ${SCANNING_API}${project ? ` in ${q(project)}` : ""}`,
          repo.urn,
        );
      }
    }
  },
);

export const registryPolicies: readonly Module6Policy[] = [
  artifactRegistryImmutableTags,
  artifactRegistryVulnerabilityScanning,
  artifactRegistryCleanupPolicies,
  artifactRegistryNoPublicReaders,
  artifactRegistryScanningApiEnabled,
];
