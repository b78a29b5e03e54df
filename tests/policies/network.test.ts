import { describe, expect, it } from "vitest";
import {
  firewallNoPublicRdp,
  firewallNoPublicSsh,
  networkCustomSubnets,
  opensPort,
  redisAuth,
  redisHighAvailability,
  redisTransitEncryption,
  subnetFlowLogs,
  subnetPrivateGoogleAccess,
} from "../../policies/network";
import { mutate, UNSET } from "../fixtures/policies/build";
import { fixtures } from "../fixtures/policies/resources";
import { messagesOf } from "./harness";

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
