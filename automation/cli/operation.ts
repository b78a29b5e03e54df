/**
 * One engine operation as every command runs it: announced, its events streamed as progress lines,
 * retried while another update holds the stack's lock, and — on Ctrl-C — interrupted, with a best-effort
 * cancel and a clear message.
 */
import { CancelledError } from "../errors";
import type { Automation, OperationOptions } from "../pulumi/automation";
import { ProgressPrinter } from "../pulumi/progress";
import { withLockRetry } from "../pulumi/retry";
import { formatDuration } from "../time";
import type { OpsContext } from "./context";

export async function engineOperation<T>(
  ctx: OpsContext,
  automation: Automation,
  stack: string,
  label: string,
  operation: (options: OperationOptions) => Promise<T>,
): Promise<T> {
  ctx.out.info(`${label} ${stack} …`);
  const progress = new ProgressPrinter((line) => ctx.out.info(line), ctx.clock);
  try {
    return await withLockRetry(stack, () => operation({ onEvent: progress.onEvent, signal: ctx.signal }), {
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
    // The CLI got an interrupt and stopped after the steps in flight; make sure no update stays marked
    // as running (self-managed backends may not support cancel: that is fine).
    await automation.cancel(stack).catch(() => undefined);
    throw new CancelledError(
      `${label} of ${stack} was cancelled; resources already changed stay as they are. Run the command again to finish.`,
    );
  }
}
