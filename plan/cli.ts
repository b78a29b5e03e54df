/**
 * `npm run plan -- --stack <name> [--config-file <Pulumi.x.yaml>] [--format text|json|markdown] [--out <file>]`
 *
 * Plans the real program for a stack offline (plan-command.ts). Exit codes (cli-kit/exit-codes.ts): 0
 * planned and no mandatory violation; 1 a mandatory policy is violated; 2 a config or usage mistake (one
 * clear message, no stack trace); 3 a bug (with its stack trace); 130 interrupted.
 */
import { runEntry } from "../cli-kit/entry";
import { planCommand } from "./plan-command";

// Pulumi records a stack trace for every resource it registers; with source maps on (tsx turns them on)
// each trace is mapped back to TypeScript, which costs more than the whole plan. The plan needs none.
process.setSourceMapsEnabled(false);
runEntry((argv) => planCommand(argv));
