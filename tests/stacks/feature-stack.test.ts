import { describe, expect, it } from "vitest";
import { countByType } from "../helpers/pulumi";
import {
  expectEveryLabelableResourceLabelled,
  expectEveryNameWithinLimits,
  expectExplicitProviders,
  longestWait,
  planOnce,
  privateEgress,
  runTemplate,
} from "../helpers/stack";

const STACK = "feature-pr-123";
// No Pulumi.feature-pr-123.yaml exists: the config is derived from staging's stack file.
const { plan, ofType } = planOnce(STACK);

describe("feature stack (derived from Pulumi.staging.yaml)", () => {
  it("owns no project singletons, no secrets and no backups; reads staging through a StackReference", () => {
    const counts = countByType(plan().resources);
    for (const type of [
      "gcp:projects/service:Service",
      "gcp:artifactregistry/repository:Repository",
      "gcp:secretmanager/secret:Secret",
      "gcp:secretmanager/secretVersion:SecretVersion",
      "gcp:firestore/backupSchedule:BackupSchedule",
      "gcp:projects/serviceIdentity:ServiceIdentity",
      // no edge: no load balancer, certificates, Cloud Armor or CDN
      "gcp:compute/globalForwardingRule:GlobalForwardingRule",
      "gcp:compute/backendService:BackendService",
      "gcp:compute/securityPolicy:SecurityPolicy",
      "gcp:compute/managedSslCertificate:ManagedSslCertificate",
      "gcp:certificatemanager/certificate:Certificate",
      "gcp:storage/bucket:Bucket",
      // no monitoring: no SLOs, alerts, uptime checks, channels, log sinks or budget
      "gcp:monitoring/slo:Slo",
      "gcp:monitoring/alertPolicy:AlertPolicy",
      "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig",
      "gcp:monitoring/notificationChannel:NotificationChannel",
      "gcp:logging/projectSink:ProjectSink",
      "gcp:billing/budget:Budget",
    ]) {
      expect(counts[type], type).toBeUndefined();
    }
    expect(counts["gcp:cloudrunv2/service:Service"]).toBe(3);
    const [ref] = ofType("pulumi:pulumi:StackReference");
    expect(ref?.inputs.name).toBe("organization/module6/staging");
  });

  it("runs private, scale-to-zero services behind IAP open to the reviewers", () => {
    for (const run of ofType("gcp:cloudrunv2/service:Service")) {
      expect(run.inputs.name).toMatch(/^m6-f-pr-123-/);
      expect(run.inputs).toMatchObject({
        ingress: "INGRESS_TRAFFIC_ALL",
        iapEnabled: true,
        deletionProtection: false,
        template: { scaling: { minInstanceCount: 0, maxInstanceCount: 2 } },
      });
    }
    const access = ofType("gcp:iap/webCloudRunServiceIamMember:WebCloudRunServiceIamMember");
    expect(access.map((a) => a.inputs.member)).toEqual(Array(3).fill("group:module6-developers@example.com"));
    const invokers = ofType("gcp:cloudrunv2/serviceIamMember:ServiceIamMember");
    expect(invokers.map((i) => i.inputs.member)).toEqual(
      Array(3).fill("serviceAccount:service-000000000000@gcp-sa-iap.iam.gserviceaccount.com"),
    );
    expect(invokers.map((i) => i.inputs.member)).not.toContain("allUsers");
  });

  it("has its own named Firestore database that one destroy deletes", () => {
    const [db] = ofType("gcp:firestore/database:Database");
    expect(db?.protect).toBe(false);
    expect(db?.inputs).toMatchObject({
      name: "m6-f-pr-123-main",
      deletionPolicy: "DELETE",
      deleteProtectionState: "DELETE_PROTECTION_DISABLED",
    });
    expect(plan().resources.filter((r) => r.protect)).toEqual([]);
  });

  it("mounts staging's secrets by reference and grants access per secret", () => {
    const grants = ofType("gcp:secretmanager/secretIamMember:SecretIamMember").map((g) => g.inputs.secretId);
    expect(grants.sort()).toEqual([
      "projects/module6-staging-000000/secrets/m6-staging-ai-api-key",
      // staging's Redis AUTH string, for web (uses: [redis])
      "projects/module6-staging-000000/secrets/m6-staging-cache-auth",
      "projects/module6-staging-000000/secrets/m6-staging-session-key",
    ]);
  });

  // The data tier: no network, instance or key of its own; staging's cache under its own key prefix.
  it("shares staging's Redis through Direct VPC egress into staging's subnet, with its own key prefix", () => {
    for (const type of [
      "gcp:redis/instance:Instance",
      "gcp:compute/network:Network",
      "gcp:compute/subnetwork:Subnetwork",
      "gcp:servicenetworking/connection:Connection",
      "gcp:kms/cryptoKey:CryptoKey",
    ])
      expect(ofType(type), type).toHaveLength(0);
    const web = ofType("gcp:cloudrunv2/service:Service").find((r) => r.inputs.name === "m6-f-pr-123-web");
    const { vpcAccess, envs } = runTemplate(web);
    expect(vpcAccess).toEqual(privateEgress("module6-staging-000000", "m6-staging-vpc", "asia-northeast3"));
    expect(envs).toMatchObject({
      REDIS_PORT: "6379",
      REDIS_TLS: "true",
      REDIS_KEY_PREFIX: "f-pr-123:",
      REDIS_AUTH: {
        secretKeyRef: {
          secret: "projects/module6-staging-000000/secrets/m6-staging-cache-auth",
          version: "latest",
        },
      },
    });
    expect(envs.REDIS_HOST).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(envs.REDIS_CA_CERT).toContain("-----BEGIN CERTIFICATE-----");
    // api and ai use no cache: no VPC path
    const api = ofType("gcp:cloudrunv2/service:Service").find((r) => r.inputs.name === "m6-f-pr-123-api");
    expect(runTemplate(api).vpcAccess).toBeUndefined();
  });

  // Point 9: staging owns and rotates the versions; a pin would go stale at staging's next rotation.
  it("mounts latest of staging's secrets (it creates no version to pin)", () => {
    const api = ofType("gcp:cloudrunv2/service:Service").find((r) => r.inputs.name === "m6-f-pr-123-api");
    const envs = (api?.inputs.template as { containers: { envs: Record<string, unknown>[] }[] }).containers[0]
      ?.envs;
    expect(envs?.find((e) => e.name === "SESSION_SIGNING_KEY")?.valueSource).toEqual({
      secretKeyRef: {
        secret: "projects/module6-staging-000000/secrets/m6-staging-session-key",
        version: "latest",
      },
    });
  });

  // Point 4: the one wait a feature stack pays: 2 minutes after its grants, in parallel per service.
  it("creates services that mount secrets or use Firestore 2 minutes after their grants, the others at once", () => {
    const waits = ofType("time:index/sleep:Sleep");
    // web mounts staging's Redis AUTH string
    expect(waits.map((w) => w.name).sort()).toEqual([
      "env-ai-grants-propagation",
      "env-api-grants-propagation",
      "env-web-grants-propagation",
    ]);
    for (const w of waits) expect(w.inputs.createDuration).toBe("2m");
    // What the waits add to a feature stack's first up: one 2-minute wait on the critical path, not one
    // per service (the services wait in parallel).
    expect(longestWait(plan().resources).seconds).toBe(120);
    // No readiness probe in a feature environment: one region, scale to zero.
    for (const run of ofType("gcp:cloudrunv2/service:Service"))
      expect(run.inputs).not.toHaveProperty("launchStage");
  });

  it("labels every labelable resource, keeps names within limits and uses the explicit provider", () => {
    expect(expectEveryLabelableResourceLabelled(plan().resources)).toBe(3);
    expect(expectEveryNameWithinLimits(plan().resources)).toBe(7);
    expectExplicitProviders(plan().resources, STACK);
    for (const run of ofType("gcp:cloudrunv2/service:Service")) {
      expect(run.inputs.labels).toMatchObject({ env: "feature", stack: STACK });
    }
  });
});
