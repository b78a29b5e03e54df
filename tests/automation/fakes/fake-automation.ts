/**
 * An in-memory `Automation`: stacks with config, tags and outputs; `up` runs a simulated program over the
 * config; lock failures, command failures and aborts can be scripted. It also checks what the real CLI
 * cannot tolerate: two config/tag writes to one stack at the same time, and removing a stack that still
 * has resources.
 */
import {
  AutomationError,
  StackLockedError,
  StackNotFoundError,
  type Automation,
  type DeployOptions,
  type EngineEvent,
  type LocalStackFile,
  type OperationOptions,
  type PreviewOutcome,
  type StackInfo,
  type StackLock,
  type StackUpdate,
  type UpdateOutcome,
  type UpdateResult,
} from "../../../automation/pulumi/automation";

/** A simulated program: the outputs of an `up` from the stack's config and its previous outputs. */
export type FakeProgram = (
  stack: string,
  config: Readonly<Record<string, string>>,
  previous: Readonly<Record<string, unknown>>,
) => Record<string, unknown>;

export interface FakeStack {
  /** The working copy's config (what `up` deploys). */
  config: Record<string, string>;
  tags: Record<string, string>;
  outputs: Record<string, unknown>;
  resources: number;
  /** Results of the updates, newest first. */
  history: UpdateResult[];
  /** The config each update ran with, newest first (`history` of the backend). */
  deployedConfigs?: Record<string, string>[];
  lastUpdate?: Date;
  busy?: boolean;
}

type Op = "up" | "preview" | "destroy" | "removeStack" | "history" | "setConfig" | "outputs" | "ensureStack";

export class FakeAutomation implements Automation {
  readonly stacks = new Map<string, FakeStack>();
  /** Every call, as `<op> <stack>`. */
  readonly calls: string[] = [];
  /** Upwards options seen, for assertions on policy packs and messages. */
  readonly deployOptions: DeployOptions[] = [];
  private readonly lockCounts = new Map<string, number>();
  private readonly failures: { op: Op; stack: string; error: Error }[] = [];
  private writing = new Set<string>();
  /** Called at the start of each engine operation (e.g. to abort it). */
  beforeOperation?: (op: Op, stack: string) => void;

  constructor(
    private readonly program: FakeProgram = () => ({}),
    private readonly now: () => Date = () => new Date("2025-01-01T00:00:00Z"),
  ) {}

  /** Adds a stack as if it had been deployed (its config recorded as deployed when it has one). */
  seed(name: string, stack: Partial<FakeStack> = {}): this {
    this.stacks.set(name, {
      config: {},
      tags: {},
      outputs: {},
      resources: 0,
      history: [],
      ...stack,
      deployedConfigs: stack.deployedConfigs ?? (stack.config ? [{ ...stack.config }] : []),
    });
    return this;
  }

  /** The next `times` engine operations on `stack` find it locked. */
  lock(stack: string, times: number): this {
    this.lockCounts.set(stack, times);
    return this;
  }

  /** The next `op` on `stack` throws `error`. */
  failNext(
    op: Op,
    stack: string,
    error: Error = new AutomationError(`pulumi failed on stack "${stack}"`),
  ): this {
    this.failures.push({ op, stack, error });
    return this;
  }

  private record(op: Op, stack: string): void {
    this.calls.push(`${op} ${stack}`);
    const i = this.failures.findIndex((f) => f.op === op && f.stack === stack);
    if (i >= 0) {
      const [failure] = this.failures.splice(i, 1);
      if (failure) throw failure.error;
    }
  }

  private get(stack: string): FakeStack {
    const s = this.stacks.get(stack);
    if (!s) throw new StackNotFoundError(stack);
    return s;
  }

  private checkLock(stack: string): void {
    const left = this.lockCounts.get(stack) ?? 0;
    if (left > 0) {
      this.lockCounts.set(stack, left - 1);
      throw new StackLockedError(stack, "error: the stack is currently locked by 1 lock(s)");
    }
  }

  /** A write that must not overlap another write to the same stack (the real CLI rewrites one file). */
  private async write(stack: string, apply: () => void): Promise<void> {
    if (this.writing.has(stack)) throw new Error(`concurrent config/tag writes to stack ${stack}`);
    this.writing.add(stack);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      apply();
    } finally {
      this.writing.delete(stack);
    }
  }

  private events(
    stack: string,
    options: OperationOptions | undefined,
    op: "create" | "delete",
    count: number,
  ): void {
    for (let i = 0; i < count; i++) {
      const urn = `urn:pulumi:${stack}::module6::gcp:cloudrunv2/service:Service::resource-${i}`;
      const event: EngineEvent = {
        sequence: i,
        timestamp: 0,
        resOutputsEvent: { metadata: { op, urn, type: "gcp:cloudrunv2/service:Service", provider: "" } },
      };
      options?.onEvent?.(event);
    }
    options?.onEvent?.({
      sequence: count,
      timestamp: 0,
      summaryEvent: {
        maybeCorrupt: false,
        durationSeconds: 1,
        resourceChanges: { [op]: count },
        policyPacks: {},
      },
    });
  }

  private abortedCheck(options: OperationOptions | undefined, stack: string): void {
    if (options?.signal?.aborted) throw new AutomationError(`pulumi failed on stack "${stack}": interrupted`);
  }

  async ensureStack(stack: string): Promise<{ readonly created: boolean }> {
    this.record("ensureStack", stack);
    if (this.stacks.has(stack)) return Promise.resolve({ created: false });
    this.seed(stack);
    return Promise.resolve({ created: true });
  }

  async history(stack: string, count: number): Promise<StackUpdate[]> {
    this.record("history", stack);
    const s = this.get(stack);
    return Promise.resolve(
      s.history.slice(0, count).map((result, i) => ({
        version: 0,
        kind: "update",
        result,
        message: "",
        config: { ...(s.deployedConfigs?.[i] ?? {}) },
        secretKeys: [],
      })),
    );
  }

  async localStackFile(stack: string): Promise<LocalStackFile> {
    this.calls.push(`localStackFile ${stack}`);
    const s = this.stacks.get(stack);
    return Promise.resolve({ exists: s !== undefined, config: { ...(s?.config ?? {}) }, secretKeys: [] });
  }

  async ensureSecretsProvider(stack: string): Promise<void> {
    this.calls.push(`ensureSecretsProvider ${stack}`);
    return Promise.resolve();
  }

  async locks(stack: string): Promise<StackLock[]> {
    return Promise.resolve(
      this.stacks.get(stack)?.busy
        ? [{ path: `locks/${stack}/other.json`, username: "someone", hostname: "ci" }]
        : [],
    );
  }

  /** Stacks whose operation lock someone holds. */
  readonly opsLocks = new Set<string>();

  async opsLock(stack: string, _command: string) {
    if (this.opsLocks.has(stack))
      return Promise.resolve({
        acquired: false as const,
        holder: { path: `ops/${stack}.json`, username: "someone" },
      });
    this.opsLocks.add(stack);
    return Promise.resolve({
      acquired: true as const,
      release: async () => {
        this.opsLocks.delete(stack);
        return Promise.resolve();
      },
    });
  }

  async resourceCount(stack: string): Promise<number> {
    return Promise.resolve(this.stacks.get(stack)?.resources ?? 0);
  }

  async setConfig(
    stack: string,
    values: Readonly<Record<string, string>>,
    options: { readonly path?: boolean } = {},
  ): Promise<void> {
    this.record("setConfig", stack);
    const s = this.get(stack);
    await this.write(stack, () => {
      for (const [key, value] of Object.entries(values)) {
        const [top, ...rest] = options.path ? key.split(".") : [key];
        if (rest.length === 0) s.config[top ?? key] = value;
        else {
          const object = JSON.parse(s.config[top ?? ""] ?? "{}") as Record<string, unknown>;
          let node = object;
          for (const seg of rest.slice(0, -1)) node = (node[seg] ??= {}) as Record<string, unknown>;
          node[rest[rest.length - 1] ?? ""] = value;
          s.config[top ?? ""] = JSON.stringify(object);
        }
      }
    });
  }

  async removeConfig(stack: string, keys: readonly string[]): Promise<void> {
    this.calls.push(`removeConfig ${stack}`);
    const s = this.get(stack);
    await this.write(stack, () => {
      for (const key of keys) delete s.config[key];
    });
  }

  async getTags(stack: string): Promise<Record<string, string>> {
    this.calls.push(`getTags ${stack}`);
    return Promise.resolve({ ...this.get(stack).tags });
  }

  async setTags(stack: string, tags: Readonly<Record<string, string>>): Promise<void> {
    this.calls.push(`setTags ${stack}`);
    const s = this.get(stack);
    for (const [key, value] of Object.entries(tags)) await this.write(stack, () => (s.tags[key] = value));
  }

  async up(stack: string, options?: DeployOptions): Promise<UpdateOutcome> {
    this.record("up", stack);
    this.deployOptions.push(options ?? {});
    const s = this.get(stack);
    this.beforeOperation?.("up", stack);
    this.checkLock(stack);
    this.abortedCheck(options, stack);
    const outputs = this.program(stack, s.config, s.outputs);
    const created = s.resources === 0 ? 3 : 0;
    this.events(stack, options, "create", created);
    s.outputs = outputs;
    s.resources = Math.max(s.resources, 3);
    s.history.unshift("succeeded");
    (s.deployedConfigs ??= []).unshift({ ...s.config });
    s.lastUpdate = this.now();
    return Promise.resolve({
      result: "succeeded",
      changes: created > 0 ? { create: created } : { same: s.resources },
      outputs,
    });
  }

  async preview(stack: string, options?: DeployOptions): Promise<PreviewOutcome> {
    this.record("preview", stack);
    this.get(stack);
    this.checkLock(stack);
    this.abortedCheck(options, stack);
    return Promise.resolve({ changes: { same: 3 }, steps: [] });
  }

  async destroy(stack: string, options?: OperationOptions): Promise<UpdateOutcome> {
    this.record("destroy", stack);
    const s = this.get(stack);
    this.beforeOperation?.("destroy", stack);
    this.checkLock(stack);
    this.abortedCheck(options, stack);
    const deleted = s.resources;
    this.events(stack, options, "delete", deleted);
    s.resources = 0;
    s.outputs = {};
    s.history.unshift("succeeded");
    (s.deployedConfigs ??= []).unshift({ ...s.config });
    s.lastUpdate = this.now();
    return Promise.resolve({ result: "succeeded", changes: { delete: deleted }, outputs: {} });
  }

  async removeStack(stack: string): Promise<void> {
    this.record("removeStack", stack);
    const s = this.get(stack);
    this.checkLock(stack);
    if (s.resources > 0)
      throw new AutomationError(`stack "${stack}" still has ${s.resources} resources; destroy them first`);
    this.stacks.delete(stack);
    return Promise.resolve();
  }

  async outputs(stack: string): Promise<Record<string, unknown>> {
    this.record("outputs", stack);
    return Promise.resolve({ ...this.get(stack).outputs });
  }

  async listStacks(options: { readonly tag?: string } = {}): Promise<StackInfo[]> {
    this.calls.push("listStacks");
    const [tagName = "", tagValue] = (options.tag ?? "").split("=");
    return Promise.resolve(
      [...this.stacks.entries()]
        .filter(
          ([, s]) =>
            options.tag === undefined ||
            (tagName in s.tags && (tagValue === undefined || s.tags[tagName] === tagValue)),
        )
        .map(([name, s]) => ({
          name,
          tags: { ...s.tags },
          updateInProgress: s.busy ?? false,
          locks: s.busy ? [{ path: `locks/${name}/other.json`, username: "someone", hostname: "ci" }] : [],
          resourceCount: s.resources,
          ...(s.lastUpdate ? { lastUpdate: s.lastUpdate } : {}),
        })),
    );
  }
}
