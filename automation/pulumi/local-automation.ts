/**
 * The real `Automation`: the Automation API's `LocalWorkspace` over a local program in this repository
 * (never an inline program: only one inline update can run per process). It drives the `pulumi` CLI found
 * on the PATH; it never installs one. The scenario tests drive it against a stand-in CLI
 * (tests/fixtures/fake-pulumi).
 *
 * Every CLI call names its stack with `--stack`, so no stack is ever selected (`pulumi stack select` would
 * change the user's current stack). Reads never pass `--show-secrets`. The engine operations (`preview`,
 * `up`, `destroy`) go through the SDK's `Stack` (event streaming, error classification); the few commands
 * the SDK cannot issue without selecting or decrypting (`stack init --no-select`, `stack history` and
 * `stack output` without `--show-secrets`, `stack ls --tag`) go through the SDK's own command runner.
 */
import { readFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { join } from "node:path";
import { LocalWorkspace, Stack, type PulumiCommand } from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import { CliError } from "../../cli-kit/cli-error";
import {
  AutomationError,
  StackExistsError,
  type Automation,
  type DeployOptions,
  type LocalStackFile,
  type OperationOptions,
  type PlannedStep,
  type PreviewOutcome,
  type StackInfo,
  type StackLock,
  type StackUpdate,
  type UpdateOutcome,
} from "./automation";
import { backendState, type BackendState } from "./backend-state";
import { singleInterrupt } from "./interrupt";
import {
  changeSummary,
  classifyError,
  destroyOptions,
  isMissingCli,
  localStackFile,
  parseHistory,
  plainOutputs,
  plannedStep,
  previewOptions,
  PULUMI_MISSING,
  shortStackName,
  toConfigMap,
  upOptions,
  workspaceOptions,
  type BackendSettings,
  type StackSummaryJson,
} from "./local-args";

/** How many stacks `listStacks` reads at a time. */
export const LIST_CONCURRENCY = 4;

/** The SDK's command runner (`PulumiCommand.run`: adds `--non-interactive`, classifies errors). */
interface CommandRunner {
  run(
    args: string[],
    cwd: string,
    additionalEnv: Record<string, string>,
  ): Promise<{ readonly stdout: string; readonly stderr: string }>;
}

/**
 * `PulumiCommand.run` is marked internal in the SDK's typings but is what every workspace call goes
 * through (node_modules/@pulumi/pulumi/automation/cmd.js); checked at run time.
 */
function runnerOf(command: PulumiCommand): CommandRunner {
  const runner = command as unknown as Partial<CommandRunner>;
  if (typeof runner.run !== "function")
    throw new AutomationError("this version of @pulumi/pulumi has no PulumiCommand.run; pin 3.248");
  return runner as CommandRunner;
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order of results. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface LocalAutomationOptions {
  /** How long to wait for the CLI to acknowledge a terminal's Ctrl-C before sending it one (ms). */
  readonly interruptGraceMs?: number;
}

export class LocalAutomation implements Automation {
  private workspace: Promise<LocalWorkspace> | undefined;
  private readonly state: BackendState;
  private projectName: string | undefined;

  constructor(
    /** The directory of the program's `Pulumi.yaml`. */
    readonly workDir: string,
    readonly backend: BackendSettings,
    readonly options: LocalAutomationOptions = {},
  ) {
    this.state = backendState(backend.backendUrl);
  }

  /** The project name of the program's `Pulumi.yaml` (the backend keeps stacks per project). */
  private get project(): string {
    if (this.projectName === undefined) {
      const name = (
        parse(readFileSync(join(this.workDir, "Pulumi.yaml"), "utf8")) as { name?: unknown } | null
      )?.name;
      this.projectName = typeof name === "string" ? name : "";
    }
    return this.projectName;
  }

  private ws(): Promise<LocalWorkspace> {
    this.workspace ??= LocalWorkspace.create(workspaceOptions(this.workDir, this.backend)).catch(
      (error: unknown) => {
        if (isMissingCli(error)) throw new CliError(PULUMI_MISSING);
        throw new AutomationError(
          `cannot start the Pulumi CLI (it must be on the PATH, at the version of @pulumi/pulumi): ${error instanceof Error ? error.message : String(error)}`,
        );
      },
    );
    return this.workspace;
  }

  /** Runs `fn` and turns the Automation API's errors into this module's classes. */
  private async call<T>(stack: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw classifyError(error, stack);
    }
  }

  /** One CLI command through the SDK's runner, in the program's directory with the workspace's environment. */
  private async cli(stack: string, args: string[]): Promise<string> {
    const ws = await this.ws();
    const env = { ...ws.envVars, ...(ws.pulumiHome ? { PULUMI_HOME: ws.pulumiHome } : {}) };
    const result = await this.call(stack, () => runnerOf(ws.pulumiCommand).run(args, this.workDir, env));
    return result.stdout;
  }

  /**
   * A `Stack` handle without a CLI call: `Stack.select` asks the workspace to select the stack, which
   * would run `pulumi stack select` (and change the user's current stack); every command the handle runs
   * passes `--stack` anyway (stack.js runPulumiCmd), so the selection is skipped.
   */
  private async handle(name: string): Promise<Stack> {
    const ws = await this.ws();
    const unselected = Object.create(ws) as LocalWorkspace;
    Object.defineProperty(unselected, "selectStack", { value: async () => Promise.resolve() });
    return Stack.select(name, unselected);
  }

  async ensureStack(name: string): Promise<{ readonly created: boolean }> {
    // `stack init` fails with "already exists" for an existing stack, after taking its lock (a locked stack
    // is reported as locked: retry) — pkg/backend/diy/backend.go CreateStack.
    const args = ["stack", "init", name, "--no-select"];
    if (this.backend.secretsProvider !== undefined)
      args.push("--secrets-provider", this.backend.secretsProvider);
    try {
      await this.cli(name, args);
      return { created: true };
    } catch (error) {
      if (error instanceof StackExistsError) return { created: false };
      throw error;
    }
  }

  async history(name: string, count: number): Promise<StackUpdate[]> {
    const stdout = await this.cli(name, [
      "stack",
      "history",
      "--json",
      "--page-size",
      String(count),
      "--page",
      "1",
      "--stack",
      name,
    ]);
    return parseHistory(stdout);
  }

  async localStackFile(name: string): Promise<LocalStackFile> {
    const ws = await this.ws();
    let settings: { config?: Record<string, unknown> } | undefined;
    try {
      settings = await ws.stackSettings(name);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes("failed to find stack settings")) throw error;
    }
    return localStackFile(settings, this.project);
  }

  async ensureSecretsProvider(name: string): Promise<void> {
    const provider = this.backend.secretsProvider;
    if (provider === undefined || (await this.localStackFile(name)).exists) return;
    // With PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER the CLI takes the provider the state records
    // (pkg/cmd/pulumi/stack/secrets.go); only a state without one needs the stack file to name it.
    if ((await this.state.checkpoint(this.project, name))?.secretsProvider !== undefined) return;
    const ws = await this.ws();
    await ws.saveStackSettings(name, { secretsProvider: provider });
  }

  async setConfig(
    name: string,
    values: Readonly<Record<string, string>>,
    options: { readonly path?: boolean } = {},
  ): Promise<void> {
    if (Object.keys(values).length === 0) return;
    const ws = await this.ws();
    await this.call(name, () => ws.setAllConfig(name, toConfigMap(values), options.path));
  }

  async removeConfig(name: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const ws = await this.ws();
    await this.call(name, () => ws.removeAllConfig(name, [...keys]));
  }

  async getTags(name: string): Promise<Record<string, string>> {
    const ws = await this.ws();
    return { ...(await this.call(name, () => ws.listTags(name))) };
  }

  async setTags(name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const ws = await this.ws();
    // One CLI call per tag, strictly one after the other: each call rewrites the whole tag set
    // (pkg/cmd/pulumi/stack/stack_tag.go), so concurrent writes lose tags.
    for (const [key, value] of Object.entries(tags)) await this.call(name, () => ws.setTag(name, key, value));
  }

  /** Runs an engine operation with one interrupt at most (see interrupt.ts). */
  private async engine<T>(
    name: string,
    options: OperationOptions,
    run: (stack: Stack, options: OperationOptions) => Promise<T>,
  ): Promise<T> {
    const interrupt = singleInterrupt(options.signal, this.options.interruptGraceMs ?? 2_000);
    try {
      const stack = await this.handle(name);
      return await this.call(name, () =>
        run(stack, {
          ...options,
          signal: interrupt.signal,
          onOutput: (text) => {
            interrupt.onOutput(text);
            options.onOutput?.(text);
          },
        }),
      );
    } finally {
      interrupt.dispose();
    }
  }

  async up(name: string, options: DeployOptions = {}): Promise<UpdateOutcome> {
    const result = await this.engine(name, options, (stack, o) =>
      stack.up(upOptions({ ...o, ...(options.policyPacks ? { policyPacks: options.policyPacks } : {}) })),
    );
    return {
      result: result.summary.result,
      changes: changeSummary(result.summary.resourceChanges),
      outputs: plainOutputs(result.outputs),
    };
  }

  async preview(name: string, options: DeployOptions = {}): Promise<PreviewOutcome> {
    const steps: PlannedStep[] = [];
    const result = await this.engine(name, options, (stack, o) =>
      stack.preview(
        previewOptions({
          ...o,
          ...(options.policyPacks ? { policyPacks: options.policyPacks } : {}),
          onEvent: (event) => {
            const step = plannedStep(event);
            if (step) steps.push(step);
            options.onEvent?.(event);
          },
        }),
      ),
    );
    return { changes: changeSummary(result.changeSummary), steps };
  }

  async destroy(name: string, options: OperationOptions = {}): Promise<UpdateOutcome> {
    const result = await this.engine(name, options, (stack, o) => stack.destroy(destroyOptions(o)));
    return {
      result: result.summary.result,
      changes: changeSummary(result.summary.resourceChanges),
      outputs: {},
    };
  }

  async removeStack(name: string): Promise<void> {
    const ws = await this.ws();
    await this.call(name, () => ws.removeStack(name));
  }

  async outputs(name: string): Promise<Record<string, unknown>> {
    // `stack output --json` without --show-secrets: secret values print as "[secret]".
    const stdout = await this.cli(name, ["stack", "output", "--json", "--stack", name]);
    return JSON.parse(stdout || "{}") as Record<string, unknown>;
  }

  async listStacks(options: { readonly tag?: string } = {}): Promise<StackInfo[]> {
    const args = ["stack", "ls", "--json", ...(options.tag !== undefined ? ["--tag", options.tag] : [])];
    const summaries = JSON.parse((await this.cli("*", args)) || "[]") as StackSummaryJson[];
    return mapLimit(summaries, LIST_CONCURRENCY, async (summary) => {
      const name = shortStackName(summary.name);
      const [tags, locks] = await Promise.all([this.getTags(name), this.locks(name)]);
      const lastUpdate = summary.lastUpdate ? new Date(summary.lastUpdate) : undefined;
      return {
        name,
        tags,
        ...(lastUpdate && !Number.isNaN(lastUpdate.getTime()) ? { lastUpdate } : {}),
        updateInProgress: locks.length > 0,
        locks,
        ...(summary.resourceCount !== undefined ? { resourceCount: summary.resourceCount } : {}),
      };
    });
  }

  async locks(name: string): Promise<StackLock[]> {
    return this.state.locks(this.project, name);
  }

  async opsLock(name: string, command: string) {
    return this.state.tryOpsLock(this.project, name, {
      username: userInfo().username,
      hostname: hostname(),
      pid: process.pid,
      timestamp: new Date().toISOString(),
      command,
    });
  }

  async resourceCount(name: string): Promise<number> {
    return (await this.state.checkpoint(this.project, name))?.resources ?? 0;
  }
}
