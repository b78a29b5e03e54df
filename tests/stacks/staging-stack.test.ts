import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../plan/record";
import { runPlan, type PlanResult } from "../../plan/run";
import { countByType, resourcesOfType } from "../helpers/pulumi";
import {
  expectEveryLabelableResourceLabelled,
  expectEveryNameWithinLimits,
  expectExplicitProviders,
} from "../helpers/stack";

let plan: PlanResult;
const ofType = (type: string): RecordedResource[] => resourcesOfType(plan.resources, type);

beforeAll(async () => {
  plan = await runPlan({ stack: "staging", root: resolve(__dirname, "../..") });
});

describe("staging stack (Pulumi.staging.yaml)", () => {
  it("mirrors prod and adds the IAP API and service agent that feature environments need", () => {
    const counts = countByType(plan.resources);
    expect(counts).toMatchObject({
      "gcp:projects/service:Service": 12,
      "gcp:projects/serviceIdentity:ServiceIdentity": 1,
      "gcp:cloudrunv2/service:Service": 3,
      "gcp:serviceaccount/account:Account": 3,
      "gcp:firestore/database:Database": 1,
      "gcp:firestore/backupSchedule:BackupSchedule": 2,
      "gcp:secretmanager/secret:Secret": 2,
      "gcp:artifactregistry/repository:Repository": 1,
    });
    expect(ofType("gcp:projects/service:Service").map((s) => s.inputs.service)).toContain(
      "iap.googleapis.com",
    );
    expect(ofType("gcp:projects/serviceIdentity:ServiceIdentity")[0]?.inputs.service).toBe(
      "iap.googleapis.com",
    );
  });

  it("scales to zero by default, keeps the run.app URL (no IAP) and stays LB-only", () => {
    for (const run of ofType("gcp:cloudrunv2/service:Service")) {
      expect(run.inputs).toMatchObject({
        ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
        defaultUriDisabled: false,
        iapEnabled: false,
        deletionProtection: true,
        template: { scaling: { minInstanceCount: 0 } },
      });
    }
  });

  it("protects its stateful resources like prod", () => {
    const [db] = ofType("gcp:firestore/database:Database");
    expect(db?.protect).toBe(true);
    expect(db?.inputs.deleteProtectionState).toBe("DELETE_PROTECTION_ENABLED");
    for (const secret of ofType("gcp:secretmanager/secret:Secret"))
      expect(secret.inputs.deletionProtection).toBe(true);
  });

  it("exports what feature stacks read", () => {
    expect(plan.outputs).toMatchObject({
      artifactRepository: "asia-northeast3-docker.pkg.dev/module6-staging-000000/m6-staging-containers",
      secretIds: {
        "session-key": "projects/module6-staging-000000/secrets/m6-staging-session-key",
        "ai-api-key": "projects/module6-staging-000000/secrets/m6-staging-ai-api-key",
      },
    });
    expect(plan.outputs.iapServiceAgentEmail).toMatch(/@gcp-sa-iap\.iam\.gserviceaccount\.com$/);
  });

  it("labels every labelable resource, keeps names within limits and uses the explicit provider", () => {
    expect(expectEveryLabelableResourceLabelled(plan.resources)).toBeGreaterThanOrEqual(6);
    expect(expectEveryNameWithinLimits(plan.resources)).toBe(10);
    expectExplicitProviders(plan.resources, "staging");
  });
});
