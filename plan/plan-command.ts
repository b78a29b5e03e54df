/**
 * The plan command: runs the program for a stack offline, evaluates the policy pack against the plan and
 * renders the result (text, JSON or Markdown). `cli.ts` is its process entry point; tests call it in
 * process. Exit codes: 0 planned and no mandatory violation; 1 a mandatory policy is violated; 2 a config
 * or usage mistake (one clear message, no stack trace); anything else is a bug and throws.
 */
import { join, resolve } from "node:path";
import { Command, Option } from "commander";
import { allPolicies } from "../policies/all";
import { CliError } from "../cli-kit/cli-error";
import { parseCommandLine, type CliRun } from "../cli-kit/command";
import { prepareOutFile, writeOutFile } from "../cli-kit/files";
import { classifyFailure } from "../cli-kit/report";
import { evaluatePolicies, gateExitCode, PolicyConfigError } from "./policy-eval";
import { loadStackConfigFile } from "../stack-file/load";
import { loadPolicyConfigFile, validatePolicyConfig, withStackConfig } from "./policy-config";
import { renderViolationsMarkdown, renderViolationsText } from "./render-violations";
import { renderJson } from "./render-json";
import { renderMarkdown } from "./render-markdown";
import { renderText } from "./render-text";
import { runPlan, type PlanOptions, type PlanResult } from "./run";
import { startBase, type BasePlan } from "./review-base";
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from "./review-render";
import { review } from "./review-review";

const FORMATS = ["text", "json", "markdown"] as const;

function planProgram(): Command {
  return new Command("npm run -s plan --")
    .description(
      "Runs the Pulumi program for a stack under mocks (no CLI, network or credentials), prints every resource, " +
        "and evaluates the policy pack (policies/) against them: violations are listed by enforcement level.",
    )
    .addOption(
      new Option(
        "--stack <name>",
        "prod, staging or feature-<slug> (feature stacks are derived from Pulumi.staging.yaml)",
      ).makeOptionMandatory(),
    )
    .addOption(
      new Option(
        "--project <name>",
        "bootstrap: plan the bootstrap project (bootstrap/Pulumi.<stack>.yaml: staging or prod) instead of the program",
      ).choices(["bootstrap", "module6"]),
    )
    .addOption(
      new Option("--config-file <path>", "read config from this file instead of Pulumi.<stack>.yaml"),
    )
    .addOption(
      new Option(
        "--format <format>",
        "text: a tree by component, totals and service levels; json: a 'pulumi stack export' document; " +
          "markdown: a pull-request comment",
      )
        .choices(FORMATS)
        .default("text"),
    )
    .addOption(
      new Option(
        "--out <file>",
        "write the result to this file instead of standard output (its directory is created)",
      ).argParser((file) => prepareOutFile(file)),
    )
    .addOption(
      new Option(
        "--policy-config <file>",
        "policy pack configuration (JSON, as for pulumi preview --policy-pack-config); allowed-regions " +
          "follows the stack's module6:allowedRegions unless it sets them",
      ),
    )
    .addOption(
      new Option(
        "--policy-config-out <file>",
        "write the pack configuration used for this stack, for " +
          "'pulumi preview --policy-pack policies --policy-pack-config <file>'",
      ).argParser((file) => prepareOutFile(file, "--policy-config-out")),
    )
    .addOption(
      new Option(
        "--base <file-or-ref>",
        "change review: a plan JSON (from --format json) or a git ref (origin/main, a tag, a commit); the ref is " +
          "planned in a temporary worktree, then the two plans are compared: each resource as + create, ~ update, " +
          "+- replace, - delete (unchanged ones counted), the fields that force each replacement, and the policy " +
          "violations the change introduces (--format json: one entry per resource). A base plan of another stack " +
          "is a comparison of the two stacks (no data-loss gate)",
      ),
    )
    .addOption(
      new Option(
        "--allow-replace <urn-or-logical-name>",
        "acknowledge deleting or replacing this protected or stateful resource (repeatable); without it such a " +
          "change fails with exit 1",
      ).argParser((value: string, previous: string[] = []) => [...previous, value]),
    )
    .addHelpText(
      "after",
      `
Exit code 1 also when (with --base) data is at risk and not acknowledged with --allow-replace.

Examples:
  npm run -s plan -- --stack staging
  npm run -s plan -- --stack prod --format json --out prod-plan.json
  npm run -s plan -- --stack feature-pr-123 --format markdown --out plan-comment.md
  npm run -s plan -- --stack prod --base origin/main --format markdown --out diff-comment.md
  npm run -s plan -- --stack staging --base prod-plan.json
  npm run -s plan -- --project bootstrap --stack prod`,
    );
}

interface Args {
  stack: string;
  configFile?: string;
  format: (typeof FORMATS)[number];
  out?: string;
  policyConfig?: string;
  policyConfigOut?: string;
  base?: string;
  allowReplace: string[];
  project?: "bootstrap";
}

/** The parsed options, or the run to end with (`--help`, a usage mistake). */
function parse(argv: string[]): Args | CliRun {
  const program = planProgram();
  const done = parseCommandLine(program, argv);
  if (done) return done;
  const o = program.opts<{
    stack: string;
    project?: "bootstrap" | "module6";
    configFile?: string;
    format: Args["format"];
    out?: string;
    policyConfig?: string;
    policyConfigOut?: string;
    base?: string;
    allowReplace?: string[];
  }>();
  return {
    stack: o.stack,
    ...(o.project === "bootstrap" ? { project: "bootstrap" as const } : {}),
    format: o.format,
    ...(o.configFile ? { configFile: resolve(o.configFile) } : {}),
    ...(o.out ? { out: o.out } : {}),
    ...(o.policyConfig ? { policyConfig: resolve(o.policyConfig) } : {}),
    ...(o.policyConfigOut ? { policyConfigOut: o.policyConfigOut } : {}),
    ...(o.base !== undefined ? { base: o.base } : {}),
    allowReplace: o.allowReplace ?? [],
  };
}

/** What one plan command prints and its exit code. */
export type PlanCommandResult = CliRun;

export interface PlanCommandOptions {
  /** Repository root (where `Pulumi.yaml`, `index.ts` and the stack files are). */
  readonly root?: string;
  /** Plans a stack: {@link runPlan} unless a test hands it a plan it already has. */
  readonly runPlan?: (options: PlanOptions) => Promise<PlanResult>;
}

async function run(argv: string[], options: PlanCommandOptions): Promise<PlanCommandResult> {
  const args = parse(argv);
  if ("exitCode" in args) return args;
  const repoRoot = options.root ?? resolve(__dirname, "..");
  const root = args.project === "bootstrap" ? join(repoRoot, "bootstrap") : repoRoot;
  // The stack file first: a missing file or a plain-text secret is reported before anything is planned.
  const stackConfig = loadStackConfigFile(args.stack, root, args.configFile).config;
  if (args.base === "") throw new CliError("--base: give a plan JSON file or a git ref");
  if (args.base !== undefined && args.project !== undefined)
    throw new CliError(
      `--base: not supported with --project ${args.project} yet; plan the main program's stacks`,
    );
  // The base: a file is read (and refused) before anything is planned; a git ref is planned in a child
  // process while this process plans the current tree (two cores, about one plan's time).
  const abort = new AbortController();
  let basePlan: Promise<BasePlan> | undefined;
  if (args.base !== undefined) {
    basePlan = startBase(args.base, { root, stack: args.stack, signal: abort.signal });
    // Handled below; a failure of the current plan first must not leave it unhandled.
    basePlan.catch(() => undefined);
  }
  let plan: PlanResult;
  try {
    plan = await (options.runPlan ?? runPlan)({
      stack: args.stack,
      root,
      configFile: args.configFile,
      ...(args.project ? { project: args.project } : {}),
    });
  } catch (error) {
    abort.abort();
    await basePlan?.catch(() => undefined);
    throw error;
  }
  const doc = renderJson(plan);
  const policyConfig = validatePolicyConfig(
    withStackConfig(
      args.policyConfig ? loadPolicyConfigFile(args.policyConfig, allPolicies) : {},
      stackConfig,
    ),
    allPolicies,
  );
  if (args.policyConfigOut)
    writeOutFile(args.policyConfigOut, JSON.stringify(policyConfig, null, 2), "--policy-config-out");
  const kind = (plan.outputs.environment as { kind?: string } | undefined)?.kind;
  const violations = await evaluatePolicies(doc, {
    config: policyConfig,
    stackTags: kind ? { environment: kind } : {},
  });
  const context = { resources: plan.resources.filter((r) => r.custom).length, policies: allPolicies.length };
  if (basePlan !== undefined) {
    const base = await basePlan;
    const result = await review({
      current: doc,
      violations,
      base: base.doc,
      baseLabel: base.label,
      allow: args.allowReplace,
      policyOptions: { config: policyConfig, stackTags: kind ? { environment: kind } : {} },
    });
    const report = result.report;
    const text =
      args.format === "json"
        ? JSON.stringify(renderDiffJson(report), null, 2)
        : args.format === "markdown"
          ? renderDiffMarkdown(report)
          : renderDiffText(report);
    const notes = [
      ...result.unusedAllows.map(
        (a) => `warning: --allow-replace ${a}: no resource at risk has this URN or name`,
      ),
      ...(result.baseViolationsError
        ? [
            `warning: the base's policies could not be evaluated (${result.baseViolationsError}): every violation is listed as introduced`,
          ]
        : []),
    ];
    if (args.out) {
      writeOutFile(args.out, text);
      notes.push(`wrote ${args.out} (${report.diff.resources.length} resources compared)`);
    }
    const open = report.gate.filter((f) => !f.acknowledged).length;
    if (open)
      notes.push(`data at risk: ${open} deletion(s)/replacement(s) not acknowledged with --allow-replace`);
    const exitCode: 0 | 1 = open || gateExitCode(violations) === 1 ? 1 : 0;
    return { exitCode, stdout: args.out ? "" : text, stderr: notes.join("\n") };
  }
  let text: string;
  if (args.format === "json") text = JSON.stringify(doc, null, 2);
  else if (args.format === "markdown")
    text = `${renderMarkdown(plan)}\n\n${renderViolationsMarkdown(violations, context)}`;
  else text = `${renderText(plan)}\n\n${renderViolationsText(violations, context)}`;
  const stderr: string[] = [];
  let stdout = text;
  if (args.out) {
    writeOutFile(args.out, text);
    stderr.push(`wrote ${args.out} (${context.resources} resources)`);
    stdout = "";
  }
  // The gate: a mandatory violation fails the plan (exit 1). JSON keeps stdout a pure export document,
  // so its policy report goes to standard error, as does the one of a plan written with --out.
  if (args.format === "json" || args.out) stderr.push(renderViolationsText(violations, context));
  return { exitCode: gateExitCode(violations), stdout, stderr: stderr.join("\n") };
}

/**
 * Runs `npm run plan` with `argv` (the arguments after `--`). A user's mistake (bad options, an unreadable
 * or invalid stack or policy config) is exit code 2 with one message; anything else is a bug and throws.
 */
export async function planCommand(
  argv: string[],
  options: PlanCommandOptions = {},
): Promise<PlanCommandResult> {
  try {
    return await run(argv, options);
  } catch (error) {
    const known = classifyFailure(error, [
      (e) => (e instanceof PolicyConfigError ? { exitCode: 2, message: e.message } : undefined),
    ]);
    if (known === undefined) throw error;
    return { exitCode: known.exitCode, stdout: "", stderr: known.message ? `error: ${known.message}` : "" };
  }
}
