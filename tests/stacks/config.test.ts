import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { DEFAULT_STAGING_STACK, parseStackConfig, splitConfigMap } from "../../stacks/config";
import { PRESETS } from "../../stacks/presets";
import { IMAGE, base, configError, input, parse, service, svc, type Values } from "../helpers/config";
import { leakProbe } from "../helpers/leak-probe";

/** The session key's value, as the CLI would hand it over decrypted (made per run: tests/helpers/leak-probe.ts). */
const SESSION_KEY_VALUE = leakProbe("session-key");

describe("parseStackConfig: happy path", () => {
  it("resolves a staging config over the staging preset", () => {
    const cfg = parse(base());
    expect(cfg).toMatchObject({
      stack: "staging",
      kind: "staging",
      env: "staging",
      gcpProject: "module6-staging-000000",
      region: "asia-northeast3",
      prefix: "m6",
      app: "module6",
      domain: "staging.module6.example.com",
      allowedRegions: ["asia-northeast3"],
      stagingStack: DEFAULT_STAGING_STACK,
      secretsWithValues: ["session-key"],
      protection: { deletionProtection: true, protect: true },
    });
    expect(cfg.preset).toBe(PRESETS.staging);
    expect(cfg.services.map((s) => s.name)).toEqual(["web", "api"]);
    // Preset scaling where the service sets nothing; the service's own value wins.
    expect(svc(cfg, "web")).toMatchObject({
      minInstances: 0,
      maxInstances: 10,
      cpuIdle: true,
      startupCpuBoost: true,
    });
    expect(svc(cfg, "api")).toMatchObject({ minInstances: 0, maxInstances: 6, memory: "1Gi" });
    // Service defaults.
    expect(svc(cfg, "web")).toMatchObject({
      cpu: "1",
      memory: "512Mi",
      concurrency: 80,
      port: 8080,
      timeoutSeconds: 30,
      healthPath: "/health",
      readinessPath: undefined,
      env: { API_BASE_PATH: "/api" },
      secretEnv: {},
      routes: ["/app", "/app/*"],
      uses: [],
      vpcEgress: false,
    });
    expect(svc(cfg, "api").secretEnv).toEqual({ SESSION_SIGNING_KEY: "session-key" });
    expect(cfg.firestore).toMatchObject({
      location: "asia-northeast3",
      pointInTimeRecovery: true,
      deleteProtection: true,
      deletionPolicy: "ABANDON",
      backups: { dailyRetentionDays: 7, weeklyRetentionWeeks: 4 },
      protect: true,
      ttlFields: [],
    });
    expect(cfg.firestore?.indexes).toHaveLength(1);
  });

  it("enables the base APIs, plus IAP in the project that hosts feature environments", () => {
    const BASE = [
      "artifactregistry.googleapis.com",
      "cloudresourcemanager.googleapis.com",
      "cloudtrace.googleapis.com",
      "containerscanning.googleapis.com",
      "firestore.googleapis.com",
      "iam.googleapis.com",
      "iamcredentials.googleapis.com",
      "logging.googleapis.com",
      "monitoring.googleapis.com",
      "run.googleapis.com",
      "secretmanager.googleapis.com",
    ];
    const staging = parse(base());
    expect(staging.apis).toEqual(expect.arrayContaining([...BASE, "iap.googleapis.com"]));
    const prod = parse({ ...base(), kind: "prod", domain: "module6.example.com" }, "prod");
    expect(prod.apis).toEqual(expect.arrayContaining(BASE));
    expect(prod.apis).not.toContain("iap.googleapis.com");
    const extra = parse({ ...base(), apis: ["redis.googleapis.com", "run.googleapis.com"] });
    expect(extra.apis).toContain("redis.googleapis.com");
    expect(extra.apis.filter((a) => a === "run.googleapis.com")).toHaveLength(1);
  });

  it("labels the environment: app/env/stack/managed-by plus team, cost-center and extra labels, sanitised", () => {
    const values = base();
    values.labels = { team: "Équipe Platform", "cost-center": "CC 4200", owner: "Zoë" };
    expect(parse(values).labels).toEqual({
      app: "module6",
      env: "staging",
      stack: "staging",
      "managed-by": "pulumi",
      team: "equipe-platform",
      "cost-center": "cc-4200",
      owner: "zoe",
    });
  });

  it("does not let a config label override managed-by", () => {
    const values = base();
    values.labels["managed-by"] = "terraform";
    expect(parse(values).labels["managed-by"]).toBe("pulumi");
  });

  it("applies the prod preset: one warm instance, 50 max, run.app URL disabled, LB-only ingress", () => {
    const cfg = parse({ ...base(), kind: "prod", domain: "module6.example.com" }, "prod", ["session-key"]);
    expect(cfg.kind).toBe("prod");
    expect(cfg.env).toBe("prod");
    expect(cfg.preset.defaultUrlDisabled).toBe(true);
    expect(cfg.preset.ingress).toBe("internal-and-lb");
    expect(cfg.preset.iap).toBe(false);
    expect(svc(cfg, "web")).toMatchObject({ minInstances: 1, maxInstances: 50 });
    expect(cfg.protection).toEqual({ deletionProtection: true, protect: true });
    expect(cfg.firestore).toMatchObject({ deletionPolicy: "ABANDON", deleteProtection: true, protect: true });
  });

  it("applies the feature preset: IAP, ingress all, no protection, no backups, DELETE — even if the config asks", () => {
    const values = base();
    values.kind = "feature";
    delete values.monitoring; // feature stacks have no monitoring
    delete values.domain;
    values.firestore = {
      location: "asia-northeast3",
      backups: { dailyRetentionDays: 30, weeklyRetentionWeeks: 8 },
    };
    // Feature stacks mount staging's secrets: no secret values needed here.
    const cfg = parse(values, "feature-pr-7", []);
    expect(cfg.kind).toBe("feature");
    expect(cfg.env).toBe("f-pr-7");
    expect(cfg.domain).toBeUndefined();
    expect(cfg.preset.iap).toBe(true);
    expect(cfg.preset.ingress).toBe("all");
    expect(cfg.preset.defaultUrlDisabled).toBe(false);
    expect(cfg.protection).toEqual({ deletionProtection: false, protect: false });
    expect(svc(cfg, "web")).toMatchObject({ minInstances: 0, maxInstances: 2 });
    expect(cfg.firestore).toMatchObject({
      backups: null,
      deletionPolicy: "DELETE",
      pointInTimeRecovery: false,
      deleteProtection: false,
      protect: false,
    });
    expect(cfg.labels).toMatchObject({ env: "feature", stack: "feature-pr-7" });
  });

  it("overrides runDefaults and protection field by field", () => {
    const values = {
      ...base(),
      runDefaults: { maxInstances: 3, cpuIdle: false },
      protection: { protect: false },
    };
    const cfg = parse(values);
    expect(cfg.runDefaults).toEqual({
      minInstances: 0,
      maxInstances: 3,
      cpuIdle: false,
      startupCpuBoost: true,
    });
    expect(cfg.protection).toEqual({ deletionProtection: true, protect: false });
    expect(svc(cfg, "web")).toMatchObject({ maxInstances: 3, cpuIdle: false });
    // A service's own setting still beats the stack default.
    expect(svc(cfg, "api").maxInstances).toBe(6);
    expect(cfg.firestore?.protect).toBe(false);
  });

  it("defaults reviewers to the owners, and keeps explicit reviewers", () => {
    expect(parse(base()).reviewers).toEqual(["group:x@example.com"]);
    const values = { ...base(), reviewers: ["group:devs@example.com", "user:ann@example.com"] };
    expect(parse(values).reviewers).toEqual(["group:devs@example.com", "user:ann@example.com"]);
    expect(parse(values).owners).toEqual(["group:x@example.com"]);
  });

  it("keeps the firestore location, indexes and TTL fields", () => {
    const values = base();
    values.firestore = { location: "nam5", ttlFields: [{ collection: "sessions", field: "expiresAt" }] };
    const cfg = parse(values);
    expect(cfg.firestore).toMatchObject({
      location: "nam5",
      indexes: [],
      ttlFields: [{ collection: "sessions", field: "expiresAt" }],
      // Staging preset backups when the config says nothing.
      backups: { dailyRetentionDays: 7, weeklyRetentionWeeks: 4 },
    });
  });

  it("has no firestore when no service needs one and the block is absent", () => {
    const values = base();
    delete values.firestore;
    delete service(values, "api").uses;
    expect(parse(values).firestore).toBeUndefined();
  });

  it("lists only declared secrets among the secrets with values", () => {
    const values = base();
    values.secrets["unused"] = {};
    expect(parse(values, "staging", ["session-key"]).secretsWithValues).toEqual(["session-key"]);
  });
});

interface BadCase {
  readonly what: string;
  readonly mutate: (values: Values) => void;
  /** What the error message must contain: `<path>: got <value>; <allowed …>`. */
  readonly expected: string | RegExp;
  readonly stack?: string;
  readonly secretValueNames?: string[];
  /** Text that must not appear in the message (values that must stay hidden). */
  readonly hidden?: string;
}

const BAD: BadCase[] = [
  {
    what: "unknown top-level key (typo)",
    mutate: (v) => {
      v.servces = {};
    },
    expected:
      'module6:servces: got {}; no such key; did you mean "services"? Allowed: a known key (kind, gcpProject, region,',
  },
  {
    what: "unknown top-level key, nothing close",
    mutate: (v) => {
      v.replicas = 3;
    },
    expected: "module6:replicas: got 3; a known key (kind, gcpProject, region,",
  },
  {
    what: "unknown key inside a service",
    mutate: (v) => {
      service(v, "api").replicas = 3;
    },
    expected: "module6:services.api.replicas: got 3; no such key: check the spelling (known keys: image, ",
  },
  {
    what: "misspelt key inside a service",
    mutate: (v) => {
      service(v, "api").maxInstance = 3;
    },
    expected:
      'module6:services.api.maxInstance: got 3; no such key: did you mean "maxInstances"? (known keys: image,',
  },
  {
    what: "wrong type (maxInstances as text)",
    mutate: (v) => {
      service(v, "api").maxInstances = "ten";
    },
    expected: 'module6:services.api.maxInstances: got "ten"; a number, not text',
  },
  {
    what: "missing required key",
    mutate: (v) => {
      delete v.gcpProject;
    },
    expected: "module6:gcpProject: got nothing; required (text)",
  },
  {
    what: "missing kind",
    mutate: (v) => {
      delete (v as Partial<Values>).kind;
    },
    expected: 'module6:kind: got nothing; one of "prod", "staging", "feature"',
  },
  {
    what: "cpu as a YAML number",
    mutate: (v) => {
      service(v, "api").cpu = 2;
    },
    expected: 'module6:services.api.cpu: got 2; text: write cpu: "2" in quotes (YAML reads 2 as a number)',
  },
  {
    what: "a port in quotes",
    mutate: (v) => {
      service(v, "api").port = "8080";
    },
    expected: 'module6:services.api.port: got "8080"; a number: write port: 8080 without quotes',
  },
  {
    what: "invalid region",
    mutate: (v) => {
      v.region = "asia-northeast9";
    },
    expected: 'module6:region: got "asia-northeast9"; a Google Cloud region such as asia-northeast3',
  },
  {
    what: "minInstances above maxInstances",
    mutate: (v) => {
      Object.assign(service(v, "api"), { minInstances: 5, maxInstances: 2 });
    },
    expected: "module6:services.api.minInstances: got 5; at most maxInstances (2)",
  },
  {
    what: "malformed image reference",
    mutate: (v) => {
      service(v, "api").image = "Not An Image";
    },
    expected:
      'module6:services.api.image: got "Not An Image"; an image reference with an explicit tag or digest',
  },
  {
    what: "image without tag or digest",
    mutate: (v) => {
      service(v, "api").image = "asia-northeast3-docker.pkg.dev/p/r/api";
    },
    expected:
      'module6:services.api.image: got "asia-northeast3-docker.pkg.dev/p/r/api"; an image reference with an explicit tag',
  },
  {
    what: ":latest image in prod",
    stack: "prod",
    mutate: (v) => {
      v.kind = "prod";
      service(v, "api").image = IMAGE("api", "latest");
    },
    expected: `module6:services.api.image: got "${IMAGE("api", "latest")}"; a pinned tag or digest in a prod stack, not :latest`,
  },
  {
    what: "the same route on two services",
    mutate: (v) => {
      (service(v, "web").routes as string[]).push("/api/*");
    },
    expected:
      'module6:services.api.routes[0]: got "/api/*"; a route not already taken by services.web.routes[2] (/api/* → web)',
  },
  {
    what: "route without a leading slash",
    mutate: (v) => {
      service(v, "web").routes = ["/app", "app/*"];
    },
    expected: 'module6:services.web.routes[1]: got "app/*"; a path such as /api/* or /health',
  },
  {
    what: "route with '*' in the middle",
    mutate: (v) => {
      service(v, "web").routes = ["/app/*/x"];
    },
    expected: 'module6:services.web.routes[0]: got "/app/*/x"; a path such as /api/* or /health',
  },
  {
    what: "service name too long",
    mutate: (v) => {
      v.services["recommendation-engine-v2"] = { image: IMAGE("rec") };
    },
    expected:
      /module6:services\.recommendation-engine-v2(\.name)?: got "recommendation-engine-v2"; .*1-20 .*a-z 0-9 '-', starting with a letter/,
  },
  {
    what: "uppercase service name",
    mutate: (v) => {
      v.services.Worker = { image: IMAGE("worker") };
    },
    expected: /module6:services\.Worker(\.name)?: got "Worker"; .*a-z 0-9 '-', starting with a letter/,
  },
  {
    what: "secretEnv naming an undeclared secret",
    mutate: (v) => {
      service(v, "web").secretEnv = { DB_PASSWORD: "db-password" };
    },
    expected:
      'module6:services.web.secretEnv.DB_PASSWORD: got "db-password"; a secret declared under module6:secrets (session-key)',
  },
  {
    what: "a secret value for an undeclared secret",
    secretValueNames: ["session-key", "ghost"],
    mutate: () => undefined,
    expected:
      'module6:secret-ghost: got "(value hidden)"; a value only for a secret declared under module6:secrets',
  },
  {
    what: "a referenced secret without a value in staging",
    secretValueNames: [],
    mutate: () => undefined,
    expected:
      'module6:secret-session-key: got nothing; a value: pulumi config set --secret module6:secret-session-key <value>; to plan offline before the value exists, add "module6:secret-session-key: { secure: placeholder-set-with-pulumi-config-set-secret }" to the stack file (README, "Add a service")',
  },
  {
    what: "uses firestore without a firestore block",
    mutate: (v) => {
      delete v.firestore;
    },
    expected: 'module6:services.api.uses: got ["firestore"]; firestore only with a module6:firestore block',
  },
  {
    what: "vpcEgress without a vpc block",
    mutate: (v) => {
      service(v, "api").vpcEgress = true;
    },
    expected:
      "module6:services.api.vpcEgress: got true; true only with a module6:network or module6:vpc block",
  },
  {
    what: "prod without a domain",
    stack: "prod",
    mutate: (v) => {
      v.kind = "prod";
      delete v.domain;
    },
    expected: "module6:domain: got nothing; a domain for a prod stack",
  },
  {
    what: "an uppercase domain",
    mutate: (v) => {
      v.domain = "Staging.Example.com";
    },
    expected: 'module6:domain: got "Staging.Example.com"; a lowercase DNS name such as app.example.com',
  },
  {
    what: "kind feature on a stack not named feature-*",
    mutate: (v) => {
      v.kind = "feature";
      delete v.monitoring; // feature stacks have no monitoring
    },
    expected:
      'module6:kind: got "feature"; a kind that fits the stack name: kind feature is for stacks named feature-<slug>, and this stack is "staging"',
  },
  {
    what: "stack feature-x with kind prod",
    stack: "feature-x",
    mutate: (v) => {
      v.kind = "prod";
    },
    expected:
      'module6:kind: got "prod"; "feature": the stack is named "feature-x", and feature-<slug> stacks are of kind feature (a stack file contradicts its name)',
  },
  {
    what: "stack staging whose file says kind prod",
    mutate: (v) => {
      v.kind = "prod";
    },
    expected:
      'module6:kind: got "prod"; "staging": the stack file contradicts its name (stack "staging" with kind "prod")',
  },
  {
    what: "a feature stack name that is not a feature-<slug>, reported against the name",
    stack: "feature-Login_Page",
    mutate: (v) => {
      v.kind = "feature";
      delete v.monitoring;
    },
    expected:
      'stack name: got "feature-Login_Page"; feature-<slug>: lowercase letters, digits and single hyphens, a slug of at most 40 characters (e.g. feature-pr-123)',
  },
  {
    what: "a GCP project id with uppercase and '_'",
    mutate: (v) => {
      v.gcpProject = "Module6_Staging";
    },
    expected: 'module6:gcpProject: got "Module6_Staging"; a GCP project id: 6-30 of a-z 0-9',
  },
  {
    what: "an owner that is not an IAM member",
    mutate: (v) => {
      v.owners = ["alice@example.com"];
    },
    expected: 'module6:owners[0]: got "alice@example.com"; an IAM member such as group:team@example.com',
  },
  {
    what: "no owners",
    mutate: (v) => {
      v.owners = [];
    },
    expected: "module6:owners: got []; at least one owner group",
  },
  {
    what: "missing labels.team",
    mutate: (v) => {
      delete v.labels.team;
    },
    expected: "module6:labels.team: got nothing; a non-empty label value",
  },
  {
    what: "an uppercase label key",
    mutate: (v) => {
      v.labels.Owner = "ann";
    },
    expected: 'module6:labels.Owner: got "Owner"; a label key: lowercase letter first',
  },
  {
    what: "a credential-looking plain env var",
    mutate: (v) => {
      service(v, "api").env = { API_TOKEN: "fake-plaintext-0042" };
    },
    expected:
      'module6:services.api.env.API_TOKEN: got "(value hidden)"; credentials only through secretEnv (Secret Manager)',
    hidden: "fake-plaintext-0042",
  },
  {
    what: "memory that needs more CPU",
    mutate: (v) => {
      service(v, "api").memory = "8Gi";
    },
    expected: 'module6:services.api.cpu: got "1"; at least 2 for memory 8Gi',
  },
  {
    what: "a CPU count Cloud Run does not offer",
    mutate: (v) => {
      service(v, "api").cpu = "3";
    },
    expected: 'module6:services.api.cpu: got "3"; one of 1, 2, 4, 6, 8',
  },
  {
    what: "firestore weeklyRetentionWeeks 20",
    mutate: (v) => {
      v.firestore = { location: "asia-northeast3", backups: { weeklyRetentionWeeks: 20 } };
    },
    expected: "module6:firestore.backups.weeklyRetentionWeeks: got 20; an integer 1-14",
  },
  {
    what: "allowedRegions without the stack's region",
    mutate: (v) => {
      v.allowedRegions = ["europe-west1"];
    },
    expected: `module6:allowedRegions: got ["europe-west1"]; a list that includes the stack's region asia-northeast3`,
  },
  {
    what: "no services",
    mutate: (v) => {
      v.services = {};
      delete v.firestore;
    },
    expected: "module6:services: got {}; at least one service",
  },
  {
    what: "an invalid secret name",
    mutate: (v) => {
      v.secrets.Session_Key = {};
    },
    expected: 'module6:secrets.Session_Key: got "Session_Key"; 1-40 of a-z 0-9',
  },
  {
    // The README promises pinned images in prod *and* staging.
    what: ":latest image in staging",
    mutate: (v) => {
      service(v, "api").image = IMAGE("api", "latest");
    },
    expected: `module6:services.api.image: got "${IMAGE("api", "latest")}"; a pinned tag or digest in a staging stack, not :latest`,
  },
  {
    what: "a release of a :latest image in staging",
    mutate: (v) => {
      v.releases = { api: release({ image: IMAGE("api", "latest") }) };
    },
    expected: `module6:releases.api.image: got "${IMAGE("api", "latest")}"; a pinned tag or digest in a staging stack, not :latest`,
  },
  {
    what: "a stable revision of another service",
    mutate: (v) => {
      v.releases = { api: release({ stableRevisions: { "asia-northeast3": "m6-staging-web-00041-abc" } }) };
    },
    expected:
      'module6:releases.api.stableRevisions.asia-northeast3: got "m6-staging-web-00041-abc"; a revision of this service: "m6-staging-api-<suffix>"',
  },
  {
    what: "prod Firestore without backups",
    stack: "prod",
    mutate: (v) => {
      v.kind = "prod";
      v.firestore = { location: "asia-northeast3", backups: null };
    },
    expected: "module6:firestore.backups: got null; backup schedules in prod",
  },
  {
    // Its runtime service account would take the id of the Firestore backup check's account.
    what: "a service named like the backup check",
    mutate: (v) => {
      v.services["backup-check"] = { image: IMAGE("backup-check") };
    },
    expected: 'module6:services.backup-check: got "backup-check"; 1-20 of a-z 0-9',
  },
  {
    what: "a service named like the static site",
    mutate: (v) => {
      v.services.static = { image: IMAGE("static") };
    },
    expected:
      /module6:services\.static: got "static"; .*not a name the program uses itself \(static, backup-check\)/,
  },
  {
    what: "a reviewer IAP cannot let through",
    mutate: (v) => {
      v.reviewers = ["serviceAccount:ci@p.iam.gserviceaccount.com"];
    },
    expected:
      'module6:reviewers[0]: got "serviceAccount:ci@p.iam.gserviceaccount.com"; group:…, user:… or domain:…',
  },
  {
    what: "a feature stack whose owners (its reviewers) IAP cannot let through",
    stack: "feature-pr-7",
    secretValueNames: [],
    mutate: (v) => {
      v.kind = "feature";
      delete v.monitoring; // feature stacks have no monitoring
      v.owners = ["serviceAccount:ci@p.iam.gserviceaccount.com"];
    },
    expected:
      'module6:owners[0]: got "serviceAccount:ci@p.iam.gserviceaccount.com"; group:…, user:… or domain:… (the owners are the reviewers)',
  },
  {
    what: "an uptime path ending in z",
    mutate: (v) => {
      service(v, "api").uptimePath = "/api/healthz";
    },
    expected:
      "module6:services.api.uptimePath: got \"/api/healthz\"; an absolute URL path such as /health, not ending in 'z'",
  },
  {
    what: "a region listed twice",
    mutate: (v) => {
      service(v, "api").regions = ["asia-northeast3", "asia-northeast1", "asia-northeast1"];
      service(v, "api").minInstances = 1;
    },
    expected:
      'module6:services.api.regions: got ["asia-northeast3","asia-northeast1","asia-northeast1"]; each region once',
  },
];

/** A started canary of `api` in staging's region. */
function release(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    image: IMAGE("api", "2.0.0"),
    strategy: "canary",
    state: "started",
    percent: 10,
    tag: "canary",
    stableRevisions: { "asia-northeast3": "m6-staging-api-00041-abc" },
    ...overrides,
  };
}

describe("parseStackConfig: invalid configs", () => {
  it.each(BAD)("rejects $what", ({ mutate, expected, stack, secretValueNames, hidden }) => {
    const values = base();
    mutate(values);
    const error = configError(input(values, stack ?? "staging", secretValueNames ?? ["session-key"]));
    expect(error.message).toMatch(
      new RegExp(`^Invalid config for stack "${stack ?? "staging"}": \\d+ problems?\\n`),
    );
    if (typeof expected === "string") expect(error.message).toContain(`  - ${expected}`);
    else expect(error.message).toMatch(expected);
    expect(error.problems.length).toBeGreaterThanOrEqual(1);
    if (hidden !== undefined) expect(error.message).not.toContain(hidden);
  });

  // A wrong region used to stop the check there: the user fixed it and only then met the next mistake.
  it("reports a missing region together with the mistakes in services", () => {
    const values = base();
    delete (values as Partial<Values>).region;
    service(values, "api").secretEnv = { SIGNING: "undeclared" };
    const error = configError(input(values, "staging", ["session-key"]));
    expect(error.problems.map((p) => p.path)).toEqual([
      "module6:region",
      "module6:services.api.secretEnv.SIGNING",
    ]);
    // Checks against the stack's region are left out while there is no region.
    expect(error.message).not.toContain("includes the stack's region undefined");
  });

  it("is a pulumi.RunError, so the Pulumi CLI prints the message without a stack trace", () => {
    const values = base();
    delete values.domain;
    const error = configError(input({ ...values, kind: "prod" }, "prod"));
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.name).toBe("ValidationError");
  });

  it("reports every schema mistake in one error", () => {
    const values = base();
    values.region = "mars-north1";
    values.servces = {};
    service(values, "api").maxInstances = "ten";
    const error = configError(input(values));
    expect(error.problems.length).toBeGreaterThanOrEqual(3);
    expect(error.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(["module6:region", "module6:servces", "module6:services.api.maxInstances"]),
    );
    expect(error.message).toContain(`: ${error.problems.length} problems\n`);
  });

  it("reports every cross-field mistake in one error", () => {
    const values = base();
    values.kind = "prod";
    delete values.domain;
    service(values, "api").memory = "8Gi";
    (service(values, "web").routes as string[]).push("/api/*");
    const error = configError(input(values, "prod"));
    expect(error.problems.length).toBeGreaterThanOrEqual(3);
    expect(error.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        "module6:domain",
        "module6:services.api.cpu",
        "module6:services.api.routes[0]",
      ]),
    );
  });

  it("does not let a schema mistake hide cross-field mistakes in other keys", () => {
    const values = base();
    values.kind = "prod";
    delete values.domain;
    values.servces = {};
    service(values, "api").memory = "8Gi";
    const error = configError(input(values, "prod"));
    expect(error.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(["module6:servces", "module6:domain", "module6:services.api.cpu"]),
    );
  });

  it("renders each problem as '  - <path>: got <value>; <allowed>'", () => {
    const values = base();
    service(values, "api").minInstances = 7;
    service(values, "api").maxInstances = 3;
    const error = configError(input(values));
    expect(error.problems).toEqual([
      { path: "module6:services.api.minInstances", value: "7", allowed: "at most maxInstances (3)" },
    ]);
    expect(error.message).toBe(
      'Invalid config for stack "staging": 1 problem\n  - module6:services.api.minInstances: got 7; at most maxInstances (3)\n' +
        "See docs/configuration.md#services for what each key takes.",
    );
  });

  it("rejects service names that end with '-' or hold '--' (GCP refuses them; the app name rule already does)", () => {
    for (const name of ["web-", "web--v2"]) {
      const values = base();
      values.services[name] = { image: IMAGE("web") };
      const error = configError(input(values));
      expect(error.message, name).toMatch(
        new RegExp(`module6:services\\.${name}(\\.name)?: got "${name}"; `),
      );
    }
  });

  it("reports a missing secret value once, however many services reference the secret", () => {
    const values = base();
    service(values, "web").secretEnv = { SESSION_SIGNING_KEY: "session-key" };
    const error = configError(input(values, "staging", []));
    expect(error.problems.filter((p) => p.path === "module6:secret-session-key")).toHaveLength(1);
  });

  it("never prints a secret value given for an undeclared secret", () => {
    const map = configMap(base());
    map["module6:secret-ghost"] = "sampleclear-undeclared-value";
    const error = configError(splitConfigMap("staging", map));
    expect(error.message).toContain('module6:secret-ghost: got "(value hidden)"');
    expect(error.message).not.toContain("sampleclear");
  });

  it("never prints the value of a mistyped secret key (it may hold a decrypted secret)", () => {
    // `pulumi config set --secret module6:secrets-session-key …`: a typo of module6:secret-session-key.
    const map = configMap(base());
    map["module6:secret-session-key"] = "real-value";
    map["module6:secrets-session-key"] = "sampleclear-typo-value";
    const error = configError(splitConfigMap("staging", map));
    expect(error.message).toContain("module6:secrets-session-key: got ");
    expect(error.message).not.toContain("sampleclear");
  });

  it("does not require secret values in a feature stack (it mounts staging's secrets)", () => {
    const values = base();
    values.kind = "feature";
    delete values.monitoring; // feature stacks have no monitoring
    expect(() => parse(values, "feature-pr-7", [])).not.toThrow();
  });

  it("accepts :latest in a feature stack", () => {
    const values = base();
    values.kind = "feature";
    delete values.monitoring; // feature stacks have no monitoring
    service(values, "api").image = IMAGE("api", "latest");
    expect(parse(values, "feature-pr-7", []).services.find((s) => s.name === "api")?.image).toBe(
      IMAGE("api", "latest"),
    );
  });
});

/** The Pulumi config map of `values`: `module6:<key>` → JSON text, as `pulumi.runtime.allConfig()` gives it. */
function configMap(values: Values): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [`module6:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}

describe("splitConfigMap", () => {
  const map: Record<string, string> = {
    "module6:kind": "staging",
    "module6:services": '{"api":{"image":"x:1","maxInstances":3}}',
    "module6:owners": '["group:x@example.com"]',
    "module6:count": "3",
    "module6:flag": "true",
    "module6:broken": "{not json",
    "module6:domain": "staging.example.com",
    "module6:config:region": "asia-northeast3",
    "module6:secret-session-key": SESSION_KEY_VALUE,
    "pulumi:disable-default-providers": '["*"]',
    "gcp:project": "someone-elses-project",
  };

  it("parses module6:* JSON values and leaves plain strings alone", () => {
    const { values } = splitConfigMap("staging", map);
    expect(values).toEqual({
      kind: "staging",
      services: { api: { image: "x:1", maxInstances: 3 } },
      owners: ["group:x@example.com"],
      count: 3,
      flag: true,
      broken: "{not json",
      domain: "staging.example.com",
      region: "asia-northeast3",
    });
  });

  it("ignores other namespaces", () => {
    const { values } = splitConfigMap("staging", map);
    expect(Object.keys(values)).not.toContain("disable-default-providers");
    expect(Object.keys(values)).not.toContain("project");
    expect(JSON.stringify(values)).not.toContain("someone-elses-project");
  });

  it("records module6:secret-<name> only by name; the value never appears in the result", () => {
    const result = splitConfigMap("staging", map);
    expect(result.stack).toBe("staging");
    expect(result.secretValueNames).toEqual(["session-key"]);
    expect(Object.keys(result.values).some((k) => k.startsWith("secret-"))).toBe(false);
    // Not even a cut-off part of it (the uuid's first 8 digits are enough to recognise it).
    expect(JSON.stringify(result)).not.toContain(SESSION_KEY_VALUE.slice(0, 20));
  });

  it("round-trips a full config into a valid StackConfig", () => {
    const cfg = parseStackConfig(
      splitConfigMap("staging", { ...configMap(base()), "module6:secret-session-key": "v" }),
    );
    expect(cfg.services.map((s) => s.name)).toEqual(["web", "api"]);
    expect(cfg.secretsWithValues).toEqual(["session-key"]);
  });
});
