/**
 * `npm run audit -- <file.json> [--format text|json|markdown|sarif] [--policy-config <file>]
 *  [--stack-tag key=value]... [--preview]`
 *
 * Evaluates the policy pack against a `pulumi stack export` document or a plan's JSON. Exit codes: 0 no
 * violation or advisory ones only; 1 a mandatory policy is violated; 2 the input or the policy config
 * is unreadable or malformed (one clear message, no stack trace); 3 an internal error (a bug).
 */
import { audit } from "./audit";

async function main(): Promise<number> {
  const { exitCode, stdout, stderr } = await audit(process.argv.slice(2));
  if (stderr) console.error(stderr);
  // process.exit() would cut a large report short when stdout is a pipe: wait until it is written.
  if (stdout) await new Promise<void>((done) => process.stdout.write(`${stdout}\n`, () => done()));
  return exitCode;
}

function fail(error: unknown): never {
  console.error(error);
  process.exit(3);
}

process.setSourceMapsEnabled(false);
process.on("unhandledRejection", fail);
main().then((code) => process.exit(code), fail);
