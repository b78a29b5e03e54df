/**
 * Two stacks' plans compared (`--base` a prod plan, `--stack staging`): "how far does staging differ from
 * prod". Every name and id carries the stack's name or project id, so the base's values are read with the
 * current stack's: the project id of its `gcp` provider and its stack name as a word (`m6-prod-main` →
 * `m6-staging-main`). What is left are the differences of configuration and shape.
 */
import type { ExportResource } from "./render-json";

function projectOf(resources: readonly ExportResource[]): string | undefined {
  const provider = resources.find((r) => r.type === "pulumi:providers:gcp");
  const project = provider?.inputs.project;
  return typeof project === "string" && project !== "" ? project : undefined;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function rewrite(value: unknown, swap: (s: string) => string): unknown {
  if (typeof value === "string") return swap(value);
  if (Array.isArray(value)) return value.map((v) => rewrite(v, swap));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [swap(k), rewrite(v, swap)]));
  return value;
}

export interface Aligned {
  readonly resources: ExportResource[];
  /** What was read as the same, for the report's header. */
  readonly note: string;
}

/** The base's resources with its project id and stack name read as the current stack's. */
export function alignBaseStack(
  base: readonly ExportResource[],
  current: readonly ExportResource[],
  names: { readonly baseStack: string; readonly stack: string },
): Aligned {
  const pairs: [RegExp, string, string][] = [];
  const baseProject = projectOf(base);
  const project = projectOf(current);
  if (baseProject && project && baseProject !== project)
    pairs.push([new RegExp(escape(baseProject), "g"), project, `project ${baseProject} as ${project}`]);
  pairs.push([
    new RegExp(`(?<![A-Za-z0-9])${escape(names.baseStack)}(?![A-Za-z0-9])`, "g"),
    names.stack,
    `the word "${names.baseStack}" as "${names.stack}"`,
  ]);
  const swap = (s: string) => pairs.reduce((acc, [re, to]) => acc.replace(re, to), s);
  return {
    resources: base.map((r) => ({ ...r, inputs: rewrite(r.inputs, swap) as Record<string, unknown> })),
    note:
      `Not a deployment: the data-loss gate is off. ${names.baseStack}'s values are read with ` +
      `${pairs.map((p) => p[2]).join(" and ")}; what differs is configuration and shape.`,
  };
}
