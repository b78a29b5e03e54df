/**
 * An Artifact Registry remote repository in front of Docker Hub: the cluster pulls Grafana's image from the
 * project's own registry (regional, IAM-gated, scanned, cached) instead of from Docker Hub.
 *
 * The existing ArtifactRegistry component (components/artifact-registry.ts) builds standard repositories that
 * CI pushes to (immutable tags, keep-newest cleanup); a remote repository takes no pushes and keeps a cache
 * of the upstream, so it is its own small component.
 */
import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { ARTIFACT_REGISTRY_RULES, dockerHostPath, repositoryMember } from "./artifact-registry";
import { Component } from "./shared/component";
import { daysInSeconds, duration } from "./shared/durations";
import { grantKey } from "./shared/grants";
import { componentLabels, type CommonArgs, type EncryptionKey, type Member } from "./shared/types";
import { integerRule, Problems } from "./shared/validation";

/** Arguments of {@link DockerHubMirror}. */
export interface DockerHubMirrorArgs extends CommonArgs {
  /**
   * Logical repository name; the id is `naming.name("artifactRepository", name)`.
   * @default "dockerhub"
   */
  readonly name?: string;
  /**
   * Cached image versions older than this many days are deleted; the next pull fetches them again from Docker
   * Hub, so this bounds storage, not availability.
   * @default 90
   */
  readonly cacheRetentionDays?: number;
  /**
   * Newest versions per image that cleanup always keeps.
   * @default 3
   */
  readonly keepVersions?: number;
  /**
   * A Docker Hub account for upstream pulls (anonymous pulls share Docker Hub's rate limit): the user name and
   * the Secret Manager secret version of its access token, which the Artifact Registry service agent must be
   * able to read (https://cloud.google.com/artifact-registry/docs/repositories/configure-remote-auth-dockerhub).
   * @default - anonymous pulls
   */
  readonly upstreamCredentials?: {
    readonly username: pulumi.Input<string>;
    /** `projects/<p>/secrets/<s>/versions/<v>`. */
    readonly passwordSecretVersion: pulumi.Input<string>;
  };
  /**
   * Pulumi `protect` on the repository, as on every repository prod keeps (policy stateful-resources-protected);
   * it is only a cache, so a stack that drops the mirror may unprotect it first.
   * @default true
   */
  readonly protect?: boolean;
  /**
   * Customer-managed key in the repository's region; fixed at creation like any repository's.
   * @default - a Google-managed key
   */
  readonly encryptionKey?: EncryptionKey;
}

export const DOCKER_HUB_MIRROR_DEFAULTS = {
  name: "dockerhub",
  cacheRetentionDays: 90,
  keepVersions: 3,
} as const;

/** Checks {@link DockerHubMirrorArgs}; throws one `ValidationError` naming every problem. */
export function validateDockerHubMirrorArgs(args: DockerHubMirrorArgs): void {
  const p = new Problems("DockerHubMirror");
  const d = DOCKER_HUB_MIRROR_DEFAULTS;
  p.rule("name", args.name ?? d.name, ARTIFACT_REGISTRY_RULES.name);
  p.rule(
    "cacheRetentionDays",
    args.cacheRetentionDays ?? d.cacheRetentionDays,
    ARTIFACT_REGISTRY_RULES.retentionDays,
  );
  p.rule("keepVersions", args.keepVersions ?? d.keepVersions, integerRule(1, 100));
  p.throwIfAny();
}

/** A Docker Hub remote repository with cleanup; `url` is the registry host path images are pulled from. */
export class DockerHubMirror extends Component {
  readonly repository: gcp.artifactregistry.Repository;
  /** `<region>-docker.pkg.dev/<project>/<id>`: `docker.io/grafana/grafana` is `<url>/grafana/grafana`. */
  readonly url: pulumi.Output<string>;
  private readonly baseName: string;

  constructor(name: string, args: DockerHubMirrorArgs, opts?: pulumi.ComponentResourceOptions) {
    validateDockerHubMirrorArgs(args);
    super("module6:registry:DockerHubMirror", name, opts);
    this.baseName = name;
    const d = DOCKER_HUB_MIRROR_DEFAULTS;
    const creds = args.upstreamCredentials;
    this.repository = new gcp.artifactregistry.Repository(
      name,
      {
        project: args.project,
        location: args.region,
        repositoryId: args.naming.name("artifactRepository", args.name ?? d.name),
        format: "DOCKER",
        // No `dockerConfig.immutableTags`: immutability guards tags against pushes, and a remote repository
        // takes none (it serves the upstream's tags); the release pins the chart version and, optionally, the
        // image digest instead.
        // https://cloud.google.com/artifact-registry/docs/repositories/remote-repo: mode REMOTE_REPOSITORY with
        // the Docker Hub preset (the provider's only `publicRepository` value for Docker, repository.d.ts).
        mode: "REMOTE_REPOSITORY",
        description: "Docker Hub cache for the observability plane's images (managed by Pulumi)",
        labels: componentLabels(args.labels, "docker-hub-mirror"),
        remoteRepositoryConfig: {
          description: "Docker Hub",
          dockerRepository: { publicRepository: "DOCKER_HUB" },
          ...(creds
            ? {
                upstreamCredentials: {
                  usernamePasswordCredentials: {
                    username: creds.username,
                    passwordSecretVersion: creds.passwordSecretVersion,
                  },
                },
              }
            : {}),
        },
        vulnerabilityScanningConfig: { enablementConfig: "INHERITED" },
        cleanupPolicyDryRun: false,
        cleanupPolicies: [
          {
            id: "keep-newest",
            action: "KEEP",
            mostRecentVersions: { keepCount: args.keepVersions ?? d.keepVersions },
          },
          {
            id: "delete-old-cache",
            action: "DELETE",
            condition: {
              tagState: "ANY",
              olderThan: duration(daysInSeconds(args.cacheRetentionDays ?? d.cacheRetentionDays)),
            },
          },
        ],
        ...(args.encryptionKey ? { kmsKeyName: args.encryptionKey.kmsKeyName } : {}),
      },
      this.child({
        protect: args.protect ?? true,
        ...(args.encryptionKey?.ready ? { dependsOn: [args.encryptionKey.ready] } : {}),
      }),
    );
    this.url = dockerHostPath(this.repository);
    this.registerOutputs({ url: this.url });
  }

  /**
   * Lets `member` pull through the mirror (`artifactregistry.reader` on this repository). GKE pulls images as
   * the node service account: grant it to the cluster's node service account.
   */
  grantRead(member: Member, key?: string): gcp.artifactregistry.RepositoryIamMember {
    const name = `${this.baseName}-read-${grantKey(member, key, "DockerHubMirror.grantRead")}`;
    return repositoryMember(name, this.repository, "roles/artifactregistry.reader", member, this.child());
  }
}
