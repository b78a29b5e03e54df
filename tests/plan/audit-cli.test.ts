/**
 * `npm run audit`: exit codes 0 (clean or advisory only), 1 (mandatory violations) and 2 (unreadable or
 * malformed input or config, with one clear message), and each report format. The command runs in
 * process (`audit(argv)`); three runs go through the real entry point as fresh processes.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Log } from "sarif";
import { beforeAll, describe, expect, it } from "vitest";
import { allPolicies } from "../../policies/all";
import { audit } from "../../plan/audit";
import { renderJson, type ExportDocument } from "../../plan/render-json";
import { sharedPlan } from "../helpers/shared-plans";

const ROOT = resolve(__dirname, "../..");
const STACK_TRACE = /^\s+at .+\(.+:\d+:\d+\)$/m;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function spawnAudit(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    // As `npm run audit` runs it: through the bundling launcher.
    const child = spawn(process.execPath, ["plan/launch.cjs", "plan/audit-cli.ts", ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (status) => done({ status, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), "audit-cli-"));
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** The input: the program's own prod plan, as `npm run plan -- --stack prod --format json` prints it. */
let prod: ExportDocument;

function variant(change: (doc: ExportDocument) => void): string {
  const doc = structuredClone(prod);
  change(doc);
  return JSON.stringify(doc);
}
const resource = (doc: ExportDocument, type: string, name: string) => {
  const r = doc.deployment.resources.find((x) => x.type === type && x.urn.endsWith(`::${name}`));
  if (!r) throw new Error(`no ${type} ${name}`);
  return r;
};

async function inProcess(...args: string[]): Promise<Run> {
  const { exitCode, stdout, stderr } = await audit(args);
  return { status: exitCode, stdout, stderr };
}

const runs: Record<string, Run> = {};
const processes: Record<string, Run> = {};
let paths: Record<string, string> = {};

beforeAll(async () => {
  prod = renderJson(await sharedPlan("prod"));
  paths = {
    clean: file("clean.json", JSON.stringify(prod)),
    advisory: file(
      "advisory.json",
      variant((doc) => {
        const bucket = resource(doc, "gcp:storage/bucket:Bucket", "env-edge-static");
        delete bucket.inputs.versioning;
        delete bucket.outputs.versioning;
      }),
    ),
    mandatory: file(
      "mandatory.json",
      variant((doc) => {
        const backend = resource(doc, "gcp:compute/backendService:BackendService", "env-edge-api");
        delete backend.inputs.securityPolicy;
        delete backend.outputs.securityPolicy;
        backend.propertyDependencies = { backends: backend.propertyDependencies?.backends ?? [] };
        const bucket = resource(doc, "gcp:storage/bucket:Bucket", "env-edge-static");
        delete bucket.inputs.versioning;
      }),
    ),
    notJson: file("not-json.json", "{ this is not json"),
    notExport: file("not-export.json", JSON.stringify({ version: 3, checkpoint: {} })),
    badResource: file(
      "bad-resource.json",
      JSON.stringify({ version: 3, deployment: { resources: [{ type: "gcp:storage/bucket:Bucket" }] } }),
    ),
    empty: file("empty.json", JSON.stringify({ version: 3, deployment: { resources: [] } })),
    onlyStack: file(
      "only-stack.json",
      JSON.stringify({
        version: 3,
        deployment: {
          resources: [
            {
              urn: "urn:pulumi:prod::module6::pulumi:pulumi:Stack::module6-prod",
              type: "pulumi:pulumi:Stack",
            },
          ],
        },
      }),
    ),
    version4: file("version4.json", JSON.stringify({ ...prod, version: 4 })),
    banner: file(
      "banner.json",
      `\n> module6-infra@0.1.0 plan\n> node plan/launch.cjs plan/cli.ts --stack prod --format json\n\n${JSON.stringify(prod)}`,
    ),
    emptyFile: file("empty-file.json", ""),
    config: file(
      "config.json",
      JSON.stringify({
        "backend-service-cloud-armor": "disabled",
        "cloud-run-public-only-through-load-balancer": "advisory",
      }),
    ),
    yamlConfig: file("config.yaml", "all: advisory\n"),
    stackConfig: file("Pulumi.eu.yaml", "config:\n  module6:allowedRegions: [europe-west1]\n"),
    regionsConfig: file(
      "regions.json",
      JSON.stringify({ "allowed-regions": { allowedRegions: ["asia-northeast3", "asia-northeast1"] } }),
    ),
    badConfig: file(
      "bad-config.json",
      JSON.stringify({ "kms-key-rotation": { kmsRotationMaxDays: "ninety" }, nope: "mandatory" }),
    ),
  };
  const cases: Record<string, string[]> = {
    clean: [paths.clean ?? ""],
    advisory: [paths.advisory ?? ""],
    mandatory: [paths.mandatory ?? ""],
    json: [paths.mandatory ?? "", "--format", "json"],
    markdown: [paths.mandatory ?? "", "--format", "markdown"],
    markdownClean: [paths.advisory ?? "", "--format", "markdown"],
    sarif: [paths.mandatory ?? "", "--format", "sarif"],
    configured: [paths.mandatory ?? "", "--policy-config", paths.config ?? ""],
    yamlConfigured: [paths.mandatory ?? "", "--policy-config", paths.yamlConfig ?? ""],
    badConfig: [paths.clean ?? "", "--policy-config", paths.badConfig ?? ""],
    stackRegions: [paths.clean ?? "", "--config-file", paths.stackConfig ?? ""],
    stackRegionsOverridden: [
      paths.clean ?? "",
      "--config-file",
      paths.stackConfig ?? "",
      "--policy-config",
      paths.regionsConfig ?? "",
    ],
    missingConfig: [paths.clean ?? "", "--policy-config", join(dir, "nope.json")],
    missing: [join(dir, "missing.json")],
    notJson: [paths.notJson ?? ""],
    notExport: [paths.notExport ?? ""],
    badResource: [paths.badResource ?? ""],
    badFormat: [paths.clean ?? "", "--format", "xml"],
    typo: [paths.clean ?? "", "--polcy-config", "x.json"],
    twoFiles: [paths.clean ?? "", paths.clean ?? ""],
    empty: [paths.empty ?? ""],
    onlyStack: [paths.onlyStack ?? ""],
    version4: [paths.version4 ?? ""],
    emptyAllowed: [paths.empty ?? "", "--allow-empty"],
    version4Allowed: [paths.version4 ?? "", "--allow-empty"],
    banner: [paths.banner ?? ""],
    emptyFile: [paths.emptyFile ?? ""],
    directory: [dir],
    outDir: [paths.clean ?? "", "--out", dir],
    sarifOut: [paths.mandatory ?? "", "--format", "sarif", "--out", join(dir, "reports", "policy.sarif")],
    noFile: [],
    badTag: [paths.clean ?? "", "--stack-tag", "environment"],
    help: ["--help"],
  };
  for (const [name, args] of Object.entries(cases)) runs[name] = await inProcess(...args);
  const spawned = {
    clean: [paths.clean ?? ""],
    mandatory: [paths.mandatory ?? ""],
    notJson: [paths.notJson ?? ""],
  };
  const results = await Promise.all(
    Object.entries(spawned).map(async ([name, args]) => [name, await spawnAudit(...args)] as const),
  );
  for (const [name, result] of results) processes[name] = result;
}, 120_000);

const run = (name: string): Run => {
  const r = runs[name];
  if (!r) throw new Error(`no run ${name}`);
  return r;
};

describe("npm run audit as a process", () => {
  const proc = (name: string): Run => {
    const r = processes[name];
    if (!r) throw new Error(`no process ${name}`);
    return r;
  };
  it("exits 0 clean, 1 on a mandatory violation, 2 on malformed input without a stack trace", () => {
    expect(proc("clean")).toMatchObject({ status: 0, stderr: "" });
    expect(proc("clean").stdout).toMatch(
      /^Policy pack module6-gcp: \d+ policies on 235 resources: 0 mandatory, 0 advisory violations\n/,
    );
    expect(proc("mandatory").status).toBe(1);
    expect(proc("mandatory").stdout).toContain("FAILED: mandatory policies are violated\n");
    expect(proc("notJson").status).toBe(2);
    expect(proc("notJson").stdout).toBe("");
    expect(proc("notJson").stderr).toMatch(
      /^error: cannot read .*not-json\.json: not valid JSON at line 1, column 3: .*\n$/,
    );
    expect(proc("notJson").stderr).not.toMatch(STACK_TRACE);
  });
});

describe("npm run audit: exit codes", () => {
  it("exits 0 on a clean export", () => {
    expect(run("clean")).toMatchObject({ status: 0, stderr: "" });
    expect(run("clean").stdout).toContain(
      `${allPolicies.length} policies on 235 resources: 0 mandatory, 0 advisory violations`,
    );
  });
  it("exits 0 with advisory violations only, and lists them", () => {
    expect(run("advisory").status).toBe(0);
    expect(run("advisory").stdout).toMatch(
      /Advisory: reported, does not block \(1\)\n {2}! bucket-versioning \[low\]/,
    );
  });
  it("exits 1 on a mandatory violation, grouped by enforcement level, naming the policy", () => {
    const { status, stdout } = run("mandatory");
    expect(status).toBe(1);
    expect(stdout).toContain("Mandatory: blocks the deployment (3)");
    expect(stdout).toContain(
      "✖ backend-service-cloud-armor [high]  gcp:compute/backendService:BackendService::env-edge-api",
    );
    expect(stdout).toContain("✖ cloud-run-public-only-through-load-balancer [critical]");
    expect(stdout).toMatch(/FAILED: mandatory policies are violated$/);
    expect(stdout.indexOf("Mandatory")).toBeLessThan(stdout.indexOf("Advisory"));
  });
  it("applies a policy config (JSON or YAML): levels can disable or downgrade", () => {
    expect(run("configured").status).toBe(0);
    expect(run("configured").stdout).toContain("0 mandatory, 3 advisory");
    expect(run("yamlConfigured").status).toBe(0);
  });
  it("follows the stack's module6:allowedRegions unless the policy config sets them", () => {
    expect(run("stackRegions").status).toBe(1);
    expect(run("stackRegions").stdout).toMatch(
      /✖ allowed-regions \[medium\] {2}32 resources\n {4}- pulumi:providers:gcp::gcp: pulumi:providers "gcp" must be in an allowed region \(europe-west1\); region is "asia-northeast3"\n/,
    );
    expect(run("stackRegionsOverridden")).toMatchObject({ status: 0, stderr: "" });
  });
  it.each([
    ["missing", /^error: cannot read .*missing\.json: no such file$/],
    [
      "notJson",
      /^error: cannot read .*not-json\.json: not valid JSON at line 1, column 3: Expected property name or '\}'$/,
    ],
    [
      "notExport",
      /^error: .*not-export\.json: not a stack export: expected \{ "version": 3, "deployment": \{ "resources": \[\.\.\.\] \} \}/,
    ],
    ["badResource", /^error: .*bad-resource\.json: resource #0 has no "urn"/],
    [
      "badConfig",
      /^error: invalid policy config \(2 problems\):\n {2}kms-key-rotation\.kmsRotationMaxDays: got "ninety"; expected integer\n {2}nope: no such policy in the pack$/,
    ],
    ["missingConfig", /^error: cannot read policy config .*nope\.json: no such file$/],
    [
      "badFormat",
      /^error: option '--format <format>' argument 'xml' is invalid. Allowed choices are text, json, markdown, sarif.\n/,
    ],
    ["noFile", /^error: missing required argument 'file.json'\n/],
    ["twoFiles", /^error: too many arguments. Expected 1 argument but got 2.\n/],
    [
      "badTag",
      /^error: option '--stack-tag <key=value>' argument 'environment' is invalid. expected key=value, e.g. environment=prod.\n/,
    ],
    ["typo", /^error: unknown option '--polcy-config'\n\(Did you mean --policy-config\?\)\n/],
    [
      "empty",
      /^error: .*empty\.json has no resources to check: a merge gate must not pass on nothing \(an empty stack, or the wrong file\?\)\. Pass --allow-empty to accept it$/,
    ],
    ["onlyStack", /^error: .*only-stack\.json has no resources to check/],
    [
      "version4",
      /^error: .*version4\.json: export version 4; this audit reads version 3 \(pulumi stack export\)\. Pass --allow-empty to check it anyway$/,
    ],
    [
      "banner",
      /^error: cannot read .*banner\.json: it starts with npm's banner \("> module6-infra@0\.1\.0 plan"\), so it was written with "npm run … > file"\. Write it with the command's --out <file>, or with "npm run -s …" \(silent\)$/,
    ],
    [
      "emptyFile",
      /^error: cannot read .*empty-file\.json: not valid JSON at line 1, column 1: the file is empty$/,
    ],
    ["directory", /^error: cannot read .*audit-cli-\w+: it is a directory, not a file$/],
    ["outDir", /^error: --out .*audit-cli-\w+: it is a directory; pass a file name such as /],
  ])("exits 2 with one clear message: %s", (name, message) => {
    const r = run(name);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });
  it("accepts an empty input or another version with --allow-empty", () => {
    expect(run("emptyAllowed").status).toBe(0);
    expect(run("emptyAllowed").stdout).toContain(
      "policies on 0 resources: 0 mandatory, 0 advisory violations",
    );
    expect(run("version4Allowed")).toMatchObject({ status: 0, stderr: "" });
  });
  it("writes the report to --out, creating its directory, and keeps the gate's exit code", () => {
    const r = run("sarifOut");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^wrote .*reports\/policy\.sarif\n/);
    expect(r.stderr).toContain("FAILED: mandatory policies are violated");
    const log = JSON.parse(readFileSync(join(dir, "reports", "policy.sarif"), "utf8")) as Log;
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0]?.results).toHaveLength(4);
  });
  it("prints its usage with the required argument and the exit codes", () => {
    expect(run("help")).toMatchObject({ status: 0 });
    expect(run("help").stdout).toMatch(/^Usage: npm run -s audit -- \[options\] <file\.json>/);
    expect(run("help").stdout).toMatch(/--allow-empty +accept an input with no resources/);
    expect(run("help").stdout).toMatch(/\nExit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 .*\n {2}130 /);
  });
});

describe("npm run audit: formats", () => {
  it("json: violations and a summary", () => {
    const report = JSON.parse(run("json").stdout) as {
      violations: {
        policy: string;
        enforcementLevel: string;
        severity: string;
        urn: string;
        message: string;
        remediation: string;
      }[];
      groups: { policy: string; enforcementLevel: string; count: number }[];
      summary: Record<string, unknown>;
    };
    expect(run("json").status).toBe(1);
    expect(report.violations.map((v) => Object.keys(v).sort())).toEqual(
      Array(4).fill(["enforcementLevel", "message", "policy", "remediation", "severity", "urn"]),
    );
    expect(report.violations[0]?.remediation).toBe(
      "Attach the environment's CloudArmorPolicy to the backend service (`securityPolicy: armor.policy.selfLink`; HttpsLoadBalancer does this for every backend).",
    );
    expect(report.groups.map((g) => [g.policy, g.enforcementLevel, g.count])).toEqual([
      ["backend-service-cloud-armor", "mandatory", 1],
      // one per Cloud Run service behind the backend: api runs in two regions
      ["cloud-run-public-only-through-load-balancer", "mandatory", 2],
      ["bucket-versioning", "advisory", 1],
    ]);
    expect(report.violations[0]).toMatchObject({
      policy: "backend-service-cloud-armor",
      enforcementLevel: "mandatory",
      severity: "high",
      urn: "urn:pulumi:prod::module6::module6:edge:HttpsLoadBalancer$gcp:compute/backendService:BackendService::env-edge-api",
      message:
        'External backend service "m6-prod-edge-api" must have a Cloud Armor security policy; securityPolicy is unset',
    });
    expect(report.summary).toMatchObject({
      total: 4,
      mandatory: 3,
      advisory: 1,
      passed: false,
      resources: 235,
      policies: allPolicies.length,
    });
  });
  it("markdown: a pull-request comment grouped by enforcement level", () => {
    const md = run("markdown").stdout;
    expect(md).toMatch(/^### ❌ Policy check failed: 3 mandatory violations\n/);
    expect(md).toContain(
      "#### Mandatory: blocks the deployment (3)\n\n| Policy | Severity | Resource | Violation | How to fix |",
    );
    expect(md).toContain("| Attach the environment's CloudArmorPolicy to the backend service");
    expect(md).toContain(
      "| `backend-service-cloud-armor` | high | `gcp:compute/backendService:BackendService::env-edge-api` |",
    );
    expect(md).toContain("<details>\n<summary>Advisory: reported, does not block (1)</summary>");
    expect(run("markdownClean").stdout).toMatch(/^### ✅ Policy check passed\n/);
  });
  it("sarif: valid SARIF 2.1.0 with rules, levels and logical locations", () => {
    const log = JSON.parse(run("sarif").stdout) as Log;
    expect(run("sarif").status).toBe(1);
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/sarif-2\.1\.0\.json$/);
    expect(log.runs).toHaveLength(1);
    const [first] = log.runs;
    const rules = first?.tool.driver.rules ?? [];
    expect(first?.tool.driver.name).toBe("module6-gcp");
    expect(rules.map((r) => r.id)).toEqual(allPolicies.map((p) => p.name));
    for (const rule of rules) {
      expect(rule.help?.text.length, rule.id).toBeGreaterThan(10);
      expect(rule.shortDescription?.text).toMatch(/^Checks that /);
      expect(rule.properties?.["security-severity"]).toMatch(/^\d+\.\d$/);
    }
    const results = first?.results ?? [];
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([
      ["backend-service-cloud-armor", "error"],
      ["cloud-run-public-only-through-load-balancer", "error"],
      ["cloud-run-public-only-through-load-balancer", "error"],
      ["bucket-versioning", "note"],
    ]);
    // Located in the program's source: the component that creates each resource.
    expect(results.map((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri)).toEqual([
      "components/https-load-balancer.ts",
      "components/https-load-balancer.ts",
      "components/https-load-balancer.ts",
      "components/static-site.ts",
    ]);
    for (const r of results) {
      expect(rules[r.ruleIndex ?? -1]?.id).toBe(r.ruleId);
      expect(r.message.text?.length).toBeGreaterThan(10);
      expect(r.locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName).toMatch(
        /^urn:pulumi:prod::module6::/,
      );
      expect(Object.values(r.partialFingerprints ?? {})[0]).toMatch(/^[0-9a-f]{32}$/);
    }
  });
});
