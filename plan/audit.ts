/**
 * The audit command: evaluates the policy pack against a `pulumi stack export` document or a plan's JSON
 * and renders the report (text, JSON, Markdown or SARIF). `audit-cli.ts` is its process entry point.
 */
import { relative, resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { allPolicies } from "../policies/all";
import { readExportFile } from "./audit-input";
import { CliError } from "../cli-kit/cli-error";
import { parseCommandLine, type CliRun } from "../cli-kit/command";
import { prepareOutFile, writeOutFile } from "../cli-kit/files";
import { classifyFailure } from "../cli-kit/report";
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

/** `key=value`, repeatable. */
function parseStackTag(tag: string, previous: Readonly<Record<string, string>> = {}): Record<string, string> {
  const eq = tag.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError("expected key=value, e.g. environment=prod.");
  return { ...previous, [tag.slice(0, eq)]: tag.slice(eq + 1) };
}

function auditProgram(): Command {
  return new Command("npm run -s audit --")
    .description(
      "Checks a 'pulumi stack export' document (or 'npm run plan -- --format json') against the module6 policy pack.",
    )
    .argument("<file.json>", "the export or plan JSON to check")
    .addOption(
      new Option(
        "--format <format>",
        "report format: markdown is a pull-request comment, sarif is SARIF 2.1.0 for code scanning",
      )
        .choices(FORMATS)
        .default("text"),
    )
    .addOption(
      new Option(
        "--out <file>",
        "write the report to this file instead of standard output (its directory is created)",
      ).argParser((file) => prepareOutFile(file)),
    )
    .addOption(
      new Option(
        "--policy-config <file>",
        "policy settings and levels, as for 'pulumi preview --policy-pack-config' (JSON, or YAML for .yaml/.yml)",
      ),
    )
    .addOption(
      new Option(
        "--stack-tag <key=value>",
        "a stack tag (repeatable); 'environment=prod|staging|feature' scopes the environment-aware policies " +
          "when the resources carry no env label",
      ).argParser(parseStackTag),
    )
    .addOption(
      new Option(
        "--config-file <Pulumi.x.yaml>",
        "the stack's config (default: Pulumi.<stack>.yaml here, the stack read from the export's URNs): " +
          "allowed-regions follows its module6:allowedRegions unless --policy-config sets them",
      ),
    )
    .addOption(new Option("--preview", "treat '[unknown]' values as unknown during preview"))
    .addOption(
      new Option(
        "--allow-empty",
        "accept an input with no resources (by default refused: a merge gate must not pass on nothing)",
      ),
    )
    .addHelpText(
      "after",
      `
Examples:
  npm run -s plan -- --stack prod --format json --out prod-plan.json && npm run -s audit -- prod-plan.json
  pulumi stack export --stack prod --file prod.json && npm run -s audit -- prod.json --format sarif --out policy.sarif`,
    );
}

interface Args {
  readonly file: string;
  readonly format: Format;
  readonly out?: string;
  readonly policyConfig?: string;
  readonly configFile?: string;
  readonly stackTags: Record<string, string>;
  readonly preview: boolean;
  readonly allowEmpty: boolean;
}

/** The parsed options, or the run to end with (`--help`, a usage mistake). */
function parse(argv: string[]): Args | CliRun {
  const program = auditProgram();
  const done = parseCommandLine(program, argv);
  if (done) return done;
  const o = program.opts<{
    format: Format;
    out?: string;
    policyConfig?: string;
    configFile?: string;
    stackTag?: Record<string, string>;
    preview?: boolean;
    allowEmpty?: boolean;
  }>();
  return {
    file: program.args[0] ?? "",
    format: o.format,
    ...(o.out ? { out: o.out } : {}),
    ...(o.policyConfig ? { policyConfig: o.policyConfig } : {}),
    ...(o.configFile ? { configFile: o.configFile } : {}),
    stackTags: o.stackTag ?? {},
    preview: o.preview ?? false,
    allowEmpty: o.allowEmpty ?? false,
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
export type AuditResult = CliRun;

async function run(argv: string[]): Promise<AuditResult> {
  const args = parse(argv);
  if ("exitCode" in args) return args;
  const resources = readExportFile(args.file, { allowEmpty: args.allowEmpty });
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
  if (args.out === undefined) return { exitCode: gateExitCode(violations), stdout: out, stderr: "" };
  writeOutFile(args.out, out);
  return {
    exitCode: gateExitCode(violations),
    stdout: "",
    stderr: `wrote ${args.out}\n${renderViolationsText(violations, ctx)}`,
  };
}

/**
 * Runs `npm run audit` with `argv` (the arguments after `--`). A user's mistake (unreadable or malformed
 * input or config, bad options) is exit code 2 with one message; anything else is a bug and throws.
 */
export async function audit(argv: string[]): Promise<AuditResult> {
  try {
    return await run(argv);
  } catch (error) {
    const known = classifyFailure(error);
    if (known === undefined) throw error;
    return { exitCode: known.exitCode, stdout: "", stderr: known.message ? `error: ${known.message}` : "" };
  }
}
