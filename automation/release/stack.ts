/**
 * What a release command knows about a stack, read from the backend — not from the working copy, which a
 * fresh checkout does not share with the machine that started the release: the config of the last update
 * (`pulumi stack history`, nothing decrypted) and the outputs (`revisions`: where requests really go). The
 * working copy must agree with what is deployed, apart from the release record, or a command would deploy
 * changes nobody reviewed.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { InvalidArgumentError, Option } from "commander";
import { didYouMean } from "../../components/shared/did-you-mean";
import { isFeatureStackName, PERMANENT_STACKS } from "../../stacks/stack-names";
import type { OpsContext } from "../context/context";
import { usageError } from "../core/errors";
import { StackNotFoundError, type Automation, type LocalStackFile } from "../pulumi/automation";
import { readRevisions, RELEASES_KEY, type ReleaseEntry, type RevisionsOutput } from "../../stacks/releases";
import { readReleases, serviceImages } from "./state";

/** A stack name the program knows: prod, staging or feature-<slug>; checked before the backend is asked. */
export function parseStackName(value: string): string {
  if (PERMANENT_STACKS.includes(value) || isFeatureStackName(value)) return value;
  const hint = didYouMean(value, PERMANENT_STACKS);
  throw new InvalidArgumentError(`a stack is prod, staging or feature-<slug>${hint ? `: ${hint}` : "."}`);
}

/** `--stack` and `--service`, shared by the release commands. */
export function releaseTargetOptions(serviceRequired: boolean): Option[] {
  const service = new Option("--service <name>", "the service (a key of module6:services)");
  return [
    new Option("--stack <name>", "the environment's stack: prod, staging or feature-<slug>")
      .argParser(parseStackName)
      .makeOptionMandatory(),
    serviceRequired ? service.makeOptionMandatory() : service,
  ];
}

/**
 * Refuses a service the working copy's stack file does not have, before the backend is asked (the working
 * copy must agree with what is deployed anyway, see `assertWorkingCopyAgrees`). A stack without a file here
 * is left to the backend's answer.
 */
export async function checkServiceOffline(
  root: string,
  stack: string,
  service: string | undefined,
): Promise<void> {
  if (service === undefined || !existsSync(join(root, `Pulumi.${stack}.yaml`))) return;
  // Loaded here, not at the top: the stack-file reader loads the program's config code (and --help must not).
  const { loadStackConfigFile } = await import("../../stack-file/load");
  const services = Object.keys(serviceImages(loadStackConfigFile(stack, root).config));
  if (services.includes(service)) return;
  const hint = didYouMean(service, services);
  throw usageError(
    `--service: stack ${stack} has no service "${service}"${hint ? ` (${hint})` : ""}; services: ${services.join(", ") || "none"}`,
  );
}

/** The deployed state of a stack, as release commands see it. */
export interface DeployedStack {
  readonly automation: Automation;
  readonly stack: string;
  /** The config of the last update (whatever its result). */
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
  /** Identifies the last update: another update since changes it. */
  readonly fingerprint: string;
  /** Service → image in the deployed config. */
  readonly images: Readonly<Record<string, string>>;
  readonly releases: Readonly<Record<string, ReleaseEntry>>;
  /** The `revisions` output: revisions and traffic per service and region. */
  readonly revisions: RevisionsOutput;
  readonly local: LocalStackFile;
}

/** Identifies an update of the history (a DIY backend numbers none). */
export function fingerprint(update: {
  readonly kind: string;
  readonly startTime?: Date;
  readonly endTime?: Date;
  readonly message: string;
  readonly result: string;
  readonly config: Readonly<Record<string, string>>;
}): string {
  return JSON.stringify([
    update.kind,
    update.startTime?.toISOString(),
    update.endTime?.toISOString(),
    update.message,
    update.result,
    Object.entries(update.config).sort(([a], [b]) => a.localeCompare(b)),
  ]);
}

/** Reads the stack's deployed config, outputs and the working copy's stack file (three reads at once). */
export async function readDeployedStack(
  ctx: OpsContext,
  stack: string,
  service?: string,
): Promise<DeployedStack> {
  const automation = await ctx.automation("infra");
  let history;
  let outputs;
  let local;
  try {
    [history, outputs, local] = await Promise.all([
      automation.history(stack, 1),
      automation.outputs(stack),
      automation.localStackFile(stack),
    ]);
  } catch (error) {
    if (error instanceof StackNotFoundError) throw usageError(`stack ${stack} does not exist`);
    throw error;
  }
  const last = history[0];
  if (last === undefined)
    throw usageError(`stack ${stack} has never been deployed: deploy it before a release`);
  const images = serviceImages(last.config);
  if (service !== undefined && !(service in images))
    throw usageError(
      `--service: stack ${stack} has no service "${service}"; services: ${Object.keys(images).join(", ") || "none"}`,
    );
  return {
    automation,
    stack,
    config: last.config,
    secretKeys: last.secretKeys,
    fingerprint: fingerprint(last),
    images,
    releases: readReleases(last.config, stack),
    revisions: readRevisions(outputs) ?? {},
    local,
  };
}

/** A config value in a comparable form: JSON values parsed and printed with sorted keys. */
function canonical(value: string): string {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortKeys)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, x]) => [k, sortKeys(x)]),
          )
        : v;
  try {
    return JSON.stringify(sortKeys(JSON.parse(value)));
  } catch {
    return JSON.stringify(value);
  }
}

/** Keys whose value differs between the working copy and the deployed config (the release record aside). */
export function workingCopyDifferences(deployed: DeployedStack): string[] {
  if (!deployed.local.exists) return [];
  const keys = new Set([
    ...Object.keys(deployed.config),
    ...deployed.secretKeys,
    ...Object.keys(deployed.local.config),
    ...deployed.local.secretKeys,
  ]);
  keys.delete(RELEASES_KEY);
  return [...keys].sort().filter((key) => {
    const secretHere = deployed.local.secretKeys.includes(key);
    const secretThere = deployed.secretKeys.includes(key);
    if (secretHere || secretThere) return secretHere !== secretThere;
    const here = deployed.local.config[key];
    const there = deployed.config[key];
    if (here === undefined || there === undefined) return here !== there;
    return canonical(here) !== canonical(there);
  });
}

/** Refuses to change a stack whose working copy disagrees with what is deployed. */
export function assertWorkingCopyAgrees(deployed: DeployedStack): void {
  const differences = workingCopyDifferences(deployed);
  if (differences.length > 0)
    throw usageError(
      `the working copy's Pulumi.${deployed.stack}.yaml differs from the config ${deployed.stack} was last deployed with ` +
        `(${differences.join(", ")}): a release would deploy that too. Check out the stack file that was deployed ` +
        `(or deploy this one first), then run the release command again`,
    );
  if (!deployed.local.exists && deployed.secretKeys.length > 0)
    throw usageError(
      `this working copy has no Pulumi.${deployed.stack}.yaml and ${deployed.stack} has secret config, which cannot be ` +
        `restored without decrypting it: check out the repository's stack file`,
    );
}
