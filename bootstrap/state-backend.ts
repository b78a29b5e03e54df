/**
 * The Pulumi state backend of one project: a hardened Cloud Storage bucket and the Cloud KMS key that
 * encrypts stack secrets (`gcpkms://` secrets provider). Both are protected: losing either loses every
 * stack's state or its secrets.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Component } from "../components/shared/component";
import { Problems } from "../components/shared/validation";

/** Arguments of {@link StateBackend}. */
export interface StateBackendArgs {
  /** GCP project id that owns the bucket and the key. */
  readonly project: string;
  /** Location of the bucket and the key ring (one region: state stays near the deployers). */
  readonly region: string;
  /** The bucket's name (globally unique). */
  readonly bucketName: string;
  /**
   * Days a replaced or deleted state object (a noncurrent version) is kept before lifecycle deletes it.
   * @default 30
   */
  readonly noncurrentVersionDays?: number;
  /**
   * Rotation period of the stack-secrets key in days, 1-90 (CIS 1.10; Cloud KMS's minimum is one day).
   * @default 90
   */
  readonly keyRotationDays?: number;
  /** Labels of the bucket and the key; the component adds `component=state-backend`. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Checks {@link StateBackendArgs}; throws one `ValidationError` naming every problem. */
export function validateStateBackendArgs(args: StateBackendArgs): void {
  const problems = new Problems("StateBackend");
  const days = args.noncurrentVersionDays ?? 30;
  problems.check(
    Number.isInteger(days) && days >= 1 && days <= 3650,
    "noncurrentVersionDays",
    days,
    "an integer 1-3650",
  );
  const rotation = args.keyRotationDays ?? 90;
  problems.check(
    Number.isInteger(rotation) && rotation >= 1 && rotation <= 90,
    "keyRotationDays",
    rotation,
    "an integer 1-90",
  );
  problems.throwIfAny();
}

export class StateBackend extends Component {
  readonly bucketName: pulumi.Output<string>;
  /** `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`. */
  readonly keyId: pulumi.Output<string>;
  readonly backendUrl: pulumi.Output<string>;
  readonly secretsProvider: pulumi.Output<string>;

  constructor(name: string, args: StateBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    validateStateBackendArgs(args);
    super("module6:bootstrap:StateBackend", name, opts);
    const labels = { ...args.labels, component: "state-backend" };
    // Marks the state bucket for the policy pack's state-bucket-hardening.
    const bucketLabels = { ...labels, purpose: "pulumi-state" };
    const bucket = new gcp.storage.Bucket(
      `${name}-bucket`,
      {
        project: args.project,
        name: args.bucketName,
        location: args.region.toUpperCase(),
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        // Every state write keeps the previous version: a bad update or a deleted stack can be restored
        // (`gcloud storage cp` of a noncurrent generation).
        versioning: { enabled: true },
        // Noncurrent versions are deleted after N days ("daysSinceNoncurrentTime", Object Lifecycle
        // Management: https://cloud.google.com/storage/docs/lifecycle#dayssincenoncurrenttime).
        lifecycleRules: [
          {
            action: { type: "Delete" },
            condition: { daysSinceNoncurrentTime: args.noncurrentVersionDays ?? 30, withState: "ARCHIVED" },
          },
        ],
        forceDestroy: false,
        labels: bucketLabels,
      },
      this.child({ protect: true }),
    );
    const ring = new gcp.kms.KeyRing(
      `${name}-keyring`,
      { project: args.project, name: "pulumi", location: args.region },
      this.child({ protect: true }),
    );
    const key = new gcp.kms.CryptoKey(
      `${name}-key`,
      {
        name: "stack-secrets",
        keyRing: ring.id,
        purpose: "ENCRYPT_DECRYPT",
        rotationPeriod: `${(args.keyRotationDays ?? 90) * 86400}s`,
        labels,
      },
      this.child({ protect: true }),
    );
    this.bucketName = bucket.name;
    this.keyId = key.id;
    this.backendUrl = pulumi.interpolate`gs://${bucket.name}`;
    // Pulumi's secrets provider URL for Cloud KMS: gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>
    // (https://www.pulumi.com/docs/iac/concepts/secrets/#configuring-secrets-encryption).
    this.secretsProvider = pulumi.interpolate`gcpkms://${key.id}`;
    this.registerOutputs({
      bucketName: this.bucketName,
      keyId: this.keyId,
      backendUrl: this.backendUrl,
      secretsProvider: this.secretsProvider,
    });
  }
}
