/** `release promote --stack <s> --service <svc>`: sends 100 % of requests to the release's new revision. */
import { Command, Option } from "commander";
import { examples, runAction, type CommandDeps } from "./wiring";
import type { OpsContext } from "../context/context";
import { policyPackOptions, resolvePolicyPacks } from "./policy-pack";
import { decidePromote, runTransition, type ReleaseReport } from "../release/actions";
import { describeRelease, renderRevisions } from "../release/render";
import { checkServiceOffline, releaseTargetOptions } from "../release/stack";

export interface ReleaseTargetOptions {
  readonly stack: string;
  readonly service: string;
  readonly policyPack?: string | false;
  readonly allowOtherChanges?: boolean;
}

/** `--allow-other-changes`, shared by the release commands that deploy. */
export function allowOtherChangesOption(): Option {
  return new Option(
    "--allow-other-changes",
    "deploy even when the preview changes more than the service's traffic (those changes go out with the release)",
  );
}

export function releasePromoteCommand(deps: CommandDeps): Command {
  const command = new Command("promote")
    .description("send 100 % of the service's requests to the release's new revision")
    .addHelpText("after", examples("npm run ops -- release promote --stack prod --service api"));
  for (const option of [...releaseTargetOptions(true), ...policyPackOptions(), allowOtherChangesOption()])
    command.addOption(option);
  return runAction(command, deps, runReleasePromote);
}

/** Prints a transition's report; the exit code is 0. */
export function reportTransition(ctx: OpsContext, report: ReleaseReport): number {
  const head = describeRelease(report.service, report.release);
  ctx.out.result(
    [report.changed ? head : `${head}: nothing to do`, renderRevisions(report.revisions)].join("\n"),
    { ...report, release: report.release ?? null, revisions: report.revisions ?? null },
  );
  return 0;
}

export async function runReleasePromote(ctx: OpsContext, options: ReleaseTargetOptions): Promise<number> {
  await checkServiceOffline(ctx.root, options.stack, options.service);
  const policyPacks = resolvePolicyPacks(ctx.root, options.policyPack, ctx.out);
  const report = await runTransition(
    ctx,
    options.stack,
    options.service,
    (deployed) => decidePromote(deployed, options.service),
    { policyPacks, allowOtherChanges: options.allowOtherChanges ?? false },
  );
  return reportTransition(ctx, report);
}
