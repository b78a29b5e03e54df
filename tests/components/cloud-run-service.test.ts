import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CloudRunService,
  validateCloudRunServiceArgs,
  type CloudRunServiceArgs,
} from "../../components/cloud-run-service";
import { ServiceIdentity } from "../../components/service-identity";
import { ValidationError } from "../../components/shared/validation";
import {
  commonArgs,
  expectProps,
  idOf,
  installMocks,
  onlyOfType,
  record,
  resourcesOfType,
  valueOf,
} from "../helpers/pulumi";
import { leakProbe } from "../helpers/leak-probe";

const SERVICE = "gcp:cloudrunv2/service:Service";
const INVOKER = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember";
const IAP_ACCESS = "gcp:iap/webCloudRunServiceIamMember:WebCloudRunServiceIamMember";
const SLEEP = "time:index/sleep:Sleep";
const IMAGE = "asia-northeast3-docker.pkg.dev/module6-test-000000/m6-test-containers/api:1.2.3";
const SA_EMAIL = "m6-test-api@module6-test-000000.iam.gserviceaccount.com";
const IAP_AGENT = "service-000000000000@gcp-sa-iap.iam.gserviceaccount.com";

/** Minimal valid args: everything else takes its default. */
function baseArgs(overrides: Partial<CloudRunServiceArgs> = {}): CloudRunServiceArgs {
  return { ...commonArgs(), name: "api", image: IMAGE, serviceAccountEmail: SA_EMAIL, ...overrides };
}

/** The single container of the recorded service's template. */
function containerOf(service: { inputs: Record<string, unknown> }): Record<string, unknown> {
  const template = service.inputs.template as { containers: Record<string, unknown>[] };
  expect(template.containers).toHaveLength(1);
  return template.containers[0] as Record<string, unknown>;
}

/** The `ValidationError` that `fn` throws; fails the test when it throws nothing or something else. */
function validationErrorOf(fn: () => void): ValidationError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ValidationError);
  return caught as ValidationError;
}

beforeAll(async () => {
  await installMocks();
});

describe("CloudRunService", () => {
  it("creates a secure-by-default service with probes, limits and a dedicated identity", async () => {
    const { result, resources } = await record(() => new CloudRunService("svc-defaults", baseArgs()));
    const service = onlyOfType(resources, SERVICE);
    expectProps(service, {
      project: "module6-test-000000",
      name: "m6-test-api",
      location: "asia-northeast3",
      ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
      deletionProtection: true,
      defaultUriDisabled: false,
      iapEnabled: false,
      labels: {
        component: "cloud-run",
        app: "module6",
        env: "staging",
        team: "platform",
        "cost-center": "cc-1",
      },
      template: {
        labels: { component: "cloud-run", app: "module6", "managed-by": "pulumi" },
        serviceAccount: SA_EMAIL,
        maxInstanceRequestConcurrency: 80,
        timeout: "30s",
        scaling: { minInstanceCount: 0, maxInstanceCount: 10 },
      },
    });
    expect((service.inputs.template as Record<string, unknown>).vpcAccess).toBeUndefined();
    const container = containerOf(service);
    expect(container).toMatchObject({
      image: IMAGE,
      ports: { containerPort: 8080 },
      resources: { limits: { cpu: "1", memory: "512Mi" }, cpuIdle: true, startupCpuBoost: true },
      // Not /healthz: Cloud Run reserves some paths ending in z (known issues).
      startupProbe: { httpGet: { path: "/health", port: 8080 } },
      livenessProbe: { httpGet: { path: "/health", port: 8080 } },
    });
    // One region, no readiness probe, no preview features.
    expect(container).not.toHaveProperty("readinessProbe");
    expect(service.inputs).not.toHaveProperty("launchStage");
    // No grants to wait for: no propagation wait.
    expect(resourcesOfType(resources, SLEEP)).toHaveLength(0);
    expect(container.envs ?? []).toEqual([]);
    // No IAM grant is created unless asked for.
    expect(resourcesOfType(resources, INVOKER)).toHaveLength(0);
    expect(resourcesOfType(resources, IAP_ACCESS)).toHaveLength(0);
    expect(await valueOf(result.serviceName)).toBe("m6-test-api");
    expect(await valueOf(result.uri)).toMatch(/^https:\/\/m6-test-api-[0-9a-f]+\.a\.run\.app$/);
    expect(result.location).toBe("asia-northeast3");
  });

  it("parents every child to the component", async () => {
    const { result, resources } = await record(() => {
      const svc = new CloudRunService("svc-parent", baseArgs({ name: "worker" }));
      svc.grantInvoke("serviceAccount:caller@p.iam.gserviceaccount.com");
      return svc;
    });
    const component = onlyOfType(resources, "module6:run:Service");
    expect(component.custom).toBe(false);
    expect(component.urn).toBe(await valueOf(result.urn));
    const children = resources.filter((r) => r.custom);
    expect(children.map((r) => r.type).sort()).toEqual([SERVICE, INVOKER].sort());
    for (const child of children) expect(child.parent, child.type).toBe(component.urn);
    expectProps(onlyOfType(resources, SERVICE), { name: "m6-test-worker" });
  });

  it.each([
    ["all", "INGRESS_TRAFFIC_ALL"],
    ["internal-and-lb", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"],
    ["internal", "INGRESS_TRAFFIC_INTERNAL_ONLY"],
  ] as const)("maps ingress %s to %s", async (ingress, expected) => {
    const { resources } = await record(
      () => new CloudRunService(`svc-ingress-${ingress}`, baseArgs({ ingress })),
    );
    expectProps(onlyOfType(resources, SERVICE), { ingress: expected });
  });

  it("passes explicit sizing, scaling, port, timeout, health path and protection through", async () => {
    const { resources } = await record(
      () =>
        new CloudRunService(
          "svc-sized",
          baseArgs({
            cpu: "4",
            memory: "16Gi",
            concurrency: 20,
            minInstances: 1,
            maxInstances: 3,
            cpuIdle: false,
            startupCpuBoost: false,
            port: 9090,
            timeoutSeconds: 300,
            healthPath: "/ready",
            defaultUrlDisabled: true,
            deletionProtection: false,
          }),
        ),
    );
    const service = onlyOfType(resources, SERVICE);
    expectProps(service, {
      deletionProtection: false,
      defaultUriDisabled: true,
      template: {
        maxInstanceRequestConcurrency: 20,
        timeout: "300s",
        scaling: { minInstanceCount: 1, maxInstanceCount: 3 },
      },
    });
    expect(containerOf(service)).toMatchObject({
      ports: { containerPort: 9090 },
      resources: { limits: { cpu: "4", memory: "16Gi" }, cpuIdle: false, startupCpuBoost: false },
      startupProbe: { httpGet: { path: "/ready", port: 9090 } },
      livenessProbe: { httpGet: { path: "/ready", port: 9090 } },
    });
  });

  it("sets env as plain values and secretEnv only as Secret Manager references", async () => {
    const { resources } = await record(
      () =>
        new CloudRunService(
          "svc-env",
          baseArgs({
            env: { LOG_LEVEL: "info", FIRESTORE_DATABASE: pulumi.output("m6-test-db") },
            secretEnv: {
              DB_PASSWORD: { secret: "m6-test-db-password" },
              STRIPE_API_KEY: { secret: "projects/p/secrets/stripe", version: "3" },
            },
          }),
        ),
    );
    const envs = containerOf(onlyOfType(resources, SERVICE)).envs as Record<string, unknown>[];
    expect(envs).toEqual([
      { name: "LOG_LEVEL", value: "info" },
      { name: "FIRESTORE_DATABASE", value: "m6-test-db" },
      {
        name: "DB_PASSWORD",
        valueSource: { secretKeyRef: { secret: "m6-test-db-password", version: "latest" } },
      },
      {
        name: "STRIPE_API_KEY",
        valueSource: { secretKeyRef: { secret: "projects/p/secrets/stripe", version: "3" } },
      },
    ]);
    for (const env of envs.filter((e) => e.name === "DB_PASSWORD" || e.name === "STRIPE_API_KEY")) {
      expect(env, String(env.name)).not.toHaveProperty("value");
    }
  });

  it.each([
    [undefined, "PRIVATE_RANGES_ONLY"],
    ["private-ranges-only", "PRIVATE_RANGES_ONLY"],
    ["all-traffic", "ALL_TRAFFIC"],
  ] as const)("routes VPC egress %s as %s through the given subnet", async (egress, expected) => {
    const { resources } = await record(
      () =>
        new CloudRunService(
          `svc-vpc-${egress ?? "default"}`,
          baseArgs({
            vpcEgress: { network: "m6-test-vpc", subnetwork: "m6-test-run", ...(egress ? { egress } : {}) },
          }),
        ),
    );
    const template = onlyOfType(resources, SERVICE).inputs.template as Record<string, unknown>;
    expect(template.vpcAccess).toEqual({
      egress: expected,
      networkInterfaces: [{ network: "m6-test-vpc", subnetwork: "m6-test-run" }],
    });
  });

  it("puts IAP on the service: IAP agent invokes, members pass IAP", async () => {
    const members = ["group:devs@example.com", "user:qa@example.com"];
    const { resources } = await record(
      () =>
        new CloudRunService(
          "svc-iap",
          baseArgs({
            name: "preview",
            ingress: "all",
            iap: { members, serviceAgentEmail: pulumi.output(IAP_AGENT) },
          }),
        ),
    );
    const service = onlyOfType(resources, SERVICE);
    expectProps(service, { iapEnabled: true, ingress: "INGRESS_TRAFFIC_ALL", defaultUriDisabled: false });

    const invoker = onlyOfType(resources, INVOKER);
    expectProps(invoker, {
      project: "module6-test-000000",
      location: "asia-northeast3",
      name: "m6-test-preview",
      role: "roles/run.invoker",
      member: `serviceAccount:${IAP_AGENT}`,
    });
    expect(invoker.name).toBe("svc-iap-invoker-iap-agent");

    const access = resourcesOfType(resources, IAP_ACCESS);
    expect(access.map((a) => a.inputs.member)).toEqual(members);
    for (const grant of access) {
      expectProps(grant, {
        project: "module6-test-000000",
        location: "asia-northeast3",
        cloudRunServiceName: "m6-test-preview",
        role: "roles/iap.httpsResourceAccessor",
      });
    }
    const component = onlyOfType(resources, "module6:run:Service");
    for (const child of [invoker, ...access]) expect(child.parent).toBe(component.urn);
  });

  it("grants run.invoker on this service only", async () => {
    const { result, resources } = await record(() => {
      const svc = new CloudRunService("svc-grant", baseArgs({ name: "jobs" }));
      svc.grantInvoke("serviceAccount:scheduler@p.iam.gserviceaccount.com");
      svc.grantInvoke(pulumi.output("serviceAccount:pubsub@p.iam.gserviceaccount.com"), "pubsub");
      return svc;
    });
    const grants = resourcesOfType(resources, INVOKER);
    expect(grants.map((g) => [g.name, g.inputs.member])).toEqual([
      [
        expect.stringMatching(
          /^svc-grant-invoker-serviceaccount-scheduler-p-iam-gserviceaccount-com-[0-9a-f]{6}$/,
        ),
        "serviceAccount:scheduler@p.iam.gserviceaccount.com",
      ],
      ["svc-grant-invoker-pubsub", "serviceAccount:pubsub@p.iam.gserviceaccount.com"],
    ]);
    for (const grant of grants) {
      expectProps(grant, {
        role: "roles/run.invoker",
        name: "m6-test-jobs",
        location: "asia-northeast3",
        project: "module6-test-000000",
      });
      expect(grant.parent).toBe(await valueOf(result.urn));
    }
    // Never a project-level grant.
    expect(resourcesOfType(resources, "gcp:projects/iAMMember:IAMMember")).toHaveLength(0);
  });

  it("refuses an output member without a stable key", async () => {
    const { result } = await record(() => new CloudRunService("svc-nokey", baseArgs({ name: "nokey" })));
    expect(() => result.grantInvoke(pulumi.output("serviceAccount:x@p.iam.gserviceaccount.com"))).toThrow(
      /CloudRunService\.grantInvoke: a member that is an output needs a stable key/,
    );
  });

  it("validates before creating anything", async () => {
    const { resources } = await record(() => {
      expect(() => new CloudRunService("svc-invalid", baseArgs({ cpu: "3" }))).toThrow(ValidationError);
    });
    expect(resources).toHaveLength(0);
  });
});

describe("validateCloudRunServiceArgs", () => {
  it("accepts the defaults, an image digest and outputs it cannot check", () => {
    expect(() => validateCloudRunServiceArgs(baseArgs())).not.toThrow();
    expect(() =>
      validateCloudRunServiceArgs(
        baseArgs({ image: `asia-northeast3-docker.pkg.dev/p/r/api@sha256:${"a".repeat(64)}` }),
      ),
    ).not.toThrow();
    expect(() =>
      validateCloudRunServiceArgs(baseArgs({ image: pulumi.output("not checked") })),
    ).not.toThrow();
    expect(() =>
      validateCloudRunServiceArgs(
        baseArgs({ ingress: "all", iap: { members: ["domain:example.com"], serviceAgentEmail: IAP_AGENT } }),
      ),
    ).not.toThrow();
  });

  it.each([
    [
      "an image without tag or digest",
      { image: "asia-northeast3-docker.pkg.dev/p/r/api" },
      /image: got "asia-northeast3-docker\.pkg\.dev\/p\/r\/api"; an image reference with an explicit tag or digest/,
    ],
    ["cpu 3", { cpu: "3" }, /cpu: got "3"; one of 1, 2, 4, 6, 8/],
    ["memory 100Mi", { memory: "100Mi" }, /memory: got "100Mi"; 512Mi to 32Gi/],
    ["memory 1G", { memory: "1G" }, /memory: got "1G"; 512Mi to 32Gi, as <n>Mi or <n>Gi/],
    ["memory 16Gi with cpu 1", { memory: "16Gi", cpu: "1" }, /cpu: got "1"; at least 4 for memory 16Gi/],
    ["memory 5Gi with cpu 1", { memory: "5Gi" }, /cpu: got "1"; at least 2 for memory 5Gi/],
    ["concurrency 0", { concurrency: 0 }, /concurrency: got 0; an integer 1-1000/],
    [
      "minInstances above maxInstances",
      { minInstances: 5, maxInstances: 2 },
      /minInstances: got 5; at most maxInstances \(2\)/,
    ],
    ["maxInstances 0", { maxInstances: 0 }, /maxInstances: got 0; an integer 1-1000/],
    ["port 70000", { port: 70000 }, /port: got 70000; an integer 1-65535/],
    ["timeout 0", { timeoutSeconds: 0 }, /timeoutSeconds: got 0; an integer 1-3600/],
    [
      "healthPath without a leading slash",
      { healthPath: "health" },
      /healthPath: got "health"; an absolute URL path/,
    ],
    [
      "a healthPath ending in z (reserved by Cloud Run)",
      { healthPath: "/healthz" },
      /healthPath: got "\/healthz"; an absolute URL path such as \/health, not ending in 'z'/,
    ],
    [
      "a readinessPath ending in z",
      { readinessPath: "/readyz", minInstances: 1 },
      /readinessPath: got "\/readyz"; an absolute URL path such as \/health, not ending in 'z'/,
    ],
    [
      "a readiness probe without a minimum instance",
      { readinessPath: "/health" },
      /minInstances: got 0; at least 1 with a readiness probe/,
    ],
    [
      "reserved env PORT",
      { env: { PORT: "8080" } },
      /env\.PORT: got "PORT"; a variable name that Cloud Run does not reserve/,
    ],
    [
      "a credential in plain env",
      { env: { DB_PASSWORD: leakProbe("plain-env") } },
      /env\.DB_PASSWORD: got "\(value hidden\)"; credentials only through secretEnv/,
    ],
    [
      "the same name in env and secretEnv",
      { env: { DATABASE_URL: "x" }, secretEnv: { DATABASE_URL: { secret: "db-url" } } },
      /secretEnv\.DATABASE_URL: got "DATABASE_URL"; a name not also set in env/,
    ],
    [
      "reserved secretEnv K_SERVICE",
      { secretEnv: { K_SERVICE: { secret: "s" } } },
      /secretEnv\.K_SERVICE: got "K_SERVICE"/,
    ],
    [
      "iap with ingress internal-and-lb",
      {
        ingress: "internal-and-lb",
        iap: { members: ["group:devs@example.com"], serviceAgentEmail: IAP_AGENT },
      },
      /ingress: got "internal-and-lb"; "all" when iap is on/,
    ],
    [
      "iap with the default ingress",
      { iap: { members: ["group:devs@example.com"], serviceAgentEmail: IAP_AGENT } },
      /ingress: got "internal-and-lb"; "all" when iap is on/,
    ],
    [
      "iap with defaultUrlDisabled",
      {
        ingress: "all",
        defaultUrlDisabled: true,
        iap: { members: ["group:devs@example.com"], serviceAgentEmail: IAP_AGENT },
      },
      /defaultUrlDisabled: got true; false when iap is on/,
    ],
    [
      "iap with no members",
      { ingress: "all", iap: { members: [], serviceAgentEmail: IAP_AGENT } },
      /iap\.members: got \[\]; at least one group or user/,
    ],
    [
      "iap with a bare email member",
      { ingress: "all", iap: { members: ["devs@example.com"], serviceAgentEmail: IAP_AGENT } },
      /iap\.members\[0\]: got "devs@example\.com"; group:…, user:… or domain:…/,
    ],
    ["name API", { name: "API" }, /name: got "API"; 1-20 of a-z 0-9 '-'/],
    ["a name longer than 20", { name: "a".repeat(21) }, /name: got "a{21}"/],
  ] as [string, Partial<CloudRunServiceArgs>, RegExp][])("rejects %s", (_case, bad, message) => {
    expect(() => validateCloudRunServiceArgs(baseArgs(bad))).toThrow(ValidationError);
    expect(() => validateCloudRunServiceArgs(baseArgs(bad))).toThrow(message);
  });

  it("never shows a plain credential value in its message", () => {
    const PLAIN_ENV_VALUE = leakProbe("plain-env");
    const error = validationErrorOf(() =>
      validateCloudRunServiceArgs(baseArgs({ env: { API_TOKEN: PLAIN_ENV_VALUE } })),
    );
    expect(error.problems).toEqual([
      {
        path: "env.API_TOKEN",
        value: '"(value hidden)"',
        allowed: "credentials only through secretEnv (Secret Manager)",
      },
    ]);
    expect(error.message).not.toContain(PLAIN_ENV_VALUE);
  });

  it("reports every problem at once, naming the component", () => {
    const error = validationErrorOf(() =>
      validateCloudRunServiceArgs(
        baseArgs({ name: "API", cpu: "3", port: 0, timeoutSeconds: 0, healthPath: "x" }),
      ),
    );
    expect(error.problems.length).toBeGreaterThan(1);
    expect(error.problems.map((p) => p.path)).toEqual([
      "name",
      "cpu",
      "port",
      "timeoutSeconds",
      "healthPath",
    ]);
    expect(error.message).toMatch(/^CloudRunService "API": 5 problems\n/);
  });
});

describe("CloudRunService traffic", () => {
  const STABLE = "m6-test-api-00041-abc";

  it("sends every request to the latest revision by default, explicitly", async () => {
    const { resources } = await record(() => new CloudRunService("svc-traffic-default", baseArgs()));
    expect(onlyOfType(resources, SERVICE).inputs.traffics).toEqual([
      { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 },
    ]);
  });

  it.each([
    [
      "canary",
      [
        { percent: 10, tag: "canary" },
        { revision: STABLE, percent: 90 },
      ],
      [
        { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 10, tag: "canary" },
        { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", percent: 90, revision: STABLE },
      ],
    ],
    [
      "blue-green",
      [
        { percent: 0, tag: "green" },
        { revision: STABLE, percent: 100 },
      ],
      [
        { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 0, tag: "green" },
        { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", percent: 100, revision: STABLE },
      ],
    ],
  ] as const)("maps a %s split to traffic blocks", async (strategy, traffic, expected) => {
    const { resources } = await record(
      () => new CloudRunService(`svc-traffic-${strategy}`, baseArgs({ traffic })),
    );
    expect(onlyOfType(resources, SERVICE).inputs.traffics).toEqual(expected);
  });

  it("exposes the latest ready revision and the traffic statuses as outputs", async () => {
    const { result } = await record(() => new CloudRunService("svc-traffic-out", baseArgs()));
    // The mocks report no statuses: an empty list, never undefined.
    expect(await valueOf(result.traffic)).toEqual([]);
  });

  it("accepts a tag-only target and the longest tag that fits", () => {
    expect(() =>
      validateCloudRunServiceArgs(
        baseArgs({
          traffic: [
            { revision: STABLE, percent: 100 },
            { percent: 0, tag: "previewx" },
          ],
        }),
      ),
    ).not.toThrow();
  });

  it.each([
    ["no targets", [], /traffic: got \[\]; at least one target/],
    [
      "shares that do not sum to 100",
      [
        { percent: 10, tag: "canary" },
        { revision: STABLE, percent: 80 },
      ],
      /traffic: got .*; shares that sum to 100 \(they sum to 90\)/,
    ],
    ["a share above 100", [{ percent: 101 }], /traffic\[0\]\.percent: got 101; an integer 0-100/],
    [
      "a negative share",
      [{ percent: -5 }, { revision: STABLE, percent: 105 }],
      /traffic\[0\]\.percent: got -5/,
    ],
    [
      "a fractional share",
      [{ percent: 99.5 }, { revision: STABLE, percent: 0.5 }],
      /traffic\[0\]\.percent: got 99\.5/,
    ],
    [
      "two latest targets",
      [{ percent: 50 }, { percent: 50, tag: "canary" }],
      /at most one target without a revision \(the latest\); found 2/,
    ],
    [
      "the same revision twice",
      [
        { revision: STABLE, percent: 50 },
        { revision: STABLE, percent: 50 },
      ],
      /traffic: got "m6-test-api-00041-abc"; each revision in one target only/,
    ],
    [
      "the same tag twice",
      [
        { percent: 50, tag: "canary" },
        { revision: STABLE, percent: 50, tag: "canary" },
      ],
      /traffic: got "canary"; each tag on one target only/,
    ],
    [
      "an upper-case tag",
      [{ percent: 100, tag: "Canary" }],
      /traffic\[0\]\.tag: got "Canary"; 1-8 of a-z 0-9/,
    ],
    ["a tag with '--'", [{ percent: 100, tag: "a--b" }], /traffic\[0\]\.tag: got "a--b"/],
    ["a tag over 8 characters", [{ percent: 100, tag: "canary-two" }], /traffic\[0\]\.tag: got "canary-two"/],
    [
      "a revision of another service",
      [{ revision: "m6-test-web-00001-abc", percent: 100 }],
      /traffic\[0\]\.revision: got "m6-test-web-00001-abc"; a revision of this service: "m6-test-api-<suffix>"/,
    ],
    [
      "a target with neither share nor tag",
      [{ percent: 100 }, { revision: STABLE, percent: 0 }],
      /traffic\[1\]: got .*; a share above 0 or a tag/,
    ],
  ] as [string, CloudRunServiceArgs["traffic"], RegExp][])("rejects %s", (_case, traffic, message) => {
    expect(() => validateCloudRunServiceArgs(baseArgs({ traffic }))).toThrow(message);
  });

  it("keeps the service name plus tag within the tag URL limit", () => {
    // A naming that does not cut names: the component itself must catch the 46-character limit.
    const long = "s".repeat(40);
    const naming = { name: () => long };
    const error = validationErrorOf(() =>
      validateCloudRunServiceArgs(baseArgs({ naming, traffic: [{ percent: 100, tag: "canary" }] })),
    );
    expect(error.problems).toEqual([
      {
        path: "traffic[0].tag",
        value: '"canary"',
        allowed: `a tag that fits the tag URL: service name "${long}" + '-' + tag must be at most 46 characters`,
      },
    ]);
    expect(() =>
      validateCloudRunServiceArgs(baseArgs({ naming, traffic: [{ percent: 100, tag: "green" }] })),
    ).not.toThrow();
  });

  it("creates nothing when the split is invalid", async () => {
    const { resources } = await record(() => {
      expect(
        () => new CloudRunService("svc-traffic-invalid", baseArgs({ traffic: [{ percent: 90 }] })),
      ).toThrow(ValidationError);
    });
    expect(resources).toHaveLength(0);
  });
});

describe("CloudRunService ordering", () => {
  it("makes the service itself wait for what the component depends on (its grants)", async () => {
    const { resources } = await record(() => {
      const grant = new ServiceIdentity("order-grant", { ...commonArgs(), name: "order" });
      return new CloudRunService("order", baseArgs({ name: "order" }), { dependsOn: [grant] });
    });
    const service = onlyOfType(resources, SERVICE);
    const account = onlyOfType(resources, "gcp:serviceaccount/account:Account");
    // Depending on a component means depending on its children: the account is among the dependencies.
    expect(service.dependencies).toContain(account.urn);
  });
});

describe("CloudRunService readiness (point 6: failover between regions)", () => {
  it("adds a readiness probe on the health path and opts into the Preview launch stage", async () => {
    const { resources } = await record(
      () =>
        new CloudRunService("svc-ready", baseArgs({ readinessPath: "/health", minInstances: 1, port: 9090 })),
    );
    const service = onlyOfType(resources, SERVICE);
    expect(containerOf(service).readinessProbe).toEqual({
      httpGet: { path: "/health", port: 9090 },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
      successThreshold: 2,
    });
    expect(service.inputs.launchStage).toBe("BETA");
    expectProps(service, { template: { scaling: { minInstanceCount: 1 } } });
  });
});

describe("CloudRunService secret versions (point 9)", () => {
  it("mounts the given version, an output included, so a new version rolls a new revision", async () => {
    const { resources } = await record(
      () =>
        new CloudRunService(
          "svc-pinned",
          baseArgs({
            secretEnv: { SESSION_KEY: { secret: "m6-test-session", version: pulumi.output("4") } },
          }),
        ),
    );
    expect(containerOf(onlyOfType(resources, SERVICE)).envs).toEqual([
      { name: "SESSION_KEY", valueSource: { secretKeyRef: { secret: "m6-test-session", version: "4" } } },
    ]);
  });
});

describe("CloudRunService grant propagation (point 4)", () => {
  it("creates the service 2 minutes after its grants, through a wait keyed by the grants' ids", async () => {
    const { resources } = await record(() => {
      const identity = new ServiceIdentity("wait-id", { ...commonArgs(), name: "waiter", telemetry: false });
      const grants = ["roles/secretmanager.secretAccessor", "roles/datastore.user"].map(
        (role, i) =>
          new gcp.projects.IAMMember(`wait-grant-${i}`, {
            project: "module6-test-000000",
            role,
            member: identity.member,
          }),
      );
      return new CloudRunService("svc-wait", baseArgs({ name: "waiter", awaitGrants: grants }));
    });
    const wait = onlyOfType(resources, SLEEP);
    expect(wait.name).toBe("svc-wait-grants-propagation");
    expect(wait.inputs.createDuration).toBe("2m");
    const grants = resourcesOfType(resources, "gcp:projects/iAMMember:IAMMember");
    expect(grants).toHaveLength(2);
    // Keyed by the grants' ids (sorted): a new or replaced grant waits again, an unchanged one does not.
    expect((wait.inputs.triggers as Record<string, unknown>).keys).toBe(
      grants
        .map((g) => idOf(g))
        .sort()
        .join(","),
    );
    for (const g of grants) expect(wait.dependencies).toContain(g.urn);
    const service = onlyOfType(resources, SERVICE);
    expect(service.dependencies).toContain(wait.urn);
    expect(wait.parent).toBe(onlyOfType(resources, "module6:run:Service").urn);
  });
});
