/**
 * A small reader for the subset of Go that Terraform providers use to declare resource schemas:
 * tokens, top-level declarations, and expressions up to composite literals, calls and function literals.
 * It is not a Go compiler: it reads what `schema.Resource{...}`, `map[string]*schema.Schema{...}` and the
 * plugin framework's `schema.Schema{...}` need, and skips every statement it does not understand.
 * Semicolons follow Go's insertion rule (https://go.dev/ref/spec#Semicolons), so an expression never
 * runs on across a line break where Go would end the statement.
 */

export type TokenKind = "id" | "str" | "num" | "op" | "char";

export interface Token {
  readonly k: TokenKind;
  /** Identifier/operator text, the decoded value of a string literal, or a number's text. */
  readonly v: string;
  /** A line break comes before this token. */
  readonly nl: boolean;
}

const SCANNER =
  /(\s+)|(\/\/[^\n]*)|(\/\*[\s\S]*?\*\/)|([A-Za-z_\u00C0-\uFFFF][\w\u00C0-\uFFFF]*)|(0[xX][\da-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?i?|\.\d+)|("(?:[^"\\\n]|\\.)*")|(`[^`]*`)|('(?:[^'\\\n]|\\.)+')|(<<=|>>=|&\^=|\.\.\.|&&|\|\||<-|\+\+|--|==|!=|<=|>=|:=|\+=|-=|\*=|\/=|%=|&=|\|=|\^=|<<|>>|&\^|[-+*/%&|^<>=!(){}[\],;:.~])/y;

/** Decodes a Go interpreted string literal (quotes included). */
function decodeString(lit: string): string {
  return lit
    .slice(1, -1)
    .replace(/\\(["\\abfnrtv'])/g, (_m, c: string) =>
      c === "n" ? "\n" : c === "t" ? "\t" : c === "r" ? "\r" : c,
    );
}

/** Splits Go source into tokens (comments dropped, line breaks kept as `nl` on the next token). */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let nl = false;
  SCANNER.lastIndex = 0;
  while (SCANNER.lastIndex < source.length) {
    const at = SCANNER.lastIndex;
    const m = SCANNER.exec(source);
    if (m === null) throw new Error(`cannot read Go source at offset ${at}: ${source.slice(at, at + 30)}`);
    if (m[1] !== undefined || m[3] !== undefined) {
      if ((m[1] ?? m[3] ?? "").includes("\n")) nl = true;
      continue;
    }
    if (m[2] !== undefined) continue;
    if (m[4] !== undefined) tokens.push({ k: "id", v: m[4], nl });
    else if (m[5] !== undefined) tokens.push({ k: "num", v: m[5], nl });
    else if (m[6] !== undefined) tokens.push({ k: "str", v: decodeString(m[6]), nl });
    else if (m[7] !== undefined) tokens.push({ k: "str", v: m[7].slice(1, -1), nl });
    else if (m[8] !== undefined) tokens.push({ k: "char", v: m[8], nl });
    else if (m[9] !== undefined) tokens.push({ k: "op", v: m[9], nl });
    nl = false;
  }
  return tokens;
}

export type Expr =
  | { readonly t: "str"; readonly v: string }
  | { readonly t: "num"; readonly v: string }
  | { readonly t: "ident"; readonly name: string }
  | { readonly t: "sel"; readonly x: Expr; readonly name: string }
  | { readonly t: "call"; readonly fn: Expr; readonly args: readonly Expr[] }
  | { readonly t: "comp"; readonly type: string; readonly elts: readonly Element[] }
  | { readonly t: "func"; readonly params: readonly string[]; readonly body: Body }
  | { readonly t: "unary"; readonly op: string; readonly x: Expr }
  | { readonly t: "binary"; readonly op: string; readonly x: Expr; readonly y: Expr }
  | { readonly t: "index"; readonly x: Expr; readonly index: Expr | undefined }
  | { readonly t: "other" };

export interface Element {
  readonly key: Expr | undefined;
  readonly value: Expr;
}

/** A function body: a token range of one file. */
export interface Body {
  readonly tokens: readonly Token[];
  /** Index of the first token after `{`. */
  readonly start: number;
  /** Index of the closing `}`. */
  readonly end: number;
}

const BINARY = new Set([
  "+",
  "-",
  "*",
  "/",
  "%",
  "&",
  "|",
  "^",
  "<<",
  ">>",
  "&^",
  "&&",
  "||",
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
]);
const CLOSERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
/** Go's keywords; only `break`, `continue`, `fallthrough` and `return` end a line's statement. */
const KEYWORDS = new Set(
  "break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var".split(
    " ",
  ),
);
const SEMICOLON_KEYWORDS = new Set(["break", "continue", "fallthrough", "return"]);

/** Go inserts a semicolon after a line's final token when it is one of these. */
function endsStatement(tok: Token | undefined): boolean {
  if (tok === undefined) return false;
  if (tok.k === "op")
    return tok.v === ")" || tok.v === "]" || tok.v === "}" || tok.v === "++" || tok.v === "--";
  if (tok.k === "id") return !KEYWORDS.has(tok.v) || SEMICOLON_KEYWORDS.has(tok.v);
  return true;
}

/** A cursor over one file's tokens. */
export class Parser {
  pos: number;

  constructor(
    readonly tokens: readonly Token[],
    start = 0,
  ) {
    this.pos = start;
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  is(v: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && (t.k === "op" || t.k === "id") && t.v === v;
  }

  next(): Token {
    const t = this.tokens[this.pos];
    if (t === undefined) throw new Error("unexpected end of Go source");
    this.pos++;
    return t;
  }

  expect(v: string): void {
    const t = this.next();
    if (t.v !== v) throw new Error(`expected '${v}' but found '${t.v}'`);
  }

  /** True when a line break ends the statement before the current token. */
  atLineEnd(): boolean {
    const t = this.peek();
    return t === undefined || (t.nl && endsStatement(this.tokens[this.pos - 1]));
  }

  /** Skips a bracketed group starting at the current `(`, `[` or `{`; returns the index of its closer. */
  skipGroup(): number {
    const open = this.next().v;
    const stack = [CLOSERS[open]];
    while (stack.length > 0) {
      const t = this.next();
      if (t.k !== "op") continue;
      const closer = CLOSERS[t.v];
      if (closer !== undefined) stack.push(closer);
      else if (t.v === stack[stack.length - 1]) stack.pop();
    }
    return this.pos - 1;
  }

  /** Reads a type and returns its text (`map[string]*schema.Schema`, `[]planmodifier.String`, …). */
  parseType(): string {
    const t = this.peek();
    if (t === undefined) throw new Error("expected a type");
    if (this.is("*")) {
      this.next();
      return `*${this.parseType()}`;
    }
    if (this.is("[")) {
      this.next();
      let size = "";
      while (!this.is("]")) size += this.next().v;
      this.next();
      return `[${size}]${this.parseType()}`;
    }
    if (this.is("map")) {
      this.next();
      this.expect("[");
      const key = this.parseType();
      this.expect("]");
      return `map[${key}]${this.parseType()}`;
    }
    if (this.is("chan")) {
      this.next();
      return `chan ${this.parseType()}`;
    }
    if (this.is("func")) {
      this.next();
      this.parseSignature();
      return "func";
    }
    if (this.is("interface") || this.is("struct")) {
      const word = this.next().v;
      if (this.is("{")) this.skipGroup();
      return word;
    }
    if (this.is("(")) {
      this.next();
      const inner = this.parseType();
      this.expect(")");
      return inner;
    }
    let name = this.next().v;
    while (this.is(".") && this.peek(1)?.k === "id") {
      this.next();
      name += `.${this.next().v}`;
    }
    // Type arguments of a generic type: `basetypes.X[T]`.
    if (this.is("[") && !this.atLineEnd() && !this.is("]", 1)) this.skipGroup();
    return name;
  }

  /** Reads `(params) results` and returns the parameter names. */
  parseSignature(): string[] {
    const open = this.pos;
    const close = this.skipGroup();
    const params = parameterNames(this.tokens, open + 1, close);
    // Results: a parenthesized list or a single type, unless the body or the line follows.
    if (this.is("(") && !this.atLineEnd()) this.skipGroup();
    else if (!this.is("{") && !this.atLineEnd() && this.startsType()) this.parseType();
    return params;
  }

  private startsType(): boolean {
    const t = this.peek();
    if (t === undefined) return false;
    if (t.k === "id") return true;
    return t.k === "op" && (t.v === "*" || t.v === "[" || t.v === "(");
  }

  /** Reads one expression (stops where Go would end the statement). */
  parseExpr(): Expr {
    let x = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (t === undefined || t.k !== "op" || !BINARY.has(t.v) || this.atLineEnd()) return x;
      this.next();
      x = { t: "binary", op: t.v, x, y: this.parseUnary() };
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t !== undefined && t.k === "op" && ["&", "*", "-", "+", "!", "^", "<-"].includes(t.v)) {
      this.next();
      return { t: "unary", op: t.v, x: this.parseUnary() };
    }
    return this.parsePostfix(this.parseOperand());
  }

  private parseOperand(): Expr {
    const t = this.peek();
    if (t === undefined) throw new Error("unexpected end of Go source in an expression");
    if (t.k === "str") {
      this.next();
      return { t: "str", v: t.v };
    }
    if (t.k === "num" || t.k === "char") {
      this.next();
      return { t: "num", v: t.v };
    }
    if (this.is("(")) {
      this.next();
      const inner = this.parseExpr();
      this.expect(")");
      return inner;
    }
    if (this.is("func")) {
      this.next();
      const params = this.parseSignature();
      if (!this.is("{")) return { t: "other" };
      const start = this.pos + 1;
      const end = this.skipGroup();
      return { t: "func", params, body: { tokens: this.tokens, start, end } };
    }
    if (this.is("{")) return this.parseComposite("");
    if (this.is("[") || this.is("map") || this.is("struct")) {
      const type = this.parseType();
      return this.is("{") ? this.parseComposite(type) : { t: "other" };
    }
    if (t.k === "id") {
      this.next();
      return { t: "ident", name: t.v };
    }
    throw new Error(`unexpected '${t.v}' in a Go expression`);
  }

  private parsePostfix(start: Expr): Expr {
    let x = start;
    for (;;) {
      if (this.atLineEnd()) return x;
      if (this.is(".")) {
        this.next();
        if (this.is("(")) {
          this.skipGroup(); // type assertion
          continue;
        }
        x = { t: "sel", x, name: this.next().v };
      } else if (this.is("(")) {
        x = { t: "call", fn: x, args: this.parseList(")") };
      } else if (this.is("[")) {
        this.next();
        const index = this.is("]") || this.is(":") ? undefined : this.parseExpr();
        while (!this.is("]")) {
          if (this.is("[") || this.is("(") || this.is("{")) this.skipGroup();
          else this.next();
        }
        this.next();
        x = { t: "index", x, index };
      } else if (this.is("{") && (x.t === "ident" || x.t === "sel" || x.t === "index")) {
        x = this.parseComposite(typeText(x));
      } else {
        return x;
      }
    }
  }

  /** Reads `(a, b, c...)` or similar, after the opener, up to `closer`. */
  private parseList(closer: string): Expr[] {
    this.next();
    const items: Expr[] = [];
    while (!this.is(closer)) {
      items.push(this.parseExpr());
      if (this.is("...")) this.next();
      if (this.is(",")) this.next();
      else if (!this.is(closer)) throw new Error(`expected ',' or '${closer}' but found '${this.peek()?.v}'`);
    }
    this.next();
    return items;
  }

  private parseComposite(type: string): Expr {
    this.expect("{");
    const elts: Element[] = [];
    while (!this.is("}")) {
      const first = this.parseExpr();
      if (this.is(":")) {
        this.next();
        elts.push({ key: first, value: this.parseExpr() });
      } else {
        elts.push({ key: undefined, value: first });
      }
      if (this.is(",")) this.next();
      else if (!this.is("}")) throw new Error(`expected ',' or '}' but found '${this.peek()?.v}'`);
    }
    this.next();
    return { t: "comp", type, elts };
  }

  /** Skips the statement at the cursor (blocks included), up to its end. */
  skipStatement(): void {
    let first = true;
    while (this.peek() !== undefined && !this.is("}")) {
      if (!first && this.atLineEnd()) return;
      first = false;
      if (this.is(";")) {
        this.next();
        return;
      }
      if (this.is("(") || this.is("[") || this.is("{")) this.skipGroup();
      else this.next();
    }
  }
}

function typeText(x: Expr): string {
  if (x.t === "ident") return x.name;
  if (x.t === "sel") return `${typeText(x.x)}.${x.name}`;
  if (x.t === "index") return typeText(x.x);
  return "";
}

/** Parameter names of `(a, b T, c ...U)` between `start` and `end` (exclusive). */
function parameterNames(tokens: readonly Token[], start: number, end: number): string[] {
  const pieces: Token[][] = [[]];
  let depth = 0;
  for (let i = start; i < end; i++) {
    const t = tokens[i];
    if (t === undefined) break;
    if (t.k === "op" && (t.v === "(" || t.v === "[" || t.v === "{")) depth++;
    if (t.k === "op" && (t.v === ")" || t.v === "]" || t.v === "}")) depth--;
    if (depth === 0 && t.k === "op" && t.v === ",") pieces.push([]);
    else pieces[pieces.length - 1]?.push(t);
  }
  const named = pieces.some((p) => p.length > 1 && p[0]?.k === "id" && !(p[1]?.k === "op" && p[1].v === "."));
  if (!named) return pieces.map(() => "_");
  return pieces.map((p) => (p[0]?.k === "id" ? p[0].v : "_"));
}

/** A top-level function or method. */
export interface FuncDecl {
  readonly name: string;
  /** Receiver type name without `*` (methods only). */
  readonly receiver: string | undefined;
  readonly params: readonly string[];
  readonly body: Body | undefined;
}

/** One Go file: its package, imports (alias → path) and top-level declarations. */
export interface GoFile {
  readonly path: string;
  readonly pkg: string;
  readonly imports: ReadonlyMap<string, string>;
  readonly funcs: readonly FuncDecl[];
  /** Package-level `var`/`const` initialisers by name. */
  readonly vars: ReadonlyMap<string, Expr>;
  /** The file's header says Magic Modules generated it from a resource definition (`Type: MMv1`). */
  readonly generatedBy: "mmv1" | "handwritten" | "unknown";
  readonly tokens: readonly Token[];
}

/** Reads a Go file's declarations. Statements that do not parse are skipped, never guessed. */
export function parseGoFile(path: string, source: string): GoFile {
  const header = source.slice(0, 2000);
  const generatedBy = /AUTO GENERATED CODE\s+\*+\s+Type: MMv1/.test(header)
    ? "mmv1"
    : /Type: Handwritten/.test(header)
      ? "handwritten"
      : "unknown";
  const tokens = tokenize(source);
  const p = new Parser(tokens);
  let pkg = "";
  const imports = new Map<string, string>();
  const funcs: FuncDecl[] = [];
  const vars = new Map<string, Expr>();
  const importSpec = () => {
    const alias = p.peek()?.k === "id" || p.is(".") || p.is("_") ? p.next().v : undefined;
    const importPath = p.next().v;
    imports.set(alias ?? importPath.split("/").pop() ?? importPath, importPath);
  };
  const valueSpec = () => {
    const names: string[] = [p.next().v];
    while (p.is(",")) {
      p.next();
      names.push(p.next().v);
    }
    if (!p.is("=") && !p.atLineEnd() && !p.is(")") && !p.is(";")) p.parseType();
    if (p.is("=")) {
      p.next();
      const values: Expr[] = [p.parseExpr()];
      while (p.is(",")) {
        p.next();
        values.push(p.parseExpr());
      }
      names.forEach((n, i) => {
        const value = values[i];
        if (value !== undefined) vars.set(n, value);
      });
    }
  };
  const group = (spec: () => void) => {
    if (p.is("(")) {
      p.next();
      while (!p.is(")")) {
        try {
          spec();
        } catch {
          p.skipStatement();
        }
        if (p.is(";")) p.next();
      }
      p.next();
    } else {
      spec();
    }
  };
  while (p.peek() !== undefined) {
    const t = p.next();
    if (t.k !== "id") continue;
    try {
      if (t.v === "package") pkg = p.next().v;
      else if (t.v === "import") group(importSpec);
      else if (t.v === "var" || t.v === "const") group(valueSpec);
      else if (t.v === "type") group(() => p.skipStatement());
      else if (t.v === "func") {
        let receiver: string | undefined;
        if (p.is("(")) {
          const open = p.pos;
          const close = p.skipGroup();
          const recvTokens = tokens.slice(open + 1, close).filter((x) => x.k === "id");
          receiver = recvTokens[recvTokens.length - 1]?.v;
        }
        const name = p.next().v;
        if (p.is("[")) p.skipGroup(); // type parameters
        const params = p.parseSignature();
        let body: Body | undefined;
        if (p.is("{")) {
          const start = p.pos + 1;
          body = { tokens, start, end: p.skipGroup() };
        }
        funcs.push({ name, receiver, params, body });
      }
    } catch {
      // A declaration this reader does not understand: move on to the next top-level keyword.
      while (p.peek() !== undefined && !(p.peek()?.nl && /^(func|var|const|type)$/.test(p.peek()?.v ?? ""))) {
        if (p.is("{") || p.is("(") || p.is("[")) p.skipGroup();
        else p.next();
      }
    }
  }
  return { path, pkg, imports, funcs, vars, generatedBy, tokens };
}

/** A statement of a function body, as far as schema code needs it. */
export type Statement =
  | { readonly t: "return"; readonly value: Expr | undefined }
  | { readonly t: "define"; readonly name: string; readonly value: Expr }
  /** `target = value` where target is `x`, `x["key"]`, `x.Field` or `x["key"].Field`. */
  | { readonly t: "assign"; readonly target: Expr; readonly value: Expr }
  /** An expression statement, e.g. `registry.Schema{...}.Register()`. */
  | { readonly t: "expr"; readonly value: Expr };

/**
 * The straight-line statements of a body: `return`, `x := …`, `var x = …`, assignments and expression
 * statements. Control flow (`if`, `for`, `switch`, …) is skipped, so a schema changed inside a branch or
 * a loop is not seen (the generator's notes list the fields this leaves without a Pulumi input).
 */
export function statements(body: Body): Statement[] {
  const p = new Parser(body.tokens, body.start);
  const out: Statement[] = [];
  while (p.pos < body.end) {
    const start = p.pos;
    try {
      const t = p.peek();
      if (t === undefined) break;
      if (t.k === "op" && t.v === ";") {
        p.next();
        continue;
      }
      if (t.k === "id" && t.v === "return") {
        p.next();
        out.push({ t: "return", value: p.atLineEnd() || p.is("}") ? undefined : p.parseExpr() });
      } else if (t.k === "id" && t.v === "var") {
        p.next();
        const name = p.next().v;
        if (!p.is("=")) p.parseType();
        if (p.is("=")) {
          p.next();
          out.push({ t: "define", name, value: p.parseExpr() });
        }
      } else if (
        t.k === "id" &&
        /^(if|for|switch|select|go|defer|goto|break|continue|case|default)$/.test(t.v)
      ) {
        p.skipStatement();
      } else {
        const lhs = p.parseExpr();
        if (p.is(":=") && lhs.t === "ident") {
          p.next();
          out.push({ t: "define", name: lhs.name, value: p.parseExpr() });
        } else if (p.is("=")) {
          p.next();
          out.push({ t: "assign", target: lhs, value: p.parseExpr() });
        } else {
          out.push({ t: "expr", value: lhs });
        }
      }
    } catch {
      p.pos = start;
    }
    if (p.pos < body.end && !p.atLineEnd() && !p.is(";") && !p.is("}")) p.skipStatement();
    if (p.pos === start) {
      p.skipStatement();
      if (p.pos === start) p.next();
    }
  }
  return out;
}
