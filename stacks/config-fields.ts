/**
 * Building blocks of the stack config schema: a component's rule as a zod refinement, the documentation
 * each key carries (the configuration reference, docs/configuration.md, is generated from it by
 * stacks/config-docs.ts), and the bridge that files a component's cross-field check as zod issues.
 */
import { z } from "zod";
import { IAM_MEMBER, IAP_MEMBER } from "../components/shared/members";
import { ROUTE_RULE } from "../components/shared/routes";
import type { ProblemSink, Rule } from "../components/shared/validation";
import { KINDS, PRESETS, type Preset } from "./presets";
import { REGIONS } from "./regions";

/**
 * `schema` documented: what the key means and, where the schema fills in no value itself (`.default()`),
 * what leaving it out means in words (a preset, another key).
 */
export function doc<T extends z.ZodType>(schema: T, description: string, defaultText?: string): T {
  return schema.meta(defaultText === undefined ? { description } : { description, defaultText });
}

/** `schema` documented with the value a component uses when the key is left out (its own default). */
export function docDefault<T extends z.ZodType>(schema: T, description: string, value: unknown): T {
  return schema.meta({ description, default: value });
}

/** `schema` held to a component's rule: the rule's words are the error message and the reference's "allowed". */
export function ruled<T extends z.ZodType>(schema: T, rule: Rule<z.output<T>>): T {
  return schema.refine((value) => rule.test(value), { error: rule.allowed }).meta({ allowed: rule.allowed });
}

/**
 * A record whose keys must pass `rule` (service names, secret names, label keys). The keys are checked in
 * a refinement, not as zod key schemas, so that a bad key does not hide the record's other problems.
 */
export function keyed<T extends z.ZodRecord>(record: T, rule: Rule<string>): T {
  return record
    .superRefine((value, ctx) => {
      for (const key of Object.keys(value))
        if (!rule.test(key)) ctx.addIssue({ code: "custom", path: [key], input: key, message: rule.allowed });
    })
    .meta({ keys: rule.allowed });
}

/** Lets a component's cross-field check (`checkXxx(p, …)`) file its problems as issues of a zod object. */
export function issuesOf(ctx: z.RefinementCtx): ProblemSink {
  return {
    check(ok, path, value, allowed) {
      if (!ok) ctx.addIssue({ code: "custom", path: [path], input: value, message: allowed });
      return ok;
    },
  };
}

/** A default that the environment kind decides, for the reference: `by kind: prod 1, staging 0, feature 0`. */
export function byKind(pick: (preset: Preset) => unknown): string {
  return `by kind: ${KINDS.map((k) => `${k} ${JSON.stringify(pick(PRESETS[k]))}`).join(", ")}`;
}

const REGION_RULE = "a Google Cloud region such as asia-northeast3 (the list is in stacks/regions.ts)";
/** One of the regions where Cloud Run, Firestore and Secret Manager are all available. */
export const regionSchema = (): z.ZodEnum<{ [K in (typeof REGIONS)[number]]: K }> =>
  z.enum(REGIONS, { error: REGION_RULE }).meta({ allowed: REGION_RULE });

/** An IAM member (`group:`, `user:`, `domain:` or `serviceAccount:`). */
export const memberSchema = ruled(z.string(), IAM_MEMBER);
/** A member Identity-Aware Proxy lets through (`group:`, `user:` or `domain:`). */
export const iapMemberSchema = ruled(z.string(), IAP_MEMBER);
/** A load-balancer route: `/exact` or `/prefix/*`. */
export const routeSchema = ruled(z.string(), ROUTE_RULE);
/** Entries that must be distinct. */
export const distinct = <T>(list: readonly T[]): boolean => new Set(list).size === list.length;
