/**
 * Policy violations for people: text for a terminal (grouped by enforcement level), Markdown for a
 * pull-request comment, and the `{ violations, groups, summary }` JSON of `npm run audit -- --format json`.
 * Every format says how to fix each violation (the policy's remediation), and violations of one policy
 * are grouped: one heading and one fix for "13 resources", the resources listed below it (folded in
 * Markdown).
 */
import { markdownCell } from "../policies/lib/markdown";
import { allPolicies, PACK_NAME, type Module6Policy } from "../policies/all";
import { summarize, type Summary, type Violation } from "./policy-eval";

/** What a report says about the run besides the violations. */
export interface ReportContext {
  /** How many resources were checked. */
  readonly resources: number;
  /** How many policies ran. */
  readonly policies: number;
}

/** The violations of one policy at one enforcement level. */
export interface ViolationGroup {
  readonly policy: string;
  readonly enforcementLevel: "mandatory" | "advisory";
  readonly severity: Violation["severity"];
  /** How to fix it: the policy's remediation steps. */
  readonly remediation: string;
  readonly count: number;
  /** The message every violation shares, when they are identical. */
  readonly message?: string;
  readonly resources: readonly { readonly urn: string; readonly message: string }[];
}

/** A violation with its fix. */
export type ReportedViolation = Violation & { readonly remediation: string };

const LEVELS = ["mandatory", "advisory"] as const;
const HEADINGS = {
  mandatory: "Mandatory: blocks the deployment",
  advisory: "Advisory: reported, does not block",
} as const;

/** The remediation of a policy by name (a violation of a policy not in the pack has none). */
export function remediationOf(policy: string, policies: readonly Module6Policy[] = allPolicies): string {
  return policies.find((p) => p.name === policy)?.remediationSteps ?? "";
}

/** Groups violations by policy and level, mandatory first, in the order the policies reported them. */
export function groupViolations(
  violations: readonly Violation[],
  policies: readonly Module6Policy[] = allPolicies,
): ViolationGroup[] {
  const groups = new Map<string, Violation[]>();
  for (const level of LEVELS) {
    for (const v of violations.filter((x) => x.enforcementLevel === level)) {
      const key = `${level}\n${v.policy}`;
      groups.set(key, [...(groups.get(key) ?? []), v]);
    }
  }
  return [...groups.values()].map((list) => {
    const [first] = list as [Violation, ...Violation[]];
    const messages = new Set(list.map((v) => v.message));
    return {
      policy: first.policy,
      enforcementLevel: first.enforcementLevel,
      severity: first.severity,
      remediation: remediationOf(first.policy, policies),
      count: list.length,
      ...(messages.size === 1 ? { message: first.message } : {}),
      resources: list.map((v) => ({ urn: v.urn, message: v.message })),
    };
  });
}

/** The resource part of a URN: `<type>::<name>` without the stack and project. */
export function shortUrn(urn: string): string {
  const parts = urn.split("::");
  if (parts.length < 4) return urn;
  const type = (parts[2] ?? "").split("$").pop() ?? "";
  return `${type}::${parts.slice(3).join("::")}`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function headline(summary: Summary, ctx: ReportContext): string {
  const counts = `${summary.mandatory} mandatory, ${summary.advisory} advisory`;
  return `Policy pack ${PACK_NAME}: ${ctx.policies} policies on ${ctx.resources} resources: ${counts} violation${summary.total === 1 ? "" : "s"}`;
}

/** A terminal report: by enforcement level, one heading and one fix per policy. */
export function renderViolationsText(
  violations: readonly Violation[],
  ctx: ReportContext,
  policies: readonly Module6Policy[] = allPolicies,
): string {
  const summary = summarize(violations);
  const lines = [headline(summary, ctx)];
  const groups = groupViolations(violations, policies);
  for (const level of LEVELS) {
    const mine = groups.filter((g) => g.enforcementLevel === level);
    if (mine.length === 0) continue;
    const count = mine.reduce((n, g) => n + g.count, 0);
    lines.push("", `${HEADINGS[level]} (${count})`);
    for (const g of mine) {
      const mark = level === "mandatory" ? "✖" : "!";
      if (g.count === 1) {
        const [only] = g.resources;
        lines.push(`  ${mark} ${g.policy} [${g.severity}]  ${shortUrn(only?.urn ?? "")}`);
        lines.push(`    ${only?.message ?? ""}`);
      } else {
        lines.push(`  ${mark} ${g.policy} [${g.severity}]  ${plural(g.count, "resource")}`);
        if (g.message) lines.push(`    ${g.message}`);
        for (const r of g.resources) {
          lines.push(g.message ? `    - ${shortUrn(r.urn)}` : `    - ${shortUrn(r.urn)}: ${r.message}`);
        }
      }
      if (g.remediation) lines.push(`    fix: ${g.remediation}`);
    }
  }
  lines.push(
    "",
    summary.passed ? "passed: no mandatory policy is violated" : "FAILED: mandatory policies are violated",
  );
  return lines.join("\n");
}

function table(groups: readonly ViolationGroup[]): string[] {
  const rows = groups.map((g) => {
    const [first] = g.resources;
    const resource =
      g.count === 1 ? `\`${markdownCell(shortUrn(first?.urn ?? ""))}\`` : plural(g.count, "resource");
    const violation =
      g.message ?? `${first?.message ?? ""} (and ${plural(g.count - 1, "other resource")}, listed below)`;
    return `| \`${g.policy}\` | ${g.severity} | ${resource} | ${markdownCell(violation)} | ${markdownCell(g.remediation)} |`;
  });
  const lists = groups
    .filter((g) => g.count > 1)
    .flatMap((g) => [
      "",
      "<details>",
      `<summary><code>${g.policy}</code>: ${plural(g.count, "resource")}</summary>`,
      "",
      ...g.resources.map((r) =>
        g.message
          ? `- \`${markdownCell(shortUrn(r.urn))}\``
          : `- \`${markdownCell(shortUrn(r.urn))}\`: ${markdownCell(r.message)}`,
      ),
      "",
      "</details>",
    ]);
  return [
    "| Policy | Severity | Resource | Violation | How to fix |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    ...lists,
  ];
}

/** A pull-request comment: a verdict, then a table per enforcement level (advisory folded). */
export function renderViolationsMarkdown(
  violations: readonly Violation[],
  ctx: ReportContext,
  policies: readonly Module6Policy[] = allPolicies,
): string {
  const summary = summarize(violations);
  const verdict = summary.passed
    ? "### ✅ Policy check passed"
    : `### ❌ Policy check failed: ${summary.mandatory} mandatory violation${summary.mandatory === 1 ? "" : "s"}`;
  const lines = [
    verdict,
    "",
    `\`${PACK_NAME}\`: ${ctx.policies} policies on ${ctx.resources} resources; ${summary.mandatory} mandatory, ${summary.advisory} advisory.`,
  ];
  const groups = groupViolations(violations, policies);
  const mandatory = groups.filter((g) => g.enforcementLevel === "mandatory");
  const advisory = groups.filter((g) => g.enforcementLevel === "advisory");
  if (mandatory.length > 0)
    lines.push("", `#### ${HEADINGS.mandatory} (${summary.mandatory})`, "", ...table(mandatory));
  if (advisory.length > 0) {
    lines.push(
      "",
      "<details>",
      `<summary>${HEADINGS.advisory} (${summary.advisory})</summary>`,
      "",
      ...table(advisory),
      "",
      "</details>",
    );
  }
  return lines.join("\n");
}

/** The JSON report: every violation with its fix, the same grouped by policy, and the counts. */
export function renderViolationsJson(
  violations: readonly Violation[],
  ctx: ReportContext,
  policies: readonly Module6Policy[] = allPolicies,
): {
  violations: readonly ReportedViolation[];
  groups: readonly ViolationGroup[];
  summary: Summary & ReportContext;
} {
  return {
    violations: violations.map((v) => ({ ...v, remediation: remediationOf(v.policy, policies) })),
    groups: groupViolations(violations, policies),
    summary: { ...summarize(violations), ...ctx },
  };
}
