import * as gcp from "@pulumi/gcp";
import { beforeAll, describe, expect, it } from "vitest";
import { CloudRunService } from "../../components/cloud-run-service";
import { KmsKeys } from "../../components/kms-keys";
import { Network } from "../../components/network";
import { RedisCache, validateRedisCacheArgs, type RedisCacheArgs } from "../../components/redis-cache";
import { ValidationError } from "../../components/shared/validation";
import { EnvironmentNaming } from "../../stacks/naming";
import {
  commonArgs,
  expectProps,
  installMocks,
  onlyOfType,
  record,
  recordOnce,
  resourcesOfType,
  valueOf,
} from "../helpers/pulumi";

const INSTANCE = "gcp:redis/instance:Instance";
const SECRET = "gcp:secretmanager/secret:Secret";
const VERSION = "gcp:secretmanager/secretVersion:SecretVersion";
const SECRET_IAM = "gcp:secretmanager/secretIamMember:SecretIamMember";
const PROJECT = "module6-test-000000";
const NETWORK_ID = `projects/${PROJECT}/global/networks/m6-prod-vpc`;
const API_SA = "serviceAccount:api@module6-test-000000.iam.gserviceaccount.com";

/** A stand-in Service Networking connection the instance must wait for. */
function connection(name: string): gcp.servicenetworking.Connection {
  return new gcp.servicenetworking.Connection(name, {
    network: NETWORK_ID,
    service: "servicenetworking.googleapis.com",
    reservedPeeringRanges: ["m6-prod-vpc-psa"],
  });
}

function args(name: string, overrides: Partial<RedisCacheArgs> = {}): RedisCacheArgs {
  return {
    ...commonArgs("prod"),
    network: { id: NETWORK_ID, connection: connection(`${name}-psa`), rangeName: "m6-prod-vpc-psa" },
    ...overrides,
  };
}

beforeAll(async () => {
  await installMocks();
});

describe("RedisCache defaults (prod)", () => {
  const built = recordOnce(() => new RedisCache("cache", args("cache")));

  it("creates a private, authenticated, TLS-only STANDARD_HA instance that evicts as a cache", async () => {
    const { resources } = await built();
    const instance = onlyOfType(resources, INSTANCE);
    expectProps(instance, {
      project: PROJECT,
      region: "asia-northeast3",
      name: "m6-prod-cache",
      tier: "STANDARD_HA",
      memorySizeGb: 1,
      redisVersion: "REDIS_7_2",
      authorizedNetwork: NETWORK_ID,
      connectMode: "PRIVATE_SERVICE_ACCESS",
      reservedIpRange: "m6-prod-vpc-psa",
      authEnabled: true,
      transitEncryptionMode: "SERVER_AUTHENTICATION",
      readReplicasMode: "READ_REPLICAS_DISABLED",
      redisConfigs: { "maxmemory-policy": "allkeys-lru" },
      maintenancePolicy: {
        weeklyMaintenanceWindows: [
          { day: "SUNDAY", startTime: { hours: 18, minutes: 0, seconds: 0, nanos: 0 } },
        ],
      },
      persistenceConfig: { persistenceMode: "RDB", rdbSnapshotPeriod: "TWELVE_HOURS" },
      deletionProtection: true,
      labels: { component: "redis", "managed-by": "pulumi" },
    });
    expect(instance.inputs).not.toHaveProperty("customerManagedKey");
    expect(instance.protect).toBe(true);
  });

  it("waits for the private services access connection", async () => {
    const { resources } = await built();
    const instance = onlyOfType(resources, INSTANCE);
    const psa = onlyOfType(resources, "gcp:servicenetworking/connection:Connection");
    expect(instance.dependencies).toContain(psa.urn);
  });

  it("keeps the AUTH string only in a protected Secret Manager version, never in outputs or the plan", async () => {
    const { result, resources } = await built();
    const instance = onlyOfType(resources, INSTANCE);
    expect(instance.additionalSecretOutputs).toContain("authString");
    // The plan records what the engine would export: the AUTH string as [secret].
    expect(instance.outputs.authString).toBe("[secret]");
    const secret = onlyOfType(resources, SECRET);
    expectProps(secret, {
      secretId: "m6-prod-cache-auth",
      deletionProtection: true,
      replication: { userManaged: { replicas: [{ location: "asia-northeast3" }] } },
    });
    expect(secret.protect).toBe(true);
    const version = onlyOfType(resources, VERSION);
    expect(version.inputs.secretData).toBe("[secret]");
    expect(version.propertyDependencies.secretData).toContain(instance.urn);
    // The fabricated AUTH string (plan/fake-outputs.ts: fake-auth-<hash>) appears nowhere.
    expect(JSON.stringify(resources)).not.toMatch(/fake-auth-/);
    const component = onlyOfType(resources, "module6:data:RedisCache");
    expect(JSON.stringify(component.outputs)).not.toMatch(/fake-auth-/);
    expect(JSON.stringify(await valueOf(result.connection().auth.secret as never))).toBe(
      JSON.stringify(secret.id),
    );
  });

  it("hands services a typed connection: host, port, TLS, the CA, and the AUTH secret by reference", async () => {
    const { result, resources } = await built();
    const instance = onlyOfType(resources, INSTANCE);
    const c = result.connection();
    expect(await valueOf(c.host)).toBe(instance.outputs.host);
    expect(await valueOf(c.port)).toBe(instance.outputs.port);
    expect(c.tls).toBe(true);
    const ca = await valueOf(c.caCertificate);
    expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----$/);
    expect(ca).toBe((instance.outputs.serverCaCerts as { cert: string }[])[0]?.cert);
    expect(await valueOf(c.auth.version as never)).toBe(onlyOfType(resources, VERSION).outputs.version);
  });

  it("parents every child to the component", async () => {
    const { resources } = await built();
    const component = onlyOfType(resources, "module6:data:RedisCache");
    const instance = onlyOfType(resources, INSTANCE);
    expect(instance.parent).toBe(component.urn);
    expect(onlyOfType(resources, "module6:secrets:SecretSet").parent).toBe(component.urn);
  });
});

describe("RedisCache for staging", () => {
  it("is a small BASIC instance without snapshots", async () => {
    const { resources } = await record(
      () =>
        new RedisCache(
          "cache-stg",
          args("cache-stg", {
            tier: "BASIC",
            memorySizeGb: 1,
            maintenanceWindow: { day: "TUESDAY", hour: 2 },
            deletionProtection: false,
            protect: false,
          }),
        ),
    );
    const instance = onlyOfType(resources, INSTANCE);
    expectProps(instance, {
      tier: "BASIC",
      persistenceConfig: { persistenceMode: "DISABLED" },
      maintenancePolicy: { weeklyMaintenanceWindows: [{ day: "TUESDAY", startTime: { hours: 2 } }] },
      deletionProtection: false,
    });
    expect(instance.protect).toBe(false);
    expect(onlyOfType(resources, SECRET).protect).toBe(false);
  });
});

describe("RedisCache encryption (CMEK)", () => {
  it("uses the key and is created only after the key's grant has propagated", async () => {
    const { resources } = await record(() => {
      const kms = new KmsKeys("cache-kms", { ...commonArgs("prod"), keys: { redis: { service: "redis" } } });
      return new RedisCache("cache-cmek", args("cache-cmek", { encryptionKey: kms.key("redis") }));
    });
    const instance = onlyOfType(resources, INSTANCE);
    expect(instance.inputs.customerManagedKey).toBe(
      `projects/${PROJECT}/locations/asia-northeast3/keyRings/m6-prod-data/cryptoKeys/redis`,
    );
    const wait = onlyOfType(resources, "time:index/sleep:Sleep");
    const grant = onlyOfType(resources, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
    expect(grant.inputs.member).toBe(
      "serviceAccount:service-000000000000@cloud-redis.iam.gserviceaccount.com",
    );
    expect(instance.dependencies).toContain(wait.urn);
    expect(wait.dependencies).toContain(grant.urn);
  });
});

describe("RedisCache and a service", () => {
  it("gives a service Direct VPC egress into the same VPC, its env, and read access to the AUTH secret only", async () => {
    const { resources } = await record(() => {
      const net = new Network("svc-net", {
        ...commonArgs("prod"),
        subnets: { "asia-northeast3": "10.10.0.0/24" },
        privateServiceAccess: { range: "10.64.0.0/20" },
      });
      const psa = net.privateServiceAccess;
      if (!psa) throw new Error("expected private services access");
      const cache = new RedisCache("svc-cache", {
        ...commonArgs("prod"),
        network: { id: net.networkId, connection: psa.connection, rangeName: psa.rangeName },
      });
      const grant = cache.grantConnect(API_SA);
      const env = cache.serviceEnv("prod:");
      return new CloudRunService("svc-api", {
        ...commonArgs("prod"),
        name: "api",
        image: "asia-northeast3-docker.pkg.dev/p/r/api:1.0.0",
        serviceAccountEmail: "api@module6-test-000000.iam.gserviceaccount.com",
        vpcEgress: net.vpcEgress("asia-northeast3"),
        env: env.env,
        secretEnv: env.secretEnv,
        awaitGrants: [grant],
      });
    });
    const instance = onlyOfType(resources, INSTANCE);
    const service = onlyOfType(resources, "gcp:cloudrunv2/service:Service");
    const vpc = onlyOfType(resources, "gcp:compute/network:Network");
    expect(instance.inputs.authorizedNetwork).toBe(vpc.id);
    expect(instance.inputs.reservedIpRange).toBe("m6-prod-vpc-psa");
    const template = service.inputs.template as { vpcAccess: { networkInterfaces: { network: string }[] } };
    expect(template.vpcAccess.networkInterfaces[0]?.network).toBe(vpc.id);
    const envs = (
      service.inputs.template as {
        containers: { envs: { name: string; value?: unknown; valueSource?: unknown }[] }[];
      }
    ).containers[0]?.envs;
    const byName = Object.fromEntries((envs ?? []).map((e) => [e.name, e]));
    expect(byName.REDIS_HOST?.value).toBe(instance.outputs.host);
    expect(byName.REDIS_PORT?.value).toBe(String(instance.outputs.port));
    expect(byName.REDIS_TLS?.value).toBe("true");
    expect(byName.REDIS_KEY_PREFIX?.value).toBe("prod:");
    expect(String(byName.REDIS_CA_CERT?.value)).toMatch(/BEGIN CERTIFICATE/);
    expect(byName.REDIS_AUTH?.valueSource).toEqual({
      secretKeyRef: { secret: onlyOfType(resources, SECRET).id, version: "1" },
    });
    expect(byName.REDIS_AUTH).not.toHaveProperty("value");
    const grant = onlyOfType(resources, SECRET_IAM);
    expectProps(grant, {
      role: "roles/secretmanager.secretAccessor",
      member: API_SA,
      secretId: onlyOfType(resources, SECRET).id,
    });
    // No project-level Secret Manager or Redis role.
    expect(
      resourcesOfType(resources, "gcp:projects/iAMMember:IAMMember").map((g) => g.inputs.role),
    ).not.toContainEqual(expect.stringMatching(/secretmanager|redis/));
    expect(JSON.stringify(resources)).not.toMatch(/fake-auth-/);
  });
});

describe("validateRedisCacheArgs", () => {
  const base = (overrides: Partial<RedisCacheArgs> = {}): RedisCacheArgs => ({
    ...commonArgs("prod"),
    network: { id: NETWORK_ID, connection: {} as never },
    ...overrides,
  });
  it.each([
    [{ tier: "STANDARD" as never }, /tier: got "STANDARD"; BASIC or STANDARD_HA/],
    [{ memorySizeGb: 0 }, /memorySizeGb: got 0; an integer 1-300/],
    [{ memorySizeGb: 301 }, /memorySizeGb: got 301/],
    [{ memorySizeGb: 1.5 }, /memorySizeGb: got 1\.5/],
    [
      { redisVersion: "REDIS_6_X" as never },
      /redisVersion: got "REDIS_6_X"; one of REDIS_7_0, REDIS_7_2 \(earlier versions accept about 1,000 TLS connections/,
    ],
    [{ maxmemoryPolicy: "lru" as never }, /maxmemoryPolicy: got "lru"; one of volatile-lru, allkeys-lru/],
    [{ maintenanceWindow: { day: "SUN", hour: 3 } }, /maintenanceWindow\.day: got "SUN"/],
    [{ maintenanceWindow: { day: "SUNDAY", hour: 24 } }, /maintenanceWindow\.hour: got 24; an integer 0-23/],
    [{ persistence: "DAILY" as never }, /persistence: got "DAILY"; "off" or one of ONE_HOUR/],
    [{ name: "Cache" }, /name: got "Cache"/],
    [{ authSecretReplicas: ["Seoul"] }, /authSecretReplicas\[0\]: got "Seoul"/],
  ])("rejects %o", (bad, message) => {
    expect(() => validateRedisCacheArgs(base(bad as Partial<RedisCacheArgs>))).toThrow(message);
  });

  it("refuses a name whose instance id would exceed Memorystore's 40 characters", () => {
    const long = { ...base(), naming: new EnvironmentNaming("m6", "staging-environment") };
    expect(() => validateRedisCacheArgs({ ...long, name: "sessions-cache-euro" })).toThrow(
      /name: got "sessions-cache-euro"; a name whose instance id \("m6-staging-environment-sessions-cache-euro"\) is at most 40 characters/,
    );
    // Exactly 40 characters is still an id.
    expect(() => validateRedisCacheArgs({ ...long, name: "sessions-cache-eu" })).not.toThrow();
    expect(() => validateRedisCacheArgs(base())).not.toThrow();
  });

  it("creates nothing when invalid", async () => {
    const { resources } = await record(() => {
      expect(() => new RedisCache("cache-bad", base({ memorySizeGb: 0 }))).toThrow(ValidationError);
    });
    expect(resources).toHaveLength(0);
  });
});
