import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allPolicies } from "../../policies/all";
import { resolve } from "node:path";
import {
  DOC_PATH,
  TABLE_FILES,
  expectedDoc,
  frameworkIds,
  policyCounts,
  policyTable,
} from "../../policies/table";

const README = resolve(__dirname, "../../README.md");

describe("docs/policies.md", () => {
  it("holds the policy table generated from the code (node --import tsx policies/table.ts --write)", async () => {
    const current = readFileSync(DOC_PATH, "utf8");
    expect(current).toBe(await expectedDoc(current));
  });
  it("is the only place of the table: the README states the counts and links here", () => {
    expect(TABLE_FILES).toEqual([DOC_PATH]);
    const readme = readFileSync(README, "utf8");
    expect(readme).not.toContain("policy-table:start");
    expect(readme).not.toContain("| `cloud-run-ingress-restricted` |");
    expect(readme).toContain(policyCounts());
    expect(readme).toContain("[docs/policies.md](docs/policies.md)");
  });
  it("documents how to run the pack with the CLI, in CI and offline", () => {
    const doc = readFileSync(DOC_PATH, "utf8");
    expect(doc).toContain("pulumi preview --stack prod --policy-pack policies");
    expect(doc).toContain("(cd policies && npm ci)");
    expect(doc).toContain("policyPacks: policies");
    expect(doc).toContain("npm run -s audit -- prod.json --format sarif --out policy.sarif");
  });
  it("lists every policy with its level and framework ids", () => {
    const table = policyTable();
    for (const p of allPolicies) expect(table).toContain(`| \`${p.name}\` | ${p.domain} | ${p.kind} |`);
    const ssl = allPolicies.find((p) => p.name === "ssl-policy-modern-tls");
    expect(ssl && frameworkIds(ssl)).toBe("CIS 2.0.0 3.9, CKV_GCP_4, AVD-GCP-0039");
  });
});
