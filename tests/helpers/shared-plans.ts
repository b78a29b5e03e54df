/**
 * One offline plan per stack for the whole test run, shared by the test files that only read it.
 *
 * The first file that asks for a stack's plan makes it (`runPlan`, as `npm run plan` does, in the file's own
 * worker process: the worker has the SDK and the program loaded already, where a process of its own would
 * spend about a second of CPU loading them) and writes it to this run's plan folder; files that ask meanwhile
 * — in this worker or another — wait for it, later ones read it. Each caller gets its own parsed copy, so a
 * test that changes its plan cannot change another file's. Plans in one worker are made one at a time: Pulumi
 * keeps its state (config, mocks, stack) on a global, which each plan sets afresh.
 */
import { existsSync, openSync, closeSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, inject } from "vitest";
import { runPlan, type PlanResult } from "../../plan/run";
import { withPulumiState } from "./pulumi";

const ROOT = resolve(__dirname, "../..");
const WAIT_MS = 120_000;
/** How long a file's `beforeAll` may wait for the plans it needs: a plan takes seconds, many under load. */
export const PLAN_WAIT_MS = WAIT_MS + 10_000;

/** What `planOf` plans besides a stack from its own stack file. */
export interface PlanOfOptions {
  /** Another stack file (a changed copy of `Pulumi.<stack>.yaml`). */
  readonly configFile?: string;
  /** `bootstrap` plans the bootstrap project (bootstrap/main.ts) with its own stack files. */
  readonly project?: "module6" | "bootstrap";
}

/** Plans `stack` in this process once the plans (and mocks) asked for before have finished. */
function planHere(stack: string, options: PlanOfOptions = {}): Promise<PlanResult> {
  return withPulumiState(() =>
    runPlan({
      stack,
      root: options.project === "bootstrap" ? join(ROOT, "bootstrap") : ROOT,
      configFile: options.configFile,
      project: options.project,
    }),
  );
}

async function writePlan(stack: string, file: string): Promise<void> {
  try {
    const plan = await planHere(stack);
    // Renamed into place: a reader never sees half a plan.
    writeFileSync(`${file}.tmp`, JSON.stringify(plan));
    renameSync(`${file}.tmp`, file);
  } catch (error) {
    writeFileSync(
      `${file}.error`,
      `planning ${stack} failed: ${String(error instanceof Error ? (error.stack ?? error.message) : error)}`,
    );
  }
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
 * Plans `stack` with `options` (a changed stack file, or the bootstrap project) in this process, as
 * `runPlan` does: a plain copy, like a shared plan's.
 */
export async function planOf(stack: string, options: PlanOfOptions = {}): Promise<PlanResult> {
  return JSON.parse(JSON.stringify(await planHere(stack, options))) as PlanResult;
}
