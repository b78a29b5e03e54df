/**
 * Evaluates the policy pack offline against a stack-export document (a plan's JSON or a real
 * `pulumi stack export`): resource policies on every resource's inputs, stack policies on the outputs
 * with parents and dependencies, the way the Pulumi CLI's analyzer would during `pulumi preview
 * --policy-pack policies`. No CLI, network or credentials.
 *
 * ```ts
 * const violations = await evaluatePolicies(renderJson(plan), { stackTags: { environment: "prod" } });
 * const summary = summarize(violations);   // summary.mandatory > 0 → exit 1
 * ```
 */
import type { Severity } from "@pulumi/policy";
import { allPolicies, type Module6Policy } from "../policies/all";
import { matchesType } from "../policies/lib/tokens";
import {
  NotApplicableError,
  resourceArgs,
  stackArgs,
  stackResources,
  UnknownValueError,
  type ArgsContext,
} from "./policy-args";
import { effectiveLevel, policySettings, validatePolicyConfig, type PolicyConfig } from "./policy-config";
import { plainValue } from "./record";
import type { ExportDocument, ExportResource } from "./render-json";

export type { PolicyConfig } from "./policy-config";
export { PolicyConfigError } from "./policy-config";

/** One violation of one policy by one resource (or by the stack). */
export interface Violation {
  readonly policy: string;
  readonly enforcementLevel: "mandatory" | "advisory";
  readonly severity: Severity;
  /** The resource in violation; the stack's root URN when a stack policy names none. */
  readonly urn: string;
  readonly message: string;
}

export interface EvaluateOptions {
  /** Pack configuration (`--policy-pack-config` format); validated, defaults filled in. */
  readonly config?: PolicyConfig;
  /** Stack tags; `environment` names the stack's environment (prod, staging, feature). */
  readonly stackTags?: Readonly<Record<string, string>>;
  /** Evaluate as a preview: reading an `[unknown]` value downgrades the policy to an advisory notice. */
  readonly preview?: boolean;
  /** The policies to run (default: the whole pack). */
  readonly policies?: readonly Module6Policy[];
}

/** Counts of a list of violations. */
export interface Summary {
  readonly total: number;
  readonly mandatory: number;
  readonly advisory: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly byPolicy: Readonly<Record<string, number>>;
  /** True when no mandatory policy is violated (the gate passes). */
  readonly passed: boolean;
}

const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];

/** The resources of a document, with secrets and wire-format values made plain and inputs/outputs present. */
export function exportResources(input: ExportDocument | readonly ExportResource[]): ExportResource[] {
  const list = Array.isArray(input)
    ? (input as readonly ExportResource[])
    : (input as ExportDocument).deployment.resources;
  return list.map((r) => ({
    ...r,
    inputs: (plainValue(r.inputs ?? {}) as Record<string, unknown>) ?? {},
    outputs: (plainValue(r.outputs ?? {}) as Record<string, unknown>) ?? {},
  }));
}

function previewNotice(policy: Module6Policy, urn: string, error: UnknownValueError): Violation {
  return {
    policy: policy.name,
    enforcementLevel: "advisory",
    severity: policy.severity,
    urn,
    message: `can't run policy '${policy.name}' during preview: ${error.message}`,
  };
}

function failure(policy: Module6Policy, urn: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`policy '${policy.name}' failed on ${urn}: ${reason}`, { cause: error });
}

/** Runs the pack; returns every violation, in policy order. Throws `PolicyConfigError` for a bad config. */
export async function evaluatePolicies(
  input: ExportDocument | readonly ExportResource[],
  options: EvaluateOptions = {},
): Promise<Violation[]> {
  const policies = options.policies ?? allPolicies;
  const config = validatePolicyConfig(options.config ?? {}, policies);
  const resources = exportResources(input);
  const ctx: ArgsContext = {
    byUrn: new Map(resources.map((r) => [r.urn, r])),
    stackTags: new Map(Object.entries(options.stackTags ?? {})),
    preview: options.preview === true,
  };
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
  const violations: Violation[] = [];
  let stackView: ReturnType<typeof stackResources> | undefined;

  for (const policy of policies) {
    const level = effectiveLevel(policy, config);
    if (level === "disabled") continue;
    const settings = policySettings(policy, config);
    const push = (urn: string, message: string): void => {
      violations.push({
        policy: policy.name,
        enforcementLevel: level,
        severity: policy.severity,
        urn,
        message,
      });
    };
    if (policy.kind === "resource") {
      for (const r of resources) {
        if (!matchesType(policy.resourceTypes, r.type)) continue;
        try {
          // As in the CLI, a resource policy's violations always name the resource being validated.
          await policy.validateResource(resourceArgs(r, ctx, settings), (message) => push(r.urn, message));
        } catch (error) {
          if (error instanceof NotApplicableError) continue;
          if (error instanceof UnknownValueError) violations.push(previewNotice(policy, r.urn, error));
          else throw failure(policy, r.urn, error);
        }
      }
    } else {
      stackView ??= stackResources(resources, ctx);
      try {
        await policy.validateStack(stackArgs(stackView, ctx, settings), (message, urn) =>
          push(urn || root, message),
        );
      } catch (error) {
        if (error instanceof NotApplicableError) continue;
        if (error instanceof UnknownValueError) violations.push(previewNotice(policy, root, error));
        else throw failure(policy, root, error);
      }
    }
  }
  return violations;
}

/** Counts by enforcement level, severity and policy. */
export function summarize(violations: readonly Violation[]): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byPolicy: Record<string, number> = {};
  let mandatory = 0;
  for (const v of violations) {
    if (v.enforcementLevel === "mandatory") mandatory++;
    bySeverity[v.severity]++;
    byPolicy[v.policy] = (byPolicy[v.policy] ?? 0) + 1;
  }
  return {
    total: violations.length,
    mandatory,
    advisory: violations.length - mandatory,
    bySeverity,
    byPolicy,
    passed: mandatory === 0,
  };
}

/** The gate's exit code: 1 when a mandatory policy is violated, else 0. */
export const gateExitCode = (violations: readonly Violation[]): 0 | 1 =>
  summarize(violations).passed ? 0 : 1;
