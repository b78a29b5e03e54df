/**
 * GKE: private nodes, a control plane that is not public, Workload Identity, a release channel, shielded
 * nodes, network policy enforcement, no legacy ABAC, no client certificate, Binary Authorization, no alpha
 * features, logging and monitoring, a dedicated node service account, deletion protection in prod, and no
 * GKE or Kubernetes resource in a feature stack.
 *
 * Autopilot (`enableAutopilot: true`) enforces several of these itself and the provider refuses the fields
 * that would set them (`ConflictsWith: enable_autopilot` in hashicorp/terraform-provider-google-beta
 * google-beta/services/container/resource_container_cluster.go: enable_shielded_nodes,
 * addons_config.network_policy_config, binary_authorization.enabled, node_pool, …): those policies pass an
 * Autopilot cluster without the fields and hold a Standard cluster to them. Each implicit setting cites
 * GKE's documentation next to the check that relies on it. Values computed from other resources (unknown at
 * preview) are given the benefit of the doubt; the plan and `pulumi up` see them.
 */
import type { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { configProperties, readConfig, schema } from "./lib/config";
import { inEnvironments } from "./lib/environment";
import { checkov } from "./lib/frameworks";
import { isDefaultServiceAccount } from "./lib/members";
import { at, isUnknown } from "./lib/path";
import { resourcePolicy, stackPolicy, type Module6Policy } from "./lib/policy";
import { K, T } from "./lib/tokens";
import { q, records, shown, str, strings, UNKNOWN } from "./lib/values";
import { stackEnvironments } from "./lib/stack-environment";

type Props = Record<string, unknown>;

const CLUSTER_AND_POOLS = [T.gkeCluster, T.gkeNodePool] as const;

/** `GKE cluster "obs"` / `GKE node pool "obs-pool"`, for messages. */
function subject(props: Props, args: ResourceValidationArgs): string {
  const name = at(props, "name");
  const shownName = typeof name === "string" && !name.startsWith("[") ? name : args.name;
  return `${args.type === T.gkeNodePool ? "GKE node pool" : "GKE cluster"} ${q(shownName)}`;
}

/** True, false, or UNKNOWN: is the cluster Autopilot? (Unset `enableAutopilot` is false: Standard.) */
const autopilotOf = (props: Props): boolean | typeof UNKNOWN => {
  const value = at(props, "enableAutopilot");
  return isUnknown(value) ? UNKNOWN : value === true;
};

/**
 * True when a Standard cluster keeps the default node pool its `nodeConfig` describes (the program's
 * clusters are Autopilot; a Standard cluster that removes it configures its node pools as NodePool resources).
 */
const keepsDefaultPool = (props: Props): boolean => at(props, "removeDefaultNodePool") !== true;

export const gkePrivateNodes = resourcePolicy(
  {
    name: "gke-private-nodes",
    domain: "gke",
    description:
      "Checks that a GKE cluster gives its nodes internal IP addresses only (privateClusterConfig.enablePrivateNodes true; Autopilot too, where it is a choice, not a default) and that no node pool turns that off (networkConfig.enablePrivateNodes false). Unset enablePrivateNodes gives every node a public IP address (Stricter than CKV_GCP_25 and CKV_GCP_64, which accept any privateClusterConfig block).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Set `privateClusterConfig: { enablePrivateNodes: true }`; nodes reach the internet through the network's Cloud NAT.",
    framework: checkov("CKV_GCP_64", "Ensure clusters are created with Private Nodes"),
    otherIds: ["CKV_GCP_25"],
    types: CLUSTER_AND_POOLS,
  },
  (props, args, report) => {
    // https://cloud.google.com/kubernetes-engine/docs/how-to/latest/network-isolation: private nodes have
    // internal IP addresses only; a node pool's network_config.enable_private_nodes overrides the cluster's.
    if (args.type === T.gkeNodePool) {
      if (at(props, "networkConfig.enablePrivateNodes") === false)
        report(`${subject(props, args)} must keep private nodes (networkConfig.enablePrivateNodes is false)`);
      return;
    }
    const value = at(props, "privateClusterConfig.enablePrivateNodes");
    if (value === true || isUnknown(value)) return;
    report(
      `${subject(props, args)} must use private nodes (privateClusterConfig.enablePrivateNodes: true); ${shown("privateClusterConfig.enablePrivateNodes", value, "gives every node a public IP address")}`,
    );
  },
);

/** True for a CIDR that admits every address (`0.0.0.0/0`, `::/0`, any `/0`). */
export const isOpenCidr = (cidr: string): boolean => /\/0$/.test(cidr.trim());

export const gkeControlPlaneNotPublic = resourcePolicy(
  {
    name: "gke-control-plane-not-public",
    domain: "gke",
    description:
      "Checks that a GKE control plane is not reachable from any address: either its IP endpoints are off (controlPlaneEndpointsConfig.ipEndpointsConfig.enabled false; the IAM-gated DNS endpoint stays), or its public endpoint is off (privateClusterConfig.enablePrivateEndpoint true), or masterAuthorizedNetworksConfig limits it; in every case no authorized network may be a /0 (0.0.0.0/0, ::/0) and gcpPublicCidrsAccessEnabled may not admit every Google Cloud address. Unset masterAuthorizedNetworksConfig with the IP endpoint on leaves the public endpoint open to the internet (Stricter than CKV_GCP_18, which passes that).",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Set `controlPlaneEndpointsConfig: { ipEndpointsConfig: { enabled: false }, dnsEndpointConfig: { allowExternalTraffic: true } }` and reach the cluster through its DNS endpoint (IAM-gated), or list the admin networks in `masterAuthorizedNetworksConfig.cidrBlocks` (never 0.0.0.0/0).",
    framework: checkov("CKV_GCP_18", "Ensure GKE Control Plane is not public"),
    types: [T.gkeCluster],
  },
  (props, args, report) => {
    // https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation: the DNS-based endpoint
    // authorises every request with IAM; the IP-based endpoints are limited by authorized networks only, and
    // without them the external endpoint accepts any address. Provider fields:
    // hashicorp/terraform-provider-google-beta google-beta/services/container/resource_container_cluster.go
    // (control_plane_endpoints_config.ip_endpoints_config.enabled, master_authorized_networks_config).
    const name = subject(props, args);
    const cidrs = records(at(props, "masterAuthorizedNetworksConfig.cidrBlocks"));
    for (const block of cidrs) {
      const cidr = str(block.cidrBlock);
      if (cidr !== undefined && isOpenCidr(cidr))
        report(`${name} must not authorize ${q(cidr)} to reach the control plane (every address)`);
    }
    if (at(props, "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled") === true)
      report(
        `${name} must not admit every Google Cloud public IP address to the control plane (masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled is true)`,
      );
    const ipEndpoints = at(props, "controlPlaneEndpointsConfig.ipEndpointsConfig.enabled");
    if (ipEndpoints === false || isUnknown(ipEndpoints)) return;
    const privateEndpoint = at(props, "privateClusterConfig.enablePrivateEndpoint");
    if (privateEndpoint === true || isUnknown(privateEndpoint)) return;
    const authorized = at(props, "masterAuthorizedNetworksConfig");
    if (authorized !== undefined && authorized !== null) return;
    report(
      `${name} must turn its IP endpoint off (controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false, the DNS endpoint stays) or limit it with masterAuthorizedNetworksConfig; masterAuthorizedNetworksConfig is unset, which opens the public endpoint to every address`,
    );
  },
);

export const gkeWorkloadIdentity = resourcePolicy(
  {
    name: "gke-workload-identity",
    domain: "gke",
    description:
      "Checks that pods reach Google Cloud as their own Kubernetes service account, not as the node: a Standard cluster sets workloadIdentityConfig.workloadPool (`<project>.svc.id.goog`), and neither its default node pool nor a node pool exposes the node's metadata (nodeConfig.workloadMetadataConfig.mode GCE_METADATA). Autopilot always enables Workload Identity Federation, without the field. Unset workloadPool on Standard leaves every pod with the node's service account.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      'Set `workloadIdentityConfig: { workloadPool: "<project>.svc.id.goog" }` (Standard) and leave node pools at GKE_METADATA; grant roles to `principal://…/subject/ns/<ns>/sa/<ksa>`.',
    types: CLUSTER_AND_POOLS,
  },
  (props, args, report) => {
    // https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity: "In Autopilot, Workload
    // Identity Federation for GKE is always enabled"; on Standard the cluster needs a workload pool and node
    // pools the GKE metadata server (GKE_METADATA; GCE_METADATA exposes the node's credentials).
    const name = subject(props, args);
    const mode = at(props, "nodeConfig.workloadMetadataConfig.mode");
    if (mode === "GCE_METADATA")
      report(
        `${name} must not expose the node's metadata server to pods (nodeConfig.workloadMetadataConfig.mode is "GCE_METADATA"; use GKE_METADATA)`,
      );
    if (args.type === T.gkeNodePool) return;
    const autopilot = autopilotOf(props);
    if (autopilot !== false) return;
    const pool = at(props, "workloadIdentityConfig.workloadPool");
    if (isUnknown(pool) || (typeof pool === "string" && pool.trim() !== "")) return;
    report(
      `${name} must enable Workload Identity Federation (workloadIdentityConfig.workloadPool "<project>.svc.id.goog"); ${shown("workloadIdentityConfig.workloadPool", pool, "leaves every pod with the node's service account")}`,
    );
  },
);

/** The release channels the pack accepts. */
export const RELEASE_CHANNELS = ["REGULAR", "STABLE"];

export const gkeReleaseChannel = resourcePolicy(
  {
    name: "gke-release-channel",
    domain: "gke",
    description:
      "Checks that a GKE cluster is enrolled explicitly in the REGULAR or STABLE release channel, so GKE upgrades the control plane and nodes with GA-quality versions: RAPID versions are not subject to any SLA, UNSPECIFIED (no channel) and EXTENDED leave upgrades to the operator. Unset releaseChannel leaves the enrolment to GKE's default and the provider stops managing it (Stricter than CKV_GCP_70, which accepts any channel).",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: 'Set `releaseChannel: { channel: "REGULAR" }` (or "STABLE") and a maintenance window.',
    framework: checkov("CKV_GCP_70", "Ensure the GKE Release Channel is set"),
    types: [T.gkeCluster],
  },
  (props, args, report) => {
    // Channels: provider validation UNSPECIFIED | RAPID | REGULAR | STABLE | EXTENDED
    // (resource_container_cluster.go, release_channel.channel); GKE API ReleaseChannel.Channel: "RAPID …
    // may be subject to unresolved issues with no known workaround and are not subject to any SLAs",
    // REGULAR "GA quality", STABLE "known to be stable and reliable in production"
    // (https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters#channel,
    // https://cloud.google.com/kubernetes-engine/docs/concepts/release-channels).
    const channel = at(props, "releaseChannel.channel");
    if (isUnknown(channel) || (typeof channel === "string" && RELEASE_CHANNELS.includes(channel))) return;
    report(
      `${subject(props, args)} must use the ${RELEASE_CHANNELS.join(" or ")} release channel; ${shown("releaseChannel.channel", channel, "leaves the channel to GKE's default and unmanaged")}`,
    );
  },
);

export const gkeShieldedNodes = resourcePolicy(
  {
    name: "gke-shielded-nodes",
    domain: "gke",
    description:
      "Checks that GKE nodes are Shielded VMs with secure boot and integrity monitoring: a Standard cluster keeps enableShieldedNodes (unset is true) and, with its default node pool, sets nodeConfig.shieldedInstanceConfig.enableSecureBoot; a node pool sets enableSecureBoot (unset is false) and keeps enableIntegrityMonitoring (unset is true). Autopilot always uses Shielded GKE Nodes with secure boot, and the provider refuses enableShieldedNodes there.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      "Remove `enableShieldedNodes: false`; set `nodeConfig.shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true }` on Standard node pools (or use Autopilot).",
    types: CLUSTER_AND_POOLS,
  },
  (props, args, report) => {
    // Autopilot: Shielded GKE Nodes and secure boot are pre-configured ("always enabled", Autopilot and
    // Standard feature comparison, https://cloud.google.com/kubernetes-engine/docs/resources/autopilot-standard-feature-comparison);
    // enable_shielded_nodes defaults to true and conflicts with enable_autopilot; node_config's
    // shielded_instance_config.enable_secure_boot defaults to false and enable_integrity_monitoring to true
    // (terraform-provider-google-beta google-beta/services/container/resource_container_cluster.go and
    // node_config.go). https://cloud.google.com/kubernetes-engine/docs/how-to/shielded-gke-nodes
    const name = subject(props, args);
    const checkNodeConfig = (): void => {
      const secureBoot = at(props, "nodeConfig.shieldedInstanceConfig.enableSecureBoot");
      if (secureBoot !== true && !isUnknown(secureBoot))
        report(
          `${name} must boot its nodes with secure boot; ${shown("nodeConfig.shieldedInstanceConfig.enableSecureBoot", secureBoot, "the provider treats as false")}`,
        );
      if (at(props, "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring") === false)
        report(
          `${name} must keep integrity monitoring on its nodes (nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring is false)`,
        );
    };
    if (args.type === T.gkeNodePool) return checkNodeConfig();
    if (autopilotOf(props) !== false) return;
    if (at(props, "enableShieldedNodes") === false)
      report(`${name} must use Shielded GKE Nodes (enableShieldedNodes is false)`);
    if (keepsDefaultPool(props)) checkNodeConfig();
  },
);

export const gkeNetworkPolicy = resourcePolicy(
  {
    name: "gke-network-policy",
    domain: "gke",
    description:
      "Checks that a GKE cluster enforces Kubernetes NetworkPolicy objects: Autopilot always runs GKE Dataplane V2, which enforces them; a Standard cluster sets datapathProvider ADVANCED_DATAPATH (Dataplane V2), or networkPolicy.enabled true with the network policy add-on on (addonsConfig.networkPolicyConfig.disabled false). Unset datapathProvider is LEGACY_DATAPATH without enforcement: a default-deny policy would be ignored (Stricter than CKV_GCP_12, which does not ask for the add-on).",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      'Use Autopilot, or set `datapathProvider: "ADVANCED_DATAPATH"` when creating a Standard cluster (it cannot change later).',
    framework: checkov("CKV_GCP_12", "Ensure Network Policy is enabled on Kubernetes Engine Clusters"),
    types: [T.gkeCluster],
  },
  (props, args, report) => {
    // "GKE Dataplane V2 is always enabled in new Autopilot clusters"
    // (https://cloud.google.com/kubernetes-engine/docs/how-to/dataplane-v2) and "Kubernetes network policy
    // is always on in clusters with Dataplane V2" (https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2).
    // The Calico path needs network_policy.enabled and the network_policy_config add-on, which "must be
    // enabled in order to enable network policy for the nodes" and defaults to disabled
    // (resource_container_cluster.go; https://cloud.google.com/kubernetes-engine/docs/how-to/network-policy).
    if (autopilotOf(props) !== false) return;
    const datapath = at(props, "datapathProvider");
    if (datapath === "ADVANCED_DATAPATH" || isUnknown(datapath)) return;
    const enabled = at(props, "networkPolicy.enabled");
    const addonDisabled = at(props, "addonsConfig.networkPolicyConfig.disabled");
    if (isUnknown(enabled) || isUnknown(addonDisabled)) return;
    if (enabled === true && addonDisabled === false) return;
    const why =
      enabled === true
        ? shown(
            "addonsConfig.networkPolicyConfig.disabled",
            addonDisabled,
            "leaves the network policy add-on off",
          )
        : `${shown("datapathProvider", datapath, "is LEGACY_DATAPATH")}; ${shown("networkPolicy.enabled", enabled, "is false")}`;
    report(
      `${subject(props, args)} must enforce NetworkPolicy (datapathProvider "ADVANCED_DATAPATH", or networkPolicy.enabled with the network policy add-on); ${why}`,
    );
  },
);

export const gkeNoLegacyAbac = resourcePolicy(
  {
    name: "gke-no-legacy-abac",
    domain: "gke",
    description:
      "Checks that a GKE cluster does not enable the legacy ABAC authorizer (enableLegacyAbac true), which grants static permissions beyond RBAC and IAM. Unset enableLegacyAbac is false.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Remove `enableLegacyAbac: true`; authorize with RBAC and IAM.",
    framework: checkov(
      "CKV_GCP_7",
      "Ensure Legacy Authorization is set to Disabled on Kubernetes Engine Clusters",
    ),
    types: [T.gkeCluster],
  },
  (props, args, report) => {
    // https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster#leave_abac_disabled;
    // enable_legacy_abac defaults to false (resource_container_cluster.go).
    if (at(props, "enableLegacyAbac") === true)
      report(`${subject(props, args)} must not enable legacy ABAC authorization (enableLegacyAbac is true)`);
  },
);

export const gkeNoClientCertificate = resourcePolicy(
  {
    name: "gke-no-client-certificate",
    domain: "gke",
    description:
      "Checks that a GKE cluster does not issue a client certificate (masterAuth.clientCertificateConfig.issueClientCertificate true): a long-lived credential that cannot be revoked short of rotating the cluster's CA, kept in state. Unset is false.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Remove `issueClientCertificate: true`; authenticate with `gke-gcloud-auth-plugin` (IAM).",
    framework: checkov(
      "CKV_GCP_13",
      "Ensure client certificate authentication to Kubernetes Engine Clusters is disabled",
    ),
    types: [T.gkeCluster],
  },
  (props, args, report) => {
    // https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster#restrict_authn_methods
    if (at(props, "masterAuth.clientCertificateConfig.issueClientCertificate") === true)
      report(
        `${subject(props, args)} must not issue a client certificate (masterAuth.clientCertificateConfig.issueClientCertificate is true)`,
      );
  },
);

export const gkeBinaryAuthorization = resourcePolicy(
  {
    name: "gke-binary-authorization",
    domain: "gke",
    description:
      "Checks that a GKE cluster enforces Binary Authorization: binaryAuthorization.evaluationMode PROJECT_SINGLETON_POLICY_ENFORCE (or the deprecated binaryAuthorization.enabled true on Standard). Unset is DISABLED: any image runs.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      'Set `binaryAuthorization: { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" }` and keep the project\'s Binary Authorization policy to trusted registries.',
    types: [T.gkeCluster],
  },
  (props, args, report) => {
    // evaluation_mode: DISABLED | PROJECT_SINGLETON_POLICY_ENFORCE; `enabled` is deprecated and conflicts
    // with enable_autopilot (resource_container_cluster.go);
    // https://cloud.google.com/binary-authorization/docs/setting-up
    const mode = at(props, "binaryAuthorization.evaluationMode");
    const enabled = at(props, "binaryAuthorization.enabled");
    if (mode === "PROJECT_SINGLETON_POLICY_ENFORCE" || isUnknown(mode) || isUnknown(enabled)) return;
    if (mode === undefined && enabled === true) return;
    report(
      `${subject(props, args)} must enforce Binary Authorization (binaryAuthorization.evaluationMode "PROJECT_SINGLETON_POLICY_ENFORCE"); ${shown("binaryAuthorization.evaluationMode", mode, "is DISABLED")}`,
    );
  },
);

export const gkeNoAlphaFeatures = resourcePolicy(
  {
    name: "gke-no-alpha-features",
    domain: "gke",
    description:
      "Checks that a GKE cluster does not enable Kubernetes alpha features (enableKubernetesAlpha true): an alpha cluster cannot be upgraded, has no SLA and is deleted automatically after 30 days. Unset is false.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Remove `enableKubernetesAlpha: true`; use beta APIs or a throw-away test cluster.",
    types: [T.gkeCluster],
  },
  (props, args, report) => {
    // https://cloud.google.com/kubernetes-engine/docs/concepts/alpha-clusters; the provider's docs: "the
    // cluster cannot be upgraded and will be automatically deleted after 30 days".
    if (at(props, "enableKubernetesAlpha") === true)
      report(
        `${subject(props, args)} must not enable Kubernetes alpha features (enableKubernetesAlpha is true)`,
      );
  },
);

export const gkeLoggingMonitoring = resourcePolicy(
  {
    name: "gke-logging-monitoring",
    domain: "gke",
    description:
      'Checks that a GKE cluster sends logs and metrics to Cloud Logging and Monitoring: loggingService and monitoringService not "none", loggingConfig.enableComponents (when set) with SYSTEM_COMPONENTS and WORKLOADS, monitoringConfig.enableComponents (when set) with SYSTEM_COMPONENTS. Unset services are the Kubernetes Engine ones, unset components GKE\'s defaults (system and workload logs, system metrics).',
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      'Remove `loggingService: "none"` / `monitoringService: "none"`; set `loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] }`.',
    framework: checkov(
      "CKV_GCP_1",
      "Ensure Stackdriver Logging is set to Enabled on Kubernetes Engine Clusters",
    ),
    otherIds: ["CKV_GCP_8"],
    types: [T.gkeCluster],
  },
  (props, args, report) => {
    // logging_service / monitoring_service: logging.googleapis.com/kubernetes and
    // monitoring.googleapis.com/kubernetes by default, "none" turns them off; logging_config and
    // monitoring_config enable_components values (resource_container_cluster.go);
    // https://cloud.google.com/kubernetes-engine/docs/concepts/about-logs
    const name = subject(props, args);
    for (const service of ["loggingService", "monitoringService"])
      if (at(props, service) === "none") report(`${name} must not turn ${service} off (it is "none")`);
    const check = (property: string, required: readonly string[]): void => {
      const value = at(props, property);
      if (value === undefined || value === null || isUnknown(value)) return;
      const components = strings(value);
      const missing = required.filter((c) => !components.includes(c));
      if (missing.length > 0)
        report(
          `${name} must enable ${required.join(" and ")} in ${property}; missing: ${missing.join(", ")}`,
        );
    };
    check("loggingConfig.enableComponents", ["SYSTEM_COMPONENTS", "WORKLOADS"]);
    check("monitoringConfig.enableComponents", ["SYSTEM_COMPONENTS"]);
  },
);

/** True for the service accounts GKE must not run nodes as: `default` and Compute Engine's default. */
export const isDefaultNodeServiceAccount = (email: string): boolean =>
  email.trim() === "default" || isDefaultServiceAccount(email.trim());

export const gkeNodeServiceAccount = resourcePolicy(
  {
    name: "gke-node-service-account",
    domain: "gke",
    description:
      "Checks that GKE nodes run as a dedicated service account, not `default` or the Compute Engine default account (`<number>-compute@developer.gserviceaccount.com`, Editor on the project): on Autopilot clusterAutoscaling.autoProvisioningDefaults.serviceAccount; on Standard nodeConfig.serviceAccount while the default node pool is kept and the auto-provisioning default when node auto-provisioning is on; on node pools nodeConfig.serviceAccount. Unset means the Compute Engine default account.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Create a node service account with roles/container.defaultNodeServiceAccount (plus artifactregistry.reader) and set it in `clusterAutoscaling.autoProvisioningDefaults.serviceAccount` (Autopilot) or `nodeConfig.serviceAccount`.",
    types: CLUSTER_AND_POOLS,
  },
  (props, args, report) => {
    // "If a custom service account is not specified, GKE uses the Compute Engine default service account"
    // (https://cloud.google.com/kubernetes-engine/docs/how-to/service-accounts#node-service-accounts,
    // https://cloud.google.com/kubernetes-engine/security/configure-node-service-accounts); Autopilot takes
    // it from cluster_autoscaling.auto_provisioning_defaults.service_account (resource_container_cluster.go).
    const name = subject(props, args);
    const check = (property: string): void => {
      const value = at(props, property);
      if (isUnknown(value)) return;
      const email = str(value);
      if (email === undefined || email.trim() === "") {
        report(
          `${name} must run its nodes as a dedicated service account; ${property} is unset, which is the Compute Engine default service account`,
        );
      } else if (!email.startsWith("[") && isDefaultNodeServiceAccount(email)) {
        report(`${name} must run its nodes as a dedicated service account; ${property} is ${q(email)}`);
      }
    };
    if (args.type === T.gkeNodePool) return check("nodeConfig.serviceAccount");
    const autopilot = autopilotOf(props);
    if (isUnknown(autopilot)) return;
    if (autopilot || at(props, "clusterAutoscaling.enabled") === true)
      check("clusterAutoscaling.autoProvisioningDefaults.serviceAccount");
    if (!autopilot && keepsDefaultPool(props)) check("nodeConfig.serviceAccount");
  },
);

const PROTECTED_ENVIRONMENTS = ["prod"];

export const gkeDeletionProtection = resourcePolicy(
  {
    name: "gke-deletion-protection",
    domain: "gke",
    description:
      "Checks that a GKE cluster in the configured environments (default prod) keeps the provider's deletion protection (deletionProtection not false; unset is true) and carries Pulumi `protect`, so neither `pulumi destroy` nor a replacement deletes it; removing it is a two-step change.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Remove `deletionProtection: false` and set the `protect` resource option (the cluster component does in prod).",
    configSchema: schema({ environments: configProperties.environments(PROTECTED_ENVIRONMENTS) }),
    types: [T.gkeCluster],
  },
  (props, args, report) => {
    // deletion_protection: "Default: true … a terraform apply or terraform destroy that would delete the
    // cluster will fail" (resource_container_cluster.go).
    const { environments } = readConfig(args, { environments: PROTECTED_ENVIRONMENTS });
    // Only the labels: the whole props object holds values unknown during a preview (the network id).
    const labelled = { props: { labels: at(props, "resourceLabels") }, provider: args.provider };
    if (!inEnvironments(labelled, args.stackTags, environments)) return;
    const name = subject(props, args);
    if (at(props, "deletionProtection") === false)
      report(`${name} must keep deletion protection in this environment (deletionProtection is false)`);
    if (args.opts.protect !== true) report(`${name} must carry Pulumi \`protect\` in this environment`);
  },
);

/** True for a resource no feature stack may hold: GKE (`gcp:container/*`) and anything Kubernetes. */
export const isClusterResource = (type: string): boolean =>
  type.startsWith("gcp:container/") || type.startsWith("kubernetes:") || type === K.provider;

export const gkeNotInFeatureStacks = stackPolicy(
  {
    name: "gke-not-in-feature-stacks",
    domain: "gke",
    description:
      "Checks that a feature stack holds no GKE resource (gcp:container/*) and no Kubernetes resource or provider: a cluster takes minutes to create and bills by the hour, against feature stacks' two-minute, free-when-idle design. A stack is a feature stack when its `environment` tag, the `env` label of any of its resources or providers (the gcp provider's defaultLabels), its `environment.kind` output or its name (`feature-<slug>`) says so.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      "Remove `module6:observability` from the feature stack's config; the observability plane lives in prod and staging.",
  },
  (args, report) => {
    const environments = stackEnvironments(args.resources, args.stackTags);
    if (!environments.has("feature")) return;
    for (const r of args.resources.filter((x: PolicyResource) => isClusterResource(x.type)))
      report(
        `Feature stacks must not hold GKE or Kubernetes resources; ${r.type} ${q(r.name)} is one`,
        r.urn,
      );
  },
);

export const gkePolicies: readonly Module6Policy[] = [
  gkePrivateNodes,
  gkeControlPlaneNotPublic,
  gkeWorkloadIdentity,
  gkeReleaseChannel,
  gkeShieldedNodes,
  gkeNetworkPolicy,
  gkeNoLegacyAbac,
  gkeNoClientCertificate,
  gkeBinaryAuthorization,
  gkeNoAlphaFeatures,
  gkeLoggingMonitoring,
  gkeNodeServiceAccount,
  gkeDeletionProtection,
  gkeNotInFeatureStacks,
];
