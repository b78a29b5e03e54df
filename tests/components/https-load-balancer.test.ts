import { beforeAll, describe, expect, it } from "vitest";
import {
  HttpsLoadBalancer,
  certificateCovers,
  validateHttpsLoadBalancerArgs,
  type HttpsLoadBalancerArgs,
} from "../../components/https-load-balancer";
import { ValidationError } from "../../components/shared/validation";
import type { RecordedResource } from "../../plan/record";
import { DEFAULT_SECURITY_HEADERS } from "../fixtures/security-headers";
import {
  commonArgs,
  expectProps,
  idOf,
  installMocks,
  named,
  onlyOfType,
  record,
  recordOnce,
  resourcesOfType,
  valueOf,
} from "../helpers/pulumi";

const LB = "module6:edge:HttpsLoadBalancer";
const STATIC_SITE = "module6:edge:StaticSite";
const ARMOR = "module6:edge:CloudArmorPolicy";
const ADDRESS = "gcp:compute/globalAddress:GlobalAddress";
const RULE = "gcp:compute/globalForwardingRule:GlobalForwardingRule";
const SSL_POLICY = "gcp:compute/sSLPolicy:SSLPolicy";
const HTTPS_PROXY = "gcp:compute/targetHttpsProxy:TargetHttpsProxy";
const HTTP_PROXY = "gcp:compute/targetHttpProxy:TargetHttpProxy";
const URL_MAP = "gcp:compute/uRLMap:URLMap";
const BACKEND_SERVICE = "gcp:compute/backendService:BackendService";
const BACKEND_BUCKET = "gcp:compute/backendBucket:BackendBucket";
const NEG = "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup";
const SECURITY_POLICY = "gcp:compute/securityPolicy:SecurityPolicy";
const MANAGED_CERT = "gcp:compute/managedSslCertificate:ManagedSslCertificate";
const DNS_AUTH = "gcp:certificatemanager/dnsAuthorization:DnsAuthorization";
const CM_CERT = "gcp:certificatemanager/certificate:Certificate";
const CERT_MAP = "gcp:certificatemanager/certificateMap:CertificateMap";
const CERT_MAP_ENTRY = "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry";
const BUCKET = "gcp:storage/bucket:Bucket";
const IAP_MEMBER = "gcp:iap/webBackendServiceIamMember:WebBackendServiceIamMember";
const EDGE_ARMOR = "module6:edge:CloudArmorEdgePolicy";

const DOMAINS = ["app.example.com", "www.example.com"];

/** Valid args: `api` in two regions, `web` in one, routes to both and to the static site. */
function baseArgs(overrides: Partial<HttpsLoadBalancerArgs> = {}): HttpsLoadBalancerArgs {
  return {
    ...commonArgs(),
    name: "edge",
    domains: DOMAINS,
    backends: {
      api: {
        regions: [
          { region: "asia-northeast3", service: "m6-test-api" },
          { region: "asia-northeast1", service: "m6-test-api" },
        ],
      },
      web: { regions: [{ region: "asia-northeast3", service: "m6-test-web" }] },
    },
    routes: [
      { path: "/api/*", backend: "api" },
      { path: "/assets/*", backend: "static" },
      { path: "/app", backend: "web" },
      { path: "/app/*", backend: "web" },
    ],
    ...overrides,
  };
}

/** A string output of a resource. */
function output(resource: RecordedResource, key: string): string {
  const value = resource.outputs[key];
  expect(typeof value, `${resource.type} ${resource.name} output ${key}`).toBe("string");
  return value as string;
}

/** The HTTPS URL map (the one that is not the port-80 redirect). */
function httpsMap(resources: readonly RecordedResource[]): RecordedResource {
  const maps = resourcesOfType(resources, URL_MAP).filter((m) => m.inputs.defaultUrlRedirect === undefined);
  expect(maps, "one serving URL map").toHaveLength(1);
  return maps[0] as RecordedResource;
}

/** The port-80 URL map (the one with a default redirect). */
function redirectMap(resources: readonly RecordedResource[]): RecordedResource {
  const maps = resourcesOfType(resources, URL_MAP).filter((m) => m.inputs.defaultUrlRedirect !== undefined);
  expect(maps, "one redirect URL map").toHaveLength(1);
  return maps[0] as RecordedResource;
}

/** The backend services' Cloud Armor policy (type CLOUD_ARMOR), not the static site's edge policy. */
function backendPolicy(resources: readonly RecordedResource[]): RecordedResource {
  const policies = resourcesOfType(resources, SECURITY_POLICY).filter((p) => p.inputs.type === "CLOUD_ARMOR");
  expect(policies, "one backend policy").toHaveLength(1);
  return policies[0] as RecordedResource;
}

/** Certificate Manager certificates, sorted by their domain (registration order is not theirs to keep). */
function certificatesByDomain(resources: readonly RecordedResource[]): RecordedResource[] {
  const domain = (c: RecordedResource): string => (c.inputs.managed as { domains: string[] }).domains.join();
  return resourcesOfType(resources, CM_CERT).sort((a, b) => domain(a).localeCompare(domain(b)));
}

/** The static site's edge policy (type CLOUD_ARMOR_EDGE). */
function edgePolicy(resources: readonly RecordedResource[]): RecordedResource {
  const policies = resourcesOfType(resources, SECURITY_POLICY).filter(
    (p) => p.inputs.type === "CLOUD_ARMOR_EDGE",
  );
  expect(policies, "one edge policy").toHaveLength(1);
  return policies[0] as RecordedResource;
}

/** The expression of the method-enforcement rule of the backend policy, if it has one. */
function methodRule(resources: readonly RecordedResource[]): string | undefined {
  const rules = backendPolicy(resources).inputs.rules as { match: { expr?: { expression: string } } }[];
  return rules.map((r) => r.match.expr?.expression ?? "").find((e) => e.includes("methodenforcement"));
}

beforeAll(async () => {
  await installMocks();
});

/** Everything by default. */
const defaults = recordOnce(() => new HttpsLoadBalancer("lb-defaults", baseArgs()));

const IAP_MEMBERS = ["group:devs@example.com", "user:qa@example.com"];
const CERT_DOMAINS = ["app.example.com", "www.example.com", "example.com"];

/** Every option that changes a setting away from its default. */
const customized = recordOnce(() => {
  const args = baseArgs();
  return new HttpsLoadBalancer(
    "lb-custom",
    baseArgs({
      sslProfile: "RESTRICTED",
      logSampleRate: 0.25,
      defaultBackend: "web",
      certificates: { domains: CERT_DOMAINS },
      backends: { ...args.backends, web: { ...args.backends.web!, iapMembers: IAP_MEMBERS } },
    }),
  );
});

describe("HttpsLoadBalancer: front end", () => {
  it("reserves IPv4 and IPv6 and forwards 443 and 80 on each with EXTERNAL_MANAGED", async () => {
    const { resources } = await defaults();
    const addresses = resourcesOfType(resources, ADDRESS);
    expect(addresses.map((a) => a.inputs.ipVersion).sort()).toEqual(["IPV4", "IPV6"]);
    for (const address of addresses) expectProps(address, { addressType: "EXTERNAL" });

    const rules = resourcesOfType(resources, RULE);
    expect(rules).toHaveLength(4);
    const httpsProxyId = idOf(onlyOfType(resources, HTTPS_PROXY));
    const httpProxyId = idOf(onlyOfType(resources, HTTP_PROXY));
    expect(httpsProxyId).not.toBe(httpProxyId);
    for (const rule of rules)
      expectProps(rule, { loadBalancingScheme: "EXTERNAL_MANAGED", ipProtocol: "TCP" });

    // Every (address, port) pair exactly once.
    const pairs = rules.map((r) => `${String(r.inputs.ipAddress)} ${String(r.inputs.portRange)}`).sort();
    expect(pairs).toEqual(addresses.flatMap((a) => [`${idOf(a)} 443`, `${idOf(a)} 80`]).sort());
    for (const rule of rules) {
      const expectedTarget = rule.inputs.portRange === "443" ? httpsProxyId : httpProxyId;
      expect(rule.inputs.target, `${rule.name} target`).toBe(expectedTarget);
    }
  });

  it.each([
    ["default", defaults, "MODERN"],
    ["RESTRICTED", customized, "RESTRICTED"],
  ] as const)(
    "attaches a TLS 1.2+ SSL policy (sslProfile %s) to the HTTPS proxy",
    async (_case, lb, profile) => {
      const { resources } = await lb();
      const policy = onlyOfType(resources, SSL_POLICY);
      expectProps(policy, { profile, minTlsVersion: "TLS_1_2" });
      const proxy = onlyOfType(resources, HTTPS_PROXY);
      expect(proxy.inputs.sslPolicy).toBe(idOf(policy));
      expect(proxy.inputs.urlMap).toBe(idOf(httpsMap(resources)));
    },
  );

  it("only redirects on port 80: its own URL map, no backend anywhere on that path", async () => {
    const { resources } = await defaults();
    const redirect = redirectMap(resources);
    expect(redirect.inputs.defaultUrlRedirect).toMatchObject({ httpsRedirect: true });
    expect(redirect.inputs).not.toHaveProperty("defaultService");
    expect(redirect.inputs).not.toHaveProperty("hostRules");
    expect(redirect.inputs).not.toHaveProperty("pathMatchers");
    expect(redirect.inputs).not.toHaveProperty("defaultRouteAction");

    const httpProxy = onlyOfType(resources, HTTP_PROXY);
    expect(httpProxy.inputs.urlMap).toBe(idOf(redirect));
    expect(httpProxy.inputs.urlMap).not.toBe(idOf(httpsMap(resources)));

    const httpsProxyId = idOf(onlyOfType(resources, HTTPS_PROXY));
    const port80 = resourcesOfType(resources, RULE).filter((r) => r.inputs.portRange === "80");
    expect(port80).toHaveLength(2);
    for (const rule of port80) {
      expect(rule.inputs.target).toBe(idOf(httpProxy));
      expect(rule.inputs.target).not.toBe(httpsProxyId);
    }

    // Nothing on the port-80 path names or depends on a backend service or bucket.
    const backends = [
      ...resourcesOfType(resources, BACKEND_SERVICE),
      ...resourcesOfType(resources, BACKEND_BUCKET),
    ];
    expect(backends).toHaveLength(3);
    for (const resource of [redirect, httpProxy, ...port80]) {
      const text = JSON.stringify(resource.inputs);
      for (const backend of backends) {
        expect(text, `${resource.name} mentions ${backend.name}`).not.toContain(idOf(backend));
        expect(text, `${resource.name} mentions ${backend.name}`).not.toContain(output(backend, "selfLink"));
        expect(resource.dependencies, `${resource.name} depends on ${backend.name}`).not.toContain(
          backend.urn,
        );
      }
    }
  });
});

describe("HttpsLoadBalancer: certificates", () => {
  it("uses Certificate Manager by default: one DNS-authorized certificate per domain in a certificate map", async () => {
    const { result, resources } = await defaults();
    expect(resourcesOfType(resources, MANAGED_CERT)).toHaveLength(0);
    const auths = resourcesOfType(resources, DNS_AUTH);
    expect(auths.map((a) => a.inputs.domain)).toEqual(DOMAINS);
    const certs = certificatesByDomain(resources);
    expect(certs.map((c) => c.inputs.managed)).toEqual(
      DOMAINS.map((d, i) => ({ domains: [d], dnsAuthorizations: [idOf(auths[i]!)] })),
    );
    // Auto-named: a replaced certificate is created before the old one is deleted.
    for (const cert of certs) expect(cert.inputs).not.toHaveProperty("name");
    const map = onlyOfType(resources, CERT_MAP);
    const entries = resourcesOfType(resources, CERT_MAP_ENTRY);
    expect(Object.fromEntries(entries.map((e) => [e.inputs.hostname, e.inputs.certificates]))).toEqual(
      Object.fromEntries(DOMAINS.map((d, i) => [d, [idOf(certs[i]!)]])),
    );
    const proxy = onlyOfType(resources, HTTPS_PROXY);
    expect(proxy.inputs.certificateMap).toBe(`//certificatemanager.googleapis.com/${idOf(map)}`);
    expect(proxy.inputs).not.toHaveProperty("sslCertificates");
    expect(await valueOf(result.certificateNames)).toEqual(certs.map((c) => output(c, "name")));
    // The A/AAAA records and one _acme-challenge CNAME per domain.
    expect((await valueOf(result.dnsRecords)).map((r) => r.type).sort()).toEqual([
      "A",
      "A",
      "AAAA",
      "AAAA",
      "CNAME",
      "CNAME",
    ]);
  });

  it("covers explicit certificate domains (a superset of the served ones), one certificate each", async () => {
    const { resources } = await customized();
    const certs = certificatesByDomain(resources);
    expect(certs.map((c) => (c.inputs.managed as { domains: string[] }).domains)).toEqual(
      [...CERT_DOMAINS].sort().map((d) => [d]),
    );
    // Served hostnames map to their own certificate; example.com's certificate is issued but serves nothing.
    const entries = resourcesOfType(resources, CERT_MAP_ENTRY);
    expect(entries.map((e) => e.inputs.hostname).sort()).toEqual(DOMAINS);
  });

  it("uses one auto-named compute managed certificate in managed mode", async () => {
    const { result, resources } = await record(
      () => new HttpsLoadBalancer("lb-managed", baseArgs({ certificates: { mode: "managed" } })),
    );
    const cert = onlyOfType(resources, MANAGED_CERT);
    expectProps(cert, { type: "MANAGED" });
    expect(cert.inputs.managed).toEqual({ domains: DOMAINS });
    expect(cert.inputs).not.toHaveProperty("name");
    const proxy = onlyOfType(resources, HTTPS_PROXY);
    expect(proxy.inputs.sslCertificates).toEqual([idOf(cert)]);
    expect(proxy.inputs).not.toHaveProperty("certificateMap");
    for (const type of [DNS_AUTH, CM_CERT, CERT_MAP, CERT_MAP_ENTRY])
      expect(resourcesOfType(resources, type), type).toHaveLength(0);
    expect(await valueOf(result.certificateNames)).toEqual([output(cert, "name")]);
    expect((await valueOf(result.dnsRecords)).map((r) => r.type).sort()).toEqual(["A", "A", "AAAA", "AAAA"]);
  });

  it("maps wildcard-covered hostnames to the wildcard certificate and exact ones to their own", async () => {
    const domains = ["app.example.com", "api.example.com", "example.com"];
    const certDomains = ["*.example.com", "example.com", "app.example.com"];
    const { result, resources } = await record(
      () =>
        new HttpsLoadBalancer(
          "lb-certmgr",
          baseArgs({ domains, certificates: { mode: "certificate-manager", domains: certDomains } }),
        ),
    );
    expect(resourcesOfType(resources, MANAGED_CERT)).toHaveLength(0);

    // One DNS authorization per de-wildcarded certificate domain: *.example.com and example.com share one.
    const auths = resourcesOfType(resources, DNS_AUTH);
    expect(auths.map((a) => a.inputs.domain).sort()).toEqual(["app.example.com", "example.com"]);
    const authOf = (domain: string): string => idOf(auths.find((a) => a.inputs.domain === domain)!);

    const certs = certificatesByDomain(resources);
    for (const cert of certs) expectProps(cert, { scope: "DEFAULT" });
    const certFor = (domain: string): RecordedResource =>
      certs.find((c) => (c.inputs.managed as { domains: string[] }).domains[0] === domain)!;
    expect(certs.map((c) => c.inputs.managed)).toEqual([
      { domains: ["*.example.com"], dnsAuthorizations: [authOf("example.com")] },
      { domains: ["app.example.com"], dnsAuthorizations: [authOf("app.example.com")] },
      { domains: ["example.com"], dnsAuthorizations: [authOf("example.com")] },
    ]);

    const map = onlyOfType(resources, CERT_MAP);
    const entries = resourcesOfType(resources, CERT_MAP_ENTRY);
    for (const entry of entries) expect(entry.inputs.map).toBe(output(map, "name"));
    expect(Object.fromEntries(entries.map((e) => [e.inputs.hostname, e.inputs.certificates]))).toEqual({
      "app.example.com": [idOf(certFor("app.example.com"))],
      "api.example.com": [idOf(certFor("*.example.com"))],
      "example.com": [idOf(certFor("example.com"))],
    });

    const proxy = onlyOfType(resources, HTTPS_PROXY);
    expect(proxy.inputs.certificateMap).toBe(`//certificatemanager.googleapis.com/${idOf(map)}`);
    expect(proxy.inputs.sslPolicy).toBe(idOf(onlyOfType(resources, SSL_POLICY)));

    const records = await valueOf(result.dnsRecords);
    const v4 = await valueOf(result.ipv4);
    const v6 = await valueOf(result.ipv6);
    for (const domain of domains) {
      expect(records).toContainEqual({ name: `${domain}.`, type: "A", data: v4 });
      expect(records).toContainEqual({ name: `${domain}.`, type: "AAAA", data: v6 });
    }
    const expectedCnames = auths
      .flatMap((a) => a.outputs.dnsResourceRecords as Record<string, string>[])
      .map((r) => ({ name: r.name, type: r.type, data: r.data }));
    expect(expectedCnames.map((r) => r.name).sort()).toEqual([
      "_acme-challenge.app.example.com.",
      "_acme-challenge.example.com.",
    ]);
    const cnames = records.filter((r) => r.type === "CNAME");
    expect(cnames).toHaveLength(2);
    expect(cnames).toEqual(expect.arrayContaining(expectedCnames));
    expect(records).toHaveLength(domains.length * 2 + 2);
  });

  // A change of domains must never put a served hostname on a certificate that is still provisioning:
  // the certificate of a hostname that stays is the same resource with the same inputs.
  it("adds a domain without touching the certificate that serves the others", async () => {
    const certManagerLb = (name: string, domains: string[]): HttpsLoadBalancer =>
      new HttpsLoadBalancer(
        name,
        baseArgs({
          domains,
          staticSite: null,
          defaultBackend: "web",
          routes: [{ path: "/api/*", backend: "api" }],
        }),
      );
    const { resources } = await record(() => {
      certManagerLb("lb-cm-before", ["app.example.com"]);
      certManagerLb("lb-cm-after", ["app.example.com", "www.example.com"]);
    });
    const of = (prefix: string): RecordedResource[] =>
      certificatesByDomain(resources).filter((c) => c.name.startsWith(`${prefix}-`));
    const before = of("lb-cm-before");
    const after = of("lb-cm-after");
    expect(before).toHaveLength(1);
    expect(after).toHaveLength(2);
    // The same logical name (so the same resource) for app.example.com before and after.
    expect(after[0]!.name.replace("lb-cm-after", "")).toBe(before[0]!.name.replace("lb-cm-before", ""));
    expect((after[1]!.inputs.managed as { domains: string[] }).domains).toEqual(["www.example.com"]);
    const { dnsAuthorizations: _b, ...beforeApp } = before[0]!.inputs.managed as Record<string, unknown>;
    const { dnsAuthorizations: _a, ...afterApp } = after[0]!.inputs.managed as Record<string, unknown>;
    expect(afterApp).toEqual(beforeApp);
    expect(before[0]!.inputs.name).toBeUndefined();
  });
});

describe("HttpsLoadBalancer: URL map", () => {
  it("routes every host and path to the right backend, the static site by default", async () => {
    const { result, resources } = await defaults();
    const map = httpsMap(resources);
    const bucketLink = output(onlyOfType(resources, BACKEND_BUCKET), "selfLink");
    const apiLink = output(named(resources, BACKEND_SERVICE, "lb-defaults-api"), "selfLink");
    const webLink = output(named(resources, BACKEND_SERVICE, "lb-defaults-web"), "selfLink");
    expect(new Set([bucketLink, apiLink, webLink]).size).toBe(3);

    expect(map.inputs.defaultService).toBe(bucketLink);
    expect(map.inputs.hostRules).toEqual([{ hosts: DOMAINS, pathMatcher: "routes" }]);
    const matchers = map.inputs.pathMatchers as {
      name: string;
      defaultService: string;
      pathRules: unknown[];
    }[];
    expect(matchers).toHaveLength(1);
    expect(matchers[0]?.name).toBe("routes");
    expect(matchers[0]?.defaultService).toBe(bucketLink);
    expect(matchers[0]?.pathRules).toHaveLength(3);
    // Every `/x/*` route also gets its bare `/x` (the wildcard needs the slash), unless a route names it.
    expect(matchers[0]?.pathRules).toEqual(
      expect.arrayContaining([
        { paths: ["/api/*", "/api"], service: apiLink },
        { paths: ["/assets/*", "/assets"], service: bucketLink },
        { paths: ["/app", "/app/*"], service: webLink },
      ]),
    );
    expect(Object.keys(result.backendServices).sort()).toEqual(["api", "web"]);
  });

  it("sends unmatched paths to a named backend when defaultBackend names one", async () => {
    const { resources } = await customized();
    const map = httpsMap(resources);
    const webLink = output(named(resources, BACKEND_SERVICE, "lb-custom-web"), "selfLink");
    expect(map.inputs.defaultService).toBe(webLink);
    const matchers = map.inputs.pathMatchers as { defaultService: string }[];
    expect(matchers[0]?.defaultService).toBe(webLink);
  });
});

describe("HttpsLoadBalancer: backends", () => {
  it("creates one serverless NEG per backend per region, all in the backend service", async () => {
    const { resources } = await defaults();
    const negs = resourcesOfType(resources, NEG);
    expect(negs).toHaveLength(3);
    for (const neg of negs) expectProps(neg, { networkEndpointType: "SERVERLESS" });

    const apiNegs = negs.filter((n) => (n.inputs.cloudRun as { service: string }).service === "m6-test-api");
    expect(apiNegs.map((n) => n.inputs.region).sort()).toEqual(["asia-northeast1", "asia-northeast3"]);
    const webNegs = negs.filter((n) => (n.inputs.cloudRun as { service: string }).service === "m6-test-web");
    expect(webNegs.map((n) => n.inputs.region)).toEqual(["asia-northeast3"]);

    const groups = (service: RecordedResource): string[] =>
      (service.inputs.backends as { group: string }[]).map((b) => b.group).sort();
    expect(groups(named(resources, BACKEND_SERVICE, "lb-defaults-api"))).toEqual(apiNegs.map(idOf).sort());
    expect(groups(named(resources, BACKEND_SERVICE, "lb-defaults-web"))).toEqual(webNegs.map(idOf));
  });

  it("puts Cloud Armor, request logging and security headers on every backend service", async () => {
    const { resources } = await defaults();
    const policyLink = output(backendPolicy(resources), "selfLink");
    const services = resourcesOfType(resources, BACKEND_SERVICE);
    expect(services).toHaveLength(2);
    for (const service of services) {
      expectProps(service, {
        loadBalancingScheme: "EXTERNAL_MANAGED",
        securityPolicy: policyLink,
        logConfig: { enable: true, sampleRate: 1 },
      });
      expect(service.inputs.customResponseHeaders).toEqual(DEFAULT_SECURITY_HEADERS);
      // Serverless NEGs take neither health checks nor a timeout.
      expect(service.inputs).not.toHaveProperty("healthChecks");
      expect(service.inputs).not.toHaveProperty("timeoutSec");
      // Public backends: IAP explicitly off (an omitted block diffs forever, provider issue #29069).
      expect(service.inputs.iap).toEqual({ enabled: false });
    }
    expect(resourcesOfType(resources, IAP_MEMBER)).toHaveLength(0);
  });

  it("uses the configured log sample rate on every backend service", async () => {
    const { resources } = await customized();
    const policyLink = output(backendPolicy(resources), "selfLink");
    const services = resourcesOfType(resources, BACKEND_SERVICE);
    expect(services).toHaveLength(2);
    for (const service of services) {
      expectProps(service, {
        loadBalancingScheme: "EXTERNAL_MANAGED",
        securityPolicy: policyLink,
        logConfig: { enable: true, sampleRate: 0.25 },
      });
    }
  });

  it("puts IAP and its members only on the backend that lists iapMembers", async () => {
    const { resources } = await customized();
    const web = named(resources, BACKEND_SERVICE, "lb-custom-web");
    const api = named(resources, BACKEND_SERVICE, "lb-custom-api");
    expectProps(web, { iap: { enabled: true } });
    expect(api.inputs.iap).toEqual({ enabled: false });

    const grants = resourcesOfType(resources, IAP_MEMBER);
    expect(grants.map((g) => g.inputs.member).sort()).toEqual(IAP_MEMBERS);
    for (const grant of grants) {
      expectProps(grant, {
        role: "roles/iap.httpsResourceAccessor",
        webBackendService: output(web, "name"),
        project: "module6-test-000000",
      });
    }
  });
});

describe("HttpsLoadBalancer: Cloud Armor", () => {
  it("keeps method enforcement off the paths of backends that do not ask for it (REST APIs)", async () => {
    const { resources } = await defaults();
    expect(methodRule(resources)).toBeUndefined();
  });

  it("runs method enforcement on the routes of the backends that ask for it, bare prefixes included", async () => {
    const args = baseArgs();
    const { resources } = await record(
      () =>
        new HttpsLoadBalancer(
          "lb-methods",
          baseArgs({
            backends: { ...args.backends, web: { ...args.backends.web!, methodEnforcement: true } },
          }),
        ),
    );
    expect(methodRule(resources)).toBe(
      "request.path.matches('^(?:/app|/app/.*)$') && evaluatePreconfiguredWaf('methodenforcement-v33-stable', {'sensitivity': 1})",
    );
  });

  it("runs it everywhere but the other backends' routes when the default backend asks for it", async () => {
    const args = baseArgs();
    const { resources } = await record(
      () =>
        new HttpsLoadBalancer(
          "lb-methods-default",
          baseArgs({
            defaultBackend: "web",
            backends: { ...args.backends, web: { ...args.backends.web!, methodEnforcement: true } },
          }),
        ),
    );
    expect(methodRule(resources)).toBe(
      "!request.path.matches('^(?:/api/.*|/api)$') && evaluatePreconfiguredWaf('methodenforcement-v33-stable', {'sensitivity': 1})",
    );
  });

  it("protects the static site with a CLOUD_ARMOR_EDGE policy carrying the IP and region lists", async () => {
    const { resources } = await record(
      () =>
        new HttpsLoadBalancer(
          "lb-edge-armor",
          baseArgs({
            armor: { denyIpRanges: ["192.0.2.0/24"], denyRegions: ["KP"], allowIpRanges: ["203.0.113.0/24"] },
          }),
        ),
    );
    const edge = edgePolicy(resources);
    expectProps(edge, { name: "m6-test-edge-static-armor", project: "module6-test-000000" });
    // Edge policies take no WAF, rate limit, Adaptive Protection or advanced options.
    for (const key of ["adaptiveProtectionConfig", "advancedOptionsConfig"])
      expect(edge.inputs).not.toHaveProperty(key);
    const rules = edge.inputs.rules as {
      action: string;
      match: Record<string, unknown>;
      rateLimitOptions?: unknown;
    }[];
    expect(rules.map((r) => [r.action, r.match])).toEqual([
      ["allow", { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["203.0.113.0/24"] } }],
      ["deny(403)", { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["192.0.2.0/24"] } }],
      ["deny(403)", { expr: { expression: "origin.region_code == 'KP'" } }],
      ["allow", { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } }],
    ]);
    expect(JSON.stringify(rules)).not.toMatch(/evaluatePreconfigured|rate_based_ban|throttle/);
    const bucket = onlyOfType(resources, BACKEND_BUCKET);
    expect(bucket.inputs.edgeSecurityPolicy).toBe(idOf(edge));
    expect(onlyOfType(resources, EDGE_ARMOR).parent).toBe(onlyOfType(resources, LB).urn);
    // The backend services keep the backend policy.
    for (const service of resourcesOfType(resources, BACKEND_SERVICE))
      expect(service.inputs.securityPolicy).toBe(output(backendPolicy(resources), "selfLink"));
  });
});

describe("HttpsLoadBalancer: children and outputs", () => {
  it("creates the static site and the Cloud Armor policy as its children", async () => {
    const { result, resources } = await defaults();
    const component = onlyOfType(resources, LB);
    expect(component.urn).toBe(await valueOf(result.urn));
    const site = onlyOfType(resources, STATIC_SITE);
    expect(site.parent).toBe(component.urn);
    expect(onlyOfType(resources, ARMOR).parent).toBe(component.urn);
    expect(await valueOf(result.staticSite!.urn)).toBe(site.urn);
    expect(onlyOfType(resources, BUCKET).parent).toBe(site.urn);
    expect(onlyOfType(resources, BACKEND_BUCKET).parent).toBe(site.urn);
    // Every other custom resource is the load balancer's own child.
    const own = [
      ADDRESS,
      RULE,
      SSL_POLICY,
      HTTPS_PROXY,
      HTTP_PROXY,
      URL_MAP,
      BACKEND_SERVICE,
      NEG,
      DNS_AUTH,
      CM_CERT,
      CERT_MAP,
      CERT_MAP_ENTRY,
    ];
    for (const r of resources.filter((x) => own.includes(x.type)))
      expect(r.parent, r.name).toBe(component.urn);
    // The CDN fill agent of the (mocked) project reads the private bucket.
    const reader = resources.find((r) => r.type === "gcp:storage/bucketIAMMember:BucketIAMMember");
    expect(reader?.inputs.member).toBe(
      "serviceAccount:service-000000000000@cloud-cdn-fill.iam.gserviceaccount.com",
    );
  });

  it("creates no bucket or backend bucket with staticSite null", async () => {
    const { result, resources } = await record(
      () =>
        new HttpsLoadBalancer(
          "lb-nostatic",
          baseArgs({ staticSite: null, defaultBackend: "web", routes: [{ path: "/api/*", backend: "api" }] }),
        ),
    );
    expect(resourcesOfType(resources, STATIC_SITE)).toHaveLength(0);
    expect(resourcesOfType(resources, BUCKET)).toHaveLength(0);
    expect(resourcesOfType(resources, BACKEND_BUCKET)).toHaveLength(0);
    expect(result.staticSite).toBeUndefined();
    const webLink = output(named(resources, BACKEND_SERVICE, "lb-nostatic-web"), "selfLink");
    expect(httpsMap(resources).inputs.defaultService).toBe(webLink);
  });

  it("then requires defaultBackend and routes to name a backend", () => {
    expect(() =>
      validateHttpsLoadBalancerArgs(
        baseArgs({ staticSite: null, routes: [{ path: "/api/*", backend: "api" }] }),
      ),
    ).toThrow(/defaultBackend: got "static"; one of api, web$/m);
    expect(() =>
      validateHttpsLoadBalancerArgs(baseArgs({ staticSite: null, defaultBackend: "web" })),
    ).toThrow(/routes\[1\]\.backend: got "static"; one of api, web$/m);
  });

  it("resolves the addresses, URLs and certificate names", async () => {
    const { result, resources } = await defaults();
    const addresses = resourcesOfType(resources, ADDRESS);
    const v4 = addresses.find((a) => a.inputs.ipVersion === "IPV4");
    const v6 = addresses.find((a) => a.inputs.ipVersion === "IPV6");
    expect(v4 && v6).toBeTruthy();
    const ipv4 = await valueOf(result.ipv4);
    const ipv6 = await valueOf(result.ipv6);
    expect(ipv4).toBe(output(v4!, "address"));
    expect(ipv6).toBe(output(v6!, "address"));
    expect(ipv4).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(ipv6).toContain(":");
    expect(result.urls).toEqual(["https://app.example.com", "https://www.example.com"]);
    const names = await valueOf(result.certificateNames);
    // One Certificate Manager certificate per domain (the default), named as Google Cloud names it.
    expect([...names].sort()).toEqual(
      resourcesOfType(resources, CM_CERT)
        .map((c) => c.outputs.name)
        .sort(),
    );
    expect(names).toHaveLength(2);
    const records = await valueOf(result.dnsRecords);
    expect(records.slice(0, 4)).toEqual([
      { name: "app.example.com.", type: "A", data: ipv4 },
      { name: "app.example.com.", type: "AAAA", data: ipv6 },
      { name: "www.example.com.", type: "A", data: ipv4 },
      { name: "www.example.com.", type: "AAAA", data: ipv6 },
    ]);
    expect(records.slice(4).map((r) => [r.name, r.type])).toEqual([
      ["_acme-challenge.app.example.com.", "CNAME"],
      ["_acme-challenge.www.example.com.", "CNAME"],
    ]);
  });
});

describe("validateHttpsLoadBalancerArgs", () => {
  it("accepts the base args, same-target overlaps and a wildcard with certificate-manager", () => {
    expect(() => validateHttpsLoadBalancerArgs(baseArgs())).not.toThrow();
    expect(() =>
      validateHttpsLoadBalancerArgs(
        baseArgs({
          routes: [
            { path: "/api/*", backend: "api" },
            { path: "/api/v1/*", backend: "api" },
          ],
        }),
      ),
    ).not.toThrow();
    expect(() =>
      validateHttpsLoadBalancerArgs(
        baseArgs({ certificates: { mode: "certificate-manager", domains: ["*.example.com"] } }),
      ),
    ).not.toThrow();
  });

  it.each([
    ["no domains", { domains: [] }, /domains: got \[\]; at least one domain/],
    [
      "a bad domain",
      { domains: ["App.Example.com"] },
      /domains\[0\]: got "App\.Example\.com"; a lowercase DNS name/,
    ],
    [
      "a wildcard served domain",
      { domains: ["*.example.com"], certificates: { mode: "certificate-manager" } },
      /domains\[0\]: got "\*\.example\.com"; a lowercase DNS name/,
    ],
    [
      "a duplicate domain",
      { domains: ["app.example.com", "app.example.com"] },
      /domains\[1\]: got "app\.example\.com"; each domain once/,
    ],
    [
      "an unknown service in a route",
      { routes: [{ path: "/billing/*", backend: "billing" }] },
      /routes\[0\]\.backend: got "billing"; one of api, web, static/,
    ],
    [
      "overlapping paths on different backends",
      {
        routes: [
          { path: "/api/*", backend: "api" },
          { path: "/api/v1/*", backend: "web" },
        ],
      },
      /routes\[1\]\.path: got "\/api\/v1\/\*"; a path that does not overlap routes\[0\] \(\/api\/\* → api\)/,
    ],
    [
      "a duplicate path",
      {
        routes: [
          { path: "/app", backend: "web" },
          { path: "/app", backend: "web" },
        ],
      },
      /routes\[1\]\.path: got "\/app"; a path that does not overlap routes\[0\]/,
    ],
    [
      "a bad path",
      { routes: [{ path: "api/*", backend: "api" }] },
      /routes\[0\]\.path: got "api\/\*"; a path such as \/api\/\* or \/health \(no '\*' but at the end\)/,
    ],
    [
      "a wildcard in the middle of a path",
      { routes: [{ path: "/a/*/b", backend: "api" }] },
      /routes\[0\]\.path: got "\/a\/\*\/b"/,
    ],
    [
      "a domain without a certificate",
      { certificates: { domains: ["app.example.com"] } },
      /certificates\.domains: got \["app\.example\.com"\]; a certificate domain that covers www\.example\.com/,
    ],
    [
      "a domain not covered by a two-level-deep wildcard",
      {
        domains: ["a.b.example.com"],
        certificates: { mode: "certificate-manager", domains: ["*.example.com"] },
      },
      /certificates\.domains: got \["\*\.example\.com"\]; a certificate domain that covers a\.b\.example\.com/,
    ],
    [
      "a wildcard certificate domain in managed mode",
      { certificates: { mode: "managed", domains: ["*.example.com"] } },
      /certificates\.domains\[0\]: got "\*\.example\.com"; a wildcard only with mode "certificate-manager"/,
    ],
    [
      "an unknown defaultBackend",
      { defaultBackend: "nope" },
      /defaultBackend: got "nope"; one of api, web, static/,
    ],
    ["logSampleRate 1.5", { logSampleRate: 1.5 }, /logSampleRate: got 1\.5; a number from 0 to 1/],
    ["logSampleRate -0.1", { logSampleRate: -0.1 }, /logSampleRate: got -0\.1; a number from 0 to 1/],
    [
      "a backend with zero regions",
      { backends: { api: { regions: [] } }, routes: [{ path: "/api/*", backend: "api" }] },
      /backends\.api\.regions: got \[\]; at least one region/,
    ],
    [
      "a duplicate region",
      {
        backends: {
          api: {
            regions: [
              { region: "asia-northeast3", service: "a" },
              { region: "asia-northeast3", service: "b" },
            ],
          },
        },
        routes: [{ path: "/api/*", backend: "api" }],
      },
      /backends\.api\.regions\[1\]: got "asia-northeast3"; each region once/,
    ],
    [
      "a bad IAP member",
      {
        backends: {
          api: { regions: [{ region: "asia-northeast3", service: "a" }], iapMembers: ["devs@example.com"] },
        },
        routes: [{ path: "/api/*", backend: "api" }],
      },
      /backends\.api\.iapMembers\[0\]: got "devs@example\.com"; group:…, user:… or domain:…/,
    ],
    [
      "an empty IAP member list",
      {
        backends: { api: { regions: [{ region: "asia-northeast3", service: "a" }], iapMembers: [] } },
        routes: [{ path: "/api/*", backend: "api" }],
      },
      /backends\.api\.iapMembers: got \[\]; at least one member/,
    ],
    [
      "a bad backend name",
      {
        backends: { API: { regions: [{ region: "asia-northeast3", service: "a" }] } },
        routes: [{ path: "/api/*", backend: "API" }],
      },
      /backends\.API: got "API"; 1-20 of a-z 0-9 '-'/,
    ],
  ] as [string, Partial<HttpsLoadBalancerArgs>, RegExp][])("rejects %s", (_case, bad, message) => {
    const args = baseArgs(bad);
    expect(() => validateHttpsLoadBalancerArgs(args)).toThrow(ValidationError);
    expect(() => validateHttpsLoadBalancerArgs(args)).toThrow(/^HttpsLoadBalancer "edge": \d+ problems?\n/);
    expect(() => validateHttpsLoadBalancerArgs(args)).toThrow(message);
  });

  it.each([
    ["requests-0", { rateLimit: { requests: 0 } }, /rateLimit\.requests: got 0; an integer 1-10000$/m],
    ["interval-7", { rateLimit: { intervalSec: 7 } }, /rateLimit\.intervalSec: got 7; one of 10, 30, 60/],
  ] as const)(
    "rejects a bad Cloud Armor option (%s) before creating anything",
    async (key, armor, message) => {
      expect(() => validateHttpsLoadBalancerArgs(baseArgs({ armor }))).toThrow(
        /CloudArmorPolicy "edge-armor"/,
      );
      const { resources } = await record(() => {
        expect(() => new HttpsLoadBalancer(`lb-bad-armor-${key}`, baseArgs({ armor }))).toThrow(message);
      });
      expect(resources).toHaveLength(0);
    },
  );

  it("rejects bad static-site options before creating anything", async () => {
    const { resources } = await record(() => {
      expect(
        () =>
          new HttpsLoadBalancer("lb-bad-static", baseArgs({ staticSite: { noncurrentRetentionDays: 0 } })),
      ).toThrow(/StaticSite "static".*\n.*noncurrentRetentionDays: got 0/);
    });
    expect(resources).toHaveLength(0);
  });

  it("rejects invalid args in the constructor before registering anything", async () => {
    const { resources } = await record(() => {
      expect(() => new HttpsLoadBalancer("lb-invalid", baseArgs({ domains: [] }))).toThrow(ValidationError);
    });
    expect(resources).toHaveLength(0);
  });

  it("reports every problem at once", () => {
    let caught: unknown;
    try {
      validateHttpsLoadBalancerArgs(
        baseArgs({ logSampleRate: 2, defaultBackend: "nope", routes: [{ path: "x", backend: "y" }] }),
      );
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).problems.map((p) => p.path)).toEqual([
      "routes[0].path",
      "routes[0].backend",
      "defaultBackend",
      "logSampleRate",
    ]);
  });

  // BUG (components/https-load-balancer.ts, validateHttpsLoadBalancerArgs): a backend named "static" is
  // accepted although "static" already means the static site; routes to it silently go to the bucket and the
  // backend service is unreachable. Flip to `it(...)` once the name is rejected.
  it("rejects a backend named static while the static site exists", () => {
    expect(() =>
      validateHttpsLoadBalancerArgs(
        baseArgs({
          backends: { static: { regions: [{ region: "asia-northeast3", service: "m6-test-static" }] } },
          routes: [{ path: "/files/*", backend: "static" }],
        }),
      ),
    ).toThrow(/backends\.static: got "static"/);
  });
});

describe("certificateCovers", () => {
  it.each([
    ["app.example.com", "app.example.com", true],
    ["*.example.com", "app.example.com", true],
    ["*.example.com", "example.com", false],
    ["*.example.com", "a.b.example.com", false],
    ["app.example.com", "www.example.com", false],
    ["*.example.com", "app.example.org", false],
  ])("%s covers %s: %s", (cert, host, expected) => {
    expect(certificateCovers(cert, host)).toBe(expected);
  });
});
