/**
 * The change between two plans (or a plan and a `pulumi stack export`): resources matched by URN, then by
 * their aliases as the engine follows them (diff/aliases.ts), each classified as create, update, replace,
 * delete or unchanged, with its changed input paths, the fields that force a replacement
 * (diff/replacement.ts) and its changed resource options.
 *
 * URNs are compared in a canonical form: the stack, the project, the parent's own type, the type and the
 * name. The mock monitor names a child after its parent's last type only (`MockMonitor.newUrn` in
 * `@pulumi/pulumi` runtime/mocks.js), the engine after the parent's whole type chain
 * (`Deployment.generateURN`, pulumi/pulumi `pkg/resource/deploy/deployment.go`), so a plan and a real
 * export, and the aliases collapsed from a plan's URNs, agree only in that form. Comparing two stacks
 * (`--base` a prod plan, `--stack staging`) puts the base under the current stack's name.
 */
import { plainValue } from "./record";
import type { ExportResource } from "./render-json";
import { candidateAliases, parseUrn } from "./diff/aliases";
import { changedInputs } from "./diff/input-changes";
import { classifyChange, type ChangeKind, type ReplacementTable } from "./diff/replacement";

export type Operation = "create" | "update" | "replace" | "delete" | "unchanged";

/** A changed input as shown: the top-most path that changed, with its old and new values (plain JSON). */
export interface FieldChange {
  readonly path: string;
  readonly kind: ChangeKind;
  readonly before?: unknown;
  readonly after?: unknown;
  /** The change forces a replacement (`value`/`block` rule of the table) or may (`conditional`). */
  readonly replaces?: "forces" | "may";
}

export const OPTION_NAMES = [
  "protect",
  "retainOnDelete",
  "deletedWith",
  "ignoreChanges",
  "provider",
  "parent",
] as const;
export type OptionName = (typeof OPTION_NAMES)[number];

export interface OptionChange {
  readonly option: OptionName;
  readonly before: unknown;
  readonly after: unknown;
}

export interface ResourceDiff {
  /** The resource's URN in the current plan (the base's for a delete). */
  readonly urn: string;
  /** The base resource's URN when it differs (matched through an alias, or another stack's plan). */
  readonly baseUrn?: string;
  readonly type: string;
  readonly name: string;
  /** A provider's resource (custom) or a component. */
  readonly custom: boolean;
  /** Parent in the current plan's terms (a deleted resource's base parent, mapped when it still exists). */
  readonly parent?: string;
  readonly op: Operation;
  readonly matchedBy?: "urn" | "alias";
  /** Leaf-level changed input paths. */
  readonly changedPaths: readonly string[];
  /** The changes as shown (top-most changed paths with values). */
  readonly changes: readonly FieldChange[];
  /** Table fields (or `provider`, `deletedWith`) that force the replacement. */
  readonly replacingFields: readonly string[];
  /** Fields the provider decides on at deploy time: the update may turn into a replacement. */
  readonly mayReplaceFields: readonly string[];
  readonly options: readonly OptionChange[];
  /** Protected in the base (Pulumi refuses to delete or replace it) or in the current plan. */
  readonly protect: boolean;
  readonly deleteBeforeReplace?: boolean;
  /** Why the operation is an assumption (a type the replacement table does not know). */
  readonly note?: string;
  /** Read, not managed (`StackReference`, `get` functions). */
  readonly external: boolean;
}

export interface PlanDiff {
  readonly stack: string;
  readonly baseStack: string;
  readonly resources: readonly ResourceDiff[];
  /** The base resource each current URN matched (current URN → base URN as given). */
  readonly matched: ReadonlyMap<string, string>;
}

type Resource = ExportResource;

const ROOT_TYPE = "pulumi:pulumi:Stack";

/** The canonical form of a URN (see the module comment); `stack` replaces the URN's own stack. */
export function canonicalUrn(urn: string, stack?: string): string {
  const u = parseUrn(urn);
  const types = u.qualifiedType.split("$").slice(-2).join("$");
  return `urn:pulumi:${stack ?? u.stack}::${u.project}::${types}::${u.name}`;
}

/** The URN part of a provider reference (`urn::id`). */
function providerUrn(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const ix = ref.lastIndexOf("::");
  return ix > 0 && ref.slice(0, ix).startsWith("urn:") ? ref.slice(0, ix) : ref;
}

/** Property path steps with indices kept: `a.b[0]["c.d"]` → [a, b, 0, c.d]. */
function steps(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([^.[\]"]+)|\[(?:"((?:[^"\\]|\\.)*)"|(\d+))\]|\./gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < path.length && (m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(JSON.parse(`"${m[2]}"`) as string);
    else if (m[3] !== undefined) out.push(Number(m[3]));
  }
  return out;
}

function valueAt(root: unknown, path: string): unknown {
  let v = root;
  for (const step of steps(path)) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[step];
  }
  return v;
}

/** Is `path` under `prefix` (or equal to it)? */
function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** Inputs as plain JSON: a real export's secrets (`{ <sig>: <secret sig>, ciphertext }`) become `[secret]`. */
function plainInputs(r: Resource | undefined): Record<string, unknown> | undefined {
  return r === undefined ? undefined : (plainValue(r.inputs) as Record<string, unknown>);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

interface Pair {
  readonly base?: Resource;
  readonly cur?: Resource;
  readonly matchedBy?: "urn" | "alias";
}

/** Matches current resources to base ones: by canonical URN first, then by aliases (parents first). */
function match(base: readonly Resource[], cur: readonly Resource[], stack: string): Pair[] {
  const baseByUrn = new Map(base.map((r) => [canonicalUrn(r.urn, stack), r]));
  const claimed = new Set<string>();
  // Current URN (canonical) → the base URN (canonical) it matched through an alias.
  const aliased = new Map<string, string>();
  const pairs: Pair[] = [];
  const curCanon = new Set(cur.map((r) => canonicalUrn(r.urn)));
  for (const r of cur) {
    const urn = canonicalUrn(r.urn);
    let found = baseByUrn.get(urn);
    let by: "urn" | "alias" = "urn";
    if (found === undefined || claimed.has(urn)) {
      found = undefined;
      const view = {
        urn,
        ...(r.parent ? { parent: canonicalUrn(r.parent) } : {}),
        aliases: (r.aliases ?? []).map((a) => canonicalUrn(a)),
      };
      for (const alias of candidateAliases(view, aliased)) {
        const canon = canonicalUrn(alias, stack);
        // An alias naming a resource the current plan still has is that resource's, not this one's.
        if (curCanon.has(canon) || claimed.has(canon)) continue;
        const hit = baseByUrn.get(canon);
        if (hit !== undefined) {
          found = hit;
          by = "alias";
          aliased.set(urn, canon);
          break;
        }
      }
    }
    if (found !== undefined) claimed.add(canonicalUrn(found.urn, stack));
    pairs.push(found === undefined ? { cur: r } : { base: found, cur: r, matchedBy: by });
  }
  for (const r of base) if (!claimed.has(canonicalUrn(r.urn, stack))) pairs.push({ base: r });
  return pairs;
}

/** The changes as shown: top-most changed paths, each with its values. */
function shownChanges(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  leaf: readonly { path: string; kind: ChangeKind }[],
): FieldChange[] {
  const out: FieldChange[] = [];
  for (const c of leaf) {
    if (out.some((o) => o.kind !== "changed" && under(c.path, o.path))) continue;
    if (out.some((o) => o.path === c.path)) continue;
    out.push({ path: c.path, kind: c.kind, before: valueAt(before, c.path), after: valueAt(after, c.path) });
  }
  return out;
}

function optionChanges(
  base: Resource,
  cur: Resource,
  stack: string,
  mapped: (urn: string) => string,
): OptionChange[] {
  const out: OptionChange[] = [];
  const same = (a: string | undefined, b: string | undefined) =>
    (a ? canonicalUrn(mapped(a), stack) : "") === (b ? canonicalUrn(b) : "");
  const push = (option: OptionName, before: unknown, after: unknown) => out.push({ option, before, after });
  if ((base.protect ?? false) !== (cur.protect ?? false))
    push("protect", base.protect ?? false, cur.protect ?? false);
  if ((base.retainOnDelete ?? false) !== (cur.retainOnDelete ?? false))
    push("retainOnDelete", base.retainOnDelete ?? false, cur.retainOnDelete ?? false);
  if (!same(base.deletedWith, cur.deletedWith)) push("deletedWith", base.deletedWith, cur.deletedWith);
  if (!sameJson([...(base.ignoreChanges ?? [])].sort(), [...(cur.ignoreChanges ?? [])].sort()))
    push("ignoreChanges", base.ignoreChanges ?? [], cur.ignoreChanges ?? []);
  const bp = providerUrn(base.provider);
  const cp = providerUrn(cur.provider);
  if (!same(bp, cp)) push("provider", bp, cp);
  const isRoot = (u: string | undefined) => u === undefined || parseUrn(u).qualifiedType === ROOT_TYPE;
  const bParent = isRoot(base.parent) ? undefined : base.parent;
  const cParent = isRoot(cur.parent) ? undefined : cur.parent;
  if (!same(bParent, cParent)) push("parent", bParent, cParent);
  return out;
}

/**
 * Compares two plans' resources (the root stack resource of each is left out). `stack` and `baseStack`
 * name the two stacks; the same name for a change review, two names for a comparison of stacks.
 */
export function comparePlans(
  baseResources: readonly Resource[],
  curResources: readonly Resource[],
  names: { readonly stack: string; readonly baseStack: string },
  table?: ReplacementTable,
): PlanDiff {
  const notRoot = (r: Resource) => r.type !== ROOT_TYPE;
  const pairs = match(baseResources.filter(notRoot), curResources.filter(notRoot), names.stack);
  // Base URN (canonical) → the current URN it became, to put a base's references in current terms.
  const becameCanon = new Map<string, string>();
  const matched = new Map<string, string>();
  for (const p of pairs)
    if (p.base && p.cur) {
      becameCanon.set(canonicalUrn(p.base.urn, names.stack), p.cur.urn);
      matched.set(p.cur.urn, p.base.urn);
    }
  const mapped = (urn: string) => becameCanon.get(canonicalUrn(urn, names.stack)) ?? urn;

  const diffs: ResourceDiff[] = pairs.map((p): ResourceDiff => {
    const r = (p.cur ?? p.base) as Resource;
    const name = parseUrn(r.urn).name;
    const common = {
      urn: r.urn,
      type: r.type,
      name,
      custom: r.custom,
      external: r.external === true,
      protect: (p.base?.protect ?? false) || (p.cur?.protect ?? false),
    };
    if (p.cur === undefined) {
      const parent =
        r.parent && parseUrn(r.parent).qualifiedType !== ROOT_TYPE ? mapped(r.parent) : undefined;
      const before = plainInputs(r);
      return {
        ...common,
        ...(parent ? { parent } : {}),
        op: "delete",
        changedPaths: [],
        changes: Object.keys(before ?? {}).map((k) => ({ path: k, kind: "removed", before: before?.[k] })),
        replacingFields: [],
        mayReplaceFields: [],
        options: [],
      };
    }
    const parent = r.parent && parseUrn(r.parent).qualifiedType !== ROOT_TYPE ? r.parent : undefined;
    if (p.base === undefined) {
      const after = plainInputs(r);
      return {
        ...common,
        ...(parent ? { parent } : {}),
        op: "create",
        changedPaths: [],
        changes: Object.keys(after ?? {}).map((k) => ({ path: k, kind: "added", after: after?.[k] })),
        replacingFields: [],
        mayReplaceFields: [],
        options: [],
      };
    }
    const before = plainInputs(p.base);
    const after = plainInputs(p.cur);
    const leaf = changedInputs(before, after);
    const options = optionChanges(p.base, p.cur, names.stack, mapped);
    const extra = {
      ...(parent ? { parent } : {}),
      ...(canonicalUrn(p.base.urn, names.stack) !== canonicalUrn(p.cur.urn) || names.stack !== names.baseStack
        ? { baseUrn: p.base.urn }
        : {}),
      ...(p.matchedBy ? { matchedBy: p.matchedBy } : {}),
      changedPaths: leaf.map((c) => c.path),
      options,
    };
    let changes = shownChanges(before, after, leaf);
    const changed = leaf.length > 0 || options.length > 0;
    // Components and providers: no replacement table (a component has no provider; a provider's own
    // config change is decided by its DiffConfig, which the table does not model).
    if (!r.custom || r.type.startsWith("pulumi:providers:") || r.external) {
      return {
        ...common,
        ...extra,
        op: changed ? "update" : "unchanged",
        changes,
        replacingFields: [],
        mayReplaceFields: [],
        ...(r.custom && !r.external && leaf.length > 0
          ? {
              note: "a provider's config change may replace the resources it manages (its DiffConfig decides)",
            }
          : {}),
      };
    }
    const verdict = classifyChange(r.type, leaf, table);
    const replacing = verdict.kind === "replace" ? verdict.forcedBy : [];
    const may = verdict.kind === "unknown" ? [] : verdict.mayReplace;
    const forcing = (path: string) => replacing.find((f) => under(f.path, path) || under(path, f.path));
    const maybe = (path: string) => may.find((f) => under(f.path, path) || under(path, f.path));
    changes = changes.map((c) =>
      forcing(c.path) ? { ...c, replaces: "forces" } : maybe(c.path) ? { ...c, replaces: "may" } : c,
    );
    const mayReplaceFields = [...new Set(may.map((f) => f.field))];
    // Another provider instance: the new provider's DiffConfig decides whether the resource is replaced
    // (`stepGenerator.providerChanged`, pkg/resource/deploy/step_generator.go).
    if (options.some((o) => o.option === "provider")) mayReplaceFields.push("provider");
    return {
      ...common,
      ...extra,
      op: replacing.length > 0 ? "replace" : changed ? "update" : "unchanged",
      changes,
      replacingFields: [...new Set(replacing.map((f) => f.field))],
      mayReplaceFields,
      ...(verdict.kind === "replace" && verdict.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
      ...(verdict.kind === "unknown" && changed ? { note: verdict.reason } : {}),
    };
  });

  // A resource deleted with one that is replaced is replaced too (`deletedWith` in the engine's diff,
  // pkg/resource/deploy/step_generator.go): repeat until nothing more changes.
  const byUrn = new Map(diffs.map((d, i) => [d.urn, i]));
  for (let again = true; again;) {
    again = false;
    for (const [i, d] of diffs.entries()) {
      const cur = pairs[i]?.cur;
      if (!cur?.deletedWith || d.op === "replace" || d.op === "create") continue;
      const target = diffs[byUrn.get(cur.deletedWith) ?? -1];
      if (target?.op !== "replace") continue;
      diffs[i] = { ...d, op: "replace", replacingFields: [...d.replacingFields, "deletedWith"] };
      again = true;
    }
  }
  return { stack: names.stack, baseStack: names.baseStack, resources: diffs, matched };
}
