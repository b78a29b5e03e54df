/**
 * Networking: firewall exposure, subnet flow logs and Private Google Access, custom-mode VPCs, and the
 * Memorystore Redis instance reached through Direct VPC egress.
 */
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import { configProperties, readConfig, schema } from "./lib/config";
import { inEnvironments } from "./lib/environment";
import { checkov, cis } from "./lib/frameworks";
import { resourcePolicy, type Module6Policy } from "./lib/policy";
import { T } from "./lib/tokens";
import { q, shown } from "./lib/values";

type Firewall = Unwrap<gcp.compute.FirewallArgs>;
type Subnetwork = Unwrap<gcp.compute.SubnetworkArgs>;
type Network = Unwrap<gcp.compute.NetworkArgs>;
type Redis = Unwrap<gcp.redis.InstanceArgs>;

const ANYWHERE = ["0.0.0.0/0", "::/0"];
export const ADMIN_PORTS: Readonly<Record<number, string>> = { 22: "SSH", 3389: "RDP" };

/** True when a firewall `ports` list (unset = every port) opens `port`. */
export function opensPort(ports: readonly string[] | undefined, port: number): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => {
    const [from, to] = p.split("-").map(Number);
    return from !== undefined && port >= from && port <= (to ?? from);
  });
}

/** The admin ports an ingress rule open to anywhere exposes: (protocol tcp or all, port in `ports`). */
function exposedTo(fw: Firewall, port: number): string[] {
  if ((fw.direction ?? "INGRESS") !== "INGRESS" || fw.disabled === true) return [];
  const open = (fw.sourceRanges ?? []).filter((r) => ANYWHERE.includes(r));
  if (open.length === 0) return [];
  const opened = (fw.allows ?? []).some(
    (a) => (a.protocol === "all" || a.protocol === "tcp") && opensPort(a.ports, port),
  );
  return opened ? open : [];
}

const firewallPolicy = (
  port: 22 | 3389,
  meta: { name: string; control: string; title: string; otherIds: string[] },
): Module6Policy =>
  resourcePolicy<Firewall>(
    {
      name: meta.name,
      domain: "network",
      description: `Checks that no enabled ingress firewall rule (unset direction is INGRESS) opens ${ADMIN_PORTS[port]} (TCP ${port}) to 0.0.0.0/0 or ::/0; an allow rule for protocol tcp or all without ports opens every port.`,
      enforcementLevel: "mandatory",
      severity: "high",
      remediationSteps:
        "Reach instances through IAP TCP forwarding (source 35.235.240.0/20) or OS Login, not the internet.",
      framework: cis(meta.control, meta.title),
      otherIds: meta.otherIds,
      types: [T.firewall],
    },
    (fw, args, report) => {
      const open = exposedTo(fw, port);
      if (open.length === 0) return;
      report(
        `Firewall rule ${q(fw.name ?? args.name)} must not open ${ADMIN_PORTS[port]} (port ${port}) to ${open.join(", ")}`,
      );
    },
  );

export const firewallNoPublicSsh = firewallPolicy(22, {
  name: "firewall-no-public-ssh",
  control: "3.6",
  title: "Ensure That SSH Access Is Restricted From the Internet",
  otherIds: ["CKV_GCP_2", "AVD-GCP-0071"],
});

export const firewallNoPublicRdp = firewallPolicy(3389, {
  name: "firewall-no-public-rdp",
  control: "3.7",
  title: "Ensure That RDP Access Is Restricted From the Internet",
  otherIds: ["CKV_GCP_3", "AVD-GCP-0070"],
});

/**
 * Subnet purposes that hold workloads: unset and PRIVATE (the default), and its legacy name
 * PRIVATE_RFC_1918. Proxy-only (REGIONAL_MANAGED_PROXY, GLOBAL_MANAGED_PROXY, INTERNAL_HTTPS_LOAD_BALANCER),
 * PRIVATE_SERVICE_CONNECT, PEER_MIGRATION and PRIVATE_NAT subnets have no VMs of their own
 * (`purpose` in node_modules/@pulumi/gcp/compute/subnetwork.d.ts).
 */
const WORKLOAD_PURPOSES = ["PRIVATE", "PRIVATE_RFC_1918"];

const isPrivateSubnet = (s: Subnetwork): boolean => WORKLOAD_PURPOSES.includes(s.purpose ?? "PRIVATE");

export const subnetFlowLogs = resourcePolicy<Subnetwork>(
  {
    name: "subnet-flow-logs",
    domain: "network",
    description:
      "Checks that a regular subnetwork (purpose PRIVATE, the default, or PRIVATE_RFC_1918) records VPC flow logs. Unset logConfig means no flow logs; proxy-only, Private Service Connect and NAT subnets hold no VMs and are not checked.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
      "Set `logConfig: { aggregationInterval: INTERVAL_5_SEC, flowSampling: 0.5, metadata: INCLUDE_ALL_METADATA }`.",
    framework: cis("3.8", "Ensure that VPC Flow Logs is Enabled for Every Subnet in a VPC Network"),
    otherIds: ["CKV_GCP_26", "AVD-GCP-0029", "AVD-GCP-0076"],
    types: [T.subnetwork],
  },
  (subnet, args, report) => {
    if (!isPrivateSubnet(subnet) || subnet.logConfig !== undefined) return;
    report(
      `Subnetwork ${q(subnet.name ?? args.name)} must record VPC flow logs; logConfig is unset, which means no flow logs`,
    );
  },
);

export const subnetPrivateGoogleAccess = resourcePolicy<Subnetwork>(
  {
    name: "subnet-private-google-access",
    domain: "network",
    description:
      "Checks that a regular subnetwork enables Private Google Access, so workloads without external addresses reach Google APIs. Unset privateIpGoogleAccess is false.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: "Set `privateIpGoogleAccess: true`.",
    framework: checkov("CKV_GCP_74", "Ensure that private_ip_google_access is enabled for Subnet"),
    otherIds: ["AVD-GCP-0075"],
    types: [T.subnetwork],
  },
  (subnet, args, report) => {
    if (!isPrivateSubnet(subnet) || subnet.privateIpGoogleAccess === true) return;
    report(
      `Subnetwork ${q(subnet.name ?? args.name)} must enable Private Google Access; ${shown("privateIpGoogleAccess", subnet.privateIpGoogleAccess, "the provider treats as false")}`,
    );
  },
);

export const networkCustomSubnets = resourcePolicy<Network>(
  {
    name: "network-custom-subnets",
    domain: "network",
    description:
      "Checks that a VPC network is in custom subnet mode, so no subnet with default firewall-friendly ranges appears in every region. Unset autoCreateSubnetworks is true (auto mode).",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Set `autoCreateSubnetworks: false` and declare the subnets the program uses.",
    types: [T.network],
  },
  (network, args, report) => {
    if (network.autoCreateSubnetworks === false) return;
    report(
      `VPC network ${q(network.name ?? args.name)} must use custom subnets (autoCreateSubnetworks: false); ${shown("autoCreateSubnetworks", network.autoCreateSubnetworks, "the provider treats as true")}`,
    );
  },
);

const redisName = (r: Redis, logical: string): string => q(r.name ?? logical);

export const redisAuth = resourcePolicy<Redis>(
  {
    name: "redis-auth",
    domain: "network",
    description: "Checks that a Memorystore for Redis instance requires AUTH. Unset authEnabled is false.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set `authEnabled: true` and give the services the AUTH string through Secret Manager.",
    framework: checkov("CKV_GCP_95", "Ensure Memorystore for Redis has AUTH enabled"),
    types: [T.redis],
  },
  (redis, args, report) => {
    if (redis.authEnabled === true) return;
    report(
      `Redis instance ${redisName(redis, args.name)} must require AUTH; ${shown("authEnabled", redis.authEnabled, "the provider treats as false")}`,
    );
  },
);

export const redisTransitEncryption = resourcePolicy<Redis>(
  {
    name: "redis-transit-encryption",
    domain: "network",
    description:
      "Checks that a Memorystore for Redis instance encrypts traffic in transit (transitEncryptionMode SERVER_AUTHENTICATION). Unset transitEncryptionMode is DISABLED.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Set `transitEncryptionMode: SERVER_AUTHENTICATION` and connect with TLS using the instance's CA.",
    framework: checkov("CKV_GCP_97", "Ensure Memorystore for Redis uses intransit encryption"),
    types: [T.redis],
  },
  (redis, args, report) => {
    if (redis.transitEncryptionMode === "SERVER_AUTHENTICATION") return;
    report(
      `Redis instance ${redisName(redis, args.name)} must encrypt traffic in transit (SERVER_AUTHENTICATION); ${shown("transitEncryptionMode", redis.transitEncryptionMode, "the provider treats as DISABLED")}`,
    );
  },
);

export const redisHighAvailability = resourcePolicy<Redis>(
  {
    name: "redis-high-availability",
    domain: "network",
    description:
      "Checks that a Memorystore for Redis instance in the configured environments (default prod) uses the STANDARD_HA tier with a replica. Unset tier is BASIC (a single node).",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Set `tier: STANDARD_HA` in prod (the cache fails open, but a failover keeps latency low).",
    configSchema: schema({ environments: configProperties.environments(["prod"]) }),
    types: [T.redis],
  },
  (redis, args, report) => {
    const { environments } = readConfig(args, { environments: ["prod"] });
    if (redis.tier === "STANDARD_HA" || !inEnvironments(args, args.stackTags, environments)) return;
    report(
      `Redis instance ${redisName(redis, args.name)} must use the STANDARD_HA tier; ${shown("tier", redis.tier, "the provider treats as BASIC")}`,
    );
  },
);

export const networkPolicies: readonly Module6Policy[] = [
  firewallNoPublicSsh,
  firewallNoPublicRdp,
  subnetFlowLogs,
  subnetPrivateGoogleAccess,
  networkCustomSubnets,
  redisAuth,
  redisTransitEncryption,
  redisHighAvailability,
];
