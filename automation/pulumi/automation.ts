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

/** A lock file of a stack in the backend (`.pulumi/locks/…`): who holds it. */
export interface StackLock {
  /** Where it is, for people who must remove a stale one. */
  readonly path: string;
  readonly username?: string;
  readonly hostname?: string;
  readonly pid?: number;
  readonly timestamp?: string;
}

/** One stack of a project, with its tags and its state. */
export interface StackInfo {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  /** When the stack's checkpoint was last written, if ever. */
  readonly lastUpdate?: Date;
  /** True while an operation holds the stack's lock (read from the backend: `stack ls` never says so). */
  readonly updateInProgress: boolean;
  /** Who holds the lock, when `updateInProgress`. */
  readonly locks: readonly StackLock[];
  readonly resourceCount?: number;
}

/** One entry of a stack's history (`pulumi stack history`), read without decrypting anything. */
export interface StackUpdate {
  readonly version: number;
  /** `update`, `destroy`, `refresh`, … */
  readonly kind: string;
  readonly result: UpdateResult;
  readonly message: string;
  readonly startTime?: Date;
  readonly endTime?: Date;
  /** The config the update ran with (`namespace:key` → string; objects as JSON), secret values left out. */
  readonly config: Readonly<Record<string, string>>;
  /** Keys whose values are secret (not in `config`). */
  readonly secretKeys: readonly string[];
}

/** A stack's settings file in the working copy (`Pulumi.<stack>.yaml`), read as a file. */
export interface LocalStackFile {
  readonly exists: boolean;
  /** Plain values (`namespace:key` → string; objects as JSON). */
  readonly config: Readonly<Record<string, string>>;
  /** Keys with encrypted values. */
  readonly secretKeys: readonly string[];
}

/** Options every engine operation accepts. */
export interface OperationOptions {
  /** Engine events (resource steps, diagnostics, policy violations, summary). */
  readonly onEvent?: (event: EngineEvent) => void;
  /** The CLI's standard output, line by line. */
  readonly onOutput?: (text: string) => void;
  /**
   * Ctrl-C. When it aborts, the CLI must get exactly one interrupt (it then stops after the steps in
   * flight): a terminal's Ctrl-C already reached it, so one is sent only when the CLI did not acknowledge one.
   */
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
  /** Stack outputs after the operation (never printed whole by the drivers). */
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** One resource step a preview would take. */
export interface PlannedStep {
  readonly op: OpType;
  readonly type: string;
  readonly urn: string;
  /** The resource's `name` input (for a Cloud Run service: its GCP name). */
  readonly name?: string;
  /** The resource's `location` input. */
  readonly location?: string;
}

/** What a preview would do. */
export interface PreviewOutcome {
  readonly changes: ChangeSummary;
  /** Every step that is not `same`. */
  readonly steps: readonly PlannedStep[];
}

/**
 * The stack operations of one Pulumi project (one program). Reads never decrypt (no `--show-secrets`),
 * never select a stack and never write the working copy.
 */
export interface Automation {
  /**
   * Creates the stack (with the configured secrets provider) or finds it existing, in one CLI call and
   * without selecting it. A locked stack throws `StackLockedError` (retry).
   */
  ensureStack(stack: string): Promise<{ readonly created: boolean }>;
  /** The newest `count` updates, newest first. `StackNotFoundError` when the stack does not exist. */
  history(stack: string, count: number): Promise<StackUpdate[]>;
  /** The working copy's `Pulumi.<stack>.yaml`, read as a file (no CLI call, nothing decrypted). */
  localStackFile(stack: string): Promise<LocalStackFile>;
  /**
   * Makes sure the working copy's stack file names the secrets provider when the backend's state does
   * not record one (a stack made without it would otherwise fall back to a passphrase): no CLI call.
   */
  ensureSecretsProvider(stack: string): Promise<void>;
  /** Sets plain config values, in one serialised write. Keys with `.` segments and `path` set nested values. */
  setConfig(
    stack: string,
    values: Readonly<Record<string, string>>,
    options?: { readonly path?: boolean },
  ): Promise<void>;
  /** Removes config keys, in one serialised write. */
  removeConfig(stack: string, keys: readonly string[]): Promise<void>;
  /** The stack's tags. */
  getTags(stack: string): Promise<Record<string, string>>;
  /** Sets stack tags one after the other (never concurrently: each write replaces the whole set). */
  setTags(stack: string, tags: Readonly<Record<string, string>>): Promise<void>;
  up(stack: string, options?: DeployOptions): Promise<UpdateOutcome>;
  preview(stack: string, options?: DeployOptions): Promise<PreviewOutcome>;
  destroy(stack: string, options?: OperationOptions): Promise<UpdateOutcome>;
  /** Deletes the stack, its config and history. Fails when it still has resources. */
  removeStack(stack: string): Promise<void>;
  /** Outputs of the last update, secret values masked (nothing is decrypted). */
  outputs(stack: string): Promise<Record<string, unknown>>;
  /**
   * The project's stacks (only those carrying `tag`, `name` or `name=value`, when given), with tags, lock
   * state and resource count: one `stack ls` and one tag read per stack, a few at a time.
   */
  listStacks(options?: { readonly tag?: string }): Promise<StackInfo[]>;
  /** The stack's lock files in the backend (none when no operation holds it). */
  locks(stack: string): Promise<StackLock[]>;
  /** The number of resources in the stack's checkpoint (0 for a stack whose first update created nothing). */
  resourceCount(stack: string): Promise<number>;
  /**
   * Takes this program's operation lock of the stack (not Pulumi's: `up` still takes that one) for
   * `command`; returns `release`, or who holds it.
   */
  opsLock(
    stack: string,
    command: string,
  ): Promise<
    | { readonly acquired: true; release(): Promise<void> }
    | { readonly acquired: false; readonly holder: StackLock }
  >;
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
