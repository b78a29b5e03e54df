import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { SecretSet, validateSecretSetArgs, type SecretSetArgs } from "../../components/secret-set";
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
import { leakProbe } from "../helpers/leak-probe";

const SECRET = "gcp:secretmanager/secret:Secret";
const VERSION = "gcp:secretmanager/secretVersion:SecretVersion";
const SECRET_IAM = "gcp:secretmanager/secretIamMember:SecretIamMember";
const PROJECT_IAM = "gcp:projects/iAMMember:IAMMember";
const COMPONENT = "module6:secrets:SecretSet";
const PROJECT = "module6-test-000000";
const API_SA = "serviceAccount:api@module6-test-000000.iam.gserviceaccount.com";

const SECRET_VALUE = leakProbe("secret-set-value");
const PLAIN_VALUE = "plain-pa55word-qrs";

function setArgs(overrides: Partial<SecretSetArgs> = {}): SecretSetArgs {
  return { ...commonArgs(), secrets: { "db-password": { description: "Database password" } }, ...overrides };
}

beforeAll(async () => {
  await installMocks();
});

describe("SecretSet", () => {
  it("creates one secret per declaration with user-managed replication, labels and protection", async () => {
    const { result, resources } = await record(
      () =>
        new SecretSet("sec-basic", {
          ...setArgs({
            secrets: {
              "db-password": { description: "Database password" },
              "api-key": { replicaLocations: ["asia-northeast3", "asia-northeast1"] },
            },
            allowedRegions: ["asia-northeast3", "asia-northeast1"],
          }),
        }),
    );
    const secrets = resourcesOfType(resources, SECRET);
    expect(secrets.map((s) => s.inputs.secretId).sort()).toEqual(["m6-test-api-key", "m6-test-db-password"]);
    const db = secrets.find((s) => s.inputs.secretId === "m6-test-db-password");
    const api = secrets.find((s) => s.inputs.secretId === "m6-test-api-key");
    expect(db?.inputs).toMatchObject({
      project: PROJECT,
      deletionProtection: true,
      annotations: { description: "Database password" },
      replication: { userManaged: { replicas: [{ location: "asia-northeast3" }] } },
      labels: {
        component: "secrets",
        team: "platform",
        "cost-center": "cc-1",
        "managed-by": "pulumi",
        env: "staging",
      },
    });
    expect(db?.inputs.replication).not.toHaveProperty("auto");
    expect(api?.inputs).toMatchObject({
      secretId: "m6-test-api-key",
      replication: {
        userManaged: { replicas: [{ location: "asia-northeast3" }, { location: "asia-northeast1" }] },
      },
    });
    expect(api?.inputs).not.toHaveProperty("annotations");

    // No value given: no version.
    expect(resourcesOfType(resources, VERSION)).toHaveLength(0);

    const component = onlyOfType(resources, COMPONENT);
    expect(secrets.every((s) => s.parent === component.urn)).toBe(true);
    expect(Object.keys(result.secrets).sort()).toEqual(["api-key", "db-password"]);
    expect(await valueOf(result.secretIds)).toEqual({
      "db-password": `projects/${PROJECT}/secrets/m6-test-db-password`,
      "api-key": `projects/${PROJECT}/secrets/m6-test-api-key`,
    });
  });

  it("turns deletion protection off when asked", async () => {
    const { resources } = await record(
      () => new SecretSet("sec-unprotected", setArgs({ deletionProtection: false })),
    );
    expectProps(onlyOfType(resources, SECRET), {
      secretId: "m6-test-db-password",
      deletionProtection: false,
    });
  });

  it("creates versions only for secrets with a value, and never records the value", async () => {
    const { resources } = await record(
      () =>
        new SecretSet(
          "sec-values",
          setArgs({
            secrets: { "db-password": {}, "api-key": {}, "no-value": {} },
            values: { "db-password": pulumi.secret(SECRET_VALUE), "api-key": PLAIN_VALUE },
          }),
        ),
    );
    const secrets = resourcesOfType(resources, SECRET);
    expect(secrets).toHaveLength(3);
    const versions = resourcesOfType(resources, VERSION);
    expect(versions).toHaveLength(2);

    const idOf = (secretId: string): unknown => secrets.find((s) => s.inputs.secretId === secretId)?.id;
    expect(versions.map((v) => v.inputs.secret).sort()).toEqual([
      idOf("m6-test-api-key"),
      idOf("m6-test-db-password"),
    ]);
    expect(versions.map((v) => v.inputs.secret)).not.toContain(idOf("m6-test-no-value"));
    for (const v of versions) {
      expect(v.inputs.secretData).toBe("[secret]");
      expect(v.additionalSecretOutputs).toContain("secretData");
    }

    const everything = JSON.stringify(resources);
    expect(everything).not.toContain(SECRET_VALUE);
    expect(everything).not.toContain(PLAIN_VALUE);
  });

  // Point 9: services mount the version created here, so a new value rolls a new revision.
  it("hands services the number of the version it creates; latest where it creates none", async () => {
    const { result, resources } = await record(
      () =>
        new SecretSet(
          "sec-pin",
          setArgs({ secrets: { "db-password": {}, "no-value": {} }, values: { "db-password": PLAIN_VALUE } }),
        ),
    );
    const version = onlyOfType(resources, VERSION);
    expect(await valueOf(result.secretVersion("db-password"))).toBe(version.outputs.version);
    expect(version.outputs.version).toBe("1");
    expect(await valueOf(result.secretVersion("no-value"))).toBe("latest");
    // A replaced version stays enabled: the previous revision (the rollback target) pins it.
    expect(version.inputs.deletionPolicy).toBe("ABANDON");
    expect(() => result.secretVersion("undeclared")).toThrow(/secret "undeclared" is not declared/);
  });

  it("grants access per secret, never project-wide", async () => {
    const { result, resources } = await record(() => {
      const set = new SecretSet("sec-grant", setArgs({ secrets: { "db-password": {}, "api-key": {} } }));
      set.grantAccess("api-key", API_SA);
      return set;
    });
    const grant = onlyOfType(resources, SECRET_IAM);
    expectProps(grant, { role: "roles/secretmanager.secretAccessor", member: API_SA });
    const apiKey = resourcesOfType(resources, SECRET).find((s) => s.inputs.secretId === "m6-test-api-key");
    expect(apiKey?.id).toBe(`projects/${PROJECT}/secrets/m6-test-api-key`);
    expect(grant.inputs.secretId).toBe(apiKey?.id);
    expect(await valueOf(result.secretId("api-key"))).toBe(apiKey?.id);
    expect(grant.parent).toBe(onlyOfType(resources, COMPONENT).urn);
    expect(resourcesOfType(resources, PROJECT_IAM)).toHaveLength(0);
    // The accessor role is granted by the per-secret member only (no project, binding or policy grant).
    expect(
      resources.filter((r) => r.inputs.role === "roles/secretmanager.secretAccessor").map((r) => r.type),
    ).toEqual([SECRET_IAM]);
  });

  it("refuses to grant access to an undeclared secret", async () => {
    const { resources } = await record(() => {
      const set = new SecretSet("sec-undeclared", setArgs());
      expect(() => set.grantAccess("other", API_SA)).toThrow(
        /secret "other" is not declared \(declared: db-password\)/,
      );
      expect(() => set.secretId("other")).toThrow(/not declared/);
    });
    expect(resourcesOfType(resources, SECRET_IAM)).toHaveLength(0);
  });

  it("needs a key when the member is an output", async () => {
    const { resources } = await record(() => {
      const set = new SecretSet("sec-keyed", setArgs());
      const member = pulumi.output(API_SA);
      expect(() => set.grantAccess("db-password", member)).toThrow(/needs a stable key/);
      set.grantAccess("db-password", member, "api");
    });
    const grant = onlyOfType(resources, SECRET_IAM);
    expect(grant.name).toBe("sec-keyed-db-password-access-api");
    expect(grant.inputs.member).toBe(API_SA);
  });

  it("references existing secrets without creating any", async () => {
    const existing = {
      "db-password": "projects/module6-staging/secrets/m6-staging-db-password",
      "api-key": "projects/module6-staging/secrets/m6-staging-api-key",
    };
    const { result, resources } = await record(() => {
      const set = new SecretSet(
        "sec-existing",
        setArgs({ secrets: { "db-password": {}, "api-key": {} }, existingIds: pulumi.output(existing) }),
      );
      set.grantAccess("db-password", API_SA);
      return set;
    });
    expect(resourcesOfType(resources, SECRET)).toHaveLength(0);
    expect(resourcesOfType(resources, VERSION)).toHaveLength(0);
    expect(result.secrets).toEqual({});
    expect(await valueOf(result.secretId("api-key"))).toBe(existing["api-key"]);
    expect(await valueOf(result.secretIds)).toEqual(existing);
    // The owning stack (staging) creates and rotates the versions: a feature environment mounts latest.
    expect(await valueOf(result.secretVersion("db-password"))).toBe("latest");

    const grant = onlyOfType(resources, SECRET_IAM);
    expectProps(grant, {
      secretId: existing["db-password"],
      role: "roles/secretmanager.secretAccessor",
      member: API_SA,
    });
    expect(resourcesOfType(resources, PROJECT_IAM)).toHaveLength(0);
  });

  it.each<[string, Partial<SecretSetArgs>, RegExp]>([
    [
      "a bad secret name",
      { secrets: { DB_Password: {} } },
      /secrets\.DB_Password: got "DB_Password"; 1-40 of a-z 0-9 '-', starting with a letter/,
    ],
    [
      "a replica region outside allowedRegions",
      { secrets: { "db-password": { replicaLocations: ["asia-northeast3", "us-central1"] } } },
      /secrets\.db-password\.replicaLocations\[1\]: got "us-central1"; one of the allowed regions \(asia-northeast3\)/,
    ],
    [
      "empty replicaLocations",
      { secrets: { "db-password": { replicaLocations: [] } } },
      /secrets\.db-password\.replicaLocations: got \[\]; at least one region/,
    ],
  ])("rejects %s", (_what, bad, message) => {
    expect(() => validateSecretSetArgs(setArgs(bad))).toThrow(ValidationError);
    expect(() => validateSecretSetArgs(setArgs(bad))).toThrow(message);
  });

  it("rejects a value for an undeclared secret without showing the value", () => {
    let caught: unknown;
    try {
      validateSecretSetArgs(setArgs({ values: { "db-pasword": SECRET_VALUE } }));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const message = (caught as ValidationError).message;
    expect(message).toMatch(/^SecretSet: 1 problem/);
    expect(message).toMatch(
      /values\.db-pasword: got "\(value hidden\)"; a value for a declared secret \(db-password\)/,
    );
    expect(message).not.toContain(SECRET_VALUE);
  });

  it("accepts replicas in allowed regions", () => {
    expect(() =>
      validateSecretSetArgs(
        setArgs({
          secrets: { "db-password": { replicaLocations: ["asia-northeast1"] } },
          allowedRegions: ["asia-northeast3", "asia-northeast1"],
          values: { "db-password": "x" },
        }),
      ),
    ).not.toThrow();
  });

  it("validates before registering anything", async () => {
    const { resources } = await record(() => {
      expect(() => new SecretSet("sec-invalid", setArgs({ secrets: { "Bad Name": {} } }))).toThrow(
        /Bad Name/,
      );
    });
    expect(resources).toHaveLength(0);
  });
});
