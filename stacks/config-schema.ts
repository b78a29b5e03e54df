/**
 * The schema of a stack's config (`module6:*` keys in `Pulumi.<stack>.yaml`). Types, formats and unknown
 * keys are checked here; rules that span fields are in `config.ts`.
 */
import { z } from "zod";
import { FIRESTORE_MULTI_REGIONS, REGIONS } from "./regions";
import { KINDS } from "./presets";
import { monitoringSchema, serviceLevelsSchema } from "./config-monitoring";
import { releasesSchema } from "./releases";

const name = (what: string, max: number) =>
  z
    .string()
    .regex(
      new RegExp(`^[a-z][a-z0-9-]{0,${max - 1}}$`),
      `a ${what} of 1-${max} a-z 0-9 '-', starting with a letter`,
    )
    .refine(
      (v) => !v.endsWith("-") && !v.includes("--"),
      `a ${what} that does not end with '-' or hold '--'`,
    );

const member = z
  .string()
  .regex(/^(group|user|domain|serviceAccount):\S+$/, "an IAM member such as group:team@example.com");

const REGION_RULE = "a Google Cloud region such as asia-northeast3 (the list is in stacks/regions.ts)";
const region = () => z.enum(REGIONS, { error: REGION_RULE });

const count = (min: number, max: number) => z.int().min(min).max(max);

export const routeSchema = z
  .string()
  .regex(
    /^\/([A-Za-z0-9._~-]+\/)*([A-Za-z0-9._~-]+|\*)?$/,
    "a path such as /api/* or /health (no '*' but at the end)",
  );

export const serviceSchema = z.strictObject({
  image: z.string().min(1, "an image reference"),
  cpu: z.string().optional(),
  memory: z.string().optional(),
  concurrency: count(1, 1000).optional(),
  minInstances: count(0, 1000).optional(),
  maxInstances: count(1, 1000).optional(),
  port: count(1, 65535).optional(),
  timeoutSeconds: count(1, 3600).optional(),
  healthPath: z.string().optional(),
  readinessPath: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  secretEnv: z.record(z.string(), z.string()).optional(),
  routes: z.array(routeSchema).optional(),
  methodEnforcement: z.boolean().optional(),
  uses: z.array(z.enum(["firestore"])).optional(),
  vpcEgress: z.boolean().optional(),
  description: z.string().max(200).optional(),
  regions: z.array(region()).min(1).optional(),
  access: z.enum(["public", "iap"]).optional(),
  iapMembers: z.array(member).min(1).optional(),
  slo: serviceLevelsSchema.optional(),
  uptimePath: z.string().optional(),
});

const seconds = z.int().min(0).max(31_622_400);

export const edgeSchema = z.strictObject({
  domains: z.array(z.string()).min(1).optional(),
  certificates: z
    .strictObject({
      mode: z.enum(["managed", "certificate-manager"]).optional(),
      domains: z.array(z.string()).min(1).optional(),
    })
    .optional(),
  sslProfile: z.enum(["MODERN", "RESTRICTED"]).optional(),
  logSampleRate: z.number().min(0).max(1).optional(),
  staticPaths: z.array(routeSchema).optional(),
  defaultService: z.string().optional(),
  armor: z
    .strictObject({
      wafSensitivity: z.int().optional(),
      preview: z.boolean().optional(),
      rateLimit: z
        .strictObject({
          requests: z.int().optional(),
          intervalSec: z.int().optional(),
          banRequests: z.int().optional(),
          banDurationSec: z.int().optional(),
        })
        .nullable()
        .optional(),
      adaptiveProtection: z.boolean().optional(),
      allowIpRanges: z.array(z.string()).optional(),
      denyIpRanges: z.array(z.string()).optional(),
      denyRegions: z.array(z.string()).optional(),
    })
    .optional(),
  cors: z
    .strictObject({
      origins: z.array(z.string()).min(1),
      methods: z.array(z.enum(["GET", "HEAD", "OPTIONS"])).optional(),
      maxAgeSeconds: seconds.optional(),
    })
    .optional(),
  cdn: z
    .strictObject({
      defaultTtl: seconds.optional(),
      maxTtl: seconds.optional(),
      clientTtl: seconds.optional(),
      serveWhileStale: seconds.optional(),
    })
    .optional(),
});

const firestoreIndexSchema = z.strictObject({
  collection: z.string(),
  scope: z.enum(["collection", "collection-group"]).optional(),
  fields: z.array(
    z.strictObject({
      path: z.string(),
      order: z.enum(["asc", "desc"]).optional(),
      arrayContains: z.boolean().optional(),
    }),
  ),
});

export const firestoreSchema = z.strictObject({
  location: z.enum([...REGIONS, ...FIRESTORE_MULTI_REGIONS], {
    error: "a Firestore location: a region such as asia-northeast3 or a multi-region (nam5, eur3)",
  }),
  pointInTimeRecovery: z.boolean().optional(),
  deleteProtection: z.boolean().optional(),
  backups: z
    .strictObject({
      dailyRetentionDays: count(1, 98).optional(),
      weeklyRetentionWeeks: count(1, 14).optional(),
    })
    .nullable()
    .optional(),
  indexes: z.array(firestoreIndexSchema).optional(),
  ttlFields: z.array(z.strictObject({ collection: z.string(), field: z.string() })).optional(),
});

/** Every `module6:*` key a stack may set, except the secret values (`module6:secret-<name>`). */
export const configSchema = z.strictObject({
  kind: z.enum(KINDS),
  gcpProject: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "a GCP project id: 6-30 of a-z 0-9 '-', starting with a letter"),
  region: region(),
  prefix: z
    .string()
    .regex(/^[a-z][a-z0-9]{0,5}$/, "1-6 of a-z 0-9, starting with a letter")
    .default("m6"),
  app: name("app name", 20).default("module6"),
  domain: z
    .string()
    .regex(
      /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      "a lowercase DNS name such as app.example.com",
    )
    .optional(),
  labels: z.record(z.string(), z.string()),
  owners: z.array(member).min(1, "at least one owner group"),
  reviewers: z.array(member).optional(),
  services: z.record(z.string(), serviceSchema),
  secrets: z
    .record(
      z.string(),
      z.strictObject({
        description: z.string().max(200).optional(),
        replicaLocations: z.array(region()).optional(),
      }),
    )
    .default({}),
  allowedRegions: z.array(region()).optional(),
  firestore: firestoreSchema.optional(),
  runDefaults: z
    .strictObject({
      minInstances: count(0, 1000).optional(),
      maxInstances: count(1, 1000).optional(),
      cpuIdle: z.boolean().optional(),
      startupCpuBoost: z.boolean().optional(),
    })
    .optional(),
  protection: z
    .strictObject({ deletionProtection: z.boolean().optional(), protect: z.boolean().optional() })
    .optional(),
  artifactRegistry: z
    .strictObject({
      keepTaggedVersions: count(1, 1000).optional(),
      untaggedRetentionDays: count(1, 3650).optional(),
      taggedRetentionDays: count(1, 3650).optional(),
      immutableTags: z.boolean().optional(),
    })
    .optional(),
  apis: z.array(z.string()).optional(),
  vpc: z.strictObject({ network: z.string().min(1), subnetwork: z.string().min(1) }).optional(),
  edge: edgeSchema.optional(),
  monitoring: monitoringSchema.optional(),
  /** Written only by `npm run ops -- release …` (stacks/releases.ts). */
  releases: releasesSchema.optional(),
  stagingStack: z
    .string()
    .regex(
      /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
      "a fully qualified stack name <org>/<project>/<stack>",
    )
    .optional(),
});

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type ServiceInput = z.output<typeof serviceSchema>;
