/**
 * The CrossGuard policy pack: `pulumi preview --policy-pack policies`. This file only constructs the
 * pack; the policies live in one module per domain and are listed in `all.ts`.
 */
import { PolicyPack } from "@pulumi/policy";
import { allPolicies, PACK_NAME } from "./all";

new PolicyPack(PACK_NAME, {
  description:
    "Security, data-protection and operability rules for the module6 platform on Google Cloud: Cloud Run behind an armored HTTPS load balancer, Firestore, Secret Manager, IAM, KMS, monitoring, logging, networking, Artifact Registry, and the GKE Autopilot observability plane (cluster, Kubernetes provider, namespaces, Helm releases, Workload Identity grants).",
  enforcementLevel: "advisory",
  policies: [...allPolicies],
});
