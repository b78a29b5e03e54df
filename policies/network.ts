/**
 * Networking: firewall exposure, subnet flow logs and Private Google Access, custom-mode VPCs, and the
 * Memorystore Redis instance reached through Direct VPC egress (AUTH, TLS, and a private path from the
 * stack's own VPC only).
 */
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import { configProperties, readConfig, schema } from "./lib/config";
import { inEnvironments } from "./lib/environment";
import { checkov, cis } from "./lib/frameworks";
import { resourcePolicy, stackPolicy, type Module6Policy } from "./lib/policy";
import { dependsOn, displayName, normalizeRef, referenced, StackResources } from "./lib/stack";
import { T } from "./lib/tokens";
import { lastSegment, num, prop, q, read, rec, shown, str, tryRead, UNKNOWN } from "./lib/values";

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

/**
 * The internet sources (`0.0.0.0/0`, `::/0`) of an enabled ingress rule that allows something; `[]` for
 * egress, disabled and deny-only rules (a deny-all from anywhere is the safe default, not an exposure).
 */
function publicSources(fw: Firewall): string[] {
  if ((fw.direction ?? "INGRESS") !== "INGRESS" || fw.disabled === true) return [];
  if ((fw.allows ?? []).length === 0) return [];
  return (fw.sourceRanges ?? []).filter((r) => ANYWHERE.includes(r));
}

/** The admin ports an ingress rule open to anywhere exposes: (protocol tcp or all, port in `ports`). */
function exposedTo(fw: Firewall, port: number): string[] {
  const open = publicSources(fw);
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

export const firewallNoPublicIngress = resourcePolicy<Firewall>(
  {
    name: "firewall-no-public-ingress",
    domain: "network",
    description:
      "Checks that no enabled ingress firewall rule (unset direction is INGRESS) allows any protocol or port from 0.0.0.0/0 or ::/0. Nothing this program runs takes traffic from the internet through the VPC: the load balancer reaches Cloud Run through serverless NEGs, and Memorystore and Direct VPC egress need no ingress rule. Deny rules from anywhere (the network's deny-all) are not exposures. SSH and RDP are also named by firewall-no-public-ssh and firewall-no-public-rdp (CIS 3.6, 3.7).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Allow only the sources that need the port (a subnet's range, Google's health-check ranges 35.191.0.0/16 and 130.211.0.0/22, IAP's 35.235.240.0/20), never the internet.",
    types: [T.firewall],
  },
  (fw, args, report) => {
    const open = publicSources(fw);
    if (open.length === 0) return;
    const what = (fw.allows ?? [])
      .map((a) =>
        a.ports && a.ports.length > 0 ? `${a.protocol}:${a.ports.join(",")}` : `${a.protocol} (every port)`,
      )
      .join(", ");
    report(
      `Firewall rule ${q(fw.name ?? args.name)} must not allow ingress from ${open.join(", ")}; it allows ${what}`,
    );
  },
);

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
      "Checks that a regular subnetwork (purpose PRIVATE, the default, or PRIVATE_RFC_1918) records VPC flow logs. Unset logConfig means no flow logs, and so does logConfig.flowSampling 0 (the share of flows reported); proxy-only, Private Service Connect and NAT subnets hold no VMs and are not checked.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
      "Set `logConfig: { aggregationInterval: INTERVAL_5_SEC, flowSampling: 0.5, metadata: INCLUDE_ALL_METADATA }`.",
    framework: cis("3.8", "Ensure that VPC Flow Logs is Enabled for Every Subnet in a VPC Network"),
    otherIds: ["CKV_GCP_26", "AVD-GCP-0029", "AVD-GCP-0076"],
    types: [T.subnetwork],
  },
  (subnet, args, report) => {
    if (!isPrivateSubnet(subnet)) return;
    const must = `Subnetwork ${q(subnet.name ?? args.name)} must record VPC flow logs`;
    if (subnet.logConfig === undefined) {
      report(`${must}; logConfig is unset, which means no flow logs`);
    } else if (num(tryRead(() => subnet.logConfig?.flowSampling)) === 0) {
      report(`${must}; logConfig.flowSampling is 0, which reports no flows`);
    }
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

/** True when a network reference names the auto-created `default` network (by name or link). */
const isDefaultNetwork = (ref: string): boolean => lastSegment(normalizeRef(ref)) === "default";

export const redisPrivateNetwork = resourcePolicy<Redis>(
  {
    name: "redis-private-network",
    domain: "network",
    description:
      "Checks that a Memorystore for Redis instance is placed through private services access (connectMode PRIVATE_SERVICE_ACCESS; unset is DIRECT_PEERING) on a named VPC (authorizedNetwork set and not the `default` network, which the provider uses when it is unset and whose default firewall rules admit every VM of the project). Both are fixed at creation.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Set `authorizedNetwork` to the stack's VPC id and `connectMode: PRIVATE_SERVICE_ACCESS`, after the VPC's Service Networking connection (the RedisCache component does both).",
    types: [T.redis],
  },
  (redis, args, report) => {
    const name = redisName(redis, args.name);
    const mode = read(() => redis.connectMode);
    if (mode !== UNKNOWN && mode !== "PRIVATE_SERVICE_ACCESS") {
      report(
        `Redis instance ${name} must connect through private services access; ${shown("connectMode", mode, "the provider treats as DIRECT_PEERING")}`,
      );
    }
    const network = read(() => redis.authorizedNetwork);
    if (network === UNKNOWN) return; // the VPC's id, computed at preview: set
    if (network === undefined || network === null || network === "") {
      report(
        `Redis instance ${name} must name its VPC; authorizedNetwork is unset, which puts it on the default network`,
      );
    } else if (isDefaultNetwork(network)) {
      report(`Redis instance ${name} must not be on the default network; authorizedNetwork is ${q(network)}`);
    }
  },
);

export const redisNetworkInStack = stackPolicy(
  {
    name: "redis-network-in-stack",
    domain: "network",
    description:
      "Checks that each Memorystore for Redis instance's authorizedNetwork is a custom-mode VPC of this stack (or one listed in the sharedNetworks policy config, e.g. a Shared VPC's id), that a Service Networking connection (private services access) of the stack serves that VPC, and that the instance depends on it: Memorystore allocates the instance's addresses from the connection's range, so the connection must exist first.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Create the instance with the project's Network component (`network.networkId`, `network.privateServiceAccess.connection` in `RedisCacheArgs.network`), or list the Shared VPC in sharedNetworks.",
    configSchema: schema({
      sharedNetworks: {
        type: "array",
        items: { type: "string" },
        default: [],
        description:
          "VPC networks outside the stack an instance may use (`projects/<host>/global/networks/<name>`): a Shared VPC whose private services access is managed by the host project.",
      },
    }),
  },
  (args, report) => {
    const { sharedNetworks } = readConfig(args, { sharedNetworks: [] as string[] });
    const stack = new StackResources(args.resources);
    const networks = stack.ofType(T.network);
    const connections = stack.ofType(T.serviceNetworkingConnection);
    for (const redis of stack.ofType(T.redis)) {
      const name = q(displayName(redis));
      const ref = str(prop(redis, "authorizedNetwork"));
      if (ref !== undefined && sharedNetworks.some((n) => normalizeRef(n) === normalizeRef(ref))) continue;
      const [vpc] = referenced(redis, "authorizedNetwork", networks, "network");
      if (vpc === undefined) {
        report(
          `Redis instance ${name} must be on a VPC of this stack or a configured shared network; authorizedNetwork is ${q(ref ?? "unset")}`,
          redis.urn,
        );
        continue;
      }
      if (tryRead(() => rec(vpc.props).autoCreateSubnetworks) !== false) {
        report(
          `Redis instance ${name} must be on a custom-mode VPC; ${q(displayName(vpc))} creates its subnets automatically`,
          redis.urn,
        );
      }
      const served = connections.filter((c) => referenced(c, "network", [vpc], "network").length > 0);
      if (served.length === 0) {
        report(
          `Redis instance ${name} must be on a VPC with private services access; no Service Networking connection of this stack serves ${q(displayName(vpc))}`,
          redis.urn,
        );
      } else if (!served.some((c) => dependsOn(redis, c))) {
        report(
          `Redis instance ${name} must be created after the private services access connection of ${q(displayName(vpc))} (dependsOn)`,
          redis.urn,
        );
      }
    }
  },
);

export const networkPolicies: readonly Module6Policy[] = [
  firewallNoPublicSsh,
  firewallNoPublicRdp,
  firewallNoPublicIngress,
  subnetFlowLogs,
  subnetPrivateGoogleAccess,
  networkCustomSubnets,
  redisAuth,
  redisTransitEncryption,
  redisHighAvailability,
  redisPrivateNetwork,
  redisNetworkInStack,
];
