/**
 * The audit runs no program, so it must not load what only a program needs: the Pulumi SDK's index (about a
 * second on 2 cores: it loads the whole runtime) or a provider SDK. This walks the runtime imports of the
 * audit's entry (type-only imports erased, as TypeScript does) and lists the packages they reach.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");

/** The module specifiers a file imports at run time (not `import type`, not type-only named imports). */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const typeOnly =
        clause?.isTypeOnly === true ||
        (clause !== undefined &&
          clause.name === undefined &&
          named !== undefined &&
          ts.isNamedImports(named) &&
          named.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      if (!node.isTypeOnly) found.push(node.moduleSpecifier.text);
    }
  }
  return found;
}

/** The packages (`@scope/name/sub/path` as written) reached from `entry` through the repository's files. */
function packagesReached(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith(".")) {
        const base = join(dirname(file), spec);
        const next = [`${base}.ts`, join(base, "index.ts")].find((f) => ts.sys.fileExists(f));
        if (next) visit(next);
      } else if (!spec.startsWith("node:") && !packages.has(spec)) packages.set(spec, relative(ROOT, file));
    }
  };
  visit(join(ROOT, entry));
  return packages;
}

describe("what the audit loads", () => {
  it("never the Pulumi SDK's index nor a provider SDK", () => {
    const reached = packagesReached("plan/audit-cli.ts");
    // The walk reaches the pack and the SDK's small modules (a check that it walks at all).
    expect([...reached.keys()]).toEqual(expect.arrayContaining(["commander", "@pulumi/pulumi/runtime/rpc"]));
    for (const heavy of ["@pulumi/pulumi", "@pulumi/gcp", "@pulumi/random", "@pulumiverse/time"])
      expect(reached.get(heavy), `${heavy} imported by ${reached.get(heavy) ?? ""}`).toBeUndefined();
  });
});
