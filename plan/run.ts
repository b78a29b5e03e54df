/**
 * Runs the real program for one stack under recording mocks: no CLI, no network, no credentials. It calls
 * the program's `main()` — what `index.ts` (`export = main()`) exports — so one process can make several
 * plans in turn: each sets Pulumi's global state afresh (config, mocks, stack) and waits until everything
 * it registered has settled. Plans must not overlap: that state is one per process.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, splitConfigMap } from "../stacks/config";
import { expectedSharedOutputs, type MemorystoreAnswer } from "../stacks/shared-outputs";
import { loadStackConfigFile, type LoadedConfig } from "../stack-file/load";
import { PlanRecorder, settle } from "./mocks";
import { fakeState } from "./fake-outputs";
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
  /** The project's folder (where its `Pulumi.yaml` and stack files are). */
  readonly root: string;
  readonly configFile?: string;
  /** Run as a preview (unknown outputs stay unknown). */
  readonly preview?: boolean;
  /**
   * Which Pulumi project of the repository: the program (`main()` of stacks/index.ts, which index.ts exports;
   * the default) or the bootstrap (`main()` of bootstrap/main.ts, whose root is `<repository>/bootstrap`).
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
    return cfg.kind === "feature"
      ? { [cfg.stagingStack]: { ...expectedSharedOutputs(cfg, fakeMemorystore(cfg.gcpProject, cfg.region)) } }
      : {};
  } catch {
    return {};
  }
}

/** Host and CA of staging's instance as the mocks answer them (plan/fake-outputs.ts). */
export function fakeMemorystore(project: string, region: string): MemorystoreAnswer {
  return (instanceId) => {
    const { state } = fakeState("gcp:redis/instance:Instance", instanceId, {
      project,
      region,
      name: instanceId,
      transitEncryptionMode: "SERVER_AUTHENTICATION",
    });
    const certs = state.serverCaCerts as { cert: string }[];
    return { host: String(state.host), caCertificate: certs.map((c) => c.cert.trim()).join("\n") };
  };
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

  // The program itself: what index.ts exports, built again for this plan (static paths, so the plan's
  // bundle includes them; tsx and Vitest load them the same way).
  let outputs: Record<string, unknown>;
  try {
    const exported = (options.project === "bootstrap"
      ? (await import("../bootstrap/main")).main()
      : (await import("../stacks")).main()) as unknown as Record<string, unknown>;
    outputs = await resolveOutputs(exported);
  } catch (error) {
    // What the program registered before it failed finishes before another plan sets Pulumi's state afresh.
    await settle().catch(() => undefined);
    throw error;
  }
  await settle();
  return {
    stack: loaded.stack,
    project: loaded.project,
    source: loaded.source,
    resources: [...recorder.resources],
    outputs,
  };
}
