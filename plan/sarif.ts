/**
 * Policy violations as SARIF 2.1.0 for code scanning (`github/codeql-action/upload-sarif`): one rule per
 * policy with its description and remediation, one result per violation with the resource's URN as its
 * logical location and, as its physical location (code scanning requires one), the line of the component
 * source or stack file that declares the resource (`policy-sources.ts`), the audited file otherwise. The
 * run's `automationDetails.id` names the stack, so the analyses of prod and staging are separate categories
 * and one upload does not close the other's alerts ("runAutomationDetails object",
 * https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning).
 */
import { createHash } from "node:crypto";
import type { Severity } from "@pulumi/policy";
import type { Log, ReportingDescriptor, Result } from "sarif";
import { allPolicies, PACK_NAME, type Module6Policy } from "../policies/all";
import type { Violation } from "./policy-eval";
import type { SourceLocation } from "./policy-sources";
import { remediationOf } from "./render-violations";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** GitHub's `security-severity` (critical ≥ 9, high ≥ 7, medium ≥ 4, low > 0). */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "2.0",
};

/** The levels the pack uses (SARIF's `none` is never one). */
export type SarifLevel = Exclude<Result.level, "none">;

/** Mandatory violations are errors; advisory ones warnings, or notes when of low severity. */
export function sarifLevel(level: "mandatory" | "advisory", severity: Severity): SarifLevel {
  if (level === "mandatory") return "error";
  return severity === "low" ? "note" : "warning";
}

function ruleOf(p: Module6Policy): ReportingDescriptor {
  const framework = p.framework
    ? `${p.framework.name} ${p.framework.version} ${p.framework.reference}`
    : undefined;
  return {
    id: p.name,
    name: p.name.replace(/(^|-)([a-z0-9])/g, (_m: string, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: p.description.split(". ")[0]?.replace(/\.$/, "") ?? p.description },
    fullDescription: { text: p.description },
    help: {
      text: `${p.remediationSteps}${framework ? `\n\nFramework: ${framework}` : ""}`,
      markdown: `**Remediation:** ${p.remediationSteps}${framework ? `\n\n**Framework:** ${framework}` : ""}`,
    },
    defaultConfiguration: { level: sarifLevel(p.enforcementLevel, p.severity) },
    properties: {
      tags: ["security", ...p.tags],
      precision: "high",
      "problem.severity": p.enforcementLevel === "mandatory" ? "error" : "warning",
      "security-severity": SECURITY_SEVERITY[p.severity],
    },
  };
}

export interface SarifOptions {
  /** The audited file, relative to the repository root (where a result goes that no source declares). */
  readonly artifact: string;
  /** The stack the violations are of: the run's category (`automationDetails.id`). */
  readonly stack?: string;
  /** Where each resource is declared (default: the audited file, line 1). */
  readonly locate?: (urn: string) => SourceLocation;
  /** The pack's policies (default: all). */
  readonly policies?: readonly Module6Policy[];
  readonly version?: string;
}

/** The run's category: one per stack (`module6-gcp/prod/`). */
export const automationId = (stack: string | undefined): string => `${PACK_NAME}/${stack ?? "stack"}/`;

/** A SARIF 2.1.0 log of `violations`. */
export function renderSarif(violations: readonly Violation[], options: SarifOptions): Log {
  const policies = options.policies ?? allPolicies;
  const index = new Map(policies.map((p, i) => [p.name, i]));
  const artifact = options.artifact.replace(/\\/g, "/");
  const locate = options.locate ?? ((): SourceLocation => ({ uri: artifact, line: 1 }));
  const located = violations.map((v) => locate(v.urn));
  const uris = [...new Set([artifact, ...located.map((l) => l.uri)])];
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: PACK_NAME,
            version: options.version ?? "0.1.0",
            informationUri: "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/",
            rules: policies.map(ruleOf),
          },
        },
        automationDetails: { id: automationId(options.stack) },
        artifacts: uris.map((uri) => ({ location: { uri } })),
        results: violations.map((v, i) => ({
          ruleId: v.policy,
          ...(index.has(v.policy) ? { ruleIndex: index.get(v.policy) } : {}),
          level: sarifLevel(v.enforcementLevel, v.severity),
          message: { text: `${v.message}. Fix: ${remediationOf(v.policy, policies)}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: {
                  uri: located[i]?.uri ?? artifact,
                  index: uris.indexOf(located[i]?.uri ?? artifact),
                },
                region: { startLine: located[i]?.line ?? 1 },
              },
              logicalLocations: [
                { fullyQualifiedName: v.urn, name: v.urn.split("::").pop() ?? v.urn, kind: "resource" },
              ],
            },
          ],
          partialFingerprints: {
            "module6PolicyViolation/v1": createHash("sha256")
              .update(`${v.policy}\n${v.urn}\n${v.message}`)
              .digest("hex")
              .slice(0, 32),
          },
        })),
      },
    ],
  };
}
