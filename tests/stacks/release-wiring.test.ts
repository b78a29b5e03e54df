import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import type { RecordedResource } from "../../plan/record";
import type { PlanResult } from "../../plan/run";
import { PLAN_WAIT_MS, planOf } from "../helpers/shared-plans";

const ROOT = resolve(__dirname, "../..");
const CANDIDATE = "asia-northeast3-docker.pkg.dev/module6-prod-000000/m6-prod-containers/api:2.3.0";
let plan: PlanResult;

beforeAll(async () => {
  // Pulumi.prod.yaml with the release record `npm run ops -- release start --strategy canary --percent 10` writes.
  const doc = parse(readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  doc.config["module6:releases"] = {
    api: {
      image: CANDIDATE,
      strategy: "canary",
      state: "started",
      percent: 10,
      tag: "canary",
      stableRevisions: {
        "asia-northeast3": "m6-prod-api-00041-abc",
        "asia-northeast1": "m6-prod-api-00017-xyz",
      },
    },
  };
  const file = join(mkdtempSync(join(tmpdir(), "release-")), "Pulumi.prod.yaml");
  writeFileSync(file, stringify(doc));
  plan = await planOf("prod", { configFile: file });
}, PLAN_WAIT_MS);

const api = (): RecordedResource[] =>
  plan.resources.filter(
    (r) => r.type === "gcp:cloudrunv2/service:Service" && r.inputs.name === "m6-prod-api",
  );

describe("a release in the program's config", () => {
  it("runs the candidate image with 10 % under the canary tag and 90 % on the stable revision, in every region", () => {
    const byRegion: Record<string, Record<string, unknown>> = Object.fromEntries(
      api().map((r) => [String(r.inputs.location), r.inputs]),
    );
    expect(Object.keys(byRegion).sort()).toEqual(["asia-northeast1", "asia-northeast3"]);
    expect(byRegion["asia-northeast3"]?.traffics).toEqual([
      { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 10, tag: "canary" },
      { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: "m6-prod-api-00041-abc", percent: 90 },
    ]);
    expect(byRegion["asia-northeast1"]?.traffics).toContainEqual({
      type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION",
      revision: "m6-prod-api-00017-xyz",
      percent: 90,
    });
    for (const inputs of Object.values(byRegion)) {
      expect((inputs.template as { containers: { image: string }[] }).containers[0]?.image).toBe(CANDIDATE);
    }
  });

  it("leaves the other services on 100 % latest and exports the rollback target", () => {
    const web = plan.resources.find(
      (r) => r.type === "gcp:cloudrunv2/service:Service" && r.inputs.name === "m6-prod-web",
    );
    expect(web?.inputs.traffics).toEqual([{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }]);
    const revisions = plan.outputs.revisions as Record<string, Record<string, { previousRevision?: string }>>;
    expect(revisions.api?.["asia-northeast3"]?.previousRevision).toBe("m6-prod-api-00041-abc");
    expect(revisions.web?.["asia-northeast3"]?.previousRevision).toBeUndefined();
  });
});
