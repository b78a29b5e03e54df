import * as pulumi from "@pulumi/pulumi";
import type { Member } from "./types";

/**
 * The logical-name suffix of an IAM grant. A plain member string names itself (sanitised); a member that
 * is an output (an email known only after deploy) needs an explicit, stable `key`.
 */
export function grantKey(member: Member, key: string | undefined, what: string): string {
  if (key !== undefined) return key;
  if (typeof member === "string") return member.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  throw new pulumi.RunError(`${what}: a member that is an output needs a stable key (the second argument)`);
}
