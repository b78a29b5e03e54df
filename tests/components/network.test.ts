import { beforeAll, describe, expect, it } from "vitest";
import { CloudRunService } from "../../components/cloud-run-service";
import { Network, validateNetworkArgs, type NetworkArgs } from "../../components/network";
import { contains, isRfc1918, overlaps, parseCidr } from "../../components/shared/cidr";
import { ValidationError } from "../../components/shared/validation";
import {
  commonArgs,
  expectProps,
  installMocks,
  named,
  onlyOfType,
  record,
  recordOnce,
  resourcesOfType,
  valueOf,
} from "../helpers/pulumi";

const NETWORK = "gcp:compute/network:Network";
const SUBNET = "gcp:compute/subnetwork:Subnetwork";
const FIREWALL = "gcp:compute/firewall:Firewall";
const ROUTER = "gcp:compute/router:Router";
const NAT = "gcp:compute/routerNat:RouterNat";
const ADDRESS = "gcp:compute/address:Address";
const GLOBAL_ADDRESS = "gcp:compute/globalAddress:GlobalAddress";
const CONNECTION = "gcp:servicenetworking/connection:Connection";
const PROJECT = "module6-test-000000";

function args(overrides: Partial<NetworkArgs> = {}): NetworkArgs {
  return { ...commonArgs("prod"), subnets: { "asia-northeast3": "10.10.0.0/24" }, ...overrides };
}

beforeAll(async () => {
  await installMocks();
});

describe("CIDR helpers", () => {
  it("parse ranges and refuse host bits, bad octets and prefixes", () => {
    expect(parseCidr("10.10.0.0/24")).toEqual({ base: 0x0a0a0000, prefix: 24 });
    expect(parseCidr("10.10.0.1/24")).toBeUndefined();
    expect(parseCidr("10.256.0.0/16")).toBeUndefined();
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    expect(parseCidr("10.0.0/8")).toBeUndefined();
  });
  it("tell overlap, containment and RFC 1918 membership", () => {
    const a = parseCidr("10.10.0.0/16");
    const b = parseCidr("10.10.4.0/24");
    const c = parseCidr("10.11.0.0/24");
    if (!a || !b || !c) throw new Error("fixture ranges must parse");
    expect(overlaps(a, b)).toBe(true);
    expect(overlaps(a, c)).toBe(false);
    expect(contains(a, b)).toBe(true);
    expect(isRfc1918(b)).toBe(true);
    expect(isRfc1918(parseCidr("100.64.0.0/24") ?? a)).toBe(false);
    expect(isRfc1918(parseCidr("172.32.0.0/24") ?? a)).toBe(false);
  });
});

describe("Network defaults", () => {
  const built = recordOnce(
    () =>
      new Network(
        "net",
        args({ subnets: { "asia-northeast3": "10.10.0.0/24", "asia-northeast1": "10.20.0.0/24" } }),
      ),
  );

  it("creates a protected custom-mode VPC with regional routing", async () => {
    const { resources } = await built();
    const vpc = onlyOfType(resources, NETWORK);
    expectProps(vpc, {
      project: PROJECT,
      name: "m6-prod-vpc",
      autoCreateSubnetworks: false,
      routingMode: "REGIONAL",
      deleteDefaultRoutesOnCreate: false,
    });
    expect(vpc.protect).toBe(true);
  });

  it("creates one subnet per region with Private Google Access and sampled flow logs", async () => {
    const { resources } = await built();
    const subnets = resourcesOfType(resources, SUBNET);
    expect(subnets.map((s) => [s.inputs.region, s.inputs.name, s.inputs.ipCidrRange]).sort()).toEqual([
      ["asia-northeast1", "m6-prod-vpc-asia-northeast1", "10.20.0.0/24"],
      ["asia-northeast3", "m6-prod-vpc-asia-northeast3", "10.10.0.0/24"],
    ]);
    const vpc = onlyOfType(resources, NETWORK);
    for (const s of subnets) {
      expectProps(s, {
        network: `projects/${PROJECT}/global/networks/m6-prod-vpc`,
        privateIpGoogleAccess: true,
        purpose: "PRIVATE",
        stackType: "IPV4_ONLY",
        logConfig: {
          flowSampling: 0.5,
          aggregationInterval: "INTERVAL_5_SEC",
          metadata: "INCLUDE_ALL_METADATA",
        },
      });
      expect(s.dependencies).toContain(vpc.urn);
    }
  });

  it("denies all ingress explicitly, logged, and allows nothing", async () => {
    const { resources } = await built();
    const rule = onlyOfType(resources, FIREWALL);
    expectProps(rule, {
      name: "m6-prod-vpc-deny-all-ingress",
      direction: "INGRESS",
      priority: 65534,
      sourceRanges: ["0.0.0.0/0"],
      denies: [{ protocol: "all" }],
      logConfig: { metadata: "INCLUDE_ALL_METADATA" },
    });
    expect(rule.inputs).not.toHaveProperty("allows");
  });

  it("puts a Cloud Router and a NAT gateway with auto-allocated addresses in every subnet region", async () => {
    const { resources } = await built();
    expect(
      resourcesOfType(resources, ROUTER)
        .map((r) => r.inputs.region)
        .sort(),
    ).toEqual(["asia-northeast1", "asia-northeast3"]);
    const nat = named(resources, NAT, "net-asia-northeast3-nat");
    expectProps(nat, {
      region: "asia-northeast3",
      router: "m6-prod-vpc-asia-northeast3-router",
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
      subnetworks: [
        {
          name: `projects/${PROJECT}/regions/asia-northeast3/subnetworks/m6-prod-vpc-asia-northeast3`,
          sourceIpRangesToNats: ["ALL_IP_RANGES"],
        },
      ],
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    });
    expect(nat.inputs).not.toHaveProperty("natIps");
    expect(resourcesOfType(resources, ADDRESS)).toHaveLength(0);
  });

  it("creates no private services access unless asked", async () => {
    const { result, resources } = await built();
    expect(resourcesOfType(resources, CONNECTION)).toHaveLength(0);
    expect(result.privateServiceAccess).toBeUndefined();
  });

  it("hands services Direct VPC egress per region (network + subnetwork ids)", async () => {
    const { result } = await built();
    expect(await valueOf(result.networkInterfaces)).toEqual({
      "asia-northeast3": {
        network: `projects/${PROJECT}/global/networks/m6-prod-vpc`,
        subnetwork: `projects/${PROJECT}/regions/asia-northeast3/subnetworks/m6-prod-vpc-asia-northeast3`,
      },
      "asia-northeast1": {
        network: `projects/${PROJECT}/global/networks/m6-prod-vpc`,
        subnetwork: `projects/${PROJECT}/regions/asia-northeast1/subnetworks/m6-prod-vpc-asia-northeast1`,
      },
    });
    expect(await valueOf(result.natAddresses)).toEqual({ "asia-northeast3": [], "asia-northeast1": [] });
    expect(() => result.vpcEgress("europe-west1")).toThrow(/no subnet in region "europe-west1"/);
  });

  it("parents every child to the component", async () => {
    const { resources } = await built();
    const component = onlyOfType(resources, "module6:network:Network");
    for (const r of resources.filter((x) => x.custom)) expect(r.parent, r.urn).toBe(component.urn);
  });
});

describe("Network options", () => {
  it("reserves protected static NAT addresses, one set per region, and uses only them", async () => {
    const { result, resources } = await record(
      () => new Network("net-static", args({ nat: { staticAddresses: 2, logFilter: "ALL" } })),
    );
    const addresses = resourcesOfType(resources, ADDRESS);
    expect(addresses.map((a) => a.inputs.name).sort()).toEqual([
      "m6-prod-vpc-asia-northeast3-nat-0",
      "m6-prod-vpc-asia-northeast3-nat-1",
    ]);
    for (const a of addresses) {
      expect(a.protect).toBe(true);
      expectProps(a, { addressType: "EXTERNAL", labels: { component: "network", env: "staging" } });
    }
    const nat = onlyOfType(resources, NAT);
    expectProps(nat, { natIpAllocateOption: "MANUAL_ONLY", logConfig: { filter: "ALL" } });
    expect(nat.inputs.natIps).toEqual(addresses.map((a) => a.outputs.selfLink));
    expect((await valueOf(result.natAddresses))["asia-northeast3"]).toEqual(
      addresses.map((a) => a.outputs.address),
    );
  });

  it("creates no router or NAT with nat: null, and samples flow logs as configured", async () => {
    const { resources } = await record(
      () =>
        new Network(
          "net-nonat",
          args({
            nat: null,
            flowLogs: { sampling: 0.1, aggregationInterval: "INTERVAL_10_MIN" },
            protect: false,
          }),
        ),
    );
    expect(resourcesOfType(resources, ROUTER)).toHaveLength(0);
    expect(resourcesOfType(resources, NAT)).toHaveLength(0);
    expectProps(onlyOfType(resources, SUBNET), {
      logConfig: { flowSampling: 0.1, aggregationInterval: "INTERVAL_10_MIN" },
    });
    expect(onlyOfType(resources, NETWORK).protect).toBe(false);
  });

  it("allocates the private services access range in the VPC and peers it with Service Networking (abandoned on destroy)", async () => {
    const { result, resources } = await record(
      () => new Network("net-psa", args({ privateServiceAccess: { range: "10.64.0.0/20" } })),
    );
    const range = onlyOfType(resources, GLOBAL_ADDRESS);
    expectProps(range, {
      name: "m6-prod-vpc-psa",
      purpose: "VPC_PEERING",
      addressType: "INTERNAL",
      address: "10.64.0.0",
      prefixLength: 20,
      network: `projects/${PROJECT}/global/networks/m6-prod-vpc`,
    });
    const connection = onlyOfType(resources, CONNECTION);
    expectProps(connection, {
      network: `projects/${PROJECT}/global/networks/m6-prod-vpc`,
      service: "servicenetworking.googleapis.com",
      reservedPeeringRanges: ["m6-prod-vpc-psa"],
      deletionPolicy: "ABANDON",
    });
    expect(connection.dependencies).toContain(range.urn);
    const psa = result.privateServiceAccess;
    if (!psa) throw new Error("expected private services access");
    expect(await valueOf(psa.rangeName)).toBe("m6-prod-vpc-psa");
    expect(await valueOf(psa.connection.urn)).toBe(connection.urn);
  });

  it("plugs into a Cloud Run service as Direct VPC egress", async () => {
    const { resources } = await record(() => {
      const net = new Network("net-run", args());
      return new CloudRunService("net-run-api", {
        ...commonArgs("prod"),
        name: "api",
        image: "asia-northeast3-docker.pkg.dev/p/r/api:1.0.0",
        serviceAccountEmail: "api@module6-test-000000.iam.gserviceaccount.com",
        vpcEgress: net.vpcEgress("asia-northeast3"),
      });
    });
    const service = onlyOfType(resources, "gcp:cloudrunv2/service:Service");
    expectProps(service, {
      template: {
        vpcAccess: {
          egress: "PRIVATE_RANGES_ONLY",
          networkInterfaces: [
            {
              network: `projects/${PROJECT}/global/networks/m6-prod-vpc`,
              subnetwork: `projects/${PROJECT}/regions/asia-northeast3/subnetworks/m6-prod-vpc-asia-northeast3`,
            },
          ],
        },
      },
    });
    expect(service.dependencies).toContain(named(resources, SUBNET, "net-run-asia-northeast3").urn);
  });
});

describe("validateNetworkArgs", () => {
  it.each([
    [{ subnets: {} }, /subnets: got \{\}; at least one region/],
    [{ subnets: { Seoul: "10.0.0.0/24" } }, /subnets\.Seoul: got "Seoul"; a region name/],
    [{ subnets: { "asia-northeast3": "10.0.0.1/24" } }, /an IPv4 CIDR without host bits/],
    [{ subnets: { "asia-northeast3": "8.8.8.0/24" } }, /a private \(RFC 1918\) range/],
    [
      { subnets: { "asia-northeast3": "10.0.0.0/27" } },
      /a \/8 to \/26 range \(Direct VPC egress needs \/26 or larger\)/,
    ],
    [
      { subnets: { "asia-northeast3": "10.0.0.0/16", "asia-northeast1": "10.0.4.0/24" } },
      /subnets\.asia-northeast1: got "10\.0\.4\.0\/24"; a range that does not overlap subnets\.asia-northeast3/,
    ],
    [{ flowLogs: { sampling: 0 } }, /flowLogs\.sampling: got 0; a share above 0 and at most 1/],
    [{ flowLogs: { sampling: 1.5 } }, /flowLogs\.sampling: got 1\.5/],
    [
      { flowLogs: { aggregationInterval: "INTERVAL_1_HOUR" as never } },
      /flowLogs\.aggregationInterval: got "INTERVAL_1_HOUR"/,
    ],
    [{ nat: { staticAddresses: 17 } }, /nat\.staticAddresses: got 17; an integer 0-16/],
    [
      { privateServiceAccess: { range: "10.64.0.0/28" } },
      /privateServiceAccess\.range: got "10\.64\.0\.0\/28"; a private \(RFC 1918\) range from \/8 to \/24/,
    ],
    [
      { privateServiceAccess: { range: "10.10.0.0/20" } },
      /privateServiceAccess\.range: got "10\.10\.0\.0\/20"; a range that does not overlap subnets\.asia-northeast3/,
    ],
    [{ name: "VPC" }, /name: got "VPC"/],
  ])("rejects %o", (bad, message) => {
    expect(() => validateNetworkArgs(args(bad as Partial<NetworkArgs>))).toThrow(message);
  });

  it("accepts the defaults and reports every problem at once, before any resource", async () => {
    expect(() => validateNetworkArgs(args())).not.toThrow();
    const { resources } = await record(() => {
      try {
        new Network(
          "net-bad",
          args({ subnets: { "asia-northeast3": "10.0.0.0/30" }, flowLogs: { sampling: 0 } }),
        );
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).problems.map((p) => p.path)).toEqual([
          "subnets.asia-northeast3",
          "flowLogs.sampling",
        ]);
        return;
      }
      throw new Error("expected a ValidationError");
    });
    expect(resources).toHaveLength(0);
  });
});
