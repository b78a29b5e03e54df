/** A plan as Markdown (for a pull-request comment): service levels, then resources by type. */
import type { PlanResult } from "./run";
import { serviceLevels, serviceLevelsMarkdown } from "./service-levels";

export function renderMarkdown(plan: PlanResult): string {
  const totals = new Map<string, number>();
  for (const r of plan.resources) if (r.custom) totals.set(r.type, (totals.get(r.type) ?? 0) + 1);
  const rows = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return [
    `## Plan of stack \`${plan.stack}\``,
    "",
    `${rows.reduce((n, [, c]) => n + c, 0)} resources, planned offline from \`${plan.source.replace(/^.*\//, "")}\`.`,
    "",
    "### Service levels",
    "",
    serviceLevelsMarkdown(serviceLevels(plan.resources)),
    "",
    "### Resources",
    "",
    "| count | type |",
    "|---:|---|",
    ...rows.map(([type, n]) => `| ${n} | \`${type}\` |`),
  ].join("\n");
}
