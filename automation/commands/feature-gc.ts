/**
 * `feature gc [--closed <n,…>] [--closed-file <file>] [--dry-run]`: destroys feature environments whose
 * pull request is closed or whose expiry has passed. The closed pull requests are an input (CI asks
 * GitHub), so the command stays offline-testable. It carries on past a failed stack and reports every
 * failure at the end with a non-zero exit.
 */
import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { examples, runAction, type CommandDeps } from "./wiring";
import type { OpsContext } from "../context/context";
import { table } from "../context/output";
import { durationParser, parsePrList } from "./option-parsers";
import { CancelledError, messageOf, usageError } from "../core/errors";
import type { GcDecision } from "../feature/gc-decision";
import { DEFAULT_TTL_MS } from "./feature-up";

export interface FeatureGcOptions {
  readonly closed?: readonly number[];
  readonly closedFile?: string;
  readonly dryRun?: boolean;
  readonly defaultTtl: number;
}

export function featureGcCommand(deps: CommandDeps): Command {
  const command = new Command("gc")
    .description("destroy feature environments that expired or whose pull request is closed")
    .addOption(
      new Option(
        "--closed <numbers>",
        "closed or merged pull requests, comma-separated (repeatable)",
      ).argParser(parsePrList),
    )
    .addOption(
      new Option(
        "--closed-file <file>",
        "closed pull requests from a file: a JSON array of numbers or of {number} (gh pr list --json number)",
      ),
    )
    .addOption(new Option("--dry-run", "print what would be destroyed, destroy nothing"))
    .addOption(
      new Option("--default-ttl <duration>", "lifetime of an environment without an expiry tag")
        .default(DEFAULT_TTL_MS, "72h")
        .argParser(durationParser(3_600_000, 90 * 86_400_000)),
    )
    .addHelpText(
      "after",
      examples(
        "npm run ops -- feature gc --dry-run",
        "gh pr list --state closed --limit 200 --json number > closed.json && npm run ops -- feature gc --closed-file closed.json",
        "npm run ops -- feature gc --closed 120,121",
      ),
    );
  return runAction(command, deps, runFeatureGc);
}

/** Pull request numbers from a file: `[12, 15]`, `[{"number": 12}]` or numbers separated by spaces. */
export function parseClosedFile(text: string, path: string): number[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw usageError(`--closed-file ${path}: not valid JSON (${messageOf(error)})`);
    }
    const numbers = (parsed as unknown[]).map((item) =>
      typeof item === "object" && item !== null ? (item as { number?: unknown }).number : item,
    );
    if (!numbers.every((n): n is number => Number.isInteger(n) && (n as number) > 0))
      throw usageError(`--closed-file ${path}: expected pull request numbers or objects with a "number"`);
    return numbers;
  }
  const parts = trimmed.split(/[\s,]+/);
  if (!parts.every((p) => /^[1-9]\d*$/.test(p)))
    throw usageError(
      `--closed-file ${path}: expected pull request numbers separated by spaces, commas or lines`,
    );
  return parts.map(Number);
}

function readClosedFile(path: string): number[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw usageError(`--closed-file: cannot read ${path}: ${messageOf(error)}`);
  }
  return parseClosedFile(text, path);
}

interface GcResult extends GcDecision {
  readonly result?: "destroyed" | "removed" | "absent" | "skipped" | "failed" | "would-destroy";
  readonly error?: string;
}

export async function runFeatureGc(ctx: OpsContext, options: FeatureGcOptions): Promise<number> {
  const closed = new Set([
    ...(options.closed ?? []),
    ...(options.closedFile ? readClosedFile(options.closedFile) : []),
  ]);
  const { isFeatureStackName } = await import("../feature/stack-name");
  const { decideGc } = await import("../feature/gc-decision");
  const { destroyFeatureStack } = await import("../feature/destroy");
  const { FEATURE_TAGS } = await import("../feature/tags");
  const automation = await ctx.automation("infra");
  // Only stacks this program tagged as feature stacks are candidates; a busy stack (a lock file in the
  // backend) is skipped.
  const stacks = (await automation.listStacks({ tag: `${FEATURE_TAGS.kind}=feature` })).filter((s) =>
    isFeatureStackName(s.name),
  );
  const input = { now: ctx.clock(), closedPrs: closed, defaultTtlMs: options.defaultTtl };
  const decisions = decideGc({ ...input, stacks });

  const results: GcResult[] = [];
  for (const decision of decisions) {
    if (decision.action !== "destroy") {
      results.push(decision);
      continue;
    }
    if (options.dryRun) {
      results.push({ ...decision, result: "would-destroy" });
      continue;
    }
    ctx.out.info(`${decision.stack}: ${decision.reason}; destroying`);
    const info = stacks.find((s) => s.name === decision.stack);
    try {
      const outcome = await destroyFeatureStack(ctx, automation, decision.stack, {
        skipIfBusy: true,
        // Re-decided on fresh tags: a feature up since the listing may have extended it.
        recheck: (tags) => {
          if (info === undefined) return undefined;
          const again = decideGc({ ...input, stacks: [{ ...info, tags, updateInProgress: false }] })[0];
          return again?.action === "destroy" ? undefined : `no longer due: ${again?.reason ?? "unknown"}`;
        },
      });
      if (outcome.status === "skipped") ctx.out.info(`${decision.stack}: skipped: ${outcome.reason}`);
      results.push({
        ...decision,
        result: outcome.status,
        ...(outcome.status === "skipped" ? { reason: `${decision.reason}; skipped: ${outcome.reason}` } : {}),
      });
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      ctx.out.info(`${decision.stack}: failed: ${messageOf(error)}`);
      results.push({ ...decision, result: "failed", error: messageOf(error) });
    }
  }

  const failed = results.filter((r) => r.result === "failed");
  const lines = [
    results.length === 0
      ? "no feature environments"
      : table(
          ["STACK", "ACTION", "RESULT", "REASON"],
          results.map((r) => [r.stack, r.action, r.result ?? "-", r.reason]),
        ),
  ];
  if (failed.length > 0) {
    lines.push("", `${failed.length} of ${results.filter((r) => r.action === "destroy").length} failed:`);
    for (const f of failed) lines.push(`  ${f.stack}: ${f.error ?? ""}`);
  }
  ctx.out.result(lines.join("\n"), {
    dryRun: options.dryRun ?? false,
    closedPrs: [...closed].sort((a, b) => a - b),
    stacks: results.map((r) => ({ ...r, ...(r.expires ? { expires: r.expires.toISOString() } : {}) })),
    failed: failed.length,
  });
  return failed.length > 0 ? 1 : 0;
}
