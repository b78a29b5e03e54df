import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Component } from "./shared/component";
import { grantKey } from "./shared/grants";
import { componentLabels, type CommonArgs, type EncryptionKey, type Member } from "./shared/types";
import { Problems } from "./shared/validation";

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
   * @default undefined - tagged versions are never deleted
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
   * @default undefined - a Google-managed key
   */
  readonly encryptionKey?: EncryptionKey;
}

/** Checks {@link ArtifactRegistryArgs}; throws one `ValidationError` naming every problem. */
export function validateArtifactRegistryArgs(args: ArtifactRegistryArgs): void {
  const p = new Problems("ArtifactRegistry");
  const name = args.name ?? "containers";
  p.check(/^[a-z][a-z0-9-]{0,29}$/.test(name), "name", name, "1-30 of a-z 0-9 '-', starting with a letter");
  const keep = args.keepTaggedVersions ?? 10;
  p.integer("keepTaggedVersions", keep, 1, 1000);
  const untagged = args.untaggedRetentionDays ?? 7;
  p.integer("untaggedRetentionDays", untagged, 1, 3650);
  const tagged = args.taggedRetentionDays;
  if (tagged !== undefined) {
    p.integer("taggedRetentionDays", tagged, 1, 3650);
  }
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
    const days = (n: number): string => `${n * 86400}s`;

    this.repository = new gcp.artifactregistry.Repository(
      name,
      {
        project: args.project,
        location: args.region,
        repositoryId: args.naming.name("artifactRepository", args.name ?? "containers"),
        format: "DOCKER",
        description: "Container images of the module6 services (managed by Pulumi)",
        labels: componentLabels(args.labels, "artifact-registry"),
        dockerConfig: { immutableTags: args.immutableTags ?? true },
        vulnerabilityScanningConfig: {
          enablementConfig: (args.vulnerabilityScanning ?? true) ? "INHERITED" : "DISABLED",
        },
        cleanupPolicyDryRun: args.cleanupDryRun ?? false,
        ...(args.encryptionKey ? { kmsKeyName: args.encryptionKey.kmsKeyName } : {}),
        cleanupPolicies: [
          {
            id: "keep-newest",
            action: "KEEP",
            mostRecentVersions: { keepCount: args.keepTaggedVersions ?? 10 },
          },
          {
            id: "delete-untagged",
            action: "DELETE",
            condition: { tagState: "UNTAGGED", olderThan: days(args.untaggedRetentionDays ?? 7) },
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
    this.url = pulumi.interpolate`${this.repository.location}-docker.pkg.dev/${this.repository.project}/${this.repository.repositoryId}`;
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
    return new gcp.artifactregistry.RepositoryIamMember(
      `${this.baseName}-${suffix}-${grantKey(member, key, "ArtifactRegistry.grant")}`,
      {
        project: this.repository.project,
        location: this.repository.location,
        repository: this.repository.name,
        role,
        member,
      },
      this.child(),
    );
  }
}
