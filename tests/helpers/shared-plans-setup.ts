/**
 * Global setup of the unit tests: a fresh folder for this run's shared plans (see shared-plans.ts), removed
 * when the run ends, so a plan is never reused from an earlier run or an older program.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    sharedPlanDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "module6-plans-"));
  project.provide("sharedPlanDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
