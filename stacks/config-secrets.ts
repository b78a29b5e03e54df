/**
 * Secrets: the declared ones (`module6:secrets`) and their values (`module6:secret-<name>`, never read
 * here beyond their names). The rules between the two, the services that mount them and the regions.
 */
import { checkReplicaLocations, type SecretSpec } from "../components/secret-set";
import type { Problem } from "../components/shared/validation";
import { problemAt, sinkAt } from "./config-problems";
import { NAMESPACE, SECRET_KEY_PREFIX } from "./namespace";

/** What the secrets' rules need from the rest of the config. */
export interface SecretContext {
  /** The kind creates its secrets (and so needs their values); feature stacks mount staging's. */
  readonly ownsSecrets: boolean;
  /** `undefined` when `region` failed its schema: replicas are then not checked. */
  readonly region: string | undefined;
  readonly allowedRegions: readonly string[];
  /** Names of the secrets that have a value in config. */
  readonly secretValueNames: readonly string[];
  /** Declared secrets that services mount, in the order the services name them. */
  readonly mounted: readonly string[];
}

/** The names of the declared secrets that have a value, and every problem between secrets and values. */
export function resolveSecrets(
  secrets: Readonly<Record<string, SecretSpec>>,
  ctx: SecretContext,
): { value: string[]; problems: Problem[] } {
  const problems: Problem[] = [];
  for (const name of ctx.secretValueNames) {
    if (!(name in secrets))
      problems.push(
        problemAt(
          `${SECRET_KEY_PREFIX}${name}`,
          "(value hidden)",
          `a value only for a secret declared under ${NAMESPACE}:secrets`,
        ),
      );
  }
  if (ctx.ownsSecrets)
    for (const name of new Set(
      ctx.mounted.filter((n) => n in secrets && !ctx.secretValueNames.includes(n)),
    )) {
      const key = `${NAMESPACE}:${SECRET_KEY_PREFIX}${name}`;
      problems.push(
        problemAt(
          `${SECRET_KEY_PREFIX}${name}`,
          undefined,
          // README "Add a service": any `secure:` value is a secret the offline plan reads as a placeholder.
          `a value: pulumi config set --secret ${key} <value>; to plan offline before the value exists, add ` +
            `"${key}: { secure: placeholder-set-with-pulumi-config-set-secret }" to the stack file ` +
            `(README, "Add a service")`,
        ),
      );
    }
  if (ctx.region !== undefined)
    checkReplicaLocations(sinkAt(problems, ""), secrets, ctx.region, ctx.allowedRegions);
  return { value: ctx.secretValueNames.filter((n) => n in secrets), problems };
}
