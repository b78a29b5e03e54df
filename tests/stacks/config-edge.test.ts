import { describe, expect, it } from "vitest";
import { IMAGE, base, configError, input, parse, service, svc, type Values } from "../helpers/config";

/** The base staging config with an edge block. */
function withEdge(edge: Record<string, unknown> = {}): Values {
  return { ...base(), edge };
}

describe("edge config: resolved over the preset", () => {
  it("gives prod and staging an edge with secure defaults, and feature stacks none", () => {
    const staging = parse(withEdge());
    expect(staging.edge).toMatchObject({
      domains: ["staging.module6.example.com"],
      // Certificate Manager by default: a change of domains never leaves a served hostname without a certificate.
      certificates: { mode: "certificate-manager", domains: ["staging.module6.example.com"] },
      sslProfile: "MODERN",
      logSampleRate: 0.5,
      staticPaths: ["/static/*"],
      defaultBackend: "static",
      armor: { adaptiveProtection: false },
    });
    expect(staging.apis).toContain("compute.googleapis.com");
    expect(staging.apis).toContain("certificatemanager.googleapis.com");

    const prod = base();
    prod.kind = "prod";
    prod.domain = "app.example.com";
    expect(parse(prod, "prod").edge).toMatchObject({ logSampleRate: 1, armor: { adaptiveProtection: true } });

    const feature = base();
    feature.kind = "feature";
    delete feature.monitoring; // feature stacks have no monitoring
    expect(parse(feature, "feature-x", []).edge).toBeUndefined();
  });

  it("honours overrides and adds Certificate Manager's API when it is used", () => {
    const cfg = parse(
      withEdge({
        domains: ["staging.module6.example.com", "www.staging.module6.example.com"],
        certificates: {
          mode: "certificate-manager",
          domains: ["staging.module6.example.com", "*.staging.module6.example.com"],
        },
        sslProfile: "RESTRICTED",
        logSampleRate: 0.1,
        defaultService: "web",
        armor: { preview: true, rateLimit: { requests: 100, intervalSec: 60 } },
      }),
    );
    expect(cfg.edge).toMatchObject({
      sslProfile: "RESTRICTED",
      logSampleRate: 0.1,
      defaultBackend: "web",
      armor: { preview: true },
    });
    expect(cfg.apis).toContain("certificatemanager.googleapis.com");
  });

  it("lets each service choose Cloud Armor's method enforcement, off by default (REST APIs)", () => {
    const values = withEdge();
    service(values, "web").methodEnforcement = true;
    const cfg = parse(values);
    expect(Object.fromEntries(cfg.services.map((s) => [s.name, s.methodEnforcement]))).toEqual({
      web: true,
      api: false,
    });
    service(values, "web").methodEnforcement = "yes";
    expect(configError(input(values, "staging")).message).toContain(
      'module6:services.web.methodEnforcement: got "yes"',
    );
  });

  it("runs a service in several regions, the stack's region first, and guards internal tools with IAP", () => {
    const values = withEdge();
    service(values, "api").regions = ["asia-northeast1", "asia-northeast3"];
    service(values, "api").minInstances = 1;
    service(values, "web").access = "iap";
    const cfg = parse(values);
    expect(svc(cfg, "api").regions).toEqual(["asia-northeast3", "asia-northeast1"]);
    // Failover between regions needs a readiness probe (on the health path by default) in each.
    expect(svc(cfg, "api").readinessPath).toBe("/health");
    expect(svc(cfg, "web").readinessPath).toBeUndefined();
    expect(svc(cfg, "web")).toMatchObject({ access: "iap", iapMembers: ["group:x@example.com"] });
    expect(cfg.needsIapAgent).toBe(true);
  });
});

describe("edge config: mistakes", () => {
  const cases: {
    what: string;
    edge?: Record<string, unknown>;
    mutate?: (v: Values) => void;
    stack?: string;
    expected: string;
  }[] = [
    {
      what: "an unknown service as the default route",
      edge: { defaultService: "admin" },
      expected:
        'module6:edge.defaultService: got "admin"; a configured service (web, api), or leave it out for the static site',
    },
    {
      what: "overlapping paths on two services",
      mutate: (v) => {
        service(v, "web").routes = ["/api/v1/*"];
      },
      expected:
        'module6:services.api.routes[0]: got "/api/*"; a path that does not overlap services.web.routes[0] (/api/v1/* → web)',
    },
    {
      what: "a service path overlapping the static site",
      edge: { staticPaths: ["/app/assets/*"] },
      expected:
        'module6:edge.staticPaths[0]: got "/app/assets/*"; a path that does not overlap services.web.routes[1] (/app/* → web)',
    },
    {
      what: "a domain without a certificate",
      edge: {
        domains: ["staging.module6.example.com", "api.module6.example.com"],
        certificates: { domains: ["staging.module6.example.com"] },
      },
      expected:
        'module6:edge.certificates.domains: got ["staging.module6.example.com"]; a certificate domain that covers api.module6.example.com',
    },
    {
      what: "a wildcard certificate with compute managed certificates",
      edge: { certificates: { mode: "managed", domains: ["*.module6.example.com"] } },
      expected:
        'module6:edge.certificates.domains[0]: got "*.module6.example.com"; a wildcard only with mode "certificate-manager"',
    },
    {
      what: "a rate limit of zero requests",
      edge: { armor: { rateLimit: { requests: 0 } } },
      expected: "module6:edge.armor.rateLimit.requests: got 0; an integer 1-10000\n",
    },
    {
      // Cloud Armor's rate-based ban takes counts of 1-10,000 (rate-limiting overview).
      what: "a rate limit above Cloud Armor's 10,000 requests",
      edge: { armor: { rateLimit: { requests: 12000, banRequests: 15000 } } },
      expected: "module6:edge.armor.rateLimit.requests: got 12000; an integer 1-10000\n",
    },
    {
      what: "a ban threshold above Cloud Armor's 10,000 requests",
      edge: { armor: { rateLimit: { requests: 4000 } } },
      expected:
        "module6:edge.armor.rateLimit.banRequests: got 12000; an integer above rateLimit.requests (4000) and at most 10000",
    },
    {
      what: "a rate-limit interval Cloud Armor does not offer",
      edge: { armor: { rateLimit: { intervalSec: 45 } } },
      expected: "module6:edge.armor.rateLimit.intervalSec: got 45; one of 10, 30, 60, 120",
    },
    {
      what: "a WAF sensitivity out of range",
      edge: { armor: { wafSensitivity: 5 } },
      expected: "module6:edge.armor.wafSensitivity: got 5; an integer 1-4",
    },
    {
      what: "a malformed deny range",
      edge: { armor: { denyIpRanges: ["10.0.0.0/33"] } },
      expected: 'module6:edge.armor.denyIpRanges[0]: got "10.0.0.0/33"; a CIDR range',
    },
    {
      what: "a wildcard CORS origin",
      edge: { cors: { origins: ["*"] } },
      expected: 'module6:edge.cors.origins[0]: got "*"; an https origin',
    },
    {
      what: "a log sample rate above 1",
      edge: { logSampleRate: 2 },
      expected: "module6:edge.logSampleRate: got 2; a number from 0 to 1",
    },
    {
      what: "an unknown edge key",
      edge: { sslPolicy: "MODERN" },
      expected: 'module6:edge.sslPolicy: got "MODERN"; no such key',
    },
    {
      what: "regions without the stack's region",
      mutate: (v) => {
        service(v, "api").regions = ["asia-northeast1"];
      },
      expected:
        'module6:services.api.regions: got ["asia-northeast1"]; a list that includes the stack\'s region asia-northeast3',
    },
    {
      what: "an edge block in a feature stack",
      mutate: (v) => {
        v.kind = "feature";
        delete v.monitoring; // feature stacks have no monitoring
      },
      edge: {},
      stack: "feature-x",
      expected: 'module6:edge: got "a block"; no edge block in a feature stack',
    },
    {
      what: "IAP access in a feature stack",
      mutate: (v) => {
        v.kind = "feature";
        delete v.monitoring; // feature stacks have no monitoring
        service(v, "web").access = "iap";
      },
      stack: "feature-x",
      expected: 'module6:services.web.access: got "iap"; "public" in a feature stack',
    },
    {
      what: "prod protection switched off in config",
      mutate: (v) => {
        v.kind = "prod";
        v.protection = { protect: false };
      },
      stack: "prod",
      expected: "module6:protection.protect: got false; true in prod",
    },
    {
      what: "prod Firestore without point-in-time recovery",
      mutate: (v) => {
        v.kind = "prod";
        (v.firestore as Record<string, unknown>).pointInTimeRecovery = false;
      },
      stack: "prod",
      expected: "module6:firestore.pointInTimeRecovery: got false; true in prod",
    },
    {
      what: "feature stack asking for protection",
      mutate: (v) => {
        v.kind = "feature";
        delete v.monitoring; // feature stacks have no monitoring
        v.protection = { deletionProtection: true };
      },
      stack: "feature-x",
      expected: "module6:protection.deletionProtection: got true; false in a feature stack",
    },
  ];

  it.each(cases)("rejects $what", ({ edge, mutate, stack, expected }) => {
    const values = edge === undefined ? base() : withEdge(edge);
    mutate?.(values);
    const secrets = stack?.startsWith("feature-") ? [] : ["session-key"];
    expect(configError(input(values, stack ?? "staging", secrets)).message).toContain(expected);
  });

  it("keeps a partial backup override field by field", () => {
    const values = base();
    values.kind = "prod";
    values.firestore = { location: "asia-northeast3", backups: { dailyRetentionDays: 14 } };
    expect(parse(values, "prod").firestore?.backups).toEqual({
      dailyRetentionDays: 14,
      weeklyRetentionWeeks: 14,
    });
  });

  it("accepts a valid multi-region, multi-domain edge", () => {
    const values = withEdge({ domains: ["staging.module6.example.com", "www.staging.module6.example.com"] });
    service(values, "api").regions = ["asia-northeast3", "asia-northeast1"];
    service(values, "api").minInstances = 1;
    service(values, "api").image = IMAGE("api", "2.0.0");
    expect(() => parse(values)).not.toThrow();
  });

  // Cloud Run service health needs at least one minimum instance per region to fail over.
  it("refuses a service in several regions that scales to zero", () => {
    const values = withEdge();
    service(values, "api").regions = ["asia-northeast3", "asia-northeast1"];
    expect(() => parse(values)).toThrow(
      "module6:services.api.minInstances: got 0; at least 1 with a readiness probe, which every service in several regions has",
    );
  });

  it("takes readinessPath from config and refuses one ending in z", () => {
    const values = withEdge();
    service(values, "api").regions = ["asia-northeast3", "asia-northeast1"];
    service(values, "api").minInstances = 1;
    service(values, "api").readinessPath = "/ready";
    expect(svc(parse(values), "api").readinessPath).toBe("/ready");
    service(values, "api").readinessPath = "/readyz";
    expect(() => parse(values)).toThrow('module6:services.api.readinessPath: got "/readyz"');
  });
});
