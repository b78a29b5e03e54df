/**
 * Reads a Pulumi Node.js SDK's declarations (the installed package's `.d.ts`, or a provider
 * repository's `sdk/nodejs/*.ts`): the input properties of each resource's `XxxArgs` interface and of
 * the nested input types under `types/input`, with whether each is an array or a map. These files are
 * the final word on Pulumi's property names (camelCase, pluralised lists, renames) and on which
 * one-element Terraform lists Pulumi flattens into objects.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

export interface PulumiProp {
  readonly name: string;
  readonly array: boolean;
  readonly map: boolean;
  /** Nested input type, `module.TypeName` (e.g. `cloudrunv2.ServiceTemplate`), or `TypeName` in `index`. */
  readonly ref: string | undefined;
}

export type PropMap = ReadonlyMap<string, PulumiProp>;

function propsOf(node: ts.InterfaceDeclaration, source: ts.SourceFile): Map<string, PulumiProp> {
  const out = new Map<string, PulumiProp>();
  for (const m of node.members) {
    if (!ts.isPropertySignature(m) || m.type === undefined) continue;
    const name = m.name.getText(source).replace(/^["']|["']$/g, "");
    const text = m.type.getText(source);
    out.set(name, {
      name,
      array: /\[\]/.test(text),
      map: /\[\w+: string\]/.test(text),
      ref: text.match(/\binputs\.([\w.]+)/)?.[1],
    });
  }
  return out;
}

export class PulumiSdkTypes {
  private inputTypes: Map<string, Map<string, PulumiProp>> | undefined;
  private readonly ext: string;

  constructor(readonly dir: string) {
    this.ext = existsSync(join(dir, "index.d.ts")) ? ".d.ts" : ".ts";
  }

  /** The `version` in the SDK's package.json. */
  version(): string {
    return (JSON.parse(readFileSync(join(this.dir, "package.json"), "utf8")) as { version: string }).version;
  }

  private parse(file: string): ts.SourceFile | undefined {
    const path = join(this.dir, file + this.ext);
    if (!existsSync(path)) return undefined;
    return ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  }

  private files: Map<string, string> | undefined;

  /**
   * Declaration file (without extension) of each resource token, found by the class's `__pulumiType`:
   * file names do not always follow the token (`gcp:compute/sSLPolicy:SSLPolicy` is compute/sslpolicy).
   */
  private fileOf(token: string): string | undefined {
    if (this.files === undefined) {
      const files = new Map<string, string>();
      this.files = files;
      const code = this.ext === ".d.ts" ? ".js" : ".ts";
      const walk = (rel: string) => {
        for (const e of readdirSync(join(this.dir, rel), { withFileTypes: true })) {
          const path = rel === "" ? e.name : `${rel}/${e.name}`;
          if (e.isDirectory()) {
            if (e.name !== "node_modules" && e.name !== "types") walk(path);
          } else if (e.name.endsWith(code) && !e.name.endsWith(".d.ts")) {
            for (const m of readFileSync(join(this.dir, path), "utf8").matchAll(
              /__pulumiType = '([^':]+:[^']+)'/g,
            ))
              if (m[1] !== undefined) files.set(m[1], path.slice(0, -code.length));
          }
        }
      };
      walk("");
    }
    return this.files.get(token);
  }

  /** Whether the SDK declares a resource class with this token (`__pulumiType`). */
  hasResource(token: string): boolean {
    return this.fileOf(token) !== undefined;
  }

  /** Input properties of a resource (`<Class>Args`), or undefined when the SDK lacks it. */
  args(token: string): PropMap | undefined {
    const file = this.fileOf(token);
    const source = file === undefined ? undefined : this.parse(file);
    const cls = token.split(":").pop() ?? "";
    if (source === undefined) return undefined;
    // Class names keep the token's case except where the token is not a valid class name
    // (`gcp:privilegedaccessmanager/entitlement:entitlement` declares `Entitlement`).
    for (const st of source.statements)
      if (ts.isInterfaceDeclaration(st) && st.name.text.toLowerCase() === `${cls}Args`.toLowerCase())
        return propsOf(st, source);
    return undefined;
  }

  /** Every resource token the SDK declares. */
  tokens(): string[] {
    this.fileOf("");
    return [...(this.files?.keys() ?? [])].sort();
  }

  /** Properties of a nested input type (`cloudrunv2.ServiceTemplate`). */
  inputType(ref: string): PropMap | undefined {
    if (this.inputTypes === undefined) {
      this.inputTypes = new Map();
      const source = this.parse("types/input");
      const visit = (statements: ts.NodeArray<ts.Statement>, prefix: string) => {
        for (const st of statements) {
          if (ts.isInterfaceDeclaration(st))
            this.inputTypes?.set(prefix + st.name.text, propsOf(st, source as ts.SourceFile));
          else if (ts.isModuleDeclaration(st) && st.body !== undefined && ts.isModuleBlock(st.body))
            visit(st.body.statements, `${prefix}${st.name.getText(source)}.`);
        }
      };
      if (source !== undefined) visit(source.statements, "");
    }
    return this.inputTypes.get(ref);
  }
}
