/**
 * What the GitHub OIDC provider accepts and how it names a token's GitHub context, as CEL text.
 *
 * Sources:
 * - Google, "Configure Workload Identity Federation with deployment pipelines" (GitHub Actions):
 *   https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines — an attribute
 *   condition is required for GitHub ("you must use an attribute condition that restricts access to
 *   tokens issued by your GitHub organization"); bindings use
 *   `principalSet://iam.googleapis.com/projects/<n>/locations/global/workloadIdentityPools/<pool>/attribute.<name>/<value>`.
 * - Google, attribute conditions and mappings (CEL over `assertion`, `google`, `attribute`; a condition that
 *   is false or fails rejects the token; at most 4096 characters):
 *   https://cloud.google.com/iam/docs/workload-identity-federation#conditions and #mapping.
 * - google-github-actions/auth docs/SECURITY_CONSIDERATIONS.md: pin the numeric, never re-used
 *   `repository_owner_id` and `repository_id` (a deleted repository's name can be claimed by anyone).
 * - GitHub, OIDC token claims: https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#understanding-the-oidc-token
 *   — `repository`, `repository_id`, `repository_owner`, `repository_owner_id`, `ref`, `event_name` are in
 *   every token (ids as strings); `environment` only when the job names one, so it is read behind `has()`.
 * - CEL semantics (`has()` on a map key, `&&`/`||` that absorb an error when the other side decides,
 *   `?:`): https://github.com/google/cel-spec/blob/master/doc/langdef.md
 */

/** The repository CI runs from: its numeric ids (immutable) and its name. */
export interface GitHubRepository {
  /** The owner's login, e.g. `acme`. */
  readonly owner: string;
  /** The owner's numeric id (`gh api orgs/<owner> -q .id`). */
  readonly ownerId: string;
  /** The repository's name without the owner, e.g. `module6-infra`. */
  readonly name: string;
  /** The repository's numeric id (`gh api repos/<owner>/<name> -q .id`). */
  readonly id: string;
}

/** The uses CI impersonates a deployer for; each is one value of the `attribute.deployer` attribute. */
export const DEPLOYER_USES = ["pr-check", "pr-env", "staging", "production"] as const;
export type DeployerUse = (typeof DEPLOYER_USES)[number];

/** The GitHub environments the workflows use (`environment:` of a job). */
export const GITHUB_ENVIRONMENTS: Readonly<Record<Exclude<DeployerUse, "pr-check">, string>> = {
  "pr-env": "preview",
  staging: "staging",
  production: "production",
};

const MAIN = "refs/heads/main";
const env = (name: string): string => `(has(assertion.environment) && assertion.environment == '${name}')`;
const noEnv = "!has(assertion.environment)";

/**
 * The GitHub context each use accepts (CEL over the token's claims). Read-only checks run on pull requests
 * and on the nightly drift schedule, without an environment; pull-request environments in the `preview`
 * environment (opened/closed pull requests, app repositories' dispatches, the nightly gc); staging and
 * production only on `main` and only in their environment (whose protection rules add reviewers and the
 * branch rule on GitHub's side).
 */
export const USE_CONTEXT: Readonly<Record<DeployerUse, string>> = {
  "pr-check": `((assertion.event_name == 'pull_request' || (assertion.event_name == 'schedule' && assertion.ref == '${MAIN}')) && ${noEnv})`,
  "pr-env": `(${env(GITHUB_ENVIRONMENTS["pr-env"])} && assertion.event_name in ['pull_request', 'workflow_dispatch', 'repository_dispatch', 'schedule'])`,
  staging: `(${env(GITHUB_ENVIRONMENTS.staging)} && assertion.ref == '${MAIN}' && assertion.event_name in ['push', 'workflow_dispatch', 'schedule'])`,
  production: `(${env(GITHUB_ENVIRONMENTS.production)} && assertion.ref == '${MAIN}' && assertion.event_name in ['push', 'workflow_dispatch', 'schedule'])`,
};

/** The value of `attribute.deployer` for a token that fits no use. */
export const NO_USE = "none";

/**
 * The provider's attribute condition: only tokens of this repository, by owner id, repository id and
 * name (all three must hold, so a re-created repository of the same name under the same or another
 * owner is refused).
 */
export function attributeCondition(repo: GitHubRepository): string {
  return [
    `assertion.repository_owner_id == '${repo.ownerId}'`,
    `assertion.repository_id == '${repo.id}'`,
    `assertion.repository == '${repo.owner}/${repo.name}'`,
  ].join(" && ");
}

/**
 * The attribute mapping. `attribute.deployer` names the one use a token's context allows (first match
 * wins, `none` otherwise); deployers are bound to `…/attribute.deployer/<use>`. `ref`, `environment` and
 * `event_name` are mapped too, for audit logs and for conditions an administrator may add.
 */
export function attributeMapping(): Record<string, string> {
  const deployer = DEPLOYER_USES.reduceRight<string>(
    (otherwise, use) => `${USE_CONTEXT[use]} ? '${use}' : ${otherwise}`,
    `'${NO_USE}'`,
  );
  return {
    "google.subject": "assertion.sub",
    "attribute.repository": "assertion.repository",
    "attribute.repository_id": "assertion.repository_id",
    "attribute.repository_owner_id": "assertion.repository_owner_id",
    "attribute.ref": "assertion.ref",
    "attribute.event_name": "assertion.event_name",
    "attribute.environment": "has(assertion.environment) ? assertion.environment : 'none'",
    "attribute.deployer": deployer,
  };
}

/** The principal set of the tokens allowed `use`, in a pool named `projects/<n>/locations/global/workloadIdentityPools/<id>`. */
export function usePrincipalSet(poolName: string, use: DeployerUse): string {
  return `principalSet://iam.googleapis.com/${poolName}/attribute.deployer/${use}`;
}
