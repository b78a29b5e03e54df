/**
 * The policy benchmark: `node --import tsx plan/policy-bench.ts [--resources N] [--runs N]` writes a
 * synthetic stack export of N resources (default 1,000) shaped like the prod plan (one load balancer in
 * front of many Cloud Run services, each with its identity, grants, secret, NEG, backend service, SLO,
 * alert and uptime check) and reports the median wall time of `npm run audit` on it, each run a fresh
 * process as in CI. Target on a 2-core machine: under 2 s for 1,000 resources.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { ExportDocument, ExportResource } from "./render-json";

export const TARGET_MS = 2000;

const STACK = "bench";
const PROJECT_ID = "module6-bench-000000";
const REGION = "asia-northeast3";
const ROOT_URN = `urn:pulumi:${STACK}::module6::pulumi:pulumi:Stack::module6-${STACK}`;
const PROVIDER_URN = `urn:pulumi:${STACK}::module6::pulumi:providers:gcp::gcp`;
const LABELS = {
  app: "module6",
  env: "prod",
  stack: STACK,
  component: "bench",
  "managed-by": "pulumi",
  team: "platform",
  "cost-center": "cc-1",
};
const link = (collection: string, name: string, region?: string): string =>
  `https://www.googleapis.com/compute/v1/projects/${PROJECT_ID}/${region ? `regions/${region}` : "global"}/${collection}/${name}`;

interface Spec {
  readonly type: string;
  readonly name: string;
  readonly id: string;
  readonly inputs: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  readonly deps?: Readonly<Record<string, readonly string[]>>;
  readonly protect?: boolean;
}

function resource(spec: Spec): ExportResource {
  const urn = `urn:pulumi:${STACK}::module6::${spec.type}::${spec.name}`;
  const propertyDependencies = spec.deps ?? {};
  return {
    urn,
    custom: true,
    type: spec.type,
    id: spec.id,
    parent: ROOT_URN,
    provider: `${PROVIDER_URN}::provider-id`,
    inputs: spec.inputs,
    outputs: { ...spec.inputs, ...spec.outputs },
    dependencies: [...new Set(Object.values(propertyDependencies).flat())],
    propertyDependencies,
    ...(spec.protect ? { protect: true } : {}),
  };
}

const urnOf = (type: string, name: string): string => `urn:pulumi:${STACK}::module6::${type}::${name}`;

/** The resources of one Cloud Run service and everything around it (13 resources). */
function serviceResources(i: number): ExportResource[] {
  const svc = `svc${i}`;
  const name = `m6-bench-${svc}`;
  const email = `${name}@${PROJECT_ID}.iam.gserviceaccount.com`;
  const member = `serviceAccount:${email}`;
  const secretId = `${name}-key`;
  const secretPath = `projects/${PROJECT_ID}/secrets/${secretId}`;
  const accountUrn = urnOf("gcp:serviceaccount/account:Account", `${svc}-identity`);
  const versionUrn = urnOf("gcp:secretmanager/secretVersion:SecretVersion", `${svc}-key-version`);
  const runUrn = urnOf("gcp:cloudrunv2/service:Service", svc);
  const negUrn = urnOf("gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup", `${svc}-neg`);
  const gsUrn = urnOf("gcp:monitoring/genericService:GenericService", `${svc}-monitoring`);
  const sloUrn = urnOf("gcp:monitoring/slo:Slo", `${svc}-availability`);
  const roles = ["roles/logging.logWriter", "roles/monitoring.metricWriter", "roles/cloudtrace.agent"];
  return [
    resource({
      type: "gcp:serviceaccount/account:Account",
      name: `${svc}-identity`,
      id: `projects/${PROJECT_ID}/serviceAccounts/${email}`,
      inputs: { accountId: name, project: PROJECT_ID, displayName: `${svc} runtime` },
      outputs: { email, member },
    }),
    ...roles.map((role) =>
      resource({
        type: "gcp:projects/iAMMember:IAMMember",
        name: `${svc}-${role.split("/")[1]}`,
        id: `${svc}-${role}`,
        inputs: { project: PROJECT_ID, role, member },
        deps: { member: [accountUrn] },
      }),
    ),
    resource({
      type: "gcp:secretmanager/secret:Secret",
      name: `${svc}-key`,
      id: secretPath,
      protect: true,
      inputs: {
        secretId,
        project: PROJECT_ID,
        deletionProtection: true,
        labels: { ...LABELS, component: "secrets" },
        replication: { userManaged: { replicas: [{ location: REGION }] } },
      },
    }),
    resource({
      type: "gcp:secretmanager/secretVersion:SecretVersion",
      name: `${svc}-key-version`,
      id: `${secretPath}/versions/1`,
      inputs: { secret: secretPath, secretData: "[secret]" },
      deps: { secret: [urnOf("gcp:secretmanager/secret:Secret", `${svc}-key`)] },
    }),
    resource({
      type: "gcp:secretmanager/secretIamMember:SecretIamMember",
      name: `${svc}-key-access`,
      id: `${svc}-key-access`,
      inputs: { secretId: secretPath, role: "roles/secretmanager.secretAccessor", member },
      deps: { member: [accountUrn], secretId: [versionUrn] },
    }),
    resource({
      type: "gcp:cloudrunv2/service:Service",
      name: svc,
      id: `projects/${PROJECT_ID}/locations/${REGION}/services/${name}`,
      inputs: {
        name,
        project: PROJECT_ID,
        location: REGION,
        ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
        defaultUriDisabled: true,
        invokerIamDisabled: true,
        deletionProtection: true,
        labels: { ...LABELS, component: "cloud-run" },
        template: {
          serviceAccount: email,
          containers: [
            {
              image: `${REGION}-docker.pkg.dev/${PROJECT_ID}/m6-bench-containers/${svc}:1.0.${i}`,
              envs: [
                { name: "APP_ENV", value: "prod" },
                { name: "API_KEY", valueSource: { secretKeyRef: { secret: secretPath, version: "latest" } } },
              ],
            },
          ],
        },
      },
      deps: { template: [accountUrn, versionUrn] },
    }),
    resource({
      type: "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup",
      name: `${svc}-neg`,
      id: link("networkEndpointGroups", `${name}-neg`, REGION),
      inputs: {
        networkEndpointType: "SERVERLESS",
        region: REGION,
        project: PROJECT_ID,
        cloudRun: { service: name },
      },
      deps: { cloudRun: [runUrn] },
    }),
    resource({
      type: "gcp:compute/backendService:BackendService",
      name: `${svc}-backend`,
      id: link("backendServices", `${name}-backend`),
      inputs: {
        name: `${name}-backend`,
        project: PROJECT_ID,
        protocol: "HTTPS",
        loadBalancingScheme: "EXTERNAL_MANAGED",
        backends: [{ group: link("networkEndpointGroups", `${name}-neg`, REGION) }],
        securityPolicy: link("securityPolicies", "m6-bench-armor"),
        logConfig: { enable: true, sampleRate: 1 },
        customResponseHeaders: ["Strict-Transport-Security: max-age=31536000; includeSubDomains"],
      },
      deps: {
        backends: [negUrn],
        securityPolicy: [urnOf("gcp:compute/securityPolicy:SecurityPolicy", "armor")],
      },
    }),
    resource({
      type: "gcp:monitoring/genericService:GenericService",
      name: `${svc}-monitoring`,
      id: `projects/${PROJECT_ID}/services/${name}`,
      inputs: {
        serviceId: name,
        project: PROJECT_ID,
        basicService: { serviceType: "CLOUD_RUN", serviceLabels: { service_name: name, location: REGION } },
        userLabels: LABELS,
      },
      deps: { basicService: [runUrn] },
    }),
    resource({
      type: "gcp:monitoring/slo:Slo",
      name: `${svc}-availability`,
      id: `projects/${PROJECT_ID}/services/${name}/serviceLevelObjectives/availability`,
      inputs: {
        service: name,
        sloId: "availability",
        goal: 0.999,
        rollingPeriodDays: 30,
        project: PROJECT_ID,
      },
      deps: { service: [gsUrn] },
    }),
    resource({
      type: "gcp:monitoring/alertPolicy:AlertPolicy",
      name: `${svc}-availability-fast`,
      id: `projects/${PROJECT_ID}/alertPolicies/${i}`,
      inputs: {
        displayName: `${svc}: fast burn`,
        enabled: true,
        combiner: "OR",
        project: PROJECT_ID,
        notificationChannels: [`projects/${PROJECT_ID}/notificationChannels/1`],
        conditions: [
          {
            conditionThreshold: {
              filter: `select_slo_burn_rate("projects/${PROJECT_ID}/services/${name}/serviceLevelObjectives/availability", "3600s")`,
            },
          },
        ],
        documentation: { content: "Roll back first.", mimeType: "text/markdown" },
        userLabels: LABELS,
      },
      deps: {
        conditions: [sloUrn],
        notificationChannels: [urnOf("gcp:monitoring/notificationChannel:NotificationChannel", "oncall")],
      },
    }),
    resource({
      type: "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig",
      name: `${svc}-uptime`,
      id: `projects/${PROJECT_ID}/uptimeCheckConfigs/${name}`,
      inputs: {
        displayName: `${svc} uptime`,
        project: PROJECT_ID,
        httpCheck: { useSsl: true, validateSsl: true, path: `/${svc}/healthz` },
        monitoredResource: { type: "uptime_url", labels: { host: "app.example.com" } },
        userLabels: { ...LABELS, service: name },
      },
      deps: { userLabels: [runUrn] },
    }),
  ];
}

/** The shared resources: the stack, provider, edge, static site, audit config, data and registry. */
function sharedResources(services: number): ExportResource[] {
  const backendNames = Array.from({ length: services }, (_, i) => `m6-bench-svc${i}-backend`);
  const backendUrns = Array.from({ length: services }, (_, i) =>
    urnOf("gcp:compute/backendService:BackendService", `svc${i}-backend`),
  );
  const staticLink = link("backendBuckets", "m6-bench-static");
  const staticUrn = urnOf("gcp:compute/backendBucket:BackendBucket", "static");
  const root: ExportResource = {
    urn: ROOT_URN,
    custom: false,
    type: "pulumi:pulumi:Stack",
    inputs: {},
    outputs: {},
  };
  const provider: ExportResource = {
    urn: PROVIDER_URN,
    custom: true,
    type: "pulumi:providers:gcp",
    id: "provider-id",
    parent: ROOT_URN,
    inputs: { project: PROJECT_ID, region: REGION, defaultLabels: JSON.stringify(LABELS) },
    outputs: {},
  };
  const waf = ["sqli-v33-stable", "xss-v33-stable", "cve-canary"].map((set, i) => ({
    action: "deny(403)",
    priority: 1000 + i,
    preview: false,
    match: { expr: { expression: `evaluatePreconfiguredWaf('${set}', {'sensitivity': 1})` } },
  }));
  return [
    root,
    provider,
    resource({
      type: "gcp:compute/securityPolicy:SecurityPolicy",
      name: "armor",
      id: link("securityPolicies", "m6-bench-armor"),
      inputs: {
        name: "m6-bench-armor",
        project: PROJECT_ID,
        type: "CLOUD_ARMOR",
        labels: LABELS,
        rules: [...waf, { action: "throttle", priority: 2000, match: { versionedExpr: "SRC_IPS_V1" } }],
      },
    }),
    resource({
      type: "gcp:compute/sSLPolicy:SSLPolicy",
      name: "tls",
      id: link("sslPolicies", "m6-bench-tls"),
      inputs: { name: "m6-bench-tls", project: PROJECT_ID, profile: "MODERN", minTlsVersion: "TLS_1_2" },
    }),
    resource({
      type: "gcp:compute/uRLMap:URLMap",
      name: "https",
      id: link("urlMaps", "m6-bench-https"),
      inputs: {
        name: "m6-bench-https",
        project: PROJECT_ID,
        defaultService: staticLink,
        hostRules: [{ hosts: ["app.example.com"], pathMatcher: "routes" }],
        pathMatchers: [
          {
            name: "routes",
            defaultService: staticLink,
            pathRules: backendNames.map((b, i) => ({
              paths: [`/svc${i}/*`],
              service: link("backendServices", b),
            })),
          },
        ],
      },
      deps: { defaultService: [staticUrn], pathMatchers: [staticUrn, ...backendUrns] },
    }),
    resource({
      type: "gcp:compute/uRLMap:URLMap",
      name: "redirect",
      id: link("urlMaps", "m6-bench-redirect"),
      inputs: {
        name: "m6-bench-redirect",
        project: PROJECT_ID,
        defaultUrlRedirect: { httpsRedirect: true, stripQuery: false },
      },
    }),
    resource({
      type: "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
      name: "https",
      id: link("targetHttpsProxies", "m6-bench-https"),
      inputs: {
        name: "m6-bench-https",
        project: PROJECT_ID,
        urlMap: link("urlMaps", "m6-bench-https"),
        sslPolicy: link("sslPolicies", "m6-bench-tls"),
      },
      deps: {
        urlMap: [urnOf("gcp:compute/uRLMap:URLMap", "https")],
        sslPolicy: [urnOf("gcp:compute/sSLPolicy:SSLPolicy", "tls")],
      },
    }),
    resource({
      type: "gcp:compute/targetHttpProxy:TargetHttpProxy",
      name: "redirect",
      id: link("targetHttpProxies", "m6-bench-redirect"),
      inputs: {
        name: "m6-bench-redirect",
        project: PROJECT_ID,
        urlMap: link("urlMaps", "m6-bench-redirect"),
      },
      deps: { urlMap: [urnOf("gcp:compute/uRLMap:URLMap", "redirect")] },
    }),
    ...[
      [
        "https",
        "443",
        "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
        link("targetHttpsProxies", "m6-bench-https"),
      ],
      [
        "http",
        "80",
        "gcp:compute/targetHttpProxy:TargetHttpProxy",
        link("targetHttpProxies", "m6-bench-redirect"),
      ],
    ].map(([name = "", port = "", targetType = "", target = ""]) =>
      resource({
        type: "gcp:compute/globalForwardingRule:GlobalForwardingRule",
        name,
        id: link("forwardingRules", `m6-bench-${name}`),
        inputs: {
          name: `m6-bench-${name}`,
          project: PROJECT_ID,
          portRange: port,
          loadBalancingScheme: "EXTERNAL_MANAGED",
          target,
          labels: LABELS,
        },
        deps: { target: [urnOf(targetType, name === "https" ? "https" : "redirect")] },
      }),
    ),
    resource({
      type: "gcp:storage/bucket:Bucket",
      name: "static",
      id: "m6-bench-static-1234",
      inputs: {
        name: "m6-bench-static-1234",
        project: PROJECT_ID,
        location: REGION,
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        versioning: { enabled: true },
        labels: LABELS,
      },
    }),
    resource({
      type: "gcp:storage/bucketIAMMember:BucketIAMMember",
      name: "static-cdn-read",
      id: "static-cdn-read",
      inputs: {
        bucket: "m6-bench-static-1234",
        role: "roles/storage.objectViewer",
        member: "serviceAccount:service-000000000000@cloud-cdn-fill.iam.gserviceaccount.com",
      },
      deps: { bucket: [urnOf("gcp:storage/bucket:Bucket", "static")] },
    }),
    resource({
      type: "gcp:compute/backendBucket:BackendBucket",
      name: "static",
      id: staticLink,
      inputs: {
        name: "m6-bench-static",
        project: PROJECT_ID,
        bucketName: "m6-bench-static-1234",
        enableCdn: true,
        edgeSecurityPolicy: `projects/${PROJECT_ID}/global/securityPolicies/m6-bench-static-armor`,
        customResponseHeaders: ["Strict-Transport-Security: max-age=31536000"],
      },
      deps: { bucketName: [urnOf("gcp:storage/bucket:Bucket", "static")] },
    }),
    resource({
      type: "gcp:projects/iAMAuditConfig:IAMAuditConfig",
      name: "audit-all-services",
      id: `${PROJECT_ID}/allServices`,
      inputs: {
        project: PROJECT_ID,
        service: "allServices",
        auditLogConfigs: [{ logType: "ADMIN_READ" }, { logType: "DATA_READ" }, { logType: "DATA_WRITE" }],
      },
    }),
    resource({
      type: "gcp:firestore/database:Database",
      name: "firestore",
      id: `projects/${PROJECT_ID}/databases/m6-bench-main`,
      protect: true,
      inputs: {
        name: "m6-bench-main",
        project: PROJECT_ID,
        locationId: REGION,
        type: "FIRESTORE_NATIVE",
        pointInTimeRecoveryEnablement: "POINT_IN_TIME_RECOVERY_ENABLED",
        deleteProtectionState: "DELETE_PROTECTION_ENABLED",
        deletionPolicy: "ABANDON",
      },
    }),
    resource({
      type: "gcp:firestore/backupSchedule:BackupSchedule",
      name: "firestore-daily",
      id: "firestore-daily",
      inputs: { database: "m6-bench-main", project: PROJECT_ID, retention: "604800s", dailyRecurrence: {} },
      deps: { database: [urnOf("gcp:firestore/database:Database", "firestore")] },
    }),
    resource({
      type: "gcp:artifactregistry/repository:Repository",
      name: "registry",
      id: `projects/${PROJECT_ID}/locations/${REGION}/repositories/m6-bench-containers`,
      protect: true,
      inputs: {
        repositoryId: "m6-bench-containers",
        project: PROJECT_ID,
        location: REGION,
        format: "DOCKER",
        dockerConfig: { immutableTags: true },
        cleanupPolicies: [{ id: "keep", action: "KEEP", mostRecentVersions: { keepCount: 20 } }],
        vulnerabilityScanningConfig: { enablementConfig: "INHERITED" },
        labels: LABELS,
      },
    }),
    resource({
      type: "gcp:monitoring/notificationChannel:NotificationChannel",
      name: "oncall",
      id: `projects/${PROJECT_ID}/notificationChannels/1`,
      inputs: {
        displayName: "on-call",
        type: "email",
        labels: { email_address: "oncall@example.com" },
        project: PROJECT_ID,
      },
    }),
  ];
}

function apiResource(i: number): ExportResource {
  const service = i === 0 ? "containerscanning.googleapis.com" : `api${i}.googleapis.com`;
  return resource({
    type: "gcp:projects/service:Service",
    name: `api-${i}`,
    id: `${PROJECT_ID}/${service}`,
    inputs: { project: PROJECT_ID, service, disableOnDestroy: false },
  });
}

/**
 * A synthetic stack export of exactly `n` resources (at least 40), clean under the pack: shared edge and
 * data resources, as many services as fit, and project APIs to fill the rest.
 */
export function syntheticExport(n = 1000): ExportDocument {
  const perService = serviceResources(0).length;
  const shared = sharedResources(0).length;
  if (n < shared + perService + 1)
    throw new Error(`syntheticExport: need at least ${shared + perService + 1} resources`);
  const services = Math.floor((n - shared - 1) / perService);
  const resources = [...sharedResources(services)];
  for (let i = 0; i < services; i++) resources.push(...serviceResources(i));
  for (let i = 0; resources.length < n; i++) resources.push(apiResource(i));
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-01-01T00:00:00.000Z", magic: "", version: "module6-policy-bench" },
      resources,
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Median wall time (ms) of `npm run audit` on a synthetic export of `n` resources, each run a fresh process. */
export function timeAudit(n: number, runs: number): { medianMs: number; exitCode: number | null } {
  const file = join(mkdtempSync(join(tmpdir(), "policy-bench-")), `synthetic-${n}.json`);
  writeFileSync(file, JSON.stringify(syntheticExport(n)));
  const root = resolve(__dirname, "..");
  const once = (): { ms: number; status: number | null } => {
    const start = process.hrtime.bigint();
    const result = spawnSync(
      process.execPath,
      ["plan/launch.cjs", "plan/audit-cli.ts", file, "--format", "json"],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: result.status };
  };
  const first = once(); // fill the launcher's bundle cache, as for a user's second run
  const times = Array.from({ length: runs }, () => once().ms);
  return { medianMs: median(times), exitCode: first.status };
}

function main(): void {
  const { values } = parseArgs({
    options: { resources: { type: "string", default: "1000" }, runs: { type: "string", default: "5" } },
  });
  const n = Number(values.resources);
  const runs = Number(values.runs);
  if (!Number.isInteger(n) || n < 40 || !Number.isInteger(runs) || runs < 1) {
    console.error("--resources: a whole number ≥ 40; --runs: a whole number ≥ 1");
    process.exit(2);
  }
  const { medianMs, exitCode } = timeAudit(n, runs);
  const ok = medianMs <= TARGET_MS && exitCode === 0;
  console.log(
    `audit of a ${n}-resource export: median ${medianMs.toFixed(0)} ms over ${runs} runs (exit ${exitCode}); target ≤ ${TARGET_MS} ms on 2 cores: ${ok ? "within" : "OUTSIDE"} target`,
  );
}

if (require.main === module) main();
