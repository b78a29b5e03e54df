/**
 * The policy pack deployments run with (CrossGuard, `policies/` of this repository): every `up` from the
 * drivers is checked by the same pack as CI's `pulumi preview --policy-pack`.
 */
import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { Option } from "commander";
import { usageError } from "../core/errors";
import type { Output } from "../context/output";

/** The pack's directory relative to the repository root. */
export const DEFAULT_POLICY_PACK = "policies";

/** `--policy-pack <dir>` and `--no-policy-pack`. */
export function policyPackOptions(): Option[] {
  return [
    new Option(
      "--policy-pack <dir>",
      "policy pack to run with the update (a directory with PulumiPolicy.yaml)",
    ).default(DEFAULT_POLICY_PACK),
    new Option("--no-policy-pack", "run without the policy pack (local trials only; CI never passes it)"),
  ];
}

/** The `policyPacks` of an update: the pack's absolute path, or none with `--no-policy-pack`. */
export function resolvePolicyPacks(root: string, option: string | false | undefined, out: Output): string[] {
  if (option === false) {
    out.info("warning: running without the policy pack (--no-policy-pack)");
    return [];
  }
  const dir = isAbsolute(option ?? DEFAULT_POLICY_PACK)
    ? (option ?? "")
    : resolve(root, option ?? DEFAULT_POLICY_PACK);
  if (!existsSync(join(dir, "PulumiPolicy.yaml")))
    throw usageError(
      `--policy-pack: no PulumiPolicy.yaml in ${dir}; pass the pack's directory, or --no-policy-pack for a local trial`,
    );
  return [dir];
}
