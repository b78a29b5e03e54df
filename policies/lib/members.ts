/** IAM grants as the provider's `*IamMember`, `*IamBinding` and `*IamPolicy` resources express them. */
import { isRecord, records, str, strings, tryRead } from "./values";

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

function policyDataGrants(policyData: unknown): Grant[] {
  const text = str(tryRead(() => policyData));
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isRecord(parsed)) return [];
  return records(parsed.bindings).map((b) => ({
    role: str(b.role) ?? "",
    members: strings(b.members),
    conditional: isRecord(b.condition),
  }));
}

/**
 * The grants a member, binding or policy resource makes: `{ role, member }`, `{ role, members }` or
 * `{ policyData }` (a JSON policy). Values unknown at preview are skipped.
 */
export function grantsOf(props: Record<string, unknown>): Grant[] {
  const policyData = tryRead(() => props.policyData);
  if (policyData !== undefined) return policyDataGrants(policyData);
  const role = str(tryRead(() => props.role));
  if (role === undefined) return [];
  const member = str(tryRead(() => props.member));
  const members = member !== undefined ? [member] : strings(tryRead(() => props.members));
  return [{ role, members, conditional: isRecord(tryRead(() => props.condition)) }];
}

/** The service account e-mail of a `serviceAccount:<email>` member. */
export function serviceAccountEmail(member: string): string | undefined {
  return member.startsWith("serviceAccount:") ? member.slice("serviceAccount:".length) : undefined;
}

/** True for Google's default Compute Engine and App Engine service accounts. */
export function isDefaultServiceAccount(email: string): boolean {
  return (
    /-compute@developer\.gserviceaccount\.com$/.test(email) || /@appspot\.gserviceaccount\.com$/.test(email)
  );
}
