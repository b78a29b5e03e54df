/**
 * The change review: the current plan against the base (review-compare.ts), the data-loss gate
 * (review-gate.ts), and
 * the policy violations split into those the change introduces and those the base already had.
 */
import { evaluatePolicies, type EvaluateOptions, type Violation } from "./policy-eval";
import type { ExportDocument, ExportResource } from "./render-json";
import { parseUrn } from "./diff/aliases";
import { canonicalUrn, comparePlans } from "./review-compare";
import { alignBaseStack } from "./review-cross-stack";
import { baseInputsOf, dataLossGate } from "./review-gate";
import type { DiffReport } from "./review-render";

function stackOf(resources: readonly ExportResource[]): string {
  const first = resources[0];
  return first ? parseUrn(first.urn).stack : "";
}

export interface ReviewInput {
  readonly current: ExportDocument;
  /** The current plan's violations (already evaluated by the plan). */
  readonly violations: readonly Violation[];
  readonly base: ExportDocument;
  readonly baseLabel: string;
  /** `--allow-replace` values. */
  readonly allow: readonly string[];
  /** How the current plan's policies were evaluated: the base is evaluated the same way. */
  readonly policyOptions: EvaluateOptions;
}

export interface Review {
  readonly report: DiffReport;
  /** `--allow-replace` values that named no resource at risk. */
  readonly unusedAllows: readonly string[];
  /** Set when the base's policies could not be evaluated (an older program's plan the pack cannot read). */
  readonly baseViolationsError?: string;
}

export async function review(input: ReviewInput): Promise<Review> {
  const cur = input.current.deployment.resources;
  const stack = stackOf(cur);
  const baseStack = stackOf(input.base.deployment.resources) || stack;
  const aligned =
    baseStack !== stack
      ? alignBaseStack(input.base.deployment.resources, cur, { baseStack, stack })
      : undefined;
  const diff = comparePlans(aligned?.resources ?? input.base.deployment.resources, cur, { stack, baseStack });
  const gate = aligned
    ? []
    : dataLossGate(diff.resources, input.allow, baseInputsOf(input.base.deployment.resources));

  // A base violation is "already there" when the same policy flags the same resource (matched by URN or
  // alias, the stack's root standing for the root) in the current plan.
  const becomes = new Map<string, string>();
  for (const [curUrn, baseUrn] of diff.matched)
    becomes.set(canonicalUrn(baseUrn, stack), canonicalUrn(curUrn));
  const key = (policy: string, urn: string) => `${policy}|${urn}`;
  let baseViolations: Violation[] = [];
  let baseViolationsError: string | undefined;
  try {
    baseViolations = await evaluatePolicies(input.base, input.policyOptions);
  } catch (error) {
    baseViolationsError = (error as Error).message;
  }
  const rootOf = (urn: string) => parseUrn(urn).qualifiedType === "pulumi:pulumi:Stack";
  const onBase = new Set(
    baseViolations.map((v) =>
      key(
        v.policy,
        rootOf(v.urn) ? "root" : (becomes.get(canonicalUrn(v.urn, stack)) ?? canonicalUrn(v.urn, stack)),
      ),
    ),
  );
  const introduced: Violation[] = [];
  const existing: Violation[] = [];
  for (const v of input.violations)
    (onBase.has(key(v.policy, rootOf(v.urn) ? "root" : canonicalUrn(v.urn))) ? existing : introduced).push(v);

  const atRisk = diff.resources.filter((d) => gate.some((g) => g.urn === d.urn));
  const unusedAllows = input.allow.filter(
    (a) => !atRisk.some((d) => a === d.urn || a === d.baseUrn || a === d.name),
  );
  return {
    report: {
      diff,
      base: input.baseLabel,
      gate,
      violations: { introduced, existing },
      ...(aligned ? { crossStack: aligned.note } : {}),
    },
    unusedAllows,
    ...(baseViolationsError ? { baseViolationsError } : {}),
  };
}
