/**
 * Pure argument building for the real adapter: what `LocalAutomation` hands to the Automation API and
 * how it reads the answers back. Kept apart from the adapter so it is unit-tested without the CLI.
 */
import type {
  ConfigMap,
  DestroyOptions as PulumiDestroyOptions,
  LocalWorkspaceOptions,
  OpMap,
  OutputMap,
  PreviewOptions as PulumiPreviewOptions,
  StackSummary,
  UpOptions as PulumiUpOptions,
} from "@pulumi/pulumi/automation";
import {
  AutomationError,
  StackExistsError,
  StackLockedError,
  StackNotFoundError,
  type ChangeSummary,
  type DeployOptions,
  type OperationOptions,
  type StackInfo,
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

/** Options shared by every engine operation: plain text, our callbacks and the abort signal. */
function common(options: OperationOptions): PulumiUpOptions & PulumiDestroyOptions & PulumiPreviewOptions {
  return {
    color: "never",
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.message !== undefined ? { message: options.message } : {}),
  };
}

/** `pulumi up` options. */
export function upOptions(options: DeployOptions = {}): PulumiUpOptions {
  return {
    ...common(options),
    ...(options.policyPacks && options.policyPacks.length > 0
      ? { policyPacks: [...options.policyPacks] }
      : {}),
  };
}

/** `pulumi preview` options. */
export function previewOptions(options: DeployOptions = {}): PulumiPreviewOptions {
  return upOptions(options);
}

/** `pulumi destroy` options: the stack is removed separately, after a successful destroy. */
export function destroyOptions(options: OperationOptions = {}): PulumiDestroyOptions {
  return { ...common(options), remove: false };
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

/** A stack summary from `pulumi stack ls`, with the tags and last result read separately. */
export function stackInfo(
  summary: StackSummary,
  tags: Readonly<Record<string, string>>,
  lastResult: UpdateResult | undefined,
): StackInfo {
  const lastUpdate = summary.lastUpdate ? new Date(summary.lastUpdate) : undefined;
  return {
    name: shortStackName(summary.name),
    tags: { ...tags },
    ...(lastUpdate && !Number.isNaN(lastUpdate.getTime()) ? { lastUpdate } : {}),
    ...(lastResult ? { lastResult } : {}),
    updateInProgress: summary.updateInProgress ?? false,
    ...(summary.resourceCount !== undefined ? { resourceCount: summary.resourceCount } : {}),
  };
}

/** `organization/module6/feature-x` → `feature-x`. */
export function shortStackName(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

/** The last lines of the CLI's standard error, where it says what went wrong. */
function stderrOf(error: Error): string {
  const stderr =
    (error as Error & { commandResult?: { stderr?: string } }).commandResult?.stderr ?? error.message;
  return stderr
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "")
    .slice(-12)
    .join("\n");
}

/**
 * Classifies an Automation API error by its class name (`ConcurrentUpdateError`, `StackNotFoundError`,
 * `StackAlreadyExistsError`, `CommandError`: the API sets `name`), so this stays a pure function.
 */
export function classifyError(error: unknown, stack: string): unknown {
  if (!(error instanceof Error)) return error;
  if (error instanceof AutomationError) return error;
  const detail = stderrOf(error);
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
