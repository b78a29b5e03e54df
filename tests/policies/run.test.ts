import { describe, expect, it } from "vitest";
import {
  cloudRunDedicatedServiceAccount,
  cloudRunDefaultUrlDisabled,
  cloudRunDeletionProtection,
  cloudRunIapWired,
  cloudRunImagePinned,
  cloudRunIngressRestricted,
  cloudRunInvokerCheckNeedsRestrictedIngress,
  cloudRunPublicInvokerAllowList,
  cloudRunSecretsByReference,
  cloudRunServiceAccountNotShared,
  iapNoPublicAccess,
  isPinnedImage,
} from "../../policies/run";
import { T } from "../../policies/lib/tokens";
import { mutate, PROJECT, res, UNSET, urn } from "../fixtures/policies/build";
import { fixtures } from "../fixtures/policies/resources";
import { messagesOf, stackMessages } from "./harness";

const svc = fixtures.runService;
const ALL = "INGRESS_TRAFFIC_ALL";

describe("cloud-run-ingress-restricted", () => {
  const p = cloudRunIngressRestricted;
  it("passes load-balancer and internal ingress, and ALL behind IAP", async () => {
    expect(await messagesOf(p, svc())).toEqual([]);
    expect(await messagesOf(p, mutate(svc(), "ingress", "INGRESS_TRAFFIC_INTERNAL_ONLY"))).toEqual([]);
    expect(await messagesOf(p, mutate(mutate(svc(), "ingress", ALL), "iapEnabled", true))).toEqual([]);
  });
  it("refuses ingress ALL without IAP: iapEnabled false or unset", async () => {
    const refused = [
      'Cloud Run service "m6-prod-api" must restrict ingress to INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER or INGRESS_TRAFFIC_INTERNAL_ONLY, or enable IAP (iapEnabled: true); ingress is "INGRESS_TRAFFIC_ALL"',
    ];
    expect(await messagesOf(p, mutate(svc(), "ingress", ALL))).toEqual(refused);
    expect(await messagesOf(p, mutate(mutate(svc(), "ingress", ALL), "iapEnabled", UNSET))).toEqual(refused);
  });
  it("treats unset ingress as INGRESS_TRAFFIC_ALL (the provider's default)", async () => {
    expect(await messagesOf(p, mutate(svc(), "ingress", UNSET))).toEqual([
      'Cloud Run service "m6-prod-api" must restrict ingress to INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER or INGRESS_TRAFFIC_INTERNAL_ONLY, or enable IAP (iapEnabled: true); ingress is unset, which the provider treats as INGRESS_TRAFFIC_ALL',
    ]);
  });
});

describe("cloud-run-default-url-disabled", () => {
  const p = cloudRunDefaultUrlDisabled;
  const enabled =
    'Cloud Run service "m6-prod-api" is load-balanced (ingress INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER) and must disable its run.app URL (defaultUriDisabled: true); defaultUriDisabled is false';
  it("passes a load-balanced prod service without run.app", async () =>
    expect(await messagesOf(p, svc())).toEqual([]));
  it("refuses run.app on a load-balanced prod service", async () => {
    expect(await messagesOf(p, mutate(svc(), "defaultUriDisabled", false))).toEqual([enabled]);
  });
  it("treats unset defaultUriDisabled as run.app enabled", async () => {
    expect(await messagesOf(p, mutate(svc(), "defaultUriDisabled", UNSET))).toEqual([
      'Cloud Run service "m6-prod-api" is load-balanced (ingress INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER) and must disable its run.app URL (defaultUriDisabled: true); defaultUriDisabled is unset, which keeps the run.app URL enabled',
    ]);
  });
  it("exempts staging by default (from the env label or the stack tag), and follows the environments config", async () => {
    const staging = mutate(mutate(svc(), "defaultUriDisabled", false), "labels.env", "staging");
    expect(await messagesOf(p, staging, { env: "staging" })).toEqual([]);
    expect(
      await messagesOf(p, mutate(svc(), "defaultUriDisabled", false), {
        env: null,
        stackTags: { environment: "prod" },
      }),
    ).toEqual([enabled]);
    expect(
      await messagesOf(p, staging, { env: "staging", config: { environments: ["prod", "staging"] } }),
    ).toHaveLength(1);
  });
  it("does not apply to services that are not load-balanced", async () => {
    expect(
      await messagesOf(
        p,
        mutate(mutate(svc(), "defaultUriDisabled", false), "ingress", "INGRESS_TRAFFIC_INTERNAL_ONLY"),
      ),
    ).toEqual([]);
  });
});

describe("cloud-run-dedicated-service-account", () => {
  const p = cloudRunDedicatedServiceAccount;
  it("passes a dedicated account", async () => expect(await messagesOf(p, svc())).toEqual([]));
  it("refuses the Compute Engine default account", async () => {
    expect(
      await messagesOf(
        p,
        mutate(svc(), "template.serviceAccount", "123-compute@developer.gserviceaccount.com"),
      ),
    ).toEqual([
      'Cloud Run service "m6-prod-api" must run as a dedicated service account, not the default "123-compute@developer.gserviceaccount.com"',
    ]);
  });
  it("treats an unset serviceAccount as the Compute Engine default", async () => {
    expect(await messagesOf(p, mutate(svc(), "template.serviceAccount", UNSET))).toEqual([
      'Cloud Run service "m6-prod-api" must run as a dedicated service account; template.serviceAccount is unset, which runs it as the Compute Engine default service account',
    ]);
  });
  it("accepts an account computed from another resource at preview", async () => {
    expect(
      await messagesOf(p, mutate(svc(), "template.serviceAccount", "[unknown]"), { preview: true }),
    ).toEqual([]);
  });
  it("holds Cloud Run jobs to the same, at template.template.serviceAccount", async () => {
    const job = (serviceAccount?: string) =>
      res(T.runJob, "backup-check", {
        name: "m6-prod-backup-check",
        location: "asia-northeast3",
        template: { template: serviceAccount ? { serviceAccount } : {} },
      });
    expect(await messagesOf(p, job(`m6-prod-backup-check@${PROJECT}.iam.gserviceaccount.com`))).toEqual([]);
    expect(await messagesOf(p, job())).toEqual([
      'Cloud Run job "m6-prod-backup-check" must run as a dedicated service account; template.template.serviceAccount is unset, which runs it as the Compute Engine default service account',
    ]);
    expect(await messagesOf(p, job(`${PROJECT}@appspot.gserviceaccount.com`))).toEqual([
      `Cloud Run job "m6-prod-backup-check" must run as a dedicated service account, not the default "${PROJECT}@appspot.gserviceaccount.com"`,
    ]);
  });
});

describe("cloud-run-secrets-by-reference", () => {
  const p = cloudRunSecretsByReference;
  const env = (name: string, value: string) => mutate(svc(), "template.containers.0.envs.0", { name, value });
  it("passes plain settings and secret references", async () =>
    expect(await messagesOf(p, svc())).toEqual([]));
  it("refuses a credential-like name with a plain value", async () => {
    expect(await messagesOf(p, env("DB_PASSWORD", "sampleclear"))).toEqual([
      'Cloud Run service "m6-prod-api" must take DB_PASSWORD from Secret Manager (valueSource.secretKeyRef): its name looks like a credential and it has a plain value',
    ]);
  });
  it("refuses a value that is a credential whatever its name", async () => {
    expect(await messagesOf(p, env("MAPS", `AIza${"x".repeat(35)}`))).toEqual([
      'Cloud Run service "m6-prod-api" must take MAPS from Secret Manager (valueSource.secretKeyRef): its plain value looks like a credential',
    ]);
  });
  it("still refuses a computed plain value at preview", async () => {
    expect(await messagesOf(p, env("API_TOKEN", "[unknown]"), { preview: true })).toHaveLength(1);
  });
});

describe("cloud-run-public-invoker-allow-list", () => {
  const p = cloudRunPublicInvokerAllowList;
  const grant = fixtures.runInvoker;
  it("passes grants to specific principals", async () => expect(await messagesOf(p, grant())).toEqual([]));
  it("refuses allUsers as invoker outside the allow list", async () => {
    expect(await messagesOf(p, mutate(grant(), "member", "allUsers"))).toEqual([
      'Cloud Run service "m6-prod-api" must not grant roles/run.invoker to allUsers unless it is in the publicInvokerAllowList policy config (the allow list is empty)',
    ]);
  });
  it("accepts allUsers as invoker on an allow-listed service, never another role", async () => {
    const config = { publicInvokerAllowList: ["m6-prod-api"] };
    expect(await messagesOf(p, mutate(grant(), "member", "allUsers"), { config })).toEqual([]);
    expect(
      await messagesOf(
        p,
        mutate(mutate(grant(), "member", "allAuthenticatedUsers"), "role", "roles/run.developer"),
        { config },
      ),
    ).toEqual([
      'Cloud Run service "m6-prod-api" must not grant roles/run.developer to allAuthenticatedUsers',
    ]);
    expect(
      await messagesOf(p, mutate(grant(), "member", "allUsers"), {
        config: { publicInvokerAllowList: ["web"] },
      }),
    ).toEqual([
      'Cloud Run service "m6-prod-api" must not grant roles/run.invoker to allUsers unless it is in the publicInvokerAllowList policy config (allowed: "web")',
    ]);
  });
  it("reads bindings (members) and v1 grants (service)", async () => {
    const binding = res(T.runServiceIamBinding, "b", {
      name: "m6-prod-web",
      role: "roles/run.invoker",
      members: ["user:a@example.com", "allUsers"],
    });
    const v1 = res(T.runV1IamMember, "v1", {
      service: "legacy",
      role: "roles/run.invoker",
      member: "allUsers",
    });
    expect(await messagesOf(p, binding)).toHaveLength(1);
    expect((await messagesOf(p, v1))[0]).toMatch(
      /^Cloud Run service "legacy" must not grant roles\/run.invoker to allUsers/,
    );
  });
  it("lets a Cloud Run job grant the public nothing, even an allow-listed name", async () => {
    const runner = res(T.runJobIamMember, "job-run", {
      name: "m6-prod-backup-check",
      location: "l",
      role: "roles/run.invoker",
      member: "allUsers",
    });
    expect(
      await messagesOf(p, runner, { config: { publicInvokerAllowList: ["m6-prod-backup-check"] } }),
    ).toEqual([
      'IAM grant on Cloud Run job "m6-prod-backup-check" must not give roles/run.invoker to allUsers',
    ]);
    expect(
      await messagesOf(
        p,
        mutate(runner, "member", `serviceAccount:m6-prod-backup-check@${PROJECT}.iam.gserviceaccount.com`),
      ),
    ).toEqual([]);
  });
  it("reads v2 and v1 IAM policy documents", async () => {
    const doc = JSON.stringify({ bindings: [{ role: "roles/run.invoker", members: ["allUsers"] }] });
    expect(
      await messagesOf(
        p,
        res(T.runServiceIamPolicy, "v2", { name: "m6-prod-api", location: "l", policyData: doc }),
      ),
    ).toEqual([
      'Cloud Run service "m6-prod-api" must not grant roles/run.invoker to allUsers unless it is in the publicInvokerAllowList policy config (the allow list is empty)',
    ]);
    expect(
      await messagesOf(p, res(T.runV1IamPolicy, "v1", { service: "legacy", location: "l", policyData: doc })),
    ).toHaveLength(1);
  });
});

describe("cloud-run-invoker-check-needs-restricted-ingress", () => {
  const p = cloudRunInvokerCheckNeedsRestrictedIngress;
  it("passes invokerIamDisabled with load-balancer ingress, and the invoker check left on", async () => {
    expect(await messagesOf(p, svc())).toEqual([]);
    expect(await messagesOf(p, mutate(mutate(svc(), "invokerIamDisabled", UNSET), "ingress", ALL))).toEqual(
      [],
    );
  });
  it("refuses invokerIamDisabled with ingress ALL, also when ingress is unset", async () => {
    const prefix =
      'Cloud Run service "m6-prod-api" disables the invoker IAM check (invokerIamDisabled: true), so it must restrict ingress to INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER or INGRESS_TRAFFIC_INTERNAL_ONLY; ';
    expect(await messagesOf(p, mutate(svc(), "ingress", ALL))).toEqual([
      `${prefix}ingress is "INGRESS_TRAFFIC_ALL"`,
    ]);
    expect(await messagesOf(p, mutate(svc(), "ingress", UNSET))).toEqual([
      `${prefix}ingress is unset, which the provider treats as INGRESS_TRAFFIC_ALL`,
    ]);
  });
});

describe("cloud-run-deletion-protection", () => {
  const p = cloudRunDeletionProtection;
  const off =
    'Cloud Run service "m6-prod-api" must keep deletion protection on (deletionProtection is false)';
  it("passes protection on, and unset (the provider's default is true)", async () => {
    expect(await messagesOf(p, svc())).toEqual([]);
    expect(await messagesOf(p, mutate(svc(), "deletionProtection", UNSET))).toEqual([]);
  });
  it("refuses protection off in prod and staging", async () => {
    expect(await messagesOf(p, mutate(svc(), "deletionProtection", false))).toEqual([off]);
    const staging = mutate(mutate(svc(), "deletionProtection", false), "labels.env", "staging");
    expect(await messagesOf(p, staging, { env: "staging" })).toEqual([off]);
  });
  it("lets feature stacks switch it off (env label, provider labels or stack tag)", async () => {
    const feature = mutate(mutate(svc(), "deletionProtection", false), "labels.env", "feature");
    expect(await messagesOf(p, feature, { env: "feature" })).toEqual([]);
    const unlabelled = mutate(mutate(svc(), "deletionProtection", false), "labels", UNSET);
    expect(await messagesOf(p, unlabelled, { env: null, stackTags: { environment: "feature" } })).toEqual([]);
  });
  it("fails closed when no environment is known", async () => {
    const unlabelled = mutate(mutate(svc(), "deletionProtection", false), "labels", UNSET);
    expect(await messagesOf(p, unlabelled, { env: null })).toEqual([off]);
  });
  it("does not exempt a stack tagged feature whose resources say prod", async () => {
    expect(
      await messagesOf(p, mutate(svc(), "deletionProtection", false), {
        stackTags: { environment: "feature" },
      }),
    ).toEqual([off]);
  });
});

describe("cloud-run-image-pinned", () => {
  const p = cloudRunImagePinned;
  it("knows pinned images", () => {
    expect(isPinnedImage("r/api:2.2.5")).toBe(true);
    expect(isPinnedImage(`r/api@sha256:${"a".repeat(64)}`)).toBe(true);
    expect(isPinnedImage("localhost:5000/api")).toBe(false);
    expect(isPinnedImage("r/api:latest")).toBe(false);
  });
  it("passes a tagged image and refuses latest or no tag", async () => {
    expect(await messagesOf(p, svc())).toEqual([]);
    expect(
      await messagesOf(p, mutate(svc(), "template.containers.0.image", "asia-docker.pkg.dev/p/r/api:latest")),
    ).toEqual([
      'Cloud Run service "m6-prod-api" must pin image "asia-docker.pkg.dev/p/r/api:latest" to a digest or a tag other than latest',
    ]);
    expect(
      await messagesOf(p, mutate(svc(), "template.containers.0.image", "asia-docker.pkg.dev/p/r/api")),
    ).toHaveLength(1);
  });
});

describe("iap-no-public-access", () => {
  const p = iapNoPublicAccess;
  it("passes group access and refuses allUsers", async () => {
    expect(await messagesOf(p, fixtures.iapAccessor())).toEqual([]);
    expect(await messagesOf(p, mutate(fixtures.iapAccessor(), "member", "allUsers"))).toEqual([
      'IAP access to Cloud Run service "m6-prod-api" must not be granted to allUsers (roles/iap.httpsResourceAccessor)',
    ]);
  });
  it("reads an IAP policy document", async () => {
    const doc = JSON.stringify({
      bindings: [{ role: "roles/iap.httpsResourceAccessor", members: ["allAuthenticatedUsers"] }],
    });
    expect(
      await messagesOf(p, res(T.iapRunPolicy, "p", { cloudRunServiceName: "m6-prod-api", policyData: doc })),
    ).toEqual([
      'IAP access to Cloud Run service "m6-prod-api" must not be granted to allAuthenticatedUsers (roles/iap.httpsResourceAccessor)',
    ]);
  });
});

describe("cloud-run-service-account-not-shared (stack)", () => {
  const p = cloudRunServiceAccountNotShared;
  const account = (name: string) =>
    res(
      T.serviceAccount,
      `${name}-identity`,
      { accountId: `m6-prod-${name}`, project: PROJECT },
      {
        outputs: { email: `m6-prod-${name}@${PROJECT}.iam.gserviceaccount.com` },
      },
    );
  const service = (name: string, sa: string, region = "asia-northeast3") =>
    mutate(
      mutate(
        mutate(svc(), "name", `m6-prod-${name}`),
        "template.serviceAccount",
        `m6-prod-${sa}@${PROJECT}.iam.gserviceaccount.com`,
      ),
      "location",
      region,
    );
  it("passes one account per service, including one service in two regions", async () => {
    const api2 = {
      ...service("api", "api", "asia-northeast1"),
      urn: urn(T.runService, "env-api-asia-northeast1"),
    };
    expect(await stackMessages(p, [account("api"), service("api", "api"), api2])).toEqual([]);
  });
  it("refuses two services sharing an account", async () => {
    const web = { ...service("web", "api"), urn: urn(T.runService, "env-web") };
    expect(await stackMessages(p, [account("api"), service("api", "api"), web])).toEqual([
      `Cloud Run service "m6-prod-api" must run as a dedicated service account; "m6-prod-api@${PROJECT}.iam.gserviceaccount.com" is shared with "m6-prod-web"`,
      `Cloud Run service "m6-prod-web" must run as a dedicated service account; "m6-prod-api@${PROJECT}.iam.gserviceaccount.com" is shared with "m6-prod-api"`,
    ]);
  });
  it("links services to accounts through property dependencies at preview", async () => {
    const deps = { template: [urn(T.serviceAccount, "api-identity")] };
    const unknownSa = (name: string) => ({
      ...mutate(mutate(svc(), "name", `m6-prod-${name}`), "template.serviceAccount", "[unknown]"),
      urn: urn(T.runService, `env-${name}`),
      propertyDependencies: deps,
    });
    const acct = mutate(account("api"), "email", "[unknown]");
    expect(
      await stackMessages(p, [acct, unknownSa("api"), unknownSa("web")], { preview: true }),
    ).toHaveLength(2);
  });
});

describe("cloud-run-iap-wired (stack)", () => {
  const p = cloudRunIapWired;
  const iapService = () => mutate(mutate(svc(), "iapEnabled", true), "ingress", ALL);
  it("passes a service with IAP, the agent as invoker and an accessor", async () => {
    expect(await stackMessages(p, [iapService(), fixtures.runInvoker(), fixtures.iapAccessor()])).toEqual([]);
  });
  it("wants the IAP agent as invoker", async () => {
    expect(await stackMessages(p, [iapService(), fixtures.iapAccessor()])).toEqual([
      'Cloud Run service "m6-prod-api" has IAP enabled and must grant roles/run.invoker to the IAP service agent (service-<project-number>@gcp-sa-iap.iam.gserviceaccount.com)',
    ]);
  });
  it("wants at least one accessor, on the same service and region", async () => {
    const elsewhere = mutate(fixtures.iapAccessor(), "location", "asia-northeast1");
    expect(await stackMessages(p, [iapService(), fixtures.runInvoker(), elsewhere])).toEqual([
      'Cloud Run service "m6-prod-api" has IAP enabled and must grant roles/iap.httpsResourceAccessor to at least one group or user',
    ]);
  });
  it("ignores services without IAP", async () => expect(await stackMessages(p, [svc()])).toEqual([]));
});
