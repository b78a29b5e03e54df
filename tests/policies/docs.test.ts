import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allPolicies } from "../../policies/all";
import { DOC_PATH, README_PATH, expectedDoc, frameworkIds, policyTable } from "../../policies/table";

describe("docs/policies.md", () => {
  it("holds the policy table generated from the code (node --import tsx policies/table.ts --write)", async () => {
    const current = readFileSync(DOC_PATH, "utf8");
    expect(current).toBe(await expectedDoc(current));
  });
  it("is repeated in README.md, generated from the code as well", async () => {
    const readme = readFileSync(README_PATH, "utf8");
    expect(readme).toBe(await expectedDoc(readme, README_PATH));
  });
  it("documents how to run the pack with the CLI, in CI and offline", () => {
    const doc = readFileSync(DOC_PATH, "utf8");
    expect(doc).toContain("pulumi preview --stack prod --policy-pack policies");
    expect(doc).toContain("(cd policies && npm ci)");
    expect(doc).toContain("policyPacks: policies");
    expect(doc).toContain("npm run audit -- prod.json --format sarif");
  });
  it("lists every policy with its level and framework ids", () => {
    const table = policyTable();
    for (const p of allPolicies) expect(table).toContain(`| \`${p.name}\` | ${p.domain} | ${p.kind} |`);
    const ssl = allPolicies.find((p) => p.name === "ssl-policy-modern-tls");
    expect(ssl && frameworkIds(ssl)).toBe("CIS 2.0.0 3.9, CKV_GCP_4, AVD-GCP-0039");
  });
});
