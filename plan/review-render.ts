/**
 * A diff as text (a tree by component with `+`/`~`/`+-`/`-` markers, as `pulumi preview` shows it),
 * Markdown (a pull-request comment, the unchanged resources folded) and JSON (one entry per resource).
 */
import { markdownCell } from "../policies/lib/markdown";
import type { Violation } from "./policy-eval";
import type { Operation, PlanDiff, ResourceDiff } from "./review-compare";
import { describeFinding, type GateFinding } from "./review-gate";
import { countDiff, countedNote, summaryLine } from "./review-summary";
import { showPair } from "./review-values";

/** What the diff was run against, and what came of it. */
export interface DiffReport {
  readonly diff: PlanDiff;
  /** `--base` as given (a file or a git ref), with the commit it resolved to. */
  readonly base: string;
  readonly gate: readonly GateFinding[];
  /** Mandatory and advisory violations the change introduces, and those the base already had. */
  readonly violations: { readonly introduced: readonly Violation[]; readonly existing: readonly Violation[] };
  /** When the two plans are of different stacks, what was read as the same (see plan-command). */
  readonly crossStack?: string;
}

const MARKER: Readonly<Record<Operation, string>> = {
  create: "+ ",
  update: "~ ",
  replace: "+-",
  delete: "- ",
  unchanged: "  ",
};

function title(r: DiffReport): string {
  return r.crossStack
    ? `Comparison of stack ${r.diff.stack} with ${r.diff.baseStack} (${r.base})`
    : `Change of stack ${r.diff.stack} against ${r.base}`;
}

function headline(d: ResourceDiff): string {
  const parts: string[] = [];
  if (d.op === "replace") {
    parts.push(`replace (${d.replacingFields.join(", ")})`);
    if (d.deleteBeforeReplace) parts.push("deletes first");
  } else if (d.op !== "unchanged") parts.push(d.op);
  if (d.mayReplaceFields.length) parts.push(`may replace (${d.mayReplaceFields.join(", ")})`);
  if (d.matchedBy === "alias" && d.baseUrn) parts.push(`was ${d.baseUrn.split("::").pop() ?? ""} (alias)`);
  if (d.protect && (d.op === "delete" || d.op === "replace")) parts.push("PROTECTED");
  return parts.join("; ");
}

/** The field and option lines of one resource (updates and replaces). */
function detailLines(d: ResourceDiff): string[] {
  if (d.op !== "update" && d.op !== "replace") return [];
  const lines: string[] = [];
  for (const c of d.changes) {
    const [a, b] = showPair(c.before, c.after);
    const mark = c.kind === "added" ? "+" : c.kind === "removed" ? "-" : "~";
    const tag =
      c.replaces === "forces" ? "  (forces replacement)" : c.replaces === "may" ? "  (may replace)" : "";
    lines.push(`${mark} ${c.path}: ${a} → ${b}${tag}`);
  }
  for (const o of d.options) {
    const [a, b] = showPair(o.before, o.after);
    lines.push(`~ [${o.option}: ${a} → ${b}]`);
  }
  if (d.note) lines.push(`! ${d.note}`);
  return lines;
}

/** The changed resources as a tree by component (unchanged ones only where they hold a change). */
function tree(r: DiffReport, withDetails: boolean): string[] {
  const all = r.diff.resources;
  const urns = new Set(all.map((d) => d.urn));
  const children = new Map<string, ResourceDiff[]>();
  const roots: ResourceDiff[] = [];
  for (const d of all) {
    if (d.parent && urns.has(d.parent)) children.set(d.parent, [...(children.get(d.parent) ?? []), d]);
    else roots.push(d);
  }
  const relevant = new Map<string, boolean>();
  const isRelevant = (d: ResourceDiff): boolean => {
    const known = relevant.get(d.urn);
    if (known !== undefined) return known;
    relevant.set(d.urn, false);
    const yes = d.op !== "unchanged" || (children.get(d.urn) ?? []).some(isRelevant);
    relevant.set(d.urn, yes);
    return yes;
  };
  const order = (a: ResourceDiff, b: ResourceDiff) =>
    Number(a.custom) - Number(b.custom) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name);
  const lines: string[] = [];
  const walk = (d: ResourceDiff, prefix: string, last: boolean, top: boolean): void => {
    const branch = top ? "" : last ? "└─ " : "├─ ";
    const head = headline(d);
    lines.push(`${MARKER[d.op]} ${prefix}${branch}${d.type}  ${d.name}${head ? `  ${head}` : ""}`);
    const next = top ? "" : `${prefix}${last ? "   " : "│  "}`;
    const kids = (children.get(d.urn) ?? []).filter(isRelevant).sort(order);
    if (withDetails)
      for (const line of detailLines(d)) lines.push(`   ${next}${kids.length ? "│" : " "}     ${line}`);
    kids.forEach((k, i) => walk(k, next, i === kids.length - 1, false));
  };
  roots
    .filter(isRelevant)
    .sort(order)
    .forEach((d) => walk(d, "", true, true));
  return lines;
}

function violationLine(v: Violation): string {
  return `${v.enforcementLevel === "mandatory" ? "✖" : "!"} ${v.policy} [${v.severity}]  ${v.urn.split("::").pop() ?? v.urn}: ${v.message}`;
}

export function renderDiffText(r: DiffReport): string {
  const counts = countDiff(r.diff);
  const lines = [title(r)];
  if (r.crossStack) lines.push(r.crossStack);
  lines.push("");
  const changes = tree(r, true);
  lines.push(...(changes.length ? changes : ["(no changes)"]));
  lines.push("", summaryLine(counts), `  ${countedNote(counts)}`);
  if (r.gate.length) {
    const open = r.gate.filter((f) => !f.acknowledged);
    lines.push(
      "",
      open.length ? `Data at risk: ${open.length} not acknowledged (exit 1)` : "Data at risk (acknowledged):",
    );
    for (const f of r.gate) lines.push(`  ${f.acknowledged ? "✔" : "✖"} ${describeFinding(f)}`);
  }
  lines.push("", `Policy violations introduced by this change: ${r.violations.introduced.length}`);
  for (const v of r.violations.introduced) lines.push(`  ${violationLine(v)}`);
  lines.push(`Policy violations already on the base: ${r.violations.existing.length}`);
  for (const v of r.violations.existing) lines.push(`  ${violationLine(v)}`);
  return lines.join("\n");
}

export function renderDiffMarkdown(r: DiffReport): string {
  const counts = countDiff(r.diff);
  // A diff fence: GitHub colours the `+` (create, replace) and `-` (delete) lines.
  const fence = (lines: string[]) => ["```diff", ...lines, "```"];
  const unchanged = r.diff.resources.filter((d) => d.op === "unchanged" && d.custom);
  const lines = [`## ${title(r)}`, ""];
  if (r.crossStack) lines.push(`_${r.crossStack}_`, "");
  lines.push(`**${summaryLine(counts)}**  `, `<sub>${countedNote(counts)}</sub>`, "");
  if (r.gate.length) {
    lines.push("### Data at risk", "");
    for (const f of r.gate)
      lines.push(`- ${f.acknowledged ? "✔" : "❌"} ${markdownCell(describeFinding(f))}`);
    lines.push("");
  }
  const changes = tree(r, true);
  lines.push("### Changes", "", ...(changes.length ? fence(changes) : ["No changes."]), "");
  lines.push(
    "<details><summary>" + `${unchanged.length} unchanged resources` + "</summary>",
    "",
    ...unchanged.map((d) => `- \`${d.type}\` ${markdownCell(d.name)}`),
    "",
    "</details>",
    "",
  );
  lines.push(`### Policy violations introduced by this change (${r.violations.introduced.length})`, "");
  for (const v of r.violations.introduced) lines.push(`- ${markdownCell(violationLine(v))}`);
  lines.push("", `<details><summary>${r.violations.existing.length} already on the base</summary>`, "");
  for (const v of r.violations.existing) lines.push(`- ${markdownCell(violationLine(v))}`);
  lines.push("", "</details>");
  return lines.join("\n");
}

/** The diff for tools: one entry per resource with its operation and changed paths (no values). */
export function renderDiffJson(r: DiffReport): unknown {
  const counts = countDiff(r.diff);
  return {
    stack: r.diff.stack,
    baseStack: r.diff.baseStack,
    base: r.base,
    summary: { ...counts, counted: countedNote(counts) },
    gate: r.gate,
    violations: r.violations,
    resources: r.diff.resources.map((d) => ({
      urn: d.urn,
      ...(d.baseUrn ? { baseUrn: d.baseUrn } : {}),
      type: d.type,
      name: d.name,
      kind: d.custom ? (d.type.startsWith("pulumi:providers:") ? "provider" : "resource") : "component",
      op: d.op,
      changedPaths: d.changedPaths,
      replacingFields: d.replacingFields,
      mayReplaceFields: d.mayReplaceFields,
      options: d.options.map((o) => o.option),
      ...(d.matchedBy === "alias" ? { matchedBy: "alias" } : {}),
    })),
  };
}
