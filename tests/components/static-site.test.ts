import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../components/shared/validation";
import {
  StaticSite,
  toBase64Url,
  validateStaticSiteArgs,
  type StaticSiteArgs,
} from "../../components/static-site";
import {
  commonArgs,
  expectProps,
  installMocks,
  named,
  onlyOfType,
  record,
  resourcesOfType,
  valueOf,
} from "../helpers/pulumi";
import { DEFAULT_SECURITY_HEADERS } from "../fixtures/security-headers";

const BUCKET = "gcp:storage/bucket:Bucket";
const BUCKET_IAM = "gcp:storage/bucketIAMMember:BucketIAMMember";
const BACKEND_BUCKET = "gcp:compute/backendBucket:BackendBucket";
const RANDOM_ID = "random:index/randomId:RandomId";
const RANDOM_BYTES = "random:index/randomBytes:RandomBytes";
const SIGNED_URL_KEY = "gcp:compute/backendBucketSignedUrlKey:BackendBucketSignedUrlKey";
const CDN_FILL = "service-000000000000@cloud-cdn-fill.iam.gserviceaccount.com";
const DEPLOYER = "serviceAccount:deployer@module6-test-000000.iam.gserviceaccount.com";

/** Minimal valid args: everything else takes its default. */
function baseArgs(overrides: Partial<StaticSiteArgs> = {}): StaticSiteArgs {
  return { ...commonArgs(), name: "static", cdnFillServiceAgent: CDN_FILL, ...overrides };
}

beforeAll(async () => {
  await installMocks();
});

describe("StaticSite", () => {
  it("creates a private, versioned bucket with a random suffix and a lifecycle for old versions", async () => {
    const { result, resources } = await record(() => new StaticSite("site-defaults", baseArgs()));
    const bucket = onlyOfType(resources, BUCKET);
    expectProps(bucket, {
      project: "module6-test-000000",
      location: "asia-northeast3",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      labels: {
        component: "static-site",
        app: "module6",
        env: "staging",
        "managed-by": "pulumi",
        team: "platform",
        "cost-center": "cc-1",
      },
    });
    expect(bucket.inputs.lifecycleRules).toEqual([
      {
        action: { type: "Delete" },
        condition: { withState: "ARCHIVED", daysSinceNoncurrentTime: 30, numNewerVersions: 4 },
      },
    ]);
    expect(bucket.inputs.cors ?? []).toEqual([]);

    const suffix = onlyOfType(resources, RANDOM_ID);
    expectProps(suffix, { byteLength: 4, keepers: { prefix: "m6-test-static" } });
    const name = bucket.inputs.name as string;
    expect(name).toMatch(/^m6-test-static-[0-9a-f]{8}$/);
    expect(name).toBe(`m6-test-static-${String(suffix.outputs.hex)}`);
    expect(await valueOf(result.bucketName)).toBe(name);

    const component = onlyOfType(resources, "module6:edge:StaticSite");
    for (const child of resources.filter((r) => r.custom))
      expect(child.parent, child.type).toBe(component.urn);
  });

  it("lets only the Cloud CDN fill agent read the bucket, and never the public", async () => {
    const { resources } = await record(() => new StaticSite("site-private", baseArgs({ name: "private" })));
    const bucketName = onlyOfType(resources, BUCKET).inputs.name;
    const read = onlyOfType(resources, BUCKET_IAM);
    expectProps(read, {
      bucket: bucketName,
      role: "roles/storage.objectViewer",
      member: `serviceAccount:${CDN_FILL}`,
    });
    const everything = JSON.stringify(resources.map((r) => r.inputs));
    expect(everything).not.toMatch(/allUsers/);
    expect(everything).not.toMatch(/allAuthenticatedUsers/);
    expect(resourcesOfType(resources, "gcp:storage/bucketIAMBinding:BucketIAMBinding")).toHaveLength(0);
    expect(resourcesOfType(resources, "gcp:storage/bucketIAMPolicy:BucketIAMPolicy")).toHaveLength(0);
  });

  it("adds a secret signed-URL key first, then grants the Cloud CDN fill agent that the key brings into being", async () => {
    const { result, resources } = await record(() => new StaticSite("site-key", baseArgs({ name: "key" })));
    const backend = onlyOfType(resources, BACKEND_BUCKET);
    const key = onlyOfType(resources, SIGNED_URL_KEY);
    expectProps(key, {
      project: "module6-test-000000",
      name: "m6-test-key-cdn-key",
      backendBucket: backend.outputs.name,
    });
    expect(key.propertyDependencies.backendBucket).toContain(backend.urn);
    // The key never appears in the plan, and its source is 16 random bytes whose outputs are secrets.
    expect(key.inputs.keyValue).toBe("[secret]");
    const bytes = onlyOfType(resources, RANDOM_BYTES);
    expectProps(bytes, { length: 16 });
    expect(bytes.outputs.base64).toBe("[secret]");
    expect(key.dependencies).toContain(bytes.urn);
    const value = await valueOf(result.signedUrlKey.keyValue);
    expect(value).toMatch(/^[A-Za-z0-9_-]{22}==$/);
    expect(Buffer.from(value, "base64url")).toHaveLength(16);
    expect(await pulumi.isSecret(result.signedUrlKey.keyValue)).toBe(true);

    // The grant waits for the key: the fill agent does not exist before it.
    const read = onlyOfType(resources, BUCKET_IAM);
    expectProps(read, { role: "roles/storage.objectViewer", member: `serviceAccount:${CDN_FILL}` });
    expect(read.dependencies).toContain(key.urn);
  });

  it("encodes the key as base64url, padding kept like gcloud's recipe", () => {
    expect(toBase64Url("+/+/ab==")).toBe("-_-_ab==");
    expect(toBase64Url(Buffer.from([0xfb, 0xff, 0xbf]).toString("base64"))).toBe("-_-_");
  });

  it("serves index.html for / and 404.html for unknown paths, or the configured pages", async () => {
    const { resources } = await record(() => {
      new StaticSite("site-pages-default", baseArgs({ name: "pages" }));
      new StaticSite(
        "site-pages-custom",
        baseArgs({ name: "pagescustom", mainPageSuffix: "home.html", notFoundPage: "errors/missing.html" }),
      );
    });
    const websites = resourcesOfType(resources, BUCKET).map((b) => b.inputs.website);
    expect(websites).toEqual([
      { mainPageSuffix: "index.html", notFoundPage: "404.html" },
      { mainPageSuffix: "home.html", notFoundPage: "errors/missing.html" },
    ]);
  });

  it("attaches the edge security policy to the backend bucket when given", async () => {
    const { resources } = await record(() => {
      new StaticSite(
        "site-edge",
        baseArgs({ name: "edge", edgeSecurityPolicy: "projects/p/global/securityPolicies/e" }),
      );
      new StaticSite("site-noedge", baseArgs({ name: "noedge" }));
    });
    const withPolicy = named(resources, BACKEND_BUCKET, "site-edge");
    const without = named(resources, BACKEND_BUCKET, "site-noedge");
    expect(withPolicy.inputs.edgeSecurityPolicy).toBe("projects/p/global/securityPolicies/e");
    expect(without.inputs).not.toHaveProperty("edgeSecurityPolicy");
  });

  it("serves the bucket through Cloud CDN with caching, compression and security headers", async () => {
    const { resources } = await record(() => new StaticSite("site-cdn", baseArgs({ name: "cdn" })));
    const bucketName = onlyOfType(resources, BUCKET).inputs.name;
    expect(bucketName).toMatch(/^m6-test-cdn-[0-9a-f]{8}$/);
    const backend = onlyOfType(resources, BACKEND_BUCKET);
    expectProps(backend, {
      project: "module6-test-000000",
      name: "m6-test-cdn",
      bucketName,
      enableCdn: true,
      compressionMode: "AUTOMATIC",
      cdnPolicy: {
        cacheMode: "CACHE_ALL_STATIC",
        defaultTtl: 3600,
        maxTtl: 86400,
        clientTtl: 3600,
        serveWhileStale: 86400,
        negativeCaching: true,
        requestCoalescing: true,
      },
    });
    const cdnPolicy = backend.inputs.cdnPolicy as {
      negativeCachingPolicies?: { code: number; ttl: number }[];
    };
    expect(cdnPolicy.negativeCachingPolicies?.length ?? 0).toBeGreaterThan(0);
    expect(cdnPolicy.negativeCachingPolicies?.map((p) => p.code)).toContain(404);
    expect(backend.inputs.customResponseHeaders).toEqual(DEFAULT_SECURITY_HEADERS);
  });

  it("honours custom CDN TTLs, response headers and bucket location", async () => {
    const { resources } = await record(
      () =>
        new StaticSite(
          "site-custom",
          baseArgs({
            name: "custom",
            location: "ASIA",
            cdn: { defaultTtl: 60, maxTtl: 600, clientTtl: 30, serveWhileStale: 0 },
            responseHeaders: ["X-Content-Type-Options: nosniff"],
          }),
        ),
    );
    expectProps(onlyOfType(resources, BUCKET), { location: "ASIA" });
    const backend = onlyOfType(resources, BACKEND_BUCKET);
    expectProps(backend, {
      cdnPolicy: {
        defaultTtl: 60,
        maxTtl: 600,
        clientTtl: 30,
        serveWhileStale: 0,
        cacheMode: "CACHE_ALL_STATIC",
      },
    });
    expect(backend.inputs.customResponseHeaders).toEqual(["X-Content-Type-Options: nosniff"]);
  });

  it("keeps only the configured CDN TTLs, defaulting the others", async () => {
    const { resources } = await record(
      () => new StaticSite("site-partial-cdn", baseArgs({ name: "partial", cdn: { defaultTtl: 120 } })),
    );
    expectProps(onlyOfType(resources, BACKEND_BUCKET), {
      cdnPolicy: { defaultTtl: 120, maxTtl: 86400, clientTtl: 3600, serveWhileStale: 86400 },
    });
  });

  it("applies the configured retention of old versions", async () => {
    const { resources } = await record(
      () =>
        new StaticSite(
          "site-retention",
          baseArgs({ name: "retention", noncurrentRetentionDays: 7, keepNoncurrentVersions: 0 }),
        ),
    );
    expect(onlyOfType(resources, BUCKET).inputs.lifecycleRules).toEqual([
      {
        action: { type: "Delete" },
        condition: { withState: "ARCHIVED", daysSinceNoncurrentTime: 7, numNewerVersions: 1 },
      },
    ]);
  });

  it("sets CORS only when configured, with default methods and max age", async () => {
    const { resources } = await record(
      () =>
        new StaticSite(
          "site-cors",
          baseArgs({ name: "cors", cors: { origins: ["https://app.example.com", "https://example.com"] } }),
        ),
    );
    expect(onlyOfType(resources, BUCKET).inputs.cors).toEqual([
      expect.objectContaining({
        origins: ["https://app.example.com", "https://example.com"],
        methods: ["GET", "HEAD"],
        maxAgeSeconds: 3600,
      }),
    ]);
  });

  it("passes configured CORS methods and max age through", async () => {
    const { resources } = await record(
      () =>
        new StaticSite(
          "site-cors-custom",
          baseArgs({
            name: "corscustom",
            cors: { origins: ["https://app.example.com:8443"], methods: ["GET"], maxAgeSeconds: 600 },
          }),
        ),
    );
    expect(onlyOfType(resources, BUCKET).inputs.cors).toEqual([
      expect.objectContaining({
        origins: ["https://app.example.com:8443"],
        methods: ["GET"],
        maxAgeSeconds: 600,
      }),
    ]);
  });

  it("grants object writes to the deployer on this bucket only", async () => {
    const { result, resources } = await record(() => {
      const site = new StaticSite("site-write", baseArgs({ name: "write" }));
      site.grantWrite(DEPLOYER);
      site.grantWrite(pulumi.output("serviceAccount:ci@p.iam.gserviceaccount.com"), "ci");
      return site;
    });
    const bucketName = onlyOfType(resources, BUCKET).inputs.name;
    const grants = resourcesOfType(resources, BUCKET_IAM);
    expect(grants).toHaveLength(3);
    const writes = grants.filter((g) => g.inputs.role !== "roles/storage.objectViewer");
    expect(writes.map((g) => [g.inputs.role, g.inputs.member])).toEqual([
      ["roles/storage.objectUser", DEPLOYER],
      ["roles/storage.objectUser", "serviceAccount:ci@p.iam.gserviceaccount.com"],
    ]);
    expect(writes.map((g) => g.name)).toContain("site-write-write-ci");
    for (const grant of writes) {
      expectProps(grant, { bucket: bucketName });
      expect(grant.parent).toBe(await valueOf(result.urn));
    }
    // The reader stays the CDN fill agent only; writers get no broader role.
    const viewers = grants.filter((g) => g.inputs.role === "roles/storage.objectViewer");
    expect(viewers.map((g) => g.inputs.member)).toEqual([`serviceAccount:${CDN_FILL}`]);
    for (const grant of grants) {
      expect(grant.inputs.role).not.toBe("roles/storage.objectAdmin");
      expect(grant.inputs.role).not.toBe("roles/storage.admin");
    }
    expect(resourcesOfType(resources, "gcp:projects/iAMMember:IAMMember")).toHaveLength(0);
  });

  it("refuses an output member without a stable key", async () => {
    const { result } = await record(() => new StaticSite("site-nokey", baseArgs({ name: "nokey" })));
    expect(() => result.grantWrite(pulumi.output(DEPLOYER))).toThrow(/StaticSite\.grantWrite/);
  });

  it("validates before creating anything", async () => {
    const { resources } = await record(() => {
      expect(() => new StaticSite("site-invalid", baseArgs({ noncurrentRetentionDays: 0 }))).toThrow(
        ValidationError,
      );
    });
    expect(resources).toHaveLength(0);
  });
});

describe("validateStaticSiteArgs", () => {
  it("accepts the defaults and a full valid configuration", () => {
    expect(() => validateStaticSiteArgs(baseArgs())).not.toThrow();
    expect(() =>
      validateStaticSiteArgs(
        baseArgs({
          noncurrentRetentionDays: 3650,
          keepNoncurrentVersions: 0,
          cors: { origins: ["https://app.example.com"], methods: ["GET"], maxAgeSeconds: 60 },
          cdn: { defaultTtl: 0, maxTtl: 0, clientTtl: 0, serveWhileStale: 0 },
        }),
      ),
    ).not.toThrow();
  });

  it.each([
    ["an upper-case name", { name: "Static" }, /name: got "Static"; 1-20 of a-z 0-9 '-'/],
    ["a name starting with a digit", { name: "1static" }, /name: got "1static"/],
    [
      "noncurrentRetentionDays 0",
      { noncurrentRetentionDays: 0 },
      /noncurrentRetentionDays: got 0; an integer 1-3650/,
    ],
    [
      "keepNoncurrentVersions -1",
      { keepNoncurrentVersions: -1 },
      /keepNoncurrentVersions: got -1; an integer 0-100/,
    ],
    ["a '*' CORS origin", { cors: { origins: ["*"] } }, /cors\.origins\[0\]: got "\*"; an https origin/],
    [
      "a plain-http CORS origin",
      { cors: { origins: ["https://app.example.com", "http://x.com"] } },
      /cors\.origins\[1\]: got "http:\/\/x\.com"; an https origin/,
    ],
    [
      "defaultTtl above maxTtl",
      { cdn: { defaultTtl: 7200, maxTtl: 3600 } },
      /cdn\.defaultTtl: got 7200; at most cdn\.maxTtl \(3600\)/,
    ],
    [
      "clientTtl above maxTtl",
      { cdn: { clientTtl: 90000 } },
      /cdn\.clientTtl: got 90000; at most cdn\.maxTtl \(86400\)/,
    ],
    [
      "a negative TTL",
      { cdn: { serveWhileStale: -1 } },
      /cdn\.serveWhileStale: got -1; whole seconds, 0 to one year/,
    ],
    ["a negative default TTL", { cdn: { defaultTtl: -5 } }, /cdn\.defaultTtl: got -5; whole seconds/],
    [
      "a main page with a leading slash",
      { mainPageSuffix: "/index.html" },
      /mainPageSuffix: got "\/index\.html"; an object name such as index\.html/,
    ],
    ["an empty not-found page", { notFoundPage: "" }, /notFoundPage: got ""; an object name/],
  ] as [string, Partial<StaticSiteArgs>, RegExp][])("rejects %s", (_case, bad, message) => {
    expect(() => validateStaticSiteArgs(baseArgs(bad))).toThrow(ValidationError);
    expect(() => validateStaticSiteArgs(baseArgs(bad))).toThrow(message);
  });

  it("names the component and reports every problem at once", () => {
    let caught: unknown;
    try {
      validateStaticSiteArgs(baseArgs({ name: "Bad", noncurrentRetentionDays: 0, cors: { origins: ["*"] } }));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.problems.map((p) => p.path)).toEqual(["name", "noncurrentRetentionDays", "cors.origins[0]"]);
    expect(error.message).toMatch(/^StaticSite "Bad": 3 problems\n/);
  });
});
