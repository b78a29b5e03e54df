/**
 * `node plan/launch.cjs tests/helpers/write-plan.ts <stack> <file> [<options>]`: plans `stack` from its
 * stack file, as `npm run plan` does, and writes the whole plan (every recorded resource and the stack
 * outputs) to `file` as JSON. `<options>` is JSON: `configFile` (another stack file) and `project`
 * (`bootstrap` plans bootstrap/index.ts from its folder). The test run's plans (shared-plans.ts) come from
 * here: one process per plan, since Pulumi keeps its state on a global.
 */
import { renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { runPlan } from "../../plan/run";

async function main(): Promise<void> {
  const [stack, file, json] = process.argv.slice(2);
  if (!stack || !file) throw new Error("usage: write-plan.ts <stack> <file> [<options>]");
  const options = JSON.parse(json ?? "{}") as { configFile?: string; project?: "module6" | "bootstrap" };
  const root = resolve(__dirname, "../..", options.project === "bootstrap" ? "bootstrap" : ".");
  const plan = await runPlan({ stack, root, configFile: options.configFile, project: options.project });
  // Renamed into place: a reader never sees half a plan.
  writeFileSync(`${file}.tmp`, JSON.stringify(plan));
  renameSync(`${file}.tmp`, file);
}

process.setSourceMapsEnabled(false);
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
