/**
 * A user's mistake on the command line or in an input file: printed as one line without a stack trace.
 * Every tool (`plan/`, `automation/`) and the stack-file reader report through it.
 */
import { EXIT, type ExitCode } from "./exit-codes";

export class CliError extends Error {
  constructor(
    message: string,
    /** Process exit code: 2 (a usage or config mistake) unless said otherwise. */
    readonly exitCode: ExitCode = EXIT.usage,
  ) {
    super(message);
    this.name = "CliError";
  }
}
