/**
 * Outputs a mocked resource reports: its inputs plus the few computed attributes GCP would add (emails,
 * URLs, ids), fabricated deterministically so plans are stable.
 */
import { createHash } from "node:crypto";
import { wireSecret } from "./record";

/** A placeholder project number: mocks cannot know the real one. */
export const FAKE_PROJECT_NUMBER = "000000000000";

const hash = (s: string, n = 10): string => createHash("sha256").update(s).digest("hex").slice(0, n);
const str = (v: unknown, fallback: string): string => (typeof v === "string" ? v : fallback);

/**
 * The domain of a primary service agent's email by API, where it is not `gcp-sa-<api>` (Cloud Foundation
 * Fabric, modules/project/service-agents.yaml: redis.googleapis.com → `cloud-redis`).
 */
const AGENT_DOMAINS: Readonly<Record<string, string>> = { "redis.googleapis.com": "cloud-redis" };

/** A fabricated, syntactically valid PEM block (never a real certificate). */
function fakePem(seed: string): string {
  const body = Buffer.from(`module6 offline plan: not a certificate (${seed})`).toString("base64");
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
}

/** A Compute Engine self link. */
function computeLink(project: string, region: string | undefined, collection: string, name: string): string {
  return `https://www.googleapis.com/compute/v1/projects/${project}/${region ? `regions/${region}` : "global"}/${collection}/${name}`;
}

/**
 * A GKE cluster's id as the provider sets it: `projects/<p>/locations/<l>/clusters/<name>`
 * (terraform-provider-google google/services/container/resource_container_cluster.go, containerClusterFullName).
 */
function clusterId(project: string, location: string, cluster: string): string {
  return `projects/${project}/locations/${location}/clusters/${cluster}`;
}

/**
 * What GKE reports of a cluster besides its inputs: the IP endpoint and the cluster CA (`masterAuth`, base64
 * PEM as the API returns it), the DNS endpoint (a `*.gke.goog` name), the workload pool (`<project>.svc.id.goog`
 * where the inputs name none), the self link and the versions — so nothing built from them reads `undefined`.
 */
function fakeCluster(
  project: string,
  location: string,
  name: string,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  const cluster = str(inputs.name, name);
  const seed = `${project}/${location}/${cluster}`;
  const endpoints = (inputs.controlPlaneEndpointsConfig ?? {}) as Record<string, Record<string, unknown>>;
  const identity = (inputs.workloadIdentityConfig ?? {}) as Record<string, unknown>;
  const masterAuth = (inputs.masterAuth ?? {}) as Record<string, unknown>;
  const privateConfig = (inputs.privateClusterConfig ?? {}) as Record<string, unknown>;
  return {
    ...inputs,
    name: cluster,
    location,
    endpoint: `192.0.2.${(parseInt(hash(seed, 2), 16) % 254) + 1}`,
    masterAuth: {
      ...masterAuth,
      clusterCaCertificate: Buffer.from(fakePem(seed)).toString("base64"),
    },
    controlPlaneEndpointsConfig: {
      ...endpoints,
      dnsEndpointConfig: {
        ...endpoints.dnsEndpointConfig,
        endpoint: `gke-${hash(seed, 32)}-${FAKE_PROJECT_NUMBER}.${location}.gke.goog`,
      },
    },
    privateClusterConfig: {
      ...privateConfig,
      privateEndpoint: `10.255.255.${(parseInt(hash(seed, 2), 16) % 250) + 2}`,
    },
    workloadIdentityConfig: { workloadPool: str(identity.workloadPool, `${project}.svc.id.goog`) },
    selfLink: `https://container.googleapis.com/v1/${clusterId(project, location, cluster)}`,
    masterVersion: "1.33.0-gke.0",
    operation: "",
  };
}

/** Answers of provider functions the program calls. */
export function fakeCall(
  token: string,
  inputs: Record<string, unknown>,
): Record<string, unknown> | undefined {
  if (token === "gcp:organizations/getProject:getProject") {
    const projectId = str(inputs.projectId, "mock-project");
    return { id: `projects/${projectId}`, projectId, number: FAKE_PROJECT_NUMBER, name: projectId };
  }
  if (token === "gcp:storage/getProjectServiceAccount:getProjectServiceAccount") {
    // Cloud Storage's agent: service-<number>@gs-project-accounts.iam.gserviceaccount.com
    // (https://cloud.google.com/storage/docs/projects#service-agents).
    const project = str(inputs.project, "mock-project");
    const emailAddress = `service-${FAKE_PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com`;
    return { id: emailAddress, project, emailAddress, member: `serviceAccount:${emailAddress}` };
  }
  if (token === "gcp:logging/getProjectSettings:getProjectSettings") {
    // Cloud Logging's agent, which also encrypts CMEK log buckets (Fabric's service-agents.yaml, `logging`).
    const project = str(inputs.project, "mock-project");
    const agent = `service-${FAKE_PROJECT_NUMBER}@gcp-sa-logging.iam.gserviceaccount.com`;
    return {
      id: `projects/${project}/settings`,
      name: `projects/${project}/settings`,
      project,
      kmsKeyName: "",
      kmsServiceAccountId: agent,
      loggingServiceAccountId: agent,
      storageLocation: "",
      disableDefaultSink: false,
    };
  }
  return undefined;
}

export interface FakeState {
  readonly id: string;
  readonly state: Record<string, unknown>;
}

/** The mocked state of a resource of `type` named `name` with `inputs`. */
export function fakeState(type: string, name: string, inputs: Record<string, unknown>): FakeState {
  const project = str(inputs.project, "mock-project");
  const location = str(inputs.location, str(inputs.region, "mock-region"));
  switch (type) {
    case "gcp:serviceaccount/account:Account": {
      const email = `${str(inputs.accountId, name)}@${project}.iam.gserviceaccount.com`;
      return {
        id: `projects/${project}/serviceAccounts/${email}`,
        state: {
          ...inputs,
          email,
          member: `serviceAccount:${email}`,
          name: `projects/${project}/serviceAccounts/${email}`,
          uniqueId: hash(email, 21),
        },
      };
    }
    case "gcp:cloudrunv2/service:Service": {
      const serviceName = str(inputs.name, name);
      return {
        id: `projects/${project}/locations/${location}/services/${serviceName}`,
        state: {
          ...inputs,
          name: serviceName,
          uri: `https://${serviceName}-${hash(project + location, 10)}.a.run.app`,
          uid: hash(serviceName, 32),
        },
      };
    }
    case "gcp:secretmanager/secret:Secret": {
      const id = `projects/${project}/secrets/${str(inputs.secretId, name)}`;
      return {
        id,
        state: { ...inputs, name: `projects/${FAKE_PROJECT_NUMBER}/secrets/${str(inputs.secretId, name)}` },
      };
    }
    case "gcp:secretmanager/secretVersion:SecretVersion":
      return {
        id: `${str(inputs.secret, name)}/versions/1`,
        state: { ...inputs, version: "1", name: `${str(inputs.secret, name)}/versions/1` },
      };
    case "gcp:firestore/database:Database": {
      const db = str(inputs.name, name);
      return { id: `projects/${project}/databases/${db}`, state: { ...inputs, name: db, uid: hash(db, 32) } };
    }
    case "gcp:artifactregistry/repository:Repository": {
      const repo = str(inputs.repositoryId, name);
      return {
        id: `projects/${project}/locations/${location}/repositories/${repo}`,
        state: { ...inputs, name: repo },
      };
    }
    case "gcp:projects/serviceIdentity:ServiceIdentity": {
      const service = str(inputs.service, "svc");
      const domain = AGENT_DOMAINS[service] ?? `gcp-sa-${service.replace(/\.googleapis\.com$/, "")}`;
      const email = `service-${FAKE_PROJECT_NUMBER}@${domain}.iam.gserviceaccount.com`;
      return {
        id: `projects/${project}/services/${str(inputs.service, name)}`,
        state: { ...inputs, email, member: `serviceAccount:${email}` },
      };
    }
    case "gcp:compute/network:Network": {
      // Ids as the provider sets them (magic-modules mmv1/products/compute/{Network,Subnetwork,Address}.yaml:
      // `id_format`, else `base_url` + `/{{name}}`): Cloud Run's networkInterfaces, Redis authorizedNetwork
      // and Service Networking take these, not self links.
      const n = str(inputs.name, name);
      return {
        id: `projects/${project}/global/networks/${n}`,
        state: {
          ...inputs,
          name: n,
          selfLink: computeLink(project, undefined, "networks", n),
          numericId: hash(n, 12),
        },
      };
    }
    case "gcp:compute/subnetwork:Subnetwork": {
      const n = str(inputs.name, name);
      const region = str(inputs.region, "mock-region");
      const cidr = str(inputs.ipCidrRange, "10.0.0.0/24");
      return {
        id: `projects/${project}/regions/${region}/subnetworks/${n}`,
        state: {
          ...inputs,
          name: n,
          selfLink: computeLink(project, region, "subnetworks", n),
          gatewayAddress: cidr.replace(/\.\d+\/\d+$/, ".1"),
        },
      };
    }
    case "gcp:compute/address:Address": {
      const n = str(inputs.name, name);
      const region = str(inputs.region, "mock-region");
      return {
        id: `projects/${project}/regions/${region}/addresses/${n}`,
        state: {
          ...inputs,
          name: n,
          address: str(inputs.address, `198.51.100.${(parseInt(hash(name, 2), 16) % 254) + 1}`),
          selfLink: computeLink(project, region, "addresses", n),
        },
      };
    }
    case "gcp:servicenetworking/connection:Connection":
      return {
        // `<network>:<service>`, each query-escaped (magic-modules mmv1/third_party/terraform/services/
        // servicenetworking/resource_service_networking_connection.go, connectionId.Id()).
        id: `${encodeURIComponent(str(inputs.network, "network"))}:${encodeURIComponent(str(inputs.service, "servicenetworking.googleapis.com"))}`,
        state: { ...inputs, peering: "servicenetworking-googleapis-com" },
      };
    case "gcp:redis/instance:Instance": {
      // What Memorystore reports: a private host in the allocated range, the port, the server CA (only
      // with TLS) and the AUTH string (only with AUTH), which the provider marks secret — kept secret here.
      const n = str(inputs.name, name);
      const region = str(inputs.region, "mock-region");
      const tls = inputs.transitEncryptionMode === "SERVER_AUTHENTICATION";
      const octet = (parseInt(hash(n, 2), 16) % 250) + 3;
      return {
        id: `projects/${project}/locations/${region}/instances/${n}`,
        state: {
          ...inputs,
          name: n,
          host: `10.${parseInt(hash(project, 2), 16) % 255}.0.${octet}`,
          port: 6379,
          currentLocationId: `${region}-a`,
          authString: wireSecret(inputs.authEnabled === true ? `fake-auth-${hash(n, 24)}` : ""),
          serverCaCerts: tls
            ? [
                {
                  cert: fakePem(n),
                  serialNumber: hash(n, 8),
                  sha1Fingerprint: hash(`${n}:sha1`, 40),
                  createTime: "2026-01-01T00:00:00Z",
                  expireTime: "2036-01-01T00:00:00Z",
                },
              ]
            : [],
          persistenceIamIdentity: `serviceAccount:service-${FAKE_PROJECT_NUMBER}@cloud-redis.iam.gserviceaccount.com`,
        },
      };
    }
    case "gcp:kms/keyRing:KeyRing": {
      const id = `projects/${project}/locations/${location}/keyRings/${str(inputs.name, name)}`;
      return { id, state: { ...inputs, name: str(inputs.name, name) } };
    }
    case "gcp:kms/cryptoKey:CryptoKey": {
      const id = `${str(inputs.keyRing, `projects/${project}/locations/${location}/keyRings/ring`)}/cryptoKeys/${str(inputs.name, name)}`;
      return {
        id,
        state: {
          ...inputs,
          name: str(inputs.name, name),
          primaries: [{ name: `${id}/cryptoKeyVersions/1`, state: "ENABLED" }],
        },
      };
    }
    case "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember":
      return {
        id: `${str(inputs.cryptoKeyId, "key")}/${str(inputs.role, "role")}/${str(inputs.member, "member")}`,
        state: { ...inputs, etag: hash(JSON.stringify(inputs), 16) },
      };
    case "random:index/randomId:RandomId": {
      const bytes = typeof inputs.byteLength === "number" ? inputs.byteLength : 4;
      const hex = hash(`${name}:${JSON.stringify(inputs.keepers ?? {})}`, bytes * 2);
      return {
        id: hex,
        state: {
          ...inputs,
          hex,
          b64Url: Buffer.from(hex, "hex").toString("base64url"),
          dec: BigInt(`0x${hex}`).toString(),
        },
      };
    }
    case "random:index/randomBytes:RandomBytes": {
      // Its outputs are secrets (the provider marks base64 and hex secret): fabricated, and still wrapped.
      const length = typeof inputs.length === "number" ? inputs.length : 32;
      let hex = "";
      for (let i = 0; hex.length < length * 2; i++) hex += hash(`${name}:${i}`, 64);
      hex = hex.slice(0, length * 2);
      return {
        id: "none",
        state: {
          ...inputs,
          base64: wireSecret(Buffer.from(hex, "hex").toString("base64")),
          hex: wireSecret(hex),
        },
      };
    }
    case "gcp:compute/globalAddress:GlobalAddress": {
      const v6 = inputs.ipVersion === "IPV6";
      const n = parseInt(hash(name, 2), 16);
      // An internal range (private services access) keeps the address it was given.
      const address = str(inputs.address, v6 ? `2001:db8::${n.toString(16)}` : `203.0.113.${n % 254 || 1}`);
      return {
        id: computeLink(project, undefined, "addresses", str(inputs.name, name)),
        state: {
          ...inputs,
          address,
          selfLink: computeLink(project, undefined, "addresses", str(inputs.name, name)),
        },
      };
    }
    case "gcp:certificatemanager/dnsAuthorization:DnsAuthorization": {
      const domain = str(inputs.domain, name);
      return {
        id: `projects/${project}/locations/global/dnsAuthorizations/${str(inputs.name, name)}`,
        state: {
          ...inputs,
          dnsResourceRecords: [
            {
              name: `_acme-challenge.${domain}.`,
              type: "CNAME",
              data: `${hash(domain, 12)}.${hash(project, 4)}.authorize.certificatemanager.goog.`,
            },
          ],
        },
      };
    }
    case "gcp:monitoring/genericService:GenericService": {
      const serviceId = str(inputs.serviceId, name);
      return {
        id: `projects/${project}/services/${serviceId}`,
        state: { ...inputs, name: `projects/${FAKE_PROJECT_NUMBER}/services/${serviceId}` },
      };
    }
    case "gcp:monitoring/slo:Slo": {
      const slo = `projects/${FAKE_PROJECT_NUMBER}/services/${str(inputs.service, "service")}/serviceLevelObjectives/${str(inputs.sloId, name)}`;
      return { id: slo, state: { ...inputs, name: slo } };
    }
    case "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": {
      const checkId = `${str(inputs.displayName, name)
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .slice(0, 40)}-${hash(name, 8)}`;
      return {
        id: `projects/${project}/uptimeCheckConfigs/${checkId}`,
        state: {
          ...inputs,
          uptimeCheckId: checkId,
          name: `projects/${project}/uptimeCheckConfigs/${checkId}`,
        },
      };
    }
    case "gcp:monitoring/notificationChannel:NotificationChannel":
    case "gcp:monitoring/alertPolicy:AlertPolicy": {
      const collection = type.includes("notificationChannel") ? "notificationChannels" : "alertPolicies";
      const id = `projects/${project}/${collection}/${BigInt(`0x${hash(name, 12)}`).toString()}`;
      return { id, state: { ...inputs, name: id } };
    }
    case "gcp:logging/projectSink:ProjectSink":
      return {
        id: `projects/${project}/sinks/${str(inputs.name, name)}`,
        state: {
          ...inputs,
          writerIdentity: `serviceAccount:service-${FAKE_PROJECT_NUMBER}@gcp-sa-logging.iam.gserviceaccount.com`,
        },
      };
    case "gcp:logging/projectBucketConfig:ProjectBucketConfig":
      return {
        id: `projects/${project}/locations/${location}/buckets/${str(inputs.bucketId, name)}`,
        state: {
          ...inputs,
          name: `projects/${project}/locations/${location}/buckets/${str(inputs.bucketId, name)}`,
        },
      };
    // Workload Identity Federation names carry the project number (gcp iam/ .d.ts:
    // "projects/{project_number}/locations/global/workloadIdentityPools/{id}").
    case "gcp:iam/workloadIdentityPool:WorkloadIdentityPool": {
      const pool = `projects/${FAKE_PROJECT_NUMBER}/locations/global/workloadIdentityPools/${str(inputs.workloadIdentityPoolId, name)}`;
      return {
        id: `projects/${project}/locations/global/workloadIdentityPools/${str(inputs.workloadIdentityPoolId, name)}`,
        state: { ...inputs, name: pool },
      };
    }
    case "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider": {
      const provider = `projects/${FAKE_PROJECT_NUMBER}/locations/global/workloadIdentityPools/${str(inputs.workloadIdentityPoolId, "pool")}/providers/${str(inputs.workloadIdentityPoolProviderId, name)}`;
      return { id: provider, state: { ...inputs, name: provider } };
    }
    case "gcp:container/cluster:Cluster":
      return {
        id: clusterId(project, location, str(inputs.name, name)),
        state: fakeCluster(project, location, name, inputs),
      };
    case "time:index/sleep:Sleep":
      // A wait has no name attribute: its state is its inputs.
      return { id: `${name}-id`, state: { ...inputs } };
    default: {
      const compute = /^gcp:compute\/([a-zA-Z]+):/.exec(type);
      if (compute) {
        const link = computeLink(
          project,
          typeof inputs.region === "string" ? inputs.region : undefined,
          `${compute[1]?.toLowerCase() ?? "resource"}s`,
          str(inputs.name, name),
        );
        return { id: link, state: { ...inputs, name: str(inputs.name, name), selfLink: link } };
      }
      // Auto-named resources (no `name` input) get their logical name, as Pulumi's autonaming would
      // (without the random suffix, so plans stay stable).
      return { id: `${name}-id`, state: { ...inputs, name: str(inputs.name, name) } };
    }
  }
}
