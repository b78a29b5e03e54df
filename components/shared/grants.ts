import * as pulumi from "@pulumi/pulumi";
import { logicalKey } from "./logical-name";
import type { Member } from "./types";

/**
 * The logical-name suffix of an IAM grant. A plain member string names itself (folded, with a hash when folding lost characters); a member that
 * is an output (an email known only after deploy) needs an explicit, stable `key`.
 */
export function grantKey(member: Member, key: string | undefined, what: string): string {
  if (key !== undefined) return key;
  if (typeof member === "string") return logicalKey([member]);
  throw new pulumi.RunError(`${what}: a member that is an output needs a stable key (the second argument)`);
}
