import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Component } from "./shared/component";
import { grantKey } from "./shared/grants";
import { componentLabels, type CommonArgs, type EncryptionKey, type Member } from "./shared/types";
import { patternRule, Problems, rule, type ProblemSink } from "./shared/validation";

/** One declared secret. */
export interface SecretSpec {
  /**
   * What the secret is for; stored as an annotation.
   * @default ""
   */
  readonly description?: string;
  /**
   * Regions that hold replicas (user-managed replication).
   * @default - the set's `region`
   */
  readonly replicaLocations?: readonly string[];
}

/** Arguments of {@link SecretSet}. */
export interface SecretSetArgs extends CommonArgs {
  /** Declared secrets by name (e.g. `db-password`). */
  readonly secrets: Readonly<Record<string, SecretSpec>>;
  /**
   * Secret values by name, from Pulumi secret config. A version is created for each; the value is wrapped
   * with `pulumi.secret` so it is encrypted in state and never shown. A secret without a value gets no
   * version (add one out of band).
   * @default {}
   */
  readonly values?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Regions replicas may live in; every `replicaLocations` entry must be one of them.
   * @default - only the set's `region`
   */
  readonly allowedRegions?: readonly string[];
  /**
   * Reference secrets another stack owns (a feature environment uses staging's) instead of creating them:
   * secret resource names by secret name. Only `grantAccess` is then available.
   * @default - the secrets are created here
   */
  readonly existingIds?: pulumi.Input<Record<string, string>>;
  /**
   * Provider-side deletion protection of the secrets.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Pulumi `protect` on the secrets.
   * @default true
   */
  readonly protect?: boolean;
  /**
   * Customer-managed keys by location: each replica is encrypted with the key of its own location
   * (`replicas[].customerManagedEncryption`), so every replica location of every secret needs one
   * (`KmsKeys.key("secrets", location)`). The secrets are created after the keys' grants.
   * @default - Google-managed keys
   */
  readonly encryptionKeys?: Readonly<Record<string, EncryptionKey>>;
}

/** The rules of single fields of {@link SecretSetArgs}; the stack config applies them to its keys. */
export const SECRET_SET_RULES = {
  /** A secret's name (the key under `secrets`). */
  name: patternRule(/^[a-z][a-z0-9-]{0,39}$/, "1-40 of a-z 0-9 '-', starting with a letter"),
  replicaLocations: rule<readonly string[]>("at least one region", (list) => list.length > 0),
};

/** Replicas only in the allowed regions (`allowed`; a secret without `replicaLocations` uses `region`). */
export function checkReplicaLocations(
  p: ProblemSink,
  secrets: Readonly<Record<string, SecretSpec>>,
  region: string,
  allowed: readonly string[],
): void {
  for (const [name, spec] of Object.entries(secrets)) {
    (spec.replicaLocations ?? [region]).forEach((r, i) =>
      p.check(
        allowed.includes(r),
        `secrets.${name}.replicaLocations[${i}]`,
        r,
        `one of the allowed regions (${allowed.join(", ")})`,
      ),
    );
  }
}

/** Checks {@link SecretSetArgs}; throws one `ValidationError` naming every problem. */
export function validateSecretSetArgs(args: SecretSetArgs): void {
  const p = new Problems("SecretSet");
  for (const [name, spec] of Object.entries(args.secrets)) {
    p.rule(`secrets.${name}`, name, SECRET_SET_RULES.name);
    const replicas = spec.replicaLocations ?? [args.region];
    p.rule(`secrets.${name}.replicaLocations`, replicas, SECRET_SET_RULES.replicaLocations);
  }
  checkReplicaLocations(p, args.secrets, args.region, args.allowedRegions ?? [args.region]);
  if (args.encryptionKeys !== undefined) {
    const keyed = Object.keys(args.encryptionKeys);
    for (const [name, spec] of Object.entries(args.secrets)) {
      (spec.replicaLocations ?? [args.region]).forEach((r, i) =>
        p.check(
          keyed.includes(r),
          `secrets.${name}.replicaLocations[${i}]`,
          r,
          `a location with a key in encryptionKeys (${keyed.join(", ") || "none"}): every replica is encrypted with a key of its own location`,
        ),
      );
    }
  }
  if (args.existingIds !== undefined && Object.keys(args.values ?? {}).length > 0) {
    p.add(
      "values",
      Object.keys(args.values ?? {}),
      "no values when existingIds is set: the owning stack creates the versions",
    );
  }
  for (const name of Object.keys(args.values ?? {})) {
    p.check(
      name in args.secrets,
      `values.${name}`,
      "(value hidden)",
      `a value for a declared secret (${Object.keys(args.secrets).join(", ") || "none declared"})`,
    );
  }
  p.throwIfAny();
}

/**
 * Secret Manager secrets declared in config: user-managed replication in allowed regions, versions only
 * from Pulumi secrets, and access granted per secret (never project-wide `secretAccessor`).
 */
export class SecretSet extends Component {
  /** Secret resource names (`projects/<p>/secrets/<id>`) by secret name. */
  readonly secretIds: pulumi.Output<Record<string, string>>;
  /** The secrets created here (empty when `existingIds` is used). */
  readonly secrets: Readonly<Record<string, gcp.secretmanager.Secret>>;
  private readonly baseName: string;
  private readonly declared: readonly string[];
  private readonly ownIds: Readonly<Record<string, pulumi.Output<string>>>;
  private readonly ownVersions: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: SecretSetArgs, opts?: pulumi.ComponentResourceOptions) {
    validateSecretSetArgs(args);
    super("module6:secrets:SecretSet", name, opts);
    this.baseName = name;
    this.declared = Object.keys(args.secrets);
    const labels = componentLabels(args.labels, "secrets");

    const secrets: Record<string, gcp.secretmanager.Secret> = {};
    // The id each secret is referenced by: through its version where one is created here, so whatever
    // mounts the secret also waits for its first version ("latest" must exist when a revision starts).
    const ids: Record<string, pulumi.Output<string>> = {};
    const versions: Record<string, pulumi.Output<string>> = {};
    const keys = args.encryptionKeys;
    // A secret encrypted with customer-managed keys waits for their grants (Google checks them at creation).
    const keyReady = Object.values(keys ?? {}).flatMap((k) => (k.ready ? [k.ready] : []));
    if (args.existingIds === undefined) {
      for (const [secretName, spec] of Object.entries(args.secrets)) {
        const secret = new gcp.secretmanager.Secret(
          `${name}-${secretName}`,
          {
            project: args.project,
            secretId: args.naming.name("secret", secretName),
            labels,
            annotations: spec.description ? { description: spec.description } : undefined,
            deletionProtection: args.deletionProtection ?? true,
            replication: {
              userManaged: {
                replicas: (spec.replicaLocations ?? [args.region]).map((location) => ({
                  location,
                  ...(keys?.[location]
                    ? { customerManagedEncryption: { kmsKeyName: keys[location].kmsKeyName } }
                    : {}),
                })),
              },
            },
          },
          this.child({
            protect: args.protect ?? true,
            ...(keyReady.length > 0 ? { dependsOn: keyReady } : {}),
          }),
        );
        secrets[secretName] = secret;
        ids[secretName] = secret.id;
        const value = args.values?.[secretName];
        if (value !== undefined) {
          const version = new gcp.secretmanager.SecretVersion(
            `${name}-${secretName}-version`,
            {
              secret: secret.id,
              secretData: pulumi.secret(value),
              // A new value replaces the version; the replaced one stays enabled so that the previous
              // revision — the rollback target, which pins it — can still start instances. Disable it
              // (`gcloud secrets versions disable`) once the rotation is verified.
              deletionPolicy: "ABANDON",
            },
            this.child({ additionalSecretOutputs: ["secretData"] }),
          );
          ids[secretName] = version.secret;
          versions[secretName] = version.version;
        }
      }
      this.secretIds = pulumi
        .all(Object.entries(ids).map(([k, id]) => id.apply((v) => [k, v] as const)))
        .apply((pairs) => Object.fromEntries(pairs));
    } else {
      this.secretIds = pulumi.output(args.existingIds);
    }
    this.secrets = secrets;
    this.ownIds = ids;
    this.ownVersions = versions;
    this.registerOutputs({ secretIds: this.secretIds });
  }

  /** The secret resource name of a declared secret. */
  secretId(secretName: string): pulumi.Output<string> {
    this.assertDeclared(secretName);
    const own = this.ownIds[secretName];
    if (own !== undefined) return own;
    return this.secretIds.apply((ids) => {
      const id = ids[secretName];
      if (id === undefined)
        throw new pulumi.RunError(`SecretSet: secret "${secretName}" has no id in the referenced stack`);
      return id;
    });
  }

  /**
   * The version a service mounts: the number of the version created here, so that a new value (a
   * rotation) changes the service's template and rolls a new revision; `latest` for a secret whose
   * versions this stack does not create (a feature environment mounting staging's secrets: staging
   * owns and rotates them, a pin would go stale at staging's next rotation, and a feature environment's
   * few instances start from zero anyway, so `latest` reaches them at their next start).
   */
  secretVersion(secretName: string): pulumi.Output<string> {
    this.assertDeclared(secretName);
    return this.ownVersions[secretName] ?? pulumi.output("latest");
  }

  /** Lets `member` read the versions of one secret (`secretmanager.secretAccessor` on that secret only). */
  grantAccess(secretName: string, member: Member, key?: string): gcp.secretmanager.SecretIamMember {
    this.assertDeclared(secretName);
    return new gcp.secretmanager.SecretIamMember(
      `${this.baseName}-${secretName}-access-${grantKey(member, key, "SecretSet.grantAccess")}`,
      { secretId: this.secretId(secretName), role: "roles/secretmanager.secretAccessor", member },
      this.child(),
    );
  }

  private assertDeclared(secretName: string): void {
    if (!this.declared.includes(secretName)) {
      throw new pulumi.RunError(
        `SecretSet: secret "${secretName}" is not declared (declared: ${this.declared.join(", ")})`,
      );
    }
  }
}
