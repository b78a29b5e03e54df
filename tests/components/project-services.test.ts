import { beforeAll, describe, expect, it } from "vitest";
import {
  ProjectServices,
  validateProjectServicesArgs,
  type ProjectServicesArgs,
} from "../../components/project-services";
import { ValidationError } from "../../components/shared/validation";
import { expectProps, installMocks, onlyOfType, record, resourcesOfType, valueOf } from "../helpers/pulumi";

const API = "gcp:projects/service:Service";
const AGENT = "gcp:projects/serviceIdentity:ServiceIdentity";
const PROJECT = "module6-test-000000";

beforeAll(async () => {
  await installMocks();
});

describe("ProjectServices", () => {
  it("enables each API once and never disables it on destroy", async () => {
    const apis = ["run.googleapis.com", "firestore.googleapis.com", "secretmanager.googleapis.com"];
    const { result, resources } = await record(() => new ProjectServices("apis", { project: PROJECT, apis }));
    const services = resourcesOfType(resources, API);
    expect(services.map((s) => s.inputs.service)).toEqual(apis);
    expect(services.map((s) => s.name)).toEqual(["apis-run", "apis-firestore", "apis-secretmanager"]);
    for (const service of services) {
      expectProps(service, { project: PROJECT, disableOnDestroy: false, disableDependentServices: false });
    }
    expect(resourcesOfType(resources, AGENT)).toHaveLength(0);
    expect(Object.keys(result.services)).toEqual(apis);
    expect(result.serviceAgentEmails).toEqual({});

    const component = onlyOfType(resources, "module6:project:Services");
    expect(component.urn).toBe(await valueOf(result.urn));
    for (const service of services) expect(service.parent).toBe(component.urn);
  });

  it("creates service agents only after their API is enabled", async () => {
    const { result, resources } = await record(
      () =>
        new ProjectServices("apis-iap", {
          project: PROJECT,
          apis: ["run.googleapis.com", "iap.googleapis.com"],
          serviceAgents: ["iap.googleapis.com"],
        }),
    );
    const iapApi = resourcesOfType(resources, API).find((s) => s.inputs.service === "iap.googleapis.com");
    const runApi = resourcesOfType(resources, API).find((s) => s.inputs.service === "run.googleapis.com");
    expect(iapApi).toBeDefined();
    expect(runApi).toBeDefined();
    const agent = onlyOfType(resources, AGENT);
    expectProps(agent, { project: PROJECT, service: "iap.googleapis.com" });
    expect(agent.name).toBe("apis-iap-iap-agent");
    expect(agent.dependencies).toContain(iapApi?.urn);
    expect(agent.dependencies).not.toContain(runApi?.urn);
    expect(agent.parent).toBe(await valueOf(result.urn));

    expect(Object.keys(result.serviceAgentEmails)).toEqual(["iap.googleapis.com"]);
    const email = result.serviceAgentEmails["iap.googleapis.com"];
    expect(email).toBeDefined();
    if (email) expect(await valueOf(email)).toBe(agent.outputs.email);
  });

  it("names each API resource after its dotted prefix", async () => {
    const { resources } = await record(
      () =>
        new ProjectServices("apis-dotted", {
          project: PROJECT,
          apis: ["compute.googleapis.com", "alpha.compute.googleapis.com"],
        }),
    );
    expect(resourcesOfType(resources, API).map((s) => s.name)).toEqual([
      "apis-dotted-compute",
      "apis-dotted-alpha-compute",
    ]);
  });

  it("validates before creating anything", async () => {
    const { resources } = await record(() => {
      expect(() => new ProjectServices("apis-invalid", { project: PROJECT, apis: ["run"] })).toThrow(
        ValidationError,
      );
    });
    expect(resources).toHaveLength(0);
  });
});

describe("validateProjectServicesArgs", () => {
  it("accepts well-formed, distinct APIs and agents of enabled APIs", () => {
    expect(() =>
      validateProjectServicesArgs({
        project: PROJECT,
        apis: ["run.googleapis.com", "iap.googleapis.com", "cloud-trace.googleapis.com"],
        serviceAgents: ["iap.googleapis.com"],
      }),
    ).not.toThrow();
    expect(() => validateProjectServicesArgs({ project: PROJECT, apis: [] })).not.toThrow();
  });

  it.each([
    [
      "an API without the googleapis.com domain",
      { apis: ["run"] },
      /apis\[0\]: got "run"; a service name like run\.googleapis\.com/,
    ],
    [
      "an uppercase API",
      { apis: ["run.googleapis.com", "Run.googleapis.com"] },
      /apis\[1\]: got "Run\.googleapis\.com"/,
    ],
    ["another domain", { apis: ["run.example.com"] }, /apis\[0\]: got "run\.example\.com"/],
    [
      "a duplicate API",
      { apis: ["run.googleapis.com", "iap.googleapis.com", "run.googleapis.com"] },
      /apis\[2\]: got "run\.googleapis\.com"; each API once/,
    ],
    [
      "a service agent for an API not enabled",
      { apis: ["run.googleapis.com"], serviceAgents: ["iap.googleapis.com"] },
      /serviceAgents\[0\]: got "iap\.googleapis\.com"; one of the enabled apis \(run\.googleapis\.com\)/,
    ],
  ] as [string, Omit<ProjectServicesArgs, "project">, RegExp][])("rejects %s", (_case, bad, message) => {
    expect(() => validateProjectServicesArgs({ project: PROJECT, ...bad })).toThrow(ValidationError);
    expect(() => validateProjectServicesArgs({ project: PROJECT, ...bad })).toThrow(message);
  });

  it("reports every problem at once", () => {
    let caught: unknown;
    try {
      validateProjectServicesArgs({
        project: PROJECT,
        apis: ["run", "iap.googleapis.com", "iap.googleapis.com"],
        serviceAgents: ["pubsub.googleapis.com"],
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.problems.map((p) => p.path)).toEqual(["apis[0]", "apis[2]", "serviceAgents[0]"]);
    expect(error.message).toMatch(/^ProjectServices: 3 problems\n/);
  });
});
