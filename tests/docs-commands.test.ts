/**
 * Every `npm run` command that README.md and docs/*.md show in a shell block runs as shown from a fresh
 * checkout, and the files it writes are valid (JSON parses, SARIF against the official 2.1.0 schema), as
 * Cloud Foundation Fabric tests its README examples.
 *
 * Each distinct command runs once, in a scratch folder that holds the checkout's files as links (so what a
 * command writes lands there, and what it reads — stack files, `policies/config.example.json`, a plan an
 * earlier command wrote — is found as in a clone). `plan` and `audit` run in process through their command
 * functions, `plan` with the run's shared plan of the stack (tests/helpers/shared-plans.ts): a plan of its
 * own per command would cost seconds each. `npm run ops -- … --help` runs as a real process. The rest are
 * skipped, each with its reason (SKIPPED below); every command's script must exist in package.json.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Ajv from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "../plan/audit";
import { planCommand } from "../plan/plan-command";
import { renderJson } from "../plan/render-json";
import {
  commandsOf,
  documentedCommands,
  documentedExcerpts,
  missingExcerptLine,
  npmRun,
  type DocCommand,
  type NpmRun,
} from "./helpers/doc-commands";
import { prefetchPlans, sharedPlan } from "./helpers/shared-plans";

const ROOT = resolve(__dirname, "..");
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

/** Scripts whose documented commands are not run here, and why. */
const SKIPPED: Readonly<Record<string, string>> = {
  ops: "drives the pulumi CLI against a state backend with credentials (only `--help` runs offline); tests/scenarios run every command against a stand-in CLI",
  bench: "slow by design (median of repeated plans); not a correctness check",
  test: "the suite this test is part of",
  "test:scenarios": "part of npm test",
  typecheck: "run by .ci/run before the tests",
  lint: "run by .ci/run before the tests",
  format: "rewrites files in the checkout",
  "docs:config":
    "rewrites docs/configuration.md in the checkout; tests/stacks/config-docs.test.ts checks that the committed file is what it writes",
  "peer-coverage":
    "prints the measure tests/policies/peer.test.ts holds to its targets (about 3 s of CPU as a process)",
};

interface Run {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A scratch "clone": every top-level entry of the checkout as a link, outputs written beside them. A file
 * the documents write (`prod.json` left by a reader following them) is not linked: writing through the
 * link would change the checkout.
 */
function scratchCheckout(outputs: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "module6-docs-"));
  for (const entry of readdirSync(ROOT))
    if (entry !== ".git" && !outputs.includes(entry)) symlinkSync(join(ROOT, entry), join(dir, entry));
  return dir;
}

async function runInProcess(run: NpmRun): Promise<Run> {
  if (run.script === "plan")
    return planCommand([...run.args], {
      root: ROOT,
      runPlan: ({ stack, configFile }) => {
        if (configFile !== undefined)
          throw new Error(
            "a documented plan of another config file needs a plan of its own: not supported here",
          );
        return sharedPlan(stack);
      },
    });
  if (run.script === "audit") return audit([...run.args]);
  throw new Error(`no in-process runner for npm run ${run.script}`);
}

function runProcess(command: DocCommand, cwd: string): Run {
  const [bin = "", ...args] = command.words;
  const result = spawnSync(bin, args, { cwd, encoding: "utf8" });
  return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The files a command writes: `--out`, `--policy-config-out` and `> file`. */
function outputsOf(run: NpmRun): string[] {
  const files: string[] = [];
  run.args.forEach((a, i) => {
    if ((a === "--out" || a === "--policy-config-out") && run.args[i + 1]) files.push(run.args[i + 1] ?? "");
  });
  if (run.stdoutFile) files.push(run.stdoutFile);
  return files;
}

const NPM_BANNER = /^\s*> module6-infra@/;

function sarifValidator(): (doc: unknown) => string | undefined {
  // The official schema (OASIS, draft-04): tests/fixtures/sarif/README.md says where it comes from.
  const ajv = new Ajv({ schemaId: "id", allErrors: true, logger: false });
  ajv.addMetaSchema(
    JSON.parse(
      readFileSync(join(ROOT, "node_modules/ajv/lib/refs/json-schema-draft-04.json"), "utf8"),
    ) as object,
  );
  const validate = ajv.compile(
    JSON.parse(readFileSync(join(ROOT, "tests/fixtures/sarif/sarif-schema-2.1.0.json"), "utf8")) as object,
  );
  return (doc) => (validate(doc) ? undefined : ajv.errorsText(validate.errors));
}

/** What is wrong with a file a command wrote, or undefined. */
function checkOutput(path: string, validateSarif: (doc: unknown) => string | undefined): string | undefined {
  if (!existsSync(path)) return "was not written";
  const text = readFileSync(path, "utf8");
  if (text.trim() === "") return "is empty";
  if (NPM_BANNER.test(text)) return "starts with npm's banner";
  if (!/\.(json|sarif)$/.test(path)) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return `is not JSON: ${(error as Error).message}`;
  }
  return path.endsWith(".sarif") ? validateSarif(doc) : undefined;
}

const commands = documentedCommands(ROOT);
const npmCommands = commands.flatMap((c) => {
  const run = npmRun(c.words);
  return run ? [{ command: c, run }] : [];
});
// Each distinct command once, at its first place (documents are read README first, then docs/ by name).
const distinct = npmCommands.filter(
  (c, i) => npmCommands.findIndex((d) => d.command.text === c.command.text) === i,
);
// The shared plans the documented plan commands read (and the SARIF check's feature stack), waited for once.
prefetchPlans(
  ...new Set([
    ...distinct.flatMap(({ run }) =>
      run.script === "plan" && run.args.includes("--stack")
        ? [run.args[run.args.indexOf("--stack") + 1] ?? ""]
        : [],
    ),
    "feature-pr-123",
  ]),
);

describe("the npm run commands of README.md and docs/", () => {
  it("are found, in README.md and in docs/", () => {
    const files = new Set(npmCommands.map((c) => c.command.where.replace(/:\d+$/, "")));
    expect(files).toContain("README.md");
    expect([...files].filter((f) => f.startsWith("docs/")).length).toBeGreaterThanOrEqual(3);
    expect(distinct.filter((c) => c.run.script === "plan").length).toBeGreaterThanOrEqual(3);
    expect(distinct.filter((c) => c.run.script === "audit").length).toBeGreaterThanOrEqual(2);
  });

  it.each(npmCommands.map((c) => [`${c.command.text} (${c.command.where})`, c.run] as const))(
    "name a script of package.json and never redirect npm's output without -s: %s",
    (_name, run) => {
      expect(Object.keys(PACKAGE.scripts)).toContain(run.script);
      if (run.stdoutFile !== undefined) expect(run.silent, "`> file` needs `npm run -s`").toBe(true);
    },
  );
});

describe("the README's first screen", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");

  it("opens with the two set-up commands and the test command that .ci/run runs", () => {
    const first = commandsOf(readme, "README.md")
      .slice(0, 3)
      .map((c) => c.text);
    expect(first).toEqual(["npm ci", "npm run plan -- --stack prod", "npm test"]);
    const ci = readFileSync(join(ROOT, ".ci/run"), "utf8");
    expect(ci).toMatch(/^npm ci\b/m);
    expect(ci).toMatch(/^npm test\b/m);
    expect(readme.indexOf("npm run plan -- --stack prod")).toBeLessThan(1000);
  });

  it("stays short: at most 12 KB, the deep dives live in docs/", () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(12 * 1024);
  });
});

describe("each documented offline command, run once", () => {
  let cwd = "";
  let home = "";
  let validateSarif: (doc: unknown) => string | undefined = () => "not ready";
  beforeAll(() => {
    home = process.cwd();
    cwd = scratchCheckout(distinct.flatMap((c) => outputsOf(c.run)));
    process.chdir(cwd);
    validateSarif = sarifValidator();
  });
  afterAll(() => {
    process.chdir(home);
    rmSync(cwd, { recursive: true, force: true });
  });

  it.for(distinct.map((c) => [`${c.command.text} (${c.command.where})`, c] as const))(
    "%s",
    async ([, { command, run }], ctx) => {
      const helpOnly = run.script === "ops" && run.args.includes("--help");
      const skipped = SKIPPED[run.script];
      if (skipped && !helpOnly) return ctx.skip(skipped);
      for (const word of run.args)
        expect(word, "a command the test runs is literal: no <placeholder>, … or $VARIABLE").not.toMatch(
          /^<.*>$|…|\$/,
        );
      const result = helpOnly ? runProcess(command, cwd) : await runInProcess(run);
      expect(result.stderr, result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).not.toMatch(NPM_BANNER);
      if (run.stdoutFile !== undefined)
        // What `> file` would have written (the in-process runners return standard output).
        expect(result.stdout.trim()).not.toBe("");
      for (const file of outputsOf(run).filter((f) => f !== run.stdoutFile))
        expect(checkOutput(join(cwd, file), validateSarif), file).toBeUndefined();
    },
  );
});

describe("output excerpts (<!-- output of: … --> before a text block)", () => {
  const excerpts = documentedExcerpts(ROOT);
  it("include the README's plan of prod", () => {
    expect(
      excerpts.filter((e) => e.where.startsWith("README.md:")).map((e) => e.command.join(" ")),
    ).toContain("npm run -s plan -- --stack prod");
  });

  it.each(excerpts.map((e) => [`${e.command.join(" ")} (${e.where})`, e] as const))(
    "match the real output of %s",
    async (_name, excerpt) => {
      const run = npmRun(excerpt.command);
      if (!run) throw new Error(`${excerpt.where}: not an npm run command`);
      const result = await runInProcess(run);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(
        missingExcerptLine(excerpt.lines, result.stdout),
        "a line of the excerpt is not in the output",
      ).toBe(undefined);
    },
  );

  it("are checked line by line: a changed count is found", () => {
    const output = "Plan of stack prod\nTotals: 174 resources (23 components)\npassed";
    expect(
      missingExcerptLine(["Plan of stack …", "…", "Totals: 174 resources (23 components)"], output),
    ).toBe(undefined);
    expect(missingExcerptLine(["Totals: 175 resources (23 components)"], output)).toBe(
      "Totals: 175 resources (23 components)",
    );
    expect(missingExcerptLine(["passed", "Plan of stack …"], output)).toBe("Plan of stack …");
  });
});

describe("the SARIF check", () => {
  it("accepts the audit's SARIF of a plan with a violation and rejects a log that breaks the schema", async () => {
    const validateSarif = sarifValidator();
    const plan = await sharedPlan("feature-pr-123");
    const doc = renderJson(plan);
    const run = doc.deployment.resources.find((r) => r.type === "gcp:cloudrunv2/service:Service");
    if (!run) throw new Error("the feature plan has no Cloud Run service");
    run.inputs = { ...run.inputs, ingress: "INGRESS_TRAFFIC_ALL", iapEnabled: false };
    const dir = mkdtempSync(join(tmpdir(), "module6-sarif-"));
    const file = join(dir, "feature.json");
    writeFileSync(file, JSON.stringify(doc));
    const result = await audit([
      file,
      "--format",
      "sarif",
      "--config-file",
      join(ROOT, "Pulumi.staging.yaml"),
    ]);
    rmSync(dir, { recursive: true, force: true });
    expect(result.exitCode).toBe(1);
    const sarif = JSON.parse(result.stdout) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]?.results.map((r) => r.ruleId)).toContain("cloud-run-ingress-restricted");
    expect(validateSarif(sarif)).toBeUndefined();
    const broken = { ...sarif, runs: [{ ...sarif.runs[0], results: [{ level: "fatal", message: {} }] }] };
    expect(validateSarif(broken)).toMatch(/level should be equal to one of the allowed values/);
    expect(validateSarif({ runs: [] })).toMatch(/should have required property 'version'/);
  });
});
