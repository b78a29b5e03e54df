/**
 * The real `Automation`: the Automation API's `LocalWorkspace` over a local program in this repository
 * (never an inline program: only one inline update can run per process). It drives the `pulumi` CLI found
 * on the PATH; it never installs one. Tests do not construct it: they use the in-memory fake.
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import {
  AutomationError,
  type Automation,
  type DeployOptions,
  type OperationOptions,
  type PreviewOutcome,
  type StackInfo,
  type UpdateOutcome,
  type UpdateResult,
} from "./automation";
import {
  changeSummary,
  classifyError,
  destroyOptions,
  fromConfigMap,
  plainOutputs,
  previewOptions,
  stackInfo,
  toConfigMap,
  upOptions,
  workspaceOptions,
  type BackendSettings,
} from "./local-args";

export class LocalAutomation implements Automation {
  private workspace: Promise<LocalWorkspace> | undefined;
  private readonly stacks = new Map<string, Stack>();

  constructor(
    /** The directory of the program's `Pulumi.yaml`. */
    readonly workDir: string,
    readonly backend: BackendSettings,
  ) {}

  private ws(): Promise<LocalWorkspace> {
    this.workspace ??= LocalWorkspace.create(workspaceOptions(this.workDir, this.backend)).catch(
      (error: unknown) => {
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

  private async stack(name: string): Promise<Stack> {
    const cached = this.stacks.get(name);
    if (cached) return cached;
    const stack = await this.call(name, async () => Stack.select(name, await this.ws()));
    this.stacks.set(name, stack);
    return stack;
  }

  async createOrSelectStack(name: string): Promise<{ readonly created: boolean }> {
    if (await this.hasStack(name)) return { created: false };
    const stack = await this.call(name, async () => Stack.create(name, await this.ws()));
    this.stacks.set(name, stack);
    return { created: true };
  }

  async hasStack(name: string): Promise<boolean> {
    try {
      await this.stack(name);
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === "StackNotFoundError") return false;
      throw error;
    }
  }

  async getConfig(name: string): Promise<Record<string, string>> {
    const stack = await this.stack(name);
    return fromConfigMap(await this.call(name, () => stack.getAllConfig()));
  }

  async setConfig(name: string, values: Readonly<Record<string, string>>): Promise<void> {
    if (Object.keys(values).length === 0) return;
    const stack = await this.stack(name);
    await this.call(name, () => stack.setAllConfig(toConfigMap(values)));
  }

  async removeConfig(name: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const stack = await this.stack(name);
    await this.call(name, () => stack.removeAllConfig([...keys]));
  }

  async getTags(name: string): Promise<Record<string, string>> {
    const ws = await this.ws();
    return { ...(await this.call(name, () => ws.listTags(name))) };
  }

  async setTags(name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const stack = await this.stack(name);
    // One CLI call per tag, strictly one after the other: concurrent writes to one stack race.
    for (const [key, value] of Object.entries(tags)) await this.call(name, () => stack.setTag(key, value));
  }

  async up(name: string, options?: DeployOptions): Promise<UpdateOutcome> {
    const stack = await this.stack(name);
    const result = await this.call(name, () => stack.up(upOptions(options)));
    return {
      result: result.summary.result,
      changes: changeSummary(result.summary.resourceChanges),
      outputs: plainOutputs(result.outputs),
    };
  }

  async preview(name: string, options?: DeployOptions): Promise<PreviewOutcome> {
    const stack = await this.stack(name);
    const result = await this.call(name, () => stack.preview(previewOptions(options)));
    return { changes: changeSummary(result.changeSummary) };
  }

  async destroy(name: string, options?: OperationOptions): Promise<UpdateOutcome> {
    const stack = await this.stack(name);
    const result = await this.call(name, () => stack.destroy(destroyOptions(options)));
    return {
      result: result.summary.result,
      changes: changeSummary(result.summary.resourceChanges),
      outputs: {},
    };
  }

  async removeStack(name: string): Promise<void> {
    const ws = await this.ws();
    await this.call(name, () => ws.removeStack(name));
    this.stacks.delete(name);
  }

  async outputs(name: string): Promise<Record<string, unknown>> {
    const stack = await this.stack(name);
    return plainOutputs(await this.call(name, () => stack.outputs()));
  }

  async listStacks(filter: (name: string) => boolean = () => true): Promise<StackInfo[]> {
    const ws = await this.ws();
    const summaries = await this.call("*", () => ws.listStacks());
    const infos: StackInfo[] = [];
    // Serially: each read is a CLI process, and the backend is shared with running updates.
    for (const summary of summaries) {
      const info = stackInfo(summary, {}, undefined);
      if (!filter(info.name)) continue;
      const tags = await this.call(info.name, () => ws.listTags(info.name));
      infos.push(stackInfo(summary, tags, await this.lastResult(info.name)));
    }
    return infos;
  }

  /** The result of the stack's last update; unknown (not an error) when its history cannot be read. */
  private async lastResult(name: string): Promise<UpdateResult | undefined> {
    try {
      const stack = await this.stack(name);
      const [last] = await stack.history(1);
      return last?.result;
    } catch {
      return undefined;
    }
  }

  async cancel(name: string): Promise<void> {
    const stack = await this.stack(name);
    await this.call(name, () => stack.cancel());
  }
}
