import { describe, expect, it } from "vitest";
import {
  backendBucketEdgeSecurityPolicy,
  backendServiceCloudArmor,
  backendServiceLogging,
  cloudArmorRateLimit,
  cloudArmorWafRules,
  cloudRunPublicOnlyThroughLoadBalancer,
  httpPort80RedirectOnly,
  httpsProxyStrongSslPolicy,
  loadBalancerExternalManaged,
  loadBalancerSecurityHeaders,
  noSelfManagedCertificates,
  sslPolicyModernTls,
} from "../../policies/edge";
import { T } from "../../policies/lib/tokens";
import { mutate, res, UNSET, withOptions } from "../fixtures/policies/build";
import { EDGE, edgeStack, edgeWith } from "../fixtures/policies/edge-stack";
import { previewOf } from "../fixtures/policies/preview";
import { fixtures, forbidden } from "../fixtures/policies/resources";
import { checkStack, messagesOf, stackMessages } from "./harness";

describe("ssl-policy-modern-tls", () => {
  const p = sslPolicyModernTls;
  const ssl = fixtures.sslPolicy;
  it("passes MODERN / TLS 1.2 and RESTRICTED / TLS 1.3", () => {
    expect(messagesOf(p, ssl())).toEqual([]);
    expect(messagesOf(p, mutate(mutate(ssl(), "profile", "RESTRICTED"), "minTlsVersion", "TLS_1_3"))).toEqual(
      [],
    );
  });
  it("refuses a weak profile and an old TLS version, one message each", () => {
    expect(messagesOf(p, mutate(mutate(ssl(), "profile", "COMPATIBLE"), "minTlsVersion", "TLS_1_1"))).toEqual(
      [
        'SSL policy "m6-prod-edge-tls" must use the MODERN or RESTRICTED profile; profile is "COMPATIBLE"',
        'SSL policy "m6-prod-edge-tls" must require TLS 1.2 or later; minTlsVersion is "TLS_1_1"',
      ],
    );
  });
  it("treats unset profile as COMPATIBLE and unset minTlsVersion as TLS_1_0", () => {
    expect(messagesOf(p, mutate(mutate(ssl(), "profile", UNSET), "minTlsVersion", UNSET))).toEqual([
      'SSL policy "m6-prod-edge-tls" must use the MODERN or RESTRICTED profile; profile is unset, which the provider treats as COMPATIBLE',
      'SSL policy "m6-prod-edge-tls" must require TLS 1.2 or later; minTlsVersion is unset, which the provider treats as TLS_1_0',
    ]);
  });
});

describe("backend-service-cloud-armor", () => {
  const p = backendServiceCloudArmor;
  const bs = fixtures.backendService;
  const message =
    'External backend service "m6-prod-edge-api" must have a Cloud Armor security policy; securityPolicy is unset';
  it("passes an armored backend", () => expect(messagesOf(p, bs())).toEqual([]));
  it("refuses an external backend without Cloud Armor, the scheme unset meaning EXTERNAL", () => {
    expect(messagesOf(p, mutate(bs(), "securityPolicy", UNSET))).toEqual([message]);
    expect(messagesOf(p, mutate(mutate(bs(), "securityPolicy", ""), "loadBalancingScheme", UNSET))).toEqual([
      message,
    ]);
  });
  it("ignores internal backends, and accepts a policy computed at preview", () => {
    expect(
      messagesOf(p, mutate(mutate(bs(), "securityPolicy", UNSET), "loadBalancingScheme", "INTERNAL_MANAGED")),
    ).toEqual([]);
    expect(messagesOf(p, mutate(bs(), "securityPolicy", "[unknown]"), { preview: true })).toEqual([]);
  });
});

describe("backend-bucket-edge-security-policy", () => {
  const p = backendBucketEdgeSecurityPolicy;
  const bb = fixtures.backendBucket;
  const message =
    'Backend bucket "m6-prod-static" must have a Cloud Armor edge security policy; edgeSecurityPolicy is unset';
  it("passes a backend bucket with an edge policy, and one computed at preview", () => {
    expect(messagesOf(p, bb())).toEqual([]);
    expect(messagesOf(p, mutate(bb(), "edgeSecurityPolicy", "[unknown]"), { preview: true })).toEqual([]);
  });
  it("refuses a backend bucket without one", () => {
    expect(messagesOf(p, mutate(bb(), "edgeSecurityPolicy", UNSET))).toEqual([message]);
    expect(messagesOf(p, mutate(bb(), "edgeSecurityPolicy", ""))).toEqual([message]);
  });
});

describe("backend-service-logging", () => {
  const p = backendServiceLogging;
  const bs = fixtures.backendService;
  it("passes request logging", () => expect(messagesOf(p, bs())).toEqual([]));
  it("refuses logging off, unset, or sampled at 0", () => {
    expect(messagesOf(p, mutate(bs(), "logConfig.enable", false))).toEqual([
      'External backend service "m6-prod-edge-api" must log requests (logConfig.enable: true); logConfig.enable is false',
    ]);
    expect(messagesOf(p, mutate(bs(), "logConfig", UNSET))).toEqual([
      'External backend service "m6-prod-edge-api" must log requests (logConfig.enable: true); logConfig.enable is unset, which means no request logs',
    ]);
    expect(messagesOf(p, mutate(bs(), "logConfig.sampleRate", 0))).toEqual([
      'External backend service "m6-prod-edge-api" must log requests with a sample rate above 0 (sampleRate is 0)',
    ]);
  });
});

describe("load-balancer-external-managed", () => {
  const p = loadBalancerExternalManaged;
  it("passes EXTERNAL_MANAGED backends and rules", () => {
    expect(messagesOf(p, fixtures.backendService())).toEqual([]);
    expect(messagesOf(p, fixtures.forwardingRule())).toEqual([]);
  });
  it("flags the classic scheme, also when unset", () => {
    expect(messagesOf(p, mutate(fixtures.forwardingRule(), "loadBalancingScheme", "EXTERNAL"))).toEqual([
      'Global forwarding rule "m6-prod-edge-https-ipv4" must use loadBalancingScheme EXTERNAL_MANAGED; loadBalancingScheme is "EXTERNAL"',
    ]);
    expect(messagesOf(p, mutate(fixtures.backendService(), "loadBalancingScheme", UNSET))).toEqual([
      'Backend service "m6-prod-edge-api" must use loadBalancingScheme EXTERNAL_MANAGED; loadBalancingScheme is unset, which the provider treats as EXTERNAL (classic)',
    ]);
  });
});

describe("cloud-armor-waf-rules", () => {
  const p = cloudArmorWafRules;
  const armor = fixtures.securityPolicy;
  it("passes deny rules for sqli, xss and cve-canary", () => expect(messagesOf(p, armor())).toEqual([]));
  it("wants each required rule set denied", () => {
    expect(messagesOf(p, mutate(armor(), "rules.3.action", "allow"))).toEqual([
      'Cloud Armor policy "m6-prod-edge-armor" must deny the preconfigured WAF rule set "cve-canary"',
    ]);
    expect(messagesOf(p, mutate(armor(), "rules", []))).toEqual([
      'Cloud Armor policy "m6-prod-edge-armor" must deny the preconfigured WAF rule set "sqli"',
      'Cloud Armor policy "m6-prod-edge-armor" must deny the preconfigured WAF rule set "xss"',
      'Cloud Armor policy "m6-prod-edge-armor" must deny the preconfigured WAF rule set "cve-canary"',
    ]);
  });
  it("wants the WAF enforced in prod, and lets staging preview it", () => {
    const previewed = mutate(mutate(armor(), "rules.0.preview", true), "rules.1.preview", true);
    expect(messagesOf(p, previewed)).toEqual([
      'Cloud Armor policy "m6-prod-edge-armor" must enforce its WAF rules in this environment; 2 preconfigured WAF rule(s) run in preview mode',
    ]);
    expect(messagesOf(p, mutate(previewed, "labels.env", "staging"), { env: "staging" })).toEqual([]);
  });
  it("treats unset preview as enforced, and skips edge policies", () => {
    expect(messagesOf(p, mutate(armor(), "rules.0.preview", UNSET))).toEqual([]);
    expect(messagesOf(p, mutate(mutate(armor(), "type", "CLOUD_ARMOR_EDGE"), "rules", []))).toEqual([]);
  });
});

describe("cloud-armor-rate-limit", () => {
  const p = cloudArmorRateLimit;
  it("skips edge policies, which cannot rate-limit", () => {
    const edge = mutate(mutate(fixtures.securityPolicy(), "type", "CLOUD_ARMOR_EDGE"), "rules.4", UNSET);
    expect(messagesOf(p, edge)).toEqual([]);
  });
  it("passes a rate_based_ban or throttle rule and flags none", () => {
    expect(messagesOf(p, fixtures.securityPolicy())).toEqual([]);
    expect(messagesOf(p, mutate(fixtures.securityPolicy(), "rules.4.action", "throttle"))).toEqual([]);
    expect(messagesOf(p, mutate(fixtures.securityPolicy(), "rules.4", UNSET))).toEqual([
      'Cloud Armor policy "m6-prod-edge-armor" must have a rate-limit rule (throttle or rate_based_ban)',
    ]);
  });
});

describe("load-balancer-security-headers", () => {
  const p = loadBalancerSecurityHeaders;
  it("wants HSTS on backend services and buckets; unset headers add none", () => {
    expect(messagesOf(p, fixtures.backendService())).toEqual([]);
    expect(messagesOf(p, fixtures.backendBucket())).toEqual([]);
    expect(messagesOf(p, mutate(fixtures.backendBucket(), "customResponseHeaders", UNSET))).toEqual([
      'Backend bucket "m6-prod-static" must add a Strict-Transport-Security response header',
    ]);
    expect(
      messagesOf(p, mutate(fixtures.backendService(), "customResponseHeaders", ["X-Frame-Options: DENY"])),
    ).toEqual(['Backend service "m6-prod-edge-api" must add a Strict-Transport-Security response header']);
  });
});

describe("no-self-managed-ssl-certificates", () => {
  it("flags an uploaded certificate", () => {
    expect(messagesOf(noSelfManagedCertificates, forbidden.sslCertificate())).toEqual([
      'SSL certificate "m6-prod-upload" must be Google-managed (ManagedSslCertificate or Certificate Manager), not self-managed',
    ]);
  });
});

describe("cloud-run-public-only-through-load-balancer (stack)", () => {
  const p = cloudRunPublicOnlyThroughLoadBalancer;
  const edge = edgeStack();
  it("passes the full chain, by value and at preview by property dependencies only", () => {
    expect(stackMessages(p, edgeWith())).toEqual([]);
    expect(stackMessages(p, previewOf(edgeWith()), { preview: true })).toEqual([]);
  });
  it("ignores services that are not public: invoker check on, or internal-only ingress", () => {
    const noNeg = { neg: undefined };
    expect(
      stackMessages(p, edgeWith({ ...noNeg, service: mutate(edge.service, "invokerIamDisabled", false) })),
    ).toEqual([]);
    expect(
      stackMessages(
        p,
        edgeWith({ ...noNeg, service: mutate(edge.service, "ingress", "INGRESS_TRAFFIC_INTERNAL_ONLY") }),
      ),
    ).toEqual([]);
  });
  it("refuses public ingress, unset meaning ALL", () => {
    expect(stackMessages(p, edgeWith({ service: mutate(edge.service, "ingress", UNSET) }))).toEqual([
      'Cloud Run service "m6-prod-api" is publicly invokable (invokerIamDisabled is true) and must admit only load-balancer traffic (ingress INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER); ingress is "INGRESS_TRAFFIC_ALL"',
    ]);
  });
  it("counts allUsers as invoker as public", () => {
    const grant = mutate(fixtures.runInvoker(), "member", "allUsers");
    const service = mutate(edge.service, "invokerIamDisabled", false);
    expect(stackMessages(p, edgeWith({ service, neg: undefined }).concat(grant))).toEqual([
      'Cloud Run service "m6-prod-api" is publicly invokable (roles/run.invoker is granted to allUsers) and must be reached through a serverless NEG; no serverless network endpoint group points at it',
    ]);
  });
  it.each([
    [
      "no NEG",
      { neg: undefined },
      'Cloud Run service "m6-prod-api" is publicly invokable (invokerIamDisabled is true) and must be reached through a serverless NEG; no serverless network endpoint group points at it',
      EDGE.service,
    ],
    [
      "a NEG in another region",
      { neg: mutate(edge.neg, "region", "asia-northeast1") },
      'Cloud Run service "m6-prod-api" is publicly invokable (invokerIamDisabled is true) and must be reached through a serverless NEG; no serverless network endpoint group points at it',
      EDGE.service,
    ],
    [
      "no backend service",
      { backend: undefined },
      'Serverless NEG "env-edge-api-asia-northeast3" of Cloud Run service "m6-prod-api" must be the backend of a backend service; none uses it',
      EDGE.neg,
    ],
    [
      "no URL map",
      { map: undefined },
      'Backend service "m6-prod-edge-api" of Cloud Run service "m6-prod-api" must be routed by a URL map; none refers to it',
      EDGE.backend,
    ],
    [
      "no HTTPS proxy",
      { httpsProxy: undefined },
      'URL map "m6-prod-edge-https" routing Cloud Run service "m6-prod-api" must be served by a target HTTPS proxy; none uses it',
      EDGE.map,
    ],
    [
      "no forwarding rule",
      { rule443: undefined },
      'Target HTTPS proxy "m6-prod-edge-https" routing Cloud Run service "m6-prod-api" must be the target of a global forwarding rule; none uses it',
      EDGE.httpsProxy,
    ],
    [
      "a backend service without Cloud Armor",
      {
        backend: withOptions(mutate(edge.backend, "securityPolicy", UNSET), {
          propertyDependencies: { backends: [EDGE.neg] },
        }),
      },
      'Backend service "m6-prod-edge-api" in front of Cloud Run service "m6-prod-api" must have a Cloud Armor security policy; securityPolicy is unset',
      EDGE.backend,
    ],
  ])("reports one broken link: %s", (_case, changes, message, at) => {
    expect(checkStack(p, edgeWith(changes))).toEqual([{ urn: at, message }]);
  });
});

describe("https-proxy-strong-ssl-policy (stack)", () => {
  const p = httpsProxyStrongSslPolicy;
  const edge = edgeStack();
  it("passes a MODERN / TLS 1.2 policy, also at preview", () => {
    expect(stackMessages(p, edgeWith())).toEqual([]);
    expect(stackMessages(p, previewOf(edgeWith()), { preview: true })).toEqual([]);
  });
  it("refuses a weak linked policy, unset profile meaning COMPATIBLE", () => {
    expect(stackMessages(p, edgeWith({ sslPolicy: mutate(edge.sslPolicy, "profile", UNSET) }))).toEqual([
      'Target HTTPS proxy "m6-prod-edge-https" must use an SSL policy with the MODERN or RESTRICTED profile and TLS 1.2 or later; SSL policy "m6-prod-edge-tls": profile is unset, which means COMPATIBLE; minTlsVersion is "TLS_1_2"',
    ]);
  });
  it("refuses a proxy without an SSL policy (Google's default is weak)", () => {
    const proxy = withOptions(mutate(edge.httpsProxy, "sslPolicy", UNSET), {
      propertyDependencies: { urlMap: [EDGE.map] },
    });
    expect(stackMessages(p, edgeWith({ httpsProxy: proxy }))).toEqual([
      `Target HTTPS proxy "m6-prod-edge-https" must use an SSL policy; sslPolicy is unset, which applies Google's default (COMPATIBLE profile, TLS 1.0)`,
    ]);
  });
  it("refuses a policy it cannot see", () => {
    const proxy = withOptions(
      mutate(edge.httpsProxy, "sslPolicy", "projects/other/global/sslPolicies/shared"),
      {
        propertyDependencies: { urlMap: [EDGE.map] },
      },
    );
    expect(stackMessages(p, edgeWith({ httpsProxy: proxy }))).toEqual([
      'Target HTTPS proxy "m6-prod-edge-https" must use an SSL policy defined in this stack so its strength can be checked; sslPolicy is "projects/other/global/sslPolicies/shared"',
    ]);
  });
});

describe("http-port-80-redirect-only (stack)", () => {
  const p = httpPort80RedirectOnly;
  const edge = edgeStack();
  it("passes a redirect-only HTTP URL map on port 80, also at preview", () => {
    expect(stackMessages(p, edgeWith())).toEqual([]);
    expect(stackMessages(p, previewOf(edgeWith()), { preview: true })).toEqual([]);
  });
  it("refuses an HTTP URL map that serves a backend", () => {
    const map = mutate(edge.redirectMap, "defaultService", edge.backendBucket.id);
    expect(stackMessages(p, edgeWith({ redirectMap: map }))).toEqual([
      'URL map "m6-prod-edge-http-redirect" behind plain-HTTP proxy "m6-prod-edge-http-redirect" must only redirect to HTTPS (defaultUrlRedirect.httpsRedirect: true, no services); it sets defaultService',
    ]);
  });
  it("refuses a redirect that is not to HTTPS, unset httpsRedirect meaning false", () => {
    const map = mutate(edge.redirectMap, "defaultUrlRedirect.httpsRedirect", UNSET);
    expect(stackMessages(p, edgeWith({ redirectMap: map }))).toEqual([
      'URL map "m6-prod-edge-http-redirect" behind plain-HTTP proxy "m6-prod-edge-http-redirect" must only redirect to HTTPS (defaultUrlRedirect.httpsRedirect: true, no services); defaultUrlRedirect.httpsRedirect is not true',
    ]);
  });
  it("refuses plain HTTP on another port, and the HTTPS URL map behind an HTTP proxy", () => {
    expect(stackMessages(p, edgeWith({ rule80: mutate(edge.rule80, "portRange", "8080") }))).toEqual([
      'Global forwarding rule "m6-prod-edge-http-ipv4" targets plain-HTTP proxy "m6-prod-edge-http-redirect" and must listen only on port 80; portRange is "8080"',
    ]);
    const proxy = withOptions(mutate(edge.httpProxy, "urlMap", edge.map.id), {
      propertyDependencies: { urlMap: [EDGE.map] },
    });
    expect(stackMessages(p, edgeWith({ httpProxy: proxy }))).toEqual([
      'URL map "m6-prod-edge-https" behind plain-HTTP proxy "m6-prod-edge-http-redirect" must only redirect to HTTPS (defaultUrlRedirect.httpsRedirect: true, no services); it has no defaultUrlRedirect, it sets defaultService, it has pathMatchers',
    ]);
  });
  it("refuses an HTTP proxy whose URL map is not in the stack", () => {
    const proxy = withOptions(mutate(edge.httpProxy, "urlMap", "elsewhere"), { propertyDependencies: {} });
    expect(stackMessages(p, edgeWith({ httpProxy: proxy, redirectMap: undefined }))).toEqual([
      'Target HTTP proxy "m6-prod-edge-http-redirect" must use a redirect-only URL map defined in this stack; urlMap is "elsewhere"',
    ]);
  });
  it("tells a backend bucket from a backend service of the same name", () => {
    const sameName = res(T.backendService, "same", {
      name: "m6-prod-static",
      loadBalancingScheme: "EXTERNAL_MANAGED",
    });
    expect(stackMessages(p, edgeWith().concat(sameName))).toEqual([]);
  });
});
