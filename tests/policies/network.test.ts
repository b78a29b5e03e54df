import { describe, expect, it } from "vitest";
import {
  firewallNoPublicAdminPorts,
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

describe("firewall-no-public-admin-ports", () => {
  const p = firewallNoPublicAdminPorts;
  const fw = fixtures.firewall;
  const open = (f = fw()) => mutate(f, "sourceRanges", ["0.0.0.0/0"]);
  it("reads port lists and ranges (unset means every port)", () => {
    expect(opensPort(["22"], 22)).toBe(true);
    expect(opensPort(["3000-4000"], 3389)).toBe(true);
    expect(opensPort(["443"], 22)).toBe(false);
    expect(opensPort(undefined, 22)).toBe(true);
  });
  it("passes SSH from the IAP range", () => expect(messagesOf(p, fw())).toEqual([]));
  it("refuses SSH or RDP from anywhere, and all ports", () => {
    expect(messagesOf(p, open())).toEqual([
      'Firewall rule "m6-prod-allow-iap-ssh" must not open SSH (port 22) to 0.0.0.0/0',
    ]);
    expect(messagesOf(p, mutate(open(), "allows", [{ protocol: "all" }]))).toEqual([
      'Firewall rule "m6-prod-allow-iap-ssh" must not open SSH (port 22) to 0.0.0.0/0',
      'Firewall rule "m6-prod-allow-iap-ssh" must not open RDP (port 3389) to 0.0.0.0/0',
    ]);
  });
  it("treats unset direction as INGRESS; ignores egress and disabled rules", () => {
    expect(messagesOf(p, mutate(open(), "direction", UNSET))).toHaveLength(1);
    expect(messagesOf(p, mutate(open(), "direction", "EGRESS"))).toEqual([]);
    expect(messagesOf(p, mutate(open(), "disabled", true))).toEqual([]);
  });
});

describe("subnet-flow-logs", () => {
  it("wants flow logs on regular subnets (unset logConfig: none), not on proxy-only ones", () => {
    expect(messagesOf(subnetFlowLogs, fixtures.subnetwork())).toEqual([]);
    expect(messagesOf(subnetFlowLogs, mutate(fixtures.subnetwork(), "logConfig", UNSET))).toEqual([
      'Subnetwork "m6-prod-run" must record VPC flow logs; logConfig is unset, which means no flow logs',
    ]);
    expect(
      messagesOf(
        subnetFlowLogs,
        mutate(mutate(fixtures.subnetwork(), "logConfig", UNSET), "purpose", "REGIONAL_MANAGED_PROXY"),
      ),
    ).toEqual([]);
  });
});

describe("subnet-private-google-access", () => {
  it("wants Private Google Access, unset meaning false", () => {
    expect(messagesOf(subnetPrivateGoogleAccess, fixtures.subnetwork())).toEqual([]);
    expect(
      messagesOf(subnetPrivateGoogleAccess, mutate(fixtures.subnetwork(), "privateIpGoogleAccess", UNSET)),
    ).toEqual([
      'Subnetwork "m6-prod-run" must enable Private Google Access; privateIpGoogleAccess is unset, which the provider treats as false',
    ]);
  });
});

describe("network-custom-subnets", () => {
  it("wants custom mode, unset meaning auto", () => {
    expect(messagesOf(networkCustomSubnets, fixtures.network())).toEqual([]);
    expect(
      messagesOf(networkCustomSubnets, mutate(fixtures.network(), "autoCreateSubnetworks", UNSET)),
    ).toEqual([
      'VPC network "m6-prod-vpc" must use custom subnets (autoCreateSubnetworks: false); autoCreateSubnetworks is unset, which the provider treats as true',
    ]);
  });
});

const redis = fixtures.redis;

describe("redis-auth", () => {
  it("wants AUTH on, unset meaning off", () => {
    expect(messagesOf(redisAuth, redis())).toEqual([]);
    expect(messagesOf(redisAuth, mutate(redis(), "authEnabled", UNSET))).toEqual([
      'Redis instance "m6-prod-cache" must require AUTH; authEnabled is unset, which the provider treats as false',
    ]);
  });
});

describe("redis-transit-encryption", () => {
  it("wants TLS on, unset meaning DISABLED", () => {
    expect(messagesOf(redisTransitEncryption, redis())).toEqual([]);
    expect(messagesOf(redisTransitEncryption, mutate(redis(), "transitEncryptionMode", "DISABLED"))).toEqual([
      'Redis instance "m6-prod-cache" must encrypt traffic in transit (SERVER_AUTHENTICATION); transitEncryptionMode is "DISABLED"',
    ]);
    expect(messagesOf(redisTransitEncryption, mutate(redis(), "transitEncryptionMode", UNSET))).toEqual([
      'Redis instance "m6-prod-cache" must encrypt traffic in transit (SERVER_AUTHENTICATION); transitEncryptionMode is unset, which the provider treats as DISABLED',
    ]);
  });
});

describe("redis-high-availability", () => {
  it("wants STANDARD_HA in prod (unset is BASIC); BASIC elsewhere is fine", () => {
    expect(messagesOf(redisHighAvailability, redis())).toEqual([]);
    expect(messagesOf(redisHighAvailability, mutate(redis(), "tier", UNSET))).toEqual([
      'Redis instance "m6-prod-cache" must use the STANDARD_HA tier; tier is unset, which the provider treats as BASIC',
    ]);
    expect(
      messagesOf(redisHighAvailability, mutate(mutate(redis(), "tier", "BASIC"), "labels.env", "staging"), {
        env: "staging",
      }),
    ).toEqual([]);
  });
});
