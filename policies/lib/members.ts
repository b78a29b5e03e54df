/** IAM grants as the provider's `*IamMember`, `*IamBinding` and `*IamPolicy` resources express them. */
import { isPlainObject, records, str, strings, tryRead } from "./values";

/** Principals that mean "anyone" (CIS 5.1 "anonymously or publicly accessible"). */
export const PUBLIC_MEMBERS: readonly string[] = ["allUsers", "allAuthenticatedUsers"];

/** True for `allUsers` / `allAuthenticatedUsers`. */
export const isPublicMember = (member: string): boolean => PUBLIC_MEMBERS.includes(member);

/** One role granted to some members, optionally under a condition. */
export interface Grant {
  readonly role: string;
  readonly members: readonly string[];
  readonly conditional: boolean;
}

function policyDocument(policyData: unknown): unknown {
  const value = tryRead(() => policyData);
  if (isPlainObject(value)) return value;
  const text = str(value);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // not a policy document: the provider rejects it, nothing can be read from it
  }
}

/** The bindings of an IAM policy document (`policyData`, the JSON `gcp.organizations.getIAMPolicy` returns). */
export function policyDataGrants(policyData: unknown): Grant[] {
  const doc = policyDocument(policyData);
  if (!isPlainObject(doc)) return [];
  return records(tryRead(() => doc.bindings)).map((b) => ({
    role: str(tryRead(() => b.role)) ?? "",
    members: strings(tryRead(() => b.members)),
    conditional: isPlainObject(tryRead(() => b.condition)),
  }));
}

/**
 * The grants a member, binding or policy resource makes: `{ role, member }`, `{ role, members }` or
 * `{ policyData }` (a JSON policy document, parsed). Values unknown at preview are skipped.
 */
export function grantsOf(props: Record<string, unknown>): Grant[] {
  const policyData = tryRead(() => props.policyData);
  if (policyData !== undefined) return policyDataGrants(policyData);
  const role = str(tryRead(() => props.role));
  if (role === undefined) return [];
  const member = str(tryRead(() => props.member));
  const members = member !== undefined ? [member] : strings(tryRead(() => props.members));
  return [{ role, members, conditional: isPlainObject(tryRead(() => props.condition)) }];
}

/**
 * The e-mail of a member: `serviceAccount:a@b`, `user:a@b`, `deleted:serviceAccount:a@b?uid=1` and a bare
 * `a@b` (some tools write the address alone) all give `a@b`; principals without one (`allUsers`,
 * `principalSet://…`, `domain:x`) give `undefined`.
 */
export function memberEmail(member: string): string | undefined {
  if (member.includes("://")) return undefined;
  const address = member.slice(member.lastIndexOf(":") + 1).replace(/\?.*$/, "");
  return /^[^@\s]+@[^@\s]+$/.test(address) ? address.toLowerCase() : undefined;
}

/** The service account e-mail of a member whose address is a service account's (`…gserviceaccount.com`). */
export function serviceAccountEmail(member: string): string | undefined {
  const email = memberEmail(member);
  if (email !== undefined && /\.gserviceaccount\.com$/.test(email)) return email;
  return member.startsWith("serviceAccount:") ? email : undefined;
}

/** True for Google's default Compute Engine and App Engine service accounts. */
export function isDefaultServiceAccount(email: string): boolean {
  return (
    /-compute@developer\.gserviceaccount\.com$/i.test(email) || /@appspot\.gserviceaccount\.com$/i.test(email)
  );
}

/** True when a member names a default Compute Engine or App Engine service account. */
export function isDefaultServiceAccountMember(member: string): boolean {
  const email = memberEmail(member);
  return email !== undefined && isDefaultServiceAccount(email);
}

/**
 * True for a Google-managed service agent (https://cloud.google.com/iam/docs/service-agents): project,
 * folder and organization agents `service-[org-|folder-]<number>@<service>.iam.gserviceaccount.com`
 * (`gcp-sa-*`, `compute-system`, `gae-api-prod.google.com`, …) and the Google APIs service agent
 * `<number>@cloudservices.gserviceaccount.com`.
 */
export function isServiceAgentMember(member: string): boolean {
  const email = memberEmail(member);
  if (email === undefined) return false;
  return (
    /^service-(?:org-|folder-)?\d+@[a-z0-9.-]+\.iam\.gserviceaccount\.com$/.test(email) ||
    /^\d+@cloudservices\.gserviceaccount\.com$/.test(email)
  );
}
