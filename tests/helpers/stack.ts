/**
 * Stack-level assertions over a plan: labels on every labelable resource, names within Google Cloud's
 * limits (written here from GCP's documentation, independently of the program's naming module),
 * explicit providers, and every resource waiting for the APIs it needs.
 */
import * as gcp from "@pulumi/gcp";
import { beforeAll, expect } from "vitest";
import type { RecordedResource } from "../../plan/record";
import type { PlanResult } from "../../plan/run";
import { REQUIRED_LABEL_KEYS } from "../../stacks/labels";
import { sharedPlan } from "./shared-plans";

/**
 * The plan of `stack` (the run's shared plan, see shared-plans.ts) for the test file; `ofType` reads it
 * after `beforeAll`.
 */
export function planOnce(stack: string): {
  plan: () => PlanResult;
  ofType: (type: string) => RecordedResource[];
} {
  let result: PlanResult | undefined;
  beforeAll(async () => {
    result = await sharedPlan(stack);
  }, 120_000);
  const plan = (): PlanResult => {
    if (!result) throw new Error("the plan has not run");
    return result;
  };
  return { plan, ofType: (type) => plan().resources.filter((r) => r.type === type) };
}

/**
 * The input that holds a resource's own labels, read from the provider SDK's class for `type`: `userLabels`
 * where the class has one (monitoring resources, whose `labels` configure the channel), else `labels`.
 * Undefined for types that take no labels. A new labelable type is covered without editing a list.
 */
export function labelField(type: string): "labels" | "userLabels" | undefined {
  const match = /^gcp:([a-zA-Z0-9]+)\/[a-zA-Z0-9]+:([A-Za-z0-9]+)$/.exec(type);
  if (!match) return undefined;
  const [, module, cls] = match;
  const ns = (gcp as unknown as Record<string, Record<string, unknown> | undefined>)[module ?? ""];
  const ctor = ns?.[cls ?? ""];
  if (typeof ctor !== "function") return undefined;
  const source = ctor.toString();
  if (/resourceInputs\["userLabels"\] = args/.test(source)) return "userLabels";
  if (/resourceInputs\["labels"\] = args/.test(source)) return "labels";
  return undefined;
}

/** Google Cloud's own name rules per resource type (from the GCP documentation of each resource). */
export const GCP_NAME_RULES: Readonly<Record<string, { field: string; pattern: RegExp }>> = {
  // Service account ids: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter.
  "gcp:serviceaccount/account:Account": { field: "accountId", pattern: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/ },
  // Cloud Run service names: at most 49 characters; this program keeps 46 for name + "-" + an 8-char tag.
  "gcp:cloudrunv2/service:Service": { field: "name", pattern: /^[a-z](?:[a-z0-9-]{0,35}[a-z0-9])?$/ },
  // Firestore database ids: 4-63 characters, lowercase letters, digits and hyphens.
  "gcp:firestore/database:Database": { field: "name", pattern: /^[a-z][a-z0-9-]{2,61}[a-z0-9]$/ },
  // Secret ids: up to 255 of letters, digits, '-' and '_'.
  "gcp:secretmanager/secret:Secret": { field: "secretId", pattern: /^[A-Za-z0-9_-]{1,255}$/ },
  // Artifact Registry repository ids: up to 63, lowercase letters, digits and hyphens, starting with a letter.
  "gcp:artifactregistry/repository:Repository": {
    field: "repositoryId",
    pattern: /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
  },
  // Compute Engine names (RFC 1035): 1-63 characters.
  "gcp:compute/backendService:BackendService": {
    field: "name",
    pattern: /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
  },
  "gcp:compute/securityPolicy:SecurityPolicy": {
    field: "name",
    pattern: /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
  },
  "gcp:compute/globalForwardingRule:GlobalForwardingRule": {
    field: "name",
    pattern: /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
  },
  "gcp:compute/backendBucketSignedUrlKey:BackendBucketSignedUrlKey": {
    field: "name",
    pattern: /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
  },
};

export function expectEveryLabelableResourceLabelled(resources: readonly RecordedResource[]): number {
  const labelable = resources.filter((r) => r.custom && labelField(r.type) !== undefined);
  for (const r of labelable) {
    const labels = (r.inputs[labelField(r.type) ?? "labels"] ?? {}) as Record<string, string>;
    for (const key of REQUIRED_LABEL_KEYS) expect(labels[key], `${r.urn} label ${key}`).toBeTruthy();
    for (const [k, v] of Object.entries(labels)) {
      // GCP label rules: keys start with a lowercase letter; keys and values ≤ 63 of [a-z0-9_-].
      expect(k, `${r.urn} label key`).toMatch(/^[a-z][a-z0-9_-]{0,62}$/);
      expect(v, `${r.urn} label ${k}`).toMatch(/^[a-z0-9_-]{0,63}$/);
    }
  }
  return labelable.length;
}

export function expectEveryNameWithinLimits(resources: readonly RecordedResource[]): number {
  let checked = 0;
  for (const r of resources) {
    const rule = GCP_NAME_RULES[r.type];
    if (!rule) continue;
    expect(r.inputs[rule.field], `${r.urn} ${rule.field}`).toMatch(rule.pattern);
    checked++;
  }
  return checked;
}

export function expectExplicitProviders(resources: readonly RecordedResource[], stack: string): void {
  // Default providers are disabled in every stack file: each package (gcp, random, time) has its own.
  for (const r of resources.filter((x) => x.custom && !x.type.startsWith("pulumi:"))) {
    const pkg = r.type.split(":")[0] ?? "";
    expect(r.provider, r.urn).toMatch(
      new RegExp(`^urn:pulumi:${stack}::module6::pulumi:providers:${pkg}::${pkg}::`),
    );
  }
}

/**
 * Every Google Cloud resource waits, directly or through what it depends on, for the project's APIs:
 * on a new project nothing is created before its API is enabled.
 */
export function expectEverythingWaitsForApis(resources: readonly RecordedResource[]): number {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const reachesApi = (r: RecordedResource, seen = new Set<string>()): boolean =>
    r.dependencies.some((urn) => {
      if (seen.has(urn)) return false;
      seen.add(urn);
      const dep = byUrn.get(urn);
      return dep?.type === "gcp:projects/service:Service" || (dep !== undefined && reachesApi(dep, seen));
    });
  const checked = resources.filter(
    (r) => r.custom && r.type.startsWith("gcp:") && r.type !== "gcp:projects/service:Service",
  );
  for (const r of checked) expect(reachesApi(r), `${r.urn} waits for the APIs`).toBe(true);
  return checked.length;
}

/** Seconds of a `time.Sleep` duration such as `2m` or `30s`. */
function sleepSeconds(r: RecordedResource): number {
  const duration = r.inputs.createDuration;
  const match = /^(\d+)(s|m)$/.exec(typeof duration === "string" ? duration : "");
  return match ? Number(match[1]) * (match[2] === "m" ? 60 : 1) : 0;
}

/**
 * The longest chain of waits (`time.Sleep`) along the dependency graph, in seconds, and the resource at
 * its end: what the waits add to the critical path of a first `up` (other steps aside).
 */
export function longestWait(resources: readonly RecordedResource[]): { seconds: number; through: string[] } {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const memo = new Map<string, { seconds: number; through: string[] }>();
  const chain = (r: RecordedResource): { seconds: number; through: string[] } => {
    const known = memo.get(r.urn);
    if (known) return known;
    let best = { seconds: 0, through: [] as string[] };
    for (const dep of r.dependencies) {
      const d = byUrn.get(dep);
      if (d === undefined) continue;
      const c = chain(d);
      if (c.seconds > best.seconds) best = c;
    }
    const own = r.type === "time:index/sleep:Sleep" ? sleepSeconds(r) : 0;
    const result = own > 0 ? { seconds: best.seconds + own, through: [...best.through, r.name] } : best;
    memo.set(r.urn, result);
    return result;
  };
  return resources.reduce(
    (max, r) => {
      const c = chain(r);
      return c.seconds > max.seconds ? c : max;
    },
    { seconds: 0, through: [] as string[] },
  );
}

/** A Cloud Run service's Direct VPC egress and its first container's environment (value or source). */
export function runTemplate(run: RecordedResource | undefined): {
  vpcAccess: unknown;
  envs: Record<string, unknown>;
} {
  const template = run?.inputs.template as
    | {
        vpcAccess?: unknown;
        containers?: { envs?: { name: string; value?: string; valueSource?: unknown }[] }[];
      }
    | undefined;
  const envs = template?.containers?.[0]?.envs ?? [];
  return {
    vpcAccess: template?.vpcAccess,
    envs: Object.fromEntries(envs.map((e) => [e.name, e.value ?? e.valueSource])),
  };
}

/** The Direct VPC egress a service that uses the cache gets: private ranges through `<vpc>-<region>`. */
export function privateEgress(project: string, vpc: string, region: string): unknown {
  return {
    egress: "PRIVATE_RANGES_ONLY",
    networkInterfaces: [
      {
        network: `projects/${project}/global/networks/${vpc}`,
        subnetwork: `projects/${project}/regions/${region}/subnetworks/${vpc}-${region}`,
      },
    ],
  };
}
