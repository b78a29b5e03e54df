/**
 * The environment a stack builds: its kind checked against the stack name, its labels, and the preset's
 * scaling and protection with the config's overrides — and the rules that tie these keys to the kind.
 */
import { IAP_MEMBER } from "../components/shared/members";
import { show, type Problem } from "../components/shared/validation";
import { problemAt } from "./config-problems";
import type { ParsedConfig } from "./config-schema";
import { environmentLabels } from "./labels";
import { envSegment } from "./naming";
import { isFeatureStackName, MAX_FEATURE_SLUG } from "./stack-names";
import type { Kind, Preset, Protection, RunDefaults } from "./presets";
import type { Region } from "./regions";

/** The environment-wide settings every other section builds on. */
export interface EnvironmentSettings {
  /** The environment's name segment (`prod`, `staging`, `f-<slug>`). */
  readonly env: string;
  /** Labels every resource carries (components add `component`). */
  readonly labels: Readonly<Record<string, string>>;
  readonly runDefaults: RunDefaults;
  readonly protection: Protection;
  readonly allowedRegions: readonly Region[];
  /** Who may reach a feature environment through IAP (defaults to the owners). */
  readonly reviewers: readonly string[];
}

/** The keys the environment is made of; a key that failed to parse is `undefined` and listed in `failed`. */
export type EnvironmentInput = Pick<
  Partial<ParsedConfig>,
  "domain" | "labels" | "owners" | "reviewers" | "allowedRegions" | "runDefaults" | "protection" | "app"
> & {
  readonly kind: Kind;
  /** `undefined` when `region` failed its schema: the checks against it are left out. */
  readonly region: Region | undefined;
  readonly failed: ReadonlySet<string>;
};

/** The environment's settings over the preset, and the rules between its keys, the kind and the stack name. */
export function resolveEnvironment(
  stack: string,
  cfg: EnvironmentInput,
  preset: Preset,
): { value: EnvironmentSettings; problems: Problem[] } {
  const { kind, region } = cfg;
  const { team = "", "cost-center": costCenter = "", ...extra } = cfg.labels ?? {};
  const value: EnvironmentSettings = {
    env: envSegment(stack),
    labels: environmentLabels({ app: cfg.app ?? "", env: kind, stack, team, costCenter, extra }),
    runDefaults: { ...preset.runDefaults, ...cfg.runDefaults },
    protection: { ...preset.protection, ...cfg.protection },
    allowedRegions: cfg.allowedRegions ?? (region ? [region] : []),
    reviewers: cfg.reviewers ?? cfg.owners ?? [],
  };
  const problems = [...kindProblems(stack, cfg), ...protectionProblems(kind, value.protection)];
  if (region !== undefined && !value.allowedRegions.includes(region))
    problems.push(
      problemAt("allowedRegions", value.allowedRegions, `a list that includes the stack's region ${region}`),
    );
  // Feature environments let the reviewers through IAP on each service: the owners when none are set.
  if (kind === "feature" && cfg.reviewers === undefined)
    (cfg.owners ?? []).forEach((member, i) => {
      if (!IAP_MEMBER.test(member))
        problems.push(
          problemAt(`owners[${i}]`, member, `${IAP_MEMBER.allowed} (the owners are the reviewers)`),
        );
    });
  return { value, problems };
}

/** The kind fits the stack name (reported against the name when the name is the mistake), and prod and staging have a domain. */
function kindProblems(stack: string, cfg: EnvironmentInput): Problem[] {
  const problems: Problem[] = [];
  const featureName = stack.startsWith("feature-");
  if (featureName && !isFeatureStackName(stack))
    problems.push({
      path: "stack name",
      value: show(stack),
      allowed: `feature-<slug>: lowercase letters, digits and single hyphens, a slug of at most ${MAX_FEATURE_SLUG} characters (e.g. feature-pr-123)`,
    });
  else if (cfg.kind === "feature" && !featureName)
    problems.push(
      problemAt(
        "kind",
        cfg.kind,
        `a kind that fits the stack name: kind feature is for stacks named feature-<slug>, and this stack is "${stack}"`,
      ),
    );
  else if (cfg.kind !== "feature" && featureName)
    problems.push(
      problemAt(
        "kind",
        cfg.kind,
        `"feature": the stack is named "${stack}", and feature-<slug> stacks are of kind feature (a stack file contradicts its name)`,
      ),
    );
  else if ((stack === "prod" || stack === "staging") && cfg.kind !== stack)
    problems.push(
      problemAt(
        "kind",
        cfg.kind,
        `"${stack}": the stack file contradicts its name (stack "${stack}" with kind "${cfg.kind}")`,
      ),
    );
  if (cfg.kind !== "feature" && cfg.domain === undefined && !cfg.failed.has("domain"))
    problems.push(problemAt("domain", undefined, `a domain for a ${cfg.kind} stack`));
  return problems;
}

/**
 * Prod keeps its protection (turning it off is a deliberate change of stacks/presets.ts, never a config
 * edit); a feature stack has none, so one `pulumi destroy` removes it.
 */
function protectionProblems(kind: Kind, protection: Protection): Problem[] {
  return Object.entries(protection).flatMap(([key, on]) => {
    if (kind === "prod" && !on)
      return [
        problemAt(
          `protection.${key}`,
          on,
          "true in prod (change stacks/presets.ts deliberately to turn it off)",
        ),
      ];
    if (kind === "feature" && on)
      return [
        problemAt(
          `protection.${key}`,
          on,
          "false in a feature stack: it must be destroyable in one pulumi destroy",
        ),
      ];
    return [];
  });
}
