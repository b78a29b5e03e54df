/** A user's mistake on the command line or in an input file: printed without a stack trace. */
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
