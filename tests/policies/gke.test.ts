import { describe, expect, it } from "vitest";
import {
  gkeBinaryAuthorization,
  gkeControlPlaneNotPublic,
  gkeDeletionProtection,
  gkeLoggingMonitoring,
  gkeNetworkPolicy,
  gkeNoAlphaFeatures,
  gkeNoClientCertificate,
  gkeNodeServiceAccount,
  gkeNoLegacyAbac,
  gkeNotInFeatureStacks,
  gkePrivateNodes,
  gkeReleaseChannel,
  gkeShieldedNodes,
  gkeWorkloadIdentity,
} from "../../policies/gke";
import { mutate, UNSET, withOptions } from "../fixtures/policies/build";
import { gkeFixtures } from "../fixtures/policies/gke";
import { previewOf } from "../fixtures/policies/preview";
import { messagesOf, stackMessages } from "./harness";

const autopilot = gkeFixtures.autopilotCluster;
const standard = gkeFixtures.standardCluster;
const pool = gkeFixtures.nodePool;
const AP = 'GKE cluster "m6-prod-obs"';
const STD = 'GKE cluster "m6-prod-std"';
const POOL = 'GKE node pool "m6-prod-std-pool"';
/** The Autopilot fixture turned into a Standard cluster that sets none of the Standard-only fields. */
const bareStandard = () => mutate(autopilot(), "enableAutopilot", UNSET);
const COMPUTE_DEFAULT = "123456789012-compute@developer.gserviceaccount.com";

describe("gke-private-nodes", () => {
  const p = gkePrivateNodes;
  it("passes private nodes on Autopilot, Standard and node pools", async () => {
    for (const r of [autopilot(), standard(), pool()]) expect(await messagesOf(p, r)).toEqual([]);
  });
  it("refuses public nodes: enablePrivateNodes false or unset, or a node pool turning it off", async () => {
    expect(
      await messagesOf(p, mutate(autopilot(), "privateClusterConfig.enablePrivateNodes", false)),
    ).toEqual([
      `${AP} must use private nodes (privateClusterConfig.enablePrivateNodes: true); privateClusterConfig.enablePrivateNodes is false`,
    ]);
    expect(await messagesOf(p, mutate(autopilot(), "privateClusterConfig", UNSET))).toEqual([
      `${AP} must use private nodes (privateClusterConfig.enablePrivateNodes: true); privateClusterConfig.enablePrivateNodes is unset, which gives every node a public IP address`,
    ]);
    expect(await messagesOf(p, mutate(pool(), "networkConfig.enablePrivateNodes", false))).toEqual([
      `${POOL} must keep private nodes (networkConfig.enablePrivateNodes is false)`,
    ]);
  });
});

describe("gke-control-plane-not-public", () => {
  const p = gkeControlPlaneNotPublic;
  it("passes the DNS endpoint only, a private endpoint, and authorized networks", async () => {
    expect(await messagesOf(p, autopilot())).toEqual([]);
    expect(await messagesOf(p, standard())).toEqual([]);
    const authorized = mutate(
      mutate(autopilot(), "controlPlaneEndpointsConfig.ipEndpointsConfig.enabled", true),
      "masterAuthorizedNetworksConfig",
      { cidrBlocks: [{ cidrBlock: "203.0.113.0/24", displayName: "office" }] },
    );
    expect(await messagesOf(p, authorized)).toEqual([]);
  });
  it("refuses the IP endpoint without authorized networks (one mutation of the design)", async () => {
    expect(
      await messagesOf(p, mutate(autopilot(), "controlPlaneEndpointsConfig.ipEndpointsConfig.enabled", true)),
    ).toEqual([
      `${AP} must turn its IP endpoint off (controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false, the DNS endpoint stays) or limit it with masterAuthorizedNetworksConfig; masterAuthorizedNetworksConfig is unset, which opens the public endpoint to every address`,
    ]);
    expect(await messagesOf(p, mutate(autopilot(), "controlPlaneEndpointsConfig", UNSET))).toHaveLength(1);
  });
  it("refuses 0.0.0.0/0, ::/0 and every Google Cloud address, even with the IP endpoint off", async () => {
    expect(
      await messagesOf(
        p,
        mutate(standard(), "masterAuthorizedNetworksConfig.cidrBlocks", [
          { cidrBlock: "0.0.0.0/0", displayName: "the world" },
          { cidrBlock: "::/0" },
        ]),
      ),
    ).toEqual([
      `${STD} must not authorize "0.0.0.0/0" to reach the control plane (every address)`,
      `${STD} must not authorize "::/0" to reach the control plane (every address)`,
    ]);
    expect(
      await messagesOf(
        p,
        mutate(autopilot(), "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled", true),
      ),
    ).toEqual([
      `${AP} must not admit every Google Cloud public IP address to the control plane (masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled is true)`,
    ]);
  });
});

describe("gke-workload-identity", () => {
  const p = gkeWorkloadIdentity;
  it("passes Autopilot without workloadIdentityConfig (always on), fails a Standard cluster without it", async () => {
    expect(await messagesOf(p, autopilot())).toEqual([]);
    expect(await messagesOf(p, bareStandard())).toEqual([
      `${AP} must enable Workload Identity Federation (workloadIdentityConfig.workloadPool "<project>.svc.id.goog"); workloadIdentityConfig.workloadPool is unset, which leaves every pod with the node's service account`,
    ]);
  });
  it("passes Standard with a workload pool; refuses GCE_METADATA on node pools", async () => {
    expect(await messagesOf(p, standard())).toEqual([]);
    expect(await messagesOf(p, mutate(standard(), "workloadIdentityConfig.workloadPool", ""))).toHaveLength(
      1,
    );
    expect(await messagesOf(p, pool())).toEqual([]);
    expect(
      await messagesOf(p, mutate(pool(), "nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA")),
    ).toEqual([
      `${POOL} must not expose the node's metadata server to pods (nodeConfig.workloadMetadataConfig.mode is "GCE_METADATA"; use GKE_METADATA)`,
    ]);
  });
  it("gives a pool computed from another resource the benefit of the doubt at preview", async () => {
    const computed = withOptions(mutate(standard(), "workloadIdentityConfig.workloadPool", "[unknown]"), {});
    expect(await messagesOf(p, computed, { preview: true })).toEqual([]);
  });
});

describe("gke-release-channel", () => {
  const p = gkeReleaseChannel;
  it("passes REGULAR and STABLE", async () => {
    expect(await messagesOf(p, autopilot())).toEqual([]);
    expect(await messagesOf(p, standard())).toEqual([]);
  });
  it("refuses RAPID, UNSPECIFIED, EXTENDED and an unset channel", async () => {
    expect(await messagesOf(p, mutate(autopilot(), "releaseChannel.channel", "RAPID"))).toEqual([
      `${AP} must use the REGULAR or STABLE release channel; releaseChannel.channel is "RAPID"`,
    ]);
    for (const channel of ["UNSPECIFIED", "EXTENDED"])
      expect(await messagesOf(p, mutate(autopilot(), "releaseChannel.channel", channel))).toHaveLength(1);
    expect(await messagesOf(p, mutate(autopilot(), "releaseChannel", UNSET))).toEqual([
      `${AP} must use the REGULAR or STABLE release channel; releaseChannel.channel is unset, which leaves the channel to GKE's default and unmanaged`,
    ]);
  });
});

describe("gke-shielded-nodes", () => {
  const p = gkeShieldedNodes;
  it("passes Autopilot without enableShieldedNodes or secure boot (pre-configured), fails Standard without secure boot", async () => {
    expect(await messagesOf(p, autopilot())).toEqual([]);
    expect(await messagesOf(p, bareStandard())).toEqual([
      `${AP} must boot its nodes with secure boot; nodeConfig.shieldedInstanceConfig.enableSecureBoot is unset, which the provider treats as false`,
    ]);
  });
  it("refuses enableShieldedNodes false on Standard; checks node pools' secure boot and integrity monitoring", async () => {
    expect(await messagesOf(p, standard())).toEqual([]);
    expect(await messagesOf(p, mutate(standard(), "enableShieldedNodes", false))).toEqual([
      `${STD} must use Shielded GKE Nodes (enableShieldedNodes is false)`,
    ]);
    expect(await messagesOf(p, pool())).toEqual([]);
    expect(
      await messagesOf(p, mutate(pool(), "nodeConfig.shieldedInstanceConfig.enableSecureBoot", UNSET)),
    ).toEqual([
      `${POOL} must boot its nodes with secure boot; nodeConfig.shieldedInstanceConfig.enableSecureBoot is unset, which the provider treats as false`,
    ]);
    expect(
      await messagesOf(
        p,
        mutate(pool(), "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", false),
      ),
    ).toEqual([
      `${POOL} must keep integrity monitoring on its nodes (nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring is false)`,
    ]);
  });
});

describe("gke-network-policy", () => {
  const p = gkeNetworkPolicy;
  it("passes Autopilot without datapathProvider (Dataplane V2 always on), fails Standard without it", async () => {
    expect(await messagesOf(p, autopilot())).toEqual([]);
    expect(await messagesOf(p, bareStandard())).toEqual([
      `${AP} must enforce NetworkPolicy (datapathProvider "ADVANCED_DATAPATH", or networkPolicy.enabled with the network policy add-on); datapathProvider is unset, which is LEGACY_DATAPATH; networkPolicy.enabled is unset, which is false`,
    ]);
  });
  it("passes Dataplane V2 or Calico with its add-on; refuses Calico without the add-on", async () => {
    expect(await messagesOf(p, standard())).toEqual([]);
    const calico = mutate(
      mutate(mutate(standard(), "datapathProvider", UNSET), "networkPolicy", { enabled: true }),
      "addonsConfig.networkPolicyConfig.disabled",
      false,
    );
    expect(await messagesOf(p, calico)).toEqual([]);
    expect(await messagesOf(p, mutate(calico, "addonsConfig", UNSET))).toEqual([
      `${STD} must enforce NetworkPolicy (datapathProvider "ADVANCED_DATAPATH", or networkPolicy.enabled with the network policy add-on); addonsConfig.networkPolicyConfig.disabled is unset, which leaves the network policy add-on off`,
    ]);
  });
});

describe("gke-no-legacy-abac", () => {
  it("refuses enableLegacyAbac true; unset is false", async () => {
    expect(await messagesOf(gkeNoLegacyAbac, autopilot())).toEqual([]);
    expect(await messagesOf(gkeNoLegacyAbac, mutate(autopilot(), "enableLegacyAbac", true))).toEqual([
      `${AP} must not enable legacy ABAC authorization (enableLegacyAbac is true)`,
    ]);
  });
  it("applies to Standard clusters the same way (Autopilot vs Standard)", async () => {
    expect(await messagesOf(gkeNoLegacyAbac, standard())).toEqual([]);
    expect(await messagesOf(gkeNoLegacyAbac, mutate(standard(), "enableLegacyAbac", true))).toEqual([
      `${STD} must not enable legacy ABAC authorization (enableLegacyAbac is true)`,
    ]);
  });
});

describe("gke-no-client-certificate", () => {
  it("refuses issueClientCertificate true; unset and false pass", async () => {
    const p = gkeNoClientCertificate;
    expect(await messagesOf(p, autopilot())).toEqual([]);
    const cert = (v: boolean) =>
      mutate(autopilot(), "masterAuth", { clientCertificateConfig: { issueClientCertificate: v } });
    expect(await messagesOf(p, cert(false))).toEqual([]);
    expect(await messagesOf(p, cert(true))).toEqual([
      `${AP} must not issue a client certificate (masterAuth.clientCertificateConfig.issueClientCertificate is true)`,
    ]);
  });
  it("applies to Standard clusters the same way (Autopilot vs Standard)", async () => {
    const p = gkeNoClientCertificate;
    expect(await messagesOf(p, standard())).toEqual([]);
    const cert = mutate(standard(), "masterAuth", {
      clientCertificateConfig: { issueClientCertificate: true },
    });
    expect(await messagesOf(p, cert)).toEqual([
      `${STD} must not issue a client certificate (masterAuth.clientCertificateConfig.issueClientCertificate is true)`,
    ]);
  });
});

describe("gke-binary-authorization", () => {
  const p = gkeBinaryAuthorization;
  it("passes PROJECT_SINGLETON_POLICY_ENFORCE and the deprecated enabled flag", async () => {
    expect(await messagesOf(p, autopilot())).toEqual([]);
    expect(await messagesOf(p, mutate(standard(), "binaryAuthorization", { enabled: true }))).toEqual([]);
  });
  it("refuses DISABLED and unset", async () => {
    expect(
      await messagesOf(p, mutate(autopilot(), "binaryAuthorization.evaluationMode", "DISABLED")),
    ).toEqual([
      `${AP} must enforce Binary Authorization (binaryAuthorization.evaluationMode "PROJECT_SINGLETON_POLICY_ENFORCE"); binaryAuthorization.evaluationMode is "DISABLED"`,
    ]);
    expect(await messagesOf(p, mutate(autopilot(), "binaryAuthorization", UNSET))).toEqual([
      `${AP} must enforce Binary Authorization (binaryAuthorization.evaluationMode "PROJECT_SINGLETON_POLICY_ENFORCE"); binaryAuthorization.evaluationMode is unset, which is DISABLED`,
    ]);
  });
});

describe("gke-no-alpha-features", () => {
  it("refuses enableKubernetesAlpha true", async () => {
    expect(await messagesOf(gkeNoAlphaFeatures, autopilot())).toEqual([]);
    expect(await messagesOf(gkeNoAlphaFeatures, mutate(autopilot(), "enableKubernetesAlpha", true))).toEqual([
      `${AP} must not enable Kubernetes alpha features (enableKubernetesAlpha is true)`,
    ]);
  });
  it("applies to Standard clusters the same way (Autopilot vs Standard)", async () => {
    expect(await messagesOf(gkeNoAlphaFeatures, standard())).toEqual([]);
    expect(await messagesOf(gkeNoAlphaFeatures, mutate(standard(), "enableKubernetesAlpha", true))).toEqual([
      `${STD} must not enable Kubernetes alpha features (enableKubernetesAlpha is true)`,
    ]);
  });
});

describe("gke-logging-monitoring", () => {
  const p = gkeLoggingMonitoring;
  it("passes system and workload logs, and unset configs (GKE's defaults)", async () => {
    expect(await messagesOf(p, autopilot())).toEqual([]);
    expect(await messagesOf(p, standard())).toEqual([]);
  });
  it('refuses "none" services and component lists without system or workload logs', async () => {
    expect(await messagesOf(p, mutate(autopilot(), "loggingService", "none"))).toEqual([
      `${AP} must not turn loggingService off (it is "none")`,
    ]);
    expect(await messagesOf(p, mutate(autopilot(), "monitoringService", "none"))).toEqual([
      `${AP} must not turn monitoringService off (it is "none")`,
    ]);
    expect(
      await messagesOf(p, mutate(autopilot(), "loggingConfig.enableComponents", ["SYSTEM_COMPONENTS"])),
    ).toEqual([
      `${AP} must enable SYSTEM_COMPONENTS and WORKLOADS in loggingConfig.enableComponents; missing: WORKLOADS`,
    ]);
    expect(await messagesOf(p, mutate(autopilot(), "monitoringConfig.enableComponents", []))).toEqual([
      `${AP} must enable SYSTEM_COMPONENTS in monitoringConfig.enableComponents; missing: SYSTEM_COMPONENTS`,
    ]);
  });
  it("refuses the same on a Standard cluster (Autopilot vs Standard)", async () => {
    expect(await messagesOf(p, mutate(standard(), "loggingService", "none"))).toEqual([
      `${STD} must not turn loggingService off (it is "none")`,
    ]);
    expect(
      await messagesOf(p, mutate(standard(), "loggingConfig", { enableComponents: ["WORKLOADS"] })),
    ).toEqual([
      `${STD} must enable SYSTEM_COMPONENTS and WORKLOADS in loggingConfig.enableComponents; missing: SYSTEM_COMPONENTS`,
    ]);
  });
});

describe("gke-node-service-account", () => {
  const p = gkeNodeServiceAccount;
  const AUTO_SA = "clusterAutoscaling.autoProvisioningDefaults.serviceAccount";
  it("passes a dedicated account on Autopilot, Standard without a default pool, and node pools", async () => {
    for (const r of [autopilot(), standard(), pool()]) expect(await messagesOf(p, r)).toEqual([]);
  });
  it("refuses Autopilot without the auto-provisioning account, or with default/compute default", async () => {
    expect(await messagesOf(p, mutate(autopilot(), AUTO_SA, UNSET))).toEqual([
      `${AP} must run its nodes as a dedicated service account; ${AUTO_SA} is unset, which is the Compute Engine default service account`,
    ]);
    expect(await messagesOf(p, mutate(autopilot(), AUTO_SA, COMPUTE_DEFAULT))).toEqual([
      `${AP} must run its nodes as a dedicated service account; ${AUTO_SA} is "${COMPUTE_DEFAULT}"`,
    ]);
    expect(await messagesOf(p, mutate(autopilot(), AUTO_SA, "default"))).toHaveLength(1);
  });
  it("checks a Standard cluster's default pool and auto-provisioning, and node pools", async () => {
    expect(await messagesOf(p, bareStandard())).toEqual([
      `${AP} must run its nodes as a dedicated service account; nodeConfig.serviceAccount is unset, which is the Compute Engine default service account`,
    ]);
    expect(await messagesOf(p, mutate(standard(), "clusterAutoscaling.enabled", true))).toHaveLength(1);
    expect(await messagesOf(p, mutate(pool(), "nodeConfig.serviceAccount", COMPUTE_DEFAULT))).toEqual([
      `${POOL} must run its nodes as a dedicated service account; nodeConfig.serviceAccount is "${COMPUTE_DEFAULT}"`,
    ]);
  });
  it("accepts an account computed from another resource at preview", async () => {
    expect(await messagesOf(p, mutate(autopilot(), AUTO_SA, "[unknown]"), { preview: true })).toEqual([]);
  });
});

describe("gke-deletion-protection", () => {
  const p = gkeDeletionProtection;
  it("passes protection on (and unset, which is true) with protect in prod", async () => {
    expect(await messagesOf(p, autopilot())).toEqual([]);
    expect(await messagesOf(p, mutate(autopilot(), "deletionProtection", UNSET))).toEqual([]);
  });
  it("refuses deletionProtection false or a missing protect in prod", async () => {
    expect(await messagesOf(p, mutate(autopilot(), "deletionProtection", false))).toEqual([
      `${AP} must keep deletion protection in this environment (deletionProtection is false)`,
    ]);
    expect(await messagesOf(p, withOptions(autopilot(), { protect: false }))).toEqual([
      `${AP} must carry Pulumi \`protect\` in this environment`,
    ]);
  });
  it("applies to Standard clusters the same way (Autopilot vs Standard)", async () => {
    expect(await messagesOf(p, standard())).toEqual([]);
    expect(await messagesOf(p, mutate(standard(), "deletionProtection", false))).toEqual([
      `${STD} must keep deletion protection in this environment (deletionProtection is false)`,
    ]);
  });
  it("exempts staging by default (its env label) and follows the environments config", async () => {
    const staging = mutate(mutate(autopilot(), "deletionProtection", false), "resourceLabels.env", "staging");
    expect(await messagesOf(p, staging, { env: "staging" })).toEqual([]);
    expect(await messagesOf(p, staging, { env: "staging", config: { environments: ["staging"] } })).toEqual([
      `${AP} must keep deletion protection in this environment (deletionProtection is false)`,
    ]);
  });
});

describe("gke-not-in-feature-stacks (stack)", () => {
  const p = gkeNotInFeatureStacks;
  const plane = () => [
    gkeFixtures.autopilotCluster(),
    gkeFixtures.kubernetesProvider(),
    gkeFixtures.namespace(),
    gkeFixtures.helmRelease(),
  ];
  it("passes GKE and Kubernetes resources in prod and staging", async () => {
    expect(await stackMessages(p, plane())).toEqual([]);
    expect(
      await stackMessages(p, plane(), { env: "staging", stackTags: { environment: "staging" } }),
    ).toEqual([]);
  });
  it("refuses each of them in a feature stack known by its provider's env label alone (no stack tag)", async () => {
    expect(await stackMessages(p, plane(), { env: "feature" })).toEqual([
      'Feature stacks must not hold GKE or Kubernetes resources; gcp:container/cluster:Cluster "obs-cluster" is one',
      'Feature stacks must not hold GKE or Kubernetes resources; pulumi:providers:kubernetes "obs-k8s" is one',
      'Feature stacks must not hold GKE or Kubernetes resources; kubernetes:core/v1:Namespace "obs-grafana" is one',
      'Feature stacks must not hold GKE or Kubernetes resources; kubernetes:helm.sh/v3:Release "obs-grafana" is one',
    ]);
  });
  it("knows a feature stack by its tag, its environment.kind output or its name, also at preview", async () => {
    const ns = [gkeFixtures.namespace()];
    expect(await stackMessages(p, ns, { env: null, stackTags: { environment: "feature" } })).toHaveLength(1);
    const root = {
      urn: "urn:pulumi:prod::module6::pulumi:pulumi:Stack::module6-x",
      custom: false,
      type: "pulumi:pulumi:Stack",
      inputs: {},
      outputs: { environment: { kind: "feature" } },
    };
    expect(await stackMessages(p, [root, ...ns], { env: null })).toHaveLength(1);
    const named = {
      ...gkeFixtures.namespace(),
      urn: "urn:pulumi:feature-pr-7::module6::kubernetes:core/v1:Namespace::ns",
    };
    expect(await stackMessages(p, [named], { env: null })).toHaveLength(1);
    expect(await stackMessages(p, previewOf(plane()), { env: "feature", preview: true })).toHaveLength(4);
    expect(await stackMessages(p, ns, { env: null })).toEqual([]);
  });
});
