/**
 * Replace or update? Given a resource's type token and the input paths that changed between two plans,
 * says whether Pulumi would replace the resource and which fields force it, from the table generated
 * out of the providers' own schemas (replacement-table.json, see generate/generate-replacement-table.ts).
 *
 * Path notation (table and changes): Pulumi input names in camelCase joined by `.`; `[]` after a name
 * steps into the elements of an array (`template.containers[].image`). Terraform blocks limited to one
 * element are objects in Pulumi, so they carry no `[]` (`template.scaling.minInstanceCount`). Changed
 * paths may carry concrete indices and map keys in Pulumi's property-path syntax
 * (`template.containers[0].image`, `labels["team"]`, `labels.team`); indices are ignored when matching.
 *
 * Table semantics (Terraform plugin SDK `schemaMap.diff`, plugin-framework `RequiresReplace`):
 * - `replace`: a change of the value at or under the path replaces the resource (scalars, lists of
 *   scalars, maps, framework attributes);
 * - `blocks`: adding or removing the block, or one of its elements, replaces it; changes inside follow
 *   the nested paths' own entries;
 * - `conditional`: the provider decides at plan time from old and new values (a `CustomizeDiff` such as
 *   "disk size shrinks", a conditional plan modifier): reported as "may replace", not counted as replace.
 * Give leaf-level changes (see input-changes.ts): a whole object or array reported as changed says
 * nothing about which of its fields changed, so it only matches entries at or above it.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { KUBERNETES_REPLACEMENTS } from "./kubernetes-replacements";

export type ResourceKind = "generated" | "handwritten" | "iam" | "framework" | "native";

export interface TableResource {
  /** The Terraform resource the entry was read from. */
  readonly tf: string;
  /** Magic Modules generated, hand-written SDKv2, generic IAM, plugin framework, or a native provider's (Kubernetes). */
  readonly kind: ResourceKind;
  readonly replace?: readonly string[];
  readonly blocks?: readonly string[];
  readonly conditional?: readonly string[];
  /** Pulumi deletes the old resource before creating the new one (`deleteBeforeReplace` in the provider). */
  readonly deleteBeforeReplace?: boolean;
}

export interface UpstreamSource {
  readonly repository: string;
  readonly commit: string;
  readonly describe: string;
}

export interface ReplacementTable {
  readonly providers: Readonly<
    Record<
      string,
      {
        readonly upstream: UpstreamSource;
        readonly pulumi: UpstreamSource & { readonly file: string };
        readonly sdk: { readonly package: string; readonly version: string };
      }
    >
  >;
  readonly resources: Readonly<Record<string, TableResource>>;
}

export type ChangeKind = "added" | "removed" | "changed";

/** One changed input: its path and whether it appeared, disappeared or changed value. */
export interface InputChange {
  readonly path: string;
  readonly kind: ChangeKind;
}

export interface ForcingChange {
  /** The changed path as given. */
  readonly path: string;
  /** The table entry it matched. */
  readonly field: string;
  /** `value`: a force-new value changed; `block`: a force-new block or element was added or removed. */
  readonly rule: "value" | "block" | "conditional";
}

export type ReplacementVerdict =
  | {
      readonly kind: "replace";
      readonly forcedBy: readonly ForcingChange[];
      readonly mayReplace: readonly ForcingChange[];
      readonly deleteBeforeReplace: boolean;
      readonly tf: string;
    }
  | { readonly kind: "update"; readonly mayReplace: readonly ForcingChange[]; readonly tf: string }
  /** The type is not in the table: assume an update, and say so. */
  | { readonly kind: "unknown"; readonly assumed: "update"; readonly reason: string };

const TABLE_FILE = "replacement-table.json";

/**
 * The table file: next to this module under tsx and Vitest; from the repository root when this module
 * is bundled (plan/launch.cjs sets `__dirname` to the entry's folder).
 */
function defaultTablePath(): string {
  const beside = join(__dirname, TABLE_FILE);
  if (existsSync(beside)) return beside;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, "plan", "diff", TABLE_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`${TABLE_FILE} not found above ${__dirname}`);
  }
}

let cached: ReplacementTable | undefined;

/** Loads the table once (about 0.5 MB of JSON: read and parsed only when a diff needs it). */
export function loadReplacementTable(file?: string): ReplacementTable {
  if (file !== undefined) return JSON.parse(readFileSync(file, "utf8")) as ReplacementTable;
  if (cached === undefined) {
    const table = JSON.parse(readFileSync(defaultTablePath(), "utf8")) as ReplacementTable;
    // The native Kubernetes provider's entries, which the generated table cannot hold.
    cached = { ...table, resources: { ...table.resources, ...KUBERNETES_REPLACEMENTS } };
  }
  return cached;
}

/**
 * Splits a property path into names, one per level, indices dropped and quoted keys unquoted:
 * `template.containers[0].image` → [template, containers, image]; `labels["a.b"]` → [labels, a.b].
 */
export function pathSegments(path: string): string[] {
  const out: string[] = [];
  const re = /([^.[\]"]+)|\[(?:"((?:[^"\\]|\\.)*)"|(\d*|\*))\]|\./gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < path.length && (m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(JSON.parse(`"${m[2]}"`) as string);
  }
  if (re.lastIndex < path.length) throw new Error(`not a property path: ${path}`);
  return out;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => path[i] === s);
}

/**
 * Replace or update for a change of these inputs. Strings are taken as `changed` values.
 * `pulumi:*` types and components are not custom resources of a provider: the caller handles them.
 */
export function classifyChange(
  type: string,
  changes: readonly (InputChange | string)[],
  table: ReplacementTable = loadReplacementTable(),
): ReplacementVerdict {
  const entry = table.resources[type];
  if (entry === undefined) {
    return {
      kind: "unknown",
      assumed: "update",
      reason: `${type} is not in the replacement table (${Object.keys(table.providers).join(", ")} providers): assumed to update in place`,
    };
  }
  const replace = (entry.replace ?? []).map((f) => ({ f, s: pathSegments(f) }));
  const blocks = (entry.blocks ?? []).map((f) => ({ f, s: pathSegments(f) }));
  const conditional = (entry.conditional ?? []).map((f) => ({ f, s: pathSegments(f) }));
  const forcedBy: ForcingChange[] = [];
  const mayReplace: ForcingChange[] = [];
  for (const change of changes) {
    const { path, kind } = typeof change === "string" ? { path: change, kind: "changed" as const } : change;
    const segs = pathSegments(path);
    const value = replace.find((r) => startsWith(segs, r.s));
    if (value !== undefined) {
      forcedBy.push({ path, field: value.f, rule: "value" });
      continue;
    }
    // A block (or one of its elements) added or removed: the path is the block itself. A block only
    // said to have "changed" gives no detail: it may replace.
    const block = blocks.find((b) => b.s.length === segs.length && startsWith(segs, b.s));
    if (block !== undefined) {
      (kind === "changed" ? mayReplace : forcedBy).push({ path, field: block.f, rule: "block" });
      continue;
    }
    const cond = conditional.find((c) => startsWith(segs, c.s));
    if (cond !== undefined) mayReplace.push({ path, field: cond.f, rule: "conditional" });
  }
  if (forcedBy.length > 0)
    return {
      kind: "replace",
      forcedBy,
      mayReplace,
      deleteBeforeReplace: entry.deleteBeforeReplace === true,
      tf: entry.tf,
    };
  return { kind: "update", mayReplace, tf: entry.tf };
}
