import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Component } from "./shared/component";
import { uniqueBucketName } from "./shared/bucket-name";
import { grantKey } from "./shared/grants";
import { SECURITY_HEADERS } from "./shared/security-headers";
import { componentLabels, type CommonArgs, type EncryptionKey, type Member } from "./shared/types";
import { SECONDS_PER_DAY, SECONDS_PER_HOUR } from "./shared/durations";
import { integerRule, patternRule, Problems, type ProblemSink } from "./shared/validation";

/** CORS of the asset bucket. */
export interface StaticSiteCors {
  /** Allowed origins, e.g. `https://app.example.com`. */
  readonly origins: readonly string[];
  /**
   * Allowed methods.
   * @default ["GET", "HEAD"]
   */
  readonly methods?: readonly string[];
  /**
   * Preflight cache lifetime in seconds.
   * @default 3600
   */
  readonly maxAgeSeconds?: number;
}

/** Cloud CDN cache settings (seconds). */
export interface CdnSettings {
  /**
   * TTL for responses without cache headers.
   * @default 3600
   */
  readonly defaultTtl?: number;
  /**
   * Upper bound of any TTL.
   * @default 86400
   */
  readonly maxTtl?: number;
  /**
   * TTL sent to browsers.
   * @default 3600
   */
  readonly clientTtl?: number;
  /**
   * How long a stale object may be served while it is revalidated.
   * @default 86400
   */
  readonly serveWhileStale?: number;
}

/** Arguments of {@link StaticSite}. */
export interface StaticSiteArgs extends CommonArgs {
  /** Logical name; the bucket is `<prefix>-<env>-<name>-<random>`. */
  readonly name: string;
  /**
   * Bucket location (a region or multi-region).
   * @default - the site's `region`
   */
  readonly location?: string;
  /**
   * CORS of the bucket.
   * @default - no CORS
   */
  readonly cors?: StaticSiteCors;
  /**
   * Old (noncurrent) versions are deleted this many days after they were replaced.
   * @default 30
   */
  readonly noncurrentRetentionDays?: number;
  /**
   * Noncurrent versions kept per object regardless of age (for rollback).
   * @default 3
   */
  readonly keepNoncurrentVersions?: number;
  /**
   * Cloud CDN cache settings.
   * @default {}
   */
  readonly cdn?: CdnSettings;
  /**
   * Response headers added to every asset.
   * @default - SECURITY_HEADERS: HSTS, no sniffing, no framing, a strict referrer policy
   */
  readonly responseHeaders?: readonly string[];
  /**
   * Email of the Cloud CDN fill service agent (`service-<number>@cloud-cdn-fill.iam.gserviceaccount.com`),
   * the only identity that reads the private bucket.
   */
  readonly cdnFillServiceAgent: pulumi.Input<string>;
  /**
   * Object served for `/` and for every "directory" path (the bucket's website `mainPageSuffix`).
   * @default "index.html"
   */
  readonly mainPageSuffix?: string;
  /**
   * Object served, with status 404, for a path that matches no object (the bucket's website `notFoundPage`).
   * @default "404.html"
   */
  readonly notFoundPage?: string;
  /**
   * A `CLOUD_ARMOR_EDGE` security policy (its id) evaluated before the CDN cache for every request.
   * @default - none
   */
  readonly edgeSecurityPolicy?: pulumi.Input<string>;
  /**
   * Customer-managed default key of the bucket, in its location, granted to Cloud Storage's service agent
   * (`KmsKeys.key("storage")`). The agent encrypts and decrypts; readers such as Cloud CDN's fill agent
   * need no key permission (https://cloud.google.com/storage/docs/encryption/customer-managed-keys).
   * The bucket is created after the grant. Changing it updates the bucket in place; new objects use it.
   * @default - a Google-managed key
   */
  readonly encryptionKey?: EncryptionKey;
}

/** Standard base64 to RFC 4648 §5 base64url (`+` → `-`, `/` → `_`), padding kept as gcloud's recipe does. */
export function toBase64Url(base64: string): string {
  return base64.replace(/\+/g, "-").replace(/\//g, "_");
}

/** Cloud CDN's settings when {@link StaticSiteArgs.cdn} leaves them out. */
export const CDN_DEFAULTS: Required<CdnSettings> = {
  defaultTtl: SECONDS_PER_HOUR,
  maxTtl: SECONDS_PER_DAY,
  clientTtl: SECONDS_PER_HOUR,
  serveWhileStale: SECONDS_PER_DAY,
};

/** CORS settings when {@link StaticSiteCors} leaves them out. */
export const CORS_DEFAULTS = { methods: ["GET", "HEAD"], maxAgeSeconds: SECONDS_PER_HOUR } as const;

/** The rules of single fields of {@link StaticSiteArgs}; the stack config applies them to its keys. */
export const STATIC_SITE_RULES = {
  origin: patternRule(
    /^https:\/\/[a-z0-9.-]+(:\d+)?$/,
    "an https origin such as https://app.example.com (no '*')",
  ),
  /** A cache lifetime in seconds (TTLs, CORS preflight). */
  seconds: integerRule(0, 31_622_400, "whole seconds, 0 to one year"),
};

/** No TTL above the cache's upper bound `maxTtl` (each checked once it is valid itself). */
export function checkCdnTtls(p: ProblemSink, settings: CdnSettings | undefined): void {
  const cdn = { ...CDN_DEFAULTS, ...settings };
  const valid = (v: number): boolean => STATIC_SITE_RULES.seconds.test(v);
  if (!valid(cdn.maxTtl)) return;
  for (const key of ["defaultTtl", "clientTtl"] as const) {
    if (valid(cdn[key]))
      p.check(cdn[key] <= cdn.maxTtl, `cdn.${key}`, cdn[key], `at most cdn.maxTtl (${cdn.maxTtl})`);
  }
}

/** Checks {@link StaticSiteArgs}; throws one `ValidationError` naming every problem. */
export function validateStaticSiteArgs(args: StaticSiteArgs): void {
  const p = new Problems(`StaticSite "${args.name}"`);
  const r = STATIC_SITE_RULES;
  p.check(
    /^[a-z][a-z0-9-]{0,19}$/.test(args.name),
    "name",
    args.name,
    "1-20 of a-z 0-9 '-', starting with a letter",
  );
  const days = args.noncurrentRetentionDays ?? 30;
  p.integer("noncurrentRetentionDays", days, 1, 3650);
  const keep = args.keepNoncurrentVersions ?? 3;
  p.integer("keepNoncurrentVersions", keep, 0, 100);
  (args.cors?.origins ?? []).forEach((o, i) => p.rule(`cors.origins[${i}]`, o, r.origin));
  if (args.cors?.maxAgeSeconds !== undefined)
    p.rule("cors.maxAgeSeconds", args.cors.maxAgeSeconds, r.seconds);
  const cdn = { ...CDN_DEFAULTS, ...args.cdn };
  for (const [key, value] of Object.entries(cdn)) p.rule(`cdn.${key}`, value, r.seconds);
  checkCdnTtls(p, args.cdn);
  for (const key of ["mainPageSuffix", "notFoundPage"] as const) {
    const value = args[key];
    if (value !== undefined)
      p.check(
        /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(value),
        key,
        value,
        "an object name such as index.html (no leading '/')",
      );
  }
  p.throwIfAny();
}

/**
 * Static assets: a private, versioned Cloud Storage bucket served through a backend bucket with Cloud CDN.
 *
 * The bucket is not public: public access prevention is enforced, and only the Cloud CDN fill service agent
 * may read objects. Google creates that agent only when a signed-URL key is added to a backend bucket, so
 * the site adds one (a random 128-bit key kept as a Pulumi secret) and grants the agent only after it.
 * `/` and directory paths serve `index.html`, unknown paths `404.html` (the bucket's website settings).
 * Writes are granted per member with `grantWrite`.
 */
export class StaticSite extends Component {
  readonly bucket: gcp.storage.Bucket;
  readonly backendBucket: gcp.compute.BackendBucket;
  /** The signed-URL key whose creation makes Google create the Cloud CDN fill service agent. */
  readonly signedUrlKey: gcp.compute.BackendBucketSignedUrlKey;
  /** The bucket's name. */
  readonly bucketName: pulumi.Output<string>;
  private readonly baseName: string;

  constructor(name: string, args: StaticSiteArgs, opts?: pulumi.ComponentResourceOptions) {
    validateStaticSiteArgs(args);
    super("module6:edge:StaticSite", name, opts);
    this.baseName = name;
    const labels = componentLabels(args.labels, "static-site");
    const cdn = { ...CDN_DEFAULTS, ...args.cdn };

    this.bucket = new gcp.storage.Bucket(
      name,
      {
        project: args.project,
        name: uniqueBucketName(name, args.name, args.naming, this),
        location: args.location ?? args.region,
        storageClass: "STANDARD",
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        versioning: { enabled: true },
        // The load balancer serves `/` from the main page and unknown paths from the not-found page, as
        // for a static website behind a load balancer: https://cloud.google.com/storage/docs/static-website
        // (MainPageSuffix, NotFoundPage) and https://cloud.google.com/storage/docs/hosting-static-website.
        website: {
          mainPageSuffix: args.mainPageSuffix ?? "index.html",
          notFoundPage: args.notFoundPage ?? "404.html",
        },
        labels,
        lifecycleRules: [
          {
            action: { type: "Delete" },
            condition: {
              withState: "ARCHIVED",
              daysSinceNoncurrentTime: args.noncurrentRetentionDays ?? 30,
              numNewerVersions: (args.keepNoncurrentVersions ?? 3) + 1,
            },
          },
        ],
        cors: args.cors
          ? [
              {
                origins: [...args.cors.origins],
                methods: [...(args.cors.methods ?? CORS_DEFAULTS.methods)],
                responseHeaders: ["Content-Type", "Cache-Control"],
                maxAgeSeconds: args.cors.maxAgeSeconds ?? CORS_DEFAULTS.maxAgeSeconds,
              },
            ]
          : undefined,
        ...(args.encryptionKey ? { encryption: { defaultKmsKeyName: args.encryptionKey.kmsKeyName } } : {}),
      },
      this.child(args.encryptionKey?.ready ? { dependsOn: [args.encryptionKey.ready] } : {}),
    );
    this.bucketName = this.bucket.name;

    this.backendBucket = new gcp.compute.BackendBucket(
      name,
      {
        project: args.project,
        name: args.naming.name("generic", args.name),
        description: "Static assets through Cloud CDN (managed by Pulumi)",
        bucketName: this.bucket.name,
        enableCdn: true,
        edgeSecurityPolicy: args.edgeSecurityPolicy,
        compressionMode: "AUTOMATIC",
        customResponseHeaders: [...(args.responseHeaders ?? SECURITY_HEADERS)],
        cdnPolicy: {
          cacheMode: "CACHE_ALL_STATIC",
          defaultTtl: cdn.defaultTtl,
          maxTtl: cdn.maxTtl,
          clientTtl: cdn.clientTtl,
          serveWhileStale: cdn.serveWhileStale,
          negativeCaching: true,
          negativeCachingPolicies: [
            { code: 404, ttl: 60 },
            { code: 410, ttl: 120 },
          ],
          requestCoalescing: true,
        },
      },
      this.child(),
    );

    // The Cloud CDN fill service agent (`service-<n>@cloud-cdn-fill…`) does not exist until a signed-URL key
    // is added to a backend bucket ("Use signed URLs", Configure permissions:
    // https://cloud.google.com/cdn/docs/using-signed-urls#configure_permissions), so granting it before
    // fails on every `up`. The key is 128 random bits, RFC 4648 §5 base64url as `gcloud compute
    // backend-buckets add-signed-url-key` documents it (`head -c 16 /dev/urandom | base64 | tr +/ -_`,
    // https://cloud.google.com/sdk/gcloud/reference/compute/backend-buckets/add-signed-url-key); RandomBytes
    // keeps it a secret in the state. Unsigned requests are still served: Cloud CDN validates only requests
    // that carry a Signature parameter (https://cloud.google.com/cdn/docs/private-content).
    const keyBytes = new random.RandomBytes(`${name}-cdn-key`, { length: 16 }, this.child());
    this.signedUrlKey = new gcp.compute.BackendBucketSignedUrlKey(
      `${name}-cdn-key`,
      {
        project: args.project,
        name: args.naming.name("generic", `${args.name}-cdn-key`),
        backendBucket: this.backendBucket.name,
        keyValue: pulumi.secret(keyBytes.base64.apply(toBase64Url)),
      },
      // A fixed name: a replacement must delete the old key first.
      this.child({ deleteBeforeReplace: true }),
    );

    // The load balancer reads the private bucket as the Cloud CDN fill service agent: objectViewer only,
    // granted once the key above has made Google create the agent.
    new gcp.storage.BucketIAMMember(
      `${name}-cdn-read`,
      {
        bucket: this.bucket.name,
        role: "roles/storage.objectViewer",
        member: pulumi.interpolate`serviceAccount:${args.cdnFillServiceAgent}`,
      },
      this.child({ dependsOn: [this.signedUrlKey] }),
    );
    this.registerOutputs({ bucketName: this.bucketName, backendBucket: this.backendBucket.selfLink });
  }

  /** Lets `member` (the deployer that uploads assets) create, replace and delete objects, nothing else. */
  grantWrite(member: Member, key?: string): gcp.storage.BucketIAMMember {
    return new gcp.storage.BucketIAMMember(
      `${this.baseName}-write-${grantKey(member, key, "StaticSite.grantWrite")}`,
      { bucket: this.bucket.name, role: "roles/storage.objectUser", member },
      this.child(),
    );
  }
}
