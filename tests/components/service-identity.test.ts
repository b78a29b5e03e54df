import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ServiceIdentity,
  validateServiceIdentityArgs,
  type ServiceIdentityArgs,
} from "../../components/service-identity";
import { ValidationError } from "../../components/shared/validation";
import {
  commonArgs,
  expectProps,
  installMocks,
  onlyOfType,
  record,
  resourcesOfType,
  valueOf,
} from "../helpers/pulumi";

const ACCOUNT = "gcp:serviceaccount/account:Account";
const PROJECT_MEMBER = "gcp:projects/iAMMember:IAMMember";
const ACCOUNT_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember";
const PROJECT = "module6-test-000000";

function baseArgs(overrides: Partial<ServiceIdentityArgs> = {}): ServiceIdentityArgs {
  const { project, naming } = commonArgs();
  return { project, naming, name: "api", ...overrides };
}

beforeAll(async () => {
  await installMocks();
});

describe("ServiceIdentity", () => {
  it("creates a named account with no key and telemetry roles on the project", async () => {
    const { result, resources } = await record(() => new ServiceIdentity("id-api", baseArgs()));
    const account = onlyOfType(resources, ACCOUNT);
    expectProps(account, {
      project: PROJECT,
      accountId: "m6-test-api",
      displayName: "api runtime",
      description: "Runtime identity of api (managed by Pulumi)",
    });
    expect(resourcesOfType(resources, "gcp:serviceaccount/key:Key")).toHaveLength(0);

    const email = await valueOf(result.email);
    expect(email).toBe(`m6-test-api@${PROJECT}.iam.gserviceaccount.com`);
    expect(await valueOf(result.member)).toBe(`serviceAccount:${email}`);

    const grants = resourcesOfType(resources, PROJECT_MEMBER);
    expect(grants.map((g) => g.inputs.role)).toEqual([
      "roles/logging.logWriter",
      "roles/monitoring.metricWriter",
      "roles/cloudtrace.agent",
    ]);
    for (const grant of grants) {
      expectProps(grant, { project: PROJECT, member: `serviceAccount:${email}` });
    }
    expect(grants.map((g) => g.name)).toEqual([
      "id-api-logging-logwriter",
      "id-api-monitoring-metricwriter",
      "id-api-cloudtrace-agent",
    ]);

    const component = onlyOfType(resources, "module6:iam:ServiceIdentity");
    expect(component.urn).toBe(await valueOf(result.urn));
    for (const child of resources.filter((r) => r.custom))
      expect(child.parent, child.type).toBe(component.urn);
  });

  it("grants nothing on the project with telemetry off and keeps a custom description", async () => {
    const { result, resources } = await record(
      () =>
        new ServiceIdentity(
          "id-worker",
          baseArgs({ name: "worker", telemetry: false, description: "Background jobs" }),
        ),
    );
    expect(resourcesOfType(resources, PROJECT_MEMBER)).toHaveLength(0);
    expect(resources.filter((r) => r.custom).map((r) => r.type)).toEqual([ACCOUNT]);
    expectProps(onlyOfType(resources, ACCOUNT), {
      accountId: "m6-test-worker",
      displayName: "worker runtime",
      description: "Background jobs",
    });
    expect(await valueOf(result.member)).toBe(
      `serviceAccount:m6-test-worker@${PROJECT}.iam.gserviceaccount.com`,
    );
  });

  it("fits a long name into the 30-character account id limit", async () => {
    const name = "very-long-workload-name-x";
    const { resources } = await record(
      () => new ServiceIdentity("id-long", baseArgs({ name, telemetry: false })),
    );
    const accountId = onlyOfType(resources, ACCOUNT).inputs.accountId as string;
    expect(accountId.length).toBeLessThanOrEqual(30);
    expect(accountId).toMatch(/^m6-test-very-long-[a-z0-9-]*[a-z0-9]$/);
  });

  it("lets a deployer act as this account only", async () => {
    const { result, resources } = await record(() => {
      const identity = new ServiceIdentity("id-deploy", baseArgs({ name: "deploy", telemetry: false }));
      identity.allowActAs("serviceAccount:ci@p.iam.gserviceaccount.com");
      identity.allowActAs(pulumi.output("group:deployers@example.com"), "deployers");
      return identity;
    });
    const grants = resourcesOfType(resources, ACCOUNT_MEMBER);
    expect(grants.map((g) => [g.name, g.inputs.member])).toEqual([
      [
        expect.stringMatching(/^id-deploy-actas-serviceaccount-ci-p-iam-gserviceaccount-com-[0-9a-f]{6}$/),
        "serviceAccount:ci@p.iam.gserviceaccount.com",
      ],
      ["id-deploy-actas-deployers", "group:deployers@example.com"],
    ]);
    const accountName = await valueOf(result.account.name);
    expect(accountName).toBe(
      `projects/${PROJECT}/serviceAccounts/m6-test-deploy@${PROJECT}.iam.gserviceaccount.com`,
    );
    for (const grant of grants) {
      expectProps(grant, { serviceAccountId: accountName, role: "roles/iam.serviceAccountUser" });
      expect(grant.parent).toBe(await valueOf(result.urn));
    }
    // Never serviceAccountUser on the whole project.
    expect(resourcesOfType(resources, PROJECT_MEMBER)).toHaveLength(0);
  });

  it("refuses an output member without a stable key", async () => {
    const { result } = await record(
      () => new ServiceIdentity("id-nokey", baseArgs({ name: "nokey", telemetry: false })),
    );
    expect(() => result.allowActAs(pulumi.output("group:x@example.com"))).toThrow(
      /ServiceIdentity\.allowActAs: a member that is an output needs a stable key/,
    );
  });

  it("validates before creating anything", async () => {
    const { resources } = await record(() => {
      expect(() => new ServiceIdentity("id-invalid", baseArgs({ name: "Bad_Name" }))).toThrow(
        ValidationError,
      );
    });
    expect(resources).toHaveLength(0);
  });
});

describe("validateServiceIdentityArgs", () => {
  it.each([["api"], ["a"], ["worker-2"], ["a".repeat(30)]])("accepts name %s", (name) => {
    expect(() => validateServiceIdentityArgs(baseArgs({ name }))).not.toThrow();
  });

  it.each([
    [
      "uppercase name",
      { name: "API" },
      /name: got "API"; lowercase letters, digits and '-', starting with a letter/,
    ],
    ["name starting with a digit", { name: "1api" }, /name: got "1api"/],
    ["name with an underscore", { name: "my_api" }, /name: got "my_api"/],
    ["empty name", { name: "" }, /name: got ""/],
    ["name longer than 30", { name: "a".repeat(31) }, /name: got "a{31}"/],
    [
      "description over 256 characters",
      { description: "d".repeat(257) },
      /description: got "d{40}…d{39}"; at most 256 characters/,
    ],
  ] as [string, Partial<ServiceIdentityArgs>, RegExp][])("rejects %s", (_case, bad, message) => {
    expect(() => validateServiceIdentityArgs(baseArgs(bad))).toThrow(ValidationError);
    expect(() => validateServiceIdentityArgs(baseArgs(bad))).toThrow(message);
  });

  it("reports every problem at once", () => {
    let caught: unknown;
    try {
      validateServiceIdentityArgs(baseArgs({ name: "API", description: "d".repeat(300) }));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.problems.map((p) => p.path)).toEqual(["name", "description"]);
    expect(error.message).toMatch(/^ServiceIdentity: 2 problems\n/);
  });
});
