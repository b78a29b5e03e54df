/**
 * Every resource policy on bare resources (only the inputs the provider requires): the provider's
 * defaults for every optional input must get the right verdict. Listed: the messages each policy reports;
 * every other applicable policy must report nothing.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { allPolicies } from "../../policies/all";
import { ANY_GCP, K, T } from "../../policies/lib/tokens";
import { BARE_INPUTS, bare } from "../fixtures/policies/bare";
import { checkResource } from "./harness";

const SDK = resolve(__dirname, "../../node_modules/@pulumi/gcp");
const K8S_SDK = resolve(__dirname, "../../node_modules/@pulumi/kubernetes");

/** The `.d.ts` of a Kubernetes type (`kubernetes:helm.sh/v3:Release` → helm/v3/release.d.ts) and its class. */
function kubernetesDeclaration(type: string): [string, string] {
  if (type === K.provider) return [join(K8S_SDK, "provider.d.ts"), "Provider"];
  const [, groupVersion = "", cls = ""] = type.split(":");
  const [group = "", version = ""] = groupVersion.split("/");
  const file = `${cls.charAt(0).toLowerCase()}${cls.slice(1)}.d.ts`;
  return [join(K8S_SDK, group.split(".")[0] ?? "", version, file), cls];
}
const resourcePolicies = allPolicies.filter((p) => p.kind === "resource");

/** The non-optional fields of a resource type's `<Class>Args`, read from the SDK's declarations. */
function requiredInputs(type: string): string[] {
  if (type.startsWith("kubernetes:") || type === K.provider) {
    const [path, cls] = kubernetesDeclaration(type);
    const body = new RegExp(`export interface ${cls}Args \\{([\\s\\S]*?)\\n\\}`).exec(
      readFileSync(path, "utf8"),
    )?.[1];
    if (body === undefined) throw new Error(`no SDK class for ${type}`);
    return [...body.matchAll(/^\s{4}(\w+): /gm)].map((m) => m[1] ?? "").sort();
  }
  const module = type.split(/[:/]/)[1] ?? "";
  const file = readdirSync(join(SDK, module)).find(
    (f) =>
      f.endsWith(".js") && readFileSync(join(SDK, module, f), "utf8").includes(`__pulumiType = '${type}'`),
  );
  if (!file) throw new Error(`no SDK class for ${type}`);
  const text = readFileSync(join(SDK, module, file.replace(/\.js$/, ".d.ts")), "utf8");
  const cls = type.split(":").pop() ?? "";
  const body = new RegExp(`export interface ${cls}Args \\{([\\s\\S]*?)\\n\\}`).exec(text)?.[1] ?? "";
  return [...body.matchAll(/^\s{4}(\w+): /gm)].map((m) => m[1] ?? "").sort();
}

/** What each policy reports on the bare resource of each type (only the policies that report). */
const EXPECTED: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  [T.repository]: {
    "artifact-registry-immutable-tags": [
      'Artifact Registry repository "bare" must make tags immutable; dockerConfig.immutableTags is unset, which the provider treats as false',
    ],
    "artifact-registry-cleanup-policies": [
      'Artifact Registry repository "bare" must have cleanup policies; cleanupPolicies is unset, which keeps every image',
    ],
    "required-labels": [
      'artifactregistry/repository "bare" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: component',
    ],
  },
  [T.repositoryIamBinding]: {},
  [T.repositoryIamMember]: {},
  [T.repositoryIamPolicy]: {},
  [T.certificate]: {
    "required-labels": [
      'certificatemanager/certificate "bare" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: component',
    ],
  },
  [T.certificateMap]: {
    "required-labels": [
      'certificatemanager/certificateMap "bare" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: component',
    ],
  },
  [T.certificateMapEntry]: {
    "required-labels": [
      'certificatemanager/certificateMapEntry "bare" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: component',
    ],
  },
  [T.dnsAuthorization]: {
    "required-labels": [
      'certificatemanager/dnsAuthorization "bare" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: component',
    ],
  },
  [T.runV1IamBinding]: {},
  [T.runV1IamMember]: {},
  [T.runV1IamPolicy]: {},
  [T.runService]: {
    "cloud-run-ingress-restricted": [
      'Cloud Run service "bare" must restrict ingress to INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER or INGRESS_TRAFFIC_INTERNAL_ONLY, or enable IAP (iapEnabled: true); ingress is unset, which the provider treats as INGRESS_TRAFFIC_ALL',
    ],
    "cloud-run-dedicated-service-account": [
      'Cloud Run service "bare" must run as a dedicated service account; template.serviceAccount is unset, which runs it as the Compute Engine default service account',
    ],
    "required-labels": [
      'cloudrunv2/service "bare" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: component',
    ],
  },
  [T.runServiceIamBinding]: {},
  [T.runServiceIamMember]: {},
  [T.runServiceIamPolicy]: {},
  [T.runJob]: {
    "cloud-run-dedicated-service-account": [
      'Cloud Run job "bare" must run as a dedicated service account; template.template.serviceAccount is unset, which runs it as the Compute Engine default service account',
    ],
    "required-labels": [
      'cloudrunv2/job "bare" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: component',
    ],
  },
  [T.runJobIamBinding]: {},
  [T.runJobIamMember]: {},
  [T.runJobIamPolicy]: {},
  [T.backendBucket]: {
    "backend-bucket-edge-security-policy": [
      'Backend bucket "bare" must have a Cloud Armor edge security policy; edgeSecurityPolicy is unset',
    ],
    "load-balancer-security-headers": [
      'Backend bucket "bare" must add a Strict-Transport-Security response header',
    ],
  },
  [T.backendService]: {
    "backend-service-cloud-armor": [
      'External backend service "bare" must have a Cloud Armor security policy; securityPolicy is unset',
    ],
    "backend-service-logging": [
      'External backend service "bare" must log requests (logConfig.enable: true); logConfig.enable is unset, which means no request logs',
    ],
    "load-balancer-external-managed": [
      'Backend service "bare" must use loadBalancingScheme EXTERNAL_MANAGED; loadBalancingScheme is unset, which the provider treats as EXTERNAL (classic)',
    ],
    "load-balancer-security-headers": [
      'Backend service "bare" must add a Strict-Transport-Security response header',
    ],
  },
  [T.firewall]: {},
  [T.globalAddress]: {
    "required-labels": [
      'compute/globalAddress "bare" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: component',
    ],
  },
  [T.forwardingRule]: {
    "load-balancer-external-managed": [
      'Global forwarding rule "bare" must use loadBalancingScheme EXTERNAL_MANAGED; loadBalancingScheme is unset, which the provider treats as EXTERNAL (classic)',
    ],
    "required-labels": [
      'compute/globalForwardingRule "bare" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: component',
    ],
  },
  [T.network]: {
    "network-custom-subnets": [
      'VPC network "bare" must use custom subnets (autoCreateSubnetworks: false); autoCreateSubnetworks is unset, which the provider treats as true',
    ],
  },
  [T.sslCertificate]: {
    "no-self-managed-ssl-certificates": [
      'SSL certificate "bare" must be Google-managed (ManagedSslCertificate or Certificate Manager), not self-managed',
    ],
  },
  [T.sslPolicy]: {
    "ssl-policy-modern-tls": [
      'SSL policy "bare" must use the MODERN or RESTRICTED profile (or a CUSTOM one without weak cipher suites) and TLS 1.2 or later; profile is unset, which the provider treats as COMPATIBLE',
      'SSL policy "bare" must use the MODERN or RESTRICTED profile (or a CUSTOM one without weak cipher suites) and TLS 1.2 or later; minTlsVersion is unset, which the provider treats as TLS_1_0',
    ],
  },
  [T.securityPolicy]: {
    "required-labels": [
      'compute/securityPolicy "bare" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: component',
    ],
  },
  [T.subnetwork]: {
    "subnet-flow-logs": [
      'Subnetwork "bare" must record VPC flow logs; logConfig is unset, which means no flow logs',
    ],
    "subnet-private-google-access": [
      'Subnetwork "bare" must enable Private Google Access; privateIpGoogleAccess is unset, which the provider treats as false',
    ],
  },
  [T.backupSchedule]: {},
  [T.firestoreDatabase]: {
    "firestore-point-in-time-recovery": [
      'Firestore database "bare" must enable point-in-time recovery; pointInTimeRecoveryEnablement is unset, which the provider treats as POINT_IN_TIME_RECOVERY_DISABLED',
    ],
    "firestore-delete-protection": [
      'Firestore database "bare" must enable delete protection; deleteProtectionState is unset, which means DELETE_PROTECTION_DISABLED',
    ],
  },
  [T.folderIamBinding]: {
    "iam-prefer-additive-members": [
      'IAM on folder "1" must use additive IAMMember resources, not an authoritative IAMBinding',
    ],
  },
  [T.folderIamMember]: {},
  [T.folderIamPolicy]: {
    "iam-prefer-additive-members": [
      'IAM on folder "1" must use additive IAMMember resources, not an authoritative IAMPolicy',
    ],
  },
  [T.wifProvider]: {
    "wif-provider-attribute-condition": [
      'Workload identity provider "bare" must have an attributeCondition; attributeCondition is unset, which admits every token of its issuer',
    ],
  },
  [T.iapRunBinding]: {},
  [T.iapRunMember]: {},
  [T.iapRunPolicy]: {},
  [T.cryptoKey]: {
    "kms-key-rotation": [
      'KMS key "bare" must rotate at least every 90 days; rotationPeriod is unset, so the key never rotates',
    ],
    "required-labels": [
      'kms/cryptoKey "bare" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: component',
    ],
  },
  [T.cryptoKeyIamBinding]: {},
  [T.cryptoKeyIamMember]: {},
  [T.cryptoKeyIamPolicy]: {},
  [T.keyRingIamBinding]: {},
  [T.keyRingIamMember]: {},
  [T.keyRingIamPolicy]: {},
  [T.logBucket]: {},
  [T.alertPolicy]: {
    "alert-policy-notification-channels": [
      'Alert policy "bare" must notify at least one notification channel; notificationChannels is unset, which means nobody is notified',
    ],
    "alert-policy-documentation": [
      'Alert policy "bare" must document what to do (documentation.content is empty)',
    ],
  },
  [T.notificationChannel]: {},
  [T.uptimeCheck]: {},
  [T.orgIamBinding]: {
    "iam-prefer-additive-members": [
      'IAM on organization "1" must use additive IAMMember resources, not an authoritative IAMBinding',
    ],
  },
  [T.orgIamMember]: {},
  [T.orgIamPolicy]: {
    "iam-prefer-additive-members": [
      'IAM on organization "1" must use additive IAMMember resources, not an authoritative IAMPolicy',
    ],
  },
  [T.projectAuditConfig]: {
    "audit-logs-all-services": ["Audit config for allServices must record ADMIN_READ, DATA_WRITE"],
  },
  [T.projectIamBinding]: {
    "iam-prefer-additive-members": [
      'IAM on project "module6-test-000000" must use additive IAMMember resources, not an authoritative IAMBinding',
    ],
  },
  [T.projectIamMember]: {},
  [T.projectIamPolicy]: {
    "iam-prefer-additive-members": [
      'IAM on project "module6-test-000000" must use additive IAMMember resources, not an authoritative IAMPolicy',
    ],
  },
  [T.projectService]: {},
  [T.redis]: {
    "redis-auth": [
      'Redis instance "bare" must require AUTH; authEnabled is unset, which the provider treats as false',
    ],
    "redis-transit-encryption": [
      'Redis instance "bare" must encrypt traffic in transit (SERVER_AUTHENTICATION); transitEncryptionMode is unset, which the provider treats as DISABLED',
    ],
    "redis-high-availability": [
      'Redis instance "bare" must use the STANDARD_HA tier; tier is unset, which the provider treats as BASIC',
    ],
    "redis-private-network": [
      'Redis instance "bare" must connect through private services access; connectMode is unset, which the provider treats as DIRECT_PEERING',
      'Redis instance "bare" must name its VPC; authorizedNetwork is unset, which puts it on the default network',
    ],
    "required-labels": [
      'redis/instance "bare" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: component',
    ],
  },
  [T.smSecret]: {
    "secret-deletion-protection": [
      'Secret "bare" must enable deletion protection; deletionProtection is unset, which the provider treats as false',
    ],
    "allowed-regions": [
      'secretmanager/secret "bare" must replicate only to allowed regions (asia-northeast3, asia-northeast1); automatic replication may store it in any region',
    ],
    "required-labels": [
      'secretmanager/secret "bare" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: component',
    ],
  },
  [T.secretIamBinding]: {},
  [T.secretIamMember]: {},
  [T.secretIamPolicy]: {},
  [T.serviceAccountIamBinding]: {},
  [T.serviceAccountIamMember]: {},
  [T.serviceAccountIamPolicy]: {},
  [T.serviceAccountKey]: {
    "iam-no-service-account-keys": [
      'Service account key "bare" for "bare" must not be created; use Workload Identity Federation',
    ],
  },
  [T.bucket]: {
    "bucket-uniform-access": [
      'Bucket "bare" must enable uniform bucket-level access; uniformBucketLevelAccess is unset, which keeps per-object ACLs',
    ],
    "bucket-public-access-prevention": [
      'Bucket "bare" must enforce public access prevention; publicAccessPrevention is unset, which is "inherited" (not enforced)',
    ],
    "bucket-versioning": [
      'Bucket "bare" must enable object versioning or set a retention policy; versioning.enabled is unset, which means versioning is off',
    ],
    "required-labels": [
      'storage/bucket "bare" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: component',
    ],
  },
  [T.bucketAcl]: {},
  [T.bucketIamBinding]: {},
  [T.bucketIamMember]: {},
  [T.bucketIamPolicy]: {},
  [T.gkeCluster]: {
    "gke-private-nodes": [
      'GKE cluster "bare" must use private nodes (privateClusterConfig.enablePrivateNodes: true); privateClusterConfig.enablePrivateNodes is unset, which gives every node a public IP address',
    ],
    "gke-control-plane-not-public": [
      'GKE cluster "bare" must turn its IP endpoint off (controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false, the DNS endpoint stays) or limit it with masterAuthorizedNetworksConfig; masterAuthorizedNetworksConfig is unset, which opens the public endpoint to every address',
    ],
    "gke-workload-identity": [
      'GKE cluster "bare" must enable Workload Identity Federation (workloadIdentityConfig.workloadPool "<project>.svc.id.goog"); workloadIdentityConfig.workloadPool is unset, which leaves every pod with the node\'s service account',
    ],
    "gke-release-channel": [
      'GKE cluster "bare" must use the REGULAR or STABLE release channel; releaseChannel.channel is unset, which leaves the channel to GKE\'s default and unmanaged',
    ],
    "gke-shielded-nodes": [
      'GKE cluster "bare" must boot its nodes with secure boot; nodeConfig.shieldedInstanceConfig.enableSecureBoot is unset, which the provider treats as false',
    ],
    "gke-network-policy": [
      'GKE cluster "bare" must enforce NetworkPolicy (datapathProvider "ADVANCED_DATAPATH", or networkPolicy.enabled with the network policy add-on); datapathProvider is unset, which is LEGACY_DATAPATH; networkPolicy.enabled is unset, which is false',
    ],
    "gke-binary-authorization": [
      'GKE cluster "bare" must enforce Binary Authorization (binaryAuthorization.evaluationMode "PROJECT_SINGLETON_POLICY_ENFORCE"); binaryAuthorization.evaluationMode is unset, which is DISABLED',
    ],
    "gke-node-service-account": [
      'GKE cluster "bare" must run its nodes as a dedicated service account; nodeConfig.serviceAccount is unset, which is the Compute Engine default service account',
    ],
    "gke-deletion-protection": ['GKE cluster "bare" must carry Pulumi `protect` in this environment'],
  },
  [T.gkeNodePool]: {
    "gke-shielded-nodes": [
      'GKE node pool "bare" must boot its nodes with secure boot; nodeConfig.shieldedInstanceConfig.enableSecureBoot is unset, which the provider treats as false',
    ],
    "gke-node-service-account": [
      'GKE node pool "bare" must run its nodes as a dedicated service account; nodeConfig.serviceAccount is unset, which is the Compute Engine default service account',
    ],
  },
  [K.provider]: {
    "kubernetes-provider-exec-auth": [
      'Kubernetes provider "bare" must be given an explicit kubeconfig; kubeconfig is unset, which uses the machine\'s KUBECONFIG or ~/.kube/config',
    ],
  },
  [K.namespace]: {
    "kubernetes-namespace-pod-security": [
      'Namespace "bare" must enforce the restricted Pod Security Standard (label pod-security.kubernetes.io/enforce: restricted); the label is unset, which enforces nothing beyond the cluster\'s defaults',
    ],
  },
  [K.helmRelease]: {
    "helm-release-pinned": [
      'Helm release "bare" must pin an exact chart version; version is unset, which installs the latest chart',
      'Helm release "bare" must come from an https or oci repository (repositoryOpts.repo or an oci:// chart); repositoryOpts.repo is unset and chart is "bare"',
    ],
  },
};

describe("bare resources (only the inputs the provider requires)", () => {
  it("cover every type a resource policy checks", () => {
    const checked = new Set(resourcePolicies.flatMap((p) => p.resourceTypes).filter((t) => t !== ANY_GCP));
    expect([...checked].filter((t) => BARE_INPUTS[t] === undefined)).toEqual([]);
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(BARE_INPUTS).sort());
  });
  it.each(Object.keys(BARE_INPUTS))("%s carries exactly the SDK's required inputs", (type) => {
    expect(Object.keys(BARE_INPUTS[type] ?? {}).sort()).toEqual(requiredInputs(type));
  });
  it.each(Object.keys(BARE_INPUTS))("%s gets the expected verdict from every policy", async (type) => {
    const verdicts: Record<string, string[]> = {};
    for (const policy of resourcePolicies) {
      const outcome = await checkResource(policy, bare(type));
      if (outcome.applicable && outcome.messages.length > 0) verdicts[policy.name] = outcome.messages;
    }
    expect(verdicts).toEqual(EXPECTED[type]);
  });
  it("exercise every resource policy", async () => {
    const applied = new Set<string>();
    for (const type of Object.keys(BARE_INPUTS))
      for (const policy of resourcePolicies)
        if ((await checkResource(policy, bare(type))).applicable) applied.add(policy.name);
    expect(resourcePolicies.filter((p) => !applied.has(p.name)).map((p) => p.name)).toEqual([]);
  });
});
