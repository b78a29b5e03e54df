/**
 * One offline plan per stack for the whole test run, shared by the test files that only read it.
 *
 * The first file that asks for a stack's plan runs it (tests/helpers/write-plan.ts in its own process, the
 * way `npm run plan` runs the program) and writes it to this run's plan folder; files that ask meanwhile
 * wait for it, later ones read it. Each caller gets its own parsed copy, so a test that changes its plan
 * cannot change another file's.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, inject } from "vitest";
import type { PlanResult } from "../../plan/run";

const ROOT = resolve(__dirname, "../..");
const WAIT_MS = 120_000;
/** How long a file's `beforeAll` may wait for the plans it needs: a plan takes seconds, many under load. */
export const PLAN_WAIT_MS = WAIT_MS + 10_000;

/** What `planOf` plans besides a stack from its own stack file (write-plan.ts). */
export interface PlanOfOptions {
  /** Another stack file (a changed copy of `Pulumi.<stack>.yaml`). */
  readonly configFile?: string;
  /** `bootstrap` plans bootstrap/index.ts with its own stack files. */
  readonly project?: "module6" | "bootstrap";
}

function writePlan(stack: string, file: string, options: PlanOfOptions = {}): Promise<void> {
  return new Promise((done) => {
    const args = ["plan/launch.cjs", "tests/helpers/write-plan.ts", stack, file, JSON.stringify(options)];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => {
      if (code !== 0) writeFileSync(`${file}.error`, `planning ${stack} exited ${code}:\n${stderr}`);
      done();
    });
  });
}

async function waitFor(file: string): Promise<void> {
  const until = Date.now() + WAIT_MS;
  while (!existsSync(file) && !existsSync(`${file}.error`)) {
    if (Date.now() > until) throw new Error(`no plan at ${file} after ${WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The plan of `stack` from its stack file (as `npm run plan -- --stack <stack>` plans it). */
export async function sharedPlan(stack: string): Promise<PlanResult> {
  if (!/^[a-z][a-z0-9-]*$/.test(stack)) throw new Error(`not a stack name: ${stack}`);
  const file = join(inject("sharedPlanDir"), `${stack}.json`);
  if (!existsSync(file)) {
    let mine = false;
    try {
      closeSync(openSync(`${file}.lock`, "wx"));
      mine = true;
    } catch {
      // another file is planning this stack
    }
    if (mine) await writePlan(stack, file);
    else await waitFor(file);
  }
  if (existsSync(`${file}.error`)) throw new Error(readFileSync(`${file}.error`, "utf8"));
  return JSON.parse(readFileSync(file, "utf8")) as PlanResult;
}

/**
 * Has the file's `beforeAll` wait for the shared plans of `stacks` (all at once, with a timeout made for
 * planning), so that its tests read them at once instead of waiting within their own (shorter) timeouts.
 */
export function prefetchPlans(...stacks: string[]): void {
  beforeAll(async () => {
    await Promise.all(stacks.map((stack) => sharedPlan(stack)));
  }, PLAN_WAIT_MS);
}

/**
 * Plans `stack` with `options` (as `runPlan` does) in a process of its own, the bundled one the shared plans
 * use: a test file that needs a plan of its own then shares its worker with other files instead of loading
 * the SDK and the program into a fresh one.
 */
export async function planOf(stack: string, options: PlanOfOptions = {}): Promise<PlanResult> {
  const dir = mkdtempSync(join(tmpdir(), "module6-plan-"));
  try {
    const file = join(dir, "plan.json");
    await writePlan(stack, file, options);
    if (existsSync(`${file}.error`)) throw new Error(readFileSync(`${file}.error`, "utf8"));
    return JSON.parse(readFileSync(file, "utf8")) as PlanResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
