import { describe, expect, it } from "vitest";
import {
  allowedRegions,
  isAllowedLocation,
  projectServiceKeepOnDestroy,
  requiredLabels,
  statefulResourcesProtected,
} from "../../policies/project";
import { T } from "../../policies/lib/tokens";
import { mutate, res, UNSET, withOptions } from "../fixtures/policies/build";
import { fixtures } from "../fixtures/policies/resources";
import { checkResource, checkStack, messagesOf, stackMessages } from "./harness";

describe("allowed-regions", () => {
  const p = allowedRegions;
  it("knows regions, global and multi-regions", () => {
    expect(isAllowedLocation("ASIA-NORTHEAST3", ["asia-northeast3"])).toBe(true);
    expect(isAllowedLocation("global", [])).toBe(true);
    expect(isAllowedLocation("ASIA", ["asia-northeast3"])).toBe(true);
    expect(isAllowedLocation("US", ["asia-northeast3"])).toBe(false);
  });
  it("checks location, region and locationId of any Google Cloud resource", async () => {
    expect(await messagesOf(p, fixtures.runService())).toEqual([]);
    expect(await messagesOf(p, mutate(fixtures.runService(), "location", "us-central1"))).toEqual([
      'cloudrunv2/service "env-api" must be in an allowed region (asia-northeast3, asia-northeast1); location is "us-central1"',
    ]);
    expect(await messagesOf(p, mutate(fixtures.firestoreDatabase(), "locationId", "nam5"))).toEqual([
      'firestore/database "env-firestore" must be in an allowed region (asia-northeast3, asia-northeast1); locationId is "nam5"',
    ]);
    expect(
      await messagesOf(p, mutate(fixtures.subnetwork(), "region", "europe-west1"), {
        config: { allowedRegions: ["europe-west4"] },
      }),
    ).toEqual([
      'compute/subnetwork "vpc-run" must be in an allowed region (europe-west4); region is "europe-west1"',
    ]);
  });
  it("checks secret replicas; automatic replication may be anywhere", async () => {
    expect(await messagesOf(p, fixtures.secret())).toEqual([]);
    expect(
      await messagesOf(
        p,
        mutate(fixtures.secret(), "replication.userManaged.replicas.1.location", "us-east1"),
      ),
    ).toEqual([
      'secretmanager/secret "env-secrets-session-key" must replicate only to allowed regions (asia-northeast3, asia-northeast1); a replica is in "us-east1"',
    ]);
    expect(await messagesOf(p, mutate(fixtures.secret(), "replication", { auto: {} }))).toEqual([
      'secretmanager/secret "env-secrets-session-key" must replicate only to allowed regions (asia-northeast3, asia-northeast1); automatic replication may store it in any region',
    ]);
  });
  it("applies to the gcp provider, not to other packages", async () => {
    const gcpProvider = res("pulumi:providers:gcp", "gcp", { region: "us-central1" });
    expect(await messagesOf(p, gcpProvider)).toHaveLength(1);
    expect(
      (await checkResource(p, res("random:index/randomId:RandomId", "r", { byteLength: 4 }))).applicable,
    ).toBe(false);
  });
  it("reads unset location as the provider's region (checked on the provider)", async () => {
    expect(await messagesOf(p, mutate(fixtures.runService(), "location", UNSET))).toEqual([]);
  });
});

describe("required-labels", () => {
  const p = requiredLabels;
  it("passes the program's labels, counting the provider's default labels", async () => {
    expect(await messagesOf(p, fixtures.bucket())).toEqual([]);
    expect(await messagesOf(p, mutate(fixtures.bucket(), "labels", { component: "static-site" }))).toEqual(
      [],
    );
  });
  it("names missing keys; unset labels carry only the provider's", async () => {
    expect(await messagesOf(p, mutate(fixtures.bucket(), "labels", UNSET))).toEqual([
      'storage/bucket "env-edge-static" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: component',
    ]);
    expect(await messagesOf(p, mutate(fixtures.bucket(), "labels", UNSET), { env: null })).toEqual([
      'storage/bucket "env-edge-static" must carry the labels app, env, stack, component, managed-by, team, cost-center; missing: app, env, stack, component, managed-by, team, cost-center',
    ]);
    expect(await messagesOf(p, fixtures.bucket(), { config: { requiredLabelKeys: ["owner"] } })).toEqual([
      'storage/bucket "env-edge-static" must carry the labels owner; missing: owner',
    ]);
  });
});

describe("project-service-keep-on-destroy", () => {
  const p = projectServiceKeepOnDestroy;
  it("passes false and unset (kept), refuses true", async () => {
    expect(await messagesOf(p, fixtures.projectService())).toEqual([]);
    expect(await messagesOf(p, mutate(fixtures.projectService(), "disableOnDestroy", UNSET))).toEqual([]);
    expect(await messagesOf(p, mutate(fixtures.projectService(), "disableOnDestroy", true))).toEqual([
      'Project API "run.googleapis.com" must stay enabled when the stack is destroyed (disableOnDestroy is true)',
    ]);
  });
});

describe("stateful-resources-protected (stack)", () => {
  const p = statefulResourcesProtected;
  const stateful = () => [
    fixtures.firestoreDatabase(),
    fixtures.secret(),
    fixtures.repository(),
    fixtures.cryptoKey(),
    fixtures.redis(),
  ];
  it("passes protected stateful resources", async () =>
    expect(await stackMessages(p, stateful())).toEqual([]));
  it("refuses an unprotected one in prod and staging", async () => {
    const db = withOptions(fixtures.firestoreDatabase(), { protect: false });
    expect(await checkStack(p, [db])).toEqual([
      {
        urn: db.urn,
        message: 'firestore/database "m6-prod-main" must carry Pulumi protect in this environment',
      },
    ]);
    expect(
      await stackMessages(p, [withOptions(fixtures.secret(), { protect: false })], { env: "staging" }),
    ).toEqual([
      'secretmanager/secret "env-secrets-session-key" must carry Pulumi protect in this environment',
    ]);
  });
  it("lets feature stacks go unprotected", async () => {
    const db = mutate(withOptions(fixtures.firestoreDatabase(), { protect: false }), "labels", {
      env: "feature",
    });
    expect(await stackMessages(p, [db], { env: "feature" })).toEqual([]);
  });
  it("follows statefulTypes, and leaves other types alone", async () => {
    expect(await stackMessages(p, [withOptions(fixtures.bucket(), { protect: false })])).toEqual([]);
    expect(
      await stackMessages(p, [withOptions(fixtures.bucket(), { protect: false })], {
        config: { statefulTypes: [T.bucket] },
      }),
    ).toHaveLength(1);
  });
});
