/**
 * The diff of two small synthetic plans: each operation, replacement by a forcing field, alias matching,
 * option changes, the data-loss gate and its acknowledgement, secrets never shown, long values cut around
 * the change, and the counts.
 */
import { describe, expect, it } from "vitest";
import { collapseAlias } from "../../plan/diff/aliases";
import { canonicalUrn, comparePlans, type PlanDiff } from "../../plan/review-compare";
import { alignBaseStack } from "../../plan/review-cross-stack";
import { baseInputsOf, dataLossGate } from "../../plan/review-gate";
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from "../../plan/review-render";
import { countDiff, summaryLine } from "../../plan/review-summary";
import { showPair } from "../../plan/review-values";
import type { ExportResource } from "../../plan/render-json";
import * as rpc from "@pulumi/pulumi/runtime/rpc";

const P = "urn:pulumi:prod::module6::";
const PROVIDER = `${P}pulumi:providers:gcp::gcp::provider-id`;
const ENV = `${P}module6:stack:Environment::env`;
const DATA = `${P}module6:stack:Environment$module6:data:Firestore::env-firestore`;

function res(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  more: Partial<ExportResource> = {},
) {
  const parent = more.parent ?? DATA;
  const parentType = parent.split("::")[2]?.split("$").pop() ?? "";
  return {
    urn: `${P}${parentType}$${type}::${name}`,
    type,
    custom: true,
    parent,
    provider: PROVIDER,
    inputs,
    outputs: {},
    ...more,
  } satisfies ExportResource;
}

const components: ExportResource[] = [
  { urn: ENV, type: "module6:stack:Environment", custom: false, inputs: {}, outputs: {} },
  { urn: DATA, type: "module6:data:Firestore", custom: false, parent: ENV, inputs: {}, outputs: {} },
];
const db = (name: string, more: Partial<ExportResource> = {}) =>
  res(
    "gcp:firestore/database:Database",
    "env-firestore",
    { name, locationId: "asia-northeast3", project: "p" },
    {
      protect: true,
      ...more,
    },
  );
const index = (fields: string[]) =>
  res("gcp:firestore/index:Index", "env-firestore-orders", {
    collection: "orders",
    fields: fields.map((f) => ({ fieldPath: f, order: "ASCENDING" })),
  });
const schedule = (retention: string) =>
  res("gcp:firestore/backupSchedule:BackupSchedule", "env-firestore-daily", {
    retention,
    dailyRecurrence: {},
  });

function diffOf(base: ExportResource[], cur: ExportResource[]): PlanDiff {
  return comparePlans([...components, ...base], [...components, ...cur], {
    stack: "prod",
    baseStack: "prod",
  });
}
const op = (d: PlanDiff, name: string) => d.resources.find((r) => r.name === name)?.op;

describe("comparePlans", () => {
  it("identical plans: everything unchanged", () => {
    const d = diffOf([db("m6-prod-main"), schedule("604800s")], [db("m6-prod-main"), schedule("604800s")]);
    expect(d.resources.map((r) => r.op)).toEqual(["unchanged", "unchanged", "unchanged", "unchanged"]);
    expect(summaryLine(countDiff(d))).toBe(
      "Resources: + 0 to create, ~ 0 to update, +-0 to replace, - 0 to delete, 2 unchanged",
    );
  });

  it("create, update, replace and delete, each with its fields", () => {
    const d = diffOf(
      [db("m6-prod-main"), schedule("604800s"), index(["a"])],
      [
        db("m6-prod-main2"),
        schedule("1209600s"),
        res("gcp:firestore/field:Field", "env-firestore-ttl", { field: "expireAt" }),
      ],
    );
    expect(op(d, "env-firestore-ttl")).toBe("create");
    expect(op(d, "env-firestore-orders")).toBe("delete");
    expect(op(d, "env-firestore-daily")).toBe("update");
    const database = d.resources.find((r) => r.name === "env-firestore" && r.custom);
    // terraform-provider-google-beta: google_firestore_database.name is immutable (ForceNew).
    expect(database).toMatchObject({ op: "replace", replacingFields: ["name"], changedPaths: ["name"] });
    const daily = d.resources.find((r) => r.name === "env-firestore-daily");
    expect(daily?.changes).toEqual([
      { path: "retention", kind: "changed", before: "604800s", after: "1209600s" },
    ]);
    expect(summaryLine(countDiff(d))).toBe(
      "Resources: + 1 to create, ~ 1 to update, +-1 to replace, - 1 to delete, 0 unchanged",
    );
  });

  it("a change inside a force-new block element replaces; a resource deleted with a replaced one is replaced", () => {
    const d = diffOf(
      [
        index(["a", "b"]),
        res("gcp:firestore/field:Field", "env-firestore-ttl", { field: "x" }, { deletedWith: index([]).urn }),
      ],
      [
        index(["a", "c"]),
        res("gcp:firestore/field:Field", "env-firestore-ttl", { field: "x" }, { deletedWith: index([]).urn }),
      ],
    );
    expect(d.resources.find((r) => r.name === "env-firestore-orders")).toMatchObject({
      op: "replace",
      replacingFields: ["fields[].fieldPath"],
    });
    expect(d.resources.find((r) => r.name === "env-firestore-ttl")).toMatchObject({
      op: "replace",
      replacingFields: ["deletedWith"],
    });
  });

  it("a conditional force-new field is 'may replace', and the gate holds it for a stateful resource", () => {
    const bucket = (locked: boolean) =>
      res("gcp:storage/bucket:Bucket", "env-logging-archive", {
        name: "m6-prod-audit-logs-1a2b",
        retentionPolicy: { isLocked: locked, retentionPeriod: 31536000 },
      });
    const d = diffOf([bucket(false)], [bucket(true)]);
    const b = d.resources.find((r) => r.name === "env-logging-archive");
    // customdiff.ForceNewIfChange("retention_policy.0.is_locked", …) in resource_storage_bucket.go
    expect(b).toMatchObject({ op: "update", mayReplaceFields: ["retentionPolicy.isLocked"] });
    const [finding] = dataLossGate(d.resources, []);
    expect(finding).toMatchObject({ op: "may replace", name: "env-logging-archive", acknowledged: false });
    expect(finding?.dataAtRisk).toContain("audit-log archive");
  });

  it("option changes: protect, retainOnDelete, ignoreChanges, deletedWith, provider, parent", () => {
    const other = `${P}module6:stack:Environment$module6:data:Other::env-other`;
    const base = db("m6", {});
    const cur = {
      ...db("m6", {}),
      protect: false,
      retainOnDelete: true,
      ignoreChanges: ["labels"],
      deletedWith: DATA,
      provider: `${P}pulumi:providers:gcp::gcp-eu::other-id`,
      parent: other,
      urn: `${P}module6:data:Other$gcp:firestore/database:Database::env-firestore`,
      aliases: [base.urn],
    };
    const d = diffOf(
      [base],
      [{ urn: other, type: "module6:data:Other", custom: false, parent: ENV, inputs: {}, outputs: {} }, cur],
    );
    const r = d.resources.find((x) => x.type === "gcp:firestore/database:Database");
    expect(r?.matchedBy).toBe("alias");
    expect(r?.options.map((o) => o.option)).toEqual([
      "protect",
      "retainOnDelete",
      "deletedWith",
      "ignoreChanges",
      "provider",
      "parent",
    ]);
    expect(r?.op).toBe("update");
    // Another provider instance: its DiffConfig decides (pulumi/pulumi stepGenerator.providerChanged).
    expect(r?.mayReplaceFields).toEqual(["provider"]);
  });

  it("a type the table does not know is assumed to update, and says so", () => {
    const d = diffOf(
      [res("gcp:example/thing:Thing", "t", { a: 1 })],
      [res("gcp:example/thing:Thing", "t", { a: 2 })],
    );
    expect(d.resources.find((r) => r.name === "t")).toMatchObject({ op: "update" });
    expect(d.resources.find((r) => r.name === "t")?.note).toContain("not in the replacement table");
  });
});

describe("aliases", () => {
  it("collapses an alias spec as the engine does (name only: same type, same parent)", () => {
    const parent = `${P}module6:stack:Environment$module6:edge:HttpsLoadBalancer::env-edge`;
    const self = {
      name: "env-edge-cert-a",
      type: "gcp:certificatemanager/certificate:Certificate",
      parent,
      project: "module6",
      stack: "prod",
    };
    expect(
      collapseAlias(self, {
        name: "env-edge-cert",
        type: "",
        stack: "",
        project: "",
        parentUrn: parent,
        noParent: false,
      }),
    ).toBe(
      `${P}module6:stack:Environment$module6:edge:HttpsLoadBalancer$gcp:certificatemanager/certificate:Certificate::env-edge-cert`,
    );
    expect(collapseAlias(self, { name: "", type: "", stack: "", project: "", noParent: true })).toBe(
      `${P}gcp:certificatemanager/certificate:Certificate::env-edge-cert-a`,
    );
  });

  it("a renamed resource with an alias to its old name is matched, not deleted and created", () => {
    const old = res("gcp:firestore/index:Index", "env-firestore-old", { collection: "orders" });
    const renamed = res(
      "gcp:firestore/index:Index",
      "env-firestore-new",
      { collection: "orders" },
      { aliases: [old.urn] },
    );
    const d = diffOf([old], [renamed]);
    const custom = d.resources.filter((r) => r.custom);
    expect(custom).toHaveLength(1);
    expect(custom[0]).toMatchObject({ op: "unchanged", matchedBy: "alias", baseUrn: old.urn });
    // Without the alias: a delete and a create.
    const plain = diffOf([old], [{ ...renamed, aliases: [] }]);
    expect(
      plain.resources
        .filter((r) => r.custom)
        .map((r) => r.op)
        .sort(),
    ).toEqual(["create", "delete"]);
  });

  it("children of a parent renamed through an alias follow it (the engine's inherited child alias)", () => {
    const oldParent = `${P}module6:stack:Environment$module6:data:Firestore::env-db`;
    const oldChild = res(
      "gcp:firestore/index:Index",
      "env-db-orders",
      { collection: "orders" },
      { parent: oldParent },
    );
    const newChild = res("gcp:firestore/index:Index", "env-firestore-orders", { collection: "orders" });
    const d = comparePlans(
      [
        components[0] as ExportResource,
        {
          urn: oldParent,
          type: "module6:data:Firestore",
          custom: false,
          parent: ENV,
          inputs: {},
          outputs: {},
        },
        oldChild,
      ],
      [
        components[0] as ExportResource,
        { ...(components[1] as ExportResource), aliases: [oldParent] },
        newChild,
      ],
      { stack: "prod", baseStack: "prod" },
    );
    expect(d.resources.map((r) => `${r.name}:${r.op}`)).toEqual([
      "env:unchanged",
      "env-firestore:unchanged",
      "env-firestore-orders:unchanged",
    ]);
  });

  it("mock URNs (parent's last type) and engine URNs (the whole type chain) compare equal", () => {
    expect(
      canonicalUrn(`${P}module6:stack:Environment$module6:data:Firestore$gcp:firestore/index:Index::x`),
    ).toBe(canonicalUrn(`${P}module6:data:Firestore$gcp:firestore/index:Index::x`));
  });
});

describe("the data-loss gate", () => {
  const renamed = () => diffOf([db("m6-prod-main")], [db("m6-prod-other")]);

  it("fails a replaced protected database, naming the resource, the field and the data at risk", () => {
    const findings = dataLossGate(renamed().resources, []);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      name: "env-firestore",
      op: "replace",
      fields: ["name"],
      protect: true,
      acknowledged: false,
    });
    expect(findings[0]?.dataAtRisk).toContain("every document");
  });

  it("is acknowledged by logical name or URN", () => {
    const d = renamed();
    expect(dataLossGate(d.resources, ["env-firestore"])[0]?.acknowledged).toBe(true);
    expect(dataLossGate(d.resources, [db("x").urn])[0]?.acknowledged).toBe(true);
    expect(dataLossGate(d.resources, ["env-other"])[0]?.acknowledged).toBe(false);
  });

  it("holds a deleted bucket and secret, not a deleted index", () => {
    const d = diffOf(
      [
        res("gcp:storage/bucket:Bucket", "b", { name: "b" }),
        res("gcp:secretmanager/secret:Secret", "s", { secretId: "s" }),
        index(["a"]),
      ],
      [],
    );
    expect(dataLossGate(d.resources, []).map((f) => `${f.op}:${f.name}`)).toEqual(["delete:b", "delete:s"]);
  });

  it("says what a repository loses by what it is deployed as: images, a cache, or nothing of its own", () => {
    const repo = (name: string, mode: string) =>
      res("gcp:artifactregistry/repository:Repository", name, { repositoryId: name, format: "DOCKER", mode });
    const base = [
      repo("containers", "STANDARD_REPOSITORY"),
      repo("dockerhub-mirror", "REMOTE_REPOSITORY"),
      repo("all-images", "VIRTUAL_REPOSITORY"),
    ];
    const d = diffOf(base, []);
    const risk = Object.fromEntries(
      dataLossGate(d.resources, [], baseInputsOf(base)).map((f) => [f.name, f.dataAtRisk]),
    );
    expect(risk).toEqual({
      containers: "every image in the repository (and with them the releases to roll back to)",
      "dockerhub-mirror": expect.stringContaining("cached copies of the upstream's images") as string,
      "all-images": expect.stringContaining("nothing stored") as string,
    });
    // Without the base's inputs, every repository is taken to hold images.
    expect(dataLossGate(d.resources, []).every((f) => f.dataAtRisk.startsWith("every image"))).toBe(true);
  });

  it("holds a Redis instance whose customer-managed key changes (CMEK is fixed at creation), even unprotected", () => {
    const redis = (key: string | undefined) =>
      res("gcp:redis/instance:Instance", "project-redis", {
        name: "m6-prod-cache",
        tier: "STANDARD_HA",
        ...(key ? { customerManagedKey: key } : {}),
      });
    const d = diffOf([redis(undefined)], [redis("projects/p/locations/r/keyRings/k/cryptoKeys/redis")]);
    const findings = dataLossGate(d.resources, []);
    expect(findings.map((f) => [f.op, f.name, f.fields])).toEqual([
      ["replace", "project-redis", ["customerManagedKey"]],
    ]);
    expect(findings[0]?.dataAtRisk).toContain("every key in the Redis instance");
  });

  it("the text names the resource, the fields and the data at risk", () => {
    const d = renamed();
    const text = renderDiffText({
      diff: d,
      base: "base.json",
      gate: dataLossGate(d.resources, []),
      violations: { introduced: [], existing: [] },
    });
    expect(text).toContain(
      'gcp:firestore/database:Database "env-firestore" would be replaced (by a change of name): data at risk: every document',
    );
    expect(text.split("\n")).toContain(
      "+-    └─ gcp:firestore/database:Database  env-firestore  replace (name); PROTECTED",
    );
    expect(text).toContain('~ name: "m6-prod-main" → "m6-prod-other"  (forces replacement)');
  });
});

describe("values as shown", () => {
  it("never shows a secret, on either side, in any output", () => {
    // A real export's secret (the wire signature with its plaintext) in the base, the plan's marker now.
    const secret = {
      [rpc.specialSigKey]: rpc.specialSecretSig,
      plaintext: '"sampleclear"',
    };
    const version = (data: unknown, enabled: boolean) =>
      res("gcp:secretmanager/secretVersion:SecretVersion", "v", { secretData: data, enabled });
    const d = diffOf(
      [version(secret, true), res("gcp:example/x:X", "x", { token: "[secret]" })],
      [version("[secret]", false), res("gcp:example/x:X", "x", { token: "plain-now" })],
    );
    const report = { diff: d, base: "b", gate: [], violations: { introduced: [], existing: [] } };
    for (const out of [
      renderDiffText(report),
      renderDiffMarkdown(report),
      JSON.stringify(renderDiffJson(report)),
    ]) {
      expect(out).not.toContain("sampleclear");
      expect(out).not.toContain("plain-now");
    }
    expect(renderDiffText(report)).toContain("~ token: [secret] → [secret]");
    expect(showPair("[secret]", "x")).toEqual(["[secret]", "[secret]"]);
  });

  it("cuts long values in the middle, keeping the changed part", () => {
    const a = `projects/p/locations/asia-northeast3/keyRings/ring/cryptoKeys/${"k".repeat(60)}-v1-${"z".repeat(60)}`;
    const b = a.replace("-v1-", "-v2-");
    const [x, y] = showPair(a, b);
    expect(x).toContain("-v1-");
    expect(y).toContain("-v2-");
    expect(x.startsWith("…")).toBe(true);
    expect(x.endsWith("…")).toBe(true);
    expect(x.length).toBeLessThan(a.length);
  });
});

describe("two stacks compared", () => {
  it("reads the base's project id and stack name as the current stack's", () => {
    const prod = [
      {
        urn: `${P}pulumi:providers:gcp::gcp`,
        type: "pulumi:providers:gcp",
        custom: true,
        inputs: { project: "m-prod-1" },
        outputs: {},
      },
      res("gcp:firestore/database:Database", "env-firestore", {
        name: "m6-prod-main",
        project: "m-prod-1",
        note: "production",
      }),
    ];
    const staging = [
      {
        urn: "urn:pulumi:staging::module6::pulumi:providers:gcp::gcp",
        type: "pulumi:providers:gcp",
        custom: true,
        inputs: { project: "m-staging-1" },
        outputs: {},
      },
    ];
    const aligned = alignBaseStack(prod, staging, { baseStack: "prod", stack: "staging" });
    expect(aligned.resources[1]?.inputs).toEqual({
      name: "m6-staging-main",
      project: "m-staging-1",
      note: "production",
    });
    expect(aligned.note).toContain("gate is off");
  });
});
