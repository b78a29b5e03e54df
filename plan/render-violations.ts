/**
 * Policy violations for people: text for a terminal (grouped by enforcement level), Markdown for a
 * pull-request comment, and the `{ violations, summary }` JSON of `npm run audit -- --format json`.
 */
import { PACK_NAME } from "../policies/all";
import { summarize, type Summary, type Violation } from "./policy-eval";

/** What a report says about the run besides the violations. */
export interface ReportContext {
  /** How many resources were checked. */
  readonly resources: number;
  /** How many policies ran. */
  readonly policies: number;
}

const LEVELS = ["mandatory", "advisory"] as const;
const HEADINGS = {
  mandatory: "Mandatory: blocks the deployment",
  advisory: "Advisory: reported, does not block",
} as const;

/** The resource part of a URN: `<type>::<name>` without the stack and project. */
export function shortUrn(urn: string): string {
  const parts = urn.split("::");
  if (parts.length < 4) return urn;
  const type = (parts[2] ?? "").split("$").pop() ?? "";
  return `${type}::${parts.slice(3).join("::")}`;
}

function headline(summary: Summary, ctx: ReportContext): string {
  const counts = `${summary.mandatory} mandatory, ${summary.advisory} advisory`;
  return `Policy pack ${PACK_NAME}: ${ctx.policies} policies on ${ctx.resources} resources: ${counts} violation${summary.total === 1 ? "" : "s"}`;
}

/** A terminal report, grouped by enforcement level. */
export function renderViolationsText(violations: readonly Violation[], ctx: ReportContext): string {
  const summary = summarize(violations);
  const lines = [headline(summary, ctx)];
  for (const level of LEVELS) {
    const group = violations.filter((v) => v.enforcementLevel === level);
    if (group.length === 0) continue;
    lines.push("", `${HEADINGS[level]} (${group.length})`);
    for (const v of group) {
      lines.push(`  ${level === "mandatory" ? "✖" : "!"} ${v.policy} [${v.severity}]  ${shortUrn(v.urn)}`);
      lines.push(`    ${v.message}`);
    }
  }
  lines.push(
    "",
    summary.passed ? "passed: no mandatory policy is violated" : "FAILED: mandatory policies are violated",
  );
  return lines.join("\n");
}

const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

function table(group: readonly Violation[]): string[] {
  return [
    "| Policy | Severity | Resource | Violation |",
    "| --- | --- | --- | --- |",
    ...group.map(
      (v) => `| \`${v.policy}\` | ${v.severity} | \`${cell(shortUrn(v.urn))}\` | ${cell(v.message)} |`,
    ),
  ];
}

/** A pull-request comment: a verdict, then a table per enforcement level (advisory folded). */
export function renderViolationsMarkdown(violations: readonly Violation[], ctx: ReportContext): string {
  const summary = summarize(violations);
  const verdict = summary.passed
    ? "### ✅ Policy check passed"
    : `### ❌ Policy check failed: ${summary.mandatory} mandatory violation${summary.mandatory === 1 ? "" : "s"}`;
  const lines = [
    verdict,
    "",
    `\`${PACK_NAME}\`: ${ctx.policies} policies on ${ctx.resources} resources; ${summary.mandatory} mandatory, ${summary.advisory} advisory.`,
  ];
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
  const advisory = violations.filter((v) => v.enforcementLevel === "advisory");
  if (mandatory.length > 0)
    lines.push("", `#### ${HEADINGS.mandatory} (${mandatory.length})`, "", ...table(mandatory));
  if (advisory.length > 0) {
    lines.push(
      "",
      "<details>",
      `<summary>${HEADINGS.advisory} (${advisory.length})</summary>`,
      "",
      ...table(advisory),
      "",
      "</details>",
    );
  }
  return lines.join("\n");
}

/** The JSON report. */
export function renderViolationsJson(
  violations: readonly Violation[],
  ctx: ReportContext,
): { violations: readonly Violation[]; summary: Summary & ReportContext } {
  return { violations, summary: { ...summarize(violations), ...ctx } };
}
