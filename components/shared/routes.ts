/**
 * URL-map path rules: `/exact` or `/prefix/*`. Two rules overlap when one matches a path the other also
 * matches: then which backend serves it depends on the longest match, which is rarely what was meant.
 */

import { patternRule } from "./validation";

export const ROUTE_PATTERN = /^\/([A-Za-z0-9._~-]+\/)*([A-Za-z0-9._~-]+|\*)?$/;
/** A route's path; the stack config applies this rule to `routes` and `edge.staticPaths`. */
export const ROUTE_RULE = patternRule(
  ROUTE_PATTERN,
  "a path such as /api/* or /health (no '*' but at the end)",
);

/** True when some request path is matched by both rules. */
export function routesOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const covers = (wild: string, other: string): boolean =>
    wild.endsWith("*") && other.startsWith(wild.slice(0, -1));
  return covers(a, b) || covers(b, a);
}

/** Pairs of routes (by index) that overlap, for routes owned by different targets. */
export function overlappingRoutes(routes: readonly { path: string; target: string }[]): [number, number][] {
  const pairs: [number, number][] = [];
  routes.forEach((a, i) =>
    routes.forEach((b, j) => {
      if (j <= i) return;
      if (a.path === b.path || (a.target !== b.target && routesOverlap(a.path, b.path))) pairs.push([i, j]);
    }),
  );
  return pairs;
}

/**
 * The routes plus the bare prefix of every `/x/*` route (`/x`), routed to the same target, unless some
 * route already names `/x`. A URL-map path rule `/x/*` needs the slash: it matches `/x/` and everything
 * under it but never `/x` itself ("the only place a * is allowed is at the end following a /",
 * `PathRule.paths`, https://cloud.google.com/compute/docs/reference/rest/v1/urlMaps; see also
 * https://cloud.google.com/load-balancing/docs/url-map-concepts), so without it `/api` falls to the default
 * service.
 */
export function withBarePrefixes<R extends { readonly path: string }>(routes: readonly R[]): R[] {
  const named = new Set(routes.map((r) => r.path));
  const out: R[] = [];
  for (const route of routes) {
    out.push(route);
    const bare = route.path.endsWith("/*") ? route.path.slice(0, -2) : undefined;
    if (bare !== undefined && bare !== "" && !named.has(bare)) {
      named.add(bare);
      out.push({ ...route, path: bare });
    }
  }
  return out;
}
