/**
 * Reads the resource schemas of a Terraform provider checkout: which fields force a new resource.
 *
 * - SDKv2 resources (`schema.Resource{Schema: map[string]*schema.Schema{...}}`): `ForceNew: true` on a
 *   field, nested through `Elem: &schema.Resource{...}`. Fields a `CustomizeDiff` may force new
 *   (`diff.ForceNew("x")`, `customdiff.ForceNewIfChange("x", …)`) are recorded as conditional.
 *   Magic Modules emits `ForceNew: true` exactly where `Type.IsForceNew()` holds: a property marked
 *   `immutable`, or any property of an `immutable` resource unless it (or an ancestor) has its own
 *   `update_url` (GoogleCloudPlatform/magic-modules mmv1/api/type.go `IsForceNew`,
 *   mmv1/templates/terraform/schema_property.go.tmpl, docs/content/reference/field.md#immutable), so
 *   reading the generated Go covers generated and hand-written resources alike.
 * - Plugin-framework resources (`schema.Schema{Attributes: …, Blocks: …}`): a `RequiresReplace()` plan
 *   modifier forces new; `RequiresReplaceIf…` modifiers are conditional, except the two reviewed below.
 */
import type { Expr } from "./go-syntax";
import type { GoModule, GoPackage, Scope, Thunk, Value } from "./go-eval";

export type ForceNew = "yes" | "no" | "conditional";

export interface TfField {
  readonly name: string;
  /** `list`/`set` (Terraform blocks and lists), `map`, or undefined for a scalar or a single object. */
  readonly collection: "list" | "set" | "map" | undefined;
  /** A list limited to one element (`MaxItems: 1`) or a single nested block/attribute. */
  readonly single: boolean;
  readonly optional: boolean;
  readonly required: boolean;
  readonly computed: boolean;
  readonly forceNew: ForceNew;
  readonly children: ReadonlyMap<string, TfField> | undefined;
}

export type ResourceKind = "generated" | "handwritten" | "iam" | "framework";

export interface TfResource {
  readonly name: string;
  readonly kind: ResourceKind;
  /** File (relative to the checkout) that declares the schema. */
  readonly file: string;
  readonly fields: ReadonlyMap<string, TfField>;
  /** Terraform paths (`a.0.b`) a CustomizeDiff may force new. */
  readonly conditional: readonly string[];
  /** A CustomizeDiff forces new on a field this reader could not name (a variable, a loop). */
  readonly conditionalUnresolved: boolean;
  /** Values this reader could not evaluate (should be empty). */
  readonly problems: readonly string[];
}

/**
 * Plan modifiers that are `RequiresReplaceIf…` by name but replace on every change of a set value:
 * terraform-provider-random internal/planmodifiers/map/mapplanmodifiers.go (replaces unless only keys
 * with null values were added) and internal/planmodifiers/string/stringplanmodifier.go (replaces unless
 * the value went from "" to null).
 */
const REPLACING_MODIFIERS = new Set([
  "RequiresReplace",
  "RequiresReplaceIfValuesNotNull",
  "RequiresReplaceUnlessEmptyStringToNull",
]);

function calleeName(expr: Expr | undefined): string | undefined {
  if (expr?.t !== "call") return undefined;
  const fn = expr.fn;
  return fn.t === "sel" ? fn.name : fn.t === "ident" ? fn.name : undefined;
}

export class SchemaReader {
  private problems: string[] = [];

  constructor(private readonly mod: GoModule) {}

  private force(thunk: Thunk | undefined): Value | undefined {
    return thunk === undefined ? undefined : this.mod.force(thunk);
  }

  private bool(thunk: Thunk | undefined, what: string): boolean | undefined {
    const v = this.force(thunk);
    if (v === undefined) return false;
    if (v.v === "bool") return v.b;
    this.problems.push(`${what}: not a literal boolean (${v.v === "unknown" ? v.why : v.v})`);
    return undefined;
  }

  /** Fields of an SDKv2 `map[string]*schema.Schema`. */
  sdkFields(value: Value | undefined, at: string): Map<string, TfField> {
    const out = new Map<string, TfField>();
    if (value?.v !== "comp") {
      this.problems.push(
        `${at}: schema map not evaluated (${value?.v === "unknown" ? value.why : value?.v})`,
      );
      return out;
    }
    for (const [name, thunk] of value.fields) {
      const field = this.force(thunk);
      if (field?.v !== "comp") {
        this.problems.push(`${at}.${name}: field not evaluated`);
        continue;
      }
      out.set(name, this.sdkField(name, field, `${at}.${name}`));
    }
    return out;
  }

  private sdkField(name: string, field: Extract<Value, { v: "comp" }>, at: string): TfField {
    const f = field.fields;
    const type = this.force(f.get("Type"));
    const typeName = type?.v === "ref" ? type.name.split(".").pop() : undefined;
    const collection =
      typeName === "TypeList"
        ? "list"
        : typeName === "TypeSet"
          ? "set"
          : typeName === "TypeMap"
            ? "map"
            : undefined;
    const maxItems = this.force(f.get("MaxItems"));
    const forceNew = this.bool(f.get("ForceNew"), `${at} ForceNew`);
    let children: Map<string, TfField> | undefined;
    const elem = this.force(f.get("Elem"));
    if (elem?.v === "comp" && elem.fields.has("Schema") && collection !== "map") {
      children = this.sdkFields(this.force(elem.fields.get("Schema")), at);
    } else if (elem !== undefined && elem.v !== "comp" && f.has("Elem")) {
      this.problems.push(`${at}: Elem not evaluated (${elem.v === "unknown" ? elem.why : elem.v})`);
    }
    return {
      name,
      collection,
      single: collection !== undefined && maxItems?.v === "num" && maxItems.n === "1",
      optional: this.bool(f.get("Optional"), `${at} Optional`) === true,
      required: this.bool(f.get("Required"), `${at} Required`) === true,
      computed: this.bool(f.get("Computed"), `${at} Computed`) === true,
      forceNew: forceNew === undefined ? "conditional" : forceNew ? "yes" : "no",
      children,
    };
  }

  /** Attributes and blocks of a plugin-framework schema or nested object. */
  frameworkFields(value: Value | undefined, at: string): Map<string, TfField> {
    const out = new Map<string, TfField>();
    if (value?.v !== "comp") {
      this.problems.push(`${at}: framework schema not evaluated`);
      return out;
    }
    for (const key of ["Attributes", "Blocks"]) {
      const map = this.force(value.fields.get(key));
      if (map === undefined) continue;
      if (map.v !== "comp") {
        this.problems.push(`${at}.${key}: not evaluated`);
        continue;
      }
      for (const [name, thunk] of map.fields) {
        // The plugin-framework-timeouts block: Terraform configuration, not a Pulumi input.
        if (name === "timeouts") continue;
        const attr = this.force(thunk);
        if (attr?.v !== "comp") {
          this.problems.push(`${at}.${name}: attribute not evaluated`);
          continue;
        }
        out.set(name, this.frameworkField(name, attr, `${at}.${name}`, key === "Blocks"));
      }
    }
    return out;
  }

  private frameworkField(
    name: string,
    attr: Extract<Value, { v: "comp" }>,
    at: string,
    block: boolean,
  ): TfField {
    const kind = attr.type.split(".").pop() ?? "";
    const collection = /^List/.test(kind)
      ? "list"
      : /^Set/.test(kind)
        ? "set"
        : /^Map/.test(kind)
          ? "map"
          : undefined;
    let forceNew: ForceNew = "no";
    const modifiers = this.force(attr.fields.get("PlanModifiers"));
    if (modifiers?.v === "comp") {
      for (const item of modifiers.items) {
        const callee = calleeName(item.expr);
        if (callee === undefined || !callee.startsWith("RequiresReplace")) continue;
        // `RequiresReplaceIf(condition, …)`: the condition decides.
        const condition = item.expr?.t === "call" ? calleeName(item.expr.args[0]) : undefined;
        if (
          REPLACING_MODIFIERS.has(callee) ||
          (condition !== undefined && REPLACING_MODIFIERS.has(condition))
        )
          forceNew = "yes";
        else if (forceNew === "no") forceNew = "conditional";
      }
    }
    let children: Map<string, TfField> | undefined;
    if (/Nested/.test(kind)) {
      const nested = attr.fields.has("NestedObject") ? this.force(attr.fields.get("NestedObject")) : attr;
      children = this.frameworkFields(nested, at);
    }
    return {
      name,
      collection,
      single: /^Single/.test(kind),
      optional: block || this.bool(attr.fields.get("Optional"), `${at} Optional`) === true,
      required: this.bool(attr.fields.get("Required"), `${at} Required`) === true,
      computed: this.bool(attr.fields.get("Computed"), `${at} Computed`) === true,
      forceNew,
      children,
    };
  }

  /** Conditional force-new paths of a CustomizeDiff expression (and the functions it names). */
  customizeDiff(thunk: Thunk | undefined): { paths: string[]; unresolved: boolean } {
    const paths = new Set<string>();
    let unresolved = false;
    const seen = new Set<unknown>();
    const scanBody = (value: Value, depth: number) => {
      if (value.v !== "func" || value.decl.body === undefined || seen.has(value.decl) || depth > 3) return;
      seen.add(value.decl);
      const { tokens, start, end } = value.decl.body;
      for (let i = start; i < end; i++) {
        const t = tokens[i];
        if (t?.k !== "id" || tokens[i + 1]?.v !== "(") continue;
        if (/^ForceNew(IfChange|If)?$/.test(t.v)) {
          const arg = tokens[i + 2];
          if (arg?.k === "str") paths.add(arg.v);
          else if (arg?.v === "fmt" && tokens[i + 4]?.v === "Sprintf" && tokens[i + 6]?.k === "str")
            paths.add((tokens[i + 6]?.v ?? "").replace(/%d/g, "0"));
          else unresolved = true;
        } else if (tokens[i - 1]?.v !== "." && /^[a-z]/.test(t.v)) {
          // A helper of the same package called from the CustomizeDiff function.
          const local = value.scope.pkg.funcs.get(t.v);
          if (local !== undefined)
            scanBody(
              { v: "func", decl: local.decl, scope: this.mod.scopeOf(local.file, value.scope.pkg) },
              depth + 1,
            );
        }
      }
    };
    const walk = (expr: Expr, scope: Scope) => {
      if (expr.t === "call") {
        const callee = calleeName(expr);
        if (callee !== undefined && /^ForceNew(IfChange|If)?$/.test(callee)) {
          const arg = expr.args[0];
          if (arg?.t === "str") paths.add(arg.v);
          else unresolved = true;
        }
        for (const arg of expr.args) walk(arg, scope);
        if (callee !== "All" && callee !== "Sequence") scanBody(this.mod.eval(expr.fn, scope), 0);
      } else if (expr.t === "ident" || expr.t === "sel" || expr.t === "func") {
        scanBody(this.mod.eval(expr, scope), 0);
      }
    };
    if (thunk?.expr !== undefined && thunk.scope !== undefined) walk(thunk.expr, thunk.scope);
    return { paths: [...paths].sort(), unresolved };
  }

  /** Reads an SDKv2 resource value (`schema.Resource{...}`). */
  sdkResource(name: string, kind: ResourceKind, file: string, resource: Value): TfResource {
    this.problems = [];
    if (resource.v !== "comp") {
      return {
        name,
        kind,
        file,
        fields: new Map(),
        conditional: [],
        conditionalUnresolved: false,
        problems: [`${name}: resource not evaluated`],
      };
    }
    let schemaValue = this.force(resource.fields.get("Schema"));
    if (schemaValue === undefined && resource.fields.has("SchemaFunc")) {
      const fn = this.force(resource.fields.get("SchemaFunc"));
      if (fn?.v === "func")
        schemaValue = this.mod.run(fn.decl, { ...fn.scope, locals: new Map(), parent: fn.scope }, 0).returned;
    }
    const fields = this.sdkFields(schemaValue, name);
    const cd = this.customizeDiff(resource.fields.get("CustomizeDiff"));
    return {
      name,
      kind,
      file,
      fields,
      conditional: cd.paths,
      conditionalUnresolved: cd.unresolved,
      problems: this.problems,
    };
  }

  /** Reads a plugin-framework resource from its `Schema` method's `resp.Schema = …`. */
  frameworkResource(name: string, file: string, pkg: GoPackage, receiver: string): TfResource {
    this.problems = [];
    const method = pkg.methods.get(`${receiver}.Schema`);
    let schemaValue: Value | undefined;
    if (method !== undefined) {
      const scope = this.mod.scopeOf(method.file, pkg);
      schemaValue = this.mod
        .run(method.decl, { ...scope, locals: new Map(), parent: scope }, 0)
        .assigned.get("resp.Schema");
    }
    const fields = this.frameworkFields(schemaValue, name);
    return {
      name,
      kind: "framework",
      file,
      fields,
      conditional: [],
      conditionalUnresolved: false,
      problems: this.problems,
    };
  }
}
