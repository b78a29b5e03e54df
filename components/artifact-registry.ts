import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Component } from "./shared/component";
import { grantKey } from "./shared/grants";
import { componentLabels, type CommonArgs, type EncryptionKey, type Member } from "./shared/types";
import { integerRule, patternRule, Problems } from "./shared/validation";
import { daysInSeconds, duration } from "./shared/durations";

/** Arguments of {@link ArtifactRegistry}. */
export interface ArtifactRegistryArgs extends CommonArgs {
  /**
   * Logical repository name; the id is `naming.name("artifactRepository", name)`.
   * @default "containers"
   */
  readonly name?: string;
  /**
   * Tags cannot be moved or overwritten once pushed.
   * @default true
   */
  readonly immutableTags?: boolean;
  /**
   * Newest versions per image that cleanup always keeps (Artifact Registry counts tagged and untagged
   * versions alike).
   * @default 10
   */
  readonly keepTaggedVersions?: number;
  /**
   * Untagged versions are deleted after this many days.
   * @default 7
   */
  readonly untaggedRetentionDays?: number;
  /**
   * Tagged versions older than this many days are deleted unless among the newest `keepTaggedVersions`.
   * Opt-in: an image a running revision or a rollback target uses must not disappear.
   * @default - tagged versions are never deleted
   */
  readonly taggedRetentionDays?: number;
  /**
   * Pulumi `protect` on the repository (it holds every released image).
   * @default true
   */
  readonly protect?: boolean;
  /**
   * Cleanup policies only report what they would delete.
   * @default false
   */
  readonly cleanupDryRun?: boolean;
  /**
   * Automatic vulnerability scanning (Container Scanning API).
   * @default true
   */
  readonly vulnerabilityScanning?: boolean;
  /**
   * Customer-managed key in the repository's region. Fixed at creation ("This value may not be changed
   * after the Repository has been created", node_modules/@pulumi/gcp/artifactregistry/repository.d.ts):
   * adding one later replaces the repository and every image in it.
   * @default - a Google-managed key
   */
  readonly encryptionKey?: EncryptionKey;
}

/** What an unset field of {@link ArtifactRegistryArgs} means (the stack config documents these). */
export const ARTIFACT_REGISTRY_DEFAULTS = {
  name: "containers",
  immutableTags: true,
  keepTaggedVersions: 10,
  untaggedRetentionDays: 7,
} as const;

/** The rules of single fields of {@link ArtifactRegistryArgs}; the stack config applies them to its keys. */
export const ARTIFACT_REGISTRY_RULES = {
  name: patternRule(/^[a-z][a-z0-9-]{0,29}$/, "1-30 of a-z 0-9 '-', starting with a letter"),
  keepTaggedVersions: integerRule(1, 1000),
  retentionDays: integerRule(1, 3650),
};

/** Checks {@link ArtifactRegistryArgs}; throws one `ValidationError` naming every problem. */
export function validateArtifactRegistryArgs(args: ArtifactRegistryArgs): void {
  const p = new Problems("ArtifactRegistry");
  const d = ARTIFACT_REGISTRY_DEFAULTS;
  const r = ARTIFACT_REGISTRY_RULES;
  p.rule("name", args.name ?? d.name, r.name);
  p.rule("keepTaggedVersions", args.keepTaggedVersions ?? d.keepTaggedVersions, r.keepTaggedVersions);
  p.rule("untaggedRetentionDays", args.untaggedRetentionDays ?? d.untaggedRetentionDays, r.retentionDays);
  if (args.taggedRetentionDays !== undefined)
    p.rule("taggedRetentionDays", args.taggedRetentionDays, r.retentionDays);
  p.throwIfAny();
}

/**
 * A Docker repository in Artifact Registry with immutable tags, cleanup policies and vulnerability scanning.
 */
export class ArtifactRegistry extends Component {
  readonly repository: gcp.artifactregistry.Repository;
  /** Docker host and path images are pushed to: `<region>-docker.pkg.dev/<project>/<id>`. */
  readonly url: pulumi.Output<string>;
  private readonly baseName: string;

  constructor(name: string, args: ArtifactRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    validateArtifactRegistryArgs(args);
    super("module6:registry:ArtifactRegistry", name, opts);
    this.baseName = name;
    const days = (n: number): string => duration(daysInSeconds(n));

    this.repository = new gcp.artifactregistry.Repository(
      name,
      {
        project: args.project,
        location: args.region,
        repositoryId: args.naming.name("artifactRepository", args.name ?? ARTIFACT_REGISTRY_DEFAULTS.name),
        format: "DOCKER",
        description: "Container images of the module6 services (managed by Pulumi)",
        labels: componentLabels(args.labels, "artifact-registry"),
        dockerConfig: { immutableTags: args.immutableTags ?? ARTIFACT_REGISTRY_DEFAULTS.immutableTags },
        vulnerabilityScanningConfig: {
          enablementConfig: (args.vulnerabilityScanning ?? true) ? "INHERITED" : "DISABLED",
        },
        cleanupPolicyDryRun: args.cleanupDryRun ?? false,
        ...(args.encryptionKey ? { kmsKeyName: args.encryptionKey.kmsKeyName } : {}),
        cleanupPolicies: [
          {
            id: "keep-newest",
            action: "KEEP",
            mostRecentVersions: {
              keepCount: args.keepTaggedVersions ?? ARTIFACT_REGISTRY_DEFAULTS.keepTaggedVersions,
            },
          },
          {
            id: "delete-untagged",
            action: "DELETE",
            condition: {
              tagState: "UNTAGGED",
              olderThan: days(args.untaggedRetentionDays ?? ARTIFACT_REGISTRY_DEFAULTS.untaggedRetentionDays),
            },
          },
          ...(args.taggedRetentionDays !== undefined
            ? [
                {
                  id: "delete-old-tagged",
                  action: "DELETE",
                  condition: { tagState: "TAGGED", olderThan: days(args.taggedRetentionDays) },
                },
              ]
            : []),
        ],
      },
      this.child({
        protect: args.protect ?? true,
        ...(args.encryptionKey?.ready ? { dependsOn: [args.encryptionKey.ready] } : {}),
      }),
    );
    this.url = dockerHostPath(this.repository);
    this.registerOutputs({ url: this.url });
  }

  /** Lets `member` pull images (`artifactregistry.reader` on this repository). */
  grantRead(member: Member, key?: string): gcp.artifactregistry.RepositoryIamMember {
    return this.grant("roles/artifactregistry.reader", "read", member, key);
  }

  /** Lets `member` push images (`artifactregistry.writer` on this repository). */
  grantWrite(member: Member, key?: string): gcp.artifactregistry.RepositoryIamMember {
    return this.grant("roles/artifactregistry.writer", "write", member, key);
  }

  private grant(
    role: string,
    suffix: string,
    member: Member,
    key?: string,
  ): gcp.artifactregistry.RepositoryIamMember {
    const name = `${this.baseName}-${suffix}-${grantKey(member, key, "ArtifactRegistry.grant")}`;
    return repositoryMember(name, this.repository, role, member, this.child());
  }
}

/** `<region>-docker.pkg.dev/<project>/<id>`: the host path of a Docker repository's images. */
export function dockerHostPath(repository: gcp.artifactregistry.Repository): pulumi.Output<string> {
  return pulumi.interpolate`${repository.location}-docker.pkg.dev/${repository.project}/${repository.repositoryId}`;
}

/** `role` for `member` on one repository (not the project). */
export function repositoryMember(
  name: string,
  repository: gcp.artifactregistry.Repository,
  role: string,
  member: Member,
  opts: pulumi.CustomResourceOptions,
): gcp.artifactregistry.RepositoryIamMember {
  return new gcp.artifactregistry.RepositoryIamMember(
    name,
    {
      project: repository.project,
      location: repository.location,
      repository: repository.name,
      role,
      member,
    },
    opts,
  );
}
