/** The counts of a diff and the line that states them, shared by the text, Markdown and JSON output. */
import type { Operation, PlanDiff, ResourceDiff } from "./review-compare";

export interface DiffCounts {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly unchanged: number;
  /** Components (not counted above). */
  readonly components: number;
  /** Of the counted resources: providers and read-only references (`StackReference`, `get`). */
  readonly providers: number;
  readonly reads: number;
}

/**
 * What is counted: the resources a provider manages, providers and read-only references included (the
 * plan's "N resources"); components and the stack itself are not, as in the plan's totals.
 */
export const isCounted = (d: ResourceDiff): boolean => d.custom;

export function countDiff(diff: PlanDiff): DiffCounts {
  const counted = diff.resources.filter(isCounted);
  const n = (op: Operation) => counted.filter((d) => d.op === op).length;
  return {
    create: n("create"),
    update: n("update"),
    replace: n("replace"),
    delete: n("delete"),
    unchanged: n("unchanged"),
    components: diff.resources.filter((d) => !d.custom).length,
    providers: counted.filter((d) => d.type.startsWith("pulumi:providers:")).length,
    reads: counted.filter((d) => d.external).length,
  };
}

/** `Resources: + N to create, ~ N to update, +-N to replace, - N to delete, N unchanged`. */
export function summaryLine(c: DiffCounts): string {
  return `Resources: + ${c.create} to create, ~ ${c.update} to update, +-${c.replace} to replace, - ${c.delete} to delete, ${c.unchanged} unchanged`;
}

/** What the summary line counts, in words. */
export function countedNote(c: DiffCounts): string {
  return (
    `counted: resources managed by a provider, ${c.providers} providers and ${c.reads} read-only references included ` +
    `(the plan's "resources"); ${c.components} components and the stack itself are not counted`
  );
}
