/**
 * What a command runs against: the Pulumi programs (through the `Automation` interface), Cloud
 * Monitoring and Firestore (through their interfaces), the clock, the output and the Ctrl-C signal. The
 * entry builds the real one; tests build one over fakes.
 */
import type { Automation, ProgramId } from "../pulumi/automation";
import type { RetryPolicy } from "../pulumi/retry";
import type { MetricsSource } from "./metrics";
import type { BackupCatalog, RestoreVerifier } from "./firestore";
import type { Clock, Sleeper } from "../core/time";
import type { Output } from "./output";

export interface OpsContext {
  /** The repository root: the infrastructure program's `workDir` and where stack files live. */
  readonly root: string;
  readonly out: Output;
  readonly clock: Clock;
  readonly sleep: Sleeper;
  /** Aborted by Ctrl-C. */
  readonly signal: AbortSignal;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** How long to wait for a locked stack. */
  readonly retry: RetryPolicy;
  /** The adapter of a program. `createsStacks` demands a secrets provider for new stacks. */
  automation(program: ProgramId, options?: { readonly createsStacks?: boolean }): Promise<Automation>;
  metrics(): Promise<MetricsSource>;
  backups(): Promise<BackupCatalog>;
  verifier(): Promise<RestoreVerifier>;
}

/** Options every command accepts (declared on the root command). */
export interface GlobalOptions {
  readonly json?: boolean;
  /** `--out <file>`: the result goes to this file instead of standard output. */
  readonly out?: string;
  readonly backendUrl?: string;
  readonly secretsProvider?: string;
}

/** Builds the context of one command run from the global options. */
export type ContextFactory = (globals: GlobalOptions) => OpsContext;

/** The same context with another abort signal (cleanup that must run after Ctrl-C). */
export function withSignal(ctx: OpsContext, signal: AbortSignal): OpsContext {
  return {
    root: ctx.root,
    out: ctx.out,
    clock: ctx.clock,
    sleep: ctx.sleep,
    signal,
    env: ctx.env,
    retry: ctx.retry,
    automation: (program, options) => ctx.automation(program, options),
    metrics: () => ctx.metrics(),
    backups: () => ctx.backups(),
    verifier: () => ctx.verifier(),
  };
}
