import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadReplacementTable } from "../../../plan/diff/replacement";
import type { ExportDocument } from "../../../plan/render-json";

const ROOT = resolve(__dirname, "../../..");
const run = promisify(execFile);

async function planTypes(stack: string): Promise<string[]> {
  // As `npm run -s plan -- --stack <s> --format json` runs it: through the bundling launcher.
  const { stdout } = await run(
    process.execPath,
    ["plan/launch.cjs", "plan/cli.ts", "--stack", stack, "--format", "json"],
    {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const doc = JSON.parse(stdout) as ExportDocument;
  return doc.deployment.resources.map((r) => r.type);
}

describe("the replacement table covers the program", () => {
  it("knows every provider resource type planned for prod, staging and a feature stack", async () => {
    const table = loadReplacementTable();
    const stacks = ["prod", "staging", "feature-pr-1"];
    // One plan at a time: the suite already runs two test files side by side on a small machine.
    const types: string[] = [];
    for (const stack of stacks) types.push(...(await planTypes(stack)));
    // Components (module6:*), the stack and providers (pulumi:*) have no provider schema.
    const custom = [...new Set(types)].filter((t) => !t.startsWith("pulumi:") && !t.startsWith("module6:"));
    expect(custom.length).toBeGreaterThan(30);
    expect(custom).toContain("gcp:firestore/database:Database");
    expect(custom).toContain("random:index/randomId:RandomId");
    expect(custom.filter((t) => table.resources[t] === undefined)).toEqual([]);
  }, 120_000);
});
