/**
 * A scenario world for the real `LocalAutomation` path: the stand-in `pulumi` CLI first on the PATH, a
 * file:// self-managed backend in a temporary directory, one or more working copies of the fixture
 * repository (a "fresh checkout" is another copy), fake Monitoring/Firestore, a fake clock — and `run(...)`,
 * which runs `npm run ops -- <args>` in-process with its own output buffers (so runs may overlap).
 */
import { execFile, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildProgram } from "../../../automation/cli/program";
import { reportFailure } from "../../../automation/cli/failure";
import { createOutput } from "../../../automation/context/output";
import type { OpsContext } from "../../../automation/context/context";
import { programDir } from "../../../automation/cli/real-context";
import { featureConfig } from "../../../automation/feature/config";
import { CancelledError } from "../../../automation/core/errors";
import type { Automation, ProgramId } from "../../../automation/pulumi/automation";
import { LocalAutomation } from "../../../automation/pulumi/local-automation";
import { FakeBackups, FakeMetrics, FakeVerifier, START } from "../../automation/fakes/world";

export const FAKE_PULUMI = resolve(__dirname, "../../fixtures/fake-pulumi");
const FIXTURE_REPO = resolve(__dirname, "../../fixtures/automation/repo");
const DR_PROJECT = resolve(__dirname, "../../../automation/dr/program/Pulumi.yaml");
let port: Promise<number> | undefined;

/** The port of this process's stand-in server (tests/fixtures/fake-pulumi/lib/server.js), started once. */
function standInPort(): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const server = require("../../fixtures/fake-pulumi/lib/server.js") as {
    startServer: () => Promise<{ port: number }>;
  };
  port ??= server.startServer().then((s) => s.port);
  return port;
}

export const KMS = "gcpkms://projects/module6-kms/locations/asia-northeast3/keyRings/pulumi/cryptoKeys/state";

/** One CLI invocation from the stand-in's log. */
export interface Call {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly exitCode: number;
  readonly start: number;
  readonly end: number;
  readonly pid: number;
  readonly kmsDecrypt: boolean;
  readonly signals?: number;
  readonly stderr?: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Flags whose value is noise for a call sequence (temporary ports, paths, messages). */
const DROP_WITH_VALUE = new Set(["--event-log", "--exec-kind", "--color", "--message"]);

/**
 * A call as a short line: the command with `--non-interactive` and noisy flags dropped, the policy pack
 * shown as `<pack>`, the secrets provider as `<kms>`, and `config set-all` pairs as their keys.
 */
export function show(argv: readonly string[]): string {
  const out: string[] = [];
  const keys: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--non-interactive") continue;
    if (DROP_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (arg === "--policy-pack") {
      out.push(arg, "<pack>");
      i++;
    } else if (arg === "--secrets-provider") {
      out.push(arg, argv[i + 1] === KMS ? "<kms>" : (argv[i + 1] ?? ""));
      i++;
    } else if (arg === "--plaintext" || arg === "--secret") {
      const pair = argv[i + 1] ?? "";
      keys.push(`${arg === "--secret" ? "secret " : ""}${pair.slice(0, pair.indexOf("="))}`);
      i++;
    } else out.push(arg);
  }
  if (keys.length > 3) out.push(`(${keys.length} values)`);
  else if (keys.length > 0) out.push(keys.join(" "));
  return out.join(" ");
}

export interface OpsRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  json<T = Record<string, unknown>>(): T;
}

export class Scenario {
  readonly dir: string;
  readonly state: string;
  readonly fake: string;
  readonly home: string;
  readonly metrics = new FakeMetrics();
  readonly backups = new FakeBackups(undefined);
  readonly verifier = new FakeVerifier();
  now = new Date(START);
  /** Real milliseconds each retry wait takes (the clock jumps by the full wait either way). */
  realSleepMs = 0;
  readonly sleeps: number[] = [];
  env: Record<string, string | undefined> = { USER: "ci-bot" };
  retry = { attempts: 4, initialDelayMs: 1_000, maxDelayMs: 4_000 };

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "m6-scenario-"));
    this.state = join(this.dir, "state");
    this.fake = join(this.dir, "fake");
    this.home = join(this.dir, "home");
    for (const d of [this.state, this.fake, this.home]) mkdirSync(d, { recursive: true });
    this.checkout("repo");
  }

  /**
   * The stand-in CLI's environment: first on the PATH, served from this process (one server per test
   * process: no Node start per CLI call), its bookkeeping and PULUMI_HOME in this world.
   */
  async activate(): Promise<void> {
    const path = process.env.PATH ?? "";
    if (!path.startsWith(`${FAKE_PULUMI}:`)) process.env.PATH = `${FAKE_PULUMI}:${path}`;
    process.env.FAKE_PULUMI_PORT = String(await standInPort());
    process.env.FAKE_PULUMI_DIR = this.fake;
    process.env.PULUMI_HOME = this.home;
    delete process.env.PULUMI_CONFIG_PASSPHRASE;
  }

  /** Removes the world's directories. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A working copy of the fixture repository (`repo`, or another name for a fresh checkout). */
  checkout(name: string): string {
    const root = join(this.dir, name);
    if (!existsSync(root)) {
      mkdirSync(root, { recursive: true });
      for (const f of ["Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml"])
        cpSync(join(FIXTURE_REPO, f), join(root, f));
      cpSync(join(FIXTURE_REPO, "policies"), join(root, "policies"), { recursive: true });
      mkdirSync(join(root, "automation", "dr", "program"), { recursive: true });
      cpSync(DR_PROJECT, join(root, "automation", "dr", "program", "Pulumi.yaml"));
    }
    return root;
  }

  /** Sets the stand-in's knobs (see tests/fixtures/fake-pulumi/README.md). */
  knobs(knobs: Record<string, unknown>): void {
    writeFileSync(join(this.fake, "knobs.json"), JSON.stringify(knobs));
  }

  /** Every CLI call so far, in the order they ended. */
  calls(): Call[] {
    const path = join(this.fake, "calls.jsonl");
    if (!existsSync(path)) return [];
    return readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as Call);
  }

  /** The calls as short lines, in the order they started. */
  sequence(filter: (line: string) => boolean = () => true): string[] {
    return this.calls()
      .sort((a, b) => a.start - b.start)
      .map((c) => show(c.argv))
      .filter(filter);
  }

  /** Forgets the calls so far. */
  clearCalls(): void {
    writeFileSync(join(this.fake, "calls.jsonl"), "");
  }

  /** The environment of a direct call of the stand-in (as an operator's shell would have it). */
  private directEnv(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${this.state}`,
      PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true",
      FAKE_PULUMI_DIR: this.fake,
      PULUMI_HOME: this.home,
    };
  }

  /** Runs the stand-in directly (seeding state the way an operator would). */
  pulumi(repo: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        join(FAKE_PULUMI, "pulumi"),
        args,
        { cwd: join(this.dir, repo), env: this.directEnv() },
        (error, stdout, stderr) => {
          const code = error ? Number((error as { code?: unknown }).code ?? 255) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  /** Runs the stand-in directly in the background; resolves to its exit code. */
  pulumiAsync(repo: string, ...args: string[]): Promise<number> {
    const child = spawn(join(FAKE_PULUMI, "pulumi"), args, {
      cwd: join(this.dir, repo),
      stdio: "ignore",
      env: this.directEnv(),
    });
    return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  }

  /** Lock files of a stack in the backend. */
  lockFiles(stack: string, project = "module6"): string[] {
    const dir = join(this.state, ".pulumi", "locks", "organization", project, stack);
    return existsSync(dir) ? readdirSync(dir) : [];
  }

  /** The stack's checkpoint (`latest`). */
  deployment(
    stack: string,
    project = "module6",
  ): { resources?: { type: string; urn: string; outputs?: Record<string, unknown> }[] } | undefined {
    const path = join(this.state, ".pulumi", "stacks", project, `${stack}.json`);
    if (!existsSync(path)) return undefined;
    return (JSON.parse(readFileSync(path, "utf8")) as { checkpoint: { latest: never } }).checkpoint.latest;
  }

  /** The stack outputs in the checkpoint. */
  outputs(stack: string): Record<string, unknown> {
    return this.deployment(stack)?.resources?.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {};
  }

  exists(stack: string, project = "module6"): boolean {
    return existsSync(join(this.state, ".pulumi", "stacks", project, `${stack}.json`));
  }

  private context(
    repo: string,
    json: boolean,
    out: string[],
    err: string[],
    signal: AbortSignal,
  ): OpsContext {
    const root = join(this.dir, repo);
    const adapters = new Map<ProgramId, Automation>();
    return {
      root,
      out: createOutput(
        json,
        (t) => out.push(t),
        (t) => err.push(t),
      ),
      clock: () => new Date(this.now),
      sleep: async (ms, s) => {
        if (s?.aborted) throw new CancelledError();
        this.sleeps.push(ms);
        this.now = new Date(this.now.getTime() + ms);
        if (this.realSleepMs > 0) await new Promise((r) => setTimeout(r, this.realSleepMs));
      },
      signal,
      env: this.env,
      retry: this.retry,
      automation: async (program) => {
        let adapter = adapters.get(program);
        if (!adapter) {
          adapter = new LocalAutomation(
            programDir(root, program),
            { backendUrl: `file://${this.state}`, secretsProvider: KMS },
            { interruptGraceMs: 1_500 },
          );
          adapters.set(program, adapter);
        }
        return Promise.resolve(adapter);
      },
      metrics: async () => Promise.resolve(this.metrics),
      backups: async () => Promise.resolve(this.backups),
      verifier: async () => Promise.resolve(this.verifier),
    };
  }

  /** `npm run ops -- <args>` in the working copy `repo`; `signal` stands for Ctrl-C. */
  async run(options: { repo?: string; signal?: AbortSignal }, ...args: string[]): Promise<OpsRun> {
    const out: string[] = [];
    const err: string[] = [];
    let code = 0;
    const signal = options.signal ?? new AbortController().signal;
    const program = buildProgram(
      {
        context: (globals) => this.context(options.repo ?? "repo", globals.json ?? false, out, err, signal),
        exit: (c) => (code = c),
      },
      { writeOut: (t) => out.push(t), writeErr: (t) => err.push(t) },
    );
    try {
      await program.parseAsync(args, { from: "user" });
    } catch (error) {
      code = reportFailure(error, (t) => err.push(t));
    }
    const stdout = out.join("");
    return { code, stdout, stderr: err.join(""), json: <T>() => JSON.parse(stdout) as T };
  }

  ops(...args: string[]): Promise<OpsRun> {
    return this.run({}, ...args);
  }
}

/**
 * A deployed feature stack made directly (its stack file from staging's, as `feature up` derives it), with
 * `tags` written to the backend's tag file; its calls forgotten.
 */
export async function seedFeature(
  world: Scenario,
  stack: string,
  tags: Record<string, string>,
  repo = "repo",
): Promise<void> {
  const { config } = featureConfig(join(world.dir, repo), stack);
  writeFileSync(
    join(world.dir, repo, `Pulumi.${stack}.yaml`),
    `config:\n${Object.entries(config)
      .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
      .join("\n")}\n`,
  );
  const init = await world.pulumi(repo, "stack", "init", stack, "--secrets-provider", KMS, "--no-select");
  const up = await world.pulumi(repo, "up", "--yes", "--skip-preview", "--stack", stack);
  if (init.code !== 0 || up.code !== 0)
    throw new Error(`seeding ${stack} failed: ${init.stderr}${up.stderr}`);
  writeFileSync(
    join(world.state, ".pulumi", "stacks", "module6", `${stack}.pulumi-tags`),
    JSON.stringify({ version: 1, tags }),
  );
  world.clearCalls();
}

/** A deployed prod stack (as an operator would have made it), its calls forgotten. */
export async function seedProd(world: Scenario): Promise<void> {
  const init = await world.pulumi("repo", "stack", "init", "prod", "--secrets-provider", KMS, "--no-select");
  const up = await world.pulumi("repo", "up", "--yes", "--skip-preview", "--stack", "prod");
  if (init.code !== 0 || up.code !== 0) throw new Error(`seeding prod failed: ${init.stderr}${up.stderr}`);
  world.clearCalls();
}
