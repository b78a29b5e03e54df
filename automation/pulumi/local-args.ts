/**
 * Pure argument building for the real adapter: what `LocalAutomation` hands to the Automation API and
 * how it reads the answers back. Kept apart from the adapter so it is unit-tested without the CLI.
 */
import type {
  ConfigMap,
  DestroyOptions as PulumiDestroyOptions,
  EngineEvent,
  LocalWorkspaceOptions,
  OpMap,
  OutputMap,
  PreviewOptions as PulumiPreviewOptions,
  UpOptions as PulumiUpOptions,
} from "@pulumi/pulumi/automation";
import {
  AutomationError,
  StackExistsError,
  StackLockedError,
  StackNotFoundError,
  type ChangeSummary,
  type DeployOptions,
  type LocalStackFile,
  type OperationOptions,
  type PlannedStep,
  type StackLock,
  type StackUpdate,
  type UpdateResult,
} from "./automation";

/** Where state lives and how its secrets are encrypted (see `backend.ts`). */
export interface BackendSettings {
  /** `gs://<bucket>[/<path>]` (or `file://<dir>` for local trials). */
  readonly backendUrl: string;
  /** `gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`, or `passphrase` for local trials. */
  readonly secretsProvider?: string;
}

/**
 * The workspace of a local program: the CLI runs in `workDir` (the repository for the infrastructure
 * program), logs into the backend through `PULUMI_BACKEND_URL`, creates stacks with the secrets provider,
 * and — where a fresh CI checkout has no `Pulumi.<stack>.yaml` — falls back to the secrets manager stored
 * in the stack's state instead of inventing a new one.
 */
export function workspaceOptions(workDir: string, backend: BackendSettings): LocalWorkspaceOptions {
  return {
    workDir,
    ...(backend.secretsProvider !== undefined ? { secretsProvider: backend.secretsProvider } : {}),
    envVars: {
      PULUMI_BACKEND_URL: backend.backendUrl,
      PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true",
      PULUMI_SKIP_UPDATE_CHECK: "true",
    },
  };
}

/**
 * Options shared by every engine operation: plain text, our callbacks and the abort signal. The signal
 * handed to the SDK is the one it turns into an interrupt of the CLI (`proc.kill("SIGINT")` in
 * node_modules/@pulumi/pulumi/automation/cmd.js): the caller passes one that aborts only when the CLI has
 * not already received the terminal's Ctrl-C (see `interrupt.ts`).
 */
function common(options: OperationOptions): PulumiUpOptions & PulumiDestroyOptions & PulumiPreviewOptions {
  return {
    color: "never",
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.message !== undefined ? { message: options.message } : {}),
  };
}

/** `pulumi up` options. `showSecrets: false` keeps the SDK's history read after `up` from decrypting. */
export function upOptions(options: DeployOptions = {}): PulumiUpOptions {
  return {
    ...common(options),
    ...(options.policyPacks && options.policyPacks.length > 0
      ? { policyPacks: [...options.policyPacks] }
      : {}),
    showSecrets: false,
  };
}

/** `pulumi preview` options (the same policy packs as the `up` it gates). */
export function previewOptions(options: DeployOptions = {}): PulumiPreviewOptions {
  const { showSecrets: _unused, ...rest } = upOptions(options);
  return rest;
}

/** `pulumi destroy` options: the stack is removed separately, after a successful destroy. */
export function destroyOptions(options: OperationOptions = {}): PulumiDestroyOptions {
  return { ...common(options), remove: false, showSecrets: false };
}

/** The steps of a preview worth checking: every resource step that is not `same`. */
export function plannedStep(event: EngineEvent): PlannedStep | undefined {
  const pre = event.resourcePreEvent;
  if (!pre || pre.metadata.op === "same" || pre.metadata.type === "pulumi:pulumi:Stack") return undefined;
  const inputs = (pre.metadata.new ?? pre.metadata.old)?.inputs as Record<string, unknown> | undefined;
  return {
    op: pre.metadata.op,
    type: pre.metadata.type,
    urn: pre.metadata.urn,
    ...(typeof inputs?.name === "string" ? { name: inputs.name } : {}),
    ...(typeof inputs?.location === "string" ? { location: inputs.location } : {}),
  };
}

/** One value of `pulumi stack history --json`'s `config` (pkg/cmd/pulumi/stack/stack_history.go). */
interface HistoryConfigValue {
  readonly value?: string;
  readonly secret?: boolean;
}

/** One entry of `pulumi stack history --json` (updateInfoJSON). */
interface HistoryEntryJson {
  readonly version?: number;
  readonly kind?: string;
  readonly result?: string;
  readonly message?: string;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly config?: Readonly<Record<string, HistoryConfigValue>>;
}

function date(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** `pulumi stack history --json` (without `--show-secrets`) as updates, newest first. */
export function parseHistory(stdout: string): StackUpdate[] {
  const entries = JSON.parse(stdout || "[]") as HistoryEntryJson[] | null;
  return (entries ?? []).map((e) => {
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, v] of Object.entries(e.config ?? {})) {
      if (v.secret) secretKeys.push(key);
      else config[key] = v.value ?? "";
    }
    const startTime = date(e.startTime);
    const endTime = date(e.endTime);
    return {
      version: e.version ?? 0,
      kind: e.kind ?? "update",
      result: (e.result ?? "not-started") as UpdateResult,
      message: e.message ?? "",
      ...(startTime ? { startTime } : {}),
      ...(endTime ? { endTime } : {}),
      config,
      secretKeys,
    };
  });
}

const isSecure = (v: unknown): boolean =>
  v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;

/** A stack settings file's `config` block (as js-yaml loads it) as plain values and secret keys. */
export function localStackFile(
  settings: { readonly config?: Readonly<Record<string, unknown>> } | undefined,
  project: string,
): LocalStackFile {
  if (settings === undefined) return { exists: false, config: {}, secretKeys: [] };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(settings.config ?? {})) {
    const full = key.includes(":") ? key : `${project}:${key}`;
    if (isSecure(value)) secretKeys.push(full);
    else config[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { exists: true, config, secretKeys };
}

/** `pulumi stack ls --json`'s rows (stackSummaryJSON in pkg/cmd/pulumi/stack/stack_list.go). */
export interface StackSummaryJson {
  readonly name: string;
  readonly lastUpdate?: string;
  readonly resourceCount?: number;
}

/** Describes who holds a lock, for messages. */
export function describeLock(lock: StackLock): string {
  const who = lock.username !== undefined ? `${lock.username}@${lock.hostname ?? "?"}` : "an unknown process";
  return `${who}${lock.pid !== undefined ? ` (pid ${lock.pid})` : ""}${lock.timestamp ? ` since ${lock.timestamp}` : ""}`;
}

/** Plain values as the Automation API's config map. */
export function toConfigMap(values: Readonly<Record<string, string>>): ConfigMap {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value, secret: false }]));
}

/** The Automation API's config map as plain values. */
export function fromConfigMap(map: ConfigMap): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([key, v]) => [key, v.value]));
}

/** Stack outputs without the secret wrappers. */
export function plainOutputs(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([key, v]) => [key, v.value as unknown]));
}

/** A change summary from the engine's op map. */
export function changeSummary(ops: OpMap | undefined): ChangeSummary {
  return { ...(ops ?? {}) };
}

/** `organization/module6/feature-x` → `feature-x`. */
export function shortStackName(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

/** The CLI's own standard error inside an Automation API error (the SDK wraps its CommandResult once more). */
function cliStderr(error: Error): string {
  type Wrapped = { commandResult?: { stderr?: string; err?: unknown } };
  let current: unknown = error;
  let stderr = error.message;
  for (let depth = 0; depth < 4 && current !== null && typeof current === "object"; depth++) {
    const result = (current as Wrapped).commandResult;
    if (result?.stderr !== undefined) stderr = result.stderr;
    current = result?.err;
  }
  return stderr;
}

/**
 * What went wrong, from the CLI's standard error: its `error:` lines and what follows them (the CLI's own
 * words, e.g. `error: update failed` or a provider's message), else its last lines.
 */
export function errorDetail(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "" && !/^\s*(code: -?\d+|stdout:|stderr:|err\?:)\s*$/.test(l));
  const first = lines.findIndex((l) => /^\s*(stderr: )?error: /.test(l));
  // The SDK's wrapper appends `err?: <the exec error>`, which repeats the command line and its output.
  const after = first >= 0 ? lines.slice(first) : lines;
  const end = after.findIndex((l) => /^\s*err\?: /.test(l));
  const chosen = first >= 0 ? after.slice(0, end >= 0 ? end : undefined).slice(0, 12) : lines.slice(-12);
  return chosen.map((l) => l.replace(/^\s*stderr: /, "")).join("\n");
}

/**
 * Classifies an Automation API error by its class name (`ConcurrentUpdateError`, `StackNotFoundError`,
 * `StackAlreadyExistsError`, `CommandError`: the API sets `name`), so this stays a pure function.
 */
/**
 * The Pulumi CLI version the drivers are built for: the version of `@pulumi/pulumi` in package.json (the
 * SDK drives its own CLI version; `PulumiCommand.get` in node_modules/@pulumi/pulumi/automation/cmd.js).
 */
export const PULUMI_CLI_VERSION = "3.248.0";

/**
 * What to print when no `pulumi` executable is on the PATH (the SDK's `pulumi version` call fails with
 * ENOENT): one line with the install command. The install script takes `--version` (the SDK's own
 * `PulumiCommand.installPosix` passes it); Pulumi's install page: https://www.pulumi.com/docs/install/
 */
export const PULUMI_MISSING =
  `the pulumi CLI is not on the PATH: install v${PULUMI_CLI_VERSION} or newer with ` +
  `"curl -fsSL https://get.pulumi.com | sh -s -- --version ${PULUMI_CLI_VERSION}" and add ~/.pulumi/bin to the PATH ` +
  `(other ways: https://www.pulumi.com/docs/install/)`;

/** True when starting the CLI failed because there is no `pulumi` executable. */
export function isMissingCli(error: unknown): boolean {
  return error instanceof Error && /\bENOENT\b/.test(error.message) && /\bpulumi\b/.test(error.message);
}

export function classifyError(error: unknown, stack: string): unknown {
  if (!(error instanceof Error)) return error;
  if (error instanceof AutomationError) return error;
  const detail = errorDetail(cliStderr(error));
  switch (error.name) {
    case "ConcurrentUpdateError":
      return new StackLockedError(stack, detail);
    case "StackNotFoundError":
      return new StackNotFoundError(stack, detail);
    case "StackAlreadyExistsError":
      return new StackExistsError(stack, detail);
    case "CommandError":
      return new AutomationError(`pulumi failed on stack "${stack}":\n${indent(detail)}`, detail);
    default:
      return error;
  }
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}
