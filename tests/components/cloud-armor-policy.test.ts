import { beforeAll, describe, expect, it } from "vitest";
import {
  armorRules,
  routesPattern,
  CloudArmorPolicy,
  DEFAULT_RATE_LIMIT,
  validateCloudArmorPolicyArgs,
  type CloudArmorPolicyArgs,
} from "../../components/cloud-armor-policy";
import { ValidationError } from "../../components/shared/validation";
import { commonArgs, expectProps, installMocks, onlyOfType, record, valueOf } from "../helpers/pulumi";

const POLICY = "gcp:compute/securityPolicy:SecurityPolicy";
const DEFAULT_PRIORITY = 2147483647;

/** A rule as the recorded inputs and `armorRules` show it. */
interface Rule {
  priority: number;
  action: string;
  preview?: boolean;
  description?: string;
  match: {
    versionedExpr?: string;
    config?: { srcIpRanges: string[] };
    expr?: { expression: string };
  };
  rateLimitOptions?: {
    enforceOnKey: string;
    conformAction: string;
    exceedAction: string;
    rateLimitThreshold: { count: number; intervalSec: number };
    banThreshold: { count: number; intervalSec: number };
    banDurationSec: number;
  };
}

/** Minimal valid args: everything else takes its default. */
function baseArgs(overrides: Partial<CloudArmorPolicyArgs> = {}): CloudArmorPolicyArgs {
  return { ...commonArgs(), name: "edge", ...overrides };
}

/** The rules of `args`, typed for assertions. */
function rulesOf(overrides: Partial<CloudArmorPolicyArgs> = {}): Rule[] {
  return armorRules(baseArgs(overrides)) as unknown as Rule[];
}

/**
 * The default WAF rules on every path, in order: Google's preconfigured OWASP rule sets at sensitivity 1
 * and the Log4j rule (cve-canary); method enforcement (methodenforcement-v33-stable) only on the paths
 * `methodEnforcement` names.
 */
const DEFAULT_WAF_EVERYWHERE = [
  "sqli-v33-stable",
  "xss-v33-stable",
  "lfi-v33-stable",
  "rfi-v33-stable",
  "rce-v33-stable",
  "scannerdetection-v33-stable",
  "protocolattack-v33-stable",
  "sessionfixation-v33-stable",
  "cve-canary",
].map((set) => `evaluatePreconfiguredWaf('${set}', {'sensitivity': 1})`);

const isWaf = (r: Rule): boolean => r.match.expr?.expression.startsWith("evaluatePreconfiguredWaf(") ?? false;
const isRateLimit = (r: Rule): boolean => r.action === "rate_based_ban";
const isDefault = (r: Rule): boolean => r.priority === DEFAULT_PRIORITY;
const isGeo = (r: Rule): boolean => r.match.expr?.expression.includes("origin.region_code") ?? false;
const ipRules = (rules: Rule[], action: string): Rule[] =>
  rules.filter((r) => !isDefault(r) && r.match.versionedExpr === "SRC_IPS_V1" && r.action === action);

/** `n` distinct /24 ranges: `<base>.0.0/24`, `<base>.1.0/24`, … */
const ranges = (n: number, base = "10.1"): string[] =>
  Array.from({ length: n }, (_, i) => `${base}.${i}.0/24`);

beforeAll(async () => {
  await installMocks();
});

describe("CloudArmorPolicy", () => {
  it("creates one Cloud Armor policy, named and labelled, with the default rules", async () => {
    const { result, resources } = await record(() => new CloudArmorPolicy("armor-defaults", baseArgs()));
    const policy = onlyOfType(resources, POLICY);
    expectProps(policy, {
      project: "module6-test-000000",
      name: "m6-test-edge",
      type: "CLOUD_ARMOR",
      labels: {
        component: "cloud-armor",
        app: "module6",
        env: "staging",
        "managed-by": "pulumi",
        team: "platform",
        "cost-center": "cc-1",
      },
      adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true } },
      advancedOptionsConfig: { logLevel: "NORMAL" },
    });
    expect(policy.inputs.rules).toEqual(rulesOf());
    const component = onlyOfType(resources, "module6:edge:CloudArmorPolicy");
    expect(policy.parent).toBe(component.urn);
    expect(await valueOf(result.selfLink)).toMatch(/m6-test-edge$/);
  });

  it("turns Adaptive Protection off when asked", async () => {
    const { resources } = await record(
      () =>
        new CloudArmorPolicy(
          "armor-no-adaptive",
          baseArgs({ name: "noadaptive", adaptiveProtection: false }),
        ),
    );
    expectProps(onlyOfType(resources, POLICY), {
      name: "m6-test-noadaptive",
      adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: false } },
    });
  });

  it("logs verbosely and previews the WAF, geo and rate rules in preview mode only", async () => {
    const { resources } = await record(
      () =>
        new CloudArmorPolicy(
          "armor-preview",
          baseArgs({
            name: "preview",
            preview: true,
            allowIpRanges: ["203.0.113.0/24"],
            denyIpRanges: ["192.0.2.0/24"],
            denyRegions: ["KP"],
          }),
        ),
    );
    const policy = onlyOfType(resources, POLICY);
    expectProps(policy, { advancedOptionsConfig: { logLevel: "VERBOSE" } });
    const rules = policy.inputs.rules as Rule[];
    expect(rules.filter(isWaf).length).toBeGreaterThan(0);
    for (const rule of rules.filter((r) => isWaf(r) || isGeo(r) || isRateLimit(r))) {
      expect(rule.preview, rule.description).toBe(true);
    }
    for (const rule of [
      ...ipRules(rules, "allow"),
      ...ipRules(rules, "deny(403)"),
      ...rules.filter(isDefault),
    ]) {
      expect(rule.preview ?? false, rule.description).toBe(false);
    }
  });
});

describe("armorRules", () => {
  it("denies (403) every default WAF rule set at sensitivity 1, method enforcement only where asked", () => {
    const waf = rulesOf().filter(isWaf);
    expect(waf.map((r) => r.match.expr?.expression)).toEqual(DEFAULT_WAF_EVERYWHERE);
    for (const rule of waf) {
      expect(rule.action).toBe("deny(403)");
      expect(rule.preview ?? false).toBe(false);
    }
  });
  it("applies the configured sensitivity and rule sets", () => {
    const waf = rulesOf({ wafSensitivity: 3, wafRules: ["sqli-v33-stable", "xss-v33-stable"] }).filter(isWaf);
    expect(waf.map((r) => r.match.expr?.expression)).toEqual([
      "evaluatePreconfiguredWaf('sqli-v33-stable', {'sensitivity': 3})",
      "evaluatePreconfiguredWaf('xss-v33-stable', {'sensitivity': 3})",
    ]);
  });

  it("rate-limits per client IP: throttle (429) at 600/60s, ban at 1800 by default", () => {
    expect(DEFAULT_RATE_LIMIT).toEqual({
      requests: 600,
      intervalSec: 60,
      banRequests: 1800,
      banDurationSec: 600,
    });
    const rate = rulesOf().filter(isRateLimit);
    expect(rate).toHaveLength(1);
    expect(rate[0]).toMatchObject({
      action: "rate_based_ban",
      match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
      rateLimitOptions: {
        enforceOnKey: "IP",
        conformAction: "allow",
        exceedAction: "deny(429)",
        rateLimitThreshold: { count: 600, intervalSec: 60 },
        banThreshold: { count: 1800, intervalSec: 60 },
        banDurationSec: 600,
      },
    });
  });

  it("honours custom rate-limit thresholds", () => {
    const [rate] = rulesOf({
      rateLimit: { requests: 100, intervalSec: 120, banRequests: 500, banDurationSec: 3600 },
    }).filter(isRateLimit);
    expect(rate?.rateLimitOptions).toMatchObject({
      rateLimitThreshold: { count: 100, intervalSec: 120 },
      banThreshold: { count: 500, intervalSec: 120 },
      banDurationSec: 3600,
    });
  });

  it("bans at three times a custom request threshold when no ban threshold is given", () => {
    const [rate] = rulesOf({ rateLimit: { requests: 200 } }).filter(isRateLimit);
    expect(rate?.rateLimitOptions).toMatchObject({
      rateLimitThreshold: { count: 200, intervalSec: 60 },
      banThreshold: { count: 600, intervalSec: 60 },
      banDurationSec: 600,
    });
  });

  it("has no rate-limit rule with rateLimit null", () => {
    const rules = rulesOf({ rateLimit: null });
    expect(rules.filter(isRateLimit)).toHaveLength(0);
    expect(rules.some((r) => r.rateLimitOptions !== undefined)).toBe(false);
    expect(rules.filter(isWaf).map((r) => r.match.expr?.expression)).toEqual(DEFAULT_WAF_EVERYWHERE);
  });

  it("builds allow and deny lists of at most 10 ranges per rule, evaluated before the WAF", () => {
    const allow = ranges(12);
    const deny = ranges(3, "10.2");
    const rules = rulesOf({ allowIpRanges: allow, denyIpRanges: deny });

    const allowRules = ipRules(rules, "allow");
    expect(allowRules.map((r) => r.match.config?.srcIpRanges)).toEqual([allow.slice(0, 10), allow.slice(10)]);
    const denyRules = ipRules(rules, "deny(403)");
    expect(denyRules.map((r) => r.match.config?.srcIpRanges)).toEqual([deny]);
    for (const rule of [...allowRules, ...denyRules]) expect(rule.match.versionedExpr).toBe("SRC_IPS_V1");

    const maxAllow = Math.max(...allowRules.map((r) => r.priority));
    const minDeny = Math.min(...denyRules.map((r) => r.priority));
    const maxDeny = Math.max(...denyRules.map((r) => r.priority));
    const waf = rules.filter(isWaf).map((r) => r.priority);
    const [rate] = rules.filter(isRateLimit);
    expect(maxAllow).toBeLessThan(minDeny);
    expect(maxDeny).toBeLessThan(Math.min(...waf));
    expect(Math.max(...waf)).toBeLessThan(rate?.priority ?? -1);
    expect(rate?.priority ?? DEFAULT_PRIORITY).toBeLessThan(DEFAULT_PRIORITY);
  });

  it("keeps the REST API's PUT, PATCH and DELETE: method enforcement (CRS 911100) is off by default", () => {
    const all = rulesOf().map((r) => r.match.expr?.expression ?? "");
    expect(all.filter((e) => e.includes("methodenforcement"))).toEqual([]);
    expect(
      rulesOf({ methodEnforcement: { only: [] } }).filter((r) => r.description?.includes("method")),
    ).toEqual([]);
  });

  it("scopes method enforcement to the configured paths, or to every path but some", () => {
    const only = rulesOf({ methodEnforcement: { only: ["/app", "/app/*", "/v1.2/*"] } }).filter(
      (r) => r.description === "WAF methodenforcement-v33-stable",
    );
    expect(only).toHaveLength(1);
    expect(only[0]).toMatchObject({
      action: "deny(403)",
      priority: 1005,
      match: {
        expr: {
          expression:
            "request.path.matches('^(?:/app|/app/.*|/v1[.]2/.*)$') && evaluatePreconfiguredWaf('methodenforcement-v33-stable', {'sensitivity': 1})",
        },
      },
    });
    const except = rulesOf({ wafSensitivity: 2, methodEnforcement: { except: ["/api", "/api/*"] } }).filter(
      (r) => r.description === "WAF methodenforcement-v33-stable",
    );
    expect(except[0]?.match.expr?.expression).toBe(
      "!request.path.matches('^(?:/api|/api/.*)$') && evaluatePreconfiguredWaf('methodenforcement-v33-stable', {'sensitivity': 2})",
    );
    const everywhere = rulesOf({ methodEnforcement: { except: [] } }).filter(
      (r) => r.description === "WAF methodenforcement-v33-stable",
    );
    expect(everywhere[0]?.match.expr?.expression).toBe(
      "evaluatePreconfiguredWaf('methodenforcement-v33-stable', {'sensitivity': 1})",
    );
  });

  it("matches exactly the routes' paths", () => {
    const re = new RegExp(routesPattern(["/api", "/api/*", "/v1.0/health"]));
    for (const path of ["/api", "/api/", "/api/users/7", "/v1.0/health"])
      expect(re.test(path), path).toBe(true);
    for (const path of ["/apix", "/ap", "/app/api", "/v1x0/health", "/v1.0/health/x"])
      expect(re.test(path), path).toBe(false);
  });

  it("denies at most five regions per rule (five subexpressions per expression)", () => {
    const codes = ["KP", "IR", "CU", "SY", "RU", "BY", "VE"];
    const geo = rulesOf({ denyRegions: codes }).filter(isGeo);
    expect(geo.map((r) => r.priority)).toEqual([300, 301]);
    expect(geo.map((r) => r.match.expr?.expression.split(" || ").length)).toEqual([5, 2]);
    expect(geo.flatMap((r) => r.match.expr?.expression.match(/'[A-Z]{2}'/g) ?? [])).toEqual(
      codes.map((c) => `'${c}'`),
    );
  });

  it("denies the configured regions in one rule", () => {
    const rules = rulesOf({ denyRegions: ["KP", "IR"] });
    const geo = rules.filter(isGeo);
    expect(geo).toHaveLength(1);
    expect(geo[0]).toMatchObject({
      action: "deny(403)",
      match: { expr: { expression: "origin.region_code == 'KP' || origin.region_code == 'IR'" } },
    });
    expect(geo[0]?.preview ?? false).toBe(false);
    expect(rulesOf().filter(isGeo)).toHaveLength(0);
  });

  it("ends with a default rule that allows, or denies (403) when asked", () => {
    for (const [defaultAction, action] of [
      [undefined, "allow"],
      ["allow", "allow"],
      ["deny", "deny(403)"],
    ] as const) {
      const rules = rulesOf(defaultAction ? { defaultAction } : {});
      const defaults = rules.filter(isDefault);
      expect(defaults).toHaveLength(1);
      expect(rules[rules.length - 1]).toBe(defaults[0]);
      expect(defaults[0]).toMatchObject({
        priority: 2147483647,
        action,
        match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
      });
    }
  });

  it("gives every rule a unique priority", () => {
    const rules = rulesOf({
      allowIpRanges: ranges(25),
      denyIpRanges: ranges(12, "10.2"),
      denyRegions: ["KP"],
      preview: true,
    });
    const priorities = rules.map((r) => r.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
    expect([...priorities].sort((a, b) => a - b)).toEqual(priorities);
  });

  it("previews WAF, geo and rate rules but never the allow list, deny list or default rule", () => {
    const rules = rulesOf({
      preview: true,
      allowIpRanges: ["203.0.113.0/24"],
      denyIpRanges: ["192.0.2.0/24"],
      denyRegions: ["CU"],
    });
    const previewed = rules.filter((r) => r.preview === true);
    expect(previewed).toEqual(rules.filter((r) => isWaf(r) || isGeo(r) || isRateLimit(r)));
    expect(previewed).toHaveLength(DEFAULT_WAF_EVERYWHERE.length + 2);
    for (const rule of [
      ...ipRules(rules, "allow"),
      ...ipRules(rules, "deny(403)"),
      ...rules.filter(isDefault),
    ]) {
      expect(rule.preview ?? false, rule.description).toBe(false);
    }
    expect(ipRules(rules, "allow")).toHaveLength(1);
    expect(ipRules(rules, "deny(403)")).toHaveLength(1);
  });
});

describe("validateCloudArmorPolicyArgs", () => {
  it("accepts the defaults and a full valid configuration", () => {
    expect(() => validateCloudArmorPolicyArgs(baseArgs())).not.toThrow();
    expect(() =>
      validateCloudArmorPolicyArgs(
        baseArgs({
          wafSensitivity: 4,
          wafRules: ["sqli-v33-stable", "cve-canary"],
          rateLimit: { requests: 100, intervalSec: 10, banRequests: 101, banDurationSec: 3600 },
          methodEnforcement: { only: ["/app", "/app/*"] },
          allowIpRanges: ["203.0.113.0/24", "2001:db8::/32"],
          denyIpRanges: ["192.0.2.1/32"],
          denyRegions: ["KP"],
          defaultAction: "deny",
        }),
      ),
    ).not.toThrow();
    expect(() => validateCloudArmorPolicyArgs(baseArgs({ rateLimit: null }))).not.toThrow();
    // Cloud Armor's upper bound itself is allowed.
    expect(() =>
      validateCloudArmorPolicyArgs(baseArgs({ rateLimit: { requests: 9999, banRequests: 10_000 } })),
    ).not.toThrow();
  });

  it.each([
    ["wafSensitivity 0", { wafSensitivity: 0 }, /wafSensitivity: got 0; an integer 1-4/],
    ["wafSensitivity 5", { wafSensitivity: 5 }, /wafSensitivity: got 5; an integer 1-4/],
    [
      "an unknown WAF rule name",
      { wafRules: ["sqli-v33-stable", "SQL injection"] },
      /wafRules\[1\]: got "SQL injection"; a preconfigured rule set/,
    ],
    [
      "rateLimit.requests 0",
      { rateLimit: { requests: 0 } },
      /rateLimit\.requests: got 0; an integer 1-10000$/m,
    ],
    [
      "rateLimit.requests above Cloud Armor's 10000",
      { rateLimit: { requests: 10001, banRequests: 10002 } },
      /rateLimit\.requests: got 10001; an integer 1-10000$/m,
    ],
    [
      "rateLimit.banRequests above Cloud Armor's 10000",
      { rateLimit: { requests: 5000 } },
      /rateLimit\.banRequests: got 15000; an integer above rateLimit\.requests \(5000\) and at most 10000/,
    ],
    [
      "a method-enforcement path that is not a route",
      { methodEnforcement: { only: ["/app", "app/*"] } },
      /methodEnforcement\.only\[1\]: got "app\/\*"; a path such as \/api\/\* or \/health/,
    ],
    [
      "a method-enforcement exception that is not a route",
      { methodEnforcement: { except: ["/a*b"] } },
      /methodEnforcement\.except\[0\]: got "\/a\*b"; a path such as \/api\/\* or \/health/,
    ],
    [
      "rateLimit.intervalSec 7",
      { rateLimit: { intervalSec: 7 } },
      /rateLimit\.intervalSec: got 7; one of 10, 30, 60/,
    ],
    [
      "rateLimit.banRequests equal to requests",
      { rateLimit: { requests: 100, banRequests: 100 } },
      /rateLimit\.banRequests: got 100; an integer above rateLimit\.requests \(100\)/,
    ],
    [
      "rateLimit.banRequests below requests",
      { rateLimit: { requests: 100, banRequests: 50 } },
      /rateLimit\.banRequests: got 50; an integer above rateLimit\.requests \(100\)/,
    ],
    [
      "rateLimit.banDurationSec 5",
      { rateLimit: { banDurationSec: 5 } },
      /rateLimit\.banDurationSec: got 5; one of 10, 30, 60/,
    ],
    [
      "a bad allow CIDR",
      { allowIpRanges: ["203.0.113.0/24", "192.168.0.0/"] },
      /allowIpRanges\[1\]: got "192\.168\.0\.0\/"; a CIDR range/,
    ],
    [
      "an IPv4 prefix longer than 32",
      { allowIpRanges: ["10.0.0.0/33"] },
      /allowIpRanges\[0\]: got "10\.0\.0\.0\/33"; a CIDR range/,
    ],
    [
      "an IPv4 octet above 255",
      { denyIpRanges: ["256.1.2.0/24"] },
      /denyIpRanges\[0\]: got "256\.1\.2\.0\/24"; a CIDR range/,
    ],
    [
      "an IPv6 prefix longer than 128",
      { denyIpRanges: ["2001:db8::/129"] },
      /denyIpRanges\[0\]: got "2001:db8::\/129"; a CIDR range/,
    ],
    ["a bad deny CIDR", { denyIpRanges: ["everyone"] }, /denyIpRanges\[0\]: got "everyone"; a CIDR range/],
    [
      "a lower-case region code",
      { denyRegions: ["kp"] },
      /denyRegions\[0\]: got "kp"; an ISO 3166-1 alpha-2 code/,
    ],
  ] as [string, Partial<CloudArmorPolicyArgs>, RegExp][])("rejects %s", (_case, bad, message) => {
    expect(() => validateCloudArmorPolicyArgs(baseArgs(bad))).toThrow(ValidationError);
    expect(() => validateCloudArmorPolicyArgs(baseArgs(bad))).toThrow(message);
  });

  it("names the component and reports every problem at once", () => {
    let caught: unknown;
    try {
      validateCloudArmorPolicyArgs(baseArgs({ wafSensitivity: 9, denyRegions: ["kp"] }));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.problems.map((p) => p.path)).toEqual(["wafSensitivity", "denyRegions[0]"]);
    expect(error.message).toMatch(/^CloudArmorPolicy "edge": 2 problems\n/);
  });

  it("validates before creating anything", async () => {
    const { resources } = await record(() => {
      expect(() => new CloudArmorPolicy("armor-invalid", baseArgs({ wafSensitivity: 0 }))).toThrow(
        ValidationError,
      );
    });
    expect(resources).toHaveLength(0);
  });
});
