/**
 * Builds plan/diff/replacement-table.json: for every resource of the providers this program uses (all
 * of them, not only the ones planned today), the Pulumi input paths whose change replaces the resource.
 *
 * Reads local checkouts only (no network):
 *   node --import tsx plan/diff/generate/generate-replacement-table.ts \
 *     --gcp-upstream <terraform-provider-google-beta> --gcp-pulumi <pulumi-gcp> [--gcp-sdk node_modules/@pulumi/gcp] \
 *     --random-upstream <terraform-provider-random> --random-pulumi <pulumi-random> [--random-sdk …] \
 *     --time-upstream <terraform-provider-time> --time-pulumi <pulumi-time> [--time-sdk …] \
 *     [--out plan/diff/replacement-table.json]
 *
 * Each checkout must be a git working tree at the commit the Pulumi SDK was built from (the table
 * records `git rev-parse HEAD` and `git describe`). A Pulumi checkout needs only `provider/*.go`,
 * `provider/go.mod` and the bridge metadata file (a sparse checkout is enough). The SDK defaults to the
 * installed package under node_modules, else the Pulumi checkout's `sdk/nodejs`.
 * How to make the checkouts and which commits match @pulumi/gcp: docs in plan/diff/README.md.
 *
 * Exit codes: 0 written; 2 a usage mistake or a checkout that is missing or not a git working tree.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { GoModule } from "./go-eval";
import { frameworkResources, googleResources } from "./provider-resources";
import { readPulumiProvider } from "./pulumi-provider-info";
import { buildEntry, tokenFor, type BuildNotes, type TableEntry } from "./table-builder";
import type { TfResource } from "./terraform-schema";

interface ProviderSpec {
  readonly id: string;
  readonly resourcePrefix: string;
  readonly upstreamRepo: string;
  readonly pulumiRepo: string;
  readonly metadata: string;
  readonly sdkPackage: string;
  readonly read: (mod: GoModule) => TfResource[];
}

const PROVIDERS: readonly ProviderSpec[] = [
  {
    id: "gcp",
    resourcePrefix: "google",
    upstreamRepo: "hashicorp/terraform-provider-google-beta",
    pulumiRepo: "pulumi/pulumi-gcp",
    metadata: "provider/cmd/pulumi-resource-gcp/bridge-metadata.json",
    sdkPackage: "@pulumi/gcp",
    read: (mod) => googleResources(mod, "google-beta/services"),
  },
  {
    id: "random",
    resourcePrefix: "random",
    upstreamRepo: "hashicorp/terraform-provider-random",
    pulumiRepo: "pulumi/pulumi-random",
    metadata: "provider/cmd/pulumi-resource-random/bridge-metadata.json",
    sdkPackage: "@pulumi/random",
    read: (mod) => frameworkResources(mod, "internal/provider", "random"),
  },
  {
    id: "time",
    resourcePrefix: "time",
    upstreamRepo: "hashicorp/terraform-provider-time",
    pulumiRepo: "pulumiverse/pulumi-time",
    metadata: "provider/cmd/pulumi-resource-time/bridge-metadata.json",
    sdkPackage: "@pulumiverse/time",
    read: (mod) => frameworkResources(mod, "internal/provider", "time"),
  },
];

const ROOT = resolve(__dirname, "../../..");

class UsageError extends Error {}

function git(dir: string, ...args: string[]): string {
  try {
    return execFileSync("git", ["-C", dir, ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } catch {
    throw new UsageError(`${dir} is not a git working tree (git ${args.join(" ")} failed)`);
  }
}

function provenance(dir: string, repository: string) {
  return {
    repository,
    commit: git(dir, "rev-parse", "HEAD"),
    describe: git(dir, "describe", "--tags", "--always"),
  };
}

function compact(entry: TableEntry): Record<string, unknown> {
  const out: Record<string, unknown> = { tf: entry.tf, kind: entry.kind };
  if (entry.replace.length > 0) out.replace = entry.replace;
  if (entry.blocks.length > 0) out.blocks = entry.blocks;
  if (entry.conditional.length > 0) out.conditional = entry.conditional;
  if (entry.deleteBeforeReplace) out.deleteBeforeReplace = true;
  return out;
}

async function main(argv: string[]): Promise<void> {
  const options: Record<string, { type: "string" }> = { out: { type: "string" } };
  for (const p of PROVIDERS)
    for (const k of ["upstream", "pulumi", "sdk"]) options[`${p.id}-${k}`] = { type: "string" };
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true }) as {
      values: Record<string, string | undefined>;
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const out = resolve(values.out ?? join(ROOT, "plan/diff/replacement-table.json"));
  const resources: Record<string, Record<string, unknown>> = {};
  const providers: Record<string, unknown> = {};
  const notes: BuildNotes & { sdkOnly: string[] } = {
    unmapped: [],
    noInput: [],
    shape: [],
    unresolved: [],
    sdkOnly: [],
  };

  for (const spec of PROVIDERS) {
    const upstream = values[`${spec.id}-upstream`];
    const pulumiDir = values[`${spec.id}-pulumi`];
    if (upstream === undefined || pulumiDir === undefined)
      throw new UsageError(`--${spec.id}-upstream and --${spec.id}-pulumi are required`);
    for (const dir of [upstream, pulumiDir])
      if (!existsSync(dir)) throw new UsageError(`${dir} does not exist`);
    const installed = join(ROOT, "node_modules", spec.sdkPackage);
    const sdkDir =
      values[`${spec.id}-sdk`] ?? (existsSync(installed) ? installed : join(pulumiDir, "sdk/nodejs"));
    // Loaded once the arguments are checked: the TypeScript compiler and Prettier take about a second to load,
    // which a usage mistake should not wait for.
    const { PulumiSdkTypes } = await import("./pulumi-sdk-types");
    const sdk = new PulumiSdkTypes(sdkDir);
    const started = Date.now();
    const mod = new GoModule(upstream);
    const tf = spec.read(mod);
    for (const file of mod.filesAssigningForceNew())
      notes.unresolved.push(`${spec.id}: ${file} sets ForceNew in code (not followed): check by hand`);
    const info = readPulumiProvider(pulumiDir, spec.metadata);
    const kinds: Record<string, number> = {};
    const tokens = new Set<string>();
    // Pairs (Terraform resource, token): every token of the bridge metadata (a `<name>_legacy` entry is
    // an alias class with the schema of `<name>`), then resources newer than the metadata.
    const byName = new Map(tf.map((r) => [r.name, r]));
    const pairs: [TfResource, string][] = [];
    for (const [name, token] of info.tokens) {
      const res = byName.get(name) ?? byName.get(name.replace(/_legacy$/, ""));
      if (res !== undefined) pairs.push([res, token]);
    }
    for (const res of tf) {
      if (info.tokens.has(res.name)) continue;
      const token = tokenFor(res.name, info, spec.id, spec.resourcePrefix);
      if (token === undefined) notes.unmapped.push(res.name);
      else pairs.push([res, token]);
    }
    for (const [res, token] of pairs) {
      const args = sdk.args(token);
      if (args === undefined) {
        notes.unmapped.push(`${res.name} (${token})`);
        continue;
      }
      tokens.add(token);
      resources[token] = compact(buildEntry(res, token, args, sdk, info, notes));
      kinds[res.kind] = (kinds[res.kind] ?? 0) + 1;
    }
    for (const token of sdk.tokens()) if (!tokens.has(token)) notes.sdkOnly.push(token);
    const sdkVersion = sdk.version();
    providers[spec.id] = {
      upstream: provenance(upstream, spec.upstreamRepo),
      pulumi: { ...provenance(pulumiDir, spec.pulumiRepo), file: spec.metadata },
      sdk: {
        package: spec.sdkPackage,
        version: /^\d/.test(sdkVersion) ? sdkVersion : git(pulumiDir, "describe", "--tags", "--always"),
        from: sdkDir.startsWith(ROOT) ? sdkDir.slice(ROOT.length + 1) : `${spec.pulumiRepo} sdk/nodejs`,
      },
      resources: tokens.size,
      kinds,
    };
    console.error(
      `${spec.id}: ${tokens.size} resources from ${tf.length} Terraform resources in ${Date.now() - started} ms`,
    );
  }

  const sorted: Record<string, Record<string, unknown>> = {};
  for (const token of Object.keys(resources).sort()) sorted[token] = resources[token] ?? {};
  const table = {
    description:
      "Input paths whose change makes Pulumi replace a resource, per type token. Generated by plan/diff/generate/generate-replacement-table.ts from the providers' own schemas; do not edit. Notation and semantics: plan/diff/replacement.ts.",
    providers,
    notes: Object.fromEntries(Object.entries(notes).map(([k, v]) => [k, [...(v as string[])].sort()])),
    resources: sorted,
  };
  const { format, resolveConfig } = await import("prettier");
  const config = (await resolveConfig(out)) ?? {};
  writeFileSync(out, await format(JSON.stringify(table), { ...config, parser: "json", filepath: out }));
  const size = readFileSync(out).length;
  console.error(`wrote ${out} (${Object.keys(sorted).length} resources, ${size} bytes)`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`error: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(3);
});
