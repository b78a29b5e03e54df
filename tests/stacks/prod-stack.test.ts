import { describe, expect, it } from "vitest";
import { OFFLINE_SECRET_VALUE } from "../../stack-file/load";
import { countByType } from "../helpers/pulumi";
import {
  expectEveryLabelableResourceLabelled,
  expectEveryNameWithinLimits,
  expectEverythingWaitsForApis,
  expectExplicitProviders,
  longestWait,
  planOnce,
} from "../helpers/stack";

const { plan, ofType } = planOnce("prod");

describe("prod stack: service levels as code", () => {
  it("gives every service an availability and a latency SLO over 30 days, and one at the load balancer", () => {
    const slos = ofType("gcp:monitoring/slo:Slo").map((s) => {
      const labels = s.inputs.userLabels as Record<string, string>;
      return `${labels.service}/${String(s.inputs.sloId)}@${String(s.inputs.goal)}/${String(s.inputs.rollingPeriodDays)}d`;
    });
    for (const service of ["web", "api", "ai"]) {
      expect(slos).toContain(`${service}/availability@0.999/30d`);
      expect(slos).toContain(`${service}/latency@0.95/30d`);
      expect(slos).toContain(`${service}/lb-availability@0.999/30d`);
    }
    const latency = ofType("gcp:monitoring/slo:Slo").filter((s) => s.inputs.sloId === "latency");
    const max = (s: (typeof latency)[number]) =>
      (s.inputs.requestBasedSli as { distributionCut: { range: { max: number } } }).distributionCut.range.max;
    expect(latency.map(max).sort((a, b) => a - b)).toEqual([200, 200, 2000]);
  });

  it("alerts on burn rates that follow budget share × period ÷ long window, paging on-call", () => {
    const burn = ofType("gcp:monitoring/alertPolicy:AlertPolicy").filter(
      (p) => (p.inputs.userLabels as Record<string, string>).slo,
    );
    expect(burn).toHaveLength(27);
    const thresholds = new Set(
      burn.map(
        (p) =>
          (p.inputs.conditions as { conditionThreshold: { thresholdValue: number } }[])[0]?.conditionThreshold
            .thresholdValue,
      ),
    );
    const expected = [0.1 / 24, 0.05 / 6, 0.02 / 1].map((share) => Number((share * 30 * 24).toFixed(3)));
    expect([...thresholds].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(expected);
    expect(expected).toEqual([3, 6, 14.4]);
    const [pager] = ofType("gcp:monitoring/notificationChannel:NotificationChannel").filter(
      (c) => c.inputs.type === "pagerduty",
    );
    for (const p of burn) {
      expect(p.inputs.combiner).toBe("AND");
      const urgency = (p.inputs.userLabels as Record<string, string>).urgency;
      expect((p.inputs.notificationChannels as string[]).includes(pager?.id ?? "")).toBe(urgency === "page");
    }
  });

  it("routes every alert policy to a channel and documents it", () => {
    for (const p of ofType("gcp:monitoring/alertPolicy:AlertPolicy")) {
      expect((p.inputs.notificationChannels as string[]).length, p.name).toBeGreaterThan(0);
      expect(p.inputs.enabled).toBe(true);
      expect((p.inputs.documentation as { content: string }).content).toContain("### First checks");
    }
  });

  it("checks every public route from outside with SSL validation every minute", () => {
    const checks = ofType("gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig");
    expect(checks.map((c) => (c.inputs.httpCheck as { path: string }).path).sort()).toEqual([
      "/ai/health",
      "/api/health",
      "/app",
    ]);
    for (const c of checks) {
      expect(c.inputs).toMatchObject({
        period: "60s",
        httpCheck: { useSsl: true, validateSsl: true },
        monitoredResource: { labels: { host: "app.module6.example.com" } },
      });
      expect((c.inputs.selectedRegions as string[]).length).toBeGreaterThanOrEqual(3);
    }
  });

  it("watches security logs, backups and cost, and archives audit logs in a locked bucket", () => {
    const metrics = ofType("gcp:logging/metric:Metric").map((m) => m.inputs.name);
    expect(metrics).toEqual(
      expect.arrayContaining([
        "m6-prod-iam-policy-changes",
        "m6-prod-service-account-key-created",
        "m6-prod-unexpected-secret-access",
        "m6-prod-firewall-changes",
        "m6-prod-audit-config-changes",
        "m6-prod-armor-blocks",
        "m6-prod-firestore-backups",
      ]),
    );
    const archive = ofType("gcp:storage/bucket:Bucket").find((b) => b.inputs.retentionPolicy !== undefined);
    expect(archive?.inputs.retentionPolicy).toEqual({ retentionPeriod: String(400 * 86400), isLocked: true });
    expect(archive?.protect).toBe(true);
    const [budget] = ofType("gcp:billing/budget:Budget");
    expect(budget?.inputs.thresholdRules).toEqual([
      { thresholdPercent: 0.5, spendBasis: "CURRENT_SPEND" },
      { thresholdPercent: 0.9, spendBasis: "CURRENT_SPEND" },
      { thresholdPercent: 1, spendBasis: "CURRENT_SPEND" },
      { thresholdPercent: 1, spendBasis: "FORECASTED_SPEND" },
    ]);
    expect(
      ofType("gcp:projects/iAMAuditConfig:IAMAuditConfig")
        .map((a) => a.inputs.service)
        .sort(),
    ).toEqual([
      "allServices",
      "datastore.googleapis.com",
      "iam.googleapis.com",
      "secretmanager.googleapis.com",
    ]);
    expect(ofType("gcp:monitoring/dashboard:Dashboard")).toHaveLength(1);
  });
});

describe("prod stack (Pulumi.prod.yaml)", () => {
  it("contains the singletons, the environment and the edge", () => {
    expect(countByType(plan().resources)).toEqual({
      "pulumi:providers:gcp": 1,
      "pulumi:providers:random": 1,
      "pulumi:providers:time": 1,
      // the observability plane's cluster (docs/observability.md) and the kubernetes provider built from it
      "gcp:container/cluster:Cluster": 1,
      "pulumi:providers:kubernetes": 1,
      // Grafana on it: a restricted namespace with default-deny and allow policies, its service account, the
      // admin password (a random secret) in a Secret, the data source and the environment dashboard as
      // ConfigMaps, the Helm release; its images through a Docker Hub mirror the nodes may read
      "kubernetes:core/v1:Namespace": 1,
      "kubernetes:networking.k8s.io/v1:NetworkPolicy": 2,
      "kubernetes:core/v1:ServiceAccount": 1,
      "kubernetes:core/v1:Secret": 1,
      "kubernetes:core/v1:ConfigMap": 2,
      "kubernetes:helm.sh/v3:Release": 1,
      "random:index/randomPassword:RandomPassword": 1,
      "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": 1,
      // grant propagation before api (one per region), ai and web (the Redis AUTH secret); log metrics
      // before their alerts; each of the 7 customer-managed keys' grants before the stores that use them
      "time:index/sleep:Sleep": 5 + 7,
      // 11 base APIs + compute for the load balancer + certificatemanager + billingbudgets for the budget
      // + cloudscheduler + servicenetworking, redis and cloudkms for the data tier
      // + container and binaryauthorization, which the observability plane enables itself
      "gcp:projects/service:Service": 18 + 2,
      "gcp:artifactregistry/repository:Repository": 1 + 1, // + the Docker Hub mirror
      // + the Redis AUTH string, mounted by web
      "gcp:secretmanager/secret:Secret": 3,
      "gcp:secretmanager/secretVersion:SecretVersion": 3,
      "gcp:secretmanager/secretIamMember:SecretIamMember": 3,
      // the data tier (docs/data-tier.md): a VPC with one subnet (web's region), deny-all ingress, Cloud
      // NAT, private services access (its range is the third global address) and a STANDARD_HA instance
      "gcp:compute/network:Network": 1,
      "gcp:compute/subnetwork:Subnetwork": 1 + 1, // + the observability cluster's own subnet
      "gcp:compute/firewall:Firewall": 1,
      "gcp:compute/router:Router": 1,
      "gcp:compute/routerNat:RouterNat": 1,
      "gcp:servicenetworking/connection:Connection": 1,
      "gcp:redis/instance:Instance": 1,
      // keys: registry, firestore, logs, storage, redis, and secrets in both replica regions; a ring per
      // region; the agents of Firestore, Secret Manager, Artifact Registry and Memorystore
      "gcp:kms/keyRing:KeyRing": 2,
      "gcp:kms/cryptoKey:CryptoKey": 7,
      "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": 7,
      "gcp:projects/serviceIdentity:ServiceIdentity": 4,
      "gcp:firestore/database:Database": 1,
      "gcp:firestore/backupSchedule:BackupSchedule": 2,
      "gcp:firestore/index:Index": 1,
      "gcp:firestore/field:Field": 1,
      // one per service + the backup check + the observability cluster's nodes
      "gcp:serviceaccount/account:Account": 4 + 1,
      // 3 telemetry roles per service + Firestore read/write for api and ai (conditional on the database)
      // + backup and schedule metadata for the backup check + the cluster nodes' defaultNodeServiceAccount
      // + Grafana's principal as monitoring.viewer
      "gcp:projects/iAMMember:IAMMember": 13 + 1 + 1,
      // web, ai, and api in two regions
      "gcp:cloudrunv2/service:Service": 4,
      "gcp:compute/globalAddress:GlobalAddress": 2 + 1,
      "gcp:compute/sSLPolicy:SSLPolicy": 1,
      // Certificate Manager with DNS authorization: one certificate per domain, in a map
      "gcp:certificatemanager/dnsAuthorization:DnsAuthorization": 1,
      "gcp:certificatemanager/certificate:Certificate": 1,
      "gcp:certificatemanager/certificateMap:CertificateMap": 1,
      "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry": 1,
      // the backend services' policy and the static site's edge policy
      "gcp:compute/securityPolicy:SecurityPolicy": 2,
      "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup": 4,
      "gcp:compute/backendService:BackendService": 3,
      "gcp:compute/backendBucket:BackendBucket": 1,
      // its signed-URL key (16 random bytes) brings the Cloud CDN fill agent into being
      "gcp:compute/backendBucketSignedUrlKey:BackendBucketSignedUrlKey": 1,
      "random:index/randomBytes:RandomBytes": 1,
      "gcp:compute/uRLMap:URLMap": 2,
      "gcp:compute/targetHttpsProxy:TargetHttpsProxy": 1,
      "gcp:compute/targetHttpProxy:TargetHttpProxy": 1,
      "gcp:compute/globalForwardingRule:GlobalForwardingRule": 4,
      // static assets + audit-log archive
      "gcp:storage/bucket:Bucket": 2,
      "gcp:storage/bucketIAMMember:BucketIAMMember": 2,
      "random:index/randomId:RandomId": 2,
      // monitoring: per service a monitoring service, 3 SLOs (availability, latency, at the LB) with 3
      // burn-rate alerts each, an uptime check with 2 alerts; 9 security metrics + the backup watch
      // api runs in two regions: one custom service covering both
      "gcp:monitoring/genericService:GenericService": 2,
      "gcp:monitoring/customService:CustomService": 1,
      "gcp:monitoring/slo:Slo": 9,
      "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": 3,
      // + the cache's memory, evictions, clients and CPU
      "gcp:monitoring/alertPolicy:AlertPolicy": 3 * 3 * 3 + 3 * 2 + 9 + 1 + 4,
      "gcp:monitoring/notificationChannel:NotificationChannel": 3,
      "gcp:monitoring/dashboard:Dashboard": 1,
      "gcp:logging/metric:Metric": 10,
      "gcp:logging/projectBucketConfig:ProjectBucketConfig": 1,
      "gcp:logging/projectSink:ProjectSink": 2,
      // health probes, LB health checkers, Cloud Run logs routed to the app-log bucket
      "gcp:logging/projectExclusion:ProjectExclusion": 3,
      // allServices (CIS 2.1), Secret Manager, Firestore and IAM
      "gcp:projects/iAMAuditConfig:IAMAuditConfig": 4,
      "gcp:billing/budget:Budget": 1,
      // the hourly Firestore backup check
      "gcp:cloudrunv2/job:Job": 1,
      "gcp:cloudrunv2/jobIamMember:JobIamMember": 1,
      "gcp:cloudscheduler/job:Job": 1,
    });
  });

  it("keeps services behind the load balancer: LB-only ingress, run.app disabled, deletion protection on", () => {
    for (const run of ofType("gcp:cloudrunv2/service:Service")) {
      expect(run.inputs).toMatchObject({
        ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
        defaultUriDisabled: true,
        iapEnabled: false,
        invokerIamDisabled: true,
        deletionProtection: true,
      });
    }
    expect(ofType("gcp:cloudrunv2/serviceIamMember:ServiceIamMember")).toHaveLength(0);
  });

  it("runs the api in both regions, each behind its own serverless NEG on one backend service", () => {
    const regions = ofType("gcp:cloudrunv2/service:Service")
      .filter((r) => r.inputs.name === "m6-prod-api")
      .map((r) => r.inputs.location);
    expect(regions.sort()).toEqual(["asia-northeast1", "asia-northeast3"]);
    const negs = ofType("gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup").filter(
      (n) => (n.inputs.cloudRun as { service?: string }).service === "m6-prod-api",
    );
    expect(negs.map((n) => n.inputs.region).sort()).toEqual(["asia-northeast1", "asia-northeast3"]);
    const api = ofType("gcp:compute/backendService:BackendService").find((b) => b.name.endsWith("-api"));
    expect((api?.inputs.backends as { group: string }[]).map((b) => b.group).sort()).toEqual(
      negs.map((n) => n.id).sort(),
    );
  });

  it("puts Cloud Armor and logging on every backend service, and the TLS policy on the proxy", () => {
    const [armor] = ofType("gcp:compute/securityPolicy:SecurityPolicy").filter(
      (p) => p.inputs.type === "CLOUD_ARMOR",
    );
    for (const backend of ofType("gcp:compute/backendService:BackendService")) {
      expect(backend.inputs).toMatchObject({
        loadBalancingScheme: "EXTERNAL_MANAGED",
        securityPolicy: armor?.outputs.selfLink,
        logConfig: { enable: true, sampleRate: 1 },
      });
    }
    const [policy] = ofType("gcp:compute/sSLPolicy:SSLPolicy");
    expect(policy?.inputs).toMatchObject({ profile: "MODERN", minTlsVersion: "TLS_1_2" });
    expect(ofType("gcp:compute/targetHttpsProxy:TargetHttpsProxy")[0]?.inputs.sslPolicy).toBe(policy?.id);
    expect(
      (armor?.inputs.adaptiveProtectionConfig as { layer7DdosDefenseConfig: { enable: boolean } })
        .layer7DdosDefenseConfig.enable,
    ).toBe(true);
  });

  it("keeps the REST API's PUT/PATCH/DELETE: method enforcement runs on the web and AI routes only", () => {
    const [armor] = ofType("gcp:compute/securityPolicy:SecurityPolicy").filter(
      (p) => p.inputs.type === "CLOUD_ARMOR",
    );
    const expressions = (armor?.inputs.rules as { match: { expr?: { expression: string } } }[]).map(
      (r) => r.match.expr?.expression ?? "",
    );
    expect(expressions.filter((e) => e.includes("methodenforcement"))).toEqual([
      "request.path.matches('^(?:/app|/app/.*|/ai/.*|/ai)$') && evaluatePreconfiguredWaf('methodenforcement-v33-stable', {'sensitivity': 1})",
    ]);
  });

  it("serves / and /api from a path rule or the site's main page, and guards the site with an edge policy", () => {
    const [map] = ofType("gcp:compute/uRLMap:URLMap").filter((m) => m.inputs.pathMatchers !== undefined);
    const rules = (map?.inputs.pathMatchers as { pathRules: { paths: string[] }[] }[])[0]?.pathRules ?? [];
    expect(rules.map((r) => r.paths)).toEqual([
      ["/app", "/app/*"],
      ["/api/*", "/api"],
      ["/ai/*", "/ai"],
      ["/static/*", "/static"],
    ]);
    const [bucket] = ofType("gcp:storage/bucket:Bucket").filter((b) => b.inputs.website !== undefined);
    expect(bucket?.inputs.website).toEqual({ mainPageSuffix: "index.html", notFoundPage: "404.html" });
    const [edge] = ofType("gcp:compute/securityPolicy:SecurityPolicy").filter(
      (p) => p.inputs.type === "CLOUD_ARMOR_EDGE",
    );
    expect(ofType("gcp:compute/backendBucket:BackendBucket")[0]?.inputs.edgeSecurityPolicy).toBe(edge?.id);
  });

  it("protects Firestore twice and schedules daily and weekly backups", () => {
    const [db] = ofType("gcp:firestore/database:Database");
    expect(db?.protect).toBe(true);
    expect(db?.inputs).toMatchObject({
      deleteProtectionState: "DELETE_PROTECTION_ENABLED",
      pointInTimeRecoveryEnablement: "POINT_IN_TIME_RECOVERY_ENABLED",
      deletionPolicy: "ABANDON",
    });
    const retention = ofType("gcp:firestore/backupSchedule:BackupSchedule").map((b) => b.inputs.retention);
    expect(retention.sort()).toEqual([`${7 * 86400}s`, `${14 * 7 * 86400}s`].sort());
    for (const type of ["gcp:secretmanager/secret:Secret", "gcp:artifactregistry/repository:Repository"]) {
      for (const r of ofType(type)) expect(r.protect, r.urn).toBe(true);
    }
    for (const secret of ofType("gcp:secretmanager/secret:Secret"))
      expect(secret.inputs.deletionProtection).toBe(true);
  });

  it("grants each runtime account secretAccessor only on the secrets it mounts", () => {
    const grants = ofType("gcp:secretmanager/secretIamMember:SecretIamMember").map((g) => [
      g.inputs.secretId,
      g.inputs.member,
    ]);
    expect(grants).toEqual(
      expect.arrayContaining([
        [
          "projects/module6-prod-000000/secrets/m6-prod-session-key",
          "serviceAccount:m6-prod-api@module6-prod-000000.iam.gserviceaccount.com",
        ],
        [
          "projects/module6-prod-000000/secrets/m6-prod-ai-api-key",
          "serviceAccount:m6-prod-ai@module6-prod-000000.iam.gserviceaccount.com",
        ],
      ]),
    );
    // web reads the Redis AUTH string, and only that secret
    expect(grants).toContainEqual([
      "projects/module6-prod-000000/secrets/m6-prod-cache-auth",
      "serviceAccount:m6-prod-web@module6-prod-000000.iam.gserviceaccount.com",
    ]);
    expect(grants).toHaveLength(3);
    const projectRoles = ofType("gcp:projects/iAMMember:IAMMember").map((m) => m.inputs.role);
    expect(projectRoles).not.toContain("roles/secretmanager.secretAccessor");
    expect(projectRoles.filter((r) => /roles\/(owner|editor|viewer)$/.test(String(r)))).toEqual([]);
  });

  it("starts a revision only after its secrets have a version and its grants have propagated", () => {
    const api = ofType("gcp:cloudrunv2/service:Service").find(
      (r) => r.inputs.name === "m6-prod-api" && r.inputs.location === "asia-northeast3",
    );
    const last = (urns: readonly string[]) => urns.map((u) => u.split("::").pop());
    const deps = last(api?.dependencies ?? []);
    expect(deps).toEqual(
      expect.arrayContaining(["env-secrets-session-key-version", "env-api-grants-propagation"]),
    );
    expect(deps).not.toContain("env-secrets-ai-api-key-version");
    // The 2-minute wait comes after the secret and database grants (Cloud Run checks secrets at deploy).
    const wait = ofType("time:index/sleep:Sleep").find((r) => r.name === "env-api-grants-propagation");
    expect(wait?.inputs.createDuration).toBe("2m");
    expect(last(wait?.dependencies ?? [])).toEqual(
      expect.arrayContaining(["env-secrets-session-key-access-api", "env-firestore-rw-api"]),
    );
    // web mounts the Redis AUTH string only: it waits for that grant alone.
    const webWait = ofType("time:index/sleep:Sleep").find((r) => r.name === "env-web-grants-propagation");
    expect(last(webWait?.dependencies ?? []).filter((d) => !d?.startsWith("project-apis-"))).toEqual([
      "project-redis-auth-cache-auth-access-web",
    ]);
  });

  // Point 9: the version created from config is mounted, so a rotation rolls a new revision.
  it("mounts the secret version it creates, not latest", () => {
    const api = ofType("gcp:cloudrunv2/service:Service").find((r) => r.inputs.name === "m6-prod-api");
    const envs = (api?.inputs.template as { containers: { envs: Record<string, unknown>[] }[] }).containers[0]
      ?.envs;
    expect(envs?.find((e) => e.name === "SESSION_SIGNING_KEY")).toEqual({
      name: "SESSION_SIGNING_KEY",
      valueSource: {
        secretKeyRef: { secret: "projects/module6-prod-000000/secrets/m6-prod-session-key", version: "1" },
      },
    });
  });

  // Point 6: api runs in two regions behind one backend service: readiness probes and warm instances.
  it("gives the two-region api a readiness probe and a minimum instance in each region", () => {
    const apis = ofType("gcp:cloudrunv2/service:Service").filter((r) => r.inputs.name === "m6-prod-api");
    expect(apis.map((r) => r.inputs.location).sort()).toEqual(["asia-northeast1", "asia-northeast3"]);
    for (const api of apis) {
      const template = api.inputs.template as {
        scaling: { minInstanceCount: number };
        containers: Record<string, unknown>[];
      };
      expect(template.scaling.minInstanceCount).toBeGreaterThanOrEqual(1);
      expect(template.containers[0]?.readinessProbe).toMatchObject({ httpGet: { path: "/health" } });
      expect(api.inputs.launchStage).toBe("BETA");
    }
    const web = ofType("gcp:cloudrunv2/service:Service").find((r) => r.inputs.name === "m6-prod-web");
    expect(
      (web?.inputs.template as { containers: Record<string, unknown>[] }).containers[0],
    ).not.toHaveProperty("readinessProbe");
  });

  // What the waits add to prod's first up: the 10-minute wait for new log-based metrics (alerts only,
  // in parallel with everything else); no chain of waits.
  // The Firestore key's grant propagates (2 min) before the database, which the log metrics' 10-minute
  // wait follows: well inside the deploy job's 60 minutes (.github/workflows/deploy.yml).
  it("waits at most 12 minutes in a row on a first up", () => {
    expect(longestWait(plan().resources)).toEqual({
      seconds: 720,
      through: ["project-kms-firestore-asia-northeast3-ready", "env-monitoring-log-metrics-propagation"],
    });
  });

  // Point 3: the Billing Budgets API needs a quota project with user credentials.
  it("sets the budget's quota project on the stack's provider", () => {
    const [provider] = ofType("pulumi:providers:gcp");
    expect(provider?.inputs).toMatchObject({
      project: "module6-prod-000000",
      billingProject: "module6-prod-000000",
      userProjectOverride: "true",
    });
  });

  it("labels every labelable resource, keeps names within GCP's limits, uses the explicit provider and waits for the APIs", () => {
    // + the edge policy, the Certificate Manager authorization, certificate, map and entry, and the backup check's Cloud Run job
    // + the data tier: 4 cache alerts, 7 keys, the Redis instance, its AUTH secret, the private services range
    // + the observability plane's Docker Hub mirror
    expect(expectEveryLabelableResourceLabelled(plan().resources)).toBe(
      15 + 1 + 3 + 9 + 3 + 43 + 3 + 5 + 1 + (4 + 7 + 1 + 1 + 1) + 1,
    );
    // + the edge policy and the signed-URL key, and the backup check's account
    // + the Redis AUTH secret, the observability cluster's node account and Docker Hub mirror
    expect(expectEveryNameWithinLimits(plan().resources)).toBe(19 + 2 + 1 + 1 + 1 + 1);
    // Kubernetes objects go to the observability cluster through its own provider (asserted below).
    expectExplicitProviders(
      plan().resources.filter((r) => !r.type.startsWith("kubernetes:")),
      "prod",
    );
    const kubernetes = ofType("pulumi:providers:kubernetes");
    expect(kubernetes).toHaveLength(1);
    const objects = plan().resources.filter((r) => r.type.startsWith("kubernetes:"));
    expect(objects.length).toBeGreaterThanOrEqual(8);
    for (const r of objects) expect(r.provider, r.urn).toBe(`${kubernetes[0]?.urn}::${kubernetes[0]?.id}`);
    expect(expectEverythingWaitsForApis(plan().resources)).toBeGreaterThan(50);
  });

  it("never records a secret value and exports the documented outputs", () => {
    const text = JSON.stringify(plan());
    expect(text).not.toContain(OFFLINE_SECRET_VALUE);
    expect(text).not.toContain("placeholder-set-with");
    // the two configured secrets and the Redis AUTH string Memorystore generates
    expect(ofType("gcp:secretmanager/secretVersion:SecretVersion").map((v) => v.inputs.secretData)).toEqual([
      "[secret]",
      "[secret]",
      "[secret]",
    ]);
    expect(Object.keys(plan().outputs).sort()).toEqual(
      [
        "artifactRepository",
        "cache",
        "edge",
        "environment",
        "firestoreDatabase",
        "observability",
        "revisions",
        "secretIds",
        "serviceAccounts",
        "serviceUrls",
      ].sort(),
    );
    expect(plan().outputs.serviceUrls).toEqual({
      web: "https://app.module6.example.com/app",
      api: "https://app.module6.example.com/api/",
      ai: "https://app.module6.example.com/ai/",
    });
    expect(plan().outputs.edge).toMatchObject({
      urls: ["https://app.module6.example.com"],
      dnsRecords: [
        { name: "app.module6.example.com.", type: "A" },
        { name: "app.module6.example.com.", type: "AAAA" },
        // Certificate Manager's DNS authorization: created first, so the certificate is issued ahead.
        { name: "_acme-challenge.app.module6.example.com.", type: "CNAME" },
      ],
    });
  });
});
