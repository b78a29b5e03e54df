/**
 * An engine operation (`preview`, `up`, `destroy`) as every command runs it: announced, its events streamed
 * as progress lines, retried while another update holds the stack's lock (unless the caller would rather
 * skip a busy stack), and — on Ctrl-C — interrupted once (the CLI stops after the steps in flight and
 * releases its lock). It never runs `pulumi cancel`: on a self-managed backend that deletes every lock of
 * the stack, another process's included (pulumi/pulumi pkg/backend/diy/backend.go CancelCurrentUpdate).
 */
import { CancelledError } from "../core/errors";
import type { Automation, OperationOptions } from "../pulumi/automation";
import { describeLock } from "../pulumi/local-args";
import { ProgressPrinter } from "../pulumi/progress";
import { withLockRetry } from "../pulumi/retry";
import { formatDuration } from "../core/time";
import type { OpsContext } from "./context";

export interface EngineOperationOptions {
  /** Retry while the stack is locked (default). `false` lets `StackLockedError` through at once. */
  readonly retryOnLock?: boolean;
}

export async function engineOperation<T>(
  ctx: OpsContext,
  automation: Automation,
  stack: string,
  label: string,
  operation: (options: OperationOptions) => Promise<T>,
  settings: EngineOperationOptions = {},
): Promise<T> {
  ctx.out.info(`${label} ${stack} …`);
  const progress = new ProgressPrinter((line) => ctx.out.info(line), ctx.clock);
  const run = () => operation({ onEvent: progress.onEvent, signal: ctx.signal });
  try {
    if (settings.retryOnLock === false) return await run();
    return await withLockRetry(stack, run, {
      sleep: ctx.sleep,
      policy: ctx.retry,
      signal: ctx.signal,
      onRetry: (attempt, delayMs) =>
        ctx.out.info(
          `stack ${stack} is locked by another update; trying again in ${formatDuration(delayMs)} (attempt ${attempt + 1} of ${ctx.retry.attempts})`,
        ),
    });
  } catch (error) {
    if (!ctx.signal.aborted || error instanceof CancelledError) throw error;
    // The CLI got one interrupt, finished the steps in flight and released its lock. A lock still there
    // belongs to someone else (or to a CLI that was killed): say so, never remove it.
    const left = await automation.locks(stack).catch(() => []);
    const note =
      left.length > 0
        ? `\nThe stack is locked by ${left.map(describeLock).join(", ")}: not by this command. Remove a lock ` +
          `only when that process is gone (${left.map((l) => l.path).join(", ")}).`
        : "";
    throw new CancelledError(
      `${label} of ${stack} was cancelled; resources already changed stay as they are. Run the command again to finish.${note}`,
    );
  }
}
