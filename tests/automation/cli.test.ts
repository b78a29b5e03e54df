/**
 * The CLI as users run it: `npm run ops -- --help` from a fresh process, a user mistake from a fresh
 * process (one line, exit 2, no stack trace), every command's help in-process, and each exit code.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createWorld, ops } from "./fakes/world";

const ROOT = resolve(__dirname, "../..");
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command as a process; resolves to its exit code and output. */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const child = spawn(command, args, { cwd: ROOT, env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on("close", (status) => done({ status, stdout, stderr })));
}

describe("npm run ops (a real process)", () => {
  // Both processes at once (each spends seconds starting Node and tsx), each awaited by its test.
  let help: Promise<Run> | undefined;
  let mistake: Promise<Run> | undefined;
  beforeAll(() => {
    help = run("npm", ["run", "--silent", "ops", "--", "--help"]);
    mistake = run(
      process.execPath,
      ["--import", "tsx", "automation/cli.ts", "feature", "destroy", "--stack", "prod"],
      { ...process.env, PULUMI_BACKEND_URL: "" },
    );
  });

  it("prints the command tree with --help and exits 0", async () => {
    const result = await (help ?? Promise.reject(new Error("not started")));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run ops -- \[options\] \[command\]/);
    for (const group of ["feature", "release", "dr"])
      expect(result.stdout).toMatch(new RegExp(`^  ${group} `, "m"));
    expect(result.stdout).toMatch(/--backend-url <url>/);
    expect(result.stdout).toMatch(/^Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 .*\n {2}130 /m);
  });

  it("reports a user mistake in one line, exit 2, without a stack trace and without a backend", async () => {
    const result = await (mistake ?? Promise.reject(new Error("not started")));
    expect(result.status).toBe(2);
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

  it("marks required options and ends with the exit codes", async () => {
    const run = await ops(createWorld(), "release", "promote", "--help");
    expect(run.stdout).toMatch(/--stack <name> +\(required\) the environment's stack/);
    expect(run.stdout).toMatch(/--service <name> +\(required\) the service/);
    expect(run.stdout).toMatch(/--policy-pack <dir> +policy pack/);
    expect(run.stdout).toMatch(/\nExit codes:\n {2}0 +ok[\s\S]*\n {2}2 +a usage or config mistake/);
  });

  it("rejects an unknown command or option with exit 2 and a did-you-mean", async () => {
    const world = createWorld();
    const unknown = await ops(world, "feature", "deploy");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/error: unknown command 'deploy'/);
    const option = await ops(world, "release", "status", "--stack", "prod", "--force");
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/error: unknown option '--force'\n\(add --help for usage\)/);
    const typo = await ops(world, "release", "status", "--stak", "prod");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      "error: unknown option '--stak'\n(Did you mean --stack?)\n(add --help for usage)\n",
    );
    const command = await ops(world, "feature", "lsit");
    expect(command.stderr).toMatch(/error: unknown command 'lsit'\n\(Did you mean list\?\)/);
    const missing = await ops(world, "release", "status");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: required option '--stack <name>' not specified\n/);
    expect(world.infra.calls).toEqual([]);
  });
});

describe("exit codes of npm run ops", () => {
  it("exits 1 when the operation fails, 3 with the stack trace on a bug", async () => {
    const failed = createWorld();
    failed.infra.failNext("preview", "feature-pr-7");
    const run = await ops(failed, "feature", "up", "--pr", "7");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: pulumi failed on stack "feature-pr-7"$/m);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    const buggy = createWorld();
    buggy.infra.failNext("preview", "feature-pr-7", new TypeError("cannot read properties of undefined"));
    const bug = await ops(buggy, "feature", "up", "--pr", "7");
    expect(bug.code).toBe(3);
    expect(bug.stderr).toMatch(/^TypeError: cannot read properties of undefined\n/m);
    expect(bug.stderr).toMatch(STACK_TRACE);
  });

  it("writes the --json result to --out, creating its directory, and refuses a directory or unwritable path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-out-"));
    const file = join(dir, "reports", "list.json");
    const world = createWorld();
    const run = await ops(world, "--json", "--out", file, "feature", "list");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`wrote ${file}\n`);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual([]);
    const toDir = await ops(world, "--json", "--out", dir, "feature", "list");
    expect(toDir.code).toBe(2);
    expect(toDir.stderr).toBe(
      `error: --out ${dir}: it is a directory; pass a file name such as ${dir}/plan.json\n`,
    );
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "");
    const under = await ops(world, "--json", "--out", join(blocker, "x.json"), "feature", "list");
    expect(under.code).toBe(2);
    expect(under.stderr).toBe(
      `error: --out: cannot write ${join(blocker, "x.json")}: a part of the path is not a directory\n`,
    );
    // Refused before the backend is asked anything.
    expect(world.infra.calls.filter((c) => !c.startsWith("listStacks"))).toEqual([]);
  });
});
