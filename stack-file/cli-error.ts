/**
 * A user's mistake on the command line or in an input file: printed without a stack trace. Both tools
 * (`plan/`, `automation/`) report through it; it lives here because reading a stack file is the lowest code
 * that reports such a mistake.
 */
export class CliError extends Error {
  constructor(
    message: string,
    /** Process exit code. */
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "CliError";
  }
}
