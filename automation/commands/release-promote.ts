/** `release promote --stack <s> --service <svc>`: sends 100 % of requests to the release's new revision. */
import { Command } from "commander";
import { examples, runAction, type CommandDeps } from "../cli/command";
import type { OpsContext } from "../cli/context";
import { policyPackOptions, resolvePolicyPacks } from "../cli/policy-pack";
import { promoteRelease } from "../release/actions";
import { describeRelease, renderRevisions } from "../release/render";
import { openReleaseStack, releaseTargetOptions } from "../release/stack";

export interface ReleaseTargetOptions {
  readonly stack: string;
  readonly service: string;
  readonly policyPack?: string | false;
}

export function releasePromoteCommand(deps: CommandDeps): Command {
  const command = new Command("promote")
    .description("send 100 % of the service's requests to the release's new revision")
    .addHelpText("after", examples("npm run ops -- release promote --stack prod --service api"));
  for (const option of [...releaseTargetOptions(true), ...policyPackOptions()]) command.addOption(option);
  return runAction(command, deps, runReleasePromote);
}

export async function runReleasePromote(ctx: OpsContext, options: ReleaseTargetOptions): Promise<number> {
  const { automation } = await openReleaseStack(ctx, options.stack, options.service);
  const policyPacks = resolvePolicyPacks(ctx.root, options.policyPack, ctx.out);
  const report = await promoteRelease(ctx, automation, options.stack, options.service, policyPacks);
  ctx.out.result(
    [describeRelease(options.service, report.release), renderRevisions(report.revisions)].join("\n"),
    {
      ...report,
      revisions: report.revisions ?? null,
    },
  );
  return 0;
}
