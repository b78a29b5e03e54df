/**
 * The layering of DESIGN §3, checked on every import of the source: static, dynamic (`await import(…)`) and
 * type-only imports alike, resolved with TypeScript's own module resolution (the compiler the project
 * builds with), so a path alias or an `index.ts` cannot hide an arrow. A folder cycle, an import of a
 * folder above, or one tool reaching into the other turns this test red.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..");

/**
 * Source folders from top to bottom: a folder may import only folders of a later row (a file belongs to
 * the longest entry its folder starts with, so `components/shared` is part of `components`). Folders of
 * one row never import each other. `index.ts` is the program's entry file at the root.
 */
const LAYERS: readonly (readonly string[])[] = [
  // The two tools, side by side: `npm run plan`/`audit` and `npm run ops` (its entry, automation/cli.ts).
  ["plan", "automation"],
  // The operations CLI: the command tree, the real context and how a failure ends.
  ["automation/cli"],
  // One file per command, and the wiring and option parsers they share.
  ["automation/commands"],
  // What the commands do: feature environments, releases, the DR drill (and its Pulumi program).
  ["automation/feature", "automation/release", "automation/dr"],
  // What a command runs against: `OpsContext`, the engine operation, output, the outside services' interfaces.
  ["automation/context"],
  // The `Automation` interface to Pulumi and its LocalWorkspace adapter.
  ["automation/pulumi"],
  // Errors and time.
  ["automation/core"],
  // The programs the plan runs: the platform (`index.ts`) and the bootstrap of a project (`bootstrap/`).
  ["index.ts", "bootstrap"],
  // A stack's config file as the Pulumi CLI hands it to the program (read by the plan and the drivers).
  ["stack-file"],
  // The command-line kit every tool shares: CliError, exit codes, commander settings, input and --out files.
  ["cli-kit"],
  ["stacks"],
  ["components"],
  // The policy pack imports nothing of the program, only resource records.
  ["policies"],
];

/** Tools that never import each other's files, whatever their rows. */
const SEPARATE: readonly string[] = ["plan", "automation"];

type Edge = readonly [from: string, to: string];

/** Every `.ts` source file outside tests and dependencies, relative to the root. */
function sourceFiles(dir = ROOT): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (
        !["node_modules", "tests", "bin", "coverage", "docs"].includes(entry.name) &&
        !entry.name.startsWith(".")
      )
        files.push(...sourceFiles(path));
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      files.push(relative(ROOT, path));
    }
  }
  return files;
}

/** File-to-file imports inside the repository (packages are left out). */
function fileImports(files: readonly string[]): Edge[] {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  };
  const edges: Edge[] = [];
  for (const file of files) {
    const path = join(ROOT, file);
    const { importedFiles } = ts.preProcessFile(readFileSync(path, "utf8"), true, true);
    for (const { fileName } of importedFiles) {
      const resolved = ts.resolveModuleName(fileName, path, options, ts.sys).resolvedModule;
      if (resolved === undefined || resolved.isExternalLibraryImport) continue;
      edges.push([file, relative(ROOT, resolved.resolvedFileName)]);
    }
  }
  return edges;
}

/** A file's folder; the root folder is named after its one source file. */
const folderOf = (file: string): string => (dirname(file) === "." ? "index.ts" : dirname(file));

/** Cycles between folders (strongly connected components of more than one folder), each sorted. */
function folderCycles(edges: readonly Edge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const [from, to] of edges) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (!graph.has(b)) graph.set(b, new Set());
    if (a !== b) (graph.get(a) ?? graph.set(a, new Set()).get(a))?.add(b);
  }
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop();
      if (w !== undefined) component.push(w);
    } while (w !== undefined && w !== v);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** The row and entry of `LAYERS` a file belongs to, if any. */
function layerOf(
  file: string,
  layers: readonly (readonly string[])[],
): { row: number; unit: string } | undefined {
  const folder = folderOf(file);
  let found: { row: number; unit: string } | undefined;
  layers.forEach((units, row) => {
    for (const unit of units)
      if ((folder === unit || folder.startsWith(`${unit}/`)) && unit.length > (found?.unit.length ?? -1))
        found = { row, unit };
  });
  return found;
}

/** Imports that break the layering, as `from -> to: why` lines. */
function layerViolations(
  edges: readonly Edge[],
  layers: readonly (readonly string[])[],
  separate: readonly string[],
): string[] {
  const within = (file: string, unit: string) => file === unit || file.startsWith(`${unit}/`);
  const problems: string[] = [];
  for (const [from, to] of edges) {
    const a = layerOf(from, layers);
    const b = layerOf(to, layers);
    if (a === undefined || b === undefined) {
      problems.push(`${from} -> ${to}: ${a === undefined ? from : to} is in no layer`);
      continue;
    }
    const tool = separate.find((t) => within(from, t));
    const other = separate.find((t) => t !== tool && within(to, t));
    if (tool !== undefined && other !== undefined)
      problems.push(`${from} -> ${to}: ${tool}/ imports ${other}/`);
    else if (a.unit !== b.unit && b.row <= a.row)
      problems.push(
        `${from} -> ${to}: ${a.unit} imports ${b.unit}, which is ${b.row < a.row ? "above" : "beside"} it`,
      );
  }
  return problems;
}

describe("layering (DESIGN §3)", () => {
  const files = sourceFiles();
  const edges = fileImports(files);

  it("reads the real source: the program, both tools and their imports", () => {
    expect(files).toEqual(
      expect.arrayContaining(["index.ts", "stack-file/load.ts", "automation/cli.ts", "plan/cli.ts"]),
    );
    expect(edges).toContainEqual(["plan/run.ts", "stacks/index.ts"]);
    // A dynamic import is an arrow too.
    expect(edges).toContainEqual(["automation/commands/dr-drill.ts", "stack-file/load.ts"]);
    // So is a type-only import.
    expect(edges).toContainEqual(["automation/commands/wiring.ts", "automation/context/context.ts"]);
  });

  it("places every source folder in a layer", () => {
    expect(files.filter((f) => layerOf(f, LAYERS) === undefined)).toEqual([]);
  });

  it("has no cycle between folders", () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  it("has every import point down, and neither tool import the other", () => {
    expect(layerViolations(edges, LAYERS, SEPARATE)).toEqual([]);
  });
});

describe("the layering check", () => {
  const layers = [["tool", "other"], ["mid"], ["base"]];

  it("finds a cycle between two folders, and none through a folder's own files", () => {
    expect(
      folderCycles([
        ["mid/a.ts", "base/b.ts"],
        ["base/b.ts", "mid/c.ts"],
        ["base/b.ts", "base/d.ts"],
      ]),
    ).toEqual([["base", "mid"]]);
    expect(
      folderCycles([
        ["mid/a.ts", "mid/b.ts"],
        ["mid/b.ts", "mid/a.ts"],
      ]),
    ).toEqual([]);
  });

  it("refuses an import of a folder above or beside, and one tool reaching into the other", () => {
    expect(
      layerViolations(
        [
          ["base/x.ts", "mid/y.ts"],
          ["tool/a.ts", "other/b.ts"],
          ["tool/sub/a.ts", "mid/b.ts"],
          ["mid/b.ts", "base/x.ts"],
          ["tool/a.ts", "nowhere/z.ts"],
        ],
        layers,
        ["tool", "other"],
      ),
    ).toEqual([
      "base/x.ts -> mid/y.ts: base imports mid, which is above it",
      "tool/a.ts -> other/b.ts: tool/ imports other/",
      "tool/a.ts -> nowhere/z.ts: nowhere/z.ts is in no layer",
    ]);
  });

  it("keeps tools apart even where the rows would allow the arrow", () => {
    expect(
      layerViolations([["tool/a.ts", "other/deep/b.ts"]], [["tool"], ["other"]], ["tool", "other"]),
    ).toEqual(["tool/a.ts -> other/deep/b.ts: tool/ imports other/"]);
  });

  it("lets a folder import its own subfolders", () => {
    expect(layerViolations([["tool/a.ts", "tool/sub/b.ts"]], layers, [])).toEqual([]);
  });
});
