import { describe, expect, it } from "vitest";
import {
  secretAccessorOnlyMounted,
  secretDeletionProtection,
  secretIamNoPublicMembers,
} from "../../policies/secrets";
import { T } from "../../policies/lib/tokens";
import type { ExportResource } from "../../plan/render-json";
import { mutate, PROJECT, res, UNSET, urn } from "../fixtures/policies/build";
import { previewOf } from "../fixtures/policies/preview";
import { fixtures } from "../fixtures/policies/resources";
import { checkStack, messagesOf, stackMessages } from "./harness";

describe("secret-deletion-protection", () => {
  const p = secretDeletionProtection;
  it("passes protection on, refuses off or unset (false) outside feature stacks", async () => {
    expect(await messagesOf(p, fixtures.secret())).toEqual([]);
    expect(await messagesOf(p, mutate(fixtures.secret(), "deletionProtection", false))).toEqual([
      'Secret "m6-prod-session-key" must enable deletion protection; deletionProtection is false',
    ]);
    expect(await messagesOf(p, mutate(fixtures.secret(), "deletionProtection", UNSET))).toEqual([
      'Secret "m6-prod-session-key" must enable deletion protection; deletionProtection is unset, which the provider treats as false',
    ]);
    expect(
      await messagesOf(
        p,
        mutate(mutate(fixtures.secret(), "deletionProtection", UNSET), "labels.env", "feature"),
        {
          env: "feature",
        },
      ),
    ).toEqual([]);
  });
});

describe("secret-iam-no-public-members", () => {
  const p = secretIamNoPublicMembers;
  it("passes a service account and refuses allUsers", async () => {
    expect(await messagesOf(p, fixtures.secretIamMember())).toEqual([]);
    expect(await messagesOf(p, mutate(fixtures.secretIamMember(), "member", "allUsers"))).toEqual([
      'Secret "m6-prod-session-key" must not grant roles/secretmanager.secretAccessor to allUsers',
    ]);
    const binding = res(T.secretIamBinding, "b", {
      secretId: "s",
      role: "roles/secretmanager.viewer",
      members: ["allAuthenticatedUsers"],
    });
    expect(await messagesOf(p, binding)).toEqual([
      'Secret "s" must not grant roles/secretmanager.viewer to allAuthenticatedUsers',
    ]);
  });
  it("parses a secret's IAM policy document", async () => {
    const policy = res(T.secretIamPolicy, "p", {
      secretId: "projects/p/secrets/s",
      policyData: JSON.stringify({
        bindings: [{ role: "roles/secretmanager.secretAccessor", members: ["allUsers"] }],
      }),
    });
    expect(await messagesOf(p, policy)).toEqual([
      'Secret "s" must not grant roles/secretmanager.secretAccessor to allUsers',
    ]);
  });
});

/** Two services (api mounts session-key, ai mounts ai-key), their accounts, secrets, versions and grants. */
function secretsStack(): Record<string, ExportResource> {
  const account = (name: string) =>
    res(
      T.serviceAccount,
      `${name}-identity`,
      { accountId: `m6-prod-${name}`, project: PROJECT },
      {
        outputs: {
          email: `m6-prod-${name}@${PROJECT}.iam.gserviceaccount.com`,
          member: `serviceAccount:m6-prod-${name}@${PROJECT}.iam.gserviceaccount.com`,
        },
      },
    );
  const secret = (key: string) =>
    res(
      T.smSecret,
      `secret-${key}`,
      { ...fixtures.secret().inputs, secretId: `m6-prod-${key}` },
      {
        id: `projects/${PROJECT}/secrets/m6-prod-${key}`,
        outputs: { name: `projects/000000000000/secrets/m6-prod-${key}` },
        protect: true,
      },
    );
  const version = (key: string) =>
    res(
      T.secretVersion,
      `secret-${key}-version`,
      { secret: `projects/${PROJECT}/secrets/m6-prod-${key}`, secretData: "[secret]" },
      {
        id: `projects/${PROJECT}/secrets/m6-prod-${key}/versions/1`,
        deps: { secret: [urn(T.smSecret, `secret-${key}`)] },
      },
    );
  const service = (name: string, key: string) =>
    res(
      T.runService,
      `env-${name}`,
      {
        ...mutate(fixtures.runService(), "name", `m6-prod-${name}`).inputs,
        template: {
          serviceAccount: `m6-prod-${name}@${PROJECT}.iam.gserviceaccount.com`,
          containers: [
            {
              image: "r/x:1",
              envs: [
                {
                  name: "KEY",
                  valueSource: {
                    secretKeyRef: { secret: `projects/${PROJECT}/secrets/m6-prod-${key}`, version: "latest" },
                  },
                },
              ],
            },
          ],
        },
      },
      {
        deps: {
          template: [
            urn(T.serviceAccount, `${name}-identity`),
            urn(T.secretVersion, `secret-${key}-version`),
          ],
        },
      },
    );
  const grant = (name: string, key: string) =>
    res(
      T.secretIamMember,
      `secret-${key}-access-${name}`,
      {
        secretId: `projects/${PROJECT}/secrets/m6-prod-${key}`,
        role: "roles/secretmanager.secretAccessor",
        member: `serviceAccount:m6-prod-${name}@${PROJECT}.iam.gserviceaccount.com`,
      },
      {
        deps: {
          member: [urn(T.serviceAccount, `${name}-identity`)],
          secretId: [urn(T.secretVersion, `secret-${key}-version`)],
        },
      },
    );
  return {
    apiAccount: account("api"),
    aiAccount: account("ai"),
    sessionKey: secret("session-key"),
    aiKey: secret("ai-key"),
    sessionVersion: version("session-key"),
    aiVersion: version("ai-key"),
    api: service("api", "session-key"),
    ai: service("ai", "ai-key"),
    apiGrant: grant("api", "session-key"),
    aiGrant: grant("ai", "ai-key"),
  };
}

describe("secret-accessor-only-mounted (stack)", () => {
  const p = secretAccessorOnlyMounted;
  const stack = secretsStack();
  const extra = {
    ...res(
      T.secretIamMember,
      "secret-ai-key-access-api",
      {
        ...stack.aiGrant!.inputs,
        member: `serviceAccount:m6-prod-api@${PROJECT}.iam.gserviceaccount.com`,
      },
      {
        deps: {
          member: [urn(T.serviceAccount, "api-identity")],
          secretId: [urn(T.secretVersion, "secret-ai-key-version")],
        },
      },
    ),
  };
  const message = `Runtime service account "m6-prod-api@${PROJECT}.iam.gserviceaccount.com" of Cloud Run service "m6-prod-api" must get roles/secretmanager.secretAccessor only on secrets it mounts; it is granted "m6-prod-ai-key", which no service running as it mounts`;
  it("passes grants on the secrets each service mounts, also at preview", async () => {
    expect(await stackMessages(p, Object.values(stack))).toEqual([]);
    expect(await stackMessages(p, previewOf(Object.values(stack)), { preview: true })).toEqual([]);
  });
  it("refuses a grant on a secret the service does not mount", async () => {
    expect(await checkStack(p, [...Object.values(stack), extra])).toEqual([{ urn: extra.urn, message }]);
  });
  it("follows grant → version → secret and service → account at preview", async () => {
    const violations = await stackMessages(p, previewOf([...Object.values(stack), extra]), { preview: true });
    expect(violations).toEqual([
      'Runtime service account "m6-prod-api" of Cloud Run service "m6-prod-api" must get roles/secretmanager.secretAccessor only on secrets it mounts; it is granted "m6-prod-ai-key", which no service running as it mounts',
    ]);
  });
  it("reads secret volumes as mounts", async () => {
    const volumeApi = mutate(stack.api!, "template.volumes", [
      { name: "k", secret: { secret: "m6-prod-ai-key" } },
    ]);
    expect(await stackMessages(p, [...Object.values({ ...stack, api: volumeApi }), extra])).toEqual([]);
  });
  it("ignores grants to principals that run no service, and other roles", async () => {
    const human = mutate(extra, "member", "group:oncall@example.com");
    const viewer = mutate(extra, "role", "roles/secretmanager.viewer");
    expect(
      await stackMessages(p, [...Object.values(stack), { ...human, propertyDependencies: {} }, viewer]),
    ).toEqual([]);
  });
});
