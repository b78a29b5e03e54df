/**
 * The schema of a stack's config: every `module6:*` key of `Pulumi.<stack>.yaml`, one zod schema per key
 * (section), with its type, range, default, meaning and the rules between its own fields. The rules come
 * from the components that own them; the configuration reference (docs/configuration.md) is generated
 * from this schema. Rules that join sections or depend on the kind are in the sections' resolvers.
 */
import { z } from "zod";
import { ARTIFACT_REGISTRY_DEFAULTS, ARTIFACT_REGISTRY_RULES } from "../components/artifact-registry";
import { CLOUD_RUN_RULES } from "../components/cloud-run-service";
import { LOAD_BALANCER_RULES } from "../components/https-load-balancer";
import { API_RULE } from "../components/project-services";
import { SECRET_SET_RULES } from "../components/secret-set";
import { PROJECT_ID_RULE } from "../components/shared/project-id";
import { patternRule } from "../components/shared/validation";
import { edgeSchema } from "./config-edge";
import {
  byKind,
  doc,
  docDefault,
  iapMemberSchema,
  keyed,
  memberSchema,
  regionSchema,
  ruled,
} from "./config-fields";
import { cmekSchema, networkSchema, redisSchema } from "./config-data-tier";
import { firestoreSchema } from "./config-firestore";
import { monitoringSchema } from "./config-monitoring";
import { observabilitySchema } from "./config-observability";
import { servicesSchema } from "./config-services";
import { LABEL_KEY_RULE } from "./labels";
import { NAMESPACE } from "./namespace";
import { KINDS } from "./presets";
import { releasesSchema } from "./releases";

/** The staging stack of a self-managed backend (`pulumi login gs://…`), whose organization is `organization`. */
export const DEFAULT_STAGING_STACK = `organization/${NAMESPACE}/staging`;

/** The app name (the `app` label): 1-20 of a-z 0-9 '-', a letter first, no '-' at the end, no '--'. */
const APP_NAME_RULE = patternRule(
  /^[a-z](?!.*--)([a-z0-9-]{0,18}[a-z0-9])?$/,
  "1-20 of a-z 0-9 '-', starting with a letter, not ending with '-' nor holding '--'",
);

const REQUIRED_LABELS = ["team", "cost-center"];
const labelsSchema = keyed(z.record(z.string(), z.string()), LABEL_KEY_RULE).superRefine((labels, ctx) => {
  for (const key of REQUIRED_LABELS)
    if (!labels[key])
      ctx.addIssue({ code: "custom", path: [key], input: labels[key], message: "a non-empty label value" });
});

const secretSchema = z.strictObject({
  description: doc(z.string().max(200).optional(), "What the secret is for; stored as an annotation."),
  replicaLocations: doc(
    ruled(z.array(regionSchema()), SECRET_SET_RULES.replicaLocations).optional(),
    "Regions that hold replicas (user-managed replication); each one of `allowedRegions`.",
    "the stack's `region`",
  ),
});

const runDefaultsSchema = z.strictObject({
  minInstances: doc(
    ruled(z.int(), CLOUD_RUN_RULES.minInstances).optional(),
    "Instances every service keeps warm.",
    byKind((p) => p.runDefaults.minInstances),
  ),
  maxInstances: doc(
    ruled(z.int(), CLOUD_RUN_RULES.maxInstances).optional(),
    "Most instances of every service.",
    byKind((p) => p.runDefaults.maxInstances),
  ),
  cpuIdle: doc(
    z.boolean().optional(),
    "CPU only during requests (`true`) or always allocated.",
    byKind((p) => p.runDefaults.cpuIdle),
  ),
  startupCpuBoost: doc(
    z.boolean().optional(),
    "Extra CPU during start-up.",
    byKind((p) => p.runDefaults.startupCpuBoost),
  ),
});

const protectionSchema = z.strictObject({
  deletionProtection: doc(
    z.boolean().optional(),
    "The provider's deletion protection (Cloud Run, Secret Manager): always on in prod, off in feature stacks.",
    byKind((p) => p.protection.deletionProtection),
  ),
  protect: doc(
    z.boolean().optional(),
    "Pulumi `protect` on stateful resources: always on in prod, off in feature stacks.",
    byKind((p) => p.protection.protect),
  ),
});

const AR = ARTIFACT_REGISTRY_RULES;
const artifactRegistrySchema = z.strictObject({
  keepTaggedVersions: docDefault(
    ruled(z.int(), AR.keepTaggedVersions).optional(),
    "Newest versions per image that cleanup always keeps.",
    ARTIFACT_REGISTRY_DEFAULTS.keepTaggedVersions,
  ),
  untaggedRetentionDays: docDefault(
    ruled(z.int(), AR.retentionDays).optional(),
    "Days after which untagged versions are deleted.",
    ARTIFACT_REGISTRY_DEFAULTS.untaggedRetentionDays,
  ),
  taggedRetentionDays: doc(
    ruled(z.int(), AR.retentionDays).optional(),
    "Days after which tagged versions are deleted unless among the newest `keepTaggedVersions`.",
    "never: an image a revision or a rollback target uses must not disappear",
  ),
  immutableTags: docDefault(
    z.boolean().optional(),
    "Tags cannot be moved or overwritten once pushed.",
    ARTIFACT_REGISTRY_DEFAULTS.immutableTags,
  ),
});

/** Every `module6:*` key a stack may set, except the secret values (`module6:secret-<name>`, `channel-<name>`). */
export const configSchema = z.strictObject({
  kind: doc(
    z.enum(KINDS),
    "The environment kind: selects the preset (scaling, protection, exposure, monitoring); `feature` only for stacks named `feature-<slug>`.",
  ),
  gcpProject: doc(ruled(z.string(), PROJECT_ID_RULE), "The GCP project."),
  region: doc(regionSchema(), "The region of regional resources and the services' first region."),
  prefix: doc(
    ruled(z.string(), patternRule(/^[a-z][a-z0-9]{0,5}$/, "1-6 of a-z 0-9, starting with a letter")).default(
      "m6",
    ),
    "Names are `<prefix>-<env>-<name>`.",
  ),
  app: doc(ruled(z.string(), APP_NAME_RULE).default("module6"), "The `app` label."),
  domain: doc(
    ruled(z.string(), LOAD_BALANCER_RULES.domain).optional(),
    "The environment's public domain; required in prod and staging.",
  ),
  labels: doc(
    labelsSchema,
    "Labels on every resource, next to `app`, `env`, `stack`, `component` and `managed-by`; `team` and `cost-center` are required.",
  ),
  owners: doc(z.array(memberSchema).min(1, "at least one owner group"), "Groups that own the environment."),
  reviewers: doc(
    z.array(iapMemberSchema).optional(),
    "Who may reach a feature environment through IAP (feature stacks inherit staging's).",
    "the `owners`",
  ),
  services: servicesSchema,
  secrets: doc(
    keyed(z.record(z.string(), secretSchema), SECRET_SET_RULES.name).default({}),
    "Declared secrets by name. Values live in `module6:secret-<name>`, set with `pulumi config set --secret`.",
  ),
  allowedRegions: doc(
    z.array(regionSchema()).optional(),
    "Regions secret replicas may live in.",
    "the stack's `region`",
  ),
  firestore: doc(firestoreSchema.optional(), "The environment's Firestore (native mode) database.", "none"),
  runDefaults: doc(
    runDefaultsSchema.optional(),
    "Defaults of every service, field by field over the preset.",
  ),
  protection: doc(
    protectionSchema.optional(),
    "Protection of stateful resources, field by field over the preset.",
  ),
  artifactRegistry: doc(
    artifactRegistrySchema.optional(),
    "The project's Docker repository (prod and staging own one each).",
  ),
  apis: doc(
    z.array(ruled(z.string(), API_RULE)).default([]),
    "APIs to enable besides the ones the program needs.",
  ),
  vpc: doc(
    z
      .strictObject({
        network: doc(z.string().min(1), "VPC network name or self link."),
        subnetwork: doc(z.string().min(1), "Subnetwork in the stack's region."),
      })
      .optional(),
    "An existing network (e.g. a shared VPC) for services with `vpcEgress: true`, instead of this project's `network` (not both).",
    "none",
  ),
  network: doc(
    networkSchema.optional(),
    "The project's VPC (docs/data-tier.md): subnets, Cloud NAT, private services access; prod and staging only. Services with `uses: [redis]` or `vpcEgress` reach it by Direct VPC egress.",
    "none",
  ),
  redis: doc(
    redisSchema.optional(),
    "The project's Memorystore for Redis cache (private, AUTH, TLS, `allkeys-lru`); prod and staging only, feature stacks share staging's.",
    "none",
  ),
  cmek: doc(
    cmekSchema.optional(),
    "Customer-managed keys (Cloud KMS) for Firestore, buckets, secrets, the registry, Redis and log buckets; on in prod, staging may opt in, never in feature stacks.",
    "none: Google-managed keys",
  ),
  edge: doc(edgeSchema.optional(), "The load balancer, Cloud Armor and the static site (prod and staging)."),
  monitoring: doc(
    monitoringSchema.optional(),
    "Service levels, alerts, channels, logging and the budget; required in prod and staging, refused in feature stacks.",
  ),
  observability: doc(
    observabilitySchema.optional(),
    "The observability plane (docs/observability.md): a GKE Autopilot cluster in the project's `network` and Grafana from a pinned Helm chart, with dashboards generated from the Cloud Monitoring ones; prod and staging only, refused in feature stacks.",
    "none: off",
  ),
  releases: doc(
    releasesSchema.optional(),
    "Releases in progress, by service. Written only by `npm run ops -- release …`: never edit it by hand.",
    "none",
  ),
  stagingStack: doc(
    ruled(
      z.string(),
      patternRule(
        /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
        "a fully qualified stack name <org>/<project>/<stack>",
      ),
    ).default(DEFAULT_STAGING_STACK),
    "The stack a feature stack reads shared outputs (secrets, registry, IAP agent) from.",
  ),
});

/** The config keys, in the order of the reference. */
export const CONFIG_KEYS = Object.keys(configSchema.shape) as (keyof typeof configSchema.shape)[];

export type ParsedConfig = z.output<typeof configSchema>;
