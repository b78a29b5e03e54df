/**
 * Runs the real program (`index.ts`) for one stack under recording mocks: no CLI, no network, no
 * credentials. One plan per process: Pulumi keeps its state on a global and Node caches the program.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, splitConfigMap } from "../stacks/config";
import { expectedSharedOutputs } from "../stacks/shared-outputs";
import { loadStackConfigFile, type LoadedConfig } from "../stack-file/load";
import { PlanRecorder, settle } from "./mocks";
import { SECRET_PLACEHOLDER, type RecordedResource } from "./record";

export interface PlanResult {
  readonly stack: string;
  readonly project: string;
  readonly source: string;
  readonly resources: readonly RecordedResource[];
  /** Stack outputs, secrets replaced by `[secret]`. */
  readonly outputs: Record<string, unknown>;
}

export interface PlanOptions {
  readonly stack: string;
  /** Repository root (where `Pulumi.yaml` and `index.ts` are). */
  readonly root: string;
  readonly configFile?: string;
  /** Run as a preview (unknown outputs stay unknown). */
  readonly preview?: boolean;
  /**
   * Which Pulumi project of the repository: the program (`index.ts`, the default) or the bootstrap
   * (`bootstrap/index.ts`, whose root is `<root>/bootstrap`).
   */
  readonly project?: "module6" | "bootstrap";
}

/**
 * Outputs a feature stack's `StackReference` gets: what staging of the same config exports. When the
 * config is invalid the program itself reports it, so nothing is answered here.
 */
function referencedStackOutputs(loaded: LoadedConfig): Record<string, Record<string, unknown>> {
  try {
    const cfg = parseStackConfig(splitConfigMap(loaded.stack, loaded.config));
    return cfg.kind === "feature" ? { [cfg.stagingStack]: { ...expectedSharedOutputs(cfg) } } : {};
  } catch {
    return {};
  }
}

/** The stack's exported outputs as plain values, a secret one as the placeholder (never its value). */
export async function resolveOutputs(exported: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(exported)) {
    if (value === undefined) continue;
    const output = pulumi.output(value);
    const secret = await pulumi.isSecret(output);
    const plain = await new Promise<unknown>((resolve) => output.apply((v) => resolve(v)));
    if (plain !== undefined) result[key] = secret ? SECRET_PLACEHOLDER : plain;
  }
  return result;
}

/** Plans one stack. Throws the program's `ValidationError` on a config mistake. */
export async function runPlan(options: PlanOptions): Promise<PlanResult> {
  const loaded = loadStackConfigFile(options.stack, options.root, options.configFile);
  pulumi.runtime.setAllConfig(loaded.config, loaded.secretKeys);
  const recorder = new PlanRecorder({ stackOutputs: referencedStackOutputs(loaded) });
  await recorder.install(loaded.project, loaded.stack, options.preview ?? false);

  // The program itself, loaded only now that config and mocks are set (a static path, so the plan's
  // bundle includes it; tsx and Vitest load it the same way).
  const mod = (options.project === "bootstrap"
    ? await import("../bootstrap/index")
    : await import("../index")) as unknown as { default?: Record<string, unknown> } & Record<string, unknown>;
  const exported = mod.default ?? mod;
  const outputs = await resolveOutputs(exported);
  await settle();
  return {
    stack: loaded.stack,
    project: loaded.project,
    source: loaded.source,
    resources: [...recorder.resources],
    outputs,
  };
}
