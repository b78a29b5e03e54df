import { describe, expect, it } from "vitest";
import {
  firewallNoPublicIngress,
  firewallNoPublicRdp,
  firewallNoPublicSsh,
  networkCustomSubnets,
  opensPort,
  redisAuth,
  redisHighAvailability,
  redisNetworkInStack,
  redisPrivateNetwork,
  redisTransitEncryption,
  subnetFlowLogs,
  subnetPrivateGoogleAccess,
} from "../../policies/network";
import { UNKNOWN_PLACEHOLDER } from "../../plan/record";
import { mutate, UNSET, withOptions } from "../fixtures/policies/build";
import { fixtures } from "../fixtures/policies/resources";
import { checkStack, messagesOf, stackMessages } from "./harness";

const fw = fixtures.firewall;
const open = (f = fw()) => mutate(f, "sourceRanges", ["0.0.0.0/0"]);

describe("firewall rules: port lists", () => {
  it("reads port lists and ranges (unset means every port)", () => {
    expect(opensPort(["22"], 22)).toBe(true);
    expect(opensPort(["3000-4000"], 3389)).toBe(true);
    expect(opensPort(["443"], 22)).toBe(false);
    expect(opensPort(undefined, 22)).toBe(true);
  });
});

describe("firewall-no-public-ssh", () => {
  const p = firewallNoPublicSsh;
  it("passes SSH from the IAP range", async () => expect(await messagesOf(p, fw())).toEqual([]));
  it("refuses SSH from anywhere (IPv4 or IPv6), over tcp or all protocols, and ports left open", async () => {
    expect(await messagesOf(p, open())).toEqual([
      'Firewall rule "m6-prod-allow-iap-ssh" must not open SSH (port 22) to 0.0.0.0/0',
    ]);
    expect(await messagesOf(p, mutate(open(), "sourceRanges", ["::/0"]))).toEqual([
      'Firewall rule "m6-prod-allow-iap-ssh" must not open SSH (port 22) to ::/0',
    ]);
    expect(await messagesOf(p, mutate(open(), "allows", [{ protocol: "all" }]))).toEqual([
      'Firewall rule "m6-prod-allow-iap-ssh" must not open SSH (port 22) to 0.0.0.0/0',
    ]);
    expect(
      await messagesOf(p, mutate(open(), "allows", [{ protocol: "tcp", ports: ["1024-65535", "22"] }])),
    ).toHaveLength(1);
  });
  it("passes other ports and protocols", async () => {
    expect(await messagesOf(p, mutate(open(), "allows", [{ protocol: "tcp", ports: ["3389"] }]))).toEqual([]);
    expect(await messagesOf(p, mutate(open(), "allows", [{ protocol: "udp", ports: ["22"] }]))).toEqual([]);
  });
  it("treats unset direction as INGRESS; ignores egress and disabled rules", async () => {
    expect(await messagesOf(p, mutate(open(), "direction", UNSET))).toHaveLength(1);
    expect(await messagesOf(p, mutate(open(), "direction", "EGRESS"))).toEqual([]);
    expect(await messagesOf(p, mutate(open(), "disabled", true))).toEqual([]);
  });
});

describe("firewall-no-public-rdp", () => {
  const p = firewallNoPublicRdp;
  it("refuses RDP from anywhere and passes SSH-only rules", async () => {
    expect(await messagesOf(p, open())).toEqual([]);
    expect(await messagesOf(p, mutate(open(), "allows", [{ protocol: "tcp", ports: ["3389"] }]))).toEqual([
      'Firewall rule "m6-prod-allow-iap-ssh" must not open RDP (port 3389) to 0.0.0.0/0',
    ]);
    expect(await messagesOf(p, mutate(open(), "allows", [{ protocol: "all" }]))).toEqual([
      'Firewall rule "m6-prod-allow-iap-ssh" must not open RDP (port 3389) to 0.0.0.0/0',
    ]);
    expect(await messagesOf(p, mutate(fw(), "allows", [{ protocol: "tcp", ports: ["3389"] }]))).toEqual([]);
  });
});

describe("firewall-no-public-ingress", () => {
  const p = firewallNoPublicIngress;
  const deny = () =>
    mutate(mutate(mutate(fw(), "allows", UNSET), "denies", [{ protocol: "all" }]), "sourceRanges", [
      "0.0.0.0/0",
    ]);
  it("passes a rule from a known range and the network's deny-all from anywhere", async () => {
    expect(await messagesOf(p, fw())).toEqual([]);
    expect(await messagesOf(p, deny())).toEqual([]);
  });
  it("refuses any allowed port or protocol from the internet, IPv4 or IPv6", async () => {
    expect(
      await messagesOf(p, mutate(open(), "allows", [{ protocol: "tcp", ports: ["443", "8080-8090"] }])),
    ).toEqual([
      'Firewall rule "m6-prod-allow-iap-ssh" must not allow ingress from 0.0.0.0/0; it allows tcp:443,8080-8090',
    ]);
    expect(
      await messagesOf(p, mutate(mutate(fw(), "sourceRanges", ["::/0"]), "allows", [{ protocol: "udp" }])),
    ).toEqual([
      'Firewall rule "m6-prod-allow-iap-ssh" must not allow ingress from ::/0; it allows udp (every port)',
    ]);
  });
  it("ignores egress and disabled rules", async () => {
    expect(await messagesOf(p, mutate(open(), "direction", "EGRESS"))).toEqual([]);
    expect(await messagesOf(p, mutate(open(), "disabled", true))).toEqual([]);
    expect(await messagesOf(p, mutate(open(), "direction", UNSET))).toHaveLength(1);
  });
});

describe("subnet-flow-logs", () => {
  it("wants flow logs on regular subnets (unset logConfig: none), not on proxy-only ones", async () => {
    expect(await messagesOf(subnetFlowLogs, fixtures.subnetwork())).toEqual([]);
    expect(await messagesOf(subnetFlowLogs, mutate(fixtures.subnetwork(), "logConfig", UNSET))).toEqual([
      'Subnetwork "m6-prod-run" must record VPC flow logs; logConfig is unset, which means no flow logs',
    ]);
    expect(
      await messagesOf(
        subnetFlowLogs,
        mutate(mutate(fixtures.subnetwork(), "logConfig", UNSET), "purpose", "REGIONAL_MANAGED_PROXY"),
      ),
    ).toEqual([]);
    expect(
      await messagesOf(
        subnetFlowLogs,
        mutate(mutate(fixtures.subnetwork(), "logConfig", UNSET), "purpose", "PRIVATE_RFC_1918"),
      ),
    ).toHaveLength(1);
  });
});

describe("subnet-flow-logs sampling", () => {
  it("treats flowSampling 0 as no flow logs", async () => {
    expect(
      await messagesOf(subnetFlowLogs, mutate(fixtures.subnetwork(), "logConfig.flowSampling", 0)),
    ).toEqual([
      'Subnetwork "m6-prod-run" must record VPC flow logs; logConfig.flowSampling is 0, which reports no flows',
    ]);
    expect(
      await messagesOf(subnetFlowLogs, mutate(fixtures.subnetwork(), "logConfig.flowSampling", 0.05)),
    ).toEqual([]);
  });
});

describe("subnet-private-google-access", () => {
  it("wants Private Google Access, unset meaning false", async () => {
    expect(await messagesOf(subnetPrivateGoogleAccess, fixtures.subnetwork())).toEqual([]);
    expect(
      await messagesOf(
        subnetPrivateGoogleAccess,
        mutate(fixtures.subnetwork(), "privateIpGoogleAccess", UNSET),
      ),
    ).toEqual([
      'Subnetwork "m6-prod-run" must enable Private Google Access; privateIpGoogleAccess is unset, which the provider treats as false',
    ]);
  });
});

describe("network-custom-subnets", () => {
  it("wants custom mode, unset meaning auto", async () => {
    expect(await messagesOf(networkCustomSubnets, fixtures.network())).toEqual([]);
    expect(
      await messagesOf(networkCustomSubnets, mutate(fixtures.network(), "autoCreateSubnetworks", UNSET)),
    ).toEqual([
      'VPC network "m6-prod-vpc" must use custom subnets (autoCreateSubnetworks: false); autoCreateSubnetworks is unset, which the provider treats as true',
    ]);
  });
});

const redis = fixtures.redis;

describe("redis-auth", () => {
  it("wants AUTH on, unset meaning off", async () => {
    expect(await messagesOf(redisAuth, redis())).toEqual([]);
    expect(await messagesOf(redisAuth, mutate(redis(), "authEnabled", UNSET))).toEqual([
      'Redis instance "m6-prod-cache" must require AUTH; authEnabled is unset, which the provider treats as false',
    ]);
  });
});

describe("redis-transit-encryption", () => {
  it("wants TLS on, unset meaning DISABLED", async () => {
    expect(await messagesOf(redisTransitEncryption, redis())).toEqual([]);
    expect(
      await messagesOf(redisTransitEncryption, mutate(redis(), "transitEncryptionMode", "DISABLED")),
    ).toEqual([
      'Redis instance "m6-prod-cache" must encrypt traffic in transit (SERVER_AUTHENTICATION); transitEncryptionMode is "DISABLED"',
    ]);
    expect(await messagesOf(redisTransitEncryption, mutate(redis(), "transitEncryptionMode", UNSET))).toEqual(
      [
        'Redis instance "m6-prod-cache" must encrypt traffic in transit (SERVER_AUTHENTICATION); transitEncryptionMode is unset, which the provider treats as DISABLED',
      ],
    );
  });
});

describe("redis-high-availability", () => {
  it("wants STANDARD_HA in prod (unset is BASIC); BASIC elsewhere is fine", async () => {
    expect(await messagesOf(redisHighAvailability, redis())).toEqual([]);
    expect(await messagesOf(redisHighAvailability, mutate(redis(), "tier", UNSET))).toEqual([
      'Redis instance "m6-prod-cache" must use the STANDARD_HA tier; tier is unset, which the provider treats as BASIC',
    ]);
    expect(
      await messagesOf(
        redisHighAvailability,
        mutate(mutate(redis(), "tier", "BASIC"), "labels.env", "staging"),
        {
          env: "staging",
        },
      ),
    ).toEqual([]);
  });
});

describe("redis-private-network", () => {
  const p = redisPrivateNetwork;
  it("passes private services access on a named VPC", async () =>
    expect(await messagesOf(p, redis())).toEqual([]));
  it("refuses direct peering, unset meaning DIRECT_PEERING", async () => {
    expect(await messagesOf(p, mutate(redis(), "connectMode", UNSET))).toEqual([
      'Redis instance "m6-prod-cache" must connect through private services access; connectMode is unset, which the provider treats as DIRECT_PEERING',
    ]);
    expect(await messagesOf(p, mutate(redis(), "connectMode", "DIRECT_PEERING"))).toHaveLength(1);
  });
  it("refuses the default network, named or by falling back to it", async () => {
    expect(await messagesOf(p, mutate(redis(), "authorizedNetwork", UNSET))).toEqual([
      'Redis instance "m6-prod-cache" must name its VPC; authorizedNetwork is unset, which puts it on the default network',
    ]);
    expect(
      await messagesOf(
        p,
        mutate(
          redis(),
          "authorizedNetwork",
          "https://www.googleapis.com/compute/v1/projects/p/global/networks/default",
        ),
      ),
    ).toEqual([
      'Redis instance "m6-prod-cache" must not be on the default network; authorizedNetwork is "https://www.googleapis.com/compute/v1/projects/p/global/networks/default"',
    ]);
  });
  it("does not judge a network id computed at preview", async () => {
    expect(
      await messagesOf(p, mutate(redis(), "authorizedNetwork", UNKNOWN_PLACEHOLDER), { preview: true }),
    ).toEqual([]);
  });
});

describe("redis-network-in-stack (stack)", () => {
  const p = redisNetworkInStack;
  const conn = fixtures.serviceNetworkingConnection;
  const placed = () => withOptions(redis(), { dependencies: [conn().urn] });
  it("passes an instance on the stack's custom VPC, after its private services access", async () => {
    expect(await stackMessages(p, [fixtures.network(), conn(), placed()])).toEqual([]);
  });
  it("refuses a VPC outside the stack unless configured as shared", async () => {
    const elsewhere = mutate(placed(), "authorizedNetwork", "projects/host/global/networks/shared");
    expect(await checkStack(p, [fixtures.network(), conn(), elsewhere])).toEqual([
      {
        urn: elsewhere.urn,
        message:
          'Redis instance "m6-prod-cache" must be on a VPC of this stack or a configured shared network; authorizedNetwork is "projects/host/global/networks/shared"',
      },
    ]);
    expect(
      await stackMessages(p, [elsewhere], {
        config: { sharedNetworks: ["projects/host/global/networks/shared"] },
      }),
    ).toEqual([]);
  });
  it("refuses an auto-mode VPC", async () => {
    expect(
      await stackMessages(p, [mutate(fixtures.network(), "autoCreateSubnetworks", true), conn(), placed()]),
    ).toEqual([
      'Redis instance "m6-prod-cache" must be on a custom-mode VPC; "m6-prod-vpc" creates its subnets automatically',
    ]);
  });
  it("refuses a VPC without private services access, or an instance not waiting for it", async () => {
    expect(await stackMessages(p, [fixtures.network(), placed()])).toEqual([
      'Redis instance "m6-prod-cache" must be on a VPC with private services access; no Service Networking connection of this stack serves "m6-prod-vpc"',
    ]);
    expect(await stackMessages(p, [fixtures.network(), conn(), redis()])).toEqual([
      'Redis instance "m6-prod-cache" must be created after the private services access connection of "m6-prod-vpc" (dependsOn)',
    ]);
  });
  it("follows the link through property dependencies at preview", async () => {
    const vpc = fixtures.network();
    const computed = withOptions(mutate(placed(), "authorizedNetwork", UNKNOWN_PLACEHOLDER), {
      propertyDependencies: { authorizedNetwork: [vpc.urn] },
    });
    expect(await stackMessages(p, [vpc, conn(), computed], { preview: true })).toEqual([]);
  });
});
