import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseStackConfig, splitConfigMap } from "../../stacks/config";
import {
  MAX_FEATURE_SLUG,
  deriveFeatureConfig,
  featureStackName,
  unknownImageOverrides,
} from "../../stacks/feature";
import { shortHash } from "../../stacks/naming";
import { leakProbe } from "../helpers/leak-probe";
import { anyCodePoints } from "../helpers/code-points";

/** The session key's value, as the CLI would hand it over decrypted (made per run: tests/helpers/leak-probe.ts). */
const SESSION_KEY_VALUE = leakProbe("session-key");

const IMAGE = (name: string, tag: string): string =>
  `asia-northeast3-docker.pkg.dev/module6-staging-000000/m6-staging-containers/${name}:${tag}`;

/** Staging's config map as Pulumi holds it: `module6:<key>` → JSON text; secrets decrypted. */
function stagingMap(): Record<string, string> {
  return {
    "pulumi:disable-default-providers": '["*"]',
    "module6:kind": "staging",
    "module6:gcpProject": "module6-staging-000000",
    "module6:region": "asia-northeast3",
    "module6:prefix": "m6",
    "module6:domain": "staging.module6.example.com",
    "module6:owners": '["group:module6-platform@example.com"]',
    "module6:reviewers": '["group:module6-developers@example.com"]',
    "module6:labels": '{"team":"platform","cost-center":"cc-4200"}',
    "module6:services": JSON.stringify({
      web: {
        image: IMAGE("web", "1.8.0"),
        memory: "512Mi",
        minInstances: 1,
        maxInstances: 4,
        routes: ["/app", "/app/*"],
        env: { API_BASE_PATH: "/api" },
      },
      api: {
        image: IMAGE("api", "2.3.0"),
        memory: "1Gi",
        maxInstances: 6,
        routes: ["/api/*"],
        uses: ["firestore"],
        secretEnv: { SESSION_SIGNING_KEY: "session-key" },
      },
    }),
    "module6:firestore": JSON.stringify({
      location: "asia-northeast3",
      pointInTimeRecovery: true,
      deleteProtection: true,
      backups: { dailyRetentionDays: 7, weeklyRetentionWeeks: 4 },
      indexes: [
        {
          collection: "documents",
          fields: [
            { path: "ownerId", order: "asc" },
            { path: "updatedAt", order: "desc" },
          ],
        },
      ],
      ttlFields: [{ collection: "sessions", field: "expiresAt" }],
    }),
    "module6:secrets": '{"session-key":{"description":"Signs session cookies"}}',
    "module6:secret-session-key": SESSION_KEY_VALUE,
    "module6:runDefaults": '{"minInstances":1}',
    "module6:protection": '{"protect":true}',
    "module6:artifactRegistry": '{"keepTaggedVersions":10}',
    "module6:apis": '["redis.googleapis.com"]',
  };
}

function json(map: Record<string, string>, key: string): Record<string, Record<string, unknown>> {
  const raw = map[key];
  if (raw === undefined) throw new Error(`no ${key} in the derived config`);
  return JSON.parse(raw) as Record<string, Record<string, unknown>>;
}

describe("deriveFeatureConfig", () => {
  it("makes the kind feature and drops what the kind or staging alone decides", () => {
    const derived = deriveFeatureConfig(stagingMap());
    expect(derived["module6:kind"]).toBe("feature");
    for (const key of [
      "domain",
      "runDefaults",
      "protection",
      "artifactRegistry",
      "apis",
      "secret-session-key",
    ]) {
      expect(derived, key).not.toHaveProperty(`module6:${key}`);
    }
  });

  it("never copies a secret value", () => {
    expect(JSON.stringify(deriveFeatureConfig(stagingMap()))).not.toContain(SESSION_KEY_VALUE);
  });

  it("keeps the environment's identity, owners, reviewers, labels and secret declarations", () => {
    const staging = stagingMap();
    const derived = deriveFeatureConfig(staging);
    for (const key of ["gcpProject", "region", "prefix", "owners", "reviewers", "labels", "secrets"]) {
      expect(derived[`module6:${key}`], key).toBe(staging[`module6:${key}`]);
    }
  });

  it("keeps other namespaces (pulumi:disable-default-providers)", () => {
    expect(deriveFeatureConfig(stagingMap())["pulumi:disable-default-providers"]).toBe('["*"]');
  });

  it("lets services scale to zero but keeps their image, env, secretEnv, routes and uses", () => {
    const services = json(deriveFeatureConfig(stagingMap()), "module6:services");
    expect(Object.keys(services)).toEqual(["web", "api"]);
    for (const s of Object.values(services)) {
      expect(s).not.toHaveProperty("minInstances");
      expect(s).not.toHaveProperty("maxInstances");
    }
    expect(services.web).toEqual({
      image: IMAGE("web", "1.8.0"),
      memory: "512Mi",
      routes: ["/app", "/app/*"],
      env: { API_BASE_PATH: "/api" },
    });
    expect(services.api).toEqual({
      image: IMAGE("api", "2.3.0"),
      memory: "1Gi",
      routes: ["/api/*"],
      uses: ["firestore"],
      secretEnv: { SESSION_SIGNING_KEY: "session-key" },
    });
  });

  it("drops Firestore backups, PITR and delete protection but keeps location, indexes and TTL fields", () => {
    const firestore = json(deriveFeatureConfig(stagingMap()), "module6:firestore");
    expect(firestore).not.toHaveProperty("backups");
    expect(firestore).not.toHaveProperty("pointInTimeRecovery");
    expect(firestore).not.toHaveProperty("deleteProtection");
    expect(firestore.location).toBe("asia-northeast3");
    expect(firestore.indexes).toEqual([
      {
        collection: "documents",
        fields: [
          { path: "ownerId", order: "asc" },
          { path: "updatedAt", order: "desc" },
        ],
      },
    ]);
    expect(firestore.ttlFields).toEqual([{ collection: "sessions", field: "expiresAt" }]);
  });

  it("applies image overrides to the named services only", () => {
    const pr = IMAGE("api", "pr-7-abc1234");
    const services = json(deriveFeatureConfig(stagingMap(), { images: { api: pr } }), "module6:services");
    expect(services.api?.image).toBe(pr);
    expect(services.web?.image).toBe(IMAGE("web", "1.8.0"));
  });

  it("does not change its input", () => {
    const staging = stagingMap();
    const copy = { ...staging };
    deriveFeatureConfig(staging, { images: { api: IMAGE("api", "pr") } });
    expect(staging).toEqual(copy);
  });

  it("gives a config that parses as a feature stack", () => {
    const derived = deriveFeatureConfig(stagingMap(), { images: { web: IMAGE("web", "pr-7") } });
    const cfg = parseStackConfig(splitConfigMap("feature-pr-7", derived));
    expect(cfg.kind).toBe("feature");
    expect(cfg.stack).toBe("feature-pr-7");
    expect(cfg.env).toBe("f-pr-7");
    expect(cfg.domain).toBeUndefined();
    expect(cfg.reviewers).toEqual(["group:module6-developers@example.com"]);
    expect(cfg.protection).toEqual({ deletionProtection: false, protect: false });
    expect(cfg.services.map((s) => [s.name, s.minInstances, s.maxInstances])).toEqual([
      ["web", 0, 2],
      ["api", 0, 2],
    ]);
    expect(cfg.services[0]?.image).toBe(IMAGE("web", "pr-7"));
    expect(cfg.firestore).toMatchObject({
      backups: null,
      deletionPolicy: "DELETE",
      pointInTimeRecovery: false,
    });
    expect(cfg.secretsWithValues).toEqual([]);
  });

  it("gives a config that parses for a derived, hostile branch name", () => {
    const stack = featureStackName("Feature/Ünïcode-Branch 🚀 with a very long description of the change");
    const cfg = parseStackConfig(splitConfigMap(stack, deriveFeatureConfig(stagingMap())));
    expect(cfg.kind).toBe("feature");
    expect(cfg.labels.stack).toBe(stack);
  });
});

describe("featureStackName", () => {
  const hostile: fc.Arbitrary<string> = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 200 }),
    anyCodePoints(200),
    fc.stringMatching(/^[A-Za-z0-9/_ .#-]{0,200}$/),
  );

  it("gives a lowercase feature-<slug> of at most 48 characters for any branch name, deterministically", () => {
    fc.assert(
      fc.property(hostile, (branch) => {
        const name = featureStackName(branch);
        expect(name).toMatch(/^feature-[a-z0-9][a-z0-9-]*$/);
        expect(name.length).toBeLessThanOrEqual("feature-".length + MAX_FEATURE_SLUG);
        expect(name.length).toBeLessThanOrEqual(48);
        expect(name).not.toMatch(/-$/);
        expect(featureStackName(branch)).toBe(name);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ["PR 123", "feature-pr-123"],
    ["123", "feature-123"],
    ["feat/Add-Login", "feature-feat-add-login"],
    ["Ünïcode", "feature-unicode"],
    ["", "feature-x"],
    ["🚀", "feature-x"],
  ])("%j → %j", (source, expected) => {
    expect(featureStackName(source)).toBe(expected);
  });

  it("cuts a 200-character branch name with the hash of the whole name", () => {
    const branch = `${"Very-Long-Branch/".repeat(12)}end`.slice(0, 200);
    const name = featureStackName(branch);
    expect(name).toHaveLength(48);
    expect(name.endsWith(`-${shortHash(branch)}`)).toBe(true);
    expect(name.startsWith("feature-very-long-branch-")).toBe(true);
  });

  it("gives different names to long branch names that differ only at the end", () => {
    const stem = "x".repeat(100);
    expect(featureStackName(`${stem}-a`)).not.toBe(featureStackName(`${stem}-b`));
  });
});

describe("unknownImageOverrides", () => {
  it("lists overrides that name services staging does not have", () => {
    expect(
      unknownImageOverrides(stagingMap(), { api: IMAGE("api", "pr"), ghost: "x:1", Web: "y:1" }),
    ).toEqual(["ghost", "Web"]);
  });

  it("is empty when every override names a staging service", () => {
    expect(unknownImageOverrides(stagingMap(), { api: "a:1", web: "w:1" })).toEqual([]);
    expect(unknownImageOverrides(stagingMap(), {})).toEqual([]);
  });

  it("treats every override as unknown when staging has no services", () => {
    const staging = stagingMap();
    delete staging["module6:services"];
    expect(unknownImageOverrides(staging, { api: "a:1" })).toEqual(["api"]);
  });
});
