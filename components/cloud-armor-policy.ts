import { isIP } from "node:net";
import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { Component } from "./shared/component";
import { ROUTE_RULE } from "./shared/routes";
import { componentLabels, type CommonArgs } from "./shared/types";
import { integerRule, oneOfRule, patternRule, Problems, rule, type ProblemSink } from "./shared/validation";

/** The preconfigured WAF rule sets (Cloud Armor `evaluatePreconfiguredWaf`, CRS 3.3). */
export const DEFAULT_WAF_RULES = [
  "sqli-v33-stable",
  "xss-v33-stable",
  "lfi-v33-stable",
  "rfi-v33-stable",
  "rce-v33-stable",
  "methodenforcement-v33-stable",
  "scannerdetection-v33-stable",
  "protocolattack-v33-stable",
  "sessionfixation-v33-stable",
  "cve-canary",
] as const;

/** Rate-limit intervals and ban durations Cloud Armor accepts, in seconds. */
export const RATE_LIMIT_INTERVALS = [
  10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600,
] as const;

/**
 * Cloud Armor's bounds on a `rate_based_ban` rule's counts: "The minimum value is 1 request and the maximum
 * value is 10,000 requests" (https://cloud.google.com/armor/docs/rate-limiting-overview, rate-based ban
 * thresholds; a throttle rule would allow 1,000,000). The ban threshold is held to the same bound.
 */
export const RATE_LIMIT_MAX_COUNT = 10_000;

/**
 * Where the OWASP CRS method-enforcement signature applies (`methodenforcement-v33-stable`, signature
 * `owasp-crs-v030301-id911100-methodenforcement`: any method but GET, HEAD, POST and OPTIONS is denied).
 * Paths are route patterns (`/exact` or `/prefix/*`): `only` these, or every path `except` these.
 */
export type MethodEnforcementScope =
  { readonly only: readonly string[] } | { readonly except: readonly string[] };

/** Per-client rate limit: over `requests` per `intervalSec` is throttled (429); over the ban threshold is banned. */
export interface RateLimit {
  /**
   * Requests one client (IP) may send per interval before it is throttled (1-10000).
   * @default 600
   */
  readonly requests?: number;
  /**
   * The interval, in seconds (one of {@link RATE_LIMIT_INTERVALS}).
   * @default 60
   */
  readonly intervalSec?: number;
  /**
   * Requests per interval after which the client is banned (above `requests`, at most 10000).
   * @default - 3 × requests
   */
  readonly banRequests?: number;
  /**
   * How long a ban lasts, in seconds (one of {@link RATE_LIMIT_INTERVALS}).
   * @default 600
   */
  readonly banDurationSec?: number;
}

/** Arguments of {@link CloudArmorPolicy}. */
export interface CloudArmorPolicyArgs extends Omit<CommonArgs, "region">, AccessLists {
  /** Logical name; the policy name is `naming.name("generic", name)`. */
  readonly name: string;
  /**
   * WAF sensitivity (paranoia level) 1-4: higher blocks more and risks more false positives.
   * @default 1
   */
  readonly wafSensitivity?: number;
  /**
   * Preconfigured WAF rule sets, each in deny(403) mode.
   * @default - every rule set of DEFAULT_WAF_RULES
   */
  readonly wafRules?: readonly string[];
  /**
   * Puts the WAF, rate-limit and geo rules in preview: they are logged, not enforced (safe rollout).
   * @default false
   */
  readonly preview?: boolean;
  /**
   * Per-client rate limit, or `null` for none.
   * @default { requests: 600, intervalSec: 60, banRequests: 1800, banDurationSec: 600 }
   */
  readonly rateLimit?: RateLimit | null;
  /**
   * Where the method-enforcement rule set (when in `wafRules`) applies. It denies PUT, PATCH and DELETE, so
   * it must stay off the paths of REST APIs.
   * @default - nowhere (`{ only: [] }`): the rule is left out
   */
  readonly methodEnforcement?: MethodEnforcementScope;
  /**
   * Adaptive Protection (layer-7 DDoS detection). Without a Cloud Armor Enterprise (formerly Managed
   * Protection Plus) subscription it raises only basic alerts (confidence and size of an attack), with no
   * attack signature or suggested rule: https://cloud.google.com/armor/docs/adaptive-protection-overview.
   * @default true
   */
  readonly adaptiveProtection?: boolean;
  /**
   * What happens to traffic no rule matched.
   * @default "allow"
   */
  readonly defaultAction?: "allow" | "deny";
}

/** True for an IPv4 or IPv6 CIDR range whose prefix length its family allows. */
export function isCidr(range: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(range);
  if (!m) return false;
  const family = isIP(m[1] ?? "");
  const bits = Number(m[2]);
  return (family === 4 && bits <= 32) || (family === 6 && bits <= 128);
}
/** Cloud Armor takes at most 10 ranges per `srcIpRanges` rule. */
const RANGES_PER_RULE = 10;
/** One `origin.region_code == …` subexpression per region, at most five per rule. */
const REGIONS_PER_RULE = 5;

/** The default rate limit. */
export const DEFAULT_RATE_LIMIT: Required<RateLimit> = {
  requests: 600,
  intervalSec: 60,
  banRequests: 1800,
  banDurationSec: 600,
};

/** What an unset field of {@link CloudArmorPolicyArgs} means (the stack config documents these). */
export const CLOUD_ARMOR_DEFAULTS = {
  wafSensitivity: 1,
  preview: false,
  adaptiveProtection: true,
} as const;

/** The rules of single fields of {@link CloudArmorPolicyArgs}; the stack config applies them to its keys. */
export const CLOUD_ARMOR_RULES = {
  wafSensitivity: integerRule(1, 4),
  wafRule: patternRule(
    /^[a-z0-9]+(-v\d+)?-(stable|canary)$|^cve-canary$/,
    "a preconfigured rule set such as sqli-v33-stable",
  ),
  /** Requests per interval: the throttle threshold (the ban threshold has {@link checkBanThreshold}). */
  requests: integerRule(1, RATE_LIMIT_MAX_COUNT),
  /** A rate-limit interval or ban duration. */
  interval: oneOfRule<number>(RATE_LIMIT_INTERVALS),
  cidr: rule<string>("a CIDR range such as 203.0.113.0/24", isCidr),
  regionCode: patternRule(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code such as KP"),
};

/** The rate limit with its defaults: the ban threshold is 3 × `requests` unless set. */
export function resolveRateLimit(rateLimit: RateLimit | undefined): Required<RateLimit> {
  return {
    ...DEFAULT_RATE_LIMIT,
    banRequests: 3 * (rateLimit?.requests ?? DEFAULT_RATE_LIMIT.requests),
    ...rateLimit,
  };
}

/** The ban threshold (set or derived) lies above the throttle threshold and within Cloud Armor's bound. */
export function checkBanThreshold(p: ProblemSink, rateLimit: RateLimit | undefined): void {
  const r = resolveRateLimit(rateLimit);
  if (!CLOUD_ARMOR_RULES.requests.test(r.requests)) return;
  p.check(
    Number.isInteger(r.banRequests) && r.banRequests > r.requests && r.banRequests <= RATE_LIMIT_MAX_COUNT,
    "rateLimit.banRequests",
    r.banRequests,
    `an integer above rateLimit.requests (${r.requests}) and at most ${RATE_LIMIT_MAX_COUNT}`,
  );
}

/** Checks {@link CloudArmorPolicyArgs}; throws one `ValidationError` naming every problem. */
export function validateCloudArmorPolicyArgs(args: CloudArmorPolicyArgs): void {
  const p = new Problems(`CloudArmorPolicy "${args.name}"`);
  const rules = CLOUD_ARMOR_RULES;
  p.rule("wafSensitivity", args.wafSensitivity ?? CLOUD_ARMOR_DEFAULTS.wafSensitivity, rules.wafSensitivity);
  (args.wafRules ?? DEFAULT_WAF_RULES).forEach((r, i) => p.rule(`wafRules[${i}]`, r, rules.wafRule));
  if (args.rateLimit !== null) {
    const r = resolveRateLimit(args.rateLimit);
    p.rule("rateLimit.requests", r.requests, rules.requests);
    p.rule("rateLimit.intervalSec", r.intervalSec, rules.interval);
    checkBanThreshold(p, args.rateLimit);
    p.rule("rateLimit.banDurationSec", r.banDurationSec, rules.interval);
  }
  checkAccessLists(p, args);
  const scope = args.methodEnforcement ?? { only: [] };
  const [key, paths] = "only" in scope ? ["only", scope.only] : ["except", scope.except];
  paths.forEach((path, i) => p.rule(`methodEnforcement.${key}[${i}]`, path, ROUTE_RULE));
  p.throwIfAny();
}

/** The allow/deny lists and denied regions, shared with the edge policy. */
export function checkAccessLists(p: Problems, args: AccessLists): void {
  for (const key of ["allowIpRanges", "denyIpRanges"] as const) {
    (args[key] ?? []).forEach((range, i) => p.rule(`${key}[${i}]`, range, CLOUD_ARMOR_RULES.cidr));
  }
  (args.denyRegions ?? []).forEach((code, i) =>
    p.rule(`denyRegions[${i}]`, code, CLOUD_ARMOR_RULES.regionCode),
  );
}

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

type Rule = gcp.types.input.compute.SecurityPolicyRule;

/** Allow list, deny list and denied regions: the rules a backend and an edge policy share. */
export interface AccessLists {
  /**
   * Source ranges always allowed (evaluated first, before the WAF).
   * @default []
   */
  readonly allowIpRanges?: readonly string[];
  /**
   * Source ranges always denied.
   * @default []
   */
  readonly denyIpRanges?: readonly string[];
  /**
   * Client regions (ISO 3166-1 alpha-2, e.g. `KP`) that are denied.
   * @default []
   */
  readonly denyRegions?: readonly string[];
}

/** The allow list (100+), deny list (200+) and denied regions (300+), in evaluation order. */
export function accessRules(args: AccessLists, preview: boolean): Rule[] {
  const rules: Rule[] = [];
  chunks(args.allowIpRanges ?? [], RANGES_PER_RULE).forEach((ranges, i) =>
    rules.push({
      priority: 100 + i,
      action: "allow",
      description: "Allow list",
      match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ranges } },
    }),
  );
  chunks(args.denyIpRanges ?? [], RANGES_PER_RULE).forEach((ranges, i) =>
    rules.push({
      priority: 200 + i,
      action: "deny(403)",
      description: "Deny list",
      match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ranges } },
    }),
  );
  // An advanced match condition holds at most five subexpressions
  // (https://cloud.google.com/armor/docs/rules-language-reference): five regions per rule.
  chunks(args.denyRegions ?? [], REGIONS_PER_RULE).forEach((codes, i) =>
    rules.push({
      priority: 300 + i,
      action: "deny(403)",
      preview,
      description: "Denied client regions",
      match: { expr: { expression: codes.map((c) => `origin.region_code == '${c}'`).join(" || ") } },
    }),
  );
  return rules;
}

/**
 * An RE2 pattern matching exactly the request paths of `routes` (`/x/*` → `/x/` and below, `/x` → `/x`).
 * `.` goes in a character class so the CEL string needs no backslash escapes.
 */
export function routesPattern(routes: readonly string[]): string {
  const one = (route: string): string => {
    const wild = route.endsWith("*");
    const literal = (wild ? route.slice(0, -1) : route).replace(/\./g, "[.]");
    return wild ? `${literal}.*` : literal;
  };
  return `^(?:${routes.map(one).join("|")})$`;
}

/**
 * The method-enforcement rule's match, scoped to paths (one `matches` subexpression and the WAF call), or
 * `undefined` when the scope covers nothing. Preconfigured WAF expressions combine with other attributes
 * by `&&` (GoogleCloudPlatform/terraform-google-cloud-armor, examples/global-backend-security-policy-example/main.tf
 * scopes this very rule with `&& !request.path.matches(...)`).
 */
export function methodEnforcementExpression(
  rule: string,
  sensitivity: number,
  scope: MethodEnforcementScope,
): string | undefined {
  const waf = `evaluatePreconfiguredWaf('${rule}', {'sensitivity': ${sensitivity}})`;
  if ("only" in scope) {
    return scope.only.length === 0
      ? undefined
      : `request.path.matches('${routesPattern(scope.only)}') && ${waf}`;
  }
  return scope.except.length === 0
    ? waf
    : `!request.path.matches('${routesPattern(scope.except)}') && ${waf}`;
}

/** The policy's rules in evaluation order: allow list, deny list, regions, WAF, rate limit, default. */
export function armorRules(args: CloudArmorPolicyArgs): Rule[] {
  const preview = args.preview ?? CLOUD_ARMOR_DEFAULTS.preview;
  const sensitivity = args.wafSensitivity ?? CLOUD_ARMOR_DEFAULTS.wafSensitivity;
  const rules: Rule[] = accessRules(args, preview);
  (args.wafRules ?? DEFAULT_WAF_RULES).forEach((rule, i) => {
    // The method-enforcement set's signature 911100 denies every method but GET, HEAD, POST and OPTIONS
    // (https://cloud.google.com/armor/docs/waf-rules, Method enforcement), so a REST API's PUT, PATCH and
    // DELETE get 403: the rule runs only where the scope says. Opting out 911100 instead
    // ('opt_out_rule_ids', https://cloud.google.com/armor/docs/rule-tuning#opt_out_rule_signatures) would
    // leave the set with nothing to evaluate.
    const expression = rule.startsWith("methodenforcement-")
      ? methodEnforcementExpression(rule, sensitivity, args.methodEnforcement ?? { only: [] })
      : `evaluatePreconfiguredWaf('${rule}', {'sensitivity': ${sensitivity}})`;
    if (expression === undefined) return;
    rules.push({
      priority: 1000 + i,
      action: "deny(403)",
      preview,
      description: `WAF ${rule}`,
      match: { expr: { expression } },
    });
  });
  if (args.rateLimit !== null) {
    const r = resolveRateLimit(args.rateLimit);
    rules.push({
      priority: 2000,
      action: "rate_based_ban",
      preview,
      description: "Per-client rate limit: throttle, then ban",
      match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
      rateLimitOptions: {
        enforceOnKey: "IP",
        conformAction: "allow",
        exceedAction: "deny(429)",
        rateLimitThreshold: { count: r.requests, intervalSec: r.intervalSec },
        banThreshold: { count: r.banRequests, intervalSec: r.intervalSec },
        banDurationSec: r.banDurationSec,
      },
    });
  }
  rules.push(defaultRule(args.defaultAction));
  return rules;
}

/** The lowest-priority rule every Cloud Armor policy ends with. */
export function defaultRule(action: "allow" | "deny" | undefined): Rule {
  return {
    priority: 2147483647,
    action: action === "deny" ? "deny(403)" : "allow",
    description: "Default rule",
    match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
  };
}

/**
 * A Cloud Armor security policy for the load balancer's backend services: preconfigured WAF rules in deny
 * mode, a per-client rate limit, Adaptive Protection, optional allow/deny lists, and a default rule.
 */
export class CloudArmorPolicy extends Component {
  readonly policy: gcp.compute.SecurityPolicy;
  /** The policy's self link, for `securityPolicy` of backend services. */
  readonly selfLink: pulumi.Output<string>;

  constructor(name: string, args: CloudArmorPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    validateCloudArmorPolicyArgs(args);
    super("module6:edge:CloudArmorPolicy", name, opts);
    this.policy = new gcp.compute.SecurityPolicy(
      name,
      {
        project: args.project,
        name: args.naming.name("generic", args.name),
        description: "WAF, rate limit and DDoS protection of the module6 load balancer (managed by Pulumi)",
        type: "CLOUD_ARMOR",
        labels: componentLabels(args.labels, "cloud-armor"),
        rules: armorRules(args),
        adaptiveProtectionConfig: {
          layer7DdosDefenseConfig: {
            enable: args.adaptiveProtection ?? CLOUD_ARMOR_DEFAULTS.adaptiveProtection,
            ruleVisibility: "STANDARD",
          },
        },
        // Verbose logs name the matched signature: what tuning a rule in preview needs.
        advancedOptionsConfig: { logLevel: args.preview ? "VERBOSE" : "NORMAL", jsonParsing: "STANDARD" },
      },
      this.child(),
    );
    this.selfLink = this.policy.selfLink;
    this.registerOutputs({ selfLink: this.selfLink });
  }
}
