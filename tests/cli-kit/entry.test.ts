/**
 * The process side of `npm run plan` and `npm run audit` (cli-kit/entry.ts), as a real process started the
 * way those scripts start theirs (plan/launch.cjs: the entry bundled): the run's exit code and output, a
 * bug's stack trace and exit 3, Ctrl-C and exit 130.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const ENTRY = ["plan/launch.cjs", "tests/fixtures/cli-kit/entry.ts"];

/** Runs the fixture entry point with `mode` as a process; resolves to its exit code and output. */
function entry(mode: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...ENTRY, mode], { cwd: ROOT });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on("close", (status) => done({ status, stdout, stderr })));
}

describe("runEntry", () => {
  it("prints the run's output and exits with its code; a bug prints its stack trace and exits 3", async () => {
    // Two processes at once: each spends most of its time starting Node.
    const [gate, bug] = await Promise.all([entry("gate"), entry("bug")]);
    expect(gate).toMatchObject({ status: 1, stdout: "the report\n", stderr: "FAILED: the gate\n" });
    expect(bug.status).toBe(3);
    // The bundle's frame (node_modules/.cache/module6/tests_fixtures_cli-kit_entry.cjs:<line>:<column>).
    expect(bug.stderr).toMatch(/^TypeError: a bug in the tool\n\s+at .+cli-kit_entry\.cjs:\d+:\d+/);
  }, 30_000);

  it("exits 130 on Ctrl-C", async () => {
    const child = spawn(process.execPath, [...ENTRY, "wait"], { cwd: ROOT });
    const status = await new Promise<number | null>((done) => {
      child.stdout.once("data", () => child.kill("SIGINT"));
      child.on("close", (code) => done(code));
    });
    expect(status).toBe(130);
  }, 30_000);
});
