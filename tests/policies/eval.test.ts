import { describe, expect, it } from "vitest";
import { resourcePolicy, stackPolicy } from "../../policies/lib/policy";
import { T } from "../../policies/lib/tokens";
import { allPolicies } from "../../policies/all";
import { unknownChecking, UnknownValueError } from "../../plan/policy-args";
import {
  effectiveLevel,
  PolicyConfigError,
  policySettings,
  validatePolicyConfig,
} from "../../plan/policy-config";
import {
  evaluatePolicies,
  exportResources,
  gateExitCode,
  summarize,
  type Violation,
} from "../../plan/policy-eval";
import type { ExportDocument, ExportResource } from "../../plan/render-json";
import { mutate, provider, res, root, ROOT_URN, UNSET } from "../fixtures/policies/build";
import { fixtures } from "../fixtures/policies/resources";
import * as rpc from "@pulumi/pulumi/runtime/rpc";

/** A stack document: the root, the provider, the project's allServices audit config, and `resources`. */
const doc = (...resources: ExportResource[]): ExportDocument => ({
  version: 3,
  deployment: {
    manifest: { time: "", magic: "", version: "" },
    resources: [root(), provider(), fixtures.auditConfig(), ...resources],
  },
});

const meta = {
  domain: "project" as const,
  description: "Checks that tests can define policies.",
  severity: "medium" as const,
  remediationSteps: "None: a test policy.",
};

describe("evaluatePolicies", () => {
  it("finds nothing in a clean document and the violations of an insecure one", async () => {
    expect(await evaluatePolicies(doc(fixtures.bucket(), fixtures.bucketIamMember()))).toEqual([]);
    const insecure = mutate(fixtures.bucket(), "publicAccessPrevention", UNSET);
    expect(await evaluatePolicies(doc(insecure))).toEqual([
      {
        policy: "bucket-public-access-prevention",
        enforcementLevel: "mandatory",
        severity: "high",
        urn: insecure.urn,
        message:
          'Bucket "m6-prod-static-44fb1062" must enforce public access prevention; publicAccessPrevention is unset, which is "inherited" (not enforced)',
      },
    ]);
  });

  it("accepts a bare list of resources", async () => {
    expect(await evaluatePolicies([mutate(fixtures.bucket(), "versioning", UNSET)])).toHaveLength(1);
  });

  it("applies enforcement levels from the config: per policy, `all`, remediate and disabled", async () => {
    const insecure = doc(
      mutate(mutate(fixtures.bucket(), "publicAccessPrevention", UNSET), "versioning", UNSET),
    );
    const levels = async (config: Record<string, unknown>) =>
      (await evaluatePolicies(insecure, { config: config as never })).map(
        (v) => `${v.policy}:${v.enforcementLevel}`,
      );
    expect(await levels({})).toEqual([
      "bucket-public-access-prevention:mandatory",
      "bucket-versioning:advisory",
    ]);
    expect(await levels({ "bucket-public-access-prevention": "disabled" })).toEqual([
      "bucket-versioning:advisory",
    ]);
    expect(await levels({ all: "mandatory" })).toEqual([
      "bucket-public-access-prevention:mandatory",
      "bucket-versioning:mandatory",
    ]);
    expect(await levels({ "bucket-versioning": { enforcementLevel: "remediate" } })).toContain(
      "bucket-versioning:mandatory",
    );
    expect(await levels({ all: "advisory", "bucket-versioning": "mandatory" })).toEqual([
      "bucket-public-access-prevention:advisory",
      "bucket-versioning:mandatory",
    ]);
  });

  it("passes settings to getConfig over the schema's defaults", async () => {
    const key = mutate(fixtures.cryptoKey(), "rotationPeriod", "5184000s"); // 60 days
    expect(await evaluatePolicies(doc(key))).toEqual([]);
    const tight = await evaluatePolicies(doc(key), {
      config: { "kms-key-rotation": { kmsRotationMaxDays: 30 } },
    });
    expect(tight.map((v) => v.message)).toEqual([
      'KMS key "state" must rotate at least every 30 days; it rotates every 60 days',
    ]);
    const kms = allPolicies.find((p) => p.name === "kms-key-rotation");
    expect(kms && policySettings(kms, {})).toEqual({ kmsRotationMaxDays: 90 });
  });

  it("scopes environment-aware policies by stack tags", async () => {
    const unprotected = mutate(fixtures.runService(), "deletionProtection", false);
    const { labels: _l, ...noLabels } = unprotected.inputs;
    const bare = { ...unprotected, inputs: noLabels, outputs: noLabels, provider: undefined };
    const protection = allPolicies.filter((p) => p.name === "cloud-run-deletion-protection");
    expect(await evaluatePolicies([bare], { policies: protection })).toHaveLength(1);
    expect(
      await evaluatePolicies([bare], { policies: protection, stackTags: { environment: "feature" } }),
    ).toEqual([]);
  });

  it("refuses a malformed config with every problem at once", async () => {
    await expect(
      evaluatePolicies(doc(), {
        config: { "no-such-policy": "mandatory", "kms-key-rotation": { kmsRotationMaxDays: "90" } } as never,
      }),
    ).rejects.toThrow(PolicyConfigError);
    expect(() =>
      validatePolicyConfig(
        {
          "no-such-policy": "mandatory",
          all: "sometimes",
          "kms-key-rotation": { kmsRotationMaxDays: 0, enforcementLevel: "loud" },
          "allowed-regions": { allowedRegions: ["ok", 3], colour: "red" },
          "cloud-run-default-url-disabled": { environments: ["qa"] },
          "iam-no-basic-roles": 5,
        },
        allPolicies,
      ),
    ).toThrow(
      [
        "invalid policy config (8 problems):",
        "  no-such-policy: no such policy in the pack",
        '  all: got "sometimes"; allowed: advisory, mandatory, remediate, disabled',
        "  kms-key-rotation.kmsRotationMaxDays: got 0; at least 1",
        '  kms-key-rotation.enforcementLevel: got "loud"; allowed: advisory, mandatory, remediate, disabled',
        "  allowed-regions.allowedRegions[1]: got 3; expected string",
        "  allowed-regions.colour: unknown setting; allowed: allowedRegions",
        '  cloud-run-default-url-disabled.environments[0]: got "qa"; allowed: "prod", "staging", "feature"',
        "  iam-no-basic-roles: got 5; expected an enforcement level or an object of settings",
      ].join("\n"),
    );
    expect(() => validatePolicyConfig([], allPolicies)).toThrow("policy config must be an object");
  });

  it("reports a stack violation without a URN on the stack's root, and a resource violation on its resource", async () => {
    const stack = stackPolicy(
      { ...meta, name: "test-stack", enforcementLevel: "advisory" },
      (_args, report) => report("stack-wide"),
    );
    const resource = resourcePolicy(
      { ...meta, name: "test-resource", enforcementLevel: "mandatory", types: [T.bucket] },
      (_p, _a, report) => report("on the bucket"),
    );
    const bucket = fixtures.bucket();
    const violations = await evaluatePolicies(doc(bucket), { policies: [stack, resource] });
    expect(violations.map((v) => [v.policy, v.urn, v.message])).toEqual([
      ["test-stack", ROOT_URN, "stack-wide"],
      ["test-resource", bucket.urn, "on the bucket"],
    ]);
  });

  it("hands policies faithful args: type checks by class, options, provider, parent and dependencies", async () => {
    const seen: string[] = [];
    const BucketClass = { __pulumiType: T.bucket };
    const OtherClass = { isInstance: (o: unknown) => (o as { __pulumiType: string }).__pulumiType === "x" };
    const probe = resourcePolicy(
      { ...meta, name: "test-probe", enforcementLevel: "advisory", types: [T.bucket] },
      (_p, args) => {
        seen.push(
          `${args.isType(BucketClass as never)} ${args.isType(OtherClass as never)} ${args.asType(BucketClass as never) === args.props} ` +
            `${args.name} ${args.opts.protect} ${args.opts.parent === ROOT_URN} ${args.provider?.type} ${String(args.provider?.props.region)}`,
        );
      },
    );
    const stackProbe = stackPolicy(
      { ...meta, name: "test-stack-probe", enforcementLevel: "advisory" },
      (args) => {
        const grant = args.resources.find((r) => r.type === T.bucketIamMember);
        seen.push(
          `${grant?.parent?.urn === ROOT_URN} ${grant?.dependencies[0]?.type} ${grant?.propertyDependencies.bucket?.[0]?.type} ${String(grant?.props.id)}`,
        );
      },
    );
    const bucket = { ...fixtures.bucket(), protect: true };
    const grant = {
      ...fixtures.bucketIamMember(),
      dependencies: [bucket.urn],
      propertyDependencies: { bucket: [bucket.urn] },
    };
    await evaluatePolicies(doc(bucket, grant), { policies: [probe, stackProbe] });
    expect(seen).toEqual([
      "true false true env-edge-static true true pulumi:providers:gcp asia-northeast3",
      `true ${T.bucket} ${T.bucket} env-edge-static-cdn-read-id`,
    ]);
  });

  it("treats notApplicable as not applicable and a crash as a bug", async () => {
    const na = resourcePolicy(
      { ...meta, name: "test-na", enforcementLevel: "mandatory", types: [T.bucket] },
      (_p, args) => args.notApplicable("not today"),
    );
    expect(await evaluatePolicies(doc(fixtures.bucket()), { policies: [na] })).toEqual([]);
    const crash = resourcePolicy(
      { ...meta, name: "test-crash", enforcementLevel: "mandatory", types: [T.bucket] },
      () => {
        throw new TypeError("boom");
      },
    );
    await expect(evaluatePolicies(doc(fixtures.bucket()), { policies: [crash] })).rejects.toThrow(
      /policy 'test-crash' failed on urn:pulumi:.*: boom/,
    );
  });

  it("at preview, downgrades a policy that reads an unknown value to an advisory notice", async () => {
    const reads = resourcePolicy(
      { ...meta, name: "test-reads", enforcementLevel: "mandatory", types: [T.bucket] },
      (props: { name?: string }, _a, report) => report(`name ${String(props.name)}`),
    );
    const unknown = mutate(fixtures.bucket(), "name", "[unknown]");
    expect(await evaluatePolicies(doc(unknown), { policies: [reads], preview: true })).toEqual([
      {
        policy: "test-reads",
        enforcementLevel: "advisory",
        severity: "medium",
        urn: unknown.urn,
        message: "can't run policy 'test-reads' during preview: value at .name can't be known during preview",
      },
    ]);
    expect((await evaluatePolicies(doc(unknown), { policies: [reads] }))[0]?.message).toBe("name [unknown]");
  });

  it("turns wire-format secrets in a real export into placeholders", () => {
    const secret = {
      [rpc.specialSigKey]: rpc.specialSecretSig,
      ciphertext: "v1:abc",
    };
    const { outputs: _o, ...withoutOutputs } = fixtures.secretIamMember();
    const [r] = exportResources([
      { ...withoutOutputs, inputs: { member: secret } } as unknown as ExportResource,
    ]);
    expect(r?.inputs.member).toBe("[secret]");
    expect(r?.outputs).toEqual({});
  });
});

describe("the unknown-checking proxy", () => {
  it("throws on unknown values only, at their path", () => {
    const v = unknownChecking({ a: { b: ["[unknown]", "x"] }, c: 1 });
    expect(v.c).toBe(1);
    expect(v.a.b[1]).toBe("x");
    expect(() => v.a.b[0]).toThrow(UnknownValueError);
    expect(() => v.a.b[0]).toThrow("value at .a.b.0 can't be known during preview");
    expect(Object.keys(v.a)).toEqual(["b"]);
  });
});

describe("summarize", () => {
  it("counts by level, severity and policy; the gate fails on mandatory", () => {
    const v = (
      policy: string,
      level: "mandatory" | "advisory",
      severity: Violation["severity"],
    ): Violation => ({
      policy,
      enforcementLevel: level,
      severity,
      urn: "u",
      message: "m",
    });
    const list = [v("a", "mandatory", "high"), v("a", "mandatory", "high"), v("b", "advisory", "low")];
    expect(summarize(list)).toEqual({
      total: 3,
      mandatory: 2,
      advisory: 1,
      bySeverity: { critical: 0, high: 2, medium: 0, low: 1 },
      byPolicy: { a: 2, b: 1 },
      passed: false,
    });
    expect(gateExitCode(list)).toBe(1);
    expect(gateExitCode(list.slice(2))).toBe(0);
    expect(summarize([]).passed).toBe(true);
  });
  it("reads levels", () => {
    const p = allPolicies[0];
    if (!p) throw new Error("no policies");
    expect(effectiveLevel(p, {})).toBe(p.enforcementLevel);
    expect(effectiveLevel(p, { [p.name]: "disabled" })).toBe("disabled");
  });
});

describe("stack policies see outputs, resource policies inputs", () => {
  it("merges outputs over inputs with the id for stack policies", async () => {
    const seen: unknown[] = [];
    const probe = stackPolicy({ ...meta, name: "test-outputs", enforcementLevel: "advisory" }, (args) => {
      const account = args.resources.find((r) => r.type === T.serviceAccount);
      seen.push(account?.props.email, account?.props.accountId, account?.props.id);
    });
    const account = res(
      T.serviceAccount,
      "api-identity",
      { accountId: "m6-prod-api" },
      { outputs: { email: "m6-prod-api@p.iam.gserviceaccount.com" } },
    );
    await evaluatePolicies(doc(account), { policies: [probe] });
    expect(seen).toEqual(["m6-prod-api@p.iam.gserviceaccount.com", "m6-prod-api", "api-identity-id"]);
  });
});
