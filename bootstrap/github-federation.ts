/**
 * Keyless CI: a Workload Identity pool for this repository and its GitHub Actions OIDC provider, whose
 * attribute condition pins the repository by owner id, repository id and name (github-oidc.ts).
 */
import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { Component } from "../components/shared/component";
import {
  attributeCondition,
  attributeMapping,
  usePrincipalSet,
  type DeployerUse,
  type GitHubRepository,
} from "./github-oidc";

/** The issuer of GitHub Actions' OIDC tokens. */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/** Arguments of {@link GitHubFederation}. */
export interface GitHubFederationArgs {
  /** GCP project id that owns the pool. */
  readonly project: string;
  /** The one repository whose workflows may exchange tokens. */
  readonly repository: GitHubRepository;
  /**
   * Pool id (4-32 of a-z, 0-9, '-'; ids stay reserved for 30 days after deletion, so the pool is protected).
   * @default "github"
   */
  readonly poolId?: string;
}

export class GitHubFederation extends Component {
  /** `projects/<n>/locations/global/workloadIdentityPools/<pool>`. */
  readonly poolName: pulumi.Output<string>;
  /** `projects/<n>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`. */
  readonly providerName: pulumi.Output<string>;

  constructor(name: string, args: GitHubFederationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("module6:bootstrap:GitHubFederation", name, opts);
    const pool = new gcp.iam.WorkloadIdentityPool(
      `${name}-pool`,
      {
        project: args.project,
        workloadIdentityPoolId: args.poolId ?? "github",
        displayName: "GitHub Actions",
        description: `CI of ${args.repository.owner}/${args.repository.name}`,
      },
      this.child({ protect: true }),
    );
    const provider = new gcp.iam.WorkloadIdentityPoolProvider(
      `${name}-provider`,
      {
        project: args.project,
        workloadIdentityPoolId: pool.workloadIdentityPoolId,
        workloadIdentityPoolProviderId: "github-actions",
        displayName: "GitHub Actions OIDC",
        attributeCondition: attributeCondition(args.repository),
        attributeMapping: attributeMapping(),
        oidc: { issuerUri: GITHUB_ISSUER },
      },
      this.child(),
    );
    this.poolName = pool.name;
    this.providerName = provider.name;
    this.registerOutputs({ poolName: this.poolName, providerName: this.providerName });
  }

  /** The principal set of tokens whose GitHub context allows `use`. */
  principalSet(use: DeployerUse): pulumi.Output<string> {
    return this.poolName.apply((pool) => usePrincipalSet(pool, use));
  }
}
