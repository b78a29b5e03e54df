/**
 * `npm run plan -- --stack <name> [--config-file <Pulumi.x.yaml>] [--format text|json] [--out <file>]`
 *
 * Plans the real program for a stack offline. Exit codes: 0 planned; 2 a config or usage mistake (one
 * clear message, no stack trace); anything else is a bug and keeps its trace.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ValidationError } from "../components/shared/validation";
import { CliError } from "./cli-error";
import { renderJson } from "./render-json";
import { renderMarkdown } from "./render-markdown";
import { renderText } from "./render-text";
import { runPlan } from "./run";

const USAGE = `Usage: npm run plan -- --stack <name> [options]

Runs the Pulumi program for a stack under mocks (no CLI, network or credentials) and prints every resource.

Options:
  --stack <name>          prod, staging or feature-<slug> (feature stacks are derived from Pulumi.staging.yaml)
  --config-file <path>    read config from this file instead of Pulumi.<stack>.yaml
  --format text|json|markdown
                          text: a tree by component, totals and service levels (default);
                          json: a 'pulumi stack export' document; markdown: a pull-request comment
  --out <file>            write the result to a file instead of standard output
  --help                  show this help

Examples:
  npm run plan -- --stack staging
  npm run plan -- --stack prod --format json --out prod-plan.json
  npm run plan -- --stack feature-pr-123`;

interface Args {
  stack: string;
  configFile?: string;
  format: "text" | "json" | "markdown";
  out?: string;
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
  return {
    stack: values.stack,
    format: values.format,
    ...(values["config-file"] ? { configFile: resolve(values["config-file"]) } : {}),
    ...(values.out ? { out: values.out } : {}),
  };
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (!args) {
    console.log(USAGE);
    return 0;
  }
  const plan = await runPlan({
    stack: args.stack,
    root: resolve(__dirname, ".."),
    configFile: args.configFile,
  });
  const text =
    args.format === "json"
      ? JSON.stringify(renderJson(plan), null, 2)
      : args.format === "markdown"
        ? renderMarkdown(plan)
        : renderText(plan);
  if (args.out) {
    writeFileSync(args.out, `${text}\n`);
    console.error(`wrote ${args.out} (${plan.resources.filter((r) => r.custom).length} resources)`);
  } else {
    // process.exit() would cut a large plan short when stdout is a pipe: wait until it is written.
    await new Promise<void>((resolve) => process.stdout.write(`${text}\n`, () => resolve()));
  }
  return 0;
}

function fail(error: unknown): never {
  if (error instanceof ValidationError || error instanceof CliError) {
    console.error(`error: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
}

// Pulumi records a stack trace for every resource it registers; with source maps on (tsx turns them on)
// each trace is mapped back to TypeScript, which costs more than the whole plan. The plan needs none.
process.setSourceMapsEnabled(false);
process.on("unhandledRejection", fail);
main().then((code) => process.exit(code), fail);
