/**
 * Aliases as Pulumi's engine reads them: an alias spec collapsed to the URN a resource had before, and
 * the aliases a child inherits when its parent matched through an alias.
 *
 * Under mocks the SDK sends structured aliases (`runtime/mocks.js` sets `store.supportsAliasSpecs = true`;
 * `runtime/resource.js` `mapAliasesForRequest` fills `RegisterResourceRequest.aliases` with an
 * `Alias { urn | spec { name, type, stack, project, parentUrn | noParent } }`, and passes the resource's own
 * parent as `parentUrn` when the alias names none). The engine turns each into a URN in
 * `pkg/resource/deploy/step_generator.go` (pulumi/pulumi): `collapseAliasToUrn` (empty name/type/project/
 * stack default to the resource's own; a root-stack parent or `noParent` means no parent; a parent that
 * itself matched through an alias stands for its old URN) and `resource.CreateURN`
 * (`sdk/go/common/resource/alias.go`: the parent URN's prefix up to its last `::`, then `$<type>::<name>`);
 * `generateAliases` adds, for a child of an aliased parent, `inheritedChildAlias` (the child's name with
 * the parent's old name in place of the new one as prefix, under the parent's old type chain).
 */

/** What the SDK sends for one alias (the fields of `Alias.Spec`, or a plain URN). */
export type AliasRequest =
  | { readonly urn: string }
  | {
      readonly name: string;
      readonly type: string;
      readonly stack: string;
      readonly project: string;
      readonly parentUrn?: string;
      readonly noParent: boolean;
    };

/** The resource whose alias is collapsed. */
export interface AliasedResource {
  readonly name: string;
  readonly type: string;
  readonly parent?: string;
  readonly project: string;
  readonly stack: string;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The qualified type of a URN (`a$b$c`), its last type and its name. */
export function parseUrn(urn: string): {
  stack: string;
  project: string;
  qualifiedType: string;
  name: string;
} {
  const m = /^urn:pulumi:([^:]*)::([^:]*)::(.*?)::(.*)$/s.exec(urn);
  if (m === null) throw new Error(`not a Pulumi URN: ${urn}`);
  return { stack: m[1] ?? "", project: m[2] ?? "", qualifiedType: m[3] ?? "", name: m[4] ?? "" };
}

/** The resource's own type: the last segment of the qualified type. */
export function urnType(urn: string): string {
  return parseUrn(urn).qualifiedType.split("$").pop() ?? "";
}

/** `resource.CreateURN`: a URN from a name, a type and an optional parent. */
export function createUrn(
  name: string,
  type: string,
  parent: string | undefined,
  project: string,
  stack: string,
): string {
  if (!parent) return `urn:pulumi:${stack}::${project}::${type}::${name}`;
  const ix = parent.lastIndexOf("::");
  return `${parent.slice(0, ix)}$${type}::${name}`;
}

/**
 * `collapseAliasToUrn`. `parentAliases` maps a parent's URN to the old URN it matched through an alias
 * (empty when the aliases are collapsed while recording, before anything is matched).
 */
export function collapseAlias(
  res: AliasedResource,
  alias: AliasRequest,
  parentAliases: ReadonlyMap<string, string> = new Map(),
): string {
  if ("urn" in alias) return alias.urn;
  let parent = alias.parentUrn || res.parent || "";
  if (alias.parentUrn) parent = parentAliases.get(parent) ?? parent;
  if (alias.noParent || (parent !== "" && urnType(parent) === ROOT_STACK_TYPE)) parent = "";
  return createUrn(
    alias.name || res.name,
    alias.type || res.type,
    parent,
    alias.project || res.project,
    alias.stack || res.stack,
  );
}

/** `inheritedChildAlias`: a child's alias under its parent's old URN. */
function inheritedChildAlias(
  childType: string,
  childName: string,
  parentName: string,
  parentAlias: string,
): string {
  const old = parseUrn(parentAlias);
  const name = childName.startsWith(parentName) ? old.name + childName.slice(parentName.length) : childName;
  return `urn:pulumi:${old.stack}::${old.project}::${old.qualifiedType}$${childType}::${name}`;
}

/**
 * `generateAliases`: every URN the resource may have had, from its recorded aliases (URNs collapsed with
 * its parent as registered) and, when its parent matched through an alias, those re-collapsed under the
 * parent's old URN and the inherited child aliases.
 */
export function candidateAliases(
  res: { readonly urn: string; readonly parent?: string; readonly aliases?: readonly string[] },
  parentAliases: ReadonlyMap<string, string>,
): string[] {
  const out = new Set<string>(res.aliases ?? []);
  const parentOld = res.parent ? parentAliases.get(res.parent) : undefined;
  if (res.parent && parentOld !== undefined) {
    const own = parseUrn(res.urn);
    const parentName = parseUrn(res.parent).name;
    const type = own.qualifiedType.split("$").pop() ?? "";
    // The recorded aliases were collapsed under the parent's new URN: the engine collapses them under
    // the old one (the SDK sends the parent's URN with each alias spec). Such an alias names the parent's
    // own type just before its own (URNs may be cut to their last two types, as the mocks make them).
    const parentType = parseUrn(res.parent).qualifiedType.split("$").pop();
    for (const alias of res.aliases ?? []) {
      const a = parseUrn(alias);
      const types = a.qualifiedType.split("$");
      if (types.length < 2 || types[types.length - 2] !== parentType) continue;
      out.add(createUrn(a.name, a.qualifiedType.split("$").pop() ?? "", parentOld, a.project, a.stack));
    }
    out.add(inheritedChildAlias(type, own.name, parentName, parentOld));
    for (const alias of res.aliases ?? []) {
      const a = parseUrn(alias);
      out.add(inheritedChildAlias(a.qualifiedType.split("$").pop() ?? "", a.name, parentName, parentOld));
    }
  }
  out.delete(res.urn);
  return [...out];
}
