/**
 * The CLI as users run it: `npm run ops -- --help` from a fresh process, a user mistake from a fresh
 * process (one line, exit 1, no stack trace), and every command's help in-process.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createWorld, ops } from "./fakes/world";

const ROOT = resolve(__dirname, "../..");
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

describe("npm run ops (a real process)", () => {
  it("prints the command tree with --help and exits 0", () => {
    const result = spawnSync("npm", ["run", "--silent", "ops", "--", "--help"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run ops -- \[options\] \[command\]/);
    for (const group of ["feature", "release", "dr"])
      expect(result.stdout).toMatch(new RegExp(`^  ${group} `, "m"));
    expect(result.stdout).toMatch(/--backend-url <url>/);
  });

  it("reports a user mistake in one line, exit 1, without a stack trace and without a backend", () => {
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "automation/cli.ts", "feature", "destroy", "--stack", "prod"],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, PULUMI_BACKEND_URL: "" },
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error: refusing to touch stack "prod": only feature stacks (feature-<slug>) are created and destroyed by feature commands\n',
    );
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stdout).toBe("");
  });
});

describe("help of every command", () => {
  it.each([
    [["feature"], /Commands:\n\s+up \[options\]/],
    [
      ["feature", "up"],
      /--image <service=ref>[\s\S]*--ttl <duration>[\s\S]*\(default: 72h\)[\s\S]*Examples:/,
    ],
    [["feature", "destroy"], /--stack <name>[\s\S]*Examples:/],
    [["feature", "list"], /list feature environments/],
    [["feature", "gc"], /--closed-file <file>[\s\S]*--dry-run[\s\S]*Examples:/],
    [["release"], /start \[options\][\s\S]*promote[\s\S]*rollback[\s\S]*status/],
    [
      ["release", "start"],
      /--stack <name>[\s\S]*--strategy <strategy>[\s\S]*choices:\s+"canary", "blue-green", default: "canary"[\s\S]*--analyze/,
    ],
    [["release", "promote"], /--stack <name>[\s\S]*--service <name>/],
    [["release", "rollback"], /back to the revision the release replaced/],
    [["release", "status"], /--service <name>/],
    [["dr"], /drill \[options\]/],
    [["dr", "drill"], /--collection <name\[=min\]>[\s\S]*--target <duration>[\s\S]*\(default: 1h\)/],
  ])("%j --help", async (path, expected) => {
    const world = createWorld();
    const run = await ops(world, ...path, "--help");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: npm run ops -- ${path.join(" ")}`));
    expect(run.stdout).toMatch(expected);
    expect(world.infra.calls).toEqual([]);
  });

  it("rejects an unknown command or option with exit 1 and a hint", async () => {
    const world = createWorld();
    const unknown = await ops(world, "feature", "deploy");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/error: unknown command 'deploy'/);
    const option = await ops(world, "release", "status", "--stack", "prod", "--force");
    expect(option.code).toBe(1);
    expect(option.stderr).toMatch(/error: unknown option '--force'\n\(add --help for usage\)/);
  });
});
