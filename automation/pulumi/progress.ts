/**
 * Human progress: the engine's events as one line per resource step, with the time since the operation
 * started — `[  41.2s] + create    gcp:cloudrunv2/service:Service  env-api`. Unchanged resources are not
 * listed; errors, warnings and policy violations are.
 */
import type { EngineEvent, OpType } from "./automation";
import type { ChangeSummary } from "./automation";
import type { Clock } from "../core/time";

const SYMBOLS: Partial<Record<OpType, string>> = {
  create: "+",
  update: "~",
  delete: "-",
  replace: "+-",
  "create-replacement": "++",
  "delete-replaced": "--",
  read: ">",
  refresh: "~",
  import: "=",
  "import-replacement": "=>",
  discard: "-",
  "discard-replaced": "-",
};

/** The resource's name: the last `::` segment of its URN. */
export function resourceName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** `[   4.2s]`: the elapsed time, right-aligned so that lines line up. */
export function elapsedLabel(ms: number): string {
  return `[${`${(ms / 1000).toFixed(1)}s`.padStart(7)}]`;
}

/** `3 created, 1 updated, 12 unchanged` (empty when nothing happened). */
export function describeChanges(changes: ChangeSummary): string {
  const words: [OpType, string][] = [
    ["create", "created"],
    ["update", "updated"],
    ["replace", "replaced"],
    ["delete", "deleted"],
    ["same", "unchanged"],
  ];
  const parts = words.flatMap(([op, word]) => {
    const n = changes[op] ?? 0;
    return n > 0 ? [`${n} ${word}`] : [];
  });
  return parts.length > 0 ? parts.join(", ") : "no changes";
}

/** One line for an engine event, or `undefined` when the event is not worth a line. */
export function describeEvent(event: EngineEvent, elapsedMs: number): string | undefined {
  const at = elapsedLabel(elapsedMs);
  if (event.resOutputsEvent) {
    const { op, type, urn } = event.resOutputsEvent.metadata;
    if (op === "same" || type === "pulumi:pulumi:Stack") return undefined;
    const verb = event.resOutputsEvent.planning ? `would ${op}` : op;
    return `${at} ${(SYMBOLS[op] ?? "*").padEnd(2)} ${verb.padEnd(10)} ${type}  ${resourceName(urn)}`;
  }
  if (event.resOpFailedEvent) {
    const { op, type, urn } = event.resOpFailedEvent.metadata;
    return `${at} !! ${`${op} failed`.padEnd(10)} ${type}  ${resourceName(urn)}`;
  }
  if (event.diagnosticEvent) {
    const d = event.diagnosticEvent;
    if (d.ephemeral || (d.severity !== "error" && d.severity !== "warning")) return undefined;
    const where = d.urn ? ` (${resourceName(d.urn)})` : "";
    return `${at} ${d.severity}${where}: ${d.message.trim().replace(/\s*\n\s*/g, " ")}`;
  }
  if (event.policyEvent) {
    const p = event.policyEvent;
    const where = p.resourceUrn ? ` (${resourceName(p.resourceUrn)})` : "";
    return `${at} policy ${p.enforcementLevel} ${p.policyPackName}/${p.policyName}${where}: ${p.message.trim().replace(/\s*\n\s*/g, " ")}`;
  }
  if (event.summaryEvent) {
    const s = event.summaryEvent;
    return `${at} done in ${s.durationSeconds}s: ${describeChanges(s.resourceChanges)}`;
  }
  if (event.cancelEvent) return `${at} cancelled`;
  return undefined;
}

/** Prints an operation's events as they come. */
export class ProgressPrinter {
  private readonly start: number;

  constructor(
    private readonly write: (line: string) => void,
    private readonly clock: Clock,
  ) {
    this.start = clock().getTime();
  }

  /** Pass as `onEvent`. */
  readonly onEvent = (event: EngineEvent): void => {
    const line = describeEvent(event, this.clock().getTime() - this.start);
    if (line !== undefined) this.write(line);
  };
}
