/**
 * URL-map path rules: `/exact` or `/prefix/*`. Two rules overlap when one matches a path the other also
 * matches: then which backend serves it depends on the longest match, which is rarely what was meant.
 */

export const ROUTE_PATTERN = /^\/([A-Za-z0-9._~-]+\/)*([A-Za-z0-9._~-]+|\*)?$/;

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
