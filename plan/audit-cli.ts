/**
 * `npm run audit -- <file.json> [--format text|json|markdown|sarif] [--out <file>] [--policy-config <file>]
 *  [--stack-tag key=value]... [--preview] [--allow-empty]`
 *
 * Evaluates the policy pack against a `pulumi stack export` document or a plan's JSON. Exit codes
 * (cli-kit/exit-codes.ts): 0 no violation or advisory ones only; 1 a mandatory policy is violated; 2 the
 * input or the policy config is unreadable, malformed or empty (one clear message, no stack trace); 3 a
 * bug; 130 interrupted.
 */
import { runEntry } from "../cli-kit/entry";
import { audit } from "./audit";

process.setSourceMapsEnabled(false);
runEntry((argv) => audit(argv));
