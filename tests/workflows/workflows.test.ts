/**
 * The GitHub Actions workflows and local actions: each parses with GitHub's own workflow parser
 * (`@actions/workflow-parser`, from actions/languageservices: the schema and expression checks the
 * VS Code extension runs; offline, pure TypeScript), and follows the conventions of docs/delivery.md.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { convertActionTemplate, parseAction } from "@actions/workflow-parser/actions/index";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildProgram } from "../../automation/cli/program";

const ROOT = resolve(__dirname, "../..");
const WORKFLOWS = join(ROOT, ".github/workflows");
const ACTIONS = join(ROOT, ".github/actions");

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const workflowFiles = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const actionFiles = readdirSync(ACTIONS).map((d) => join(ACTIONS, d, "action.yml"));
const workflows = workflowFiles.map((file) => {
  const text = readFileSync(join(WORKFLOWS, file), "utf8");
  return { file, text, doc: rec(parse(text)) };
});
const jobsOf = (doc: Obj): [string, Obj][] => Object.entries(rec(doc.jobs)).map(([k, v]) => [k, rec(v)]);
const stepsOf = (job: Obj): Obj[] => list(job.steps).map(rec);
const runsOf = (job: Obj): string[] =>
  stepsOf(job).flatMap((s) => (typeof s.run === "string" ? [s.run] : []));
const authenticates = (job: Obj): boolean =>
  stepsOf(job).some(
    (s) =>
      s.uses === "./.github/actions/pulumi-auth" || String(s.uses).startsWith("google-github-actions/auth@"),
  );

describe("every workflow and local action parses with GitHub's parser", () => {
  it("finds the five workflows and two actions", () => {
    expect(workflowFiles.sort()).toEqual([
      "deploy.yml",
      "pr-environment.yml",
      "pull-request.yml",
      "release.yml",
      "scheduled.yml",
    ]);
    expect(actionFiles).toHaveLength(2);
  });

  it.each(workflowFiles)("%s", async (file) => {
    const content = readFileSync(join(WORKFLOWS, file), "utf8");
    const result = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    const template = await convertWorkflowTemplate(result.context, result.value!);
    expect((template.errors ?? []).map((e) => e.Message)).toEqual([]);
    expect(template.jobs.length).toBeGreaterThan(0);
  });

  it.each(actionFiles)("%s", (path) => {
    const result = parseAction(
      { name: path, content: readFileSync(path, "utf8") },
      new NoOperationTraceWriter(),
    );
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    const action = convertActionTemplate(result.context, result.value!);
    expect(action.runs?.using).toBe("composite");
  });

  it("the parser does catch mistakes (a misspelled permission and event, a broken expression)", () => {
    const content =
      "on: pushh\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      id-tokn: write\n    steps:\n      - run: echo ${{ github. }}\n";
    const errors = parseWorkflow(
      { name: "bad.yml", content },
      new NoOperationTraceWriter(),
    ).context.errors.getErrors();
    expect(errors.length).toBeGreaterThanOrEqual(3);
  });
});

describe("actions are pinned to full commit SHAs with their version in a comment", () => {
  const files = [
    ...workflows.map((w) => ({ file: w.file, text: w.text })),
    ...actionFiles.map((p) => ({ file: p, text: readFileSync(p, "utf8") })),
  ];
  const uses = files.flatMap(({ file, text }) =>
    text.split("\n").flatMap((line) => {
      const m = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
      return m ? [{ file, ref: m[1] ?? "", rest: m[2] ?? "" }] : [];
    }),
  );

  it("finds the actions", () => {
    expect(uses.filter((u) => !u.ref.startsWith("./")).length).toBeGreaterThanOrEqual(8);
  });

  it.each(uses.filter((u) => !u.ref.startsWith("./")).map((u) => [`${u.file}: ${u.ref}`, u]))(
    "%s",
    (_label, u) => {
      expect(u.ref).toMatch(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/);
      expect(u.rest).toMatch(/^\s+#\s+v\d+(\.\d+){0,2}$/);
    },
  );

  it("one action, one SHA: the same action is pinned to the same commit everywhere", () => {
    const shas = new Map<string, Set<string>>();
    for (const u of uses.filter((x) => !x.ref.startsWith("./"))) {
      const [name, sha] = u.ref.split("@") as [string, string];
      shas.set(name, new Set([...(shas.get(name) ?? []), sha]));
    }
    for (const [name, set] of shas) expect([name, set.size]).toEqual([name, 1]);
  });
});

describe.each(workflows)("$file conventions", ({ doc }) => {
  it("grants nothing at the top level", () => {
    expect(doc.permissions).toEqual({});
  });

  it.each(jobsOf(doc))("job %s: permissions, timeout, id-token only where it authenticates", (_name, job) => {
    expect(job.permissions).toBeDefined();
    expect(typeof job["timeout-minutes"]).toBe("number");
    expect(job["timeout-minutes"] as number).toBeLessThanOrEqual(90);
    const idToken = rec(job.permissions)["id-token"] === "write";
    expect(idToken).toBe(authenticates(job));
    for (const scope of Object.values(rec(job.permissions))) expect(["read", "write"]).toContain(scope);
  });

  it.each(jobsOf(doc).filter(([, j]) => authenticates(j)))(
    "job %s deploys or reads a stack in a concurrency group that is never cancelled, or is a read-only check",
    (_name, job) => {
      const group = rec(job.concurrency ?? doc.concurrency);
      const readOnlyCheck =
        job.environment === undefined &&
        doc.concurrency !== undefined &&
        rec(doc.concurrency)["cancel-in-progress"] === true;
      if (readOnlyCheck)
        return expect(runsOf(job).join("\n")).not.toMatch(/pulumi up|ops -- .*(feature up|release|dr drill)/);
      expect(group.group).toEqual(expect.any(String));
      expect(group["cancel-in-progress"]).toBe(false);
    },
  );

  it.each(jobsOf(doc))("job %s installs with npm ci (never npm install) when it runs npm", (_name, job) => {
    const runs = runsOf(job).join("\n");
    expect(runs).not.toMatch(/npm (install|i)\b/);
    if (/npm run/.test(runs))
      expect(stepsOf(job).some((s) => s.uses === "./.github/actions/setup")).toBe(true);
  });
});

describe("the commands the jobs run exist", () => {
  const scripts = Object.keys(rec(rec(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"))).scripts));
  const runs = workflows.flatMap(({ doc }) => jobsOf(doc).flatMap(([, job]) => runsOf(job)));
  const npmRuns = runs.flatMap((r) => [...r.matchAll(/npm run(?: -s)? ([a-z:-]+)/g)].map((m) => m[1] ?? ""));

  it.each([...new Set(npmRuns)])("npm run %s is a package.json script", (script) => {
    expect(scripts).toContain(script);
  });

  const program = buildProgram({
    context: () => {
      throw new Error("not run");
    },
    exit: () => undefined,
  });
  const subcommand = (path: string[]): Command | undefined =>
    path.reduce<Command | undefined>((c, name) => c?.commands.find((x) => x.name() === name), program);
  const opsCalls = runs.flatMap((r) =>
    [...r.matchAll(/npm run -s ops -- ((?:--[a-z-]+(?: [^- ]\S*)? )*)([a-z]+) ([a-z]+)/g)].map((m) => [
      m[2] ?? "",
      m[3] ?? "",
    ]),
  );

  it("finds the ops calls", () => {
    expect(opsCalls.map((c) => c.join(" ")).sort()).toEqual(
      expect.arrayContaining([
        "dr drill",
        "feature destroy",
        "feature gc",
        "feature up",
        "release promote",
        "release rollback",
        "release start",
        "release status",
      ]),
    );
  });

  it.each(opsCalls.map((c) => [c.join(" "), c]))("ops %s exists in the ops CLI", (_label, path) => {
    expect(subcommand(path)?.name()).toBe(path[1]);
  });
});

describe("the pull-request gate", () => {
  const pr = workflows.find((w) => w.file === "pull-request.yml")!;
  const jobs = Object.fromEntries(jobsOf(pr.doc));

  it("has one required job, gate, that needs every other job and runs even when they fail", () => {
    expect(jobs.gate?.name).toBe("gate");
    expect(new Set(list(jobs.gate?.needs))).toEqual(new Set(Object.keys(jobs).filter((k) => k !== "gate")));
    expect(jobs.gate?.if).toBe("always()");
  });

  it("plans prod, staging and a feature stack, with a distinct SARIF category each", () => {
    const include = list(rec(rec(jobs.plan?.strategy).matrix).include).map(rec);
    expect(include.map((i) => String(i.stack).replace(/\$\{\{.*\}\}/, "<n>"))).toEqual([
      "prod",
      "staging",
      "feature-pr-<n>",
    ]);
    expect(new Set(include.map((i) => i.category)).size).toBe(3);
  });

  it("runs the real preview only with deploy variables and never for a fork", () => {
    expect(jobs.preview?.if).toMatch(/vars\.STAGING_WIF_PROVIDER != ''/);
    expect(jobs.preview?.if).toMatch(/head\.repo\.full_name == github\.repository/);
  });
});

describe("deploy", () => {
  const deploy = workflows.find((w) => w.file === "deploy.yml")!;
  const jobs = Object.fromEntries(jobsOf(deploy.doc));

  it("previews with the policy pack before up, staging before prod, prod only in environment production", () => {
    for (const stack of ["staging", "prod"]) {
      const runs = runsOf(jobs[stack] ?? {});
      const preview = runs.findIndex((r) =>
        r.startsWith(`pulumi preview --stack ${stack} --policy-pack policies`),
      );
      const up = runs.findIndex((r) => r.startsWith(`pulumi up --stack ${stack}`));
      expect(preview).toBeGreaterThanOrEqual(0);
      expect(up).toBeGreaterThan(preview);
    }
    expect(jobs.prod?.needs).toBe("staging");
    expect(jobs.prod?.environment).toBe("production");
    expect(rec(jobs.prod?.concurrency).group).not.toBe(rec(jobs.staging?.concurrency).group);
  });
});

describe("the Pulumi runner can reach the observability plane's cluster", () => {
  const action = rec(parse(readFileSync(join(ACTIONS, "pulumi-auth", "action.yml"), "utf8")));
  const steps = list(rec(action.runs).steps).map(rec);
  const at = (pred: (s: Obj) => boolean): number => steps.findIndex(pred);

  it("installs gke-gcloud-auth-plugin (the kubeconfig's exec command) after authenticating", () => {
    const auth = at((s) => String(s.uses).startsWith("google-github-actions/auth@"));
    const gcloud = at((s) => String(s.uses).startsWith("google-github-actions/setup-gcloud@"));
    expect(auth).toBeGreaterThanOrEqual(0);
    expect(gcloud).toBeGreaterThan(auth);
    expect(rec(steps[gcloud]?.with).install_components).toBe("gke-gcloud-auth-plugin");
  });

  it("installs the kubernetes resource plugin at the locked SDK version before login and preview", () => {
    const plugin = at((s) => String(s.run).startsWith("pulumi plugin install resource kubernetes "));
    const login = at((s) => String(s.run).startsWith("pulumi login"));
    expect(plugin).toBeGreaterThanOrEqual(0);
    expect(login).toBeGreaterThan(plugin);
    expect(String(steps[plugin]?.run)).toContain('require("@pulumi/kubernetes/package.json").version');
  });
});
