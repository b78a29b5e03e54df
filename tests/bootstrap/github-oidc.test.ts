/**
 * The provider's attribute condition and the `attribute.deployer` mapping, evaluated as Google evaluates
 * them (CEL, tests/helpers/cel.ts) against GitHub OIDC tokens shaped like GitHub's documented claims
 * (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#understanding-the-oidc-token):
 * `environment` is present only for a job that names one; ids are strings.
 */
import { describe, expect, it } from "vitest";
import { attributeCondition, attributeMapping } from "../../bootstrap/github-oidc";
import { CelError, evalCel } from "../helpers/cel";

const repo = { owner: "acme", ownerId: "1342004", name: "module6-infra", id: "260064828" };
const condition = attributeCondition(repo);
const deployer = attributeMapping()["attribute.deployer"] ?? "";

/** A token of acme/module6-infra; `over` changes claims, `environment: undefined` removes it. */
function token(over: Record<string, string | undefined> = {}): Record<string, string> {
  const base: Record<string, string | undefined> = {
    sub: "repo:acme/module6-infra:ref:refs/heads/main",
    repository: "acme/module6-infra",
    repository_id: "260064828",
    repository_owner: "acme",
    repository_owner_id: "1342004",
    ref: "refs/heads/main",
    event_name: "push",
    ...over,
  };
  return Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
}

describe("the provider's attribute condition", () => {
  it("is the literal pin on owner id, repository id and name", () => {
    expect(condition).toBe(
      "assertion.repository_owner_id == '1342004' && assertion.repository_id == '260064828' && assertion.repository == 'acme/module6-infra'",
    );
  });

  it.each([
    ["this repository's push to main", token(), true],
    ["this repository's pull request", token({ event_name: "pull_request", ref: "refs/pull/7/merge" }), true],
    [
      "this repository's tag push",
      token({ ref: "refs/tags/v1.0.0", sub: "repo:acme/module6-infra:ref:refs/tags/v1.0.0" }),
      true,
    ],
    [
      "a repository of the same name under another owner",
      token({
        repository: "evil/module6-infra",
        repository_owner: "evil",
        repository_owner_id: "999",
        repository_id: "555",
      }),
      false,
    ],
    [
      "the same name re-created under the same owner (new repository id)",
      token({ repository_id: "777777" }),
      false,
    ],
    [
      "a fork's pull request (the fork's own repository claims)",
      token({
        repository: "someone/module6-infra",
        repository_owner: "someone",
        repository_owner_id: "4242",
        repository_id: "31337",
        event_name: "pull_request",
        ref: "refs/pull/9/merge",
      }),
      false,
    ],
    ["a token without repository_id", token({ repository_id: undefined }), false],
  ])("%s → admitted %s", (_label, claims, admitted) => {
    const result = evalCel(condition, claims);
    // A missing claim is an error, which Google treats as a rejection.
    expect(result === true).toBe(admitted);
  });

  it("fits Google's 4096-character limit", () => {
    expect(condition.length).toBeLessThanOrEqual(4096);
  });
});

describe("attribute.deployer: the one deployer a token's GitHub context may impersonate", () => {
  it.each([
    [
      "a pull request without environment",
      token({ event_name: "pull_request", ref: "refs/pull/7/merge" }),
      "pr-check",
    ],
    ["the nightly drift check on main", token({ event_name: "schedule" }), "pr-check"],
    ["a scheduled run on another branch", token({ event_name: "schedule", ref: "refs/heads/dev" }), "none"],
    [
      "a pull request in environment preview",
      token({ event_name: "pull_request", ref: "refs/pull/7/merge", environment: "preview" }),
      "pr-env",
    ],
    [
      "an app repository's dispatch in preview",
      token({ event_name: "repository_dispatch", environment: "preview" }),
      "pr-env",
    ],
    ["a push to main in environment staging", token({ environment: "staging" }), "staging"],
    ["a push to main in environment production", token({ environment: "production" }), "production"],
    [
      "a release dispatched on main in production",
      token({ event_name: "workflow_dispatch", environment: "production" }),
      "production",
    ],
    [
      "production from another branch",
      token({ ref: "refs/heads/feature", environment: "production", event_name: "workflow_dispatch" }),
      "none",
    ],
    ["production from a tag push", token({ ref: "refs/tags/v1.0.0", environment: "production" }), "none"],
    [
      "production from a pull request",
      token({ event_name: "pull_request", ref: "refs/pull/7/merge", environment: "production" }),
      "none",
    ],
    ["a push to main without environment", token(), "none"],
    ["a tag push without environment", token({ ref: "refs/tags/v1.0.0" }), "none"],
    [
      "a pull request in environment staging",
      token({ event_name: "pull_request", ref: "refs/pull/7/merge", environment: "staging" }),
      "none",
    ],
  ])("%s → %s", (_label, claims, use) => {
    expect(evalCel(deployer, claims)).toBe(use);
  });

  it("never fails on a token without environment (has() guards every read)", () => {
    const result = evalCel(deployer, token({ event_name: "workflow_dispatch" }));
    expect(result).not.toBeInstanceOf(CelError);
  });

  it("the evaluator itself treats an unguarded missing claim as an error (the trap has() avoids)", () => {
    expect(evalCel("assertion.environment == 'production'", token())).toBeInstanceOf(CelError);
    expect(evalCel("false && assertion.environment == 'x'", token())).toBe(false);
  });

  it("keeps every mapping within Google's 2048 characters and the keys to [a-z0-9_]", () => {
    // node_modules/@pulumi/gcp/iam/workloadIdentityPoolProvider.d.ts: "The maximum length of an attribute
    // mapping expression is 2048 characters"; "the key may only contain the characters [a-z0-9_]".
    for (const [key, expression] of Object.entries(attributeMapping())) {
      expect(expression.length).toBeLessThanOrEqual(2048);
      expect(key).toMatch(/^(google\.subject|attribute\.[a-z0-9_]{1,100})$/);
    }
  });
});
