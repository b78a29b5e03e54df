/**
 * How every command-line tool ends on an error (DESIGN §4, Errors): a user's mistake is one line and exit 2,
 * a failed operation one line and exit 1, commander's own errors keep the message commander printed (exit
 * 2; `--help` exits 0), anything else is a bug: its stack trace and exit 3.
 */
import { CommanderError } from "commander";
import { EXIT, type ExitCode } from "./exit-codes";

/** What a known failure prints (nothing when commander already printed it) and its exit code. */
export interface KnownFailure {
  readonly exitCode: ExitCode;
  readonly message: string | undefined;
}

/** Recognises a tool's own failure classes (an operation that failed, a policy config mistake, …). */
export type FailureClassifier = (error: unknown) => KnownFailure | undefined;

/**
 * Errors that are a user's mistake, by class name: `CliError` (this kit) and `ValidationError`
 * (components/shared/validation: invalid stack config). Matched by name so that the kit loads nothing of
 * the program (importing the validation module would load the Pulumi SDK before `--help`).
 */
const USER_MISTAKES = new Set(["CliError", "ValidationError"]);

const isExitCode = (code: unknown): code is ExitCode => (Object.values(EXIT) as unknown[]).includes(code);

/** The exit code of a known failure and what to print, or `undefined` for a bug. */
export function classifyFailure(
  error: unknown,
  classifiers: readonly FailureClassifier[] = [],
): KnownFailure | undefined {
  if (error instanceof CommanderError)
    return { exitCode: error.exitCode === 0 ? EXIT.ok : EXIT.usage, message: undefined };
  if (error instanceof Error && USER_MISTAKES.has(error.name)) {
    const code = (error as { exitCode?: unknown }).exitCode;
    return { exitCode: isExitCode(code) ? code : EXIT.usage, message: error.message };
  }
  for (const classify of classifiers) {
    const known = classify(error);
    if (known) return known;
  }
  return undefined;
}

/** A bug as printed: its stack trace (or the thrown value). */
export function describeBug(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Reports `error` through `write` (standard error) and returns the exit code. */
export function reportFailure(
  error: unknown,
  write: (text: string) => void,
  classifiers: readonly FailureClassifier[] = [],
): number {
  const known = classifyFailure(error, classifiers);
  if (known === undefined) {
    write(`${describeBug(error)}\n`);
    return EXIT.bug;
  }
  if (known.message !== undefined) write(`error: ${known.message}\n`);
  return known.exitCode;
}
