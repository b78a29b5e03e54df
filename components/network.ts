/**
 * The project's private network (a project singleton, DESIGN §2): a custom-mode VPC with one subnet per
 * region the services run in, Cloud NAT for egress, firewall rules that deny by default, and private
 * services access for Memorystore. Services join it through Direct VPC egress (`vpcEgress(region)`).
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { VpcEgress } from "./cloud-run-service";
import { isRfc1918, parseCidr } from "./shared/cidr";
import { Component } from "./shared/component";
import { checkDisjoint, type NamedRange } from "./shared/disjoint-ranges";
import { componentLabels, type CommonArgs } from "./shared/types";
import { Problems } from "./shared/validation";

/**
 * Flow-log aggregation intervals: the values of `logConfig.aggregationInterval`
 * (`SubnetworkLogConfig`, node_modules/@pulumi/gcp/types/input.d.ts).
 */
export const FLOW_LOG_INTERVALS = [
  "INTERVAL_5_SEC",
  "INTERVAL_30_SEC",
  "INTERVAL_1_MIN",
  "INTERVAL_5_MIN",
  "INTERVAL_10_MIN",
  "INTERVAL_15_MIN",
] as const;
export type FlowLogInterval = (typeof FLOW_LOG_INTERVALS)[number];

/** VPC flow logs of every subnet. */
export interface FlowLogs {
  /**
   * Share of flows reported, above 0 and at most 1 (0 reports nothing, which the pack's
   * `subnet-flow-logs` refuses). Flow logs are billed by volume: staging samples less than prod.
   * @default 0.5
   */
  readonly sampling?: number;
  /**
   * How long flows are aggregated before a record is written; longer means fewer records.
   * @default "INTERVAL_5_SEC"
   */
  readonly aggregationInterval?: FlowLogInterval;
  /**
   * Whether records carry metadata (instance, VPC, geography).
   * @default "INCLUDE_ALL_METADATA"
   */
  readonly metadata?: "INCLUDE_ALL_METADATA" | "EXCLUDE_ALL_METADATA";
}

/** Cloud NAT: one Cloud Router and NAT gateway per subnet region. */
export interface NatConfig {
  /**
   * Reserved static external addresses per region, for partners that allow-list source IPs (0-16). With 0,
   * Cloud NAT allocates addresses itself and may change them.
   * @default 0
   */
  readonly staticAddresses?: number;
  /**
   * Which NAT events are logged (`RouterNatLogConfig.filter`).
   * @default "ERRORS_ONLY"
   */
  readonly logFilter?: "ERRORS_ONLY" | "TRANSLATIONS_ONLY" | "ALL";
}

/** Private services access: a range of the VPC that Google's managed services (Memorystore) live in. */
export interface PrivateServiceAccessConfig {
  /**
   * The allocated range, an RFC 1918 CIDR that overlaps no subnet, /8 to /24. Memorystore for Redis places
   * each instance in a /29 (Basic) or /28 (Standard) of it.
   */
  readonly range: string;
}

/** Arguments of {@link Network}. */
export interface NetworkArgs extends CommonArgs {
  /**
   * Logical name; the VPC is `naming.name("generic", name)`, its subnets `<vpc>-<region>`.
   * @default "vpc"
   */
  readonly name?: string;
  /**
   * One subnet per region the stack's services run in: region → primary IPv4 range, RFC 1918, /8 to /26,
   * ranges not overlapping. Direct VPC egress needs /26 or larger: Cloud Run reserves addresses 16 at a
   * time and uses about twice as many addresses as instances
   * (https://cloud.google.com/run/docs/configuring/vpc-direct-vpc#direct-vpc-ip-allocation).
   * No default.
   */
  readonly subnets: Readonly<Record<string, string>>;
  /**
   * VPC flow logs of every subnet (always on: the sampling and interval set their cost).
   * @default { sampling: 0.5, aggregationInterval: "INTERVAL_5_SEC", metadata: "INCLUDE_ALL_METADATA" }
   */
  readonly flowLogs?: FlowLogs;
  /**
   * Cloud NAT in every subnet region, for the internet egress of services that send all traffic through
   * the VPC (`egress: "all-traffic"`); `null` creates none. Services with the default
   * `private-ranges-only` egress reach the internet without it.
   * @default - NAT with addresses Cloud NAT allocates, errors logged
   */
  readonly nat?: NatConfig | null;
  /**
   * Private services access (the allocated range and the Service Networking peering Memorystore needs).
   * @default - none
   */
  readonly privateServiceAccess?: PrivateServiceAccessConfig | null;
  /**
   * Dynamic routing mode of the VPC's Cloud Routers.
   * @default "REGIONAL"
   */
  readonly routingMode?: "REGIONAL" | "GLOBAL";
  /**
   * Pulumi `protect` on the VPC and the reserved NAT addresses (partners allow-list them).
   * @default true
   */
  readonly protect?: boolean;
}

/** Google Cloud region names (`asia-northeast3`, `us-central1`, `northamerica-northeast1`). */
const REGION = /^[a-z]+-[a-z]+\d+$/;
const NAME = /^[a-z][a-z0-9-]{0,19}$/;
const MAX_STATIC_ADDRESSES = 16;

/** Checks {@link NetworkArgs}; throws one `ValidationError` naming every problem. */
export function validateNetworkArgs(args: NetworkArgs): void {
  const p = new Problems("Network");
  const name = args.name ?? "vpc";
  p.check(NAME.test(name), "name", name, "1-20 of a-z 0-9 '-', starting with a letter");
  const regions = Object.keys(args.subnets);
  p.check(regions.length > 0, "subnets", args.subnets, "at least one region → CIDR");
  const ranges: NamedRange[] = [];
  for (const region of regions) {
    const cidr = args.subnets[region] ?? "";
    const path = `subnets.${region}`;
    p.check(REGION.test(region), path, region, "a region name such as asia-northeast3");
    const range = parseCidr(cidr);
    if (!p.check(range !== undefined, path, cidr, "an IPv4 CIDR without host bits, e.g. 10.10.0.0/24"))
      continue;
    if (range === undefined) continue;
    p.check(
      isRfc1918(range),
      path,
      cidr,
      "a private (RFC 1918) range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
    );
    p.check(
      range.prefix >= 8 && range.prefix <= 26,
      path,
      cidr,
      "a /8 to /26 range (Direct VPC egress needs /26 or larger)",
    );
    ranges.push({ path, cidr, range });
  }
  const flow = args.flowLogs ?? {};
  if (flow.sampling !== undefined) {
    p.check(
      Number.isFinite(flow.sampling) && flow.sampling > 0 && flow.sampling <= 1,
      "flowLogs.sampling",
      flow.sampling,
      "a share above 0 and at most 1 (0 reports no flows)",
    );
  }
  if (flow.aggregationInterval !== undefined) {
    p.oneOf("flowLogs.aggregationInterval", flow.aggregationInterval, FLOW_LOG_INTERVALS);
  }
  if (args.nat?.staticAddresses !== undefined) {
    p.integer("nat.staticAddresses", args.nat.staticAddresses, 0, MAX_STATIC_ADDRESSES);
  }
  const psa = args.privateServiceAccess;
  if (psa) {
    const range = parseCidr(psa.range);
    if (
      p.check(
        range !== undefined,
        "privateServiceAccess.range",
        psa.range,
        "an IPv4 CIDR without host bits",
      ) &&
      range !== undefined
    ) {
      p.check(
        isRfc1918(range) && range.prefix >= 8 && range.prefix <= 24,
        "privateServiceAccess.range",
        psa.range,
        "a private (RFC 1918) range from /8 to /24",
      );
      ranges.push({ path: "privateServiceAccess.range", cidr: psa.range, range });
    }
  }
  checkDisjoint(p, ranges);
  p.throwIfAny();
}

/** Private services access as created here: what a Memorystore instance needs and waits for. */
export interface PrivateServiceAccess {
  /** The Service Networking connection; an instance in the range must be created after it. */
  readonly connection: gcp.servicenetworking.Connection;
  /** The allocated range's name (Redis `reservedIpRange` in `PRIVATE_SERVICE_ACCESS` mode). */
  readonly rangeName: pulumi.Output<string>;
}

/** Direct VPC egress of one region, as Cloud Run's `vpcAccess.networkInterfaces` takes it. */
export interface NetworkInterface {
  readonly network: string;
  readonly subnetwork: string;
}

/**
 * The explicit deny-all ingress rule sits just above the implied rules at 65535, the lowest priority
 * (https://cloud.google.com/firewall/docs/firewalls#default_firewall_rules): any future allow rule wins
 * over it by priority, and denied attempts are logged, which the implied rule never is.
 */
export const DENY_ALL_INGRESS_PRIORITY = 65534;

/**
 * A custom-mode VPC with a subnet per region (Private Google Access and flow logs on), Cloud NAT, an
 * explicit deny-all ingress rule and, optionally, private services access. No ingress rule allows
 * anything: Direct VPC egress and Memorystore need none (firewall rules are stateful, so replies to
 * connections the services open are allowed, https://cloud.google.com/firewall/docs/firewalls), serverless
 * NEGs have no health checks, and there are no VMs.
 */
export class Network extends Component {
  readonly network: gcp.compute.Network;
  /** `projects/<p>/global/networks/<name>`: Redis `authorizedNetwork`, Direct VPC egress `network`. */
  readonly networkId: pulumi.Output<string>;
  readonly subnetworks: Readonly<Record<string, gcp.compute.Subnetwork>>;
  /** Direct VPC egress per region: `{ network, subnetwork }` for `vpcAccess.networkInterfaces`. */
  readonly networkInterfaces: pulumi.Output<Record<string, NetworkInterface>>;
  /** The reserved NAT addresses per region (empty lists when Cloud NAT allocates them). */
  readonly natAddresses: pulumi.Output<Record<string, string[]>>;
  /** Private services access, when configured. */
  readonly privateServiceAccess: PrivateServiceAccess | undefined;
  private readonly regions: readonly string[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    validateNetworkArgs(args);
    super("module6:network:Network", name, opts);
    const logical = args.name ?? "vpc";
    const vpcName = args.naming.name("generic", logical);
    const protect = args.protect ?? true;
    const labels = componentLabels(args.labels, "network");
    this.regions = Object.keys(args.subnets);

    this.network = new gcp.compute.Network(
      name,
      {
        project: args.project,
        name: vpcName,
        description: "Private network of the module6 services (managed by Pulumi)",
        autoCreateSubnetworks: false,
        routingMode: args.routingMode ?? "REGIONAL",
        // The default route to the internet gateway stays: Private Google Access and Cloud NAT use it.
        deleteDefaultRoutesOnCreate: false,
      },
      this.child({ protect }),
    );
    this.networkId = this.network.id;

    const flow = args.flowLogs ?? {};
    const subnetworks: Record<string, gcp.compute.Subnetwork> = {};
    for (const [region, cidr] of Object.entries(args.subnets)) {
      subnetworks[region] = new gcp.compute.Subnetwork(
        `${name}-${region}`,
        {
          project: args.project,
          region,
          name: args.naming.name("generic", `${logical}-${region}`),
          network: this.network.id,
          ipCidrRange: cidr,
          stackType: "IPV4_ONLY",
          purpose: "PRIVATE",
          privateIpGoogleAccess: true,
          logConfig: {
            flowSampling: flow.sampling ?? 0.5,
            aggregationInterval: flow.aggregationInterval ?? "INTERVAL_5_SEC",
            metadata: flow.metadata ?? "INCLUDE_ALL_METADATA",
          },
        },
        this.child(),
      );
    }
    this.subnetworks = subnetworks;

    new gcp.compute.Firewall(
      `${name}-deny-all-ingress`,
      {
        project: args.project,
        name: args.naming.name("generic", `${logical}-deny-all-ingress`),
        network: this.network.id,
        description: "Denies every ingress not allowed by a higher-priority rule, and logs it",
        direction: "INGRESS",
        priority: DENY_ALL_INGRESS_PRIORITY,
        sourceRanges: ["0.0.0.0/0"],
        denies: [{ protocol: "all" }],
        logConfig: { metadata: "INCLUDE_ALL_METADATA" },
      },
      this.child(),
    );

    const natAddresses: Record<string, pulumi.Output<string>[]> = {};
    if (args.nat !== null) {
      const nat = args.nat ?? {};
      for (const [region, subnet] of Object.entries(subnetworks)) {
        const router = new gcp.compute.Router(
          `${name}-${region}-router`,
          {
            project: args.project,
            region,
            name: args.naming.name("generic", `${logical}-${region}-router`),
            network: this.network.id,
          },
          this.child(),
        );
        const addresses = Array.from(
          { length: nat.staticAddresses ?? 0 },
          (_, i) =>
            new gcp.compute.Address(
              `${name}-${region}-nat-${i}`,
              {
                project: args.project,
                region,
                name: args.naming.name("generic", `${logical}-${region}-nat-${i}`),
                addressType: "EXTERNAL",
                description: "Static egress address of Cloud NAT (partners may allow-list it)",
                labels,
              },
              this.child({ protect }),
            ),
        );
        natAddresses[region] = addresses.map((a) => a.address);
        new gcp.compute.RouterNat(
          `${name}-${region}-nat`,
          {
            project: args.project,
            region,
            name: args.naming.name("generic", `${logical}-${region}-nat`),
            router: router.name,
            natIpAllocateOption: addresses.length > 0 ? "MANUAL_ONLY" : "AUTO_ONLY",
            ...(addresses.length > 0 ? { natIps: addresses.map((a) => a.selfLink) } : {}),
            // Only this region's subnet, by id (as the provider's LIST_OF_SUBNETWORKS example,
            // node_modules/@pulumi/gcp/compute/routerNat.d.ts).
            sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
            subnetworks: [{ name: subnet.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
            logConfig: { enable: true, filter: nat.logFilter ?? "ERRORS_ONLY" },
          },
          this.child(),
        );
      }
    }
    this.natAddresses = pulumi
      .all(
        Object.entries(natAddresses).map(([r, list]) => pulumi.all(list).apply((ips) => [r, ips] as const)),
      )
      .apply((pairs) => Object.fromEntries(pairs));

    if (args.privateServiceAccess) {
      const [address, prefix] = args.privateServiceAccess.range.split("/");
      const range = new gcp.compute.GlobalAddress(
        `${name}-psa`,
        {
          project: args.project,
          name: args.naming.name("generic", `${logical}-psa`),
          description: "Private services access range (Memorystore)",
          network: this.network.id,
          purpose: "VPC_PEERING",
          addressType: "INTERNAL",
          address,
          prefixLength: Number(prefix),
          labels,
        },
        this.child(),
      );
      const connection = new gcp.servicenetworking.Connection(
        `${name}-psa`,
        {
          network: this.network.id,
          service: "servicenetworking.googleapis.com",
          reservedPeeringRanges: [range.name],
          // Deleting the connection fails while a producer (Memorystore) still holds addresses in it
          // ("Producer services ... are still using this connection", hashicorp/terraform-provider-google
          // #16275, #19908; pulumi/pulumi-gcp#3354): a destroy abandons it, as Cloud Foundation Fabric's
          // net-vpc module does (modules/net-vpc/variables.tf, `psa_configs.deletion_policy`).
          deletionPolicy: "ABANDON",
        },
        this.child(),
      );
      this.privateServiceAccess = { connection, rangeName: range.name };
    } else {
      this.privateServiceAccess = undefined;
    }

    this.networkInterfaces = pulumi
      .all(
        Object.entries(subnetworks).map(([region, subnet]) =>
          pulumi
            .all([this.network.id, subnet.id])
            .apply(([network, subnetwork]) => [region, { network, subnetwork }] as const),
        ),
      )
      .apply((pairs) => Object.fromEntries(pairs));

    this.registerOutputs({
      networkId: this.networkId,
      networkInterfaces: this.networkInterfaces,
      natAddresses: this.natAddresses,
    });
  }

  /**
   * Direct VPC egress for a Cloud Run service in `region` (`CloudRunServiceArgs.vpcEgress`): the VPC and
   * that region's subnet. Only private ranges go through the VPC unless `egress` says otherwise.
   */
  vpcEgress(region: string, egress: VpcEgress["egress"] = "private-ranges-only"): VpcEgress {
    const subnet = this.subnetworks[region];
    if (subnet === undefined) {
      throw new pulumi.RunError(
        `Network: no subnet in region "${region}" (subnets: ${this.regions.join(", ")}); add it to the network's subnets`,
      );
    }
    return { network: this.network.id, subnetwork: subnet.id, egress };
  }
}
