/**
 * `feature list`: the feature environments with pull request, branch, age, expiry, last update (or the
 * operation holding them) and resource count.
 */
import { Command } from "commander";
import { examples, runAction, type CommandDeps } from "./wiring";
import type { OpsContext } from "../context/context";
import { table } from "../context/output";
import { hasExpired } from "../feature/gc-decision";
import { readFeatureTags } from "../feature/tags";
import { formatDuration } from "../core/time";

export function featureListCommand(deps: CommandDeps): Command {
  const command = new Command("list")
    .description("list feature environments: pull request, branch, age, expiry, last update")
    .addHelpText("after", examples("npm run ops -- feature list", "npm run -s ops -- --json feature list"));
  return runAction(command, deps, runFeatureList);
}

export async function runFeatureList(ctx: OpsContext): Promise<number> {
  const { isFeatureStackName } = await import("../feature/stack-name");
  const { FEATURE_TAGS } = await import("../feature/tags");
  const { describeLock } = await import("../pulumi/local-args");
  const automation = await ctx.automation("infra");
  const now = ctx.clock().getTime();
  // One `stack ls` of the stacks tagged as feature stacks and one tag read per stack (a few at a time);
  // nothing is decrypted and no stack is selected.
  const stacks = (await automation.listStacks({ tag: `${FEATURE_TAGS.kind}=feature` }))
    .filter((s) => isFeatureStackName(s.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const rows = stacks.map((s) => {
    const tags = readFeatureTags(s.tags);
    const since = tags.created ?? s.lastUpdate;
    return {
      stack: s.name,
      ...(tags.pr !== undefined ? { pr: tags.pr } : {}),
      ...(tags.branch !== undefined ? { branch: tags.branch } : {}),
      ...(tags.creator !== undefined ? { creator: tags.creator } : {}),
      ...(since ? { ageSeconds: Math.round((now - since.getTime()) / 1000) } : {}),
      ...(tags.expires
        ? { expires: tags.expires.toISOString(), expired: hasExpired(tags.expires, now) }
        : {}),
      ...(s.updateInProgress ? { busy: s.locks.map(describeLock).join(", ") } : {}),
      ...(s.lastUpdate ? { lastUpdate: s.lastUpdate.toISOString() } : {}),
      ...(s.resourceCount !== undefined ? { resources: s.resourceCount } : {}),
    };
  });
  const human =
    rows.length === 0
      ? "no feature environments"
      : table(
          ["STACK", "PR", "BRANCH", "AGE", "EXPIRES", "LAST UPDATE", "RESOURCES"],
          rows.map((r) => [
            r.stack,
            r.pr !== undefined ? `#${r.pr}` : "-",
            r.branch ?? "-",
            r.ageSeconds !== undefined ? formatDuration(r.ageSeconds * 1000) : "?",
            r.expires === undefined
              ? "-"
              : r.expired
                ? `expired ${formatDuration(now - Date.parse(r.expires))} ago`
                : `in ${formatDuration(Date.parse(r.expires) - now)}`,
            r.busy !== undefined
              ? `in progress (${r.busy})`
              : r.lastUpdate !== undefined
                ? `${formatDuration(now - Date.parse(r.lastUpdate))} ago`
                : "-",
            r.resources !== undefined ? String(r.resources) : "-",
          ]),
        );
  ctx.out.result(human, rows);
  return 0;
}
