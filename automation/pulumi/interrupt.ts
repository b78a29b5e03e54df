/**
 * Ctrl-C with exactly one interrupt for the CLI. A terminal's Ctrl-C reaches every process of the
 * foreground group, the `pulumi` child included; the Automation API also sends the child a SIGINT when its
 * `signal` aborts (node_modules/@pulumi/pulumi/automation/cmd.js, `proc.kill("SIGINT")`). Two interrupts
 * mean "terminate now" to the CLI: the steps in flight are abandoned and may leave orphaned resources
 * (pulumi/pulumi pkg/backend/cancellation_scope.go). The CLI acknowledges the first one on its standard
 * output ("^C received; cancelling…", same file), so the SDK's interrupt is sent only when no
 * acknowledgement arrived within a grace period — when the user's signal reached this process alone.
 */

/** What the CLI prints when an interrupt reached it (cancellation_scope.go). */
export const CLI_INTERRUPT_ACK = "received; cancelling";

export interface SingleInterrupt {
  /** The signal for the SDK: aborts only when the CLI did not acknowledge the user's interrupt. */
  readonly signal: AbortSignal;
  /** Pass the CLI's standard output here. */
  readonly onOutput: (text: string) => void;
  /** True once the CLI acknowledged an interrupt (however it got it). */
  acknowledged(): boolean;
  dispose(): void;
}

export function singleInterrupt(user: AbortSignal | undefined, graceMs: number): SingleInterrupt {
  const sdk = new AbortController();
  let acked = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = (): void => {
    if (acked) return;
    timer = setTimeout(() => {
      if (!acked) sdk.abort();
    }, graceMs);
  };
  if (user?.aborted) onAbort();
  else user?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: sdk.signal,
    onOutput: (text) => {
      if (text.includes(CLI_INTERRUPT_ACK)) acked = true;
    },
    acknowledged: () => acked,
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      user?.removeEventListener("abort", onAbort);
    },
  };
}
