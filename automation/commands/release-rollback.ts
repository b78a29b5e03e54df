/**
 * `release rollback --stack <s> --service <svc>`: sends 100 % of requests back to the previous revision
 * recorded in the stack's outputs; the new revision stays reachable at its tag URL for diagnosis.
 */
import { Command } from "commander";
import { examples, runAction, type CommandDeps } from "../cli/command";
import type { OpsContext } from "../cli/context";
import { policyPackOptions, resolvePolicyPacks } from "../cli/policy-pack";
import { rollbackRelease } from "../release/actions";
import { readReleases } from "../release/state";
import { describeRelease, renderRevisions } from "../release/render";
import { openReleaseStack, releaseTargetOptions } from "../release/stack";
import type { ReleaseTargetOptions } from "./release-promote";

export function releaseRollbackCommand(deps: CommandDeps): Command {
  const command = new Command("rollback")
    .description("send 100 % of the service's requests back to the revision the release replaced")
    .addHelpText("after", examples("npm run ops -- release rollback --stack prod --service api"));
  for (const option of [...releaseTargetOptions(true), ...policyPackOptions()]) command.addOption(option);
  return runAction(command, deps, runReleaseRollback);
}

export async function runReleaseRollback(ctx: OpsContext, options: ReleaseTargetOptions): Promise<number> {
  const { automation, config } = await openReleaseStack(ctx, options.stack, options.service);
  const current = readReleases(config, options.stack)[options.service];
  if (current?.state === "rolled-back") {
    ctx.out.result(`${describeRelease(options.service, current)}: nothing to do`, {
      stack: options.stack,
      service: options.service,
      release: current,
      changed: false,
    });
    return 0;
  }
  const policyPacks = resolvePolicyPacks(ctx.root, options.policyPack, ctx.out);
  const report = await rollbackRelease(ctx, automation, options.stack, options.service, policyPacks);
  ctx.out.result(
    [describeRelease(options.service, report.release), renderRevisions(report.revisions)].join("\n"),
    {
      ...report,
      revisions: report.revisions ?? null,
      changed: true,
    },
  );
  return 0;
}
