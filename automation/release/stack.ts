/** Opening a stack for a release command: it must exist and declare the service. */
import { Option } from "commander";
import type { OpsContext } from "../cli/context";
import { usageError } from "../errors";
import type { Automation } from "../pulumi/automation";
import { serviceImages } from "./state";

/** `--stack` and `--service`, shared by the release commands. */
export function releaseTargetOptions(serviceRequired: boolean): Option[] {
  const service = new Option("--service <name>", "the service (a key of module6:services)");
  return [
    new Option(
      "--stack <name>",
      "the environment's stack: prod, staging or feature-<slug>",
    ).makeOptionMandatory(),
    serviceRequired ? service.makeOptionMandatory() : service,
  ];
}

export interface ReleaseStack {
  readonly automation: Automation;
  readonly config: Record<string, string>;
  /** Service → image in the stack's config. */
  readonly images: Record<string, string>;
}

export async function openReleaseStack(
  ctx: OpsContext,
  stack: string,
  service?: string,
): Promise<ReleaseStack> {
  const automation = await ctx.automation("infra");
  if (!(await automation.hasStack(stack))) throw usageError(`stack ${stack} does not exist`);
  const config = await automation.getConfig(stack);
  const images = serviceImages(config);
  if (service !== undefined && !(service in images))
    throw usageError(
      `--service: stack ${stack} has no service "${service}"; services: ${Object.keys(images).join(", ") || "none"}`,
    );
  return { automation, config, images };
}
