/** The DR drill's report: what was restored, how long it took against the target, what was verified. */
import { table } from "../context/output";
import { formatDuration } from "../core/time";

export interface CollectionResult {
  readonly collection: string;
  readonly min: number;
  readonly count?: number;
  readonly ok: boolean;
  readonly error?: string;
}

export interface DrillReport {
  readonly env: string;
  readonly stack: string;
  readonly sourceDatabase: string;
  readonly scratchDatabase: string;
  readonly backup?: string;
  readonly snapshotTime?: string;
  /** The restore (`up`) alone. */
  readonly restoreSeconds?: number;
  /** From the start of the drill until the restored data was verified. */
  readonly timeToRestoreSeconds?: number;
  readonly targetSeconds: number;
  readonly withinTarget: boolean;
  readonly collections: readonly CollectionResult[];
  /** Why the drill failed before verification, if it did. */
  readonly error?: string;
  readonly cleanup: "destroyed" | "not-needed" | "failed";
  readonly cleanupError?: string;
  readonly passed: boolean;
}

export function renderDrillReport(r: DrillReport): string {
  const lines = [
    `DR drill of ${r.env}: ${r.passed ? "PASSED" : "FAILED"}`,
    `  source      ${r.sourceDatabase}`,
    `  backup      ${r.backup ?? "none found"}${r.snapshotTime ? ` (snapshot ${r.snapshotTime})` : ""}`,
    `  restored to ${r.scratchDatabase} (stack ${r.stack})`,
    `  restore     ${r.restoreSeconds !== undefined ? formatDuration(r.restoreSeconds * 1000) : "-"}`,
    `  time to restore ${r.timeToRestoreSeconds !== undefined ? formatDuration(r.timeToRestoreSeconds * 1000) : "-"} ` +
      `(target ${formatDuration(r.targetSeconds * 1000)}: ${r.withinTarget ? "met" : "missed"})`,
  ];
  if (r.collections.length > 0) {
    lines.push(
      table(
        ["COLLECTION", "DOCUMENTS", "MINIMUM", "RESULT"],
        r.collections.map((c) => [
          c.collection,
          c.count !== undefined ? String(c.count) : "-",
          String(c.min),
          c.ok ? "ok" : (c.error ?? "too few"),
        ]),
      )
        .split("\n")
        .map((l) => `  ${l}`)
        .join("\n"),
    );
  }
  if (r.error) lines.push(`  error: ${r.error}`);
  lines.push(
    `  cleanup     ${r.cleanup}${r.cleanupError ? `: ${r.cleanupError} — destroy stack ${r.stack} of project module6-dr by hand` : ""}`,
  );
  return lines.join("\n");
}
