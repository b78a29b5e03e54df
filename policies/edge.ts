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
import { RUN_GRANTS } from "./lib/grants";
import { grantsOf, isPublicMember } from "./lib/members";
import { resourcePolicy, stackPolicy, type Module6Policy } from "./lib/policy";
import { displayName, referenced, refersTo, StackResources } from "./lib/stack";
import { T } from "./lib/tokens";
import {
  isPlainObject,
  list,
  num,
  q,
  read,
  rec,
  records,
  shown,
  str,
  strings,
  tryRead,
  UNKNOWN,
  prop,
} from "./lib/values";
import { INGRESS_ALL, INGRESS_INTERNAL, INGRESS_LB, targetsService } from "./run";

type SslPolicy = Unwrap<gcp.compute.SSLPolicyArgs>;
type BackendService = Unwrap<gcp.compute.BackendServiceArgs>;
type BackendBucket = Unwrap<gcp.compute.BackendBucketArgs>;

const STRONG_PROFILES = ["MODERN", "RESTRICTED", "FIPS_202205"];
const STRONG_TLS = ["TLS_1_2", "TLS_1_3"];
const EXTERNAL_SCHEMES = ["EXTERNAL", "EXTERNAL_MANAGED"];

/**
 * Cipher suites CIS 3.9 names weak for a CUSTOM profile: RSA key exchange (no forward secrecy) and 3DES
 * ("…features do not contain TLS_RSA_WITH_AES_128_GCM_SHA256, TLS_RSA_WITH_AES_256_GCM_SHA384,
 * TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_3DES_EDE_CBC_SHA").
 */
export const isWeakCipherSuite = (feature: string): boolean =>
  /^TLS_RSA_WITH_/.test(feature) || /3DES/.test(feature);

/** True when a load-balancing scheme (unset = EXTERNAL) is external. */
const isExternal = (scheme: string | undefined): boolean => EXTERNAL_SCHEMES.includes(scheme ?? "EXTERNAL");

/**
 * Why an SSL policy is weak, or undefined when it is strong: the MODERN, RESTRICTED or FIPS profile, or a
 * CUSTOM profile without weak suites, and TLS 1.2 or later. Values unknown at preview are not judged.
 */
export function sslPolicyProblems(get: (key: string) => unknown): string[] {
  const problems: string[] = [];
  const profile = read(() => get("profile"));
  const minTls = read(() => get("minTlsVersion"));
  if (profile === "CUSTOM") {
    const features = read(() => get("customFeatures"));
    const weak = features === UNKNOWN ? [] : strings(features).filter(isWeakCipherSuite);
    if (weak.length > 0) problems.push(`its CUSTOM profile enables weak cipher suites (${weak.join(", ")})`);
  } else if (profile !== UNKNOWN && !STRONG_PROFILES.includes(str(profile) ?? "COMPATIBLE")) {
    problems.push(shown("profile", profile, "the provider treats as COMPATIBLE"));
  }
  if (minTls !== UNKNOWN && !STRONG_TLS.includes(str(minTls) ?? "TLS_1_0")) {
    problems.push(shown("minTlsVersion", minTls, "the provider treats as TLS_1_0"));
  }
  return problems;
}

export const sslPolicyModernTls = resourcePolicy<SslPolicy>(
  {
    name: "ssl-policy-modern-tls",
    domain: "edge",
    description:
      "Checks that an SSL policy uses the MODERN, RESTRICTED or FIPS_202205 profile, or a CUSTOM profile without RSA-key-exchange or 3DES cipher suites, and a minimum of TLS 1.2. Unset profile is COMPATIBLE and unset minTlsVersion is TLS_1_0, both of which admit weak cipher suites. Stricter than AVD-GCP-0039, which checks only minTlsVersion.",
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
    const props = args.props;
    for (const problem of sslPolicyProblems((k) => props[k])) {
      report(
        `SSL policy ${name} must use the MODERN or RESTRICTED profile (or a CUSTOM one without weak cipher suites) and TLS 1.2 or later; ${problem}`,
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

/** The preconfigured WAF rule sets every Cloud Armor policy must deny (cve-canary: `cloud-armor-log4j-blocked`). */
export const REQUIRED_WAF_RULES = ["sqli", "xss"];
/** Google's preconfigured rule for Log4Shell (CVE-2021-44228). */
export const LOG4J_RULE = "cve-canary";

interface ArmorRule {
  readonly action: string;
  readonly preview: boolean;
  readonly expression: string;
  readonly priority: number;
}

function ruleOf(r: Record<string, unknown>): ArmorRule {
  const match = rec(tryRead(() => r.match));
  return {
    action: str(tryRead(() => r.action)) ?? "",
    preview: tryRead(() => r.preview) === true,
    expression: str(tryRead(() => rec(match.expr).expression)) ?? "",
    priority: num(tryRead(() => r.priority)) ?? Number.MAX_SAFE_INTEGER,
  };
}

/** The preconfigured rule set an expression evaluates (`sqli-v33-stable` → `sqli`). */
export const wafRuleSet = (expression: string): string | undefined =>
  /evaluatePreconfigured(?:Waf|Expr)\(\s*['"]([a-z0-9-]+?)(?:-v\d+-(?:stable|canary))?['"]/.exec(
    expression,
  )?.[1];

/** A Cloud Armor policy (type unset or CLOUD_ARMOR) and its rules: inline, and SecurityPolicyRule resources. */
interface ArmorPolicy {
  readonly policy: PolicyResource;
  readonly name: string;
  readonly rules: readonly ArmorRule[];
}

/**
 * The backend-service Cloud Armor policies of a stack with their rules, in evaluation order. Edge and
 * network policies (CLOUD_ARMOR_EDGE, CLOUD_ARMOR_NETWORK) cannot evaluate WAF expressions and are not
 * returned. A SecurityPolicyRule belongs to the policy its securityPolicy names (by value or dependency).
 */
function armorPolicies(stack: StackResources): ArmorPolicy[] {
  const separate = stack.ofType(T.securityPolicyRule);
  return stack
    .ofType(T.securityPolicy)
    .filter((p) => (str(prop(p, "type")) ?? "CLOUD_ARMOR") === "CLOUD_ARMOR")
    .map((policy) => ({
      policy,
      name: displayName(policy),
      rules: [
        ...records(prop(policy, "rules")),
        ...separate
          .filter((r) => refersTo(r, "securityPolicy", policy, collections.securityPolicy))
          .map((r) => r.props),
      ]
        .map(ruleOf)
        .sort((a, b) => a.priority - b.priority),
    }));
}

/** The first rule (by priority) that evaluates rule set `set`: the one that decides its requests. */
const decisive = (rules: readonly ArmorRule[], set: string): ArmorRule | undefined =>
  rules.find((r) => wafRuleSet(r.expression) === set);

const armorConfig = schema({ environments: configProperties.environments(["prod"]) });

export const cloudArmorLog4jBlocked = stackPolicy(
  {
    name: "cloud-armor-log4j-blocked",
    domain: "edge",
    description:
      "Checks that every Cloud Armor policy of a backend service (type CLOUD_ARMOR, the default) blocks Log4Shell (CVE-2021-44228): its first rule evaluating the preconfigured cve-canary rule set, inline or a separate SecurityPolicyRule, denies, and in the configured environments (default prod) is not in preview. Unset preview is false (enforced). Edge and network policies cannot evaluate WAF rules and are not checked.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Use the CloudArmorPolicy component: it denies cve-canary with 403; set `edge.armor.preview: false` once a rule change has met real traffic in staging.",
    framework: checkov(
      "CKV_GCP_73",
      "Ensure Cloud Armor prevents message lookup in Log4j2. See CVE-2021-44228 aka log4jshell",
    ),
    configSchema: armorConfig,
  },
  (args, report) => {
    const { environments } = readConfig(args, { environments: ["prod"] });
    for (const { policy, name, rules } of armorPolicies(new StackResources(args.resources))) {
      const rule = decisive(rules, LOG4J_RULE);
      if (rule === undefined || !rule.action.startsWith("deny")) {
        report(
          `Cloud Armor policy ${q(name)} must deny the preconfigured rule set "cve-canary" (Log4Shell); ${rule ? `its first cve-canary rule's action is ${q(rule.action)}` : "no rule evaluates it"}`,
          policy.urn,
        );
      } else if (rule.preview && inEnvironments(policy, args.stackTags, environments)) {
        report(
          `Cloud Armor policy ${q(name)} must enforce its cve-canary (Log4Shell) rule in this environment; it runs in preview mode`,
          policy.urn,
        );
      }
    }
  },
);

export const cloudArmorWafRules = stackPolicy(
  {
    name: "cloud-armor-waf-rules",
    domain: "edge",
    description:
      "Checks that every Cloud Armor policy of a backend service (type CLOUD_ARMOR, the default) denies the preconfigured WAF rule sets for SQL injection and XSS (its first rule evaluating each, inline or a separate SecurityPolicyRule, denies), and that in the configured environments (default prod) no other preconfigured WAF rule runs in preview mode (cve-canary is cloud-armor-log4j-blocked's). Unset preview is false (enforced). Edge and network policies cannot evaluate WAF rules and are not checked.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Use the CloudArmorPolicy component: it adds deny(403) rules for sqli, xss, lfi, rfi, rce, … and cve-canary; set `edge.armor.preview: false` once a rule change has met real traffic in staging.",
    configSchema: armorConfig,
  },
  (args, report) => {
    const { environments } = readConfig(args, { environments: ["prod"] });
    for (const { policy, name, rules } of armorPolicies(new StackResources(args.resources))) {
      for (const set of REQUIRED_WAF_RULES) {
        const rule = decisive(rules, set);
        if (rule === undefined || !rule.action.startsWith("deny")) {
          report(
            `Cloud Armor policy ${q(name)} must deny the preconfigured WAF rule set ${q(set)}`,
            policy.urn,
          );
        }
      }
      if (!inEnvironments(policy, args.stackTags, environments)) continue;
      const previewed = rules.filter(
        (r) => r.preview && wafRuleSet(r.expression) !== undefined && wafRuleSet(r.expression) !== LOG4J_RULE,
      );
      if (previewed.length > 0) {
        report(
          `Cloud Armor policy ${q(name)} must enforce its WAF rules in this environment; ${previewed.length} preconfigured WAF rule(s) run in preview mode`,
          policy.urn,
        );
      }
    }
  },
);

export const cloudArmorRateLimit = stackPolicy(
  {
    name: "cloud-armor-rate-limit",
    domain: "edge",
    description:
      "Checks that every Cloud Armor policy of a backend service has a per-client rate-limit rule (action throttle or rate_based_ban, inline or a separate SecurityPolicyRule), which caps abusive clients before they reach Cloud Run.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Keep the CloudArmorPolicy rate limit (`edge.armor.rateLimit`) on.",
  },
  (args, report) => {
    for (const { policy, name, rules } of armorPolicies(new StackResources(args.resources))) {
      if (rules.some((r) => r.action === "throttle" || r.action === "rate_based_ban")) continue;
      report(
        `Cloud Armor policy ${q(name)} must have a rate-limit rule (throttle or rate_based_ban)`,
        policy.urn,
      );
    }
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
    const nameProp = g.type.startsWith("gcp:cloudrunv2/") ? "name" : "service";
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
    const invokerGrants = stack.ofType(...RUN_GRANTS);
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
  const problems = sslPolicyProblems((k) => prop(policy, k));
  return problems.length ? `SSL policy ${q(displayName(policy))}: ${problems.join("; ")}` : undefined;
}

export const httpsProxyStrongSslPolicy = stackPolicy(
  {
    name: "https-proxy-strong-ssl-policy",
    domain: "edge",
    description:
      "Checks that every target HTTPS proxy uses an SSL policy of this stack with the MODERN, RESTRICTED or FIPS profile (or a CUSTOM one without weak cipher suites) and TLS 1.2 or later, following sslPolicy by property dependencies or reference. Unset sslPolicy applies Google's default policy (COMPATIBLE, TLS 1.0). Stricter than AVD-GCP-0039, which checks only minTlsVersion.",
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
            `Target HTTPS proxy ${name} must use an SSL policy with a strong profile and TLS 1.2 or later; ${weakness}`,
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
  if (!isPlainObject(redirect)) problems.push("it has no defaultUrlRedirect");
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
      "Checks that plain HTTP is served only on port 80 and only as a redirect: every target HTTP proxy uses a URL map of this stack (one outside it cannot be checked) whose defaultUrlRedirect.httpsRedirect is true and that routes to no service; every global forwarding rule targeting an HTTP proxy listens on port 80; and no external global forwarding rule (loadBalancingScheme EXTERNAL or EXTERNAL_MANAGED; unset is EXTERNAL) targets an HTTP proxy outside the stack. Less strict than CKV2_GCP_38, which refuses every EXTERNAL rule with an HTTP proxy: a redirect-only proxy of this stack is accepted.",
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
      const ref = str(prop(rule, "target"));
      if (
        target === undefined &&
        ref !== undefined &&
        /targetHttpProxies\//i.test(ref) &&
        isExternal(str(prop(rule, "loadBalancingScheme")))
      ) {
        report(
          `Global forwarding rule ${q(displayName(rule))} must target a redirect-only HTTP proxy of this stack; it targets ${q(ref)}, whose URL map cannot be checked`,
          rule.urn,
        );
        continue;
      }
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
  cloudArmorLog4jBlocked,
  cloudArmorWafRules,
  cloudArmorRateLimit,
  loadBalancerSecurityHeaders,
  noSelfManagedCertificates,
  cloudRunPublicOnlyThroughLoadBalancer,
  httpsProxyStrongSslPolicy,
  httpPort80RedirectOnly,
];
