/**
 * The two kinds of failure the operations CLI reports without a stack trace (DESIGN §4, Errors): a user's
 * mistake (`CliError` of the command-line kit, shared with the plan tool and the stack-file reader: exit 2)
 * and an operation that did not succeed for a reason the user can act on (`OperationError`: a locked stack,
 * a failed deployment, a failed drill: exit 1). Anything else is a bug and keeps its trace (exit 3).
 */
import { CliError } from "../../cli-kit/cli-error";
import { EXIT, type ExitCode } from "../../cli-kit/exit-codes";

export { CliError };

/** The exit code of an operation that failed (not a bug, not a usage mistake). */
export const FAILURE_EXIT_CODE = EXIT.failed;

/** The exit code after Ctrl-C (128 + SIGINT), as shells report it. */
export const CANCELLED_EXIT_CODE = EXIT.interrupted;

/** A usage mistake: wrong, missing or conflicting flags. Printed without a stack trace, exit 2. */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT.usage);
}

/** An operation that failed for a reason outside the program: printed without a stack trace, exit 1. */
export class OperationError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = FAILURE_EXIT_CODE,
  ) {
    super(message);
    this.name = "OperationError";
  }
}

/** The operation was stopped with Ctrl-C. */
export class CancelledError extends OperationError {
  constructor(message = "cancelled") {
    super(message, CANCELLED_EXIT_CODE);
    this.name = "CancelledError";
  }
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
