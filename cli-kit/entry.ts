/**
 * The process side of a tool that runs in process (`npm run plan`, `npm run audit`): prints what the run
 * returned, waits until standard output is written (process.exit() would cut a large report short in a
 * pipe), exits with its code; Ctrl-C exits 130, an unexpected error prints its stack trace and exits 3.
 */
import { EXIT } from "./exit-codes";
import type { CliRun } from "./command";
import { describeBug } from "./report";

function bug(error: unknown): never {
  process.stderr.write(`${describeBug(error)}\n`);
  process.exit(EXIT.bug);
}

/** Runs `main` with the process's arguments and ends the process with its exit code. */
export function runEntry(main: (argv: string[]) => Promise<CliRun>): void {
  process.on("SIGINT", () => {
    process.stderr.write("\ninterrupted\n");
    process.exit(EXIT.interrupted);
  });
  process.on("unhandledRejection", bug);
  main(process.argv.slice(2)).then(async ({ exitCode, stdout, stderr }) => {
    if (stderr) process.stderr.write(`${stderr}\n`);
    if (stdout) await new Promise<void>((done) => process.stdout.write(`${stdout}\n`, () => done()));
    process.exit(exitCode);
  }, bug);
}
