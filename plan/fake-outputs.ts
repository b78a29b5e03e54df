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

/** A Compute Engine self link. */
function computeLink(project: string, region: string | undefined, collection: string, name: string): string {
  return `https://www.googleapis.com/compute/v1/projects/${project}/${region ? `regions/${region}` : "global"}/${collection}/${name}`;
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
      const agent = str(inputs.service, "svc").replace(/\.googleapis\.com$/, "");
      const email = `service-${FAKE_PROJECT_NUMBER}@gcp-sa-${agent}.iam.gserviceaccount.com`;
      return {
        id: `projects/${project}/services/${str(inputs.service, name)}`,
        state: { ...inputs, email, member: `serviceAccount:${email}` },
      };
    }
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
      const address = v6 ? `2001:db8::${n.toString(16)}` : `203.0.113.${n % 254 || 1}`;
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
    // Workload Identity Federation names carry the project number; KMS ids are hierarchical (gcp iam/ and
    // kms/ .d.ts: "projects/{project_number}/locations/global/workloadIdentityPools/{id}", "{keyRing}/cryptoKeys/{name}").
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
    case "gcp:kms/keyRing:KeyRing": {
      const ring = `projects/${project}/locations/${location}/keyRings/${str(inputs.name, name)}`;
      return { id: ring, state: { ...inputs, name: str(inputs.name, name) } };
    }
    case "gcp:kms/cryptoKey:CryptoKey":
      return {
        id: `${str(inputs.keyRing, "keyRing")}/cryptoKeys/${str(inputs.name, name)}`,
        state: { ...inputs, name: str(inputs.name, name) },
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
