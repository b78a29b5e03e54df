/**
 * Removing one feature environment: destroy its resources, then remove the stack. Succeeds when the stack
 * is already gone. Refuses any stack that is not this program's feature stack — by name, by its
 * `module6:kind=feature` tag, and by the kind in the config it was last deployed with (read from the
 * backend's history: the working copy may hold anything) — so a typo can never reach staging or prod. A
 * stack whose updates never created a resource is removed without a `destroy`.
 */
import type { OpsContext } from "../context/context";
import { engineOperation } from "../context/operation";
import { usageError } from "../core/errors";
import {
  StackLockedError,
  StackNotFoundError,
  type Automation,
  type ChangeSummary,
} from "../pulumi/automation";
import { describeLock } from "../pulumi/local-args";
import { withLockRetry } from "../pulumi/retry";
import { isFeatureStackName } from "./stack-name";
import { FEATURE_TAGS } from "./tags";

const KIND_KEY = "module6:kind";

export type DestroyOutcome =
  | { readonly status: "destroyed"; readonly changes: ChangeSummary }
  | { readonly status: "removed" }
  | { readonly status: "absent" }
  | { readonly status: "skipped"; readonly reason: string };

export interface DestroySettings {
  /** Skip a stack another operation holds instead of waiting for it (`feature gc`). */
  readonly skipIfBusy?: boolean;
  /** Re-checks the decision on fresh tags; a reason to keep the stack skips it. */
  readonly recheck?: (tags: Readonly<Record<string, string>>) => string | undefined;
}

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
  settings: DestroySettings = {},
): Promise<DestroyOutcome> {
  assertFeatureStackName(stack);
  try {
    const [tags, history] = await Promise.all([automation.getTags(stack), automation.history(stack, 1)]);
    const tagKind = tags[FEATURE_TAGS.kind];
    const deployedKind = history[0]?.config[KIND_KEY];
    if (tagKind !== "feature")
      throw usageError(
        `refusing to destroy stack "${stack}": it is not tagged ${FEATURE_TAGS.kind}=feature (${tagKind === undefined ? "no such tag" : `"${tagKind}"`}), so this program did not create it`,
      );
    if (deployedKind !== undefined && deployedKind !== "feature")
      throw usageError(
        `refusing to destroy stack "${stack}": its last update ran with ${KIND_KEY} "${deployedKind}", not "feature"`,
      );
    const keep = settings.recheck?.(tags);
    if (keep !== undefined) return { status: "skipped", reason: keep };
    if (settings.skipIfBusy) {
      const locks = await automation.locks(stack);
      if (locks.length > 0)
        return { status: "skipped", reason: `an operation holds it (${locks.map(describeLock).join(", ")})` };
    }
    const retry = { sleep: ctx.sleep, policy: ctx.retry, signal: ctx.signal };
    if ((await automation.resourceCount(stack)) === 0) {
      // Nothing to destroy (its first update failed before creating anything): remove it directly.
      if (settings.skipIfBusy) await automation.removeStack(stack);
      else await withLockRetry(stack, () => automation.removeStack(stack), retry);
      return { status: "removed" };
    }
    const outcome = await engineOperation(
      ctx,
      automation,
      stack,
      "destroy",
      (options) => automation.destroy(stack, { ...options, message: "feature destroy" }),
      { retryOnLock: !settings.skipIfBusy },
    );
    await withLockRetry(stack, () => automation.removeStack(stack), retry);
    return { status: "destroyed", changes: outcome.changes };
  } catch (error) {
    // Someone else removed it between our checks: the goal is reached.
    if (error instanceof StackNotFoundError) return { status: "absent" };
    if (settings.skipIfBusy && error instanceof StackLockedError)
      return { status: "skipped", reason: "another operation took its lock" };
    throw error;
  }
}
