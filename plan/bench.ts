/**
 * `npm run bench [-- --runs N]`: median wall time of the offline plan of prod, staging and a feature
 * stack, each a fresh process as a user runs it, the diff of prod against a git ref (HEAD) as a ratio to one prod
 * plan, against the median time of merely loading the SDK
 * modules the program uses, the audit of the prod plan scaled to 1,000 resources, and the CLI calls of the operations
 * (counted from the stand-in pulumi CLI's log). A benchmark, not a test: it prints the figures and the targets.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { TARGET_MS as AUDIT_TARGET_MS, timeAudit } from "./policy-bench";

const ROOT = resolve(__dirname, "..");
const TARGET_PROD_MS = 3000;
const TARGET_RATIO = 2.5;
/** A diff against a git ref plans twice (the ref in a worktree, side by side with this tree). */
const TARGET_DIFF_RATIO = 2.2;

function timeRun(args: string[]): number {
  const start = process.hrtime.bigint();
  // The same launcher `npm run plan` uses (plan/launch.cjs), for the plan and the baseline alike.
  const result = spawnSync(process.execPath, ["plan/launch.cjs", ...args], { cwd: ROOT, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs: got "${values.runs}"; allowed: a whole number ≥ 1`);
    process.exit(2);
  }
  // One warm-up of each, so the launcher's bundle cache is filled as it is for a user's second run.
  timeRun(["plan/sdk-load.ts"]);
  const cases: [string, string[]][] = [
    ["sdk load", ["plan/sdk-load.ts"]],
    ...["prod", "staging", "feature-bench"].map((stack): [string, string[]] => [
      `plan ${stack}`,
      ["plan/cli.ts", "--stack", stack, "--format", "json", "--out", "/dev/null"],
    ]),
    [
      "diff prod vs HEAD",
      ["plan/cli.ts", "--stack", "prod", "--base", "HEAD", "--format", "json", "--out", "/dev/null"],
    ],
  ];
  for (const [, args] of cases) timeRun(args);

  const medians = new Map<string, number>();
  for (const [name, args] of cases)
    medians.set(name, median(Array.from({ length: runs }, () => timeRun(args))));
  const sdk = medians.get("sdk load") ?? 1;
  console.log(
    `median of ${runs} runs (each a fresh process), 2-core targets: prod ≤ ${TARGET_PROD_MS} ms and ≤ ${TARGET_RATIO}× SDK load`,
  );
  for (const [name, ms] of medians) {
    console.log(`  ${name.padEnd(20)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / sdk).toFixed(2)}× SDK load`);
  }
  const audit = timeAudit(1000, runs);
  console.log(
    `  ${"audit 1000 resources".padEnd(20)} ${audit.medianMs.toFixed(0).padStart(6)} ms  (target < ${AUDIT_TARGET_MS} ms)`,
  );
  const prod = medians.get("plan prod") ?? Infinity;
  const diff = (medians.get("diff prod vs HEAD") ?? Infinity) / prod;
  console.log(
    `diff against a git ref: ${diff.toFixed(2)}× one prod plan: ${diff <= TARGET_DIFF_RATIO ? "within" : "OUTSIDE"} target (≤ ${TARGET_DIFF_RATIO}×)`,
  );
  const ok = prod <= TARGET_PROD_MS && prod / sdk <= TARGET_RATIO;
  console.log(
    `prod plan: ${prod.toFixed(0)} ms, ${(prod / sdk).toFixed(2)}× SDK load: ${ok ? "within" : "OUTSIDE"} target`,
  );
  // The operations' CLI calls, counted against the stand-in pulumi CLI (a separate process: it loads the
  // Automation API and the tests' harness).
  const calls = spawnSync(process.execPath, ["--import", "tsx", "tests/scenarios/support/call-counts.ts"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (calls.status !== 0) throw new Error(`counting CLI calls failed: ${calls.stderr}`);
  process.stdout.write(calls.stdout);
}

main();
