/**
 * Which feature environments `feature gc` removes: those whose pull request is closed and those past their
 * expiry. A pure function of the stack list, the time and the closed pull requests, so it is tested offline.
 */
import type { StackInfo } from "../pulumi/automation";
import { formatDuration } from "../core/time";
import { readFeatureTags } from "./tags";

export type GcAction = "destroy" | "keep" | "skip";

export interface GcDecision {
  readonly stack: string;
  readonly action: GcAction;
  readonly reason: string;
  readonly pr?: number;
  readonly expires?: Date;
}

export interface GcInput {
  /** Feature stacks only (the caller filters by name and tag). */
  readonly stacks: readonly Pick<StackInfo, "name" | "tags" | "lastUpdate" | "updateInProgress">[];
  readonly now: Date;
  /** Pull requests that are closed or merged. */
  readonly closedPrs: ReadonlySet<number>;
  /** The lifetime of a stack without an expiry tag, counted from its creation tag or last update. */
  readonly defaultTtlMs: number;
}

/**
 * Whether a stack whose `expires` tag says `expires` has expired at `now` (ms): from that very moment on.
 * `feature gc` destroys and `feature list` flags by this one rule, so the two never disagree.
 */
export function hasExpired(expires: Date, now: number): boolean {
  return expires.getTime() <= now;
}

function decide(stack: GcInput["stacks"][number], input: GcInput): GcDecision {
  const tags = readFeatureTags(stack.tags);
  const base = {
    stack: stack.name,
    ...(tags.pr !== undefined ? { pr: tags.pr } : {}),
    ...(tags.expires ? { expires: tags.expires } : {}),
  };
  const now = input.now.getTime();
  if (stack.updateInProgress) return { ...base, action: "skip", reason: "an operation holds its lock" };
  if (tags.pr !== undefined && input.closedPrs.has(tags.pr))
    return { ...base, action: "destroy", reason: `pull request #${tags.pr} is closed` };
  if (tags.expires) {
    const left = tags.expires.getTime() - now;
    return hasExpired(tags.expires, now)
      ? { ...base, action: "destroy", reason: `expired ${formatDuration(-left)} ago` }
      : { ...base, action: "keep", reason: `expires in ${formatDuration(left)}` };
  }
  const since = tags.created ?? stack.lastUpdate;
  if (since === undefined)
    return { ...base, action: "keep", reason: "no expiry tag and no update time: its age is unknown" };
  const age = now - since.getTime();
  return age >= input.defaultTtlMs
    ? {
        ...base,
        action: "destroy",
        reason: `no expiry tag; ${formatDuration(age)} old, past the default TTL of ${formatDuration(input.defaultTtlMs)}`,
      }
    : { ...base, action: "keep", reason: `no expiry tag; ${formatDuration(age)} old` };
}

/** One decision per stack, in the order given. */
export function decideGc(input: GcInput): GcDecision[] {
  return input.stacks.map((s) => decide(s, input));
}
