import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NameKind } from "../../components/shared/types";
import {
  EnvironmentNaming,
  MAX_ENV_SEGMENT,
  MAX_TRAFFIC_TAG_LENGTH,
  NAME_LIMITS,
  envSegment,
  featureAccountPattern,
  isValidName,
  shortHash,
} from "../../stacks/naming";
import { featureStackName } from "../../stacks/feature";
import { anyCodePoints } from "../helpers/code-points";

const KINDS = Object.keys(NAME_LIMITS) as NameKind[];
const RUNS = { numRuns: 300 };

/** Inputs a config author, a branch name or a refactor could produce: unicode, emoji, slashes, case, length. */
const hostile: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 300 }),
  anyCodePoints(300),
  fc.stringMatching(/^[A-Za-z0-9/_ .:-]{0,300}$/),
  // Fragments that stress the "no goog in bucket names" rule and dash handling.
  fc
    .array(fc.constantFrom("goog", "oog", "g", "o", "GOOG", "-", "--", "_", "/", "é", "🎉", "api"), {
      maxLength: 30,
    })
    .map((parts) => parts.join("")),
);

/** A prefix as config allows it (1-6 of a-z 0-9, starting with a letter). */
const prefix = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
/** An environment segment as `envSegment` derives it from any stack name. */
const env = hostile.map((stack) => envSegment(stack));

describe("EnvironmentNaming.name", () => {
  it.each(KINDS)("always gives a valid %s name, whatever the input", (kind) => {
    fc.assert(
      fc.property(prefix, env, hostile, (p, e, raw) => {
        const name = new EnvironmentNaming(p, e).name(kind, raw);
        const limit = NAME_LIMITS[kind];
        expect(name.length).toBeGreaterThanOrEqual(limit.min);
        expect(name.length).toBeLessThanOrEqual(limit.max);
        expect(name).toMatch(/^[a-z]([a-z0-9-]*[a-z0-9])?$/);
        expect(name).not.toContain("--");
        if (kind === "bucketPrefix") expect(name).not.toContain("goog");
        expect(isValidName(name, kind)).toBe(true);
      }),
      RUNS,
    );
  });

  it.each(KINDS)("gives a valid %s name even for a hostile prefix and environment", (kind) => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (p, e, raw) => {
        expect(isValidName(new EnvironmentNaming(p, e).name(kind, raw), kind)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("is deterministic: the same input always gives the same name", () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), prefix, env, hostile, (kind, p, e, raw) => {
        const first = new EnvironmentNaming(p, e).name(kind, raw);
        expect(new EnvironmentNaming(p, e).name(kind, raw)).toBe(first);
        expect(new EnvironmentNaming(p, e).name(kind, raw)).toBe(first);
      }),
      RUNS,
    );
  });

  it.each(KINDS)("keeps a short clean %s name verbatim", (kind) => {
    expect(new EnvironmentNaming("m6", "prod").name(kind, "api")).toBe("m6-prod-api");
  });

  it("lowercases without a hash (case is not a loss) but hashes names that lost characters", () => {
    const naming = new EnvironmentNaming("m6", "prod");
    expect(naming.name("generic", "API")).toBe("m6-prod-api");
    expect(naming.name("generic", "api_v1")).toBe("m6-prod-api-v1");
    const lossy = naming.name("generic", "api/v1");
    expect(lossy).toBe(`m6-prod-api-v1-${shortHash("m6-prod-api/v1")}`);
    expect(lossy).not.toBe(naming.name("generic", "api-v1"));
  });

  it("gives inputs that differ only in case or in '_' against '-' the same name (config keeps them apart)", () => {
    const naming = new EnvironmentNaming("m6", "prod");
    expect(naming.name("serviceAccount", "a_b")).toBe("m6-prod-a-b");
    expect(naming.name("serviceAccount", "a-b")).toBe("m6-prod-a-b");
    expect(naming.name("serviceAccount", "A-B")).toBe("m6-prod-a-b");
  });

  it("gives distinct service names (lowercase, no '_', as config allows) distinct account and service names", () => {
    const serviceName = fc
      .stringMatching(/^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$/)
      .filter((n) => !n.includes("--"));
    fc.assert(
      fc.property(prefix, env, serviceName, serviceName, (p, e, a, b) => {
        fc.pre(a !== b);
        const naming = new EnvironmentNaming(p, e);
        for (const kind of ["serviceAccount", "cloudRunService"] as const)
          expect(naming.name(kind, a)).not.toBe(naming.name(kind, b));
      }),
      RUNS,
    );
  });

  it("pads a name below the minimum with the hash instead of returning it too short", () => {
    // serviceAccount needs 6 characters: "a-b-c" (5) gets a hash.
    const name = new EnvironmentNaming("a", "b").name("serviceAccount", "c");
    expect(name).toBe(`a-b-c-${shortHash("a-b-c")}`);
    expect(isValidName(name, "serviceAccount")).toBe(true);
  });

  it("ends a cut name with the 6-hex hash of the full raw name", () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), hostile, (kind, raw) => {
        const long = `${raw}-${"x".repeat(70)}`;
        const name = new EnvironmentNaming("m6", "prod").name(kind, long);
        expect(name).toMatch(/-[0-9a-f]{6}$/);
        expect(name.endsWith(`-${shortHash(`m6-prod-${long}`)}`)).toBe(true);
      }),
      RUNS,
    );
  });

  it("keeps the readable start of a cut name", () => {
    const name = new EnvironmentNaming("m6", "staging").name(
      "serviceAccount",
      "recommendation-engine-worker",
    );
    expect(name).toMatch(/^m6-staging-recommendati-[0-9a-f]{6}$/);
    expect(name).toHaveLength(NAME_LIMITS.serviceAccount.max);
  });

  it("gives different names to different long inputs that share a long prefix", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KINDS),
        fc.string({ unit: "grapheme", minLength: 80, maxLength: 200 }),
        hostile,
        hostile,
        (kind, common, a, b) => {
          fc.pre(a !== b);
          const naming = new EnvironmentNaming("m6", "prod");
          expect(naming.name(kind, `${common}${a}`)).not.toBe(naming.name(kind, `${common}${b}`));
        },
      ),
      RUNS,
    );
  });

  it("distinguishes long clean names that differ only after the cut", () => {
    const naming = new EnvironmentNaming("m6", "prod");
    const base = "a".repeat(60);
    const one = naming.name("generic", `${base}-one`);
    const two = naming.name("generic", `${base}-two`);
    expect(one).not.toBe(two);
    expect(one.slice(0, -7)).toBe(two.slice(0, -7));
  });

  it("never lets a bucket prefix contain 'goog', even when replacing one occurrence reveals another", () => {
    const naming = new EnvironmentNaming("m6", "prod");
    for (const raw of ["goog", "google-assets", "googoog", "GOOGOOG", "gooogoog", "go-og"]) {
      const name = naming.name("bucketPrefix", raw);
      expect(name, raw).not.toContain("goog");
      expect(isValidName(name, "bucketPrefix"), raw).toBe(true);
    }
  });

  it("leaves room in a Cloud Run service name for '-' and the longest traffic tag", () => {
    fc.assert(
      fc.property(prefix, env, hostile, (p, e, raw) => {
        const name = new EnvironmentNaming(p, e).name("cloudRunService", raw);
        expect(`${name}-${"t".repeat(MAX_TRAFFIC_TAG_LENGTH)}`.length).toBeLessThanOrEqual(46);
      }),
      RUNS,
    );
  });
});

describe("isValidName", () => {
  it.each<[string, NameKind, boolean]>([
    ["m6-prod-api", "generic", true],
    ["M6-prod-api", "generic", false],
    ["6m-prod-api", "generic", false],
    ["m6-prod-api-", "generic", false],
    ["m6--prod", "generic", false],
    ["m6_prod", "generic", false],
    ["m6-p", "serviceAccount", false],
    ["a".repeat(30), "serviceAccount", true],
    ["a".repeat(31), "serviceAccount", false],
    ["a".repeat(37), "cloudRunService", true],
    ["a".repeat(38), "cloudRunService", false],
    ["abc", "firestoreDatabase", false],
    ["m6-goog-assets", "bucketPrefix", false],
    ["m6-goog-assets", "generic", true],
  ])("%s as %s → %s", (name, kind, valid) => {
    expect(isValidName(name, kind)).toBe(valid);
  });
});

describe("envSegment", () => {
  it("keeps prod and staging and shortens feature-<slug> to f-<slug>", () => {
    expect(envSegment("prod")).toBe("prod");
    expect(envSegment("staging")).toBe("staging");
    expect(envSegment("feature-pr-123")).toBe("f-pr-123");
  });

  it("cuts a long feature branch with a hash, within MAX_ENV_SEGMENT", () => {
    const segment = envSegment(`feature-${"very-long-branch-name-".repeat(5)}`);
    expect(segment).toMatch(/^f-[a-z0-9-]*-[0-9a-f]{6}$/);
    expect(segment.length).toBeLessThanOrEqual(MAX_ENV_SEGMENT);
  });

  it("gives a short, valid, stable f-… segment for any feature stack name", () => {
    fc.assert(
      fc.property(hostile, (branch) => {
        const stack = featureStackName(branch);
        const segment = envSegment(stack);
        expect(segment.length).toBeLessThanOrEqual(MAX_ENV_SEGMENT);
        expect(segment).toMatch(/^f-/);
        expect(isValidName(segment, "generic")).toBe(true);
        expect(envSegment(stack)).toBe(segment);
      }),
      RUNS,
    );
  });

  it("gives different segments to long feature branches that share their start", () => {
    const a = envSegment("feature-add-recommendation-engine");
    const b = envSegment("feature-add-recommendation-cache");
    expect(a).not.toBe(b);
    expect(a.slice(0, 5)).toBe(b.slice(0, 5));
  });

  it("gives a valid segment for any stack name at all", () => {
    fc.assert(
      fc.property(hostile, (stack) => {
        const segment = envSegment(stack);
        expect(segment.length).toBeLessThanOrEqual(MAX_ENV_SEGMENT);
        expect(isValidName(segment, "generic")).toBe(true);
      }),
      RUNS,
    );
  });

  it("keeps service-account names of long feature branches meaningful (prefix and f- survive)", () => {
    const naming = new EnvironmentNaming("m6", envSegment("feature-add-the-recommendation-engine"));
    const name = naming.name("serviceAccount", "api");
    expect(name).toMatch(/^m6-f-/);
    expect(isValidName(name, "serviceAccount")).toBe(true);
  });
});

describe("featureAccountPattern", () => {
  const pattern = new RegExp(featureAccountPattern("m6", "module6-staging-000000"));
  const email = (stack: string, service: string): string =>
    `${new EnvironmentNaming("m6", envSegment(stack)).name("serviceAccount", service)}@module6-staging-000000.iam.gserviceaccount.com`;

  it("matches every feature environment's runtime accounts, long branch names included", () => {
    for (const stack of [
      "feature-pr-1",
      "feature-pr-12345",
      "feature-login-page-with-a-very-long-branch-name",
    ])
      for (const service of ["api", "web", "inference-gateway"])
        expect(pattern.test(email(stack, service)), email(stack, service)).toBe(true);
  });

  it("matches no prod or staging account and no other project", () => {
    expect(pattern.test(email("staging", "api"))).toBe(false);
    expect(pattern.test(email("prod", "api"))).toBe(false);
    expect(
      pattern.test(email("feature-pr-1", "api").replace("module6-staging-000000", "other-project")),
    ).toBe(false);
  });
});
