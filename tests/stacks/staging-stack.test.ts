import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadStackConfigFile } from "../../stack-file/load";
import { parseStackConfig, splitConfigMap } from "../../stacks/config";
import { fakeMemorystore } from "../../plan/run";
import { SHARED_OUTPUT_KEYS, expectedSharedOutputs } from "../../stacks/shared-outputs";
import { countByType } from "../helpers/pulumi";
import {
  expectEveryLabelableResourceLabelled,
  expectEveryNameWithinLimits,
  expectEverythingWaitsForApis,
  expectExplicitProviders,
  planOnce,
} from "../helpers/stack";

const { plan, ofType } = planOnce("staging");

describe("staging stack: the same service levels, without paging", () => {
  it("has prod's SLOs and alerts, every one routed to a ticket channel only", () => {
    expect(ofType("gcp:monitoring/slo:Slo")).toHaveLength(9);
    const channels = ofType("gcp:monitoring/notificationChannel:NotificationChannel");
    expect(channels.map((c) => c.inputs.type)).toEqual(["email"]);
    for (const p of ofType("gcp:monitoring/alertPolicy:AlertPolicy")) {
      expect(p.inputs.notificationChannels, p.name).toEqual([channels[0]?.id]);
    }
  });

  // Point 8: feature environments' runtime accounts read staging's secrets by design.
  it("does not flag feature environments' runtime accounts or the deployer reading secrets", () => {
    const metric = ofType("gcp:logging/metric:Metric").find(
      (m) => m.inputs.name === "m6-staging-unexpected-secret-access",
    );
    const literal = /principalEmail=~("(?:[^"\\]|\\.)*")/.exec(String(metric?.inputs.filter))?.[1];
    const routine = new RegExp(JSON.parse(literal ?? '""') as string);
    for (const email of [
      "m6-f-pr-1-api@module6-staging-000000.iam.gserviceaccount.com",
      "m6-staging-api@module6-staging-000000.iam.gserviceaccount.com",
      "m6-deployer@module6-staging-000000.iam.gserviceaccount.com",
    ])
      expect(routine.test(email), email).toBe(true);
    expect(routine.test("someone@example.com")).toBe(false);
  });

  it("checks uptime every five minutes and keeps an unlocked, shorter audit archive", () => {
    for (const c of ofType("gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig"))
      expect(c.inputs.period).toBe("300s");
    const archive = ofType("gcp:storage/bucket:Bucket").find((b) => b.inputs.retentionPolicy !== undefined);
    expect(archive?.inputs.retentionPolicy).toEqual({ retentionPeriod: String(90 * 86400), isLocked: false });
  });
});

describe("staging stack (Pulumi.staging.yaml)", () => {
  it("mirrors prod, adds what feature environments need, and uses Certificate Manager", () => {
    expect(countByType(plan().resources)).toMatchObject({
      // 11 base APIs + iap (feature environments) + compute + certificatemanager + billingbudgets
      // + cloudscheduler (the backup check) + servicenetworking and redis (the data tier; no CMEK in staging)
      "gcp:projects/service:Service": 18,
      "gcp:projects/serviceIdentity:ServiceIdentity": 1,
      "gcp:cloudrunv2/service:Service": 3,
      // one per service + the backup check
      "gcp:serviceaccount/account:Account": 4,
      "gcp:firestore/database:Database": 1,
      "gcp:firestore/backupSchedule:BackupSchedule": 2,
      // + the Redis AUTH string
      "gcp:secretmanager/secret:Secret": 3,
      // a BASIC instance in the VPC, no customer-managed keys
      "gcp:redis/instance:Instance": 1,
      "gcp:compute/network:Network": 1,
      "gcp:compute/subnetwork:Subnetwork": 1,
      "gcp:artifactregistry/repository:Repository": 1,
      "gcp:compute/backendService:BackendService": 3,
      "gcp:certificatemanager/dnsAuthorization:DnsAuthorization": 1,
      "gcp:certificatemanager/certificate:Certificate": 1,
      "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry": 1,
    });
    expect(ofType("gcp:compute/managedSslCertificate:ManagedSslCertificate")).toHaveLength(0);
    expect(ofType("gcp:projects/service:Service").map((s) => s.inputs.service)).toEqual(
      expect.arrayContaining([
        "iap.googleapis.com",
        "compute.googleapis.com",
        "certificatemanager.googleapis.com",
      ]),
    );
    expect(ofType("gcp:projects/serviceIdentity:ServiceIdentity")[0]?.inputs.service).toBe(
      "iap.googleapis.com",
    );
  });

  it("scales to zero, stays LB-only, and rolls WAF rules out in preview at half the log sampling", () => {
    for (const run of ofType("gcp:cloudrunv2/service:Service")) {
      expect(run.inputs).toMatchObject({
        ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
        defaultUriDisabled: false,
        iapEnabled: false,
        deletionProtection: true,
        template: { scaling: { minInstanceCount: 0 } },
      });
    }
    const rules = ofType("gcp:compute/securityPolicy:SecurityPolicy").find(
      (p) => p.inputs.type === "CLOUD_ARMOR",
    )?.inputs.rules as {
      description: string;
      preview?: boolean;
    }[];
    expect(rules.filter((r) => r.description.startsWith("WAF")).every((r) => r.preview === true)).toBe(true);
    expect(rules.find((r) => r.description === "Default rule")?.preview).toBeFalsy();
    for (const backend of ofType("gcp:compute/backendService:BackendService")) {
      expect(backend.inputs.logConfig).toEqual({ enable: true, sampleRate: 0.5 });
    }
  });

  it("protects its stateful resources like prod", () => {
    const [db] = ofType("gcp:firestore/database:Database");
    expect(db?.protect).toBe(true);
    expect(db?.inputs.deleteProtectionState).toBe("DELETE_PROTECTION_ENABLED");
    for (const secret of ofType("gcp:secretmanager/secret:Secret")) {
      expect(secret.inputs.deletionProtection).toBe(true);
      expect(secret.protect).toBe(true);
    }
  });

  it("exports exactly what feature stacks are promised (the offline plan answers their StackReference with it)", () => {
    const loaded = loadStackConfigFile("staging", resolve(__dirname, "../.."));
    const cfg = parseStackConfig(splitConfigMap("staging", loaded.config));
    // Host and CA exist only once Memorystore made the instance: the plan answers them as its mocks do.
    const promised = expectedSharedOutputs(cfg, fakeMemorystore(cfg.gcpProject, cfg.region));
    expect(promised.cache?.authSecretId).toBe(
      "projects/module6-staging-000000/secrets/m6-staging-cache-auth",
    );
    for (const key of SHARED_OUTPUT_KEYS) expect(plan().outputs[key], key).toEqual(promised[key]);
  });

  it("labels every labelable resource, keeps names within limits, uses the explicit provider and waits for the APIs", () => {
    // edge (with the static site's edge policy) + environment, then monitoring (+ the backup check's job)
    // + the data tier: 4 cache alerts, the Redis instance, its AUTH secret, the private services range
    expect(expectEveryLabelableResourceLabelled(plan().resources)).toBe(19 + 60 + 1 + (4 + 1 + 1 + 1));
    // + the edge policy and the signed-URL key, and the backup check's account
    // + the Redis AUTH secret
    expect(expectEveryNameWithinLimits(plan().resources)).toBe(18 + 2 + 1 + 1);
    expectExplicitProviders(plan().resources, "staging");
    expect(expectEverythingWaitsForApis(plan().resources)).toBeGreaterThan(50);
  });
});
