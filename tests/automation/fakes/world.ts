/**
 * A test world: fake Pulumi programs, a fake clock that sleeping advances, fake metrics, backups and
 * Firestore counts, captured output — and `ops(...)`, which runs the real command tree in-process.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { buildProgram } from "../../../automation/cli/program";
import { reportFailure } from "../../../automation/cli/failure";
import { createOutput } from "../../../automation/context/output";
import type { GlobalOptions, OpsContext } from "../../../automation/context/context";
import type { BackupCatalog, BackupRef, RestoreVerifier } from "../../../automation/context/firestore";
import type { MetricPoint, MetricsSource, RevisionMetricsQuery } from "../../../automation/context/metrics";
import type { RetryPolicy } from "../../../automation/pulumi/retry";
import { CancelledError } from "../../../automation/core/errors";
import { FakeAutomation, type FakeProgram } from "./fake-automation";

/** The fixture repository: Pulumi.yaml, Pulumi.staging.yaml, Pulumi.prod.yaml and a policy pack. */
export const FIXTURE_ROOT = resolve(__dirname, "../../fixtures/automation/repo");

export const START = new Date("2025-03-01T09:00:00.000Z");

export class FakeMetrics implements MetricsSource {
  readonly queries: RevisionMetricsQuery[] = [];
  /** Thrown by `checkAccess` (Monitoring refuses). */
  accessError: Error | undefined;
  constructor(public points: MetricPoint[] = []) {}
  async checkAccess(_project: string): Promise<void> {
    if (this.accessError) return Promise.reject(this.accessError);
    return Promise.resolve();
  }
  async revisionMetrics(query: RevisionMetricsQuery): Promise<MetricPoint[]> {
    this.queries.push(query);
    return Promise.resolve(this.points);
  }
}

export class FakeBackups implements BackupCatalog {
  readonly queries: { project: string; location: string; database: string }[] = [];
  constructor(public backup: BackupRef | undefined) {}
  async newestBackup(query: { project: string; location: string; database: string }) {
    this.queries.push(query);
    return Promise.resolve(this.backup);
  }
}

export class FakeVerifier implements RestoreVerifier {
  readonly queries: { project: string; database: string; collection: string }[] = [];
  /** Thrown by `checkAccess` (Firestore refuses). */
  accessError: Error | undefined;
  constructor(public counts: Record<string, number | Error> = {}) {}
  async checkAccess(_query: { project: string; database: string }): Promise<void> {
    if (this.accessError) return Promise.reject(this.accessError);
    return Promise.resolve();
  }
  async countDocuments(query: { project: string; database: string; collection: string }): Promise<number> {
    this.queries.push(query);
    const count = this.counts[query.collection] ?? 0;
    if (count instanceof Error) return Promise.reject(count);
    return Promise.resolve(count);
  }
}

export interface World {
  readonly infra: FakeAutomation;
  readonly dr: FakeAutomation;
  readonly metrics: FakeMetrics;
  readonly backups: FakeBackups;
  readonly verifier: FakeVerifier;
  readonly controller: AbortController;
  /** Milliseconds of every sleep (none really waits: the clock jumps). */
  readonly sleeps: number[];
  readonly stdout: string[];
  readonly stderr: string[];
  /** What `automation(program, options)` was asked for. */
  readonly adapterRequests: string[];
  now: Date;
  root: string;
  env: Record<string, string | undefined>;
  retry: RetryPolicy;
}

export function createWorld(options: { program?: FakeProgram; drProgram?: FakeProgram } = {}): World {
  const world: World = {
    infra: undefined as unknown as FakeAutomation,
    dr: undefined as unknown as FakeAutomation,
    metrics: new FakeMetrics(),
    backups: new FakeBackups(undefined),
    verifier: new FakeVerifier(),
    controller: new AbortController(),
    sleeps: [],
    stdout: [],
    stderr: [],
    adapterRequests: [],
    now: new Date(START),
    root: FIXTURE_ROOT,
    env: { USER: "ci-bot" },
    retry: { attempts: 4, initialDelayMs: 1_000, maxDelayMs: 4_000 },
  };
  const clock = () => new Date(world.now);
  Object.assign(world, {
    infra: new FakeAutomation(options.program, clock),
    dr: new FakeAutomation(options.drProgram, clock),
  });
  return world;
}

/** A context over the world's fakes. */
export function contextFor(world: World, globals: GlobalOptions = {}): OpsContext {
  return {
    root: world.root,
    out: createOutput(
      globals.json ?? false,
      (t) => world.stdout.push(t),
      (t) => world.stderr.push(t),
      globals.out,
    ),
    clock: () => new Date(world.now),
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new CancelledError();
      world.sleeps.push(ms);
      world.now = new Date(world.now.getTime() + ms);
      return Promise.resolve();
    },
    signal: world.controller.signal,
    env: world.env,
    retry: world.retry,
    automation: async (program, options) => {
      world.adapterRequests.push(`${program}${options?.createsStacks ? " (creates stacks)" : ""}`);
      return Promise.resolve(program === "infra" ? world.infra : world.dr);
    },
    metrics: async () => Promise.resolve(world.metrics),
    backups: async () => Promise.resolve(world.backups),
    verifier: async () => Promise.resolve(world.verifier),
  };
}

export interface OpsRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** `stdout` parsed, for `--json` runs. */
  json<T = Record<string, unknown>>(): T;
}

/** The command tree with the world's context and captured help output. */
export function programFor(world: World, exit: (code: number) => void): Command {
  return buildProgram(
    { context: (globals) => contextFor(world, globals), exit },
    { writeOut: (t) => world.stdout.push(t), writeErr: (t) => world.stderr.push(t) },
  );
}

/** Runs `npm run ops -- <args>` in-process against the world; exit code as the entry would set it. */
export async function ops(world: World, ...args: string[]): Promise<OpsRun> {
  world.stdout.length = 0;
  world.stderr.length = 0;
  let code = 0;
  try {
    await programFor(world, (c) => (code = c)).parseAsync(args, { from: "user" });
  } catch (error) {
    code = reportFailure(error, (t) => world.stderr.push(t));
  }
  const stdout = world.stdout.join("");
  return {
    code,
    stdout,
    stderr: world.stderr.join(""),
    json: <T>() => JSON.parse(stdout) as T,
  };
}
