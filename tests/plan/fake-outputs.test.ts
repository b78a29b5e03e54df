import * as random from "@pulumi/random";
import { beforeAll, describe, expect, it } from "vitest";
import { fakeCall, fakeState } from "../../plan/fake-outputs";
import { maskSecretOutputs } from "../../plan/mocks";
import { plainValue } from "../../plan/record";
import { installMocks, onlyOfType, record } from "../helpers/pulumi";

const P = "module6-test-000000";
const state = (type: string, inputs: Record<string, unknown>, name = "x") => {
  const s = fakeState(type, name, { project: P, ...inputs });
  return { id: s.id, state: plainValue(s.state) as Record<string, unknown> };
};

beforeAll(async () => {
  await installMocks();
});

describe("fake outputs of the data tier", () => {
  it("give networks and subnets the ids the provider reports (not self links)", () => {
    const vpc = state("gcp:compute/network:Network", { name: "m6-prod-vpc" });
    expect(vpc.id).toBe(`projects/${P}/global/networks/m6-prod-vpc`);
    expect(vpc.state.selfLink).toBe(
      `https://www.googleapis.com/compute/v1/projects/${P}/global/networks/m6-prod-vpc`,
    );
    const subnet = state("gcp:compute/subnetwork:Subnetwork", {
      name: "m6-prod-vpc-asia-northeast3",
      region: "asia-northeast3",
      ipCidrRange: "10.10.0.0/24",
    });
    expect(subnet.id).toBe(`projects/${P}/regions/asia-northeast3/subnetworks/m6-prod-vpc-asia-northeast3`);
    expect(subnet.state.gatewayAddress).toBe("10.10.0.1");
    const address = state("gcp:compute/address:Address", { name: "nat-0", region: "asia-northeast3" });
    expect(address.state.address).toMatch(/^198\.51\.100\.\d+$/);
    expect(address.state.selfLink).toMatch(/\/regions\/asia-northeast3\/addresses\/nat-0$/);
  });

  it("keep the address of an internal (private services access) range", () => {
    const range = state("gcp:compute/globalAddress:GlobalAddress", {
      name: "psa",
      purpose: "VPC_PEERING",
      address: "10.64.0.0",
      prefixLength: 20,
    });
    expect(range.state.address).toBe("10.64.0.0");
  });

  it("give a Redis instance a host, port, server CA with TLS, and an AUTH string that stays secret", () => {
    const inputs = {
      name: "m6-prod-cache",
      region: "asia-northeast3",
      authEnabled: true,
      transitEncryptionMode: "SERVER_AUTHENTICATION",
    };
    const raw = fakeState("gcp:redis/instance:Instance", "cache", { project: P, ...inputs });
    const redis = plainValue(raw.state) as Record<string, unknown>;
    expect(raw.id).toBe(`projects/${P}/locations/asia-northeast3/instances/m6-prod-cache`);
    expect(redis.host).toMatch(/^10\.\d+\.0\.\d+$/);
    expect(redis.port).toBe(6379);
    expect(redis.authString).toBe("[secret]");
    expect(JSON.stringify(raw.state)).toMatch(/fake-auth-/); // the value exists, only as a wire secret
    const [ca] = redis.serverCaCerts as { cert: string; expireTime: string }[];
    expect(ca?.cert).toMatch(/^-----BEGIN CERTIFICATE-----\n.+\n-----END CERTIFICATE-----$/);
    expect(ca?.expireTime).toBeDefined();
    const plain = plainValue(
      fakeState("gcp:redis/instance:Instance", "c", { project: P, name: "c", region: "r" }).state,
    ) as Record<string, unknown>;
    expect(plain.serverCaCerts).toEqual([]);
  });

  it("give KMS rings, keys and grants their provider ids", () => {
    const ring = state("gcp:kms/keyRing:KeyRing", { name: "m6-prod-data", location: "asia-northeast3" });
    expect(ring.id).toBe(`projects/${P}/locations/asia-northeast3/keyRings/m6-prod-data`);
    const key = state("gcp:kms/cryptoKey:CryptoKey", { name: "redis", keyRing: ring.id });
    expect(key.id).toBe(`${ring.id}/cryptoKeys/redis`);
    const grant = state("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", {
      cryptoKeyId: key.id,
      role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      member: "serviceAccount:a@b",
    });
    expect(grant.id).toBe(`${key.id}/roles/cloudkms.cryptoKeyEncrypterDecrypter/serviceAccount:a@b`);
  });

  it("name service agents as Google does, Memorystore's included", () => {
    expect(
      state("gcp:projects/serviceIdentity:ServiceIdentity", { service: "redis.googleapis.com" }).state.email,
    ).toBe("service-000000000000@cloud-redis.iam.gserviceaccount.com");
    expect(
      state("gcp:projects/serviceIdentity:ServiceIdentity", { service: "firestore.googleapis.com" }).state
        .email,
    ).toBe("service-000000000000@gcp-sa-firestore.iam.gserviceaccount.com");
    expect(
      fakeCall("gcp:storage/getProjectServiceAccount:getProjectServiceAccount", { project: P }),
    ).toMatchObject({
      emailAddress: "service-000000000000@gs-project-accounts.iam.gserviceaccount.com",
    });
    expect(fakeCall("gcp:logging/getProjectSettings:getProjectSettings", { project: P })).toMatchObject({
      kmsServiceAccountId: "service-000000000000@gcp-sa-logging.iam.gserviceaccount.com",
    });
  });
});

describe("recorded outputs", () => {
  it("show a property declared in additionalSecretOutputs as [secret], as the engine exports it", async () => {
    expect(maskSecretOutputs({ a: "1", b: "2" }, ["b", "c"])).toEqual({ a: "1", b: "[secret]" });
    const { resources } = await record(
      () => new random.RandomId("masked", { byteLength: 4 }, { additionalSecretOutputs: ["hex"] }),
    );
    const id = onlyOfType(resources, "random:index/randomId:RandomId");
    expect(id.outputs.hex).toBe("[secret]");
    expect(id.outputs.b64Url).not.toBe("[secret]");
  });
});

describe("fake outputs of a GKE cluster", () => {
  const inputs = {
    name: "m6-prod-obs",
    location: "asia-northeast3",
    controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: true } },
    masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
  };

  it("give the id, self link, IP endpoint, cluster CA and DNS endpoint GKE reports", () => {
    const raw = fakeState("gcp:container/cluster:Cluster", "obs", { project: P, ...inputs });
    const cluster = plainValue(raw.state) as Record<string, unknown>;
    expect(raw.id).toBe(`projects/${P}/locations/asia-northeast3/clusters/m6-prod-obs`);
    expect(cluster.selfLink).toBe(
      `https://container.googleapis.com/v1/projects/${P}/locations/asia-northeast3/clusters/m6-prod-obs`,
    );
    expect(cluster.endpoint).toMatch(/^192\.0\.2\.\d+$/);
    const ca = (cluster.masterAuth as { clusterCaCertificate: string }).clusterCaCertificate;
    expect(Buffer.from(ca, "base64").toString()).toMatch(
      /^-----BEGIN CERTIFICATE-----\n.+\n-----END CERTIFICATE-----$/,
    );
    expect(cluster.masterAuth).toMatchObject({ clientCertificateConfig: { issueClientCertificate: false } });
    expect(cluster.controlPlaneEndpointsConfig).toEqual({
      dnsEndpointConfig: {
        allowExternalTraffic: true,
        endpoint: expect.stringMatching(
          /^gke-[0-9a-f]{32}-000000000000\.asia-northeast3\.gke\.goog$/,
        ) as unknown,
      },
    });
    expect(JSON.stringify(cluster)).not.toContain("undefined");
  });

  it("read the workload pool from the inputs, or <project>.svc.id.goog where they name none", () => {
    const own = fakeState("gcp:container/cluster:Cluster", "obs", {
      project: P,
      ...inputs,
      workloadIdentityConfig: { workloadPool: "other-000000.svc.id.goog" },
    });
    expect(own.state.workloadIdentityConfig).toEqual({ workloadPool: "other-000000.svc.id.goog" });
    const none = fakeState("gcp:container/cluster:Cluster", "obs", { project: P, ...inputs });
    expect(none.state.workloadIdentityConfig).toEqual({ workloadPool: `${P}.svc.id.goog` });
  });

  it("let a kubeconfig built from them name a real server (never https://undefined)", async () => {
    const { GkeAutopilotCluster } = await import("../../components/gke-autopilot-cluster");
    const { commonArgs } = await import("../helpers/pulumi");
    const { resources } = await record(
      () =>
        new GkeAutopilotCluster("fake-obs", {
          ...commonArgs("prod"),
          network: `projects/${P}/global/networks/vpc`,
          ranges: { nodes: "10.96.0.0/24", pods: "10.100.0.0/20", services: "10.96.4.0/22" },
        }),
    );
    const kubeconfig = String(onlyOfType(resources, "pulumi:providers:kubernetes").inputs.kubeconfig);
    expect(kubeconfig).toMatch(
      /"server":"https:\/\/gke-[0-9a-f]{32}-000000000000\.asia-northeast3\.gke\.goog"/,
    );
    expect(kubeconfig).not.toContain("undefined");
  });
});
