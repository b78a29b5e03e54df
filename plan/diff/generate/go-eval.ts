/**
 * Evaluates the Go expressions that build Terraform schemas, across the packages of one provider
 * checkout: package-level variables, functions called with arguments (parameters bound to the caller's
 * expressions), local variables and map/field assignments in straight-line code. Anything else (a
 * symbol outside the checkout, arithmetic, control flow) becomes an `unknown` or `ref` value, never a
 * guess.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseGoFile, statements, type Expr, type FuncDecl, type GoFile } from "./go-syntax";

export type Value =
  | {
      readonly v: "comp";
      readonly type: string;
      readonly fields: Map<string, Thunk>;
      readonly items: Thunk[];
    }
  | { readonly v: "str"; readonly s: string }
  | { readonly v: "bool"; readonly b: boolean }
  | { readonly v: "num"; readonly n: string }
  | { readonly v: "func"; readonly decl: FuncDecl; readonly scope: Scope }
  /** A symbol outside the checkout (`schema.TypeString`, `customdiff.All`), by `importPath.Name`. */
  | { readonly v: "ref"; readonly name: string }
  | { readonly v: "unknown"; readonly why: string };

/** An expression with the scope it is evaluated in, or an already evaluated value. */
export interface Thunk {
  readonly expr?: Expr;
  readonly scope?: Scope;
  value?: Value;
}

export interface Scope {
  readonly file: GoFile;
  readonly pkg: GoPackage;
  readonly locals: Map<string, Thunk>;
  readonly parent: Scope | undefined;
}

export interface GoPackage {
  /** Import path. */
  readonly path: string;
  readonly files: readonly GoFile[];
  readonly funcs: ReadonlyMap<string, { decl: FuncDecl; file: GoFile }>;
  /** Methods by `Receiver.Name`. */
  readonly methods: ReadonlyMap<string, { decl: FuncDecl; file: GoFile }>;
  readonly vars: ReadonlyMap<string, { expr: Expr; file: GoFile }>;
}

const MAX_DEPTH = 60;

/** Every Go package under a provider checkout, loaded when first used. */
export class GoModule {
  private readonly packages = new Map<string, GoPackage | undefined>();
  private readonly varCache = new Map<string, Value>();
  readonly modulePath: string;

  constructor(readonly root: string) {
    const mod = readFileSync(join(root, "go.mod"), "utf8").match(/^module\s+(\S+)/m);
    if (mod?.[1] === undefined) throw new Error(`${join(root, "go.mod")} names no module`);
    this.modulePath = mod[1];
  }

  /** The package at an import path, or undefined when it is not part of this checkout. */
  pkg(importPath: string): GoPackage | undefined {
    if (this.packages.has(importPath)) return this.packages.get(importPath);
    let loaded: GoPackage | undefined;
    if (importPath === this.modulePath || importPath.startsWith(`${this.modulePath}/`)) {
      const dir = join(this.root, importPath.slice(this.modulePath.length));
      loaded = this.load(importPath, dir);
    }
    this.packages.set(importPath, loaded);
    return loaded;
  }

  /** Import paths of every package directory under `dir` (relative to the checkout). */
  packagesUnder(dir: string): string[] {
    const out: string[] = [];
    const walk = (abs: string) => {
      const entries = readdirSync(abs, { withFileTypes: true });
      if (entries.some((e) => e.isFile() && e.name.endsWith(".go") && !e.name.endsWith("_test.go")))
        out.push(`${this.modulePath}/${relative(this.root, abs).split("\\").join("/")}`);
      for (const e of entries) if (e.isDirectory() && e.name !== "testdata") walk(join(abs, e.name));
    };
    walk(join(this.root, dir));
    return out.sort();
  }

  private load(importPath: string, dir: string): GoPackage | undefined {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith(".go") && !n.endsWith("_test.go"));
    } catch {
      return undefined;
    }
    const files = names.sort().map((n) => parseGoFile(join(dir, n), readFileSync(join(dir, n), "utf8")));
    const funcs = new Map<string, { decl: FuncDecl; file: GoFile }>();
    const methods = new Map<string, { decl: FuncDecl; file: GoFile }>();
    const vars = new Map<string, { expr: Expr; file: GoFile }>();
    for (const file of files) {
      for (const decl of file.funcs) {
        if (decl.receiver === undefined) funcs.set(decl.name, { decl, file });
        else methods.set(`${decl.receiver}.${decl.name}`, { decl, file });
      }
      for (const [name, expr] of file.vars) vars.set(name, { expr, file });
    }
    return { path: importPath, files, funcs, methods, vars };
  }

  /**
   * Files of the loaded packages that set `x.ForceNew = …` in code: statements this reader does not
   * follow (a loop over fields), listed so a reviewer can check them by hand.
   */
  filesAssigningForceNew(): string[] {
    const out: string[] = [];
    for (const pkg of this.packages.values())
      for (const file of pkg?.files ?? []) {
        const t = file.tokens;
        for (let i = 1; i + 1 < t.length; i++)
          if (t[i]?.v === "ForceNew" && t[i - 1]?.v === "." && t[i + 1]?.v === "=") {
            out.push(relative(this.root, file.path));
            break;
          }
      }
    return out.sort();
  }

  scopeOf(file: GoFile, pkg: GoPackage): Scope {
    return { file, pkg, locals: new Map(), parent: undefined };
  }

  /** Evaluates a thunk (memoised on the thunk). */
  force(thunk: Thunk, depth = 0): Value {
    if (thunk.value !== undefined) return thunk.value;
    if (thunk.expr === undefined || thunk.scope === undefined) return { v: "unknown", why: "empty" };
    const value = this.eval(thunk.expr, thunk.scope, depth);
    thunk.value = value;
    return value;
  }

  eval(expr: Expr, scope: Scope, depth = 0): Value {
    if (depth > MAX_DEPTH) return { v: "unknown", why: "too deep" };
    switch (expr.t) {
      case "str":
        return { v: "str", s: expr.v };
      case "num":
        return { v: "num", n: expr.v };
      case "ident":
        return this.lookup(expr.name, scope, depth);
      case "sel":
        return this.select(expr, scope, depth);
      case "unary":
        return expr.op === "&" || expr.op === "*" ? this.eval(expr.x, scope, depth + 1) : unknown(expr.op);
      case "binary": {
        if (expr.op !== "+") return unknown(`operator ${expr.op}`);
        const x = this.eval(expr.x, scope, depth + 1);
        const y = this.eval(expr.y, scope, depth + 1);
        if (x.v === "str" && y.v === "str") return { v: "str", s: x.s + y.s };
        // `req.ProviderTypeName + "_id"`: keep the part that is known.
        if (y.v === "str") return { v: "str", s: `\u0000${y.s}` };
        return unknown("sum");
      }
      case "comp":
        return this.composite(expr, scope, depth);
      case "func":
        return {
          v: "func",
          decl: { name: "<literal>", receiver: undefined, params: expr.params, body: expr.body },
          scope,
        };
      case "index": {
        const x = this.eval(expr.x, scope, depth + 1);
        if (x.v !== "comp" || expr.index === undefined) return unknown("index");
        const key = this.eval(expr.index, scope, depth + 1);
        const field = key.v === "str" ? x.fields.get(key.s) : undefined;
        return field === undefined ? unknown("missing key") : this.force(field, depth + 1);
      }
      case "call":
        return this.call(expr.fn, expr.args, scope, depth);
      default:
        return unknown("expression");
    }
  }

  private composite(expr: Extract<Expr, { t: "comp" }>, scope: Scope, depth: number): Value {
    const fields = new Map<string, Thunk>();
    const items: Thunk[] = [];
    const isMap = expr.type.startsWith("map[");
    for (const elt of expr.elts) {
      const thunk: Thunk = { expr: elt.value, scope };
      if (elt.key === undefined) {
        items.push(thunk);
        continue;
      }
      let key: string | undefined;
      if (elt.key.t === "str") key = elt.key.v;
      else if (elt.key.t === "ident" && !isMap) key = elt.key.name;
      else {
        const k = this.eval(elt.key, scope, depth + 1);
        if (k.v === "str") key = k.s;
      }
      if (key !== undefined) fields.set(key, thunk);
    }
    return { v: "comp", type: expr.type, fields, items };
  }

  private lookup(name: string, scope: Scope, depth: number): Value {
    if (name === "true" || name === "false") return { v: "bool", b: name === "true" };
    for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
      const local = s.locals.get(name);
      if (local !== undefined) return this.force(local, depth + 1);
    }
    return this.packageMember(scope.pkg, name, depth);
  }

  private packageMember(pkg: GoPackage, name: string, depth: number): Value {
    const v = pkg.vars.get(name);
    if (v !== undefined) {
      const key = `${pkg.path}.${name}`;
      const cached = this.varCache.get(key);
      if (cached !== undefined) return cached;
      const value = this.eval(v.expr, this.scopeOf(v.file, pkg), depth + 1);
      this.varCache.set(key, value);
      return value;
    }
    const f = pkg.funcs.get(name);
    if (f !== undefined) return { v: "func", decl: f.decl, scope: this.scopeOf(f.file, pkg) };
    return { v: "ref", name: `${pkg.path}.${name}` };
  }

  private select(expr: Extract<Expr, { t: "sel" }>, scope: Scope, depth: number): Value {
    if (expr.x.t === "ident" && !hasLocal(scope, expr.x.name)) {
      const importPath = scope.file.imports.get(expr.x.name);
      if (importPath !== undefined) {
        const pkg = this.pkg(importPath);
        return pkg === undefined
          ? { v: "ref", name: `${importPath}.${expr.name}` }
          : this.packageMember(pkg, expr.name, depth);
      }
    }
    const x = this.eval(expr.x, scope, depth + 1);
    if (x.v !== "comp") return unknown(`field ${expr.name}`);
    const field = x.fields.get(expr.name);
    return field === undefined ? unknown(`no field ${expr.name}`) : this.force(field, depth + 1);
  }

  /** Calls a function of the checkout with the caller's arguments; `MergeSchemas` is known by name. */
  call(fnExpr: Expr, args: readonly Expr[], scope: Scope, depth: number): Value {
    const fn = this.eval(fnExpr, scope, depth + 1);
    if (fn.v !== "func") return fn.v === "ref" ? { v: "unknown", why: `call ${fn.name}` } : unknown("call");
    if (fn.decl.name === "MergeSchemas") {
      // tpgresource.MergeSchemas(a, b): a copy of a with b's keys on top (google-beta/tpgresource/utils.go).
      const fields = new Map<string, Thunk>();
      for (const arg of args) {
        const m = this.eval(arg, scope, depth + 1);
        if (m.v === "comp") for (const [k, t] of m.fields) fields.set(k, t);
      }
      return { v: "comp", type: "map[string]*schema.Schema", fields, items: [] };
    }
    const locals = new Map<string, Thunk>();
    fn.decl.params.forEach((p, i) => {
      const arg = args[i];
      if (p !== "_" && arg !== undefined) locals.set(p, { expr: arg, scope });
    });
    return this.run(fn.decl, { ...fn.scope, locals, parent: fn.scope }, depth + 1).returned;
  }

  /**
   * Runs a body's straight-line statements. Returns the first `return` value and the values assigned
   * to selectors such as `resp.Schema` (framework resources assign their schema instead of returning it).
   */
  run(decl: FuncDecl, scope: Scope, depth: number): { returned: Value; assigned: Map<string, Value> } {
    const assigned = new Map<string, Value>();
    if (decl.body === undefined) return { returned: unknown("no body"), assigned };
    for (const st of statements(decl.body)) {
      if (st.t === "define") {
        scope.locals.set(st.name, { value: copy(this.eval(st.value, scope, depth + 1)) });
      } else if (st.t === "assign") {
        this.assign(st.target, { expr: st.value, scope }, scope, depth, assigned);
      } else if (st.t === "return") {
        const returned =
          st.value === undefined ? unknown("bare return") : this.eval(st.value, scope, depth + 1);
        return { returned, assigned };
      }
    }
    return { returned: unknown("no return"), assigned };
  }

  private assign(
    target: Expr,
    value: Thunk,
    scope: Scope,
    depth: number,
    assigned: Map<string, Value>,
  ): void {
    // `x = v`
    if (target.t === "ident") {
      const local = findLocal(scope, target.name);
      if (local !== undefined) local.value = copy(this.force(value, depth + 1));
      return;
    }
    // `resp.Schema = v` (recorded), `x.F = v`, `x["k"] = v`, `x["k"].F = v`
    const path: string[] = [];
    let root: Expr = target;
    while (root.t === "sel" || root.t === "index") {
      if (root.t === "sel") path.unshift(root.name);
      else {
        const k = root.index === undefined ? undefined : this.eval(root.index, scope, depth + 1);
        if (k?.v !== "str") return;
        path.unshift(k.s);
      }
      root = root.x;
    }
    if (root.t !== "ident") return;
    if (path.length === 1 && target.t === "sel")
      assigned.set(`${root.name}.${path[0]}`, this.force(value, depth + 1));
    const local = findLocal(scope, root.name);
    if (local === undefined) return;
    let holder = this.force(local, depth + 1);
    for (let i = 0; i < path.length - 1; i++) {
      if (holder.v !== "comp") return;
      const key = path[i] as string;
      const child = holder.fields.get(key);
      if (child === undefined) return;
      const mutable = copy(this.force(child, depth + 1));
      holder.fields.set(key, { value: mutable });
      holder = mutable;
    }
    if (holder.v === "comp") holder.fields.set(path[path.length - 1] as string, value);
  }
}

function unknown(why: string): Value {
  return { v: "unknown", why };
}

function hasLocal(scope: Scope, name: string): boolean {
  return findLocal(scope, name) !== undefined;
}

function findLocal(scope: Scope, name: string): Thunk | undefined {
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
    const local = s.locals.get(name);
    if (local !== undefined) return local;
  }
  return undefined;
}

/** A shallow copy of a composite, so assignments never change a shared package-level value. */
function copy(value: Value): Value {
  return value.v === "comp"
    ? { v: "comp", type: value.type, fields: new Map(value.fields), items: [...value.items] }
    : value;
}
