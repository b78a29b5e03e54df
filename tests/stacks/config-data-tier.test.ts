/**
 * `module6:network`, `module6:redis` and `module6:cmek`: resolved over the kind, each mistake named by its
 * config key with the value and what is allowed, before any resource exists.
 */
import { describe, expect, it } from "vitest";
import { firestoreKeyLocation, keySpecs, secretLocations } from "../../stacks/data-tier";
import { base, configError, input, parse, service, type Values } from "../helpers/config";

/** The staging fixture with a data tier: web uses the cache. */
function withTier(kind = "staging"): Values {
  const values = base();
  values.kind = kind;
  values.network = { subnets: { "asia-northeast3": "10.20.0.0/24" }, privateServiceAccess: "10.84.0.0/20" };
  values.redis = {};
  service(values, "web").uses = ["redis"];
  return values;
}

/** The problem lines of the error `values` raise. */
function problems(values: Values, stack = "staging"): string[] {
  return configError(input(values, stack)).message.split("\n").slice(1);
}

describe("data tier config", () => {
  it("resolves a BASIC cache in staging and STANDARD_HA in prod by default, with the network's defaults", () => {
    const staging = parse(withTier());
    expect(staging.dataTier.redis).toMatchObject({
      tier: "BASIC",
      memorySizeGb: 1,
      redisVersion: "REDIS_7_2",
    });
    expect(staging.dataTier.network).toMatchObject({
      nat: {},
      flowLogs: {},
      privateServiceAccess: "10.84.0.0/20",
    });
    expect(staging.dataTier.cmek).toBeUndefined();
    expect(staging.apis).toEqual(
      expect.arrayContaining([
        "compute.googleapis.com",
        "servicenetworking.googleapis.com",
        "redis.googleapis.com",
      ]),
    );
    expect(staging.apis).not.toContain("cloudkms.googleapis.com");
    const prodValues = withTier("prod");
    prodValues.cmek = {};
    const prod = parse(prodValues, "prod");
    expect(prod.dataTier.redis?.tier).toBe("STANDARD_HA");
    expect(prod.dataTier.cmek).toEqual({ rotationDays: 90 });
    expect(prod.apis).toContain("cloudkms.googleapis.com");
  });

  it("refuses a BASIC cache in prod, a cache without private services access and rotations over 90 days", () => {
    const values = withTier("prod");
    values.redis = { tier: "BASIC" };
    values.network = { subnets: { "asia-northeast3": "10.20.0.0/24" } };
    values.cmek = { rotationDays: 120 };
    const lines = problems(values, "prod");
    expect(lines).toContain(
      '  - module6:redis.tier: got "BASIC"; STANDARD_HA in prod (a replica and automatic failover)',
    );
    expect(
      lines.some((l) => l.startsWith("  - module6:redis: got") && l.includes("privateServiceAccess")),
    ).toBe(true);
    expect(lines).toContain("  - module6:cmek.rotationDays: got 120; an integer 1-90");
  });

  it("applies the components' own rules under the config keys", () => {
    const values = withTier();
    values.network = {
      subnets: { "asia-northeast3": "10.20.0.0/27" },
      privateServiceAccess: "10.20.0.0/20",
      flowLogs: { sampling: 0 },
    };
    values.redis = { memorySizeGb: 0, maintenanceWindow: { day: "SUNDAY", hour: 24 } };
    const lines = problems(values);
    expect(lines).toContain(
      '  - module6:network.subnets.asia-northeast3: got "10.20.0.0/27"; a /8 to /26 range (Direct VPC egress needs /26 or larger)',
    );
    expect(lines).toContain(
      '  - module6:network.privateServiceAccess: got "10.20.0.0/20"; a range that does not overlap network.subnets.asia-northeast3 (10.20.0.0/27)',
    );
    expect(lines.some((l) => l.startsWith("  - module6:network.flowLogs.sampling: got 0;"))).toBe(true);
    expect(lines.some((l) => l.startsWith("  - module6:redis.memorySizeGb: got 0;"))).toBe(true);
    expect(lines.some((l) => l.startsWith("  - module6:redis.maintenanceWindow.hour: got 24;"))).toBe(true);
  });

  it("needs a subnet in every region of a service that uses the cache, and no vpc block beside the network", () => {
    const values = withTier();
    service(values, "web").regions = ["asia-northeast3", "asia-northeast1"];
    values.vpc = { network: "shared", subnetwork: "shared-sub" };
    const lines = problems(values);
    expect(lines).toContain(
      '  - module6:network.subnets: got ["asia-northeast3"]; a subnet in asia-northeast1, where service "web" runs with Direct VPC egress',
    );
    expect(lines.some((l) => l.startsWith("  - module6:vpc: got") && l.includes("module6:network"))).toBe(
      true,
    );
  });

  it("refuses uses: [redis] without a cache, and any data-tier block in a feature stack", () => {
    const values = base();
    service(values, "web").uses = ["redis"];
    expect(problems(values)).toContain(
      '  - module6:services.web.uses: got ["redis"]; redis only with a module6:redis block',
    );
    const feature = withTier("feature");
    delete feature.monitoring;
    const lines = problems(feature, "feature-pr-7");
    for (const key of ["network", "redis"])
      expect(lines.some((l) => l.startsWith(`  - module6:${key}: got`) && l.includes("feature stack"))).toBe(
        true,
      );
  });

  it("places each key in the location of its data", () => {
    expect(firestoreKeyLocation("nam5")).toBe("us");
    expect(firestoreKeyLocation("eur3")).toBe("europe");
    expect(firestoreKeyLocation("asia-northeast3")).toBe("asia-northeast3");
    const values = withTier("prod");
    values.cmek = { rotationDays: 30 };
    values.secrets = { "session-key": { replicaLocations: ["asia-northeast3", "asia-northeast1"] } };
    values.allowedRegions = ["asia-northeast3", "asia-northeast1"];
    const cfg = parse(values, "prod");
    expect(secretLocations(cfg)).toEqual(["asia-northeast3", "asia-northeast1"]);
    expect(keySpecs(cfg)).toEqual({
      registry: { service: "artifactregistry", rotationDays: 30 },
      secrets: {
        service: "secretmanager",
        locations: ["asia-northeast3", "asia-northeast1"],
        rotationDays: 30,
      },
      logs: { service: "logging", rotationDays: 30 },
      storage: { service: "storage", rotationDays: 30 },
      firestore: { service: "firestore", locations: ["asia-northeast3"], rotationDays: 30 },
      redis: { service: "redis", rotationDays: 30 },
    });
  });
});
