/**
 * The audit command: evaluates the policy pack against a `pulumi stack export` document or a plan's JSON
 * and renders the report (text, JSON, Markdown or SARIF). `audit-cli.ts` is its process entry point.
 */
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { allPolicies } from "../policies/all";
import { readExportFile } from "./audit-input";
import { CliError } from "../stack-file/cli-error";
import {
  effectiveLevel,
  loadPolicyConfigFile,
  PolicyConfigError,
  stackPolicyInputs,
  withStackConfig,
  type PolicyConfig,
} from "./policy-config";
import { evaluatePolicies, gateExitCode } from "./policy-eval";
import { SourceIndex, stackOfUrn } from "./policy-sources";
import type { ExportResource } from "./render-json";
import { renderViolationsJson, renderViolationsMarkdown, renderViolationsText } from "./render-violations";
import { renderSarif } from "./sarif";

const FORMATS = ["text", "json", "markdown", "sarif"] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `Usage: npm run audit -- <file.json> [options]

Checks a 'pulumi stack export' document (or 'npm run plan -- --format json') against the module6 policy pack.

Options:
  --format text|json|markdown|sarif   report format (default text; markdown is a pull-request comment,
                                      sarif is SARIF 2.1.0 for code scanning)
  --policy-config <file>              policy settings and levels, as for 'pulumi preview --policy-pack-config'
                                      (JSON, or YAML for .yaml/.yml)
  --stack-tag key=value               a stack tag (repeatable); 'environment=prod|staging|feature' scopes the
                                      environment-aware policies when the resources carry no env label
  --config-file <Pulumi.x.yaml>       the stack's config (default: Pulumi.<stack>.yaml here, the stack read from
                                      the export's URNs): allowed-regions follows its module6:allowedRegions
                                      unless --policy-config sets them
  --preview                           treat '[unknown]' values as unknown during preview
  --help                              show this help

Exit codes: 0 clean or advisory violations only, 1 mandatory violations, 2 unreadable or malformed input.

Examples:
  npm run plan -- --stack prod --format json --out prod.json && npm run audit -- prod.json
  pulumi stack export --stack prod > prod.json && npm run audit -- prod.json --format sarif > policy.sarif`;

interface Args {
  readonly file: string;
  readonly format: Format;
  readonly policyConfig?: string;
  readonly configFile?: string;
  readonly stackTags: Record<string, string>;
  readonly preview: boolean;
}

function parse(argv: string[]): Args | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        format: { type: "string", default: "text" },
        "policy-config": { type: "string" },
        "config-file": { type: "string" },
        "stack-tag": { type: "string", multiple: true, default: [] },
        preview: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  if (positionals.length !== 1) {
    throw new CliError(`expected one export file, got ${positionals.length}\n\n${USAGE}`);
  }
  if (!FORMATS.includes(values.format as Format)) {
    throw new CliError(`--format: got "${values.format}"; allowed: ${FORMATS.join(", ")}`);
  }
  const stackTags: Record<string, string> = {};
  for (const tag of values["stack-tag"]) {
    const eq = tag.indexOf("=");
    if (eq <= 0) throw new CliError(`--stack-tag: got "${tag}"; expected key=value`);
    stackTags[tag.slice(0, eq)] = tag.slice(eq + 1);
  }
  return {
    file: positionals[0] ?? "",
    format: values.format as Format,
    ...(values["policy-config"] ? { policyConfig: values["policy-config"] } : {}),
    ...(values["config-file"] ? { configFile: values["config-file"] } : {}),
    stackTags,
    preview: values.preview,
  };
}

/** The stack config the pack follows, from `--config-file` or the stack's file here. */
function readStackInputs(stack: string | undefined, file: string | undefined): Record<string, string> {
  try {
    return stackPolicyInputs(process.cwd(), stack, file);
  } catch (error) {
    if (error instanceof PolicyConfigError) throw new CliError(error.message);
    throw error;
  }
}

function loadConfig(file: string | undefined): PolicyConfig | undefined {
  if (file === undefined) return undefined;
  try {
    return loadPolicyConfigFile(file, allPolicies);
  } catch (error) {
    if (error instanceof PolicyConfigError) throw new CliError(error.message);
    throw error;
  }
}

/** The stack an export is of: its root resource's URN (`urn:pulumi:<stack>::…`). */
function stackOf(resources: readonly ExportResource[]): string | undefined {
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack") ?? resources[0];
  return root ? stackOfUrn(root.urn) : undefined;
}

/** What one audit run prints and its exit code. */
export interface AuditResult {
  readonly exitCode: 0 | 1 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(argv: string[]): Promise<AuditResult> {
  const args = parse(argv);
  if (!args) return { exitCode: 0, stdout: USAGE, stderr: "" };
  const resources = readExportFile(args.file);
  const stack = stackOf(resources);
  const config = withStackConfig(
    loadConfig(args.policyConfig) ?? {},
    readStackInputs(stack, args.configFile),
  );
  const violations = await evaluatePolicies(resources, {
    config,
    stackTags: args.stackTags,
    preview: args.preview,
  });
  const ctx = {
    resources: resources.filter((r) => r.custom && !r.type.startsWith("pulumi:")).length,
    policies: allPolicies.filter((p) => effectiveLevel(p, config) !== "disabled").length,
  };
  const artifact = relative(process.cwd(), resolve(args.file));
  const sources = args.format === "sarif" ? new SourceIndex(process.cwd(), stack, artifact) : undefined;
  const out =
    args.format === "json"
      ? JSON.stringify(renderViolationsJson(violations, ctx), null, 2)
      : args.format === "sarif"
        ? JSON.stringify(
            renderSarif(violations, {
              artifact,
              ...(stack ? { stack } : {}),
              ...(sources ? { locate: (urn: string) => sources.locate(urn) } : {}),
            }),
            null,
            2,
          )
        : args.format === "markdown"
          ? renderViolationsMarkdown(violations, ctx)
          : renderViolationsText(violations, ctx);
  return { exitCode: gateExitCode(violations), stdout: out, stderr: "" };
}

/**
 * Runs `npm run audit` with `argv` (the arguments after `--`). A user's mistake (unreadable or malformed
 * input or config, bad options) is exit code 2 with one message; anything else is a bug and throws.
 */
export async function audit(argv: string[]): Promise<AuditResult> {
  try {
    return await run(argv);
  } catch (error) {
    if (error instanceof CliError) return { exitCode: 2, stdout: "", stderr: `error: ${error.message}` };
    throw error;
  }
}
