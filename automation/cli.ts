/**
 * `npm run ops -- <command>`: the entry of the operations CLI. It only wires the command tree to the real
 * context and the process; every command lives in its own file under `automation/commands/`.
 *
 * Exit codes (cli-kit/exit-codes.ts): 0 done; 1 the operation failed; 2 a usage or config mistake (one
 * clear message, no stack trace); 3 a bug (with its stack trace); 130 cancelled with Ctrl-C.
 */
import { resolve } from "node:path";
import { buildProgram } from "./cli/program";
import { realContextFactory } from "./cli/real-context";
import { reportFailure } from "./cli/failure";
import { CANCELLED_EXIT_CODE } from "./core/errors";

const controller = new AbortController();
let interrupts = 0;
process.on("SIGINT", () => {
  interrupts += 1;
  if (interrupts > 1) process.exit(CANCELLED_EXIT_CODE);
  process.stderr.write("\ninterrupted: stopping after the steps in flight (Ctrl-C again to quit at once)\n");
  controller.abort();
});

let exitCode = 0;
const program = buildProgram({
  context: realContextFactory({
    root: resolve(__dirname, ".."),
    signal: controller.signal,
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }),
  exit: (code) => {
    exitCode = code;
  },
});

/** Exits once standard output is flushed (a large JSON result must not be cut short in a pipe). */
function exit(code: number): void {
  process.stdout.write("", () => process.exit(code));
}

program.parseAsync(process.argv).then(
  () => exit(exitCode),
  (error: unknown) => exit(reportFailure(error, (text) => process.stderr.write(text))),
);
