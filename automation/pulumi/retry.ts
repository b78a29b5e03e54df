/**
 * Waiting out another update's lock: a locked stack is retried with exponential backoff up to a bound,
 * then the operation fails with a message that says what to do. The clock and the sleep are injected so
 * tests run in no time.
 */
import { CancelledError, OperationError } from "../core/errors";
import { StackLockedError } from "./automation";
import type { Sleeper } from "../core/time";

/** How long to wait for a lock. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The first wait; each next wait doubles. */
  readonly initialDelayMs: number;
  /** No single wait is longer. */
  readonly maxDelayMs: number;
}

/** Up to 8 attempts over about 6 minutes: 5 s, 10 s, 20 s, 40 s, 80 s, 2 min, 2 min. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, initialDelayMs: 5_000, maxDelayMs: 120_000 };

/** The waits between attempts of a policy. */
export function backoffDelays(policy: RetryPolicy): number[] {
  return Array.from({ length: Math.max(0, policy.attempts - 1) }, (_, i) =>
    Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** i),
  );
}

/** What `withLockRetry` needs besides the operation. */
export interface RetryContext {
  readonly sleep: Sleeper;
  readonly policy?: RetryPolicy;
  readonly signal?: AbortSignal;
  /** Called before each wait: progress for the user. */
  readonly onRetry?: (attempt: number, delayMs: number, error: StackLockedError) => void;
}

/** Runs `operation`; while the stack is locked, waits and tries again, up to the policy's bound. */
export async function withLockRetry<T>(
  stack: string,
  operation: () => Promise<T>,
  context: RetryContext,
): Promise<T> {
  const delays = backoffDelays(context.policy ?? DEFAULT_RETRY);
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof StackLockedError)) throw error;
      const delay = delays[attempt - 1];
      if (delay === undefined) {
        throw new OperationError(
          `stack "${stack}" is still locked by another update after ${attempt} attempts over ${formatWait(waited)}.\n` +
            `Wait for that update to finish and run the command again. If no update is running (a crashed run ` +
            `left its lock behind), remove the lock file under .pulumi/locks/ for this stack in the state ` +
            `bucket, then run the command again.`,
        );
      }
      if (context.signal?.aborted)
        throw new CancelledError(`cancelled while waiting for the lock of "${stack}"`);
      context.onRetry?.(attempt, delay, error);
      await context.sleep(delay, context.signal);
      waited += delay;
    }
  }
}

function formatWait(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}
