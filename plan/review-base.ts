/**
 * `--base <file-or-git-ref>`: the plan to compare with. A file must be a plan JSON (`npm run plan --
 * --format json`) or a `pulumi stack export` document; anything else is a git ref of this repository,
 * planned in a temporary worktree that shares this checkout's dependencies, then removed (also when the
 * plan fails or the command is interrupted).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { CliError } from "../cli-kit/cli-error";
import type { ExportDocument } from "./render-json";

export interface BasePlan {
  readonly doc: ExportDocument;
  /** How the base is named in the output: the file, or the ref and its commit. */
  readonly label: string;
}

const exportSchema = z.object({
  version: z.literal(3),
  deployment: z.object({
    resources: z.array(
      z.looseObject({
        urn: z.string().startsWith("urn:pulumi:"),
        type: z.string(),
        custom: z.boolean().optional(),
        inputs: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  }),
});

const HOW = "write one with: npm run -s plan -- --stack <name> --format json --out <file>";

/** Reads a plan JSON (or a stack export); a clear error for anything else. */
export function readPlanFile(file: string): ExportDocument {
  const text = readFileSync(file, "utf8");
  // `npm run plan > file` without `-s` puts npm's banner ("> module6-infra@0.1.0 plan") first.
  if (/^\s*> \S+@\S+/.test(text))
    throw new CliError(
      `--base ${file}: not a plan JSON: it starts with npm's "${text.trimStart().split("\n")[0] ?? ""}" banner (npm run without -s); ${HOW}`,
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--base ${file}: not a plan JSON (${(error as Error).message}); ${HOW}`);
  }
  const parsed = exportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      `--base ${file}: not a plan JSON (a stack-export document, version 3, with deployment.resources): ${issue?.path.join(".") || "(document)"}: ${issue?.message ?? ""}; ${HOW}`,
    );
  }
  return json as ExportDocument;
}

function git(root: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim() };
}

/**
 * The worktree's `node_modules`: a folder of links to this checkout's packages, all but `.cache`, where
 * plan/launch.cjs keeps its bundles (a shared cache would hand one tree's bundle to the other).
 */
function linkDependencies(root: string, tree: string): void {
  const from = join(root, "node_modules");
  if (!existsSync(from)) throw new CliError(`--base: ${from} is missing: run npm ci first`);
  const to = join(tree, "node_modules");
  mkdirSync(to);
  for (const entry of readdirSync(from))
    if (entry !== ".cache") symlinkSync(join(from, entry), join(to, entry));
}

export interface GitBaseOptions {
  readonly root: string;
  readonly stack: string;
  /** Cancels the base plan (the worktree is removed all the same). */
  readonly signal?: AbortSignal;
}

/**
 * Plans `ref` in a temporary worktree (a child process running that commit's own `npm run plan`), while
 * the caller plans the current tree. Removes the worktree in every case.
 */
/** The commit a ref names; a clear error (exit 2) when it names none. */
export function resolveGitRef(root: string, ref: string): string {
  const commit = ref.startsWith("-")
    ? { ok: false, out: "" }
    : git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  if (!commit.ok)
    throw new CliError(
      `--base ${ref}: no such file, and no commit named "${ref}" in the git repository at ${root} (give a plan JSON file or a branch, tag or commit)`,
    );
  return commit.out;
}

export async function planGitRef(ref: string, options: GitBaseOptions): Promise<BasePlan> {
  const { root, stack } = options;
  const sha = resolveGitRef(root, ref);
  const label = `${ref} (${sha.slice(0, 12)})`;
  const tmp = mkdtempSync(join(tmpdir(), "module6-base-"));
  const tree = join(tmp, "tree");
  const out = join(tmp, "plan.json");
  let added = false;
  const cleanup = () => {
    if (added) git(root, ["worktree", "remove", "--force", tree]);
    rmSync(tmp, { recursive: true, force: true });
    if (added) git(root, ["worktree", "prune"]);
    added = false;
  };
  // An interrupt (Ctrl-C) ends the base plan and removes the worktree before the process exits (130).
  const onSignal = () => {
    cleanup();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const add = git(root, ["worktree", "add", "--detach", tree, sha]);
    if (!add.ok) throw new CliError(`--base ${label}: git worktree add failed: ${add.err}`);
    added = true;
    if (!existsSync(join(tree, "plan", "launch.cjs")))
      throw new CliError(
        `--base ${label}: that commit has no plan/launch.cjs (npm run plan): it cannot be planned`,
      );
    linkDependencies(root, tree);
    const args = ["plan/launch.cjs", "plan/cli.ts", "--stack", stack, "--format", "json", "--out", out];
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, args, {
        cwd: tree,
        stdio: ["ignore", "ignore", "pipe"],
        ...(options.signal ? { signal: options.signal } : {}),
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stderr }));
    });
    // Exit 1 is a mandatory policy violation on the base: it is still a plan to compare with.
    if ((result.code !== 0 && result.code !== 1) || !existsSync(out))
      throw new CliError(
        `--base ${label}: planning stack ${stack} at that commit failed (exit ${result.code}):\n${result.stderr.trim().split("\n").slice(-15).join("\n")}`,
      );
    return { doc: readPlanFile(out), label };
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    cleanup();
  }
}

/**
 * The base plan: the file if `spec` is one, the git ref otherwise. A file that is not a plan and a ref
 * that names no commit are refused at once (thrown, not rejected), before anything is planned.
 */
export function startBase(spec: string, options: GitBaseOptions): Promise<BasePlan> {
  if (existsSync(spec)) return Promise.resolve({ doc: readPlanFile(spec), label: spec });
  resolveGitRef(options.root, spec);
  return planGitRef(spec, options);
}
