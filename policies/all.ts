/**
 * Every policy of the pack, and its configuration schema. Tests and tools import this module, never
 * `index.ts` (constructing a `PolicyPack` starts the analyzer's server).
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { edgePolicies } from "./edge";
import { firestorePolicies } from "./firestore";
import { gkePolicies } from "./gke";
import { iamPolicies } from "./iam";
import { kmsPolicies } from "./kms";
import { kubernetesPolicies } from "./kubernetes";
import { schemaDefaults } from "./lib/config";
import type { Module6Policy } from "./lib/policy";
import { loggingPolicies } from "./logging";
import { monitoringPolicies } from "./monitoring";
import { networkPolicies } from "./network";
import { projectPolicies } from "./project";
import { registryPolicies } from "./registry";
import { runPolicies } from "./run";
import { secretsPolicies } from "./secrets";
import { storagePolicies } from "./storage";

export type { Module6Policy, Module6ResourcePolicy, Module6StackPolicy } from "./lib/policy";

/** The pack's name (`pulumi preview --policy-pack policies` reports it). */
export const PACK_NAME = "module6-gcp";

/** All policies, by domain. */
export const allPolicies: readonly Module6Policy[] = [
  ...runPolicies,
  ...edgePolicies,
  ...storagePolicies,
  ...firestorePolicies,
  ...secretsPolicies,
  ...iamPolicies,
  ...kmsPolicies,
  ...monitoringPolicies,
  ...loggingPolicies,
  ...networkPolicies,
  ...registryPolicies,
  ...projectPolicies,
  ...gkePolicies,
  ...kubernetesPolicies,
];

/** The configuration schema of each configurable policy, by policy name. */
export const configSchema: Readonly<Record<string, PolicyConfigSchema>> = Object.fromEntries(
  allPolicies.flatMap((p) => (p.configSchema ? [[p.name, p.configSchema]] : [])),
);

/** The default configuration of each configurable policy (a `--policy-pack-config` file's shape). */
export function defaultConfig(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(configSchema).map(([name, s]) => [name, schemaDefaults(s)]));
}

/** The policy named `name`. */
export function policyNamed(name: string): Module6Policy | undefined {
  return allPolicies.find((p) => p.name === name);
}
