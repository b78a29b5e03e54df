/**
 * How much of a peer scanner's coverage the pack has: for every check id a policy claims (its framework
 * reference when that is a scanner's id, and its `otherIds`), the scanner's own test cases translated to
 * resource records are evaluated by the claiming policies. Recall is the share of the scanner's failing
 * cases that a claiming policy flags; a false positive is a passing case a claiming policy flags without
 * an intended difference.
 */
import { allPolicies, type Module6Policy } from "../../../policies/all";
import { evaluatePolicies } from "../../../plan/policy-eval";
import { provider, root } from "../../fixtures/policies/build";
import { peerSuites, type PeerCase } from "../../fixtures/policies/peer";

/** A checkov or trivy check id. */
export const PEER_ID = /^(CKV2?_GCP_\d+|AVD-GCP-\d+)$/;

/** The peer ids a policy claims. */
export function claimedIds(policy: Module6Policy): string[] {
  const ids = policy.tags.filter((t) => PEER_ID.test(t));
  const reference = policy.framework?.reference;
  if (reference !== undefined && PEER_ID.test(reference) && !ids.includes(reference)) ids.unshift(reference);
  return ids;
}

/** Check id → the policies that claim it. */
export function claims(policies: readonly Module6Policy[] = allPolicies): Map<string, Module6Policy[]> {
  const out = new Map<string, Module6Policy[]>();
  for (const p of policies) for (const id of claimedIds(p)) out.set(id, [...(out.get(id) ?? []), p]);
  return out;
}

export interface CaseOutcome {
  readonly peerCase: PeerCase;
  readonly flagged: boolean;
  readonly messages: readonly string[];
}

/** Runs `policies` on one case's stack (its resources, the stack's root and the gcp provider). */
export async function runCase(peerCase: PeerCase, policies: readonly Module6Policy[]): Promise<CaseOutcome> {
  const violations = await evaluatePolicies([root(), provider("prod"), ...peerCase.resources], {
    policies,
    ...(peerCase.config ? { config: peerCase.config } : {}),
    stackTags: peerCase.stackTags ?? {},
    preview: peerCase.preview === true,
  });
  // A policy that cannot run at preview reports a notice, not a finding.
  const messages = violations.map((v) => v.message).filter((m) => !m.startsWith("can't run policy"));
  return { peerCase, flagged: messages.length > 0, messages };
}

export interface CheckFigures {
  readonly check: string;
  readonly scanner: string;
  readonly policies: readonly string[];
  readonly failing: number;
  readonly caught: number;
  readonly missed: readonly CaseOutcome[];
  readonly passing: number;
  /** Passing cases flagged without an intended difference. */
  readonly falsePositives: readonly CaseOutcome[];
  /** Passing cases flagged on purpose (the case names why). */
  readonly intended: readonly CaseOutcome[];
  /** caught / failing (1 when there is no failing case). */
  readonly recall: number;
}

export interface Measurement {
  readonly figures: readonly CheckFigures[];
  /** Ids that a policy claims but no translated case covers. */
  readonly uncovered: readonly string[];
  /** Ids with translated cases that no policy claims (measured for the record, not required). */
  readonly unclaimed: readonly string[];
}

const byId = (a: string, b: string): number => {
  const key = (id: string): [string, number] => [id.replace(/\d+$/, ""), Number(/\d+$/.exec(id)?.[0] ?? 0)];
  const [pa, na] = key(a);
  const [pb, nb] = key(b);
  return pa.localeCompare(pb) || na - nb;
};

/** Measures every claimed check (and, for the record, every check with cases). */
export async function measure(policies: readonly Module6Policy[] = allPolicies): Promise<Measurement> {
  const claimed = claims(policies);
  const cases = peerSuites.flatMap((s) => s.cases.map((c) => ({ scanner: s.scanner, c })));
  const withCases = new Set(cases.map(({ c }) => c.check));
  const figures: CheckFigures[] = [];
  for (const check of [...claimed.keys()].filter((id) => withCases.has(id)).sort(byId)) {
    const claiming = claimed.get(check) ?? [];
    const mine = cases.filter(({ c }) => c.check === check);
    const outcomes = await Promise.all(mine.map(({ c }) => runCase(c, claiming)));
    const failing = outcomes.filter((o) => o.peerCase.scanner === "fail");
    const passing = outcomes.filter((o) => o.peerCase.scanner === "pass");
    const caught = failing.filter((o) => o.flagged).length;
    const flaggedPassing = passing.filter((o) => o.flagged);
    figures.push({
      check,
      scanner: mine[0]?.scanner ?? "",
      policies: claiming.map((p) => p.name),
      failing: failing.length,
      caught,
      missed: failing.filter((o) => !o.flagged),
      passing: passing.length,
      falsePositives: flaggedPassing.filter((o) => o.peerCase.intendedDifference === undefined),
      intended: flaggedPassing.filter((o) => o.peerCase.intendedDifference !== undefined),
      recall: failing.length === 0 ? 1 : caught / failing.length,
    });
  }
  return {
    figures,
    uncovered: [...claimed.keys()].filter((id) => !withCases.has(id)).sort(byId),
    unclaimed: [...withCases].filter((id) => !claimed.has(id)).sort(byId),
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(x === 1 ? 0 : 1)} %`;

/** The figures as a Markdown table, with totals. */
export function figuresTable(m: Measurement): string {
  const rows = m.figures.map(
    (f) =>
      `| ${f.check} | ${f.policies.map((p) => `\`${p}\``).join(", ")} | ${f.caught}/${f.failing} | ${pct(f.recall)} | ${f.falsePositives.length} | ${f.intended.length}/${f.passing} |`,
  );
  const failing = m.figures.reduce((n, f) => n + f.failing, 0);
  const caught = m.figures.reduce((n, f) => n + f.caught, 0);
  const fp = m.figures.reduce((n, f) => n + f.falsePositives.length, 0);
  const intended = m.figures.reduce((n, f) => n + f.intended.length, 0);
  const passing = m.figures.reduce((n, f) => n + f.passing, 0);
  return [
    "| Check | Claimed by | Failing cases caught | Recall | False positives | Intended differences / passing cases |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    `| **all ${m.figures.length} checks** | | ${caught}/${failing} | ${pct(failing ? caught / failing : 1)} | ${fp} | ${intended}/${passing} |`,
  ].join("\n");
}
