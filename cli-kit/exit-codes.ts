/**
 * The exit codes of every command-line tool of this repository (`npm run plan`, `npm run audit`,
 * `npm run ops`), so that CI can tell a failed gate from a mistake in its own call and from a crash.
 */
export const EXIT = {
  /** Done: planned, audited or operated, and the gate (if any) passed. */
  ok: 0,
  /** The gate or the operation failed: a mandatory policy, a failed update, a failed drill. */
  failed: 1,
  /** A usage or config mistake: bad flags, an unreadable or malformed input, invalid stack config. */
  usage: 2,
  /** A bug: printed with its stack trace. */
  bug: 3,
  /** Interrupted with Ctrl-C (128 + SIGINT, as shells report it). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The table every `--help` ends with. */
export const EXIT_CODES_HELP = `Exit codes:
  0    ok (the gate passed, the operation succeeded)
  1    the gate or the operation failed (a mandatory policy, a failed update)
  2    a usage or config mistake (one message, no stack trace)
  3    a bug (printed with its stack trace)
  130  interrupted (Ctrl-C)`;
