/**
 * Runs one policy the way the CLI's analyzer would, through the offline evaluator's argument builders:
 * a resource policy on one resource's inputs, a stack policy on a set of resources' outputs. Policies are
 * awaited, as the analyzer awaits them: an async policy's violations and errors are never lost.
 */
import type { Module6Policy } from "../../policies/all";
import {
  NotApplicableError,
  resourceArgs,
  stackArgs,
  stackResources,
  type ArgsContext,
} from "../../plan/policy-args";
import { policySettings } from "../../plan/policy-config";
import type { ExportResource } from "../../plan/render-json";
import { provider, root } from "../fixtures/policies/build";

export interface CheckOptions {
  /** The policy's settings (what `getConfig()` returns, over the schema defaults). */
  readonly config?: Record<string, unknown>;
  readonly stackTags?: Readonly<Record<string, string>>;
  /** The environment in the provider's default labels (`null`: none). */
  readonly env?: string | null;
  readonly preview?: boolean;
}

export interface ResourceOutcome {
  readonly applicable: boolean;
  readonly messages: string[];
}

function context(resources: readonly ExportResource[], options: CheckOptions): ArgsContext {
  const all = [root(), provider(options.env === undefined ? "prod" : options.env), ...resources];
  return {
    byUrn: new Map(all.map((r) => [r.urn, r])),
    stackTags: new Map(Object.entries(options.stackTags ?? {})),
    preview: options.preview === true,
  };
}

const settings = (policy: Module6Policy, options: CheckOptions): Record<string, unknown> =>
  policySettings(policy, options.config ? { [policy.name]: options.config } : {});

/** Runs a resource policy on `resource`; `applicable` is false when it called `notApplicable()`. */
export async function checkResource(
  policy: Module6Policy,
  resource: ExportResource,
  options: CheckOptions = {},
): Promise<ResourceOutcome> {
  if (policy.kind !== "resource") throw new Error(`${policy.name} is a stack policy`);
  const messages: string[] = [];
  try {
    await policy.validateResource(
      resourceArgs(resource, context([resource], options), settings(policy, options)),
      (m) => messages.push(m),
    );
  } catch (error) {
    if (error instanceof NotApplicableError) return { applicable: false, messages };
    throw error;
  }
  return { applicable: true, messages };
}

/** The messages of a resource policy on `resource` (fails when not applicable). */
export async function messagesOf(
  policy: Module6Policy,
  resource: ExportResource,
  options: CheckOptions = {},
): Promise<string[]> {
  const outcome = await checkResource(policy, resource, options);
  if (!outcome.applicable) throw new Error(`${policy.name} is not applicable to ${resource.type}`);
  return outcome.messages;
}

export interface StackViolation {
  readonly urn: string | undefined;
  readonly message: string;
}

/** Runs a stack policy on `resources` (plus the stack's root and provider). */
export async function checkStack(
  policy: Module6Policy,
  resources: readonly ExportResource[],
  options: CheckOptions = {},
): Promise<StackViolation[]> {
  if (policy.kind !== "stack") throw new Error(`${policy.name} is a resource policy`);
  const ctx = context(resources, options);
  const violations: StackViolation[] = [];
  await policy.validateStack(
    stackArgs(stackResources([...ctx.byUrn.values()], ctx), ctx, settings(policy, options)),
    (message, urn) => violations.push({ urn, message }),
  );
  return violations;
}

/** The messages of a stack policy on `resources`. */
export const stackMessages = async (
  policy: Module6Policy,
  resources: readonly ExportResource[],
  options: CheckOptions = {},
): Promise<string[]> => (await checkStack(policy, resources, options)).map((v) => v.message);
