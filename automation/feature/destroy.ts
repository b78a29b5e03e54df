/**
 * Removing one feature environment: destroy its resources, then remove the stack. Succeeds when the stack
 * is already gone; refuses any stack that is not a feature stack, by name and by its config's kind, so a
 * typo can never reach staging or prod.
 */
import type { OpsContext } from "../cli/context";
import { engineOperation } from "../cli/operation";
import { usageError } from "../errors";
import { StackNotFoundError, type Automation, type ChangeSummary } from "../pulumi/automation";
import { withLockRetry } from "../pulumi/retry";
import { isFeatureStackName } from "./stack-name";
import { FEATURE_TAGS } from "./tags";

const KIND_KEY = "module6:kind";

export type DestroyOutcome =
  { readonly status: "destroyed"; readonly changes: ChangeSummary } | { readonly status: "absent" };

/** Throws unless `stack` is named like a feature stack. */
export function assertFeatureStackName(stack: string): void {
  if (!isFeatureStackName(stack))
    throw usageError(
      `refusing to touch stack "${stack}": only feature stacks (feature-<slug>) are created and destroyed by feature commands`,
    );
}

/** Destroys and removes a feature stack; `absent` when there was nothing to remove. */
export async function destroyFeatureStack(
  ctx: OpsContext,
  automation: Automation,
  stack: string,
): Promise<DestroyOutcome> {
  assertFeatureStackName(stack);
  try {
    if (!(await automation.hasStack(stack))) return { status: "absent" };
    const kind = (await automation.getConfig(stack))[KIND_KEY];
    const tagKind = (await automation.getTags(stack))[FEATURE_TAGS.kind];
    const wrongConfig = kind !== undefined && kind !== "feature";
    if (wrongConfig || (tagKind !== undefined && tagKind !== "feature")) {
      const what = wrongConfig
        ? `config has ${KIND_KEY} "${kind}"`
        : `tag ${FEATURE_TAGS.kind} is "${tagKind}"`;
      throw usageError(`refusing to destroy stack "${stack}": its ${what}, not "feature"`);
    }
    const outcome = await engineOperation(ctx, automation, stack, "destroy", (options) =>
      automation.destroy(stack, { ...options, message: "feature destroy" }),
    );
    await withLockRetry(stack, () => automation.removeStack(stack), {
      sleep: ctx.sleep,
      policy: ctx.retry,
      signal: ctx.signal,
    });
    return { status: "destroyed", changes: outcome.changes };
  } catch (error) {
    // Someone else removed it between our checks: the goal is reached.
    if (error instanceof StackNotFoundError) return { status: "absent" };
    throw error;
  }
}
