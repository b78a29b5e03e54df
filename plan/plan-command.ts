/**
 * The plan command: runs the program for a stack offline, evaluates the policy pack against the plan and
 * renders the result (text, JSON or Markdown). `cli.ts` is its process entry point; tests call it in
 * process. Exit codes: 0 planned and no mandatory violation; 1 a mandatory policy is violated; 2 a config
 * or usage mistake (one clear message, no stack trace); anything else is a bug and throws.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ValidationError } from "../components/shared/validation";
import { allPolicies } from "../policies/all";
import { CliError } from "../stack-file/cli-error";
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

const USAGE = `Usage: npm run plan -- --stack <name> [options]

Runs the Pulumi program for a stack under mocks (no CLI, network or credentials), prints every resource,
and evaluates the policy pack against them.

Exit codes: 0 planned and no mandatory violation; 1 a mandatory policy is violated, or (with --base) data is
at risk and not acknowledged; 2 a config or usage mistake (also: --base is neither a plan file nor a git ref).

Options:
  --stack <name>          prod, staging or feature-<slug> (feature stacks are derived from Pulumi.staging.yaml)
  --project bootstrap     plan the bootstrap project (bootstrap/Pulumi.<stack>.yaml: staging or prod)
                          instead of the program
  --config-file <path>    read config from this file instead of Pulumi.<stack>.yaml
  --format text|json|markdown
                          text: a tree by component, totals and service levels (default);
                          json: a 'pulumi stack export' document; markdown: a pull-request comment
  --out <file>            write the result to a file instead of standard output
  --policy-config <file>  policy pack configuration (JSON, as for pulumi preview --policy-pack-config);
                          allowed-regions follows the stack's module6:allowedRegions unless it sets them
  --policy-config-out <file>
                          write the pack configuration used for this stack, for
                          'pulumi preview --policy-pack policies --policy-pack-config <file>'

The policy pack (policies/) is evaluated against the plan: violations are listed by enforcement level,
and the exit code is 1 when a mandatory policy is violated.

Change review (what this change will do, against a base):
  --base <file-or-ref>    a plan JSON (from --format json) or a git ref (origin/main, a tag, a commit): the ref
                          is planned in a temporary worktree, then the two plans are compared. Prints each
                          resource as + create, ~ update, +- replace, - delete (unchanged ones counted), the
                          fields that force each replacement, and the policy violations the change introduces.
                          --format json: one entry per resource. A base plan of another stack (a prod plan with
                          --stack staging) is a comparison of the two stacks (no data-loss gate).
  --allow-replace <urn-or-logical-name>
                          acknowledge deleting or replacing this protected or stateful resource (repeatable);
                          without it such a change fails with exit 1
  --help                  show this help

Examples:
  npm run plan -- --stack staging
  npm run plan -- --stack prod --format json --out prod-plan.json
  npm run plan -- --stack feature-pr-123
  npm run plan -- --stack prod --base origin/main --format markdown --out diff.md
  npm run plan -- --stack staging --base prod-plan.json
  npm run plan -- --project bootstrap --stack prod`;

interface Args {
  stack: string;
  configFile?: string;
  format: "text" | "json" | "markdown";
  out?: string;
  policyConfig?: string;
  policyConfigOut?: string;
  base?: string;
  allowReplace: string[];
  project?: "bootstrap";
}

function parse(argv: string[]): Args | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string" },
        "config-file": { type: "string" },
        format: { type: "string", default: "text" },
        out: { type: "string" },
        "policy-config": { type: "string" },
        "policy-config-out": { type: "string" },
        base: { type: "string" },
        "allow-replace": { type: "string", multiple: true, default: [] },
        project: { type: "string" },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return undefined;
  if (!values.stack) throw new CliError(`--stack is required\n\n${USAGE}`);
  if (values.format !== "text" && values.format !== "json" && values.format !== "markdown") {
    throw new CliError(`--format: got "${values.format}"; allowed: text, json, markdown`);
  }
  if (values.project !== undefined && values.project !== "bootstrap" && values.project !== "module6") {
    throw new CliError(`--project: got "${values.project}"; allowed: bootstrap, module6 (the default)`);
  }
  return {
    stack: values.stack,
    ...(values.project === "bootstrap" ? { project: "bootstrap" as const } : {}),
    format: values.format,
    ...(values["config-file"] ? { configFile: resolve(values["config-file"]) } : {}),
    ...(values.out ? { out: values.out } : {}),
    ...(values["policy-config"] ? { policyConfig: resolve(values["policy-config"]) } : {}),
    ...(values["policy-config-out"] ? { policyConfigOut: values["policy-config-out"] } : {}),
    ...(values.base !== undefined ? { base: values.base } : {}),
    allowReplace: values["allow-replace"],
  };
}

/** What one plan command prints and its exit code. */
export interface PlanCommandResult {
  readonly exitCode: 0 | 1 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

export interface PlanCommandOptions {
  /** Repository root (where `Pulumi.yaml`, `index.ts` and the stack files are). */
  readonly root?: string;
  /** Plans a stack: {@link runPlan} unless a test hands it a plan it already has. */
  readonly runPlan?: (options: PlanOptions) => Promise<PlanResult>;
}

async function run(argv: string[], options: PlanCommandOptions): Promise<PlanCommandResult> {
  const args = parse(argv);
  if (!args) return { exitCode: 0, stdout: USAGE, stderr: "" };
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
  if (args.policyConfigOut) writeFileSync(args.policyConfigOut, `${JSON.stringify(policyConfig, null, 2)}\n`);
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
      writeFileSync(args.out, `${text}\n`);
      notes.push(`wrote ${args.out} (${report.diff.resources.length} resources compared)`);
    }
    const open = report.gate.filter((f) => !f.acknowledged).length;
    if (open)
      notes.push(`data at risk: ${open} deletion(s)/replacement(s) not acknowledged with --allow-replace`);
    const exitCode = Math.max(gateExitCode(violations), open ? 1 : 0) as 0 | 1;
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
    writeFileSync(args.out, `${text}\n`);
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
    if (error instanceof ValidationError || error instanceof CliError || error instanceof PolicyConfigError)
      return { exitCode: 2, stdout: "", stderr: `error: ${error.message}` };
    throw error;
  }
}
