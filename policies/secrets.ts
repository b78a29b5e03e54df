/** Secret Manager: protection, public grants, and runtime access only to the secrets a service mounts. */
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import type { PolicyResource } from "@pulumi/policy";
import { configProperties, readConfig, schema } from "./lib/config";
import { inEnvironments } from "./lib/environment";
import { grantNames, identityKey, runtimeIdentity, type Identity } from "./lib/identity";
import { SECRET_GRANTS } from "./lib/grants";
import { grantsOf, isPublicMember } from "./lib/members";
import { resourcePolicy, stackPolicy, type Module6Policy } from "./lib/policy";
import { displayName, referenced, StackResources } from "./lib/stack";
import { T } from "./lib/tokens";
import { lastSegment, q, rec, records, shown, str, tryRead, prop } from "./lib/values";

type Secret = Unwrap<gcp.secretmanager.SecretArgs>;

export const SECRET_ACCESSOR = "roles/secretmanager.secretAccessor";

export const secretDeletionProtection = resourcePolicy<Secret>(
  {
    name: "secret-deletion-protection",
    domain: "secrets",
    description:
      "Checks that a secret in the configured environments (default prod and staging) has the provider's deletion protection. Unset deletionProtection is false: a destroy or replacement deletes the secret and every version.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Set `deletionProtection: true` on the secret (SecretSet does outside feature environments).",
    configSchema: schema({ environments: configProperties.environments(["prod", "staging"]) }),
    types: [T.smSecret],
  },
  (secret, args, report) => {
    const { environments } = readConfig(args, { environments: ["prod", "staging"] });
    if (secret.deletionProtection === true || !inEnvironments(args, args.stackTags, environments)) return;
    report(
      `Secret ${q(secret.secretId ?? args.name)} must enable deletion protection; ${shown("deletionProtection", secret.deletionProtection, "the provider treats as false")}`,
    );
  },
);

export const secretIamNoPublicMembers = resourcePolicy<{ secretId?: string }>(
  {
    name: "secret-iam-no-public-members",
    domain: "secrets",
    description:
      "Checks that no Secret Manager IAM member, binding or policy (policy documents parsed) grants any role on a secret to allUsers or allAuthenticatedUsers.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Grant secret access per secret to the service accounts that mount it (`secret.grantAccess(sa)`).",
    types: SECRET_GRANTS,
  },
  (grant, args, report) => {
    for (const g of grantsOf(args.props)) {
      for (const member of g.members.filter(isPublicMember)) {
        report(
          `Secret ${q(lastSegment(str(tryRead(() => grant.secretId)) ?? args.name))} must not grant ${g.role} to ${member}`,
        );
      }
    }
  },
);

const key = (ref: string | undefined): string | undefined =>
  ref === undefined || ref === "" || ref.startsWith("[") ? undefined : lastSegment(ref).toLowerCase();

function secretKeyOf(secret: PolicyResource): string | undefined {
  return key(str(prop(secret, "secretId"))) ?? key(str(prop(secret, "name")));
}

/** The secrets a dependency list reaches: Secret resources, or the Secret of a SecretVersion. */
function secretsThrough(deps: readonly PolicyResource[], secrets: readonly PolicyResource[]): Set<string> {
  const out = new Set<string>();
  for (const dep of deps) {
    const targets =
      dep.type === T.smSecret
        ? [dep]
        : dep.type === T.secretVersion
          ? referenced(dep, "secret", secrets)
          : [];
    for (const s of targets) {
      const k = secretKeyOf(s);
      if (k) out.add(k);
    }
  }
  return out;
}

/** The secrets a Cloud Run service mounts: env `secretKeyRef`s and secret volumes, by value and by dependency. */
function mountedSecrets(svc: PolicyResource, secrets: readonly PolicyResource[]): Set<string> {
  const template = rec(prop(svc, "template"));
  const out = secretsThrough(svc.propertyDependencies.template ?? [], secrets);
  for (const container of records(tryRead(() => template.containers))) {
    for (const env of records(tryRead(() => container.envs))) {
      const ref = rec(rec(tryRead(() => env.valueSource)).secretKeyRef);
      const k = key(str(tryRead(() => ref.secret)));
      if (k) out.add(k);
    }
  }
  for (const volume of records(tryRead(() => template.volumes))) {
    const k = key(str(tryRead(() => rec(volume.secret).secret)));
    if (k) out.add(k);
  }
  return out;
}

/** The secret a grant is on: its secretId by value, or the Secret its dependencies lead to. */
function grantedSecret(grant: PolicyResource, secrets: readonly PolicyResource[]): string | undefined {
  const byValue = key(str(prop(grant, "secretId")));
  if (byValue) return byValue;
  const through = [...secretsThrough(grant.propertyDependencies.secretId ?? [], secrets)];
  return through.length === 1 ? through[0] : undefined;
}

export const secretAccessorOnlyMounted = stackPolicy(
  {
    name: "secret-accessor-only-mounted",
    domain: "secrets",
    description:
      "Checks that a Cloud Run runtime service account gets roles/secretmanager.secretAccessor only on secrets that a service running as it mounts (env secretKeyRef or secret volume). Grants, services and service accounts are linked by value or, at preview, through property dependencies (grant → secret version → secret, service → service account).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant access per secret with `secret.grantAccess(sa)` only for the services whose `secretEnv` names it; remove grants for secrets the service no longer mounts.",
  },
  (args, report) => {
    const stack = new StackResources(args.resources);
    const secrets = stack.ofType(T.smSecret);
    const accounts = stack.ofType(T.serviceAccount);
    const runtimes = new Map<
      string,
      { identity: Identity; services: PolicyResource[]; mounted: Set<string> }
    >();
    for (const svc of stack.ofType(T.runService)) {
      const identity = runtimeIdentity(svc, accounts);
      const k = identityKey(identity);
      if (k === undefined) continue;
      const entry = runtimes.get(k) ?? { identity, services: [], mounted: new Set<string>() };
      entry.services.push(svc);
      for (const s of mountedSecrets(svc, secrets)) entry.mounted.add(s);
      runtimes.set(k, entry);
    }
    for (const grant of stack.ofType(...SECRET_GRANTS)) {
      for (const g of grantsOf(grant.props).filter((x) => x.role === SECRET_ACCESSOR)) {
        const secret = grantedSecret(grant, secrets);
        if (secret === undefined) continue;
        for (const { identity, services, mounted } of runtimes.values()) {
          if (mounted.has(secret) || !grantNames(grant, identity, g.members)) continue;
          const who = identity.email ?? (identity.account ? displayName(identity.account, "accountId") : "");
          const names = [...new Set(services.map((s) => q(displayName(s))))].join(", ");
          report(
            `Runtime service account ${q(who)} of Cloud Run service ${names} must get ${SECRET_ACCESSOR} only on secrets it mounts; it is granted ${q(secret)}, which no service running as it mounts`,
            grant.urn,
          );
        }
      }
    }
  },
);

export const secretsPolicies: readonly Module6Policy[] = [
  secretDeletionProtection,
  secretIamNoPublicMembers,
  secretAccessorOnlyMounted,
];
