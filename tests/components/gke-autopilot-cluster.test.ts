/**
 * GkeAutopilotCluster under mocks: every property the observability plane relies on (Autopilot, private
 * nodes, DNS-only control plane, release channel, Binary Authorization, the node service account and its one
 * role, Workload Identity, Managed Prometheus, logging, maintenance window, protection) and the kubernetes
 * provider built from the cluster (exec auth through the DNS endpoint, no credential, keyed by the cluster id).
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  GkeAutopilotCluster,
  validateGkeAutopilotClusterArgs,
  type GkeAutopilotClusterArgs,
} from "../../components/gke-autopilot-cluster";
import { ValidationError } from "../../components/shared/validation";
import type { RecordedResource } from "../../plan/record";
import {
  commonArgs,
  installMocks,
  onlyOfType,
  recordOnce,
  record,
  resourcesOfType,
  valueOf,
} from "../helpers/pulumi";

const CLUSTER = "gcp:container/cluster:Cluster";
const SUBNET = "gcp:compute/subnetwork:Subnetwork";
const ACCOUNT = "gcp:serviceaccount/account:Account";
const MEMBER = "gcp:projects/iAMMember:IAMMember";
const K8S = "pulumi:providers:kubernetes";
const PROJECT = "module6-test-000000";
const VPC = `projects/${PROJECT}/global/networks/m6-prod-vpc`;

function args(overrides: Partial<GkeAutopilotClusterArgs> = {}): GkeAutopilotClusterArgs {
  return {
    ...commonArgs("prod"),
    network: VPC,
    ranges: { nodes: "10.96.0.0/24", pods: "10.100.0.0/20", services: "10.96.4.0/22" },
    ...overrides,
  };
}

interface Kubeconfig {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  "current-context": string;
  users: { name: string; user: Record<string, Record<string, unknown>> }[];
}

const kubeconfigOf = (provider: RecordedResource): Kubeconfig =>
  JSON.parse(String(provider.inputs.kubeconfig)) as Kubeconfig;

beforeAll(async () => {
  await installMocks();
});

describe("GkeAutopilotCluster defaults (no authorized networks)", () => {
  const built = recordOnce(() => new GkeAutopilotCluster("obs", args()));
  const cluster = async () => onlyOfType((await built()).resources, CLUSTER);

  it("is an Autopilot cluster in the stack's region, named <prefix>-<env>-obs", async () => {
    expect((await cluster()).inputs).toMatchObject({
      enableAutopilot: true,
      location: "asia-northeast3",
      name: "m6-prod-obs",
      project: PROJECT,
    });
  });

  it("joins the VPC through a subnet of its own: Pod and Service secondary ranges, Private Google Access, flow logs", async () => {
    const { resources } = await built();
    const subnet = onlyOfType(resources, SUBNET);
    expect(subnet.inputs).toMatchObject({
      network: VPC,
      region: "asia-northeast3",
      ipCidrRange: "10.96.0.0/24",
      privateIpGoogleAccess: true,
      secondaryIpRanges: [
        { rangeName: "pods", ipCidrRange: "10.100.0.0/20" },
        { rangeName: "services", ipCidrRange: "10.96.4.0/22" },
      ],
      logConfig: { flowSampling: 0.5, aggregationInterval: "INTERVAL_5_SEC" },
    });
    expect((await cluster()).inputs).toMatchObject({
      network: VPC,
      subnetwork: subnet.id,
      ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
    });
  });

  it("has private nodes, and its control plane only on the DNS endpoint: IP endpoint off, IAM only", async () => {
    const inputs = (await cluster()).inputs;
    expect(inputs.privateClusterConfig).toEqual({ enablePrivateNodes: true });
    expect(inputs.controlPlaneEndpointsConfig).toEqual({
      dnsEndpointConfig: {
        allowExternalTraffic: true,
        enableK8sTokensViaDns: false,
        enableK8sCertsViaDns: false,
      },
      ipEndpointsConfig: { enabled: false },
    });
    expect(inputs).not.toHaveProperty("masterAuthorizedNetworksConfig");
    expect(inputs.masterAuth).toEqual({ clientCertificateConfig: { issueClientCertificate: false } });
  });

  it("follows the REGULAR release channel and enforces the project's Binary Authorization policy", async () => {
    expect((await cluster()).inputs).toMatchObject({
      releaseChannel: { channel: "REGULAR" },
      binaryAuthorization: { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" },
    });
  });

  it("runs its nodes as a dedicated service account with only roles/container.defaultNodeServiceAccount", async () => {
    const { resources } = await built();
    const account = onlyOfType(resources, ACCOUNT);
    expect(account.inputs.accountId).toBe("m6-prod-obs-nodes");
    const email = `m6-prod-obs-nodes@${PROJECT}.iam.gserviceaccount.com`;
    const grants = resourcesOfType(resources, MEMBER);
    expect(grants.map((g) => [g.inputs.role, g.inputs.member])).toEqual([
      ["roles/container.defaultNodeServiceAccount", `serviceAccount:${email}`],
    ]);
    const c = await cluster();
    expect(c.inputs.clusterAutoscaling).toEqual({
      autoProvisioningDefaults: {
        serviceAccount: email,
        oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
      },
    });
    expect(c.dependencies).toContain(grants[0]?.urn);
  });

  it("has Workload Identity (<project>.svc.id.goog) and exposes the pool read back from the cluster", async () => {
    const { result } = await built();
    expect((await cluster()).inputs.workloadIdentityConfig).toEqual({
      workloadPool: `${PROJECT}.svc.id.goog`,
    });
    expect(await valueOf(result.workloadPool)).toBe(`${PROJECT}.svc.id.goog`);
  });

  it("turns on Managed Service for Prometheus, GKE's default metric packages, and system and workload logs", async () => {
    expect((await cluster()).inputs).toMatchObject({
      // GKE's default packages written out: the provider sends the whole list, so a shorter one switches the
      // others off (resource_container_cluster.go expandMonitoringConfig).
      monitoringConfig: {
        enableComponents: [
          "SYSTEM_COMPONENTS",
          "STORAGE",
          "POD",
          "DEPLOYMENT",
          "STATEFULSET",
          "DAEMONSET",
          "HPA",
          "CADVISOR",
          "KUBELET",
        ],
        managedPrometheus: { enabled: true },
      },
      loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] },
    });
  });

  it("keeps the default maintenance window (12 hours a week) and is protected twice", async () => {
    const c = await cluster();
    expect(c.inputs.maintenancePolicy).toEqual({
      recurringWindow: {
        startTime: "2026-01-02T18:00:00Z",
        endTime: "2026-01-03T00:00:00Z",
        recurrence: "FREQ=WEEKLY;BYDAY=FR,SA",
      },
    });
    expect(c.inputs.deletionProtection).toBe(true);
    expect(c.protect).toBe(true);
  });

  it("builds a kubernetes provider keyed by the cluster id, exec-authenticated through the DNS endpoint", async () => {
    const { resources, result } = await built();
    const provider = onlyOfType(resources, K8S);
    const c = await cluster();
    expect(provider.inputs.clusterIdentifier).toBe(c.id);
    expect(c.id).toBe(`projects/${PROJECT}/locations/asia-northeast3/clusters/m6-prod-obs`);
    const config = kubeconfigOf(provider);
    const dns = await valueOf(result.dnsEndpoint);
    expect(dns).toMatch(/^gke-[0-9a-f]+-\d+\.asia-northeast3\.gke\.goog$/);
    expect(config.clusters).toEqual([
      { name: `gke_${PROJECT}_asia-northeast3_m6-prod-obs`, cluster: { server: `https://${dns}` } },
    ]);
    expect(config["current-context"]).toBe(`gke_${PROJECT}_asia-northeast3_m6-prod-obs`);
    expect(config.users[0]?.user).toEqual({
      exec: {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "gke-gcloud-auth-plugin",
        installHint: expect.stringContaining("gke-gcloud-auth-plugin") as unknown,
        provideClusterInfo: true,
      },
    });
    expect(provider.parent).toBe(onlyOfType(resources, "module6:gke:AutopilotCluster").urn);
  });

  it("puts no credential and no cluster CA in the provider (the DNS endpoint's certificate is public)", async () => {
    const provider = onlyOfType((await built()).resources, K8S);
    const text = JSON.stringify(provider.inputs);
    for (const key of [
      "token",
      "client-certificate",
      "client-key",
      "password",
      "certificate-authority",
      "auth-provider",
    ])
      expect(text, key).not.toContain(key);
    expect(text).not.toContain("undefined");
    expect(provider.inputs).toMatchObject({
      enableServerSideApply: "true",
      enablePatchForce: "false",
      deleteUnreachable: "false",
      skipUpdateUnreachable: "false",
    });
  });
});

describe("GkeAutopilotCluster options", () => {
  it("with authorized networks turns the IP endpoint on for them only (no Google Cloud public ranges)", async () => {
    const { resources } = await record(
      () =>
        new GkeAutopilotCluster(
          "obs-an",
          args({ name: "obsan", authorizedNetworks: [{ cidr: "203.0.113.0/24", displayName: "office" }] }),
        ),
    );
    const inputs = onlyOfType(resources, CLUSTER).inputs;
    expect(inputs.controlPlaneEndpointsConfig).toMatchObject({ ipEndpointsConfig: { enabled: true } });
    expect(inputs.masterAuthorizedNetworksConfig).toEqual({
      cidrBlocks: [{ cidrBlock: "203.0.113.0/24", displayName: "office" }],
      gcpPublicCidrsAccessEnabled: false,
    });
    expect(inputs.privateClusterConfig).toEqual({ enablePrivateNodes: true, enablePrivateEndpoint: false });
    // The provider still goes through the DNS endpoint.
    expect(String(onlyOfType(resources, K8S).inputs.kubeconfig)).toMatch(
      /"server":"https:\/\/gke-[^"]+\.gke\.goog"/,
    );
  });

  it("takes STABLE, a window, and no protection where a staging stack asks", async () => {
    const window = {
      startTime: "2026-01-03T00:00:00Z",
      endTime: "2026-01-03T06:00:00Z",
      recurrence: "FREQ=DAILY",
    };
    const { resources } = await record(
      () =>
        new GkeAutopilotCluster(
          "obs-st",
          args({
            name: "obsst",
            releaseChannel: "STABLE",
            maintenanceWindow: window,
            deletionProtection: false,
            protect: false,
          }),
        ),
    );
    const c = onlyOfType(resources, CLUSTER);
    expect(c.inputs).toMatchObject({
      releaseChannel: { channel: "STABLE" },
      maintenancePolicy: { recurringWindow: window },
      deletionProtection: false,
    });
    expect(c.protect).toBe(false);
  });
});

describe("validateGkeAutopilotClusterArgs", () => {
  const problems = (a: GkeAutopilotClusterArgs): string[] => {
    try {
      validateGkeAutopilotClusterArgs(a);
      return [];
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return error.problems.map((p) => `${p.path}: ${p.value}; ${p.allowed}`);
    }
  };
  const ranges = args().ranges;

  it("accepts the defaults", () => {
    expect(problems(args())).toEqual([]);
  });

  it.each<[string, Partial<GkeAutopilotClusterArgs>, RegExp]>([
    ["a name with '--'", { name: "obs--x" }, /^name: "obs--x"; 1-20 of a-z/],
    [
      "a channel outside REGULAR and STABLE",
      { releaseChannel: "RAPID" as never },
      /^releaseChannel: "RAPID"; one of REGULAR, STABLE/,
    ],
    [
      "the whole internet",
      { authorizedNetworks: [{ cidr: "0.0.0.0/0" }] },
      /authorizedNetworks\[0\]\.cidr: "0\.0\.0\.0\/0"; a range of \/8 or narrower: never 0\.0\.0\.0\/0/,
    ],
    [
      "an IPv6 /0",
      { authorizedNetworks: [{ cidr: "::/0" }] },
      /authorizedNetworks\[0\]\.cidr: "::\/0"; an IPv4 CIDR/,
    ],
    [
      "a CIDR with host bits",
      { authorizedNetworks: [{ cidr: "203.0.113.5/24" }] },
      /an IPv4 CIDR without host bits/,
    ],
    [
      "a network twice",
      { authorizedNetworks: [{ cidr: "203.0.113.0/24" }, { cidr: "203.0.113.0/24" }] },
      /authorizedNetworks\[1\]\.cidr: .*each network once/,
    ],
    [
      "51 networks",
      { authorizedNetworks: Array.from({ length: 51 }, (_, i) => ({ cidr: `198.51.${i}.0/24` })) },
      /^authorizedNetworks: "51 networks"; at most 50/,
    ],
    [
      "a public node range",
      { ranges: { ...ranges, nodes: "100.64.0.0/24" } },
      /^ranges\.nodes: "100\.64\.0\.0\/24"; a private \(RFC 1918\) range from \/16 to \/28/,
    ],
    [
      "a Pod range smaller than /24",
      { ranges: { ...ranges, pods: "10.100.0.0/26" } },
      /^ranges\.pods: .*from \/13 to \/24/,
    ],
    [
      "overlapping ranges",
      { ranges: { ...ranges, services: "10.96.0.0/25" } },
      /^ranges\.services: .*does not overlap ranges\.nodes/,
    ],
    [
      "a local time",
      {
        maintenanceWindow: {
          startTime: "2026-01-02T18:00:00+09:00",
          endTime: "2026-01-03T00:00:00Z",
          recurrence: "FREQ=DAILY",
        },
      },
      /^maintenanceWindow\.startTime: .*RFC 3339 time in UTC/,
    ],
    [
      "an impossible date",
      {
        maintenanceWindow: {
          startTime: "2026-02-30T18:00:00Z",
          endTime: "2026-03-01T00:00:00Z",
          recurrence: "FREQ=DAILY",
        },
      },
      /^maintenanceWindow\.startTime: "2026-02-30/,
    ],
    [
      "a 3-hour window",
      {
        maintenanceWindow: {
          startTime: "2026-01-02T18:00:00Z",
          endTime: "2026-01-02T21:00:00Z",
          recurrence: "FREQ=DAILY",
        },
      },
      /^maintenanceWindow\.endTime: .*4 to 24 hours after startTime/,
    ],
    [
      "a monthly rule",
      {
        maintenanceWindow: {
          startTime: "2026-01-02T18:00:00Z",
          endTime: "2026-01-03T02:00:00Z",
          recurrence: "FREQ=MONTHLY;BYMONTHDAY=1",
        },
      },
      /^maintenanceWindow\.recurrence: .*FREQ=DAILY or FREQ=WEEKLY;BYDAY/,
    ],
    [
      "a day twice",
      {
        maintenanceWindow: {
          startTime: "2026-01-02T18:00:00Z",
          endTime: "2026-01-03T02:00:00Z",
          recurrence: "FREQ=WEEKLY;BYDAY=SA,SA",
        },
      },
      /^maintenanceWindow\.recurrence: /,
    ],
    // The issue's own example: 8 hours on Saturdays is 32-40 hours in 32 days, under GKE's 48.
    [
      "8 hours a week",
      {
        maintenanceWindow: {
          startTime: "2026-01-03T18:00:00Z",
          endTime: "2026-01-04T02:00:00Z",
          recurrence: "FREQ=WEEKLY;BYDAY=SA",
        },
      },
      /^maintenanceWindow\.recurrence: .*at least 12 hours a week .*\(here 1 × 8 h\).*48 hours/,
    ],
    ["a flow-log sampling of 0", { flowLogs: { sampling: 0 } }, /^flowLogs\.sampling: 0;/],
    [
      "a cluster name over 40 characters",
      { name: "observability-plane1", naming: commonArgs("a-very-long-environment").naming },
      /^name: ".{41,}"; a cluster name of at most 40 characters/,
    ],
  ])("refuses %s", (_, overrides, message) => {
    const found = problems(args(overrides));
    expect(
      found.some((p) => message.test(p)),
      found.join("\n"),
    ).toBe(true);
  });

  it("accepts 12 hours a week exactly, and a daily 4-hour window", () => {
    const window = (startTime: string, endTime: string, recurrence: string) => ({
      maintenanceWindow: { startTime, endTime, recurrence },
    });
    expect(
      problems(args(window("2026-01-03T18:00:00Z", "2026-01-04T06:00:00Z", "FREQ=WEEKLY;BYDAY=SA"))),
    ).toEqual([]);
    expect(problems(args(window("2026-01-03T18:00:00Z", "2026-01-03T22:00:00Z", "FREQ=DAILY")))).toEqual([]);
    expect(
      problems(args(window("2026-01-03T18:00:00Z", "2026-01-04T05:59:00Z", "FREQ=WEEKLY;BYDAY=SA"))),
    ).toHaveLength(1);
  });

  it("creates nothing when an argument is wrong", async () => {
    const { resources } = await record(() => {
      expect(
        () => new GkeAutopilotCluster("bad", args({ authorizedNetworks: [{ cidr: "0.0.0.0/0" }] })),
      ).toThrow(ValidationError);
    });
    expect(resources).toEqual([]);
  });
});
