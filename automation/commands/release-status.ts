/** `release status --stack <s> [--service <svc>]`: each service's release and its revisions' traffic. */
import { Command } from "commander";
import { examples, runAction, type CommandDeps } from "./wiring";
import type { OpsContext } from "../context/context";
import { describeRelease, renderRevisions } from "../release/render";
import { checkServiceOffline, readDeployedStack, releaseTargetOptions } from "../release/stack";

export interface ReleaseStatusOptions {
  readonly stack: string;
  readonly service?: string;
}

export function releaseStatusCommand(deps: CommandDeps): Command {
  const command = new Command("status")
    .description("show each service's release and where its requests go (revisions, shares, tag URLs)")
    .addHelpText(
      "after",
      examples(
        "npm run ops -- release status --stack prod",
        "npm run -s ops -- --json release status --stack prod --service api",
      ),
    );
  for (const option of releaseTargetOptions(false)) command.addOption(option);
  return runAction(command, deps, runReleaseStatus);
}

export async function runReleaseStatus(ctx: OpsContext, options: ReleaseStatusOptions): Promise<number> {
  await checkServiceOffline(ctx.root, options.stack, options.service);
  // The deployed config and outputs: a fresh checkout sees the release another machine started; nothing
  // is decrypted, selected or written.
  const { images, releases, revisions } = await readDeployedStack(ctx, options.stack, options.service);
  const services = options.service !== undefined ? [options.service] : Object.keys(images).sort();
  const status = services.map((service) => ({
    service,
    configImage: images[service] ?? "",
    release: releases[service] ?? null,
    revisions: revisions[service] ?? null,
  }));
  const human = status
    .map((s) =>
      [describeRelease(s.service, s.release ?? undefined), renderRevisions(s.revisions ?? undefined)].join(
        "\n",
      ),
    )
    .join("\n\n");
  ctx.out.result(human, { stack: options.stack, services: status });
  return 0;
}
