/**
 * `npm run plan`: three runs go through the real entry point as fresh processes (what stdout and stderr
 * carry, exit codes 0, 1 and 2, no stack trace), started together when the file starts; the other cases call
 * the command in process, with the run's shared plan of the stack (tests/helpers/shared-plans.ts) or with
 * input refused before anything is planned. The exit-0 process plans a feature stack, the smallest (a
 * process plan is mostly CPU: seconds for prod); prod's JSON document is checked in process.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { planCommand } from "../../plan/plan-command";
import type { ExportDocument } from "../../plan/render-json";
import { prefetchPlans, sharedPlan } from "../helpers/shared-plans";

const ROOT = resolve(__dirname, "../..");

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function planProcess(...args: string[]): Promise<Run> {
  // As `npm run plan` runs it: through the bundling launcher. Everything it prints is kept (a feature stack's
  // JSON plan is ~90 KB, more than a pipe holds: a report cut short by the exit would show), and the test's
  // process goes on meanwhile.
  const child = spawn(process.execPath, ["plan/launch.cjs", "plan/cli.ts", ...args], { cwd: ROOT });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  return new Promise((done) => {
    child.on("close", (status) =>
      done({
        status,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      }),
    );
  });
}

/** Pulumi.prod.yaml made insecure on purpose: daily backups kept one day (firestore-backup-retention). */
function insecureProdStackFile(): string {
  const doc = parse(readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8")) as {
    config: Record<string, { backups?: unknown }>;
  };
  const firestore = doc.config["module6:firestore"];
  if (firestore === undefined) throw new Error("Pulumi.prod.yaml has no module6:firestore");
  firestore.backups = { dailyRetentionDays: 1, weeklyRetentionWeeks: 1 };
  const file = join(mkdtempSync(join(tmpdir(), "plan-")), "Pulumi.prod.yaml");
  writeFileSync(file, stringify(doc));
  return file;
}

prefetchPlans("prod", "staging", "feature-pr-123");

// The three process runs, started together (each is a plan of its own: seconds), awaited by their tests.
let processes: { featureJson: Promise<Run>; insecure: Promise<Run>; invalid: Promise<Run> } | undefined;
beforeAll(() => {
  processes = {
    featureJson: planProcess("--stack", "feature-pr-123", "--format", "json"),
    insecure: planProcess("--stack", "prod", "--config-file", insecureProdStackFile()),
    invalid: planProcess("--stack", "staging", "--config-file", "tests/fixtures/invalid-staging.yaml"),
  };
});
function processRun(name: "featureJson" | "insecure" | "invalid"): Promise<Run> {
  if (!processes) throw new Error("the plan processes have not started");
  return processes[name];
}

async function plan(...args: string[]): Promise<Run> {
  const { exitCode, stdout, stderr } = await planCommand(args, {
    root: ROOT,
    runPlan: ({ stack, configFile }) => {
      if (configFile !== undefined)
        throw new Error("a plan of a changed stack file runs as a process (planProcess)");
      return sharedPlan(stack);
    },
  });
  return { status: exitCode, stdout, stderr };
}

const STACK_TRACE = /^\s+at .+\(.+:\d+:\d+\)$/m;
const PLAN_MS = 120_000;

describe("npm run plan", () => {
  it(
    "as a process: the JSON document on stdout, the verdict on stderr, exit 0",
    async () => {
      const { status, stdout, stderr } = await processRun("featureJson");
      expect(stderr).toContain("passed: no mandatory policy is violated");
      expect(stderr).not.toMatch(STACK_TRACE);
      expect(status).toBe(0);
      const doc = JSON.parse(stdout) as ExportDocument;
      expect(doc.version).toBe(3);
      const resources = doc.deployment.resources;
      expect(resources[0]).toMatchObject({
        type: "pulumi:pulumi:Stack",
        urn: "urn:pulumi:feature-pr-123::module6::pulumi:pulumi:Stack::module6-feature-pr-123",
      });
      // The process plans exactly what the run's shared plan holds — made in a test worker, after other plans
      // and component tests (tests/helpers/shared-plans.ts): every resource, input and output.
      const shared = JSON.parse(
        (await plan("--stack", "feature-pr-123", "--format", "json")).stdout,
      ) as ExportDocument;
      expect(resources).toEqual(shared.deployment.resources);
      expect(resources.length).toBeGreaterThan(30);
    },
    PLAN_MS,
  );

  it(
    "prints prod as a pulumi-stack-export document with every resource and its options",
    async () => {
      const { status, stdout, stderr } = await plan("--stack", "prod", "--format", "json");
      expect(stderr).toContain("passed: no mandatory policy is violated");
      expect(status).toBe(0);
      const doc = JSON.parse(stdout) as ExportDocument;
      expect(doc.version).toBe(3);
      const resources = doc.deployment.resources;
      const urns = new Set(resources.map((r) => r.urn));
      expect(resources[0]).toMatchObject({
        type: "pulumi:pulumi:Stack",
        urn: "urn:pulumi:prod::module6::pulumi:pulumi:Stack::module6-prod",
      });
      for (const r of resources.slice(1)) {
        expect(r.parent && urns.has(r.parent), `${r.urn} has a known parent`).toBe(true);
        expect(r.inputs).toBeTypeOf("object");
        expect(r.outputs).toBeTypeOf("object");
      }
      const ofType = (t: string) => resources.filter((r) => r.type === t);
      expect(ofType("gcp:projects/service:Service").map((r) => r.inputs.service)).toContain(
        "run.googleapis.com",
      );
      // the project's registry and the observability plane's Docker Hub mirror
      expect(ofType("gcp:artifactregistry/repository:Repository")).toHaveLength(2);
      // one per service + the Firestore backup check + the observability cluster's nodes
      expect(ofType("gcp:serviceaccount/account:Account")).toHaveLength(5);
      expect(
        ofType("gcp:cloudrunv2/service:Service")
          .map((r) => `${String(r.inputs.name)}@${String(r.inputs.location)}`)
          .sort(),
      ).toEqual([
        "m6-prod-ai@asia-northeast3",
        "m6-prod-api@asia-northeast1",
        "m6-prod-api@asia-northeast3",
        "m6-prod-web@asia-northeast3",
      ]);
      const [db] = ofType("gcp:firestore/database:Database");
      expect(db?.protect).toBe(true);
      expect(ofType("gcp:firestore/backupSchedule:BackupSchedule")).toHaveLength(2);
      // the two configured secrets and the Redis AUTH string (read by web)
      expect(ofType("gcp:secretmanager/secret:Secret")).toHaveLength(3);
      expect(ofType("gcp:secretmanager/secretIamMember:SecretIamMember")).toHaveLength(3);
      // The edge: EXTERNAL_MANAGED, IPv4 + IPv6, TLS >= 1.2 with Certificate Manager, port 80 only redirects,
      // a serverless NEG per service region, Cloud Armor and logging on every backend, CDN for static assets.
      const rules = ofType("gcp:compute/globalForwardingRule:GlobalForwardingRule");
      expect(
        rules.map((r) => `${String(r.inputs.loadBalancingScheme)}:${String(r.inputs.portRange)}`).sort(),
      ).toEqual([
        "EXTERNAL_MANAGED:443",
        "EXTERNAL_MANAGED:443",
        "EXTERNAL_MANAGED:80",
        "EXTERNAL_MANAGED:80",
      ]);
      expect(
        ofType("gcp:compute/globalAddress:GlobalAddress")
          // the load balancer's; the data tier's private services range is an internal VPC_PEERING one
          .filter((a) => a.inputs.purpose !== "VPC_PEERING")
          .map((a) => a.inputs.ipVersion)
          .sort(),
      ).toEqual(["IPV4", "IPV6"]);
      const [proxy] = ofType("gcp:compute/targetHttpsProxy:TargetHttpsProxy");
      const [tls] = ofType("gcp:compute/sSLPolicy:SSLPolicy");
      expect(tls?.inputs.minTlsVersion).toBe("TLS_1_2");
      expect(proxy?.inputs.sslPolicy).toBe(tls?.id);
      const [certMap] = ofType("gcp:certificatemanager/certificateMap:CertificateMap");
      expect(proxy?.inputs.certificateMap).toBe(`//certificatemanager.googleapis.com/${String(certMap?.id)}`);
      const [httpProxy] = ofType("gcp:compute/targetHttpProxy:TargetHttpProxy");
      const redirect = ofType("gcp:compute/uRLMap:URLMap").find((m) => m.id === httpProxy?.inputs.urlMap);
      expect(redirect?.inputs.defaultUrlRedirect).toMatchObject({ httpsRedirect: true });
      expect(redirect?.inputs.defaultService).toBeUndefined();
      for (const r of rules.filter((x) => x.inputs.portRange === "80"))
        expect(r.inputs.target).toBe(httpProxy?.id);
      expect(ofType("gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup")).toHaveLength(4);
      const armor = ofType("gcp:compute/securityPolicy:SecurityPolicy").find(
        (p) => p.inputs.type === "CLOUD_ARMOR",
      );
      for (const b of ofType("gcp:compute/backendService:BackendService")) {
        expect(b.inputs).toMatchObject({
          securityPolicy: armor?.outputs.selfLink,
          logConfig: { enable: true },
        });
      }
      expect(ofType("gcp:compute/backendBucket:BackendBucket")[0]?.inputs).toMatchObject({ enableCdn: true });
      // Dependencies are recorded: the Cloud Run service waits for the propagation of its secret and
      // database grants, which waits for the grants.
      const api = ofType("gcp:cloudrunv2/service:Service").find((r) => r.inputs.name === "m6-prod-api");
      const wait = ofType("time:index/sleep:Sleep").find((r) => api?.dependencies?.includes(r.urn));
      expect(wait?.dependencies?.some((d) => d.includes("SecretIamMember"))).toBe(true);
    },
    PLAN_MS,
  );

  it(
    "plans a feature stack that has no stack file, as text grouped by component",
    async () => {
      const { status, stdout } = await plan("--stack", "feature-pr-123");
      expect(status).toBe(0);
      expect(stdout).toMatch(/^module6:stack:Environment {2}env$/m);
      expect(stdout).toMatch(
        /─ gcp:cloudrunv2\/service:Service {2}env-web {2}m6-f-pr-123-web(?:.*\n){1,2}.*ingress=INGRESS_TRAFFIC_ALL .*iap/,
      );
      expect(stdout).toMatch(/^\s+3 {2}gcp:cloudrunv2\/service:Service$/m);
      expect(stdout).toContain("passed: no mandatory policy is violated");
    },
    PLAN_MS,
  );

  it(
    "writes the text plan within 120 columns, outputs pretty-printed, and the totals and verdict last",
    async () => {
      const { status, stdout } = await plan("--stack", "prod");
      expect(status).toBe(0);
      const lines = stdout.split("\n");
      const widest = lines.reduce((a, l) => (l.length > a.length ? l : a), "");
      expect(widest.length, widest).toBeLessThanOrEqual(120);
      // A resource whose settings do not fit goes on under itself, the tree's bars kept.
      expect(stdout).toMatch(
        /^│ {2}├─ gcp:projects\/service:Service {2}project-apis-artifactregistry {2}artifactregistry\.googleapis\.com\n│ {2}│ {8}disableOnDestroy=false$/m,
      );
      expect(stdout).toContain('  environment: {\n    "stack": "prod",\n    "kind": "prod",');
      expect(stdout).toMatch(
        /^ {2}service {2}SLO {16}goal {4}window {2}burn-rate alerts .*\n {2}ai {7}availability {7}99\.90% {2}30d {5}14\.4× 1h\/5m → page;/m,
      );
      expect(stdout).toContain(
        "  alerts go to: prod oncall-pagerduty, prod alerts-slack, prod platform-email",
      );
      expect(lines.filter((l) => l !== "").slice(-3)).toEqual([
        "Totals: 239 resources (33 components)",
        expect.stringMatching(
          /^Policy pack module6-gcp: \d+ policies on 239 resources: 0 mandatory, 0 advisory/,
        ),
        "passed: no mandatory policy is violated",
      ]);
    },
    PLAN_MS,
  );

  it(
    "renders a pull-request comment with the stack's service levels as --format markdown",
    async () => {
      const { status, stdout } = await plan("--stack", "staging", "--format", "markdown");
      expect(status).toBe(0);
      expect(stdout).toContain("## Plan of stack `staging`");
      expect(stdout).toContain("| service | SLO | goal | window | alert thresholds | channels |");
      expect(stdout).toMatch(
        /^\| api \| latency < 200 ms \| 95\.0 % \| 30 d \| 14\.4× 1h\/5m → ticket<br>6× 6h\/30m → ticket<br>3× 24h\/2h → ticket \| staging platform-email \|$/m,
      );
    },
    PLAN_MS,
  );

  it(
    "gates on the policy pack: a stack made insecure on purpose exits 1 and names the policy",
    async () => {
      const { status, stdout } = await processRun("insecure");
      expect(status).toBe(1);
      expect(stdout).toContain("Mandatory: blocks the deployment (1)");
      expect(stdout).toMatch(/✖ firestore-backup-retention .*env-firestore-daily/);
      expect(stdout).toContain("FAILED: mandatory policies are violated");
    },
    PLAN_MS,
  );

  it(
    "writes to --out",
    async () => {
      const out = join(mkdtempSync(join(tmpdir(), "plan-")), "staging.json");
      const { status, stdout, stderr } = await plan("--stack", "staging", "--format", "json", "--out", out);
      expect(status).toBe(0);
      expect(stdout).toBe("");
      expect(stderr).toMatch(/^wrote .*staging\.json \(\d+ resources\)\n/);
      expect(stderr).toContain("passed: no mandatory policy is violated");
      expect(
        (JSON.parse(readFileSync(out, "utf8")) as ExportDocument).deployment.resources.length,
      ).toBeGreaterThan(30);
    },
    PLAN_MS,
  );

  it(
    "exits 2 with every config problem and no stack trace",
    async () => {
      const { status, stdout, stderr } = await processRun("invalid");
      expect(status).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain('error: Invalid config for stack "staging"');
      expect(stderr).toContain("4 problems");
      expect(stderr).toContain(
        "module6:monitoring: got nothing; a monitoring block with channels and routing",
      );
      expect(stderr).toMatch(
        /module6:region: got "asia-northeast9"; a Google Cloud region such as asia-northeast3/,
      );
      expect(stderr).toMatch(
        /module6:services\.api\.image: got "asia-northeast3-docker\.pkg\.dev\/p\/r\/api"; an image reference with an explicit tag/,
      );
      expect(stderr).toContain("module6:services.api.minInstances: got 5; at most maxInstances (2)");
      expect(stderr).not.toMatch(STACK_TRACE);
    },
    PLAN_MS,
  );

  it("exits 2 for a plain-text secret without printing it", async () => {
    const { status, stderr } = await plan(
      "--stack",
      "staging",
      "--config-file",
      "tests/fixtures/plaintext-secret.yaml",
    );
    expect(status).toBe(2);
    expect(stderr).toContain("module6:secret-session-key");
    expect(stderr).toContain("pulumi config set --secret");
    expect(stderr).not.toContain("sampleclear");
  });

  it.each([
    [["--stack", "qa"], /no config for stack "qa"/],
    [
      ["--stack", "prod", "--format", "yaml"],
      /^error: option '--format <format>' argument 'yaml' is invalid. Allowed choices are text, json, markdown.\n/,
    ],
    [
      ["--format", "json"],
      /^error: required option '--stack <name>' not specified\n\(add --help for usage\)$/,
    ],
    [["--stack", "prod", "--bogus"], /^error: unknown option '--bogus'\n/],
    [["--stak", "prod"], /^error: unknown option '--stak'\n\(Did you mean --stack\?\)\n/],
    [["--stack", "prod", "--fromat", "json"], /\(Did you mean --format\?\)/],
    [["--stack", "prod", "staging"], /^error: too many arguments/],
  ])("exits 2 on usage mistakes: %j", async (args, message) => {
    const { status, stdout, stderr } = await plan(...args);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(STACK_TRACE);
  });

  it("prints its help with the required option marked and the exit codes, exit 0", async () => {
    const { status, stdout } = await plan("--help");
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run -s plan -- \[options\]/);
    expect(stdout).toMatch(/--stack <name> +\(required\) prod, staging or feature-<slug>/);
    expect(stdout).toMatch(
      /\nExit codes:\n {2}0 +ok.*\n {2}1 +the gate or the operation failed.*\n {2}2 +a usage or config mistake.*\n {2}3 +a bug.*\n {2}130 +interrupted/,
    );
  });

  it("refuses an --out that is a directory or cannot be written before planning, exit 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-out-"));
    const toDir = await plan("--stack", "prod", "--out", dir);
    expect(toDir).toEqual({
      status: 2,
      stdout: "",
      stderr: `error: --out ${dir}: it is a directory; pass a file name such as ${dir}/plan.json`,
    });
    writeFileSync(join(dir, "file"), "");
    const under = await plan("--stack", "prod", "--policy-config-out", join(dir, "file", "p.json"));
    expect(under.status).toBe(2);
    expect(under.stderr).toBe(
      `error: --policy-config-out: cannot write ${join(dir, "file", "p.json")}: a part of the path is not a directory`,
    );
  });

  it("names npm's banner in a --policy-config written with npm run … > file, and JSON errors by line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-in-"));
    const banner = join(dir, "policy.json");
    writeFileSync(banner, "\n> module6-infra@0.1.0 plan\n> node plan/launch.cjs plan/cli.ts\n\n{}\n");
    const withBanner = await plan("--stack", "prod", "--policy-config", banner);
    expect(withBanner.status).toBe(2);
    expect(withBanner.stderr).toBe(
      `error: cannot read policy config ${banner}: it starts with npm's banner ("> module6-infra@0.1.0 plan"), ` +
        `so it was written with "npm run … > file". Write it with the command's --out <file>, or with "npm run -s …" (silent)`,
    );
    const broken = join(dir, "broken.json");
    writeFileSync(broken, '{\n  "all": "advisory",\n}\n');
    expect((await plan("--stack", "prod", "--policy-config", broken)).stderr).toBe(
      `error: cannot read policy config ${broken}: not valid JSON at line 3, column 1: Expected double-quoted property name`,
    );
    expect((await plan("--stack", "prod", "--policy-config", dir)).stderr).toBe(
      `error: cannot read policy config ${dir}: it is a directory, not a file`,
    );
  });
});
