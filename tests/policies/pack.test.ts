import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { allPolicies, configSchema, defaultConfig, PACK_NAME, type Module6Policy } from "../../policies/all";
import { edgePolicies } from "../../policies/edge";
import { firestorePolicies } from "../../policies/firestore";
import { gkePolicies } from "../../policies/gke";
import { iamPolicies } from "../../policies/iam";
import { kmsPolicies } from "../../policies/kms";
import { kubernetesPolicies } from "../../policies/kubernetes";
import { loggingPolicies } from "../../policies/logging";
import { monitoringPolicies } from "../../policies/monitoring";
import { networkPolicies } from "../../policies/network";
import { projectPolicies } from "../../policies/project";
import { registryPolicies } from "../../policies/registry";
import { runPolicies } from "../../policies/run";
import { secretsPolicies } from "../../policies/secrets";
import { storagePolicies } from "../../policies/storage";
import { ANY_GCP, K, T } from "../../policies/lib/tokens";
import { validatePolicyConfig } from "../../plan/policy-config";
import { fixtures } from "../fixtures/policies/resources";
import { checkResource } from "./harness";

const ROOT = resolve(__dirname, "../..");
const resourcePolicies = allPolicies.filter((p) => p.kind === "resource");

describe("the pack", () => {
  it("has at least 40 policies, one module per domain, all of them listed", () => {
    expect(allPolicies.length).toBeGreaterThanOrEqual(40);
    const modules = {
      run: runPolicies,
      edge: edgePolicies,
      storage: storagePolicies,
      firestore: firestorePolicies,
      secrets: secretsPolicies,
      iam: iamPolicies,
      kms: kmsPolicies,
      monitoring: monitoringPolicies,
      logging: loggingPolicies,
      network: networkPolicies,
      registry: registryPolicies,
      project: projectPolicies,
      gke: gkePolicies,
      kubernetes: kubernetesPolicies,
    };
    for (const [domain, list] of Object.entries(modules)) {
      expect(list.length, domain).toBeGreaterThan(0);
      for (const p of list) expect(p.domain, p.name).toBe(domain);
    }
    expect(new Set(allPolicies)).toEqual(new Set(Object.values(modules).flat()));
    expect(allPolicies.filter((p) => p.kind === "stack").length).toBeGreaterThanOrEqual(8);
  });

  it.each(allPolicies.map((p) => [p.name, p] as const))(
    "%s carries the metadata every policy needs",
    (name, p: Module6Policy) => {
      expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(p.description).toMatch(/^Checks that /);
      expect(["low", "medium", "high", "critical"]).toContain(p.severity);
      expect(["mandatory", "advisory"]).toContain(p.enforcementLevel);
      expect(p.remediationSteps.length).toBeGreaterThan(10);
      expect(p.tags).toContain(p.domain);
      if (p.framework) {
        expect(p.framework.name).toBeTruthy();
        expect(p.framework.version).toBeTruthy();
        expect(p.framework.reference).toMatch(/^(\d+\.\d+|CKV2?_GCP_\d+|AVD-GCP-\d+)$/);
        expect(p.framework.specification).toBeTruthy();
      }
      for (const id of p.tags.filter((t) => /^(CKV|AVD)/.test(t)))
        expect(id).toMatch(/^(CKV2?_GCP_\d+|AVD-GCP-\d+)$/);
    },
  );

  it("names unique policies; security and data-loss rules are mandatory, high and critical ones too", () => {
    expect(new Set(allPolicies.map((p) => p.name)).size).toBe(allPolicies.length);
    for (const p of allPolicies.filter((x) => x.severity === "critical" || x.severity === "high")) {
      expect(p.enforcementLevel, p.name).toBe("mandatory");
    }
  });

  it("uses type tokens that name real @pulumi/gcp classes (Pulumi's casing)", () => {
    // Read from the SDK's compiled classes (`static __pulumiType = '<token>'`) rather than loading it.
    const sdk = join(ROOT, "node_modules/@pulumi/gcp");
    const declared = new Set<string>();
    for (const module of new Set(Object.values(T).map((t) => t.split(/[:/]/)[1] ?? ""))) {
      for (const f of readdirSync(join(sdk, module)).filter((x) => x.endsWith(".js"))) {
        for (const m of readFileSync(join(sdk, module, f), "utf8").matchAll(/__pulumiType = '([^']+)'/g))
          declared.add(m[1] ?? "");
      }
    }
    for (const token of Object.values(T)) expect(declared.has(token), token).toBe(true);
    const tokens = new Set<string>([...Object.values(T), ...Object.values(K), ANY_GCP]);
    for (const p of resourcePolicies)
      for (const t of p.resourceTypes) expect(tokens.has(t), `${p.name}: ${t}`).toBe(true);
  });

  it("uses Kubernetes type tokens that name real @pulumi/kubernetes classes", () => {
    const sdk = join(ROOT, "node_modules/@pulumi/kubernetes");
    const declared = (file: string): string =>
      /__pulumiType = '([^']+)'/.exec(readFileSync(join(sdk, file), "utf8"))?.[1] ?? "";
    expect(declared("core/v1/namespace.js")).toBe(K.namespace);
    expect(declared("networking/v1/networkPolicy.js")).toBe(K.networkPolicy);
    expect(declared("helm/v3/release.js")).toBe(K.helmRelease);
    // The provider class's token is the package name; the engine records `pulumi:providers:<name>`.
    expect(`pulumi:providers:${declared("provider.js")}`).toBe(K.provider);
  });

  it("marks single-type resource policies for the CLI's fast path, like validateResourceOfType", () => {
    for (const p of resourcePolicies.filter(
      (x) => x.resourceTypes.length === 1 && x.resourceTypes[0] !== ANY_GCP,
    )) {
      expect((p.validateResource as { __pulumiType?: string }).__pulumiType, p.name).toBe(p.resourceTypes[0]);
    }
  });

  it("passes every happy-path fixture, and is not applicable to other types", async () => {
    for (const [fixture, make] of Object.entries(fixtures)) {
      const r = make();
      for (const p of resourcePolicies) {
        const outcome = await checkResource(p, r);
        const applies =
          p.resourceTypes.includes(r.type as never) ||
          (p.resourceTypes.includes(ANY_GCP) && r.type.startsWith("gcp:"));
        expect(outcome.applicable, `${p.name} on ${fixture}`).toBe(applies);
        expect(outcome.messages, `${p.name} on ${fixture}`).toEqual([]);
      }
    }
  });

  it("has a test naming every policy", () => {
    const dir = resolve(__dirname);
    const text = readdirSync(dir)
      .filter((f) => f.endsWith(".test.ts") && f !== "pack.test.ts")
      .map((f) => readFileSync(join(dir, f), "utf8"))
      .join("\n");
    const untested = allPolicies.filter(
      (p) => !text.includes(`describe("${p.name}`) && !text.includes(`"${p.name} (stack)`),
    );
    expect(untested.map((p) => p.name)).toEqual([]);
  });
});

describe("configuration", () => {
  it("declares a schema with defaults for what differs between teams", () => {
    const properties = new Set(Object.values(configSchema).flatMap((s) => Object.keys(s.properties)));
    for (const key of [
      "allowedRegions",
      "publicInvokerAllowList",
      "minBackupRetentionDays",
      "requiredLabelKeys",
      "kmsRotationMaxDays",
      "environments",
    ]) {
      expect(properties.has(key), key).toBe(true);
    }
    const defaults = defaultConfig();
    expect(defaults["kms-key-rotation"]).toEqual({ kmsRotationMaxDays: 90 });
    expect(defaults["firestore-backup-schedule"]).toEqual({
      environments: ["prod", "staging"],
      minBackupRetentionDays: 7,
    });
    expect(validatePolicyConfig(defaults, allPolicies)).toBe(defaults);
  });
  it("ships an example config that validates", () => {
    const example: unknown = JSON.parse(readFileSync(join(ROOT, "policies/config.example.json"), "utf8"));
    expect(() => validatePolicyConfig(example, allPolicies)).not.toThrow();
  });
});

describe("the CrossGuard entry point (read, never imported: constructing a PolicyPack starts a server)", () => {
  const index = readFileSync(join(ROOT, "policies/index.ts"), "utf8");
  it("only constructs the pack from the list of policies", () => {
    const imports = [...index.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    expect(imports.sort()).toEqual(["./all", "@pulumi/policy"]);
    expect(index).toMatch(/new PolicyPack\(PACK_NAME, \{/);
    expect(index).not.toMatch(/^export /m);
    expect(PACK_NAME).toMatch(/^[a-zA-Z0-9-_.]{1,100}$/);
  });
  it("has PulumiPolicy.yaml and its own package.json and lock file, pinned like the program", () => {
    expect(readFileSync(join(ROOT, "policies/PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
    const pack = JSON.parse(readFileSync(join(ROOT, "policies/package.json"), "utf8")) as {
      version: string;
      dependencies: Record<string, string>;
    };
    const program = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(pack.version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const dep of ["@pulumi/policy", "@pulumi/pulumi", "@pulumi/gcp"])
      expect(pack.dependencies[dep], dep).toBe(program.dependencies[dep]);
    expect(existsSync(join(ROOT, "policies/package-lock.json"))).toBe(true);
  });
});
