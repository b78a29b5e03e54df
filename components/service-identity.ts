import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Component } from "./shared/component";
import { grantKey } from "./shared/grants";
import type { CommonArgs, Member } from "./shared/types";
import { Problems } from "./shared/validation";

/** Arguments of {@link ServiceIdentity}. */
export interface ServiceIdentityArgs extends Pick<CommonArgs, "project" | "naming"> {
  /** Logical name of the workload (e.g. `api`); the account id is `naming.name("serviceAccount", name)`. */
  readonly name: string;
  /**
   * Human-readable description stored on the account.
   * @default "Runtime identity of <name> (managed by Pulumi)"
   */
  readonly description?: string;
  /**
   * Lets the workload write its own logs, metrics and traces (`logging.logWriter`, `monitoring.metricWriter`,
   * `cloudtrace.agent` on the project). Needed by OpenTelemetry exporters; stdout logging works without it.
   * @default true
   */
  readonly telemetry?: boolean;
}

/** Project roles granted when `telemetry` is on. Nothing broader is ever granted at project level. */
export const TELEMETRY_ROLES = [
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/cloudtrace.agent",
];

const NAME_PATTERN = /^[a-z][a-z0-9-]{0,29}$/;

/** Checks {@link ServiceIdentityArgs}; throws one `ValidationError` naming every problem. */
export function validateServiceIdentityArgs(args: ServiceIdentityArgs): void {
  const problems = new Problems("ServiceIdentity");
  problems.check(
    NAME_PATTERN.test(args.name),
    "name",
    args.name,
    "lowercase letters, digits and '-', starting with a letter",
  );
  problems.check(
    args.description === undefined || args.description.length <= 256,
    "description",
    args.description,
    "at most 256 characters",
  );
  problems.throwIfAny();
}

/**
 * A dedicated runtime service account for one workload, with intent-level grants. It never creates keys:
 * workloads use the metadata server, humans and CI impersonate.
 */
export class ServiceIdentity extends Component {
  readonly account: gcp.serviceaccount.Account;
  /** The account's email. */
  readonly email: pulumi.Output<string>;
  /** The IAM member string `serviceAccount:<email>`. */
  readonly member: pulumi.Output<string>;
  private readonly baseName: string;

  constructor(name: string, args: ServiceIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    validateServiceIdentityArgs(args);
    super("module6:iam:ServiceIdentity", name, opts);
    this.baseName = name;

    this.account = new gcp.serviceaccount.Account(
      name,
      {
        project: args.project,
        accountId: args.naming.name("serviceAccount", args.name),
        displayName: `${args.name} runtime`,
        description: args.description ?? `Runtime identity of ${args.name} (managed by Pulumi)`,
      },
      this.child(),
    );
    this.email = this.account.email;
    this.member = pulumi.interpolate`serviceAccount:${this.account.email}`;

    if (args.telemetry ?? true) {
      for (const role of TELEMETRY_ROLES) {
        new gcp.projects.IAMMember(
          `${name}-${role.replace("roles/", "").replace(/\./g, "-").toLowerCase()}`,
          { project: args.project, role, member: this.member },
          this.child(),
        );
      }
    }
    this.registerOutputs({ email: this.email, member: this.member });
  }

  /**
   * Lets `member` (a deployer) act as this account when it deploys the workload
   * (`iam.serviceAccountUser` on this account only, never on the project).
   */
  allowActAs(member: Member, key?: string): gcp.serviceaccount.IAMMember {
    return new gcp.serviceaccount.IAMMember(
      `${this.baseName}-actas-${grantKey(member, key, "ServiceIdentity.allowActAs")}`,
      { serviceAccountId: this.account.name, role: "roles/iam.serviceAccountUser", member },
      this.child(),
    );
  }
}
