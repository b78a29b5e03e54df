/**
 * One deployer service account: its project roles, its access to the state bucket and the stack-secrets
 * key, and `roles/iam.workloadIdentityUser` for the one principal set of its GitHub context. Never a key.
 */
import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { Component } from "../components/shared/component";
import type { DeployerSpec } from "./deployers";

/** Arguments of {@link Deployer}. */
export interface DeployerArgs {
  /** GCP project id of the account and its roles. */
  readonly project: string;
  /** Account id, description, roles and state access. */
  readonly spec: DeployerSpec;
  /** `principalSet://…/attribute.deployer/<use>`: who may impersonate the account. */
  readonly principalSet: pulumi.Input<string>;
  /** The state bucket's name. */
  readonly stateBucket: pulumi.Input<string>;
  /** The stack-secrets key id. */
  readonly secretsKey: pulumi.Input<string>;
}

/** A logical-name segment from a role (`roles/run.admin` → `run-admin`). */
const roleKey = (role: string): string => role.replace(/^roles\//, "").replace(/[^A-Za-z0-9]+/g, "-");

export class Deployer extends Component {
  readonly email: pulumi.Output<string>;

  constructor(name: string, args: DeployerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("module6:bootstrap:Deployer", name, opts);
    const account = new gcp.serviceaccount.Account(
      `${name}-account`,
      {
        project: args.project,
        accountId: args.spec.accountId,
        displayName: args.spec.accountId,
        description: args.spec.description,
      },
      this.child(),
    );
    const member = account.member;
    for (const grant of args.spec.projectRoles) {
      new gcp.projects.IAMMember(
        `${name}-${roleKey(grant.role)}`,
        {
          project: args.project,
          role: grant.role,
          member,
          ...(grant.condition ? { condition: grant.condition } : {}),
        },
        this.child(),
      );
    }
    // State: read for previews; read and write (objects, lock files) for updates — on the bucket only.
    new gcp.storage.BucketIAMMember(
      `${name}-state`,
      {
        bucket: args.stateBucket,
        role: args.spec.state === "read" ? "roles/storage.objectViewer" : "roles/storage.objectUser",
        member,
      },
      this.child(),
    );
    // Secrets: a preview decrypts the stack's config secrets; an update also encrypts new ones.
    new gcp.kms.CryptoKeyIAMMember(
      `${name}-secrets`,
      {
        cryptoKeyId: args.secretsKey,
        role:
          args.spec.state === "read"
            ? "roles/cloudkms.cryptoKeyDecrypter"
            : "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        member,
      },
      this.child(),
    );
    new gcp.serviceaccount.IAMMember(
      `${name}-wif`,
      { serviceAccountId: account.name, role: "roles/iam.workloadIdentityUser", member: args.principalSet },
      this.child(),
    );
    this.email = account.email;
    this.registerOutputs({ email: this.email });
  }
}
