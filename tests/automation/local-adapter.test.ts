/**
 * The real adapter without the CLI: its argument building and error classification are unit-tested, and
 * the class is checked against the `Automation` interface (and so against `@pulumi/pulumi/automation`'s
 * types, which `tsc` checks it against). Nothing here starts the `pulumi` CLI.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as automationErrors from "@pulumi/pulumi/automation/errors";
import { describe, expect, it } from "vitest";
import { programDir, realContextFactory } from "../../automation/cli/real-context";
import {
  AutomationError,
  StackExistsError,
  StackLockedError,
  StackNotFoundError,
} from "../../automation/pulumi/automation";
import { resolveBackend } from "../../automation/pulumi/backend";
import {
  classifyError,
  destroyOptions,
  fromConfigMap,
  plainOutputs,
  errorDetail,
  parseHistory,
  plannedStep,
  shortStackName,
  toConfigMap,
  upOptions,
  workspaceOptions,
} from "../../automation/pulumi/local-args";
import { LocalAutomation } from "../../automation/pulumi/local-automation";
import { CliError } from "../../cli-kit/cli-error";

const KMS = "gcpkms://projects/module6-kms/locations/asia-northeast3/keyRings/pulumi/cryptoKeys/state";

/** An Automation API error as the API creates it from the CLI's output. */
function cliError(stderr: string): Error {
  const api = automationErrors as unknown as { createCommandError: (result: unknown) => Error };
  return api.createCommandError({
    stdout: "",
    stderr,
    code: 255,
    toString: () => `code: 255\n stderr: ${stderr}`,
  });
}

describe("LocalAutomation", () => {
  it("says in one line how to install a missing pulumi CLI (exit 2), before any call", async () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      const automation = new LocalAutomation(resolve(__dirname, "../.."), {
        backendUrl: "file:///nonexistent",
      });
      const error = await automation.listStacks().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
      expect((error as CliError).message).toBe(
        'the pulumi CLI is not on the PATH: install v3.248.0 or newer with "curl -fsSL https://get.pulumi.com | sh -s -- --version 3.248.0" and add ~/.pulumi/bin to the PATH (other ways: https://www.pulumi.com/docs/install/)',
      );
    } finally {
      process.env.PATH = path;
    }
    // The version asked for is the SDK's: the CLI and @pulumi/pulumi move together.
    const sdk = JSON.parse(
      readFileSync(resolve(__dirname, "../../node_modules/@pulumi/pulumi/package.json"), "utf8"),
    ) as { version: string };
    expect(sdk.version).toBe("3.248.0");
  });

  it("runs the infrastructure program from the repository and the DR program from its folder", () => {
    expect(programDir("/repo", "infra")).toBe("/repo");
    expect(programDir("/repo", "dr")).toBe("/repo/automation/dr/program");
  });
});

describe("argument building", () => {
  it("passes the backend and secrets provider, and falls back to the secrets manager in state", () => {
    expect(
      workspaceOptions("/repo", { backendUrl: "gs://module6-pulumi-state", secretsProvider: KMS }),
    ).toEqual({
      workDir: "/repo",
      secretsProvider: KMS,
      envVars: {
        PULUMI_BACKEND_URL: "gs://module6-pulumi-state",
        PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true",
        PULUMI_SKIP_UPDATE_CHECK: "true",
      },
    });
    expect(workspaceOptions("/repo", { backendUrl: "file:///tmp/state" })).not.toHaveProperty(
      "secretsProvider",
    );
  });

  it("builds up options with policy packs, callbacks, the abort signal and plain output", () => {
    const onEvent = () => undefined;
    const signal = new AbortController().signal;
    expect(upOptions({ policyPacks: ["/repo/policies"], onEvent, signal, message: "m" })).toEqual({
      color: "never",
      onEvent,
      signal,
      message: "m",
      policyPacks: ["/repo/policies"],
      showSecrets: false,
    });
    expect(upOptions({ policyPacks: [] })).toEqual({ color: "never", showSecrets: false });
    expect(destroyOptions({ signal })).toEqual({ color: "never", signal, remove: false, showSecrets: false });
  });

  it("converts config, outputs and stack summaries", () => {
    expect(toConfigMap({ "module6:kind": "feature" })).toEqual({
      "module6:kind": { value: "feature", secret: false },
    });
    expect(
      fromConfigMap({
        "module6:kind": { value: "feature" },
        "module6:secret-x": { value: "s", secret: true },
      }),
    ).toEqual({
      "module6:kind": "feature",
      "module6:secret-x": "s",
    });
    expect(
      plainOutputs({
        urls: { value: { api: "https://x" }, secret: false },
        key: { value: "k", secret: true },
      }),
    ).toEqual({
      urls: { api: "https://x" },
      key: "k",
    });
    expect(shortStackName("staging")).toBe("staging");
  });
});

describe("reading the CLI's answers", () => {
  it("reads `stack history --json` without secrets: config values, secret keys, times", () => {
    const updates = parseHistory(
      JSON.stringify([
        {
          version: 0,
          kind: "update",
          startTime: "2025-03-01T09:00:00Z",
          message: "release start api",
          config: {
            "module6:kind": { value: "prod", secret: false },
            "module6:services": { value: '{"api":{}}', objectValue: { api: {} }, secret: false },
            "module6:secret-x": { secret: true },
          },
          result: "failed",
          endTime: "2025-03-01T09:01:00Z",
        },
      ]),
    );
    expect(updates).toEqual([
      {
        version: 0,
        kind: "update",
        result: "failed",
        message: "release start api",
        startTime: new Date("2025-03-01T09:00:00Z"),
        endTime: new Date("2025-03-01T09:01:00Z"),
        config: { "module6:kind": "prod", "module6:services": '{"api":{}}' },
        secretKeys: ["module6:secret-x"],
      },
    ]);
    expect(parseHistory("null")).toEqual([]);
  });

  it("takes the steps a preview would take from its events, without the unchanged ones", () => {
    const event = (op: "same" | "update", name: string) => ({
      sequence: 1,
      timestamp: 0,
      resourcePreEvent: {
        metadata: {
          op,
          urn: `urn:pulumi:prod::module6::gcp:cloudrunv2/service:Service::${name}`,
          type: "gcp:cloudrunv2/service:Service",
          provider: "",
          new: {
            type: "gcp:cloudrunv2/service:Service",
            urn: "",
            id: "",
            parent: "",
            provider: "",
            inputs: { name: "m6-prod-api", location: "asia-northeast1" },
            outputs: {},
          },
        },
      },
    });
    expect(plannedStep(event("same", "env-api"))).toBeUndefined();
    expect(plannedStep(event("update", "env-api-asia-northeast1"))).toEqual({
      op: "update",
      type: "gcp:cloudrunv2/service:Service",
      urn: "urn:pulumi:prod::module6::gcp:cloudrunv2/service:Service::env-api-asia-northeast1",
      name: "m6-prod-api",
      location: "asia-northeast1",
    });
  });

  it("keeps the CLI's own error line and what follows it", () => {
    expect(
      errorDetail(
        "code: 255\n stdout: Updating (prod):\n    + 3 created\n stderr: error: update failed\n  * googleapi: Error 403\n err?: Error: Command failed",
      ),
    ).toBe("error: update failed\n  * googleapi: Error 403");
  });
});

describe("classifyError", () => {
  it.each([
    [
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end",
      StackLockedError,
    ],
    ["[409] Conflict: Another update is currently in progress.", StackLockedError],
    ["error: no stack named 'feature-pr-1' found", StackNotFoundError],
    ["error: stack 'feature-pr-1' already exists", StackExistsError],
    ["error: update failed\n  gcp:cloudrunv2:Service (api): error 403", AutomationError],
  ])("classifies %j", (stderr, kind) => {
    const classified = classifyError(cliError(stderr), "feature-pr-1");
    expect(classified).toBeInstanceOf(kind);
    expect((classified as AutomationError).detail).toContain(stderr.split("\n")[0]);
  });

  it("keeps the CLI's own error line (and what follows it) in the message of a failed command", () => {
    const classified = classifyError(
      cliError("line 1\nerror: 403 Permission denied on run.services.create"),
      "staging",
    );
    expect((classified as Error).message).toBe(
      'pulumi failed on stack "staging":\n  error: 403 Permission denied on run.services.create',
    );
  });

  it("leaves other errors alone", () => {
    const bug = new TypeError("x is undefined");
    expect(classifyError(bug, "s")).toBe(bug);
    expect(classifyError("text", "s")).toBe("text");
  });
});

describe("backend and secrets provider", () => {
  it("come from flags first, then the environment", () => {
    const env = { PULUMI_BACKEND_URL: "gs://from-env", PULUMI_SECRETS_PROVIDER: KMS };
    expect(resolveBackend({}, env)).toEqual({ backendUrl: "gs://from-env", secretsProvider: KMS });
    expect(resolveBackend({ backendUrl: "gs://from-flag/team" }, env).backendUrl).toBe("gs://from-flag/team");
    expect(resolveBackend({}, { PULUMI_BACKEND_URL: "file:///tmp/state" })).toEqual({
      backendUrl: "file:///tmp/state",
    });
  });

  it.each([
    [{}, {}, /no Pulumi backend: pass --backend-url gs:\/\/<bucket> or set PULUMI_BACKEND_URL/],
    [
      { backendUrl: "https://api.pulumi.com" },
      {},
      /--backend-url: got "https:\/\/api\.pulumi\.com"; allowed: a self-managed backend/,
    ],
    [
      { backendUrl: "gs://state-bucket", secretsProvider: "awskms://alias/x" },
      {},
      /--secrets-provider: got "awskms:\/\/alias\/x"/,
    ],
    [
      { backendUrl: "gs://state-bucket", secretsProvider: "passphrase" },
      {},
      /passphrase is for local trials only/,
    ],
  ])("refuses %j", (flags, env, message) => {
    expect(() => resolveBackend(flags, env)).toThrow(message);
  });

  it("demands a secrets provider before a command creates stacks in a gs:// backend", async () => {
    const context = realContextFactory({
      root: "/repo",
      signal: new AbortController().signal,
      env: { PULUMI_BACKEND_URL: "gs://state" },
      stdout: () => undefined,
      stderr: () => undefined,
    })({});
    await expect(context.automation("infra", { createsStacks: true })).rejects.toThrow(
      /this command creates stacks: pass --secrets-provider gcpkms:\/\//,
    );
    const adapter = await context.automation("dr");
    expect(adapter).toBeInstanceOf(LocalAutomation);
    expect((adapter as LocalAutomation).workDir).toBe("/repo/automation/dr/program");
    expect(await context.automation("dr")).toBe(adapter);
  });
});
