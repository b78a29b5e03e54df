/**
 * A tiny evaluator for the subset of CEL the bootstrap's Workload Identity Federation condition and
 * mapping use, so tests evaluate the exact strings Google receives against sample GitHub OIDC claims.
 *
 * Semantics follow the CEL language definition (https://github.com/google/cel-spec/blob/master/doc/langdef.md):
 * - selecting a key a map does not have is an error ("no such key"); `has(m.f)` tests presence instead;
 * - `&&` and `||` are commutative and absorb errors: `false && error` is false, `true || error` is true,
 *   otherwise an error operand makes the result an error ("Logical Operators");
 * - `c ? a : b` evaluates only the chosen branch; an error condition is an error;
 * - `==`/`!=` on strings, `in` on lists, `+` concatenates strings.
 * Anything else (numbers, functions, macros besides `has`) is refused, so a condition outside the subset
 * fails the test instead of being misread.
 */

export class CelError {
  constructor(readonly message: string) {}
}
type Value = string | boolean | readonly Value[] | { readonly [k: string]: Value } | CelError;

type Node =
  | { k: "str"; v: string }
  | { k: "bool"; v: boolean }
  | { k: "id"; name: string }
  | { k: "sel"; of: Node; field: string }
  | { k: "has"; of: Node; field: string }
  | { k: "not"; of: Node }
  | { k: "bin"; op: "&&" | "||" | "==" | "!=" | "in" | "+"; l: Node; r: Node }
  | { k: "cond"; c: Node; t: Node; f: Node }
  | { k: "list"; items: Node[] };

const TOKEN =
  /\s*(?:('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(&&|\|\||==|!=|[!?:.,()[\]+])|([A-Za-z_][A-Za-z0-9_]*))/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`CEL subset: cannot read ${JSON.stringify(text.slice(at, at + 20))}`);
    tokens.push(m[1] ?? m[2] ?? m[3] ?? "");
  }
  return tokens;
}

export function parseCel(text: string): Node {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const eat = (t: string): void => {
    if (tokens[i] !== t) throw new Error(`CEL subset: expected ${t} at token ${i} (${tokens[i] ?? "end"})`);
    i++;
  };
  const expr = (): Node => {
    const c = or();
    if (peek() !== "?") return c;
    eat("?");
    const t = expr();
    eat(":");
    return { k: "cond", c, t, f: expr() };
  };
  const or = (): Node => {
    let l = and();
    while (peek() === "||") {
      i++;
      l = { k: "bin", op: "||", l, r: and() };
    }
    return l;
  };
  const and = (): Node => {
    let l = rel();
    while (peek() === "&&") {
      i++;
      l = { k: "bin", op: "&&", l, r: rel() };
    }
    return l;
  };
  const rel = (): Node => {
    const l = add();
    const op = peek();
    if (op === "==" || op === "!=" || op === "in") return (i++, { k: "bin", op, l, r: add() });
    return l;
  };
  const add = (): Node => {
    let l = unary();
    while (peek() === "+") {
      i++;
      l = { k: "bin", op: "+", l, r: unary() };
    }
    return l;
  };
  const unary = (): Node => (peek() === "!" ? (i++, { k: "not", of: unary() }) : member());
  const member = (): Node => {
    let n = primary();
    while (peek() === ".") {
      i++;
      n = { k: "sel", of: n, field: tokens[i++] ?? "" };
    }
    return n;
  };
  const primary = (): Node => {
    const t = tokens[i++];
    if (t === undefined) throw new Error("CEL subset: unexpected end");
    if (t.startsWith("'") || t.startsWith('"')) return { k: "str", v: t.slice(1, -1) };
    if (t === "(") {
      const e = expr();
      eat(")");
      return e;
    }
    if (t === "[") {
      const items: Node[] = [];
      while (peek() !== "]") {
        items.push(expr());
        if (peek() === ",") i++;
      }
      eat("]");
      return { k: "list", items };
    }
    if (t === "has") {
      eat("(");
      const of = member();
      eat(")");
      if (of.k !== "sel") throw new Error("CEL subset: has() takes a field selection");
      return { k: "has", of: of.of, field: of.field };
    }
    if (t === "true" || t === "false") return { k: "bool", v: t === "true" };
    if (/^[A-Za-z_]/.test(t)) return { k: "id", name: t };
    throw new Error(`CEL subset: unexpected ${t}`);
  };
  const node = expr();
  if (i !== tokens.length) throw new Error(`CEL subset: trailing tokens from ${tokens[i]}`);
  return node;
}

const isErr = (v: Value): v is CelError => v instanceof CelError;
const isMap = (v: Value): v is { readonly [k: string]: Value } =>
  typeof v === "object" && !Array.isArray(v) && !isErr(v);

function evaluate(n: Node, scope: Record<string, Value>): Value {
  switch (n.k) {
    case "str":
    case "bool":
      return n.v;
    case "id":
      return n.name in scope ? (scope[n.name] as Value) : new CelError(`undeclared ${n.name}`);
    case "list":
      return n.items.map((x) => evaluate(x, scope));
    case "sel":
    case "has": {
      const of = evaluate(n.of, scope);
      if (isErr(of)) return of;
      if (!isMap(of)) return new CelError("select on a non-map");
      if (n.k === "has") return n.field in of;
      return n.field in of ? (of[n.field] as Value) : new CelError(`no such key: ${n.field}`);
    }
    case "not": {
      const v = evaluate(n.of, scope);
      return typeof v === "boolean" ? !v : isErr(v) ? v : new CelError("! on a non-bool");
    }
    case "cond": {
      const c = evaluate(n.c, scope);
      if (typeof c !== "boolean") return isErr(c) ? c : new CelError("?: on a non-bool");
      return evaluate(c ? n.t : n.f, scope);
    }
    case "bin": {
      const l = evaluate(n.l, scope);
      const r = evaluate(n.r, scope);
      if (n.op === "&&" || n.op === "||") {
        const decisive = n.op === "&&" ? false : true;
        if (l === decisive || r === decisive) return decisive;
        if (isErr(l)) return l;
        if (isErr(r)) return r;
        if (typeof l !== "boolean" || typeof r !== "boolean") return new CelError(`${n.op} on a non-bool`);
        return !decisive;
      }
      if (isErr(l)) return l;
      if (isErr(r)) return r;
      if (n.op === "+") return typeof l === "string" && typeof r === "string" ? l + r : new CelError("+");
      if (n.op === "in") return Array.isArray(r) ? r.includes(l) : new CelError("in on a non-list");
      if (typeof l !== "string" || typeof r !== "string") return new CelError(`${n.op} on non-strings`);
      return n.op === "==" ? l === r : l !== r;
    }
  }
}

/** Evaluates `text` with `assertion` bound to `claims`. */
export function evalCel(text: string, claims: Record<string, string>): Value {
  return evaluate(parseCel(text), { assertion: claims });
}
