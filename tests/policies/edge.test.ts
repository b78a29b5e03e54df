import { describe, expect, it } from "vitest";
import {
  backendBucketEdgeSecurityPolicy,
  backendServiceCloudArmor,
  cloudArmorLog4jBlocked,
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
  const must =
    'SSL policy "m6-prod-edge-tls" must use the MODERN or RESTRICTED profile (or a CUSTOM one without weak cipher suites) and TLS 1.2 or later';
  it("passes MODERN / TLS 1.2, RESTRICTED / TLS 1.3 and FIPS", async () => {
    expect(await messagesOf(p, ssl())).toEqual([]);
    expect(
      await messagesOf(p, mutate(mutate(ssl(), "profile", "RESTRICTED"), "minTlsVersion", "TLS_1_3")),
    ).toEqual([]);
    expect(await messagesOf(p, mutate(ssl(), "profile", "FIPS_202205"))).toEqual([]);
  });
  it("refuses a weak profile and an old TLS version, one message each", async () => {
    expect(
      await messagesOf(p, mutate(mutate(ssl(), "profile", "COMPATIBLE"), "minTlsVersion", "TLS_1_1")),
    ).toEqual([`${must}; profile is "COMPATIBLE"`, `${must}; minTlsVersion is "TLS_1_1"`]);
  });
  it("treats unset profile as COMPATIBLE and unset minTlsVersion as TLS_1_0", async () => {
    expect(await messagesOf(p, mutate(mutate(ssl(), "profile", UNSET), "minTlsVersion", UNSET))).toEqual([
      `${must}; profile is unset, which the provider treats as COMPATIBLE`,
      `${must}; minTlsVersion is unset, which the provider treats as TLS_1_0`,
    ]);
  });
  it("accepts a CUSTOM profile without RSA key exchange or 3DES, and refuses one with them", async () => {
    const custom = (features: string[]) =>
      mutate(mutate(ssl(), "profile", "CUSTOM"), "customFeatures", features);
    expect(
      await messagesOf(
        p,
        custom(["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]),
      ),
    ).toEqual([]);
    expect(
      await messagesOf(
        p,
        custom([
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        ]),
      ),
    ).toEqual([
      `${must}; its CUSTOM profile enables weak cipher suites (TLS_RSA_WITH_AES_256_GCM_SHA384, TLS_RSA_WITH_3DES_EDE_CBC_SHA)`,
    ]);
  });
  it("does not judge a value computed at preview", async () => {
    expect(await messagesOf(p, mutate(ssl(), "minTlsVersion", "[unknown]"), { preview: true })).toEqual([]);
  });
});

describe("backend-bucket-edge-security-policy", () => {
  const p = backendBucketEdgeSecurityPolicy;
  const bb = fixtures.backendBucket;
  const message =
    'Backend bucket "m6-prod-static" must have a Cloud Armor edge security policy; edgeSecurityPolicy is unset';
  it("passes a backend bucket with an edge policy, and one computed at preview", async () => {
    expect(await messagesOf(p, bb())).toEqual([]);
    expect(await messagesOf(p, mutate(bb(), "edgeSecurityPolicy", "[unknown]"), { preview: true })).toEqual(
      [],
    );
  });
  it("refuses a backend bucket without one", async () => {
    expect(await messagesOf(p, mutate(bb(), "edgeSecurityPolicy", UNSET))).toEqual([message]);
    expect(await messagesOf(p, mutate(bb(), "edgeSecurityPolicy", ""))).toEqual([message]);
  });
});

describe("backend-service-cloud-armor", () => {
  const p = backendServiceCloudArmor;
  const bs = fixtures.backendService;
  const message =
    'External backend service "m6-prod-edge-api" must have a Cloud Armor security policy; securityPolicy is unset';
  it("passes an armored backend", async () => expect(await messagesOf(p, bs())).toEqual([]));
  it("refuses an external backend without Cloud Armor, the scheme unset meaning EXTERNAL", async () => {
    expect(await messagesOf(p, mutate(bs(), "securityPolicy", UNSET))).toEqual([message]);
    expect(
      await messagesOf(p, mutate(mutate(bs(), "securityPolicy", ""), "loadBalancingScheme", UNSET)),
    ).toEqual([message]);
  });
  it("ignores internal backends, and accepts a policy computed at preview", async () => {
    expect(
      await messagesOf(
        p,
        mutate(mutate(bs(), "securityPolicy", UNSET), "loadBalancingScheme", "INTERNAL_MANAGED"),
      ),
    ).toEqual([]);
    expect(await messagesOf(p, mutate(bs(), "securityPolicy", "[unknown]"), { preview: true })).toEqual([]);
  });
});

describe("backend-service-logging", () => {
  const p = backendServiceLogging;
  const bs = fixtures.backendService;
  it("passes request logging", async () => expect(await messagesOf(p, bs())).toEqual([]));
  it("refuses logging off, unset, or sampled at 0", async () => {
    expect(await messagesOf(p, mutate(bs(), "logConfig.enable", false))).toEqual([
      'External backend service "m6-prod-edge-api" must log requests (logConfig.enable: true); logConfig.enable is false',
    ]);
    expect(await messagesOf(p, mutate(bs(), "logConfig", UNSET))).toEqual([
      'External backend service "m6-prod-edge-api" must log requests (logConfig.enable: true); logConfig.enable is unset, which means no request logs',
    ]);
    expect(await messagesOf(p, mutate(bs(), "logConfig.sampleRate", 0))).toEqual([
      'External backend service "m6-prod-edge-api" must log requests with a sample rate above 0 (sampleRate is 0)',
    ]);
  });
});

describe("load-balancer-external-managed", () => {
  const p = loadBalancerExternalManaged;
  it("passes EXTERNAL_MANAGED backends and rules", async () => {
    expect(await messagesOf(p, fixtures.backendService())).toEqual([]);
    expect(await messagesOf(p, fixtures.forwardingRule())).toEqual([]);
  });
  it("flags the classic scheme, also when unset", async () => {
    expect(await messagesOf(p, mutate(fixtures.forwardingRule(), "loadBalancingScheme", "EXTERNAL"))).toEqual(
      [
        'Global forwarding rule "m6-prod-edge-https-ipv4" must use loadBalancingScheme EXTERNAL_MANAGED; loadBalancingScheme is "EXTERNAL"',
      ],
    );
    expect(await messagesOf(p, mutate(fixtures.backendService(), "loadBalancingScheme", UNSET))).toEqual([
      'Backend service "m6-prod-edge-api" must use loadBalancingScheme EXTERNAL_MANAGED; loadBalancingScheme is unset, which the provider treats as EXTERNAL (classic)',
    ]);
  });
});

const armor = fixtures.securityPolicy;
const ARMOR = "m6-prod-edge-armor";
/** A policy's rule moved out into a SecurityPolicyRule resource (linked by name and dependency). */
const ruleResource = (rule: unknown, name = "rule") =>
  res(
    T.securityPolicyRule,
    name,
    { ...(rule as Record<string, unknown>), securityPolicy: ARMOR },
    { deps: { securityPolicy: [armor().urn] } },
  );

describe("cloud-armor-log4j-blocked (stack)", () => {
  const p = cloudArmorLog4jBlocked;
  it("passes a policy denying cve-canary, inline or as a separate rule", async () => {
    expect(await stackMessages(p, [armor()])).toEqual([]);
    const rules = armor().inputs.rules as unknown[];
    expect(
      await stackMessages(p, [
        mutate(
          armor(),
          "rules",
          rules.filter((_, i) => i !== 3),
        ),
        ruleResource(rules[3]),
      ]),
    ).toEqual([]);
  });
  it("refuses a policy without it, or whose first cve-canary rule allows", async () => {
    expect(await checkStack(p, [mutate(armor(), "rules", [])])).toEqual([
      {
        urn: armor().urn,
        message: `Cloud Armor policy "${ARMOR}" must deny the preconfigured rule set "cve-canary" (Log4Shell); no rule evaluates it`,
      },
    ]);
    expect(await stackMessages(p, [mutate(armor(), "rules.3.action", "allow")])).toEqual([
      `Cloud Armor policy "${ARMOR}" must deny the preconfigured rule set "cve-canary" (Log4Shell); its first cve-canary rule's action is "allow"`,
    ]);
    const allowFirst = ruleResource({
      action: "allow",
      priority: 1,
      match: { expr: { expression: "evaluatePreconfiguredExpr('cve-canary')" } },
    });
    expect(await stackMessages(p, [armor(), allowFirst])).toHaveLength(1);
  });
  it("wants it enforced in prod, lets staging preview it, and skips edge policies", async () => {
    const previewed = mutate(armor(), "rules.3.preview", true);
    expect(await stackMessages(p, [previewed])).toEqual([
      `Cloud Armor policy "${ARMOR}" must enforce its cve-canary (Log4Shell) rule in this environment; it runs in preview mode`,
    ]);
    expect(await stackMessages(p, [mutate(previewed, "labels.env", "staging")], { env: "staging" })).toEqual(
      [],
    );
    expect(
      await stackMessages(p, [mutate(mutate(armor(), "type", "CLOUD_ARMOR_EDGE"), "rules", [])]),
    ).toEqual([]);
  });
});

describe("cloud-armor-waf-rules (stack)", () => {
  const p = cloudArmorWafRules;
  it("passes deny rules for sqli and xss", async () => expect(await stackMessages(p, [armor()])).toEqual([]));
  it("wants each required rule set denied, counting separate rules", async () => {
    expect(await stackMessages(p, [mutate(armor(), "rules.0.action", "allow")])).toEqual([
      `Cloud Armor policy "${ARMOR}" must deny the preconfigured WAF rule set "sqli"`,
    ]);
    expect(await stackMessages(p, [mutate(armor(), "rules", [])])).toEqual([
      `Cloud Armor policy "${ARMOR}" must deny the preconfigured WAF rule set "sqli"`,
      `Cloud Armor policy "${ARMOR}" must deny the preconfigured WAF rule set "xss"`,
    ]);
    const rules = armor().inputs.rules as unknown[];
    expect(
      await stackMessages(p, [
        mutate(armor(), "rules", []),
        ruleResource(rules[0], "sqli"),
        ruleResource(rules[1], "xss"),
      ]),
    ).toEqual([]);
  });
  it("wants the WAF enforced in prod, and lets staging preview it", async () => {
    const previewed = mutate(mutate(armor(), "rules.0.preview", true), "rules.1.preview", true);
    expect(await stackMessages(p, [previewed])).toEqual([
      `Cloud Armor policy "${ARMOR}" must enforce its WAF rules in this environment; 2 preconfigured WAF rule(s) run in preview mode`,
    ]);
    expect(await stackMessages(p, [mutate(previewed, "labels.env", "staging")], { env: "staging" })).toEqual(
      [],
    );
  });
  it("treats unset preview as enforced, and does not expect WAF rules on edge policies", async () => {
    expect(await stackMessages(p, [mutate(armor(), "rules.0.preview", UNSET)])).toEqual([]);
    expect(
      await stackMessages(p, [mutate(mutate(armor(), "type", "CLOUD_ARMOR_EDGE"), "rules", [])]),
    ).toEqual([]);
  });
});

describe("cloud-armor-rate-limit (stack)", () => {
  const p = cloudArmorRateLimit;
  it("skips edge policies, which cannot rate-limit", async () => {
    const edge = mutate(mutate(armor(), "type", "CLOUD_ARMOR_EDGE"), "rules.4", UNSET);
    expect(await stackMessages(p, [edge])).toEqual([]);
  });
  it("passes a rate_based_ban or throttle rule, inline or separate, and flags none", async () => {
    expect(await stackMessages(p, [armor()])).toEqual([]);
    expect(await stackMessages(p, [mutate(armor(), "rules.4.action", "throttle")])).toEqual([]);
    expect(await stackMessages(p, [mutate(armor(), "rules.4", UNSET)])).toEqual([
      `Cloud Armor policy "${ARMOR}" must have a rate-limit rule (throttle or rate_based_ban)`,
    ]);
    const rules = armor().inputs.rules as unknown[];
    expect(await stackMessages(p, [mutate(armor(), "rules.4", UNSET), ruleResource(rules[4])])).toEqual([]);
  });
});

describe("load-balancer-security-headers", () => {
  const p = loadBalancerSecurityHeaders;
  it("wants HSTS on backend services and buckets; unset headers add none", async () => {
    expect(await messagesOf(p, fixtures.backendService())).toEqual([]);
    expect(await messagesOf(p, fixtures.backendBucket())).toEqual([]);
    expect(await messagesOf(p, mutate(fixtures.backendBucket(), "customResponseHeaders", UNSET))).toEqual([
      'Backend bucket "m6-prod-static" must add a Strict-Transport-Security response header',
    ]);
    expect(
      await messagesOf(
        p,
        mutate(fixtures.backendService(), "customResponseHeaders", ["X-Frame-Options: DENY"]),
      ),
    ).toEqual(['Backend service "m6-prod-edge-api" must add a Strict-Transport-Security response header']);
  });
});

describe("no-self-managed-ssl-certificates", () => {
  it("flags an uploaded certificate", async () => {
    expect(await messagesOf(noSelfManagedCertificates, forbidden.sslCertificate())).toEqual([
      'SSL certificate "m6-prod-upload" must be Google-managed (ManagedSslCertificate or Certificate Manager), not self-managed',
    ]);
  });
});

describe("cloud-run-public-only-through-load-balancer (stack)", () => {
  const p = cloudRunPublicOnlyThroughLoadBalancer;
  const edge = edgeStack();
  it("passes the full chain, by value and at preview by property dependencies only", async () => {
    expect(await stackMessages(p, edgeWith())).toEqual([]);
    expect(await stackMessages(p, previewOf(edgeWith()), { preview: true })).toEqual([]);
  });
  it("ignores services that are not public: invoker check on, or internal-only ingress", async () => {
    const noNeg = { neg: undefined };
    expect(
      await stackMessages(
        p,
        edgeWith({ ...noNeg, service: mutate(edge.service, "invokerIamDisabled", false) }),
      ),
    ).toEqual([]);
    expect(
      await stackMessages(
        p,
        edgeWith({ ...noNeg, service: mutate(edge.service, "ingress", "INGRESS_TRAFFIC_INTERNAL_ONLY") }),
      ),
    ).toEqual([]);
  });
  it("refuses public ingress, unset meaning ALL", async () => {
    expect(await stackMessages(p, edgeWith({ service: mutate(edge.service, "ingress", UNSET) }))).toEqual([
      'Cloud Run service "m6-prod-api" is publicly invokable (invokerIamDisabled is true) and must admit only load-balancer traffic (ingress INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER); ingress is "INGRESS_TRAFFIC_ALL"',
    ]);
  });
  it("counts allUsers as invoker as public", async () => {
    const grant = mutate(fixtures.runInvoker(), "member", "allUsers");
    const service = mutate(edge.service, "invokerIamDisabled", false);
    expect(await stackMessages(p, edgeWith({ service, neg: undefined }).concat(grant))).toEqual([
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
  ])("reports one broken link: %s", async (_case, changes, message, at) => {
    expect(await checkStack(p, edgeWith(changes))).toEqual([{ urn: at, message }]);
  });
});

describe("https-proxy-strong-ssl-policy (stack)", () => {
  const p = httpsProxyStrongSslPolicy;
  const edge = edgeStack();
  it("passes a MODERN / TLS 1.2 policy, also at preview", async () => {
    expect(await stackMessages(p, edgeWith())).toEqual([]);
    expect(await stackMessages(p, previewOf(edgeWith()), { preview: true })).toEqual([]);
  });
  it("refuses a weak linked policy, unset profile meaning COMPATIBLE", async () => {
    expect(await stackMessages(p, edgeWith({ sslPolicy: mutate(edge.sslPolicy, "profile", UNSET) }))).toEqual(
      [
        'Target HTTPS proxy "m6-prod-edge-https" must use an SSL policy with a strong profile and TLS 1.2 or later; SSL policy "m6-prod-edge-tls": profile is unset, which the provider treats as COMPATIBLE',
      ],
    );
  });
  it("refuses a proxy without an SSL policy (Google's default is weak)", async () => {
    const proxy = withOptions(mutate(edge.httpsProxy, "sslPolicy", UNSET), {
      propertyDependencies: { urlMap: [EDGE.map] },
    });
    expect(await stackMessages(p, edgeWith({ httpsProxy: proxy }))).toEqual([
      `Target HTTPS proxy "m6-prod-edge-https" must use an SSL policy; sslPolicy is unset, which applies Google's default (COMPATIBLE profile, TLS 1.0)`,
    ]);
  });
  it("refuses a policy it cannot see", async () => {
    const proxy = withOptions(
      mutate(edge.httpsProxy, "sslPolicy", "projects/other/global/sslPolicies/shared"),
      {
        propertyDependencies: { urlMap: [EDGE.map] },
      },
    );
    expect(await stackMessages(p, edgeWith({ httpsProxy: proxy }))).toEqual([
      'Target HTTPS proxy "m6-prod-edge-https" must use an SSL policy defined in this stack so its strength can be checked; sslPolicy is "projects/other/global/sslPolicies/shared"',
    ]);
  });
});

describe("http-port-80-redirect-only (stack)", () => {
  const p = httpPort80RedirectOnly;
  const edge = edgeStack();
  it("passes a redirect-only HTTP URL map on port 80, also at preview", async () => {
    expect(await stackMessages(p, edgeWith())).toEqual([]);
    expect(await stackMessages(p, previewOf(edgeWith()), { preview: true })).toEqual([]);
  });
  it("refuses an HTTP URL map that serves a backend", async () => {
    const map = mutate(edge.redirectMap, "defaultService", edge.backendBucket.id);
    expect(await stackMessages(p, edgeWith({ redirectMap: map }))).toEqual([
      'URL map "m6-prod-edge-http-redirect" behind plain-HTTP proxy "m6-prod-edge-http-redirect" must only redirect to HTTPS (defaultUrlRedirect.httpsRedirect: true, no services); it sets defaultService',
    ]);
  });
  it("refuses a redirect that is not to HTTPS, unset httpsRedirect meaning false", async () => {
    const map = mutate(edge.redirectMap, "defaultUrlRedirect.httpsRedirect", UNSET);
    expect(await stackMessages(p, edgeWith({ redirectMap: map }))).toEqual([
      'URL map "m6-prod-edge-http-redirect" behind plain-HTTP proxy "m6-prod-edge-http-redirect" must only redirect to HTTPS (defaultUrlRedirect.httpsRedirect: true, no services); defaultUrlRedirect.httpsRedirect is not true',
    ]);
  });
  it("refuses plain HTTP on another port, and the HTTPS URL map behind an HTTP proxy", async () => {
    expect(await stackMessages(p, edgeWith({ rule80: mutate(edge.rule80, "portRange", "8080") }))).toEqual([
      'Global forwarding rule "m6-prod-edge-http-ipv4" targets plain-HTTP proxy "m6-prod-edge-http-redirect" and must listen only on port 80; portRange is "8080"',
    ]);
    const proxy = withOptions(mutate(edge.httpProxy, "urlMap", edge.map.id), {
      propertyDependencies: { urlMap: [EDGE.map] },
    });
    expect(await stackMessages(p, edgeWith({ httpProxy: proxy }))).toEqual([
      'URL map "m6-prod-edge-https" behind plain-HTTP proxy "m6-prod-edge-http-redirect" must only redirect to HTTPS (defaultUrlRedirect.httpsRedirect: true, no services); it has no defaultUrlRedirect, it sets defaultService, it has pathMatchers',
    ]);
  });
  it("refuses an external forwarding rule to an HTTP proxy outside the stack, unset scheme meaning EXTERNAL", async () => {
    const outside =
      "https://www.googleapis.com/compute/v1/projects/other/global/targetHttpProxies/m6-prod-edge-http-redirect";
    const rule = withOptions(mutate(edge.rule80, "target", outside), { propertyDependencies: {} });
    expect(await stackMessages(p, edgeWith({ rule80: rule }))).toEqual([
      `Global forwarding rule "m6-prod-edge-http-ipv4" must target a redirect-only HTTP proxy of this stack; it targets "${outside}", whose URL map cannot be checked`,
    ]);
    expect(
      await stackMessages(p, edgeWith({ rule80: mutate(rule, "loadBalancingScheme", UNSET) })),
    ).toHaveLength(1);
    expect(
      await stackMessages(
        p,
        edgeWith({ rule80: mutate(rule, "loadBalancingScheme", "INTERNAL_SELF_MANAGED") }),
      ),
    ).toEqual([]);
    const ssl = "https://www.googleapis.com/compute/v1/projects/other/global/targetSslProxies/p";
    expect(await stackMessages(p, edgeWith({ rule80: mutate(rule, "target", ssl) }))).toEqual([]);
  });
  it("does not take a URL map of another project for the stack's own of the same name", async () => {
    const proxy = withOptions(
      mutate(edge.httpProxy, "urlMap", "projects/other/global/urlMaps/m6-prod-edge-http-redirect"),
      {
        propertyDependencies: {},
      },
    );
    expect(await stackMessages(p, edgeWith({ httpProxy: proxy }))).toEqual([
      'Target HTTP proxy "m6-prod-edge-http-redirect" must use a redirect-only URL map defined in this stack; urlMap is "projects/other/global/urlMaps/m6-prod-edge-http-redirect"',
    ]);
  });
  it("refuses an HTTP proxy whose URL map is not in the stack", async () => {
    const proxy = withOptions(mutate(edge.httpProxy, "urlMap", "elsewhere"), { propertyDependencies: {} });
    expect(await stackMessages(p, edgeWith({ httpProxy: proxy, redirectMap: undefined }))).toEqual([
      'Target HTTP proxy "m6-prod-edge-http-redirect" must use a redirect-only URL map defined in this stack; urlMap is "elsewhere"',
    ]);
  });
  it("tells a backend bucket from a backend service of the same name", async () => {
    const sameName = res(T.backendService, "same", {
      name: "m6-prod-static",
      loadBalancingScheme: "EXTERNAL_MANAGED",
    });
    expect(await stackMessages(p, edgeWith().concat(sameName))).toEqual([]);
  });
});
