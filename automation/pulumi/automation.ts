/**
 * The narrow interface the drivers use to talk to Pulumi (DESIGN §5): just the stack operations they
 * need. `LocalAutomation` implements it on the Automation API's `LocalWorkspace` (it drives the `pulumi`
 * CLI); tests use an in-memory fake. Errors are this module's classes, never the Automation API's, so
 * commands and fakes share one vocabulary.
 */
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";

export type { EngineEvent, OpType };

/** The result of the last update of a stack. */
export type UpdateResult = "not-started" | "in-progress" | "succeeded" | "failed";

/** One stack of a project, with its tags and the state of its last update. */
export interface StackInfo {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  /** When the last operation on the stack ended, if any. */
  readonly lastUpdate?: Date;
  /** The result of the last update, if any. */
  readonly lastResult?: UpdateResult;
  /** True while an operation holds the stack. */
  readonly updateInProgress: boolean;
  readonly resourceCount?: number;
}

/** Options every engine operation accepts. */
export interface OperationOptions {
  /** Engine events (resource steps, diagnostics, policy violations, summary). */
  readonly onEvent?: (event: EngineEvent) => void;
  /** The CLI's standard output, line by line. */
  readonly onOutput?: (text: string) => void;
  /** Aborting sends the CLI an interrupt: it stops after the steps in flight. */
  readonly signal?: AbortSignal;
  /** Message recorded with the update. */
  readonly message?: string;
}

/** Options of `up` and `preview`. */
export interface DeployOptions extends OperationOptions {
  /** Directories of policy packs to run (CrossGuard); a mandatory violation fails the operation. */
  readonly policyPacks?: readonly string[];
}

/** Counts of resource steps by operation (`create: 3`, `same: 12`). */
export type ChangeSummary = Readonly<Partial<Record<OpType, number>>>;

/** What an update (`up` or `destroy`) did. */
export interface UpdateOutcome {
  readonly result: UpdateResult;
  readonly changes: ChangeSummary;
  /** Stack outputs after the operation, secrets unwrapped (never printed by the drivers). */
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** What a preview would do. */
export interface PreviewOutcome {
  readonly changes: ChangeSummary;
}

/** The stack operations of one Pulumi project (one program). */
export interface Automation {
  /** Creates the stack (with the configured secrets provider) or selects the existing one. */
  createOrSelectStack(stack: string): Promise<{ readonly created: boolean }>;
  /** True when the stack exists in the backend. */
  hasStack(stack: string): Promise<boolean>;
  /** The stack's config map (`namespace:key` → string; objects as JSON). Secrets decrypted. */
  getConfig(stack: string): Promise<Record<string, string>>;
  /** Sets plain config values, in one serialised write. */
  setConfig(stack: string, values: Readonly<Record<string, string>>): Promise<void>;
  /** Removes config keys, in one serialised write. */
  removeConfig(stack: string, keys: readonly string[]): Promise<void>;
  /** The stack's tags. */
  getTags(stack: string): Promise<Record<string, string>>;
  /** Sets stack tags one after the other (never concurrently). */
  setTags(stack: string, tags: Readonly<Record<string, string>>): Promise<void>;
  up(stack: string, options?: DeployOptions): Promise<UpdateOutcome>;
  preview(stack: string, options?: DeployOptions): Promise<PreviewOutcome>;
  destroy(stack: string, options?: OperationOptions): Promise<UpdateOutcome>;
  /** Deletes the stack, its config and history. Fails when it still has resources. */
  removeStack(stack: string): Promise<void>;
  /** Outputs of the last update, secrets unwrapped. */
  outputs(stack: string): Promise<Record<string, unknown>>;
  /** The project's stacks whose name passes `filter`, with tags and last update. */
  listStacks(filter?: (name: string) => boolean): Promise<StackInfo[]>;
  /** Asks the backend to stop an update in progress (best effort: self-managed backends may refuse). */
  cancel(stack: string): Promise<void>;
}

/** A failure reported by the Pulumi CLI, classified. */
export class AutomationError extends Error {
  constructor(
    message: string,
    /** The CLI's standard error, for diagnosis. */
    readonly detail = "",
  ) {
    super(message);
    this.name = "AutomationError";
  }
}

/** Another update holds the stack's lock. Retry with backoff. */
export class StackLockedError extends AutomationError {
  constructor(
    readonly stackName: string,
    detail = "",
  ) {
    super(`stack "${stackName}" is locked by another update`, detail);
    this.name = "StackLockedError";
  }
}

/** The stack does not exist in the backend. */
export class StackNotFoundError extends AutomationError {
  constructor(
    readonly stackName: string,
    detail = "",
  ) {
    super(`stack "${stackName}" does not exist`, detail);
    this.name = "StackNotFoundError";
  }
}

/** The stack exists already. */
export class StackExistsError extends AutomationError {
  constructor(
    readonly stackName: string,
    detail = "",
  ) {
    super(`stack "${stackName}" already exists`, detail);
    this.name = "StackExistsError";
  }
}

/** Which Pulumi program a command drives. */
export type ProgramId = "infra" | "dr";
