/**
 * Where a resource is declared in the repository, for SARIF results that code scanning can show on a line:
 * the component source that creates it (the `new gcp.<module>.<Class>(` in the file whose component type
 * is the resource's parent in its URN, else that component's `super("<type>"` line), or, for resources no
 * component creates (the provider, the stack), the stack's config file `Pulumi.<stack>.yaml` (a feature
 * stack's config is derived from `Pulumi.staging.yaml`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** A file of the repository (a repository-relative path with `/`) and a 1-based line. */
export interface SourceLocation {
  readonly uri: string;
  readonly line: number;
}

/** The directories holding component classes. */
const SOURCE_DIRS = ["components", "stacks"];

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

const lineOf = (text: string, index: number): number => text.slice(0, index).split("\n").length;

/** The stack of a URN (`urn:pulumi:<stack>::…`). */
export const stackOfUrn = (urn: string): string | undefined => /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];

/** The stack file declaring a stack's resources, relative to `root`, when it exists. */
export function stackFile(root: string, stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  const candidates = [
    `Pulumi.${stack}.yaml`,
    ...(stack.startsWith("feature-") ? ["Pulumi.staging.yaml"] : []),
  ];
  return candidates.find((f) => existsSync(join(root, f)));
}

/** Locates the declarations of a stack's resources in the repository at `root`. */
export class SourceIndex {
  private readonly components = new Map<string, { file: string; text: string; line: number }>();
  readonly stackFile: string | undefined;

  /**
   * @param root the repository root (where `Pulumi.yaml`, `components/` and `stacks/` are)
   * @param stack the stack whose resources are located
   * @param fallback where a resource goes when nothing in the repository declares it (the audited file)
   */
  constructor(
    root: string,
    stack: string | undefined,
    private readonly fallback: string,
  ) {
    for (const path of SOURCE_DIRS.flatMap((d) => tsFiles(join(root, d)))) {
      const text = readFileSync(path, "utf8");
      for (const m of text.matchAll(/super\(\s*"([^"]+)"/g)) {
        this.components.set(m[1] ?? "", {
          file: relative(root, path).replace(/\\/g, "/"),
          text,
          line: lineOf(text, m.index),
        });
      }
    }
    this.stackFile = stackFile(root, stack);
  }

  /** Where the resource with `urn` is declared. */
  locate(urn: string): SourceLocation {
    const chain = (urn.split("::")[2] ?? "").split("$");
    const type = chain[chain.length - 1] ?? "";
    const component = chain.length > 1 ? this.components.get(chain[chain.length - 2] ?? "") : undefined;
    if (component) {
      // `gcp:cloudrunv2/service:Service` is created as `new gcp.cloudrunv2.Service(`.
      const [pkg, path = "", cls = ""] = type.split(":");
      const module = path.split("/")[0];
      const call = module === "index" ? `new ${pkg}.${cls}(` : `new ${pkg}.${module}.${cls}(`;
      const at = component.text.indexOf(call);
      return { uri: component.file, line: at >= 0 ? lineOf(component.text, at) : component.line };
    }
    return { uri: this.stackFile ?? this.fallback, line: 1 };
  }
}
