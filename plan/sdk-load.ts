/**
 * The benchmark's baseline: load only the SDK modules the program uses, the same way the plan runs
 * (Node with tsx), and nothing else.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

// Touch each lazily loaded namespace the program uses so its module is really loaded.
const used: unknown[] = [
  pulumi.ComponentResource,
  gcp.Provider,
  gcp.artifactregistry.Repository,
  gcp.cloudrunv2.Service,
  gcp.firestore.Database,
  gcp.iap.WebCloudRunServiceIamMember,
  gcp.projects.Service,
  gcp.secretmanager.Secret,
  gcp.serviceaccount.Account,
  random.RandomId,
];
if (used.some((u) => u === undefined)) process.exit(1);
