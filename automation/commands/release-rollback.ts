/**
 * `release rollback --stack <s> --service <svc>`: sends 100 % of requests back to the previous revision
 * recorded in the stack's outputs; the new revision stays reachable at its tag URL for diagnosis. Done only
 * when the traffic says so: a rollback whose update failed runs again.
 */
import { Command } from "commander";
import { examples, runAction, type CommandDeps } from "./wiring";
import type { OpsContext } from "../context/context";
import { policyPackOptions, resolvePolicyPacks } from "./policy-pack";
import { decideRollback, runTransition } from "../release/actions";
import { checkServiceOffline, releaseTargetOptions } from "../release/stack";
import { allowOtherChangesOption, reportTransition, type ReleaseTargetOptions } from "./release-promote";

export function releaseRollbackCommand(deps: CommandDeps): Command {
  const command = new Command("rollback")
    .description("send 100 % of the service's requests back to the revision the release replaced")
    .addHelpText("after", examples("npm run ops -- release rollback --stack prod --service api"));
  for (const option of [...releaseTargetOptions(true), ...policyPackOptions(), allowOtherChangesOption()])
    command.addOption(option);
  return runAction(command, deps, runReleaseRollback);
}

export async function runReleaseRollback(ctx: OpsContext, options: ReleaseTargetOptions): Promise<number> {
  await checkServiceOffline(ctx.root, options.stack, options.service);
  const policyPacks = resolvePolicyPacks(ctx.root, options.policyPack, ctx.out);
  const report = await runTransition(
    ctx,
    options.stack,
    options.service,
    (deployed) => decideRollback(deployed, options.service),
    { policyPacks, allowOtherChanges: options.allowOtherChanges ?? false },
  );
  return reportTransition(ctx, report);
}
