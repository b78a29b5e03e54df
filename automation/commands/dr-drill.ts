/**
 * `dr drill --env prod --collection users=100 …`: restores the newest Firestore backup of an environment
 * into a scratch database through a temporary stack of the DR program, counts documents in the listed
 * collections, measures the time to restore against the target (1 hour), and destroys the stack — also
 * when the restore or the verification fails. Prints a report; exits non-zero on any failure.
 */
import { Command, Option } from "commander";
import { examples, runAction, type CommandDeps } from "./wiring";
import { withSignal, type OpsContext } from "../context/context";
import { engineOperation } from "../context/operation";
import { durationParser, parseCollectionCheck, type CollectionCheck } from "./option-parsers";
import { DR_CONFIG, drillNames } from "../dr/contract";
import { renderDrillReport, type CollectionResult, type DrillReport } from "../dr/report";
import { policyPackOptions, resolvePolicyPacks } from "./policy-pack";
import { CancelledError, CliError, messageOf, OperationError, usageError } from "../core/errors";
import type { BackupCatalog } from "../context/firestore";
import type { Automation } from "../pulumi/automation";
import { withLockRetry } from "../pulumi/retry";

const HOUR = 3_600_000;

export interface DrDrillOptions {
  readonly env: "prod" | "staging";
  readonly collection: readonly CollectionCheck[];
  readonly database?: string;
  readonly target: number;
  readonly policyPack?: string | false;
}

export function drDrillCommand(deps: CommandDeps): Command {
  const command = new Command("drill")
    .description("restore the newest Firestore backup into a scratch database, verify it, time it, clean up")
    .addOption(
      new Option("--env <stack>", "the environment whose backup is restored")
        .choices(["prod", "staging"])
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        "--collection <name[=min]>",
        "a collection that must hold at least min documents (default 1); repeatable",
      )
        .argParser(parseCollectionCheck)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        "--database <id>",
        "the source database (default: the environment's firestoreDatabase output)",
      ),
    )
    .addOption(
      new Option("--target <duration>", "the time-to-restore objective")
        .default(HOUR, "1h")
        .argParser(durationParser(60_000, 24 * HOUR)),
    )
    .addHelpText(
      "after",
      examples(
        "npm run ops -- dr drill --env prod --collection users=100 --collection documents",
        "npm run -s ops -- --json dr drill --env staging --collection documents --target 30m",
      ),
    );
  for (const option of policyPackOptions()) command.addOption(option);
  return runAction(command, deps, runDrDrill);
}

/** The source: project and Firestore location from the environment's stack file, the database from its outputs. */
async function source(ctx: OpsContext, options: DrDrillOptions) {
  const { loadStackConfigFile } = await import("../../stack-file/load");
  const config = loadStackConfigFile(options.env, ctx.root).config;
  const project = config["module6:gcpProject"];
  const firestore = JSON.parse(config["module6:firestore"] ?? "null") as { location?: string } | null;
  if (project === undefined || firestore?.location === undefined)
    throw usageError(`stack ${options.env} has no Firestore database (module6:firestore) to restore`);
  let database = options.database;
  if (database === undefined) {
    const infra = await ctx.automation("infra");
    const output = (await infra.outputs(options.env)).firestoreDatabase;
    if (typeof output !== "string" || output === "")
      throw new OperationError(`stack ${options.env} exports no firestoreDatabase; pass --database <id>`);
    database = output;
  }
  return { project, location: firestore.location, database };
}

async function verify(
  ctx: OpsContext,
  project: string,
  database: string,
  checks: readonly CollectionCheck[],
): Promise<CollectionResult[]> {
  const verifier = await ctx.verifier();
  const results: CollectionResult[] = [];
  for (const check of checks) {
    try {
      const count = await verifier.countDocuments({ project, database, collection: check.collection });
      results.push({ ...check, count, ok: count >= check.min });
    } catch (error) {
      results.push({ ...check, ok: false, error: messageOf(error) });
    }
  }
  return results;
}

/** Destroys and removes the drill's stack even after Ctrl-C (with a signal of its own). */
async function cleanup(ctx: OpsContext, dr: Automation, stack: string): Promise<string | undefined> {
  const calm = withSignal(ctx, new AbortController().signal);
  try {
    await engineOperation(calm, dr, stack, "destroy", (options) =>
      dr.destroy(stack, { ...options, message: "dr drill cleanup" }),
    );
    await withLockRetry(stack, () => dr.removeStack(stack), { sleep: ctx.sleep, policy: ctx.retry });
    return undefined;
  } catch (error) {
    return messageOf(error);
  }
}

export async function runDrDrill(ctx: OpsContext, options: DrDrillOptions): Promise<number> {
  const started = ctx.clock();
  const names = drillNames(options.env, started);
  const policyPacks = resolvePolicyPacks(ctx.root, options.policyPack, ctx.out);
  const empty = {
    env: options.env,
    stack: names.stack,
    sourceDatabase: "",
    scratchDatabase: "",
    targetSeconds: options.target / 1000,
    withinTarget: false,
    collections: [],
    cleanup: "not-needed" as const,
    passed: false,
  };
  // Everything Google must answer is asked before anything is created; whatever fails, a report is printed.
  let project: string;
  let location: string;
  let database: string;
  let backup: Awaited<ReturnType<BackupCatalog["newestBackup"]>>;
  try {
    ({ project, location, database } = await source(ctx, options));
    backup = await (await ctx.backups()).newestBackup({ project, location, database });
    if (backup !== undefined) await (await ctx.verifier()).checkAccess({ project, database });
  } catch (error) {
    if (error instanceof CliError) throw error;
    return finish(ctx, { ...empty, error: `before anything was restored: ${messageOf(error)}` });
  }
  const elapsed = () => (ctx.clock().getTime() - started.getTime()) / 1000;
  const base = {
    env: options.env,
    stack: names.stack,
    sourceDatabase: `projects/${project}/databases/${database}`,
    scratchDatabase: `projects/${project}/databases/${names.database}`,
    targetSeconds: options.target / 1000,
  };
  if (backup === undefined) {
    return finish(ctx, {
      ...base,
      withinTarget: false,
      collections: [],
      error: `no ready backup of ${base.sourceDatabase} in ${location}`,
      cleanup: "not-needed",
      passed: false,
    });
  }

  let created = false;
  let restoreSeconds: number | undefined;
  let collections: CollectionResult[] = [];
  let error: string | undefined;
  let cancelled: CancelledError | undefined;
  let dr: Automation | undefined;
  try {
    dr = await ctx.automation("dr", { createsStacks: true });
    const drStack = dr;
    await withLockRetry(names.stack, () => drStack.ensureStack(names.stack), {
      sleep: ctx.sleep,
      policy: ctx.retry,
      signal: ctx.signal,
    });
    created = true;
    await dr.setConfig(names.stack, {
      [DR_CONFIG.project]: project,
      [DR_CONFIG.backup]: backup.name,
      [DR_CONFIG.database]: names.database,
    });
    await dr.setTags(names.stack, { "module6:kind": "dr-drill", "module6:env": options.env });
    const restoreStart = ctx.clock();
    await engineOperation(ctx, dr, names.stack, "restore", (operation) =>
      drStack.up(names.stack, { ...operation, policyPacks, message: `dr drill: restore ${backup.name}` }),
    );
    restoreSeconds = (ctx.clock().getTime() - restoreStart.getTime()) / 1000;
    collections = await verify(ctx, project, names.database, options.collection);
  } catch (caught) {
    if (caught instanceof CancelledError) cancelled = caught;
    error = messageOf(caught);
  }
  const timeToRestoreSeconds = error === undefined ? elapsed() : undefined;
  const cleanupError = created && dr ? await cleanup(ctx, dr, names.stack) : undefined;
  const withinTarget = timeToRestoreSeconds !== undefined && timeToRestoreSeconds * 1000 <= options.target;
  const verified = collections.length > 0 && collections.every((c) => c.ok);
  const code = finish(ctx, {
    ...base,
    backup: backup.name,
    snapshotTime: backup.snapshotTime.toISOString(),
    ...(restoreSeconds !== undefined ? { restoreSeconds } : {}),
    ...(timeToRestoreSeconds !== undefined ? { timeToRestoreSeconds } : {}),
    withinTarget,
    collections,
    ...(error !== undefined ? { error } : {}),
    cleanup: !created ? "not-needed" : cleanupError === undefined ? "destroyed" : "failed",
    ...(cleanupError !== undefined ? { cleanupError } : {}),
    passed: error === undefined && verified && withinTarget && cleanupError === undefined,
  });
  if (cancelled) throw cancelled;
  return code;
}

function finish(ctx: OpsContext, report: DrillReport): number {
  ctx.out.result(renderDrillReport(report), report);
  return report.passed ? 0 : 1;
}
