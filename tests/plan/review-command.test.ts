/**
 * `npm run plan -- --base …` on the program's real plans: an identical base, a renamed production
 * database (the gate and its acknowledgement), the load balancer's certificate matched through its alias,
 * bases that are not plans, a git ref that does not exist, and once the git-ref path end to end (this
 * repository's HEAD planned in a temporary worktree).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { planCommand } from "../../plan/plan-command";
import { renderJson, type ExportDocument } from "../../plan/render-json";
import { prefetchPlans, sharedPlan } from "../helpers/shared-plans";

const ROOT = resolve(__dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "module6-review-"));
prefetchPlans("prod", "staging", "feature-pr-123");

async function run(...args: string[]) {
  return planCommand(args, { root: ROOT, runPlan: ({ stack }) => sharedPlan(stack) });
}

async function baseFile(
  stack: string,
  edit: (doc: ExportDocument) => void = () => undefined,
): Promise<string> {
  const doc = renderJson(await sharedPlan(stack), "2026-01-01T00:00:00.000Z");
  edit(doc);
  const file = join(dir, `${stack}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

interface JsonDiff {
  base: string;
  summary: { create: number; update: number; replace: number; delete: number; unchanged: number };
  resources: { name: string; type: string; op: string; matchedBy?: string; replacingFields: string[] }[];
  gate: { name: string; acknowledged: boolean }[];
}

describe("npm run plan -- --base", () => {
  it("an identical base: everything unchanged, exit 0", async () => {
    const plan = await sharedPlan("prod");
    const { exitCode, stdout } = await run("--stack", "prod", "--base", await baseFile("prod"));
    expect(exitCode).toBe(0);
    const resources = plan.resources.filter((r) => r.custom).length;
    expect(stdout).toContain(
      `Resources: + 0 to create, ~ 0 to update, +-0 to replace, - 0 to delete, ${resources} unchanged`,
    );
    expect(stdout).toContain("(no changes)");
  });

  it("a renamed production database fails the gate (exit 1) unless acknowledged", async () => {
    const file = await baseFile("prod", (doc) => {
      const db = doc.deployment.resources.find((r) => r.type === "gcp:firestore/database:Database");
      if (db) db.inputs = { ...db.inputs, name: "m6-prod-old" };
    });
    const refused = await run("--stack", "prod", "--base", file);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toContain(
      'gcp:firestore/database:Database "env-firestore" would be replaced (by a change of name): data at risk: every document',
    );
    expect(refused.stdout).toContain("+-1 to replace");
    expect(refused.stderr).toContain("data at risk: 1");

    const allowed = await run(
      "--stack",
      "prod",
      "--base",
      file,
      "--allow-replace",
      "env-firestore",
      "--format",
      "json",
    );
    expect(allowed.exitCode).toBe(0);
    const diff = JSON.parse(allowed.stdout) as JsonDiff;
    expect(diff.gate).toEqual([expect.objectContaining({ name: "env-firestore", acknowledged: true })]);
    expect(
      diff.resources
        .filter((r) => r.op !== "unchanged")
        .map((r) => `${r.op} ${r.name} ${r.replacingFields.join(",")}`),
    ).toEqual(["replace env-firestore name"]);
  });

  it("follows aliases: the certificate's old URN (before one certificate per domain) is the same resource", async () => {
    const file = await baseFile("prod", (doc) => {
      const cert = doc.deployment.resources.find(
        (r) => r.type === "gcp:certificatemanager/certificate:Certificate",
      );
      if (cert) cert.urn = cert.urn.replace(/::[^:]+$/, "::env-edge-cert");
    });
    const { exitCode, stdout } = await run("--stack", "prod", "--base", file, "--format", "json");
    expect(exitCode).toBe(0);
    const diff = JSON.parse(stdout) as JsonDiff;
    const certs = diff.resources.filter((r) => r.type === "gcp:certificatemanager/certificate:Certificate");
    expect(certs).toEqual([expect.objectContaining({ op: "unchanged", matchedBy: "alias" })]);
    expect(diff.summary).toMatchObject({ create: 0, delete: 0 });
  });

  it("a prod plan as the base of staging: how far staging differs from prod, the gate off", async () => {
    const { exitCode, stdout } = await run("--stack", "staging", "--base", await baseFile("prod"));
    expect(exitCode).toBe(0);
    expect(stdout).toContain("Comparison of stack staging with prod");
    expect(stdout).toContain("Not a deployment: the data-loss gate is off.");
    // Weekly backups: 14 weeks in prod, 4 in staging (Pulumi.prod.yaml, Pulumi.staging.yaml).
    expect(stdout).toContain('~ retention: "8467200s" → "2419200s"');
    expect(stdout).not.toContain("Data at risk");
  });

  it("refuses a base file that is not a plan (exit 2), npm's banner named", async () => {
    const banner = join(dir, "banner.json");
    writeFileSync(
      banner,
      `\n> module6-infra@0.1.0 plan\n> node plan/launch.cjs plan/cli.ts --stack prod\n\n{}`,
    );
    const noPlan = join(dir, "other.json");
    writeFileSync(noPlan, JSON.stringify({ hello: "world" }));
    const never = () => Promise.reject(new Error("nothing may be planned"));
    const a = await planCommand(["--stack", "prod", "--base", banner], { root: ROOT, runPlan: never });
    expect(a).toMatchObject({ exitCode: 2, stdout: "" });
    expect(a.stderr).toContain(
      `--base ${banner}: not a plan JSON: it starts with npm's "> module6-infra@0.1.0 plan" banner`,
    );
    const b = await planCommand(["--stack", "prod", "--base", noPlan], { root: ROOT, runPlan: never });
    expect(b.exitCode).toBe(2);
    expect(b.stderr).toContain(`--base ${noPlan}: not a plan JSON`);
  });

  it("refuses a git ref that does not exist (exit 2) before planning", async () => {
    const never = () => Promise.reject(new Error("nothing may be planned"));
    const r = await planCommand(["--stack", "prod", "--base", "no-such-branch-13"], {
      root: ROOT,
      runPlan: never,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      `error: --base no-such-branch-13: no such file, and no commit named "no-such-branch-13" in the git repository at ${ROOT} (give a plan JSON file or a branch, tag or commit)`,
    );
  });

  it("refuses --base with --project bootstrap (exit 2) before planning", async () => {
    const never = () => Promise.reject(new Error("nothing may be planned"));
    const r = await planCommand(["--project", "bootstrap", "--stack", "prod", "--base", "HEAD"], {
      root: ROOT,
      runPlan: never,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      "error: --base: not supported with --project bootstrap yet; plan the main program's stacks",
    );
  });

  it("plans a git ref in a temporary worktree and removes it (HEAD, end to end)", async () => {
    // The base's worktrees only: other checkouts of this repository may add and remove their own meanwhile.
    const worktrees = () =>
      spawnSync("git", ["worktree", "list"], { cwd: ROOT, encoding: "utf8" })
        .stdout.split("\n")
        .filter((line) => line.includes("module6-base-"));
    const before = worktrees();
    const left = () => readdirSync(tmpdir()).filter((f) => f.startsWith("module6-base-"));
    const tmpBefore = left();
    const { exitCode, stdout, stderr } = await run(
      "--stack",
      "feature-pr-123",
      "--base",
      "HEAD",
      "--format",
      "json",
    );
    expect(stderr).not.toContain("error");
    expect(exitCode).toBe(0);
    const diff = JSON.parse(stdout) as JsonDiff;
    const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.slice(0, 12);
    expect(diff.base).toBe(`HEAD (${head})`);
    // HEAD and the working tree share nearly all of a feature environment (the same stack file).
    expect(diff.summary.unchanged).toBeGreaterThan(20);
    expect(worktrees()).toEqual(before);
    expect(left()).toEqual(tmpBefore);
  }, 120_000);
});
