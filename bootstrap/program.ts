/**
 * The bootstrap program: the state backend (bucket + stack-secrets key), the GitHub Workload Identity
 * Federation pool and provider, and one deployer service account per use of the project, each with its
 * least roles and impersonable only from its GitHub context.
 */
import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { BootstrapConfig } from "./config";
import { deployerSpecs, USES_BY_KIND } from "./deployers";
import { GitHubFederation } from "./github-federation";
import { StateBackend } from "./state-backend";
import { Deployer } from "./deployer";

export interface BootstrapOutputs {
  /** `projects/<n>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`: auth's `workload_identity_provider`. */
  readonly workloadIdentityProvider: pulumi.Output<string>;
  /** Deployer emails by use: auth's `service_account`. */
  readonly serviceAccounts: Record<string, pulumi.Output<string>>;
  /** `gs://<bucket>`: `pulumi login` / `PULUMI_BACKEND_URL`. */
  readonly backendUrl: pulumi.Output<string>;
  /** `gcpkms://…/cryptoKeys/<key>`: `--secrets-provider` / `PULUMI_SECRETS_PROVIDER`. */
  readonly secretsProvider: pulumi.Output<string>;
}

export function bootstrap(config: BootstrapConfig): BootstrapOutputs {
  const provider = new gcp.Provider("gcp", {
    project: config.gcpProject,
    region: config.region,
    defaultLabels: config.labels,
  });
  const opts = { providers: [provider] };
  const backend = new StateBackend(
    "state",
    {
      project: config.gcpProject,
      region: config.region,
      bucketName: config.stateBucket,
      noncurrentVersionDays: config.noncurrentVersionDays,
      keyRotationDays: config.keyRotationDays,
      labels: config.labels,
    },
    opts,
  );
  const federation = new GitHubFederation(
    "github",
    { project: config.gcpProject, repository: config.github },
    opts,
  );
  const specs = deployerSpecs(config.gcpProject, config.prefix);
  const serviceAccounts: Record<string, pulumi.Output<string>> = {};
  for (const use of USES_BY_KIND[config.kind]) {
    const deployer = new Deployer(
      `deployer-${use}`,
      {
        project: config.gcpProject,
        spec: specs[use],
        principalSet: federation.principalSet(use),
        stateBucket: backend.bucketName,
        secretsKey: backend.keyId,
      },
      opts,
    );
    serviceAccounts[use] = deployer.email;
  }
  return {
    workloadIdentityProvider: federation.providerName,
    serviceAccounts,
    backendUrl: backend.backendUrl,
    secretsProvider: backend.secretsProvider,
  };
}
