/**
 * Entry point of the bootstrap project: read and check its config, build it, export what the workflows
 * need. Run once per GCP project by an administrator (docs/delivery.md).
 */
import * as pulumi from "@pulumi/pulumi";
import { BOOTSTRAP_NAMESPACE, parseBootstrapConfig } from "./config";
import { bootstrap } from "./program";

const keys = [
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
const config = new pulumi.Config(BOOTSTRAP_NAMESPACE);
const raw = Object.fromEntries(keys.map((k) => [`${BOOTSTRAP_NAMESPACE}:${k}`, config.get(k)]));

export = bootstrap(parseBootstrapConfig(raw));
