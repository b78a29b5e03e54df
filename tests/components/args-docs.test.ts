/**
 * Every optional field of a component's arguments documents what leaving it out means, in the aws-cdk
 * style (aws/aws-cdk docs/DESIGN_GUIDELINES.md, "Defaults", awslint:props-default-doc): `@default <value>`
 * when the default is a JavaScript value (`@default false`, `@default "MODERN"`), else `@default - <what
 * happens>` — never `@default undefined`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { runInNewContext } from "node:vm";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

const files = [...sourceFiles(join(ROOT, "components")), ...sourceFiles(join(ROOT, "stacks"))].map(
  (path) => ({
    path: relative(ROOT, path),
    source: ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.ES2022, true),
  }),
);

const interfaces = new Map(
  files.flatMap(({ path, source }) =>
    source.statements.filter(ts.isInterfaceDeclaration).map((i) => [i.name.text, { path, node: i }] as const),
  ),
);

/** The interfaces arguments are made of: every `…Args`, and the interfaces they extend or name, in turn. */
function argumentInterfaces(): string[] {
  const found = new Set([...interfaces.keys()].filter((n) => n.endsWith("Args")));
  const visit = (node: ts.Node): void => {
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const name = (ts.isTypeReferenceNode(node) ? node.typeName : node.expression).getText();
      if (interfaces.has(name) && !found.has(name)) {
        found.add(name);
        const decl = interfaces.get(name);
        if (decl) ts.forEachChild(decl.node, visit);
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const name of [...found]) {
    const decl = interfaces.get(name);
    if (decl) ts.forEachChild(decl.node, visit);
  }
  return [...found].sort();
}

/** True when `text` is a JavaScript value (a literal, an array or object of literals). */
function isValue(text: string): boolean {
  try {
    runInNewContext(`(${text})`, {});
    return true;
  } catch {
    return false;
  }
}

/** What is wrong with a field's `@default`, or `undefined` when it is fine. */
function defaultProblem(member: ts.PropertySignature): string | undefined {
  const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === "default");
  if (tag === undefined) return "no @default";
  const text = (ts.getTextOfJSDocComment(tag.comment) ?? "").trim();
  if (text.startsWith("- ")) return undefined;
  const value = text.split("\n")[0] ?? "";
  if (value === "undefined" || value.startsWith("undefined "))
    return `"@default ${value}": describe it after "- "`;
  return isValue(value) ? undefined : `"@default ${value}" is not a value: write "@default - …"`;
}

describe("component arguments document their defaults (aws-cdk style)", () => {
  const names = argumentInterfaces();

  it("covers every …Args interface and the interfaces they are made of", () => {
    expect(names).toEqual(
      expect.arrayContaining([
        "CloudRunServiceArgs",
        "RateLimit",
        "TrafficTarget",
        "AccessLists",
        "CdnSettings",
      ]),
    );
  });

  it("gives every optional field a @default: a value, or '- ' and what happens", () => {
    const problems = names.flatMap((name) => {
      const decl = interfaces.get(name);
      if (!decl) return [];
      return decl.node.members
        .filter((m): m is ts.PropertySignature => ts.isPropertySignature(m) && m.questionToken !== undefined)
        .flatMap((m) => {
          const problem = defaultProblem(m);
          return problem ? [`${decl.path} ${name}.${m.name.getText()}: ${problem}`] : [];
        });
    });
    expect(problems).toEqual([]);
  });
});
