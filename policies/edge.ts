/**
 * The edge: SSL policies, backend services, Cloud Armor and certificates of the global external
 * Application Load Balancer, and the stack-level wiring from a forwarding rule to a Cloud Run service.
 */
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import type { PolicyResource } from "@pulumi/policy";
import { configProperties, readConfig, schema } from "./lib/config";
import { inEnvironments } from "./lib/environment";
import { checkov, cis } from "./lib/frameworks";
import { grantsOf, isPublicMember } from "./lib/members";
import { resourcePolicy, stackPolicy, type Module6Policy } from "./lib/policy";
import { displayName, referenced, StackResources } from "./lib/stack";
import { T } from "./lib/tokens";
import { isRecord, list, q, read, shown, str, tryRead, UNKNOWN, prop } from "./lib/values";
import { INGRESS_ALL, INGRESS_INTERNAL, INGRESS_LB, targetsService } from "./run";

type SslPolicy = Unwrap<gcp.compute.SSLPolicyArgs>;
type BackendService = Unwrap<gcp.compute.BackendServiceArgs>;
type SecurityPolicy = Unwrap<gcp.compute.SecurityPolicyArgs>;
type BackendBucket = Unwrap<gcp.compute.BackendBucketArgs>;

const STRONG_PROFILES = ["MODERN", "RESTRICTED", "FIPS_202205"];
const STRONG_TLS = ["TLS_1_2", "TLS_1_3"];
const EXTERNAL_SCHEMES = ["EXTERNAL", "EXTERNAL_MANAGED"];

/** True when a load-balancing scheme (unset = EXTERNAL) is external. */
const isExternal = (scheme: string | undefined): boolean => EXTERNAL_SCHEMES.includes(scheme ?? "EXTERNAL");

export const sslPolicyModernTls = resourcePolicy<SslPolicy>(
  {
    name: "ssl-policy-modern-tls",
    domain: "edge",
    description:
      "Checks that an SSL policy uses the MODERN or RESTRICTED profile (or FIPS_202205) and a minimum of TLS 1.2. Unset profile is COMPATIBLE and unset minTlsVersion is TLS_1_0, both of which admit weak cipher suites.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Set `profile: MODERN` (or `RESTRICTED` via `edge.tls.profile`) and `minTlsVersion: TLS_1_2`.",
    framework: cis(
      "3.9",
      "Ensure No HTTPS or SSL Proxy Load Balancers Permit SSL Policies With Weak Cipher Suites",
    ),
    otherIds: ["CKV_GCP_4", "AVD-GCP-0039"],
    types: [T.sslPolicy],
  },
  (policy, args, report) => {
    const name = q(policy.name ?? args.name);
    if (!STRONG_PROFILES.includes(policy.profile ?? "COMPATIBLE")) {
      report(
        `SSL policy ${name} must use the MODERN or RESTRICTED profile; ${shown("profile", policy.profile, "the provider treats as COMPATIBLE")}`,
      );
    }
    if (!STRONG_TLS.includes(policy.minTlsVersion ?? "TLS_1_0")) {
      report(
        `SSL policy ${name} must require TLS 1.2 or later; ${shown("minTlsVersion", policy.minTlsVersion, "the provider treats as TLS_1_0")}`,
      );
    }
  },
);

export const backendServiceCloudArmor = resourcePolicy<BackendService>(
  {
    name: "backend-service-cloud-armor",
    domain: "edge",
    description:
      "Checks that every external backend service (loadBalancingScheme EXTERNAL or EXTERNAL_MANAGED; unset is EXTERNAL) has a Cloud Armor security policy. Unset securityPolicy leaves the backend without WAF, rate limiting or DDoS rules.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Attach the environment's CloudArmorPolicy to the backend service (`securityPolicy: armor.policy.selfLink`; HttpsLoadBalancer does this for every backend).",
    types: [T.backendService],
  },
  (bs, args, report) => {
    if (!isExternal(bs.loadBalancingScheme)) return;
    const armor = read(() => bs.securityPolicy);
    if (armor === UNKNOWN || (typeof armor === "string" && armor !== "")) return; // computed at preview: set
    report(
      `External backend service ${q(bs.name ?? args.name)} must have a Cloud Armor security policy; securityPolicy is unset`,
    );
  },
);

export const backendBucketEdgeSecurityPolicy = resourcePolicy<BackendBucket>(
  {
    name: "backend-bucket-edge-security-policy",
    domain: "edge",
    description:
      "Checks that every backend bucket has a Cloud Armor edge security policy (edgeSecurityPolicy). Backend buckets take no backend (CLOUD_ARMOR) policy; an edge policy (CLOUD_ARMOR_EDGE) filters by IP and region before the CDN cache, for cached and uncached requests alike. Unset edgeSecurityPolicy leaves static assets outside Cloud Armor.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Attach a CLOUD_ARMOR_EDGE policy (`edgeSecurityPolicy: edgePolicy.id`; HttpsLoadBalancer gives the static site one carrying `edge.armor`'s IP and region lists).",
    types: [T.backendBucket],
  },
  (bucket, args, report) => {
    const policy = read(() => bucket.edgeSecurityPolicy);
    if (policy === UNKNOWN || (typeof policy === "string" && policy !== "")) return; // computed at preview: set
    report(
      `Backend bucket ${q(bucket.name ?? args.name)} must have a Cloud Armor edge security policy; edgeSecurityPolicy is unset`,
    );
  },
);

export const backendServiceLogging = resourcePolicy<BackendService>(
  {
    name: "backend-service-logging",
    domain: "edge",
    description:
      "Checks that every external backend service logs requests (logConfig.enable true with a sample rate above 0), which also records Cloud Armor decisions. Unset logConfig means no request logs.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set `logConfig: { enable: true, sampleRate: 1 }` (edge config `logSampleRate`).",
    framework: cis("2.16", "Ensure Logging is enabled for HTTP(S) Load Balancer"),
    types: [T.backendService],
  },
  (bs, args, report) => {
    if (!isExternal(bs.loadBalancingScheme)) return;
    const name = q(bs.name ?? args.name);
    if (bs.logConfig?.enable !== true) {
      report(
        `External backend service ${name} must log requests (logConfig.enable: true); ${shown("logConfig.enable", bs.logConfig?.enable, "means no request logs")}`,
      );
    } else if (bs.logConfig.sampleRate !== undefined && bs.logConfig.sampleRate <= 0) {
      report(
        `External backend service ${name} must log requests with a sample rate above 0 (sampleRate is ${bs.logConfig.sampleRate})`,
      );
    }
  },
);

export const loadBalancerExternalManaged = resourcePolicy<{ name?: string; loadBalancingScheme?: string }>(
  {
    name: "load-balancer-external-managed",
    domain: "edge",
    description:
      "Checks that external backend services and global forwarding rules use the EXTERNAL_MANAGED scheme (global external Application Load Balancer) rather than the classic EXTERNAL one, the default when unset; switching later replaces the load balancer.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
      "Set `loadBalancingScheme: EXTERNAL_MANAGED` on the backend services and forwarding rules.",
    types: [T.backendService, T.forwardingRule],
  },
  (r, args, report) => {
    if ((r.loadBalancingScheme ?? "EXTERNAL") !== "EXTERNAL") return;
    const kind = args.type === T.backendService ? "Backend service" : "Global forwarding rule";
    report(
      `${kind} ${q(r.name ?? args.name)} must use loadBalancingScheme EXTERNAL_MANAGED; ${shown("loadBalancingScheme", r.loadBalancingScheme, "the provider treats as EXTERNAL (classic)")}`,
    );
  },
);

/** The preconfigured WAF rule sets every Cloud Armor policy must deny. */
export const REQUIRED_WAF_RULES = ["sqli", "xss", "cve-canary"];

interface ArmorRule {
  readonly action: string;
  readonly preview: boolean;
  readonly expression: string;
}

function armorRules(policy: SecurityPolicy): ArmorRule[] {
  return (policy.rules ?? []).map((r) => ({
    action: r.action,
    preview: r.preview === true,
    expression: r.match?.expr?.expression ?? "",
  }));
}

const wafRuleSet = (expression: string): string | undefined =>
  /evaluatePreconfigured(?:Waf|Expr)\(\s*['"]([a-z0-9-]+?)(?:-v\d+-(?:stable|canary))?['"]/.exec(
    expression,
  )?.[1];

export const cloudArmorWafRules = resourcePolicy<SecurityPolicy>(
  {
    name: "cloud-armor-waf-rules",
    domain: "edge",
    description:
      "Checks that a Cloud Armor policy denies the preconfigured WAF rule sets for SQL injection, XSS and Log4Shell (cve-canary, CVE-2021-44228), and that in the configured environments (default prod) no preconfigured WAF rule runs in preview mode. Unset preview is false (enforced). Edge and network policies, which cannot evaluate WAF rules, are not checked.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Use the CloudArmorPolicy component: it adds deny(403) rules for sqli, xss, lfi, rfi, rce, … and cve-canary; set `edge.armor.preview: false` once a rule change has met real traffic in staging.",
    framework: checkov(
      "CKV_GCP_73",
      "Ensure Cloud Armor prevents message lookup in Log4j2. See CVE-2021-44228 aka log4jshell",
    ),
    configSchema: schema({ environments: configProperties.environments(["prod"]) }),
    types: [T.securityPolicy],
  },
  (policy, args, report) => {
    if (policy.type !== undefined && policy.type !== "CLOUD_ARMOR") return;
    const name = q(policy.name ?? args.name);
    const rules = armorRules(policy);
    for (const set of REQUIRED_WAF_RULES) {
      const denies = rules.some((r) => wafRuleSet(r.expression) === set && r.action.startsWith("deny"));
      if (!denies) report(`Cloud Armor policy ${name} must deny the preconfigured WAF rule set ${q(set)}`);
    }
    const { environments } = readConfig(args, { environments: ["prod"] });
    if (!inEnvironments(args, args.stackTags, environments)) return;
    const previewed = rules.filter((r) => r.preview && wafRuleSet(r.expression) !== undefined);
    if (previewed.length > 0) {
      report(
        `Cloud Armor policy ${name} must enforce its WAF rules in this environment; ${previewed.length} preconfigured WAF rule(s) run in preview mode`,
      );
    }
  },
);

export const cloudArmorRateLimit = resourcePolicy<SecurityPolicy>(
  {
    name: "cloud-armor-rate-limit",
    domain: "edge",
    description:
      "Checks that a Cloud Armor policy has a per-client rate-limit rule (action throttle or rate_based_ban), which caps abusive clients before they reach Cloud Run.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Keep the CloudArmorPolicy rate limit (`edge.armor.rateLimit`) on.",
    types: [T.securityPolicy],
  },
  (policy, args, report) => {
    if (policy.type !== undefined && policy.type !== "CLOUD_ARMOR") return;
    if (armorRules(policy).some((r) => r.action === "throttle" || r.action === "rate_based_ban")) return;
    report(
      `Cloud Armor policy ${q(policy.name ?? args.name)} must have a rate-limit rule (throttle or rate_based_ban)`,
    );
  },
);

export const loadBalancerSecurityHeaders = resourcePolicy<{
  name?: string;
  loadBalancingScheme?: string;
  customResponseHeaders?: string[];
}>(
  {
    name: "load-balancer-security-headers",
    domain: "edge",
    description:
      "Checks that external backend services and backend buckets add a Strict-Transport-Security response header, so browsers never fall back to plain HTTP. Unset customResponseHeaders adds none.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
      "Add `Strict-Transport-Security: max-age=31536000; includeSubDomains` to `customResponseHeaders` (the edge components add the full set of security headers).",
    types: [T.backendService, T.backendBucket],
  },
  (r, args, report) => {
    if (args.type === T.backendService && !isExternal(r.loadBalancingScheme)) return;
    if ((r.customResponseHeaders ?? []).some((h) => /^strict-transport-security\s*:/i.test(h))) return;
    const kind = args.type === T.backendService ? "Backend service" : "Backend bucket";
    report(`${kind} ${q(r.name ?? args.name)} must add a Strict-Transport-Security response header`);
  },
);

export const noSelfManagedCertificates = resourcePolicy(
  {
    name: "no-self-managed-ssl-certificates",
    domain: "edge",
    description:
      "Checks that the load balancer uses Google-managed certificates (ManagedSslCertificate or Certificate Manager) rather than a self-managed SSLCertificate, whose private key would live in the Pulumi state and expire unnoticed.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Use `edge.certificates.mode: managed` or `dns` instead of uploading a certificate.",
    types: [T.sslCertificate],
  },
  (cert, args, report) => {
    report(
      `SSL certificate ${q(str(cert.name) ?? args.name)} must be Google-managed (ManagedSslCertificate or Certificate Manager), not self-managed`,
    );
  },
);

// ---------------------------------------------------------------------------------------------------------
// Stack policies: the wiring no single resource shows.

const collections = {
  neg: "networkendpointgroup",
  backendService: "backendservice",
  urlMap: "urlmap",
  httpsProxy: "targethttpsprox",
  httpProxy: "targethttpprox",
  sslPolicy: "sslpolic",
  securityPolicy: "securitypolic",
} as const;

const URL_MAP_SERVICE_PROPS = ["defaultService", "pathMatchers", "defaultRouteAction"];

function routes(map: PolicyResource, backend: PolicyResource): boolean {
  return URL_MAP_SERVICE_PROPS.some(
    (p) => referenced(map, p, [backend], collections.backendService).length > 0,
  );
}

function publicReason(svc: PolicyResource, invokerGrants: readonly PolicyResource[]): string | undefined {
  if (prop(svc, "invokerIamDisabled") === true) return "invokerIamDisabled is true";
  for (const g of invokerGrants) {
    const nameProp =
      g.type === T.runServiceIamMember || g.type === T.runServiceIamBinding ? "name" : "service";
    if (!targetsService(g, nameProp, svc)) continue;
    for (const grant of grantsOf(g.props)) {
      const member = grant.members.find(isPublicMember);
      if (grant.role === "roles/run.invoker" && member) return `roles/run.invoker is granted to ${member}`;
    }
  }
  return undefined;
}

function sameRegion(neg: PolicyResource, svc: PolicyResource): boolean {
  const a = str(prop(neg, "region"));
  const b = str(prop(svc, "location"));
  return a === undefined || b === undefined || a.startsWith("[") || b.startsWith("[") || a === b;
}

export const cloudRunPublicOnlyThroughLoadBalancer = stackPolicy(
  {
    name: "cloud-run-public-only-through-load-balancer",
    domain: "edge",
    description:
      "Checks that every publicly invokable Cloud Run service (invokerIamDisabled, or roles/run.invoker for allUsers/allAuthenticatedUsers) admits only load-balancer traffic (ingress INTERNAL_LOAD_BALANCER; unset is ALL) and is reached through global forwarding rule → target HTTPS proxy → URL map → backend service with a Cloud Armor policy → serverless NEG. Links are followed through property dependencies and references, so the check holds at preview.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Give the service `routes` on the load balancer (HttpsLoadBalancer builds the NEG, an armored backend service, the URL map path rule, the HTTPS proxy and the forwarding rules) and keep `ingress: lb`; make internal tools private with `access: iap` instead.",
  },
  (args, report) => {
    const stack = new StackResources(args.resources);
    const invokerGrants = stack.ofType(
      T.runServiceIamMember,
      T.runServiceIamBinding,
      T.runV1IamMember,
      T.runV1IamBinding,
    );
    const negs = stack.ofType(T.neg);
    const backends = stack.ofType(T.backendService);
    const maps = stack.ofType(T.urlMap);
    const proxies = stack.ofType(T.httpsProxy);
    const rules = stack.ofType(T.forwardingRule);
    for (const svc of stack.ofType(T.runService)) {
      const reason = publicReason(svc, invokerGrants);
      const ingress = str(prop(svc, "ingress")) ?? INGRESS_ALL;
      if (reason === undefined || ingress === INGRESS_INTERNAL) continue;
      const name = q(displayName(svc));
      if (ingress !== INGRESS_LB) {
        report(
          `Cloud Run service ${name} is publicly invokable (${reason}) and must admit only load-balancer traffic (ingress ${INGRESS_LB}); ingress is ${q(ingress)}`,
          svc.urn,
        );
      }
      // The furthest link reached along any chain, and the resource it stops at.
      let reached: { stage: number; at: PolicyResource } = { stage: 0, at: svc };
      const reach = (stage: number, at: PolicyResource): void => {
        if (stage > reached.stage) reached = { stage, at };
      };
      const myNegs = negs.filter(
        (n) => sameRegion(n, svc) && referenced(n, "cloudRun", [svc], "services").length > 0,
      );
      for (const neg of myNegs) {
        reach(1, neg);
        for (const bs of backends.filter(
          (b) => referenced(b, "backends", [neg], collections.neg).length > 0,
        )) {
          const armor = prop(bs, "securityPolicy");
          if (
            (typeof armor !== "string" || armor === "") &&
            (bs.propertyDependencies.securityPolicy ?? []).length === 0
          ) {
            report(
              `Backend service ${q(displayName(bs))} in front of Cloud Run service ${name} must have a Cloud Armor security policy; securityPolicy is unset`,
              bs.urn,
            );
          }
          reach(2, bs);
          for (const map of maps.filter((m) => routes(m, bs))) {
            reach(3, map);
            for (const proxy of proxies.filter(
              (p) => referenced(p, "urlMap", [map], collections.urlMap).length > 0,
            )) {
              reach(4, proxy);
              if (rules.some((r) => referenced(r, "target", [proxy], collections.httpsProxy).length > 0))
                reach(5, proxy);
            }
          }
        }
      }
      const at = q(displayName(reached.at));
      const broken: Record<number, string> = {
        0: `Cloud Run service ${name} is publicly invokable (${reason}) and must be reached through a serverless NEG; no serverless network endpoint group points at it`,
        1: `Serverless NEG ${at} of Cloud Run service ${name} must be the backend of a backend service; none uses it`,
        2: `Backend service ${at} of Cloud Run service ${name} must be routed by a URL map; none refers to it`,
        3: `URL map ${at} routing Cloud Run service ${name} must be served by a target HTTPS proxy; none uses it`,
        4: `Target HTTPS proxy ${at} routing Cloud Run service ${name} must be the target of a global forwarding rule; none uses it`,
      };
      const message = broken[reached.stage];
      if (message !== undefined) report(message, reached.at.urn);
    }
  },
);

function sslPolicyWeakness(policy: PolicyResource): string | undefined {
  const profile = str(prop(policy, "profile"));
  const minTls = str(prop(policy, "minTlsVersion"));
  if (STRONG_PROFILES.includes(profile ?? "COMPATIBLE") && STRONG_TLS.includes(minTls ?? "TLS_1_0"))
    return undefined;
  return `SSL policy ${q(displayName(policy))}: ${shown("profile", profile, "means COMPATIBLE")}; ${shown("minTlsVersion", minTls, "means TLS_1_0")}`;
}

export const httpsProxyStrongSslPolicy = stackPolicy(
  {
    name: "https-proxy-strong-ssl-policy",
    domain: "edge",
    description:
      "Checks that every target HTTPS proxy uses an SSL policy of this stack with the MODERN or RESTRICTED profile and TLS 1.2 or later, following sslPolicy by property dependencies or reference. Unset sslPolicy applies Google's default policy (COMPATIBLE, TLS 1.0).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Create an SSLPolicy (MODERN, TLS_1_2) and set it as the proxy's `sslPolicy`.",
    framework: cis(
      "3.9",
      "Ensure No HTTPS or SSL Proxy Load Balancers Permit SSL Policies With Weak Cipher Suites",
    ),
    otherIds: ["CKV_GCP_4", "AVD-GCP-0039"],
  },
  (args, report) => {
    const stack = new StackResources(args.resources);
    const policies = stack.ofType(T.sslPolicy);
    for (const proxy of stack.ofType(T.httpsProxy)) {
      const name = q(displayName(proxy));
      const ref = prop(proxy, "sslPolicy");
      const linked = referenced(proxy, "sslPolicy", policies, collections.sslPolicy);
      if (linked.length === 0) {
        report(
          typeof ref === "string" && ref !== ""
            ? `Target HTTPS proxy ${name} must use an SSL policy defined in this stack so its strength can be checked; sslPolicy is ${q(ref)}`
            : `Target HTTPS proxy ${name} must use an SSL policy; sslPolicy is unset, which applies Google's default (COMPATIBLE profile, TLS 1.0)`,
          proxy.urn,
        );
        continue;
      }
      for (const policy of linked) {
        const weakness = sslPolicyWeakness(policy);
        if (weakness) {
          report(
            `Target HTTPS proxy ${name} must use an SSL policy with the MODERN or RESTRICTED profile and TLS 1.2 or later; ${weakness}`,
            proxy.urn,
          );
        }
      }
    }
  },
);

function redirectProblem(map: PolicyResource): string | undefined {
  const redirect = prop(map, "defaultUrlRedirect");
  const problems: string[] = [];
  if (!isRecord(redirect)) problems.push("it has no defaultUrlRedirect");
  else if (tryRead(() => redirect.httpsRedirect) !== true)
    problems.push("defaultUrlRedirect.httpsRedirect is not true");
  if (prop(map, "defaultService") !== undefined) problems.push("it sets defaultService");
  if (list(prop(map, "pathMatchers")).length > 0) problems.push("it has pathMatchers");
  if (prop(map, "defaultRouteAction") !== undefined) problems.push("it sets defaultRouteAction");
  return problems.length ? problems.join(", ") : undefined;
}

const ports = (rule: PolicyResource): string => str(prop(rule, "portRange")) ?? "";

export const httpPort80RedirectOnly = stackPolicy(
  {
    name: "http-port-80-redirect-only",
    domain: "edge",
    description:
      "Checks that plain HTTP is served only on port 80 and only as a redirect: every target HTTP proxy's URL map has defaultUrlRedirect.httpsRedirect true and routes to no service, and every global forwarding rule targeting an HTTP proxy listens on port 80.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Point the HTTP proxy at a URL map with only `defaultUrlRedirect: { httpsRedirect: true, redirectResponseCode: MOVED_PERMANENTLY_DEFAULT }` (HttpsLoadBalancer builds one).",
    framework: checkov("CKV2_GCP_38", "Ensure GCP compute global forwarding rule does not use HTTP proxy"),
  },
  (args, report) => {
    const stack = new StackResources(args.resources);
    const maps = stack.ofType(T.urlMap);
    const httpProxies = stack.ofType(T.httpProxy);
    for (const proxy of httpProxies) {
      const name = q(displayName(proxy));
      const linked = referenced(proxy, "urlMap", maps, collections.urlMap);
      if (linked.length === 0) {
        report(
          `Target HTTP proxy ${name} must use a redirect-only URL map defined in this stack; urlMap is ${q(prop(proxy, "urlMap") ?? null)}`,
          proxy.urn,
        );
      }
      for (const map of linked) {
        const problem = redirectProblem(map);
        if (problem) {
          report(
            `URL map ${q(displayName(map))} behind plain-HTTP proxy ${name} must only redirect to HTTPS (defaultUrlRedirect.httpsRedirect: true, no services); ${problem}`,
            map.urn,
          );
        }
      }
    }
    for (const rule of stack.ofType(T.forwardingRule)) {
      const target = referenced(rule, "target", httpProxies, collections.httpProxy)[0];
      if (target && !["80", "80-80"].includes(ports(rule))) {
        report(
          `Global forwarding rule ${q(displayName(rule))} targets plain-HTTP proxy ${q(displayName(target))} and must listen only on port 80; portRange is ${q(ports(rule) || null)}`,
          rule.urn,
        );
      }
    }
  },
);

export const edgePolicies: readonly Module6Policy[] = [
  sslPolicyModernTls,
  backendServiceCloudArmor,
  backendBucketEdgeSecurityPolicy,
  backendServiceLogging,
  loadBalancerExternalManaged,
  cloudArmorWafRules,
  cloudArmorRateLimit,
  loadBalancerSecurityHeaders,
  noSelfManagedCertificates,
  cloudRunPublicOnlyThroughLoadBalancer,
  httpsProxyStrongSslPolicy,
  httpPort80RedirectOnly,
];
