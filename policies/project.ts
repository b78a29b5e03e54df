/**
 * Cross-cutting rules: allowed regions, required labels, project APIs that survive a destroy, and Pulumi
 * `protect` on stateful resources.
 */
import {
  configProperties,
  DEFAULT_ALLOWED_REGIONS,
  DEFAULT_REQUIRED_LABEL_KEYS,
  readConfig,
  schema,
} from "./lib/config";
import { inEnvironments } from "./lib/environment";
import { effectiveLabels } from "./lib/labels";
import { resourcePolicy, stackPolicy, type Module6Policy } from "./lib/policy";
import { displayName, StackResources } from "./lib/stack";
import { ANY_GCP, T } from "./lib/tokens";
import { isPlainObject, q, rec, records, str, tryRead } from "./lib/values";

/** `gcp:storage/bucket:Bucket` → `storage/bucket`, for messages. */
export const shortType = (type: string): string => type.replace(/^gcp:/, "").replace(/:[A-Za-z0-9]+$/, "");

const MULTI_REGIONS = ["asia", "eu", "us"];

/** True when `location` is allowed: one of `allowed`, `global`, or a multi-region holding an allowed region. */
export function isAllowedLocation(location: string, allowed: readonly string[]): boolean {
  const l = location.toLowerCase();
  if (l === "global" || allowed.some((a) => a.toLowerCase() === l)) return true;
  return MULTI_REGIONS.includes(l) && allowed.some((a) => a.toLowerCase().startsWith(`${l}-`));
}

const LOCATION_PROPS = ["location", "region", "locationId"] as const;

export const allowedRegions = resourcePolicy(
  {
    name: "allowed-regions",
    domain: "project",
    description:
      "Checks that every Google Cloud resource (location, region or locationId, and Secret Manager replicas) is in the allowedRegions policy config (the offline plan and audit take it from the stack's module6:allowedRegions when the config does not set it, and `npm run plan -- --policy-config-out` writes it for `pulumi preview`; default asia-northeast3 and asia-northeast1; global and a multi-region containing an allowed region are accepted). A secret with automatic replication may be stored in any region. Unset location takes the provider's region, checked on the provider.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      "Use the stack's region (or a configured secondary region); give secrets `replication.userManaged.replicas` in allowed regions.",
    configSchema: schema({ allowedRegions: configProperties.allowedRegions }),
    types: [ANY_GCP],
  },
  (props, args, report) => {
    const { allowedRegions: allowed } = readConfig(args, { allowedRegions: DEFAULT_ALLOWED_REGIONS });
    const what = `${shortType(args.type)} ${q(args.name)}`;
    const list = allowed.join(", ");
    for (const prop of LOCATION_PROPS) {
      const value = str(tryRead(() => props[prop]));
      if (value !== undefined && !value.startsWith("[") && !isAllowedLocation(value, allowed)) {
        report(`${what} must be in an allowed region (${list}); ${prop} is ${q(value)}`);
      }
    }
    const replication = tryRead(() => props.replication);
    if (args.type !== T.smSecret || !isPlainObject(replication)) return;
    if (replication.auto !== undefined) {
      report(
        `${what} must replicate only to allowed regions (${list}); automatic replication may store it in any region`,
      );
    }
    for (const replica of records(rec(replication.userManaged).replicas)) {
      const location = str(replica.location);
      if (location !== undefined && !isAllowedLocation(location, allowed)) {
        report(`${what} must replicate only to allowed regions (${list}); a replica is in ${q(location)}`);
      }
    }
  },
);

/** Resource types that take labels, which this pack checks. */
export const LABELLED_TYPES = [
  T.bucket,
  T.runService,
  T.runJob,
  T.smSecret,
  T.repository,
  T.forwardingRule,
  T.globalAddress,
  T.securityPolicy,
  T.certificate,
  T.certificateMap,
  T.certificateMapEntry,
  T.dnsAuthorization,
  T.redis,
  T.cryptoKey,
] as const;

export const requiredLabels = resourcePolicy(
  {
    name: "required-labels",
    domain: "project",
    description:
      "Checks that every labelable resource carries the requiredLabelKeys policy config (default app, env, stack, component, managed-by, team, cost-center), counting the provider's defaultLabels. Labels drive cost reports and the environment exceptions of other policies.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
      "Pass the environment's labels plus `component` through the component's `labels` arg (transforms do not label resources).",
    configSchema: schema({ requiredLabelKeys: configProperties.requiredLabelKeys }),
    types: LABELLED_TYPES,
  },
  (_props, args, report) => {
    const { requiredLabelKeys } = readConfig(args, { requiredLabelKeys: DEFAULT_REQUIRED_LABEL_KEYS });
    const labels = effectiveLabels(args);
    const missing = requiredLabelKeys.filter((key) => !labels[key]);
    if (missing.length === 0) return;
    report(
      `${shortType(args.type)} ${q(args.name)} must carry the labels ${requiredLabelKeys.join(", ")}; missing: ${missing.join(", ")}`,
    );
  },
);

export const projectServiceKeepOnDestroy = resourcePolicy<{ service?: string; disableOnDestroy?: boolean }>(
  {
    name: "project-service-keep-on-destroy",
    domain: "project",
    description:
      "Checks that enabling a project API never disables it on destroy (disableOnDestroy true): destroying one stack would switch the API off for every other stack and resource in the project. Unset disableOnDestroy is false (the API stays enabled).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set `disableOnDestroy: false` (ProjectServices does).",
    types: [T.projectService],
  },
  (api, args, report) => {
    if (api.disableOnDestroy !== true) return;
    report(
      `Project API ${q(api.service ?? args.name)} must stay enabled when the stack is destroyed (disableOnDestroy is true)`,
    );
  },
);

/** Types whose deletion loses data: they carry Pulumi `protect` where the environment is protected. */
export const DEFAULT_STATEFUL_TYPES: readonly string[] = [
  T.firestoreDatabase,
  T.smSecret,
  T.repository,
  T.cryptoKey,
  T.keyRing,
  T.redis,
  T.sqlInstance,
];

export const statefulResourcesProtected = stackPolicy(
  {
    name: "stateful-resources-protected",
    domain: "project",
    description:
      "Checks that every stateful resource (statefulTypes policy config; default Firestore databases, secrets, Artifact Registry repositories, KMS keys and key rings, Redis and Cloud SQL instances) carries Pulumi `protect` in the configured environments (default prod and staging); feature stacks are exempt so one `pulumi destroy` removes them.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Keep `protect: true` (the components set it from the environment's protection preset); unprotecting is a deliberate two-step change.",
    configSchema: schema({
      environments: configProperties.environments(["prod", "staging"]),
      statefulTypes: {
        type: "array",
        items: { type: "string" },
        default: [...DEFAULT_STATEFUL_TYPES],
        description: "Resource type tokens whose resources must carry Pulumi protect.",
      },
    }),
  },
  (args, report) => {
    const { environments, statefulTypes } = readConfig(args, {
      environments: ["prod", "staging"],
      statefulTypes: [...DEFAULT_STATEFUL_TYPES],
    });
    for (const r of new StackResources(args.resources).ofType(...statefulTypes)) {
      if (r.opts.protect || !inEnvironments(r, args.stackTags, environments)) continue;
      report(
        `${shortType(r.type)} ${q(displayName(r))} must carry Pulumi protect in this environment`,
        r.urn,
      );
    }
  },
);

export const projectPolicies: readonly Module6Policy[] = [
  allowedRegions,
  requiredLabels,
  projectServiceKeepOnDestroy,
  statefulResourcesProtected,
];
