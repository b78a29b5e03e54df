/**
 * How a failed command ends: commander's own errors keep commander's exit code (it printed the message),
 * user mistakes and failed operations print one line without a stack trace, anything else is a bug and
 * keeps its trace.
 */
import { CommanderError } from "commander";
import { CliError, FAILURE_EXIT_CODE, OperationError } from "../core/errors";
import { AutomationError } from "../pulumi/automation";

/** Reports `error` through `write` (standard error) and returns the exit code. */
export function reportFailure(error: unknown, write: (text: string) => void): number {
  if (error instanceof CommanderError) return error.exitCode;
  // A config mistake is a `ValidationError` (components/shared/validation), matched by name: importing it
  // would load the Pulumi SDK before --help.
  if (error instanceof CliError || (error instanceof Error && error.name === "ValidationError")) {
    write(`error: ${error.message}\n`);
    return error instanceof CliError ? error.exitCode : FAILURE_EXIT_CODE;
  }
  if (error instanceof OperationError || error instanceof AutomationError) {
    write(`error: ${error.message}\n`);
    return error instanceof OperationError ? error.exitCode : FAILURE_EXIT_CODE;
  }
  write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return FAILURE_EXIT_CODE;
}
