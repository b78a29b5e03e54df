import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { OFFLINE_SECRET_VALUE } from "../../plan/config-file";
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
  plan = await runPlan({ stack: "prod", root: resolve(__dirname, "../..") });
});

describe("prod stack (Pulumi.prod.yaml)", () => {
  it("contains the project singletons and one identity and Cloud Run service per configured service", () => {
    expect(countByType(plan.resources)).toEqual({
      "pulumi:providers:gcp": 1,
      "pulumi:providers:random": 1,
      "gcp:projects/service:Service": 11,
      "gcp:artifactregistry/repository:Repository": 1,
      "gcp:secretmanager/secret:Secret": 2,
      "gcp:secretmanager/secretVersion:SecretVersion": 2,
      "gcp:secretmanager/secretIamMember:SecretIamMember": 2,
      "gcp:firestore/database:Database": 1,
      "gcp:firestore/backupSchedule:BackupSchedule": 2,
      "gcp:firestore/index:Index": 1,
      "gcp:firestore/field:Field": 1,
      "gcp:serviceaccount/account:Account": 3,
      // 3 telemetry roles per service + Firestore read/write for api and ai (conditional on the database)
      "gcp:projects/iAMMember:IAMMember": 11,
      "gcp:cloudrunv2/service:Service": 3,
    });
  });

  it("keeps services behind the load balancer with the run.app URL disabled and deletion protection on", () => {
    for (const run of ofType("gcp:cloudrunv2/service:Service")) {
      expect(run.inputs).toMatchObject({
        ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
        defaultUriDisabled: true,
        iapEnabled: false,
        deletionProtection: true,
      });
    }
    expect(ofType("gcp:cloudrunv2/serviceIamMember:ServiceIamMember")).toHaveLength(0);
  });

  it("protects Firestore twice and schedules daily and weekly backups", () => {
    const [db] = ofType("gcp:firestore/database:Database");
    expect(db?.protect).toBe(true);
    expect(db?.inputs).toMatchObject({
      deleteProtectionState: "DELETE_PROTECTION_ENABLED",
      pointInTimeRecoveryEnablement: "POINT_IN_TIME_RECOVERY_ENABLED",
      deletionPolicy: "ABANDON",
    });
    const retention = ofType("gcp:firestore/backupSchedule:BackupSchedule").map((b) => b.inputs.retention);
    expect(retention.sort()).toEqual([`${7 * 86400}s`, `${14 * 7 * 86400}s`].sort());
  });

  it("grants each runtime account secretAccessor only on the secrets it mounts", () => {
    const grants = ofType("gcp:secretmanager/secretIamMember:SecretIamMember").map((g) => [
      g.inputs.secretId,
      g.inputs.member,
    ]);
    expect(grants).toEqual(
      expect.arrayContaining([
        [
          "projects/module6-prod-000000/secrets/m6-prod-session-key",
          "serviceAccount:m6-prod-api@module6-prod-000000.iam.gserviceaccount.com",
        ],
        [
          "projects/module6-prod-000000/secrets/m6-prod-ai-api-key",
          "serviceAccount:m6-prod-ai@module6-prod-000000.iam.gserviceaccount.com",
        ],
      ]),
    );
    const projectRoles = ofType("gcp:projects/iAMMember:IAMMember").map((m) => m.inputs.role);
    expect(projectRoles).not.toContain("roles/secretmanager.secretAccessor");
    expect(projectRoles.filter((r) => /roles\/(owner|editor|viewer)$/.test(String(r)))).toEqual([]);
  });

  it("labels every labelable resource, keeps every name within its limit and uses the explicit provider", () => {
    expect(expectEveryLabelableResourceLabelled(plan.resources)).toBeGreaterThanOrEqual(6);
    expect(expectEveryNameWithinLimits(plan.resources)).toBe(10);
    expectExplicitProviders(plan.resources, "prod");
  });

  it("never records a secret value and exports the documented outputs", () => {
    const text = JSON.stringify(plan);
    expect(text).not.toContain(OFFLINE_SECRET_VALUE);
    expect(text).not.toContain("placeholder-set-with");
    expect(ofType("gcp:secretmanager/secretVersion:SecretVersion").map((v) => v.inputs.secretData)).toEqual([
      "[secret]",
      "[secret]",
    ]);
    expect(Object.keys(plan.outputs).sort()).toEqual(
      [
        "artifactRepository",
        "environment",
        "firestoreDatabase",
        "secretIds",
        "serviceAccounts",
        "serviceUrls",
      ].sort(),
    );
    expect(plan.outputs.serviceAccounts).toEqual({
      web: "m6-prod-web@module6-prod-000000.iam.gserviceaccount.com",
      api: "m6-prod-api@module6-prod-000000.iam.gserviceaccount.com",
      ai: "m6-prod-ai@module6-prod-000000.iam.gserviceaccount.com",
    });
  });
});
