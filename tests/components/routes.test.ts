import { describe, expect, it } from "vitest";
import {
  ROUTE_PATTERN,
  overlappingRoutes,
  routesOverlap,
  withBarePrefixes,
} from "../../components/shared/routes";

describe("routesOverlap", () => {
  it.each([
    ["equal exact paths", "/api", "/api", true],
    ["equal wildcard paths", "/api/*", "/api/*", true],
    ["a prefix and a deeper prefix", "/api/*", "/api/v1/*", true],
    ["a prefix and an exact path under it", "/api/*", "/api/v1", true],
    ["a prefix and its trailing-slash path", "/api/*", "/api/", true],
    ["a prefix and the bare path (the wildcard needs the slash)", "/api/*", "/api", false],
    ["an exact path and the prefix below it", "/app", "/app/*", false],
    ["the catch-all and an exact path", "/*", "/healthz", true],
    ["the catch-all and a prefix", "/*", "/static/*", true],
    ["the catch-all and the root", "/*", "/", true],
    ["sibling prefixes sharing letters", "/api/*", "/apix/*", false],
    ["sibling exact paths", "/a/b", "/a/c", false],
    ["different exact paths", "/api", "/app", false],
  ])("%s: %s vs %s → %s", (_case, a, b, expected) => {
    expect(routesOverlap(a, b)).toBe(expected);
    // Overlap is symmetric.
    expect(routesOverlap(b, a)).toBe(expected);
  });
});

describe("overlappingRoutes", () => {
  it("reports overlapping paths of different targets, by index", () => {
    expect(
      overlappingRoutes([
        { path: "/api/*", target: "api" },
        { path: "/static/*", target: "static" },
        { path: "/api/v1/*", target: "web" },
      ]),
    ).toEqual([[0, 2]]);
  });

  it("does not report an overlap within one target", () => {
    expect(
      overlappingRoutes([
        { path: "/api/*", target: "api" },
        { path: "/api/v1/*", target: "api" },
        { path: "/*", target: "api" },
      ]),
    ).toEqual([]);
  });

  it("reports a duplicate path even on the same target", () => {
    expect(
      overlappingRoutes([
        { path: "/api/*", target: "api" },
        { path: "/app", target: "web" },
        { path: "/api/*", target: "api" },
      ]),
    ).toEqual([[0, 2]]);
  });

  it("reports the catch-all against every route of another target", () => {
    expect(
      overlappingRoutes([
        { path: "/*", target: "static" },
        { path: "/api/*", target: "api" },
        { path: "/app", target: "web" },
        { path: "/assets/*", target: "static" },
      ]),
    ).toEqual([
      [0, 1],
      [0, 2],
    ]);
  });

  it("finds nothing in disjoint routes, including /app next to /app/* of another target", () => {
    expect(
      overlappingRoutes([
        { path: "/app", target: "web" },
        { path: "/app/*", target: "static" },
        { path: "/api", target: "web" },
        { path: "/api/*", target: "api" },
      ]),
    ).toEqual([]);
    expect(overlappingRoutes([])).toEqual([]);
  });
});

describe("ROUTE_PATTERN", () => {
  it.each(["/", "/*", "/static/*", "/a/b", "/api", "/a/b/c/*", "/v1.2/x_y~z-w"])("accepts %s", (path) => {
    expect(ROUTE_PATTERN.test(path)).toBe(true);
  });

  it.each(["api/*", "/a*/b", "/a/*/b", "", "/api*", "/a//b", "/a b", "/a?x=1", "*"])("rejects %j", (path) => {
    expect(ROUTE_PATTERN.test(path)).toBe(false);
  });
});

describe("withBarePrefixes", () => {
  it("adds /x for every /x/* route, to the same target, right after it", () => {
    expect(
      withBarePrefixes([
        { path: "/api/*", backend: "api" },
        { path: "/static/*", backend: "static" },
        { path: "/healthz", backend: "api" },
      ]),
    ).toEqual([
      { path: "/api/*", backend: "api" },
      { path: "/api", backend: "api" },
      { path: "/static/*", backend: "static" },
      { path: "/static", backend: "static" },
      { path: "/healthz", backend: "api" },
    ]);
  });

  it("leaves a bare path that a route already names, and never adds one for /*", () => {
    expect(
      withBarePrefixes([
        { path: "/app", backend: "web" },
        { path: "/app/*", backend: "web" },
        { path: "/docs/*", backend: "api" },
        { path: "/docs", backend: "web" },
        { path: "/*", backend: "web" },
      ]).map((r) => `${r.path} ${r.backend}`),
    ).toEqual(["/app web", "/app/* web", "/docs/* api", "/docs web", "/* web"]);
  });
});
