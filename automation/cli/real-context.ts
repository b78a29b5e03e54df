/**
 * The context of a real run: the Pulumi CLI through `LocalAutomation` over this repository's programs,
 * Cloud Monitoring and Firestore through Google's client libraries, the system clock. Heavy modules load
 * only when a command needs them, so `--help` stays fast.
 */
import { join } from "node:path";
import { usageError } from "../core/errors";
import type { Automation, ProgramId } from "../pulumi/automation";
import { resolveBackend } from "../pulumi/backend";
import type { BackendSettings } from "../pulumi/local-args";
import { DEFAULT_RETRY } from "../pulumi/retry";
import { realSleep, systemClock } from "../core/time";
import type { ContextFactory } from "../context/context";
import { createOutput } from "../context/output";

/** The directory of each program's `Pulumi.yaml`. */
export function programDir(root: string, program: ProgramId): string {
  return program === "infra" ? root : join(root, "automation", "dr", "program");
}

export interface ProcessIO {
  readonly root: string;
  readonly signal: AbortSignal;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export function realContextFactory(io: ProcessIO): ContextFactory {
  return (globals) => {
    let backend: BackendSettings | undefined;
    const adapters = new Map<ProgramId, Automation>();
    return {
      root: io.root,
      out: createOutput(globals.json ?? false, io.stdout, io.stderr, globals.out),
      clock: systemClock,
      sleep: realSleep,
      signal: io.signal,
      env: io.env,
      retry: DEFAULT_RETRY,
      async automation(program, options) {
        backend ??= resolveBackend(globals, io.env);
        if (
          options?.createsStacks &&
          backend.secretsProvider === undefined &&
          backend.backendUrl.startsWith("gs://")
        )
          throw usageError(
            "this command creates stacks: pass --secrets-provider gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k> or set PULUMI_SECRETS_PROVIDER",
          );
        const cached = adapters.get(program);
        if (cached) return cached;
        const { LocalAutomation } = await import("../pulumi/local-automation");
        const adapter = new LocalAutomation(programDir(io.root, program), backend);
        adapters.set(program, adapter);
        return adapter;
      },
      async metrics() {
        const { CloudMonitoringMetrics } = await import("../release/cloud-monitoring");
        return new CloudMonitoringMetrics();
      },
      async backups() {
        const { FirestoreBackupCatalog } = await import("../dr/firestore-backups");
        return new FirestoreBackupCatalog();
      },
      async verifier() {
        const { FirestoreVerifier } = await import("../dr/firestore-verifier");
        return new FirestoreVerifier();
      },
    };
  };
}
