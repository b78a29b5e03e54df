/**
 * The bootstrap project's program: read and check its config, build it, return what the workflows need.
 * `index.ts` exports its result; the offline plan (plan/run.ts) calls it for each plan it makes.
 */
import * as pulumi from "@pulumi/pulumi";
import { BOOTSTRAP_NAMESPACE, parseBootstrapConfig } from "./config";
import { bootstrap, type BootstrapOutputs } from "./program";

const KEYS = [
  "kind",
  "gcpProject",
  "region",
  "prefix",
  "stateBucket",
  "noncurrentVersionDays",
  "keyRotationDays",
  "githubOwner",
  "githubOwnerId",
  "githubRepository",
  "githubRepositoryId",
  "team",
  "costCenter",
];

export function main(): BootstrapOutputs {
  const config = new pulumi.Config(BOOTSTRAP_NAMESPACE);
  const raw = Object.fromEntries(KEYS.map((k) => [`${BOOTSTRAP_NAMESPACE}:${k}`, config.get(k)]));
  return bootstrap(parseBootstrapConfig(raw));
}
