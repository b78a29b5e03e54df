/**
 * `npm run plan -- --stack <name> [--config-file <Pulumi.x.yaml>] [--format text|json|markdown] [--out <file>]`
 *
 * Plans the real program for a stack offline (plan-command.ts). Exit codes: 0 planned and no mandatory
 * violation; 1 a mandatory policy is violated; 2 a config or usage mistake (one clear message, no stack
 * trace); 3 a bug (with its stack trace).
 */
import { planCommand } from "./plan-command";

async function main(): Promise<number> {
  const { exitCode, stdout, stderr } = await planCommand(process.argv.slice(2));
  // process.exit() would cut a large plan short when stdout is a pipe: wait until it is written.
  if (stdout) await new Promise<void>((done) => process.stdout.write(`${stdout}\n`, () => done()));
  if (stderr) console.error(stderr);
  return exitCode;
}

function fail(error: unknown): never {
  console.error(error);
  process.exit(3);
}

// Pulumi records a stack trace for every resource it registers; with source maps on (tsx turns them on)
// each trace is mapped back to TypeScript, which costs more than the whole plan. The plan needs none.
process.setSourceMapsEnabled(false);
process.on("unhandledRejection", fail);
main().then((code) => process.exit(code), fail);
