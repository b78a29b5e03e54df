/**
 * IAM member strings (`group:team@example.com`, `serviceAccount:x@p.iam.gserviceaccount.com`): the one
 * pattern every rule that takes members uses.
 */
import { rule, type Rule } from "./validation";

export type MemberKind = "group" | "user" | "domain" | "serviceAccount";

/** `<kind>:<identifier>` for one of `kinds`, with no whitespace. */
export function isMember(value: string, kinds: readonly MemberKind[]): boolean {
  return new RegExp(`^(${kinds.join("|")}):\\S+$`).test(value);
}

/** Any member this program grants roles to: a group, a user, a domain or a service account. */
export const IAM_MEMBER: Rule<string> = rule("an IAM member such as group:team@example.com", (v) =>
  isMember(v, ["group", "user", "domain", "serviceAccount"]),
);

/** Who may get through Identity-Aware Proxy: people, by group, user or domain. */
export const IAP_MEMBER: Rule<string> = rule("group:…, user:… or domain:…", (v) =>
  isMember(v, ["group", "user", "domain"]),
);
