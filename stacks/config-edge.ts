/**
 * The edge of an environment from config: load balancer, certificates, Cloud Armor and the static site,
 * validated with config key paths. Only prod and staging have an edge.
 */
import { validateCloudArmorPolicyArgs } from "../components/cloud-armor-policy";
import {
  validateHttpsLoadBalancerArgs,
  type ArmorOptions,
  type CertificateOptions,
  type StaticSiteOptions,
} from "../components/https-load-balancer";
import { ROUTE_PATTERN, overlappingRoutes } from "../components/shared/routes";
import type { CommonArgs } from "../components/shared/types";
import type { Problem } from "../components/shared/validation";
import { validateStaticSiteArgs } from "../components/static-site";
import { collect, problemAt } from "./config-problems";
import type { ParsedConfig } from "./config-schema";
import type { Preset } from "./presets";

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
  readonly regions: readonly string[];
  readonly iapMembers?: readonly string[];
}

export const DEFAULT_STATIC_PATHS = ["/static/*"];

/**
 * Checks every route of the environment: syntax, duplicates, and (where there is an edge) overlaps
 * between services and the static site, reported at the later of the two config keys.
 */
export function checkRoutes(
  services: readonly EdgeService[],
  staticPaths: readonly string[],
  problems: Problem[],
): void {
  const routes = [
    ...services.flatMap((s) =>
      s.routes.map((path, i) => ({ path, target: s.name, key: `services.${s.name}.routes[${i}]` })),
    ),
    ...staticPaths.map((path, i) => ({ path, target: "static", key: `edge.staticPaths[${i}]` })),
  ];
  for (const [i, j] of overlappingRoutes(routes)) {
    const a = routes[i];
    const b = routes[j];
    if (!a || !b) continue;
    const what = a.path === b.path ? "a route not already taken by" : "a path that does not overlap";
    problems.push(problemAt(b.key, b.path, `${what} ${a.key} (${a.path} → ${a.target})`));
  }
}

/** Resolves and validates the edge; `undefined` for kinds without one. */
export function resolveEdge(
  cfg: ParsedConfig,
  preset: Preset,
  services: readonly EdgeService[],
  common: CommonArgs,
  problems: Problem[],
): EdgeConfig | undefined {
  const e = cfg.edge ?? {};
  if (!preset.edge) {
    if (cfg.edge !== undefined)
      problems.push(
        problemAt("edge", "a block", `no edge block in a ${cfg.kind} stack (it has no load balancer)`),
      );
    checkRoutes(services, [], problems);
    return undefined;
  }
  const domains = e.domains ?? (cfg.domain ? [cfg.domain] : []);
  const edge: EdgeConfig = {
    domains,
    certificates: {
      mode: e.certificates?.mode ?? "certificate-manager",
      domains: e.certificates?.domains ?? domains,
    },
    sslProfile: e.sslProfile ?? "MODERN",
    logSampleRate: e.logSampleRate ?? preset.logSampleRate,
    staticPaths: e.staticPaths ?? DEFAULT_STATIC_PATHS,
    defaultBackend: e.defaultService ?? "static",
    armor: { ...e.armor, adaptiveProtection: e.armor?.adaptiveProtection ?? preset.adaptiveProtection },
    staticSite: { cors: e.cors, cdn: e.cdn },
  };
  checkRoutes(services, edge.staticPaths, problems);
  if (e.defaultService !== undefined && !services.some((s) => s.name === e.defaultService)) {
    problems.push(
      problemAt(
        "edge.defaultService",
        e.defaultService,
        `a configured service (${services.map((s) => s.name).join(", ")}), or leave it out for the static site`,
      ),
    );
  }

  // The load balancer's own rules, with its field paths turned into config keys. Routes were checked above.
  const routed = services.filter((s) => s.routes.length > 0 || s.name === edge.defaultBackend);
  collect(
    problems,
    (path) => {
      if (path.startsWith("routes") || path === "defaultBackend") return undefined;
      if (path.startsWith("backends.")) return path.replace(/^backends\./, "services.");
      return `edge.${path}`;
    },
    () =>
      validateHttpsLoadBalancerArgs({
        ...common,
        name: "edge",
        domains,
        certificates: edge.certificates,
        sslProfile: edge.sslProfile,
        logSampleRate: edge.logSampleRate,
        backends: Object.fromEntries(
          routed.map((s) => [
            s.name,
            {
              regions: s.regions.map((region) => ({ region, service: s.name })),
              iapMembers: s.iapMembers?.length ? s.iapMembers : undefined,
            },
          ]),
        ),
        routes: [],
        defaultBackend: edge.defaultBackend,
        // Validated below with their own key paths.
        armor: {},
        staticSite: {},
      }),
  );
  collect(problems, "edge.armor.", () =>
    validateCloudArmorPolicyArgs({ ...common, ...edge.armor, name: "edge-armor" }),
  );
  collect(problems, "edge.", () =>
    validateStaticSiteArgs({
      ...common,
      ...edge.staticSite,
      name: "static",
      cdnFillServiceAgent: "validation",
    }),
  );
  for (const [i, path] of edge.staticPaths.entries()) {
    if (!ROUTE_PATTERN.test(path))
      problems.push(problemAt(`edge.staticPaths[${i}]`, path, "/exact or /prefix/*"));
  }
  return edge;
}
