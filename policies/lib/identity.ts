/** Which service account a Cloud Run service runs as, and which one an IAM grant names. */
import type { PolicyResource } from "@pulumi/policy";
import { referenced, refersTo } from "./stack";
import { rec, str, tryRead, prop } from "./values";

/** A runtime identity: the Account resource of the stack and/or the e-mail. */
export interface Identity {
  readonly account?: PolicyResource;
  readonly email?: string;
}

const known = (value: string | undefined): string | undefined =>
  value !== undefined && value !== "" && !value.startsWith("[") ? value : undefined;

function accountEmail(account: PolicyResource): string | undefined {
  return known(str(prop(account, "email")));
}

/**
 * The identity a Cloud Run service runs as: `template.serviceAccount` when known, and the Account of the
 * stack it names — by value, or at preview through the template's property dependencies when exactly one
 * Account is among them.
 */
export function runtimeIdentity(service: PolicyResource, accounts: readonly PolicyResource[]): Identity {
  const email = known(str(tryRead(() => rec(prop(service, "template")).serviceAccount)));
  if (email !== undefined) {
    const account = accounts.find((a) => accountEmail(a) === email);
    return account ? { account, email } : { email };
  }
  const linked = referenced(service, "template", accounts);
  const account = linked.length === 1 ? linked[0] : undefined;
  return account ? { account, ...(accountEmail(account) ? { email: accountEmail(account) } : {}) } : {};
}

/** True when the grant's `member`/`members` names the identity. */
export function grantNames(grant: PolicyResource, identity: Identity, members: readonly string[]): boolean {
  if (identity.email !== undefined && members.includes(`serviceAccount:${identity.email}`)) return true;
  const account = identity.account;
  if (account === undefined) return false;
  return refersTo(grant, "member", account) || refersTo(grant, "members", account);
}

/** A stable key for an identity (for grouping services by identity). */
export function identityKey(identity: Identity): string | undefined {
  return identity.account?.urn ?? (identity.email !== undefined ? `email:${identity.email}` : undefined);
}
