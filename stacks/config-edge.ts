/**
 * `module6:edge`: the load balancer, certificates, Cloud Armor and the static site (prod and staging).
 * The schema holds the fields' rules (the components' own); `resolveEdge` applies the preset and the rules
 * that involve other keys: the domain, the services' routes and the kind.
 */
import { z } from "zod";
import {
  CLOUD_ARMOR_DEFAULTS,
  CLOUD_ARMOR_RULES,
  DEFAULT_RATE_LIMIT,
  checkBanThreshold,
} from "../components/cloud-armor-policy";
import {
  LOAD_BALANCER_DEFAULTS,
  LOAD_BALANCER_RULES,
  checkCertificates,
  type ArmorOptions,
  type CertificateOptions,
  type StaticSiteOptions,
} from "../components/https-load-balancer";
import { overlappingRoutes } from "../components/shared/routes";
import type { Problem } from "../components/shared/validation";
import { CDN_DEFAULTS, CORS_DEFAULTS, STATIC_SITE_RULES, checkCdnTtls } from "../components/static-site";
import { byKind, doc, docDefault, issuesOf, routeSchema, ruled } from "./config-fields";
import { problemAt, sinkAt } from "./config-problems";
import type { Kind, Preset } from "./presets";

const LB = LOAD_BALANCER_RULES;
const ARMOR = CLOUD_ARMOR_RULES;
export const DEFAULT_STATIC_PATHS = ["/static/*"];

const seconds = (description: string, value: number): z.ZodOptional<z.ZodInt> =>
  docDefault(ruled(z.int(), STATIC_SITE_RULES.seconds).optional(), description, value);
const ranges = (description: string): z.ZodOptional<z.ZodArray<z.ZodString>> =>
  docDefault(z.array(ruled(z.string(), ARMOR.cidr)).optional(), description, []);

const rateLimitSchema = z.strictObject({
  requests: docDefault(
    ruled(z.int(), ARMOR.requests).optional(),
    "Requests one client (IP) may send per interval before it is throttled (429).",
    DEFAULT_RATE_LIMIT.requests,
  ),
  intervalSec: docDefault(
    ruled(z.int(), ARMOR.interval).optional(),
    "The interval.",
    DEFAULT_RATE_LIMIT.intervalSec,
  ),
  banRequests: doc(
    z.int().optional(),
    "Requests per interval after which the client is banned: above `requests`, at most 10000.",
    "3 × requests",
  ),
  banDurationSec: docDefault(
    ruled(z.int(), ARMOR.interval).optional(),
    "How long a ban lasts, in seconds.",
    DEFAULT_RATE_LIMIT.banDurationSec,
  ),
});

const armorSchema = z
  .strictObject({
    wafSensitivity: docDefault(
      ruled(z.int(), ARMOR.wafSensitivity).optional(),
      "WAF sensitivity (paranoia level): higher blocks more and risks more false positives.",
      CLOUD_ARMOR_DEFAULTS.wafSensitivity,
    ),
    preview: docDefault(
      z.boolean().optional(),
      "WAF, rate-limit and region rules only log (safe rollout of a rule change).",
      CLOUD_ARMOR_DEFAULTS.preview,
    ),
    rateLimit: docDefault(
      rateLimitSchema.nullable().optional(),
      "Per-client rate limit: throttle, then ban; `null` for none.",
      DEFAULT_RATE_LIMIT,
    ),
    adaptiveProtection: doc(
      z.boolean().optional(),
      "Adaptive Protection (layer-7 DDoS detection).",
      byKind((p) => p.adaptiveProtection),
    ),
    allowIpRanges: ranges("Source ranges always allowed (before the WAF)."),
    denyIpRanges: ranges("Source ranges always denied."),
    denyRegions: docDefault(
      z.array(ruled(z.string(), ARMOR.regionCode)).optional(),
      "Client regions denied (on the static site too).",
      [],
    ),
  })
  .superRefine((armor, ctx) => {
    if (armor.rateLimit !== null) checkBanThreshold(issuesOf(ctx), armor.rateLimit);
  });

const corsSchema = z.strictObject({
  origins: doc(z.array(ruled(z.string(), STATIC_SITE_RULES.origin)).min(1), "Allowed origins."),
  methods: docDefault(
    z.array(z.enum(["GET", "HEAD", "OPTIONS"])).optional(),
    "Allowed methods.",
    CORS_DEFAULTS.methods,
  ),
  maxAgeSeconds: seconds("How long browsers cache a preflight answer.", CORS_DEFAULTS.maxAgeSeconds),
});

const cdnSchema = z.strictObject({
  defaultTtl: seconds("TTL of responses without cache headers; at most `maxTtl`.", CDN_DEFAULTS.defaultTtl),
  maxTtl: seconds("Upper bound of any TTL.", CDN_DEFAULTS.maxTtl),
  clientTtl: seconds("TTL sent to browsers; at most `maxTtl`.", CDN_DEFAULTS.clientTtl),
  serveWhileStale: seconds(
    "How long a stale object may be served while it is revalidated.",
    CDN_DEFAULTS.serveWhileStale,
  ),
});

export const edgeSchema = z
  .strictObject({
    domains: doc(
      z.array(ruled(z.string(), LB.domain)).min(1).optional(),
      "Hostnames the load balancer serves.",
      "the stack's `domain`",
    ),
    certificates: doc(
      z
        .strictObject({
          mode: doc(
            z.enum(["managed", "certificate-manager"]).default(LOAD_BALANCER_DEFAULTS.certificateMode),
            "`certificate-manager`: Certificate Manager with DNS authorization (issued before DNS points here, wildcards allowed, a change of domains never leaves a served hostname without a certificate); `managed`: one compute managed certificate for every domain.",
          ),
          domains: doc(
            z.array(ruled(z.string(), LB.certificateDomain)).min(1).optional(),
            "Domains the certificates cover; every served domain must be covered.",
            "`edge.domains`",
          ),
        })
        .prefault({}),
      "TLS certificates, Google-managed.",
    ),
    sslProfile: doc(
      z.enum(["MODERN", "RESTRICTED"]).default(LOAD_BALANCER_DEFAULTS.sslProfile),
      "SSL policy profile; the minimum TLS version is always 1.2.",
    ),
    logSampleRate: doc(
      ruled(z.number(), LB.logSampleRate).optional(),
      "Share of requests logged.",
      byKind((p) => p.logSampleRate),
    ),
    staticPaths: doc(
      z.array(routeSchema).default(DEFAULT_STATIC_PATHS),
      "Paths served from the static site's bucket through Cloud CDN.",
    ),
    defaultService: doc(
      z.string().optional(),
      "The service that serves paths no route matches.",
      "the static site",
    ),
    armor: doc(
      armorSchema.prefault({}),
      "Cloud Armor on every backend service; the lists and regions also on the static site's edge policy.",
    ),
    cors: doc(corsSchema.optional(), "CORS of the static site's bucket.", "none"),
    cdn: doc(cdnSchema.optional(), "Cloud CDN cache settings of the static site, in seconds."),
  })
  .superRefine((edge, ctx) => checkCdnTtls(issuesOf(ctx), edge.cdn));

export type EdgeInput = z.output<typeof edgeSchema>;

/** The edge, resolved over the preset. */
export interface EdgeConfig {
  readonly domains: readonly string[];
  readonly certificates: Required<CertificateOptions>;
  readonly sslProfile: "MODERN" | "RESTRICTED";
  readonly logSampleRate: number;
  readonly staticPaths: readonly string[];
  /** A service name, or `static`. */
  readonly defaultBackend: string;
  readonly armor: ArmorOptions;
  readonly staticSite: StaticSiteOptions;
}

/** What the edge needs to know of the services. */
export interface EdgeService {
  readonly name: string;
  readonly routes: readonly string[];
}

/**
 * Checks every route of the environment: duplicates, and (where there is an edge) overlaps between
 * services and the static site, reported at the later of the two config keys.
 */
export function routeProblems(services: readonly EdgeService[], staticPaths: readonly string[]): Problem[] {
  const routes = [
    ...services.flatMap((s) =>
      s.routes.map((path, i) => ({ path, target: s.name, key: `services.${s.name}.routes[${i}]` })),
    ),
    ...staticPaths.map((path, i) => ({ path, target: "static", key: `edge.staticPaths[${i}]` })),
  ];
  return overlappingRoutes(routes).flatMap(([i, j]) => {
    const a = routes[i];
    const b = routes[j];
    if (!a || !b) return [];
    const what = a.path === b.path ? "a route not already taken by" : "a path that does not overlap";
    return [problemAt(b.key, b.path, `${what} ${a.key} (${a.path} → ${a.target})`)];
  });
}

/** What the edge depends on besides its own block; `services` is `undefined` when they failed to parse. */
export interface EdgeContext {
  readonly kind: Kind;
  readonly preset: Preset;
  readonly domain: string | undefined;
  readonly services: readonly EdgeService[] | undefined;
}

/** The edge over the preset; `undefined` for kinds without one. */
export function resolveEdge(
  input: EdgeInput | undefined,
  ctx: EdgeContext,
): { value: EdgeConfig | undefined; problems: Problem[] } {
  const services = ctx.services ?? [];
  if (!ctx.preset.edge) {
    const problems = routeProblems(services, []);
    if (input !== undefined)
      problems.unshift(
        problemAt("edge", "a block", `no edge block in a ${ctx.kind} stack (it has no load balancer)`),
      );
    return { value: undefined, problems };
  }
  const e = input ?? edgeSchema.parse({});
  const domains = e.domains ?? (ctx.domain ? [ctx.domain] : []);
  const value: EdgeConfig = {
    domains,
    certificates: { mode: e.certificates.mode, domains: e.certificates.domains ?? domains },
    sslProfile: e.sslProfile,
    logSampleRate: e.logSampleRate ?? ctx.preset.logSampleRate,
    staticPaths: e.staticPaths,
    defaultBackend: e.defaultService ?? LOAD_BALANCER_DEFAULTS.defaultBackend,
    armor: { ...e.armor, adaptiveProtection: e.armor.adaptiveProtection ?? ctx.preset.adaptiveProtection },
    staticSite: { cors: e.cors, cdn: e.cdn },
  };
  const problems = routeProblems(services, value.staticPaths);
  checkCertificates(sinkAt(problems, "edge."), domains, value.certificates);
  if (
    ctx.services !== undefined &&
    e.defaultService !== undefined &&
    !services.some((s) => s.name === e.defaultService)
  )
    problems.push(
      problemAt(
        "edge.defaultService",
        e.defaultService,
        `a configured service (${services.map((s) => s.name).join(", ")}), or leave it out for the static site`,
      ),
    );
  return { value, problems };
}
