/**
 * The pack against the peer scanners' own test cases (tests/fixtures/policies/peer): every id a policy
 * claims is measured on the scanner's translated cases; the figures are `npm run -s peer-coverage`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { allPolicies } from "../../policies/all";
import { peerSuites } from "../fixtures/policies/peer";
import { claims, measure, type Measurement } from "./peer/measure";

let m: Measurement;
beforeAll(async () => {
  m = await measure();
});

describe("peer scanner coverage", () => {
  it("translates cases for every id the pack claims, from named upstream commits", () => {
    expect(m.uncovered).toEqual([]);
    expect(m.figures.length).toBeGreaterThanOrEqual(50);
    for (const suite of peerSuites) expect(suite.commit).toMatch(/^[0-9a-f]{40}$/);
    for (const f of m.figures) expect(f.failing, f.check).toBeGreaterThan(0);
  });
  it("flags at least 95 % of each claimed check's failing cases", () => {
    const below = m.figures.filter((f) => f.recall < 0.95).map((f) => `${f.check}: ${f.caught}/${f.failing}`);
    expect(below).toEqual([]);
  });
  it("flags none of the scanners' passing cases, except the intended differences", () => {
    const fps = m.figures.flatMap((f) =>
      f.falsePositives.map((o) => `${f.check} ${o.peerCase.name}: ${o.messages.join(" | ")}`),
    );
    expect(fps).toEqual([]);
  });
  it("lists exactly these intended differences, each stated in a claiming policy's description", () => {
    const intended = m.figures.flatMap((f) => f.intended.map((o) => `${f.check} ${o.peerCase.name}`));
    expect(intended.sort()).toEqual(
      [
        "AVD-GCP-0039 test_allow_ssl_policy_minimum_tls_version_is_1_2",
        "AVD-GCP-0039 test_allow_ssl_policy_minimum_tls_version_is_1_3",
        "AVD-GCP-0039 test_allow_ssl_policy_minimum_tls_version_is_unknown",
        "AVD-GCP-0068 test_allow_with_attribute_condition",
        "CKV2_GCP_3 google_service_account_key.account_ok",
        "CKV2_GCP_5 google_project.project_good_1",
        "CKV2_GCP_5 google_project.project_good_2",
        "CKV_GCP_118 google_iam_workload_identity_pool_provider.pass",
        "CKV_GCP_12 google_container_cluster.pass",
        "CKV_GCP_18 google_container_cluster.test_success",
        "CKV_GCP_25 google_container_cluster.test_success",
      ].sort(),
    );
    const claimed = claims();
    for (const f of m.figures.filter((x) => x.intended.length > 0)) {
      const stated = (claimed.get(f.check) ?? []).some((p) =>
        new RegExp(`[Ss]tricter than [^.]*${f.check}`).test(p.description),
      );
      expect(stated, f.check).toBe(true);
    }
  });
  it("measures a policy only on the checks it claims", () => {
    const ids = new Set(allPolicies.flatMap((p) => [...p.tags, p.framework?.reference ?? ""]));
    for (const f of m.figures) expect(ids.has(f.check), f.check).toBe(true);
    const firewall = m.figures.find((f) => f.check === "CKV_GCP_2");
    expect(firewall?.policies).toEqual(["firewall-no-public-ssh"]);
  });
});
