/**
 * Grafana under mocks: what the namespace, policies, service account, grants, Secret, ConfigMaps and Helm
 * release are given. The release is a plain custom resource here (no chart is rendered), so its inputs are
 * the assertion surface; the values are also checked as data.
 */
import { Provider } from "@pulumi/kubernetes/provider";
import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { Grafana, type GrafanaArgs } from "../../components/grafana";
import type { RecordedResource } from "../../plan/record";
import {
  commonArgs,
  installMocks,
  named,
  onlyOfType,
  record,
  recordOnce,
  resourcesOfType,
  valueOf,
} from "../helpers/pulumi";
import { leakProbe } from "../helpers/leak-probe";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const CONFIGMAP = "kubernetes:core/v1:ConfigMap";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const IAM_MEMBER = "gcp:projects/iAMMember:IAMMember";
/** What the patched mock answers as the random password: it must never reach a recorded input in clear. */
const FAKE_PASSWORD = leakProbe("grafana-admin");
const REGISTRY = "asia-northeast3-docker.pkg.dev/module6-test-000000/m6-test-dockerhub";

beforeAll(async () => {
  const recorder = await installMocks();
  // The plan's fake outputs do not model RandomPassword: answer a known value, in clear as a mock may, so
  // the test proves the component itself keeps it secret.
  const answer = recorder.mocks.newResource.bind(recorder.mocks);
  recorder.mocks.newResource = (args: pulumi.runtime.MockResourceArgs) =>
    args.type === "random:index/randomPassword:RandomPassword"
      ? { id: "none", state: { ...(args.inputs as Record<string, unknown>), result: FAKE_PASSWORD } }
      : answer(args);
});

function args(overrides: Partial<GrafanaArgs> = {}): GrafanaArgs {
  return {
    ...commonArgs(),
    provider: new Provider(`k8s-${Math.random().toString(36).slice(2, 8)}`, {
      kubeconfig: "fake-kubeconfig",
    }),
    workloadPool: "module6-test-000000.svc.id.goog",
    registry: REGISTRY,
    chart: { repository: "https://grafana-community.github.io/helm-charts", version: "12.11.1" },
    ...overrides,
  };
}

const defaults = recordOnce(
  () =>
    new Grafana(
      "grafana",
      args({
        viewerProjects: ["module6-test-000000", "module6-other-000000"],
        dashboards: {
          platform: { title: "Platform", panels: [] },
          "run-services": { title: "Run", panels: [] },
        },
      }),
    ),
);

const kubernetesObjects = (resources: readonly RecordedResource[]): RecordedResource[] =>
  resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));

describe("Grafana: namespace and network", () => {
  it("labels the namespace for Pod Security restricted (enforce, audit, warn) at a pinned version", async () => {
    const { resources } = await defaults();
    const ns = onlyOfType(resources, NAMESPACE);
    const metadata = ns.inputs.metadata as { name: string; labels: Record<string, string> };
    expect(metadata.name).toBe("grafana");
    expect(metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "v1.33",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": "v1.33",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": "v1.33",
      "app.kubernetes.io/managed-by": "pulumi",
    });
  });

  it("denies all ingress and egress in the namespace by default", async () => {
    const { resources } = await defaults();
    const deny = named(resources, NETPOL, "grafana-default-deny");
    expect(deny.inputs.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(deny.inputs.metadata).toMatchObject({ name: "default-deny", namespace: "grafana" });
  });

  it("allows Grafana only DNS, the metadata server and HTTPS to public addresses, and its port from the namespace", async () => {
    const { resources } = await defaults();
    const spec = named(resources, NETPOL, "grafana-allow").inputs.spec as Record<string, unknown>;
    expect(spec.podSelector).toEqual({
      matchLabels: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "grafana" },
    });
    expect(spec.ingress).toEqual([{ from: [{ podSelector: {} }], ports: [{ protocol: "TCP", port: 3000 }] }]);
    expect(spec.egress).toEqual([
      {
        to: [
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } },
          { ipBlock: { cidr: "169.254.20.10/32" } },
          { ipBlock: { cidr: "169.254.169.254/32" } },
        ],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
      { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
      { to: [{ ipBlock: { cidr: "169.254.169.252/32" } }], ports: [{ protocol: "TCP", port: 988 }] },
      {
        to: [
          {
            ipBlock: {
              cidr: "0.0.0.0/0",
              except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"],
            },
          },
        ],
        ports: [{ protocol: "TCP", port: 443 }],
      },
    ]);
  });

  it("sends every Kubernetes object to the given provider, in the namespace", async () => {
    const { resources } = await defaults();
    const provider = onlyOfType(resources, "pulumi:providers:kubernetes");
    const objects = kubernetesObjects(resources);
    expect(objects.map((r) => r.type).sort()).toEqual([
      CONFIGMAP,
      CONFIGMAP,
      CONFIGMAP,
      "kubernetes:core/v1:Namespace",
      "kubernetes:core/v1:Secret",
      "kubernetes:core/v1:ServiceAccount",
      RELEASE,
      NETPOL,
      NETPOL,
    ]);
    for (const r of objects) {
      expect(r.provider, `${r.type} ${r.name}`).toMatch(
        new RegExp(`^${provider.urn.replace(/[$^|]/g, "\\$&")}::`),
      );
      if (r.type !== NAMESPACE && r.type !== RELEASE)
        expect((r.inputs.metadata as { namespace?: string }).namespace).toBe("grafana");
    }
    expect(named(resources, RELEASE, "grafana-release").inputs.namespace).toBe("grafana");
  });
});

describe("Grafana: identity", () => {
  it("creates a service account that mounts no token", async () => {
    const { resources } = await defaults();
    const ksa = onlyOfType(resources, "kubernetes:core/v1:ServiceAccount");
    expect(ksa.inputs).toMatchObject({
      metadata: { name: "grafana", namespace: "grafana" },
      automountServiceAccountToken: false,
    });
  });

  it("grants monitoring.viewer on each viewer project to the service account's own principal, once per project", async () => {
    const { result, resources } = await defaults();
    const grants = resourcesOfType(resources, IAM_MEMBER);
    const member =
      "principal://iam.googleapis.com/projects/000000000000/locations/global/workloadIdentityPools/module6-test-000000.svc.id.goog/subject/ns/grafana/sa/grafana";
    expect(grants.map((g) => [g.name, g.inputs.project, g.inputs.role, g.inputs.member])).toEqual([
      ["grafana-viewer-module6-test-000000", "module6-test-000000", "roles/monitoring.viewer", member],
      ["grafana-viewer-module6-other-000000", "module6-other-000000", "roles/monitoring.viewer", member],
    ]);
    expect(await valueOf(result.principal)).toBe(member);
    for (const g of grants) expect(String(g.inputs.member)).not.toMatch(/principalSet|serviceAccount:/);
  });

  it("always grants its own project and reads it by default, whatever other projects are listed first", async () => {
    const { resources } = await record(
      () =>
        new Grafana(
          "grafana-others",
          args({ viewerProjects: ["module6-other-000000", "module6-test-000000", "module6-third-000000"] }),
        ),
    );
    expect(resourcesOfType(resources, IAM_MEMBER).map((g) => [g.name, g.inputs.project])).toEqual([
      ["grafana-others-viewer-module6-test-000000", "module6-test-000000"],
      ["grafana-others-viewer-module6-other-000000", "module6-other-000000"],
      ["grafana-others-viewer-module6-third-000000", "module6-third-000000"],
    ]);
    const cm = named(resources, CONFIGMAP, "grafana-others-datasources");
    const file = parse((cm.inputs.data as Record<string, string>)["datasources.yaml"] as string) as {
      datasources: { jsonData: { defaultProject: string } }[];
    };
    expect(file.datasources.map((d) => d.jsonData.defaultProject)).toEqual(["module6-test-000000"]);
  });

  it("grants its own project when the other projects do not name it", async () => {
    const { resources } = await record(
      () => new Grafana("grafana-only-other", args({ viewerProjects: ["module6-other-000000"] })),
    );
    expect(resourcesOfType(resources, IAM_MEMBER).map((g) => g.inputs.project)).toEqual([
      "module6-test-000000",
      "module6-other-000000",
    ]);
  });

  it("uses a given project number, namespace and service account name in the principal", async () => {
    const { resources } = await record(
      () =>
        new Grafana(
          "grafana-named",
          args({
            projectNumber: "123456789012",
            namespace: "observability",
            serviceAccountName: "dashboards",
          }),
        ),
    );
    expect(onlyOfType(resources, IAM_MEMBER).inputs).toMatchObject({
      project: "module6-test-000000",
      member:
        "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/module6-test-000000.svc.id.goog/subject/ns/observability/sa/dashboards",
    });
  });

  it("makes the grants wait for the cluster whose workload pool they name", async () => {
    const { resources } = await record(() => {
      const cluster = new gcp.container.Cluster("obs-cluster", {
        location: "asia-northeast3",
        enableAutopilot: true,
        workloadIdentityConfig: { workloadPool: "module6-test-000000.svc.id.goog" },
      });
      const pool = cluster.workloadIdentityConfig.apply((c) => c?.workloadPool ?? "");
      return new Grafana("grafana-after-cluster", args({ workloadPool: pool }));
    });
    const cluster = onlyOfType(resources, "gcp:container/cluster:Cluster");
    const grant = onlyOfType(resources, IAM_MEMBER);
    expect(grant.dependencies).toContain(cluster.urn);
    expect(String(grant.inputs.member)).toContain("/workloadIdentityPools/module6-test-000000.svc.id.goog/");
  });
});

describe("Grafana: admin password", () => {
  it("keeps the password a secret in the Kubernetes Secret, and in clear nowhere", async () => {
    const { resources } = await defaults();
    const secret = onlyOfType(resources, "kubernetes:core/v1:Secret");
    expect(secret.inputs).toMatchObject({
      metadata: { name: "grafana-admin", namespace: "grafana" },
      type: "Opaque",
      // The component wraps the password as a secret and the Kubernetes SDK marks all of stringData secret.
      stringData: "[secret]",
    });
    expect(onlyOfType(resources, "random:index/randomPassword:RandomPassword").inputs).toMatchObject({
      length: 32,
    });
    for (const r of resources) {
      expect(JSON.stringify(r.inputs), `${r.type} ${r.name} inputs`).not.toContain(FAKE_PASSWORD);
      if (r.type !== "random:index/randomPassword:RandomPassword")
        expect(JSON.stringify(r.outputs), `${r.type} ${r.name} outputs`).not.toContain(FAKE_PASSWORD);
    }
    const values = named(resources, RELEASE, "grafana-release").inputs.values as Record<string, unknown>;
    expect(values.admin).toEqual({
      existingSecret: "grafana-admin",
      userKey: "admin-user",
      passwordKey: "admin-password",
    });
    expect(JSON.stringify(values)).not.toMatch(/adminPassword|GF_SECURITY_ADMIN_PASSWORD/);
  });
});

describe("Grafana: data source and dashboards", () => {
  it("provisions the Cloud Monitoring data source with metadata-server credentials and its own project", async () => {
    const { resources } = await defaults();
    const cm = named(resources, CONFIGMAP, "grafana-datasources");
    expect(cm.inputs.metadata).toMatchObject({ name: "grafana-datasources", namespace: "grafana" });
    const file: unknown = parse((cm.inputs.data as Record<string, string>)["datasources.yaml"] as string);
    expect(file).toEqual({
      apiVersion: 1,
      datasources: [
        {
          name: "Google Cloud Monitoring",
          uid: "cloud-monitoring",
          type: "stackdriver",
          access: "proxy",
          isDefault: true,
          editable: false,
          jsonData: { authenticationType: "gce", defaultProject: "module6-test-000000" },
        },
      ],
    });
  });

  it("puts each dashboard in its own ConfigMap and provisions it read-only from there", async () => {
    const { resources } = await defaults();
    const platform = named(resources, CONFIGMAP, "grafana-dashboard-platform");
    expect(platform.inputs.metadata).toMatchObject({
      name: "grafana-dashboard-platform",
      namespace: "grafana",
    });
    expect(JSON.parse((platform.inputs.data as Record<string, string>)["platform.json"] as string)).toEqual({
      title: "Platform",
      panels: [],
    });
    named(resources, CONFIGMAP, "grafana-dashboard-run-services");
    const values = named(resources, RELEASE, "grafana-release").inputs.values as Record<string, unknown>;
    expect(values.dashboardsConfigMaps).toEqual({
      platform: "grafana-dashboard-platform",
      "run-services": "grafana-dashboard-run-services",
    });
    expect(values.dashboardProviders).toEqual({
      "dashboardproviders.yaml": {
        apiVersion: 1,
        providers: ["platform", "run-services"].map((key) => ({
          name: key,
          orgId: 1,
          folder: "module6",
          type: "file",
          disableDeletion: true,
          allowUiUpdates: false,
          updateIntervalSeconds: 60,
          options: { path: `/var/lib/grafana/dashboards/${key}` },
        })),
      },
    });
    expect(values.extraConfigmapMounts).toEqual([
      {
        name: "datasources",
        mountPath: "/etc/grafana/provisioning/datasources",
        configMap: "grafana-datasources",
        readOnly: true,
      },
    ]);
    // No sidecar: no image to pull from quay.io, no RBAC to read ConfigMaps.
    expect(values).not.toHaveProperty("sidecar");
    expect(values.rbac).toEqual({ create: false });
  });

  it("restarts Grafana when the data source file changes (a checksum annotation)", async () => {
    const { resources } = await defaults();
    const values = named(resources, RELEASE, "grafana-release").inputs.values as Record<string, unknown>;
    expect((values.podAnnotations as Record<string, string>)["module6.dev/datasources-sha256"]).toMatch(
      /^[0-9a-f]{64}$/,
    );
  });
});

describe("Grafana: the Helm release", () => {
  it("installs the pinned chart from its repository, atomically, with cleanup on failure and a timeout", async () => {
    const { resources } = await defaults();
    const release = named(resources, RELEASE, "grafana-release");
    expect(release.inputs).toMatchObject({
      name: "grafana",
      namespace: "grafana",
      chart: "grafana",
      version: "12.11.1",
      repositoryOpts: { repo: "https://grafana-community.github.io/helm-charts" },
      atomic: true,
      cleanupOnFail: true,
      timeout: 600,
      createNamespace: false,
    });
    // Created after what the chart reads by name, and after the namespace's policies.
    for (const dep of ["kubernetes:core/v1:ServiceAccount", "kubernetes:core/v1:Secret"])
      expect(release.dependencies).toContain(onlyOfType(resources, dep).urn);
    for (const [type, logical] of [
      [CONFIGMAP, "grafana-datasources"],
      [CONFIGMAP, "grafana-dashboard-platform"],
      [NETPOL, "grafana-default-deny"],
      [NETPOL, "grafana-allow"],
    ] as const)
      expect(release.dependencies).toContain(named(resources, type, logical).urn);
  });

  it("takes an OCI chart by its full reference, without repositoryOpts", async () => {
    const { resources } = await record(
      () =>
        new Grafana(
          "grafana-oci",
          args({ chart: { repository: "oci://ghcr.io/grafana-community/helm-charts", version: "12.11.1" } }),
        ),
    );
    const release = onlyOfType(resources, RELEASE);
    expect(release.inputs.chart).toBe("oci://ghcr.io/grafana-community/helm-charts/grafana");
    expect(release.inputs).not.toHaveProperty("repositoryOpts");
  });

  it("sets requests equal to limits, the image from the mirror, and a restricted, private, stateless pod", async () => {
    const { resources } = await defaults();
    const values = named(resources, RELEASE, "grafana-release").inputs.values as Record<string, unknown>;
    expect(values).toMatchObject({
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "250m", memory: "512Mi" } },
      global: { imageRegistry: REGISTRY },
      image: { registry: REGISTRY, repository: "grafana/grafana", pullPolicy: "IfNotPresent" },
      serviceAccount: { create: false, name: "grafana" },
      automountServiceAccountToken: false,
      testFramework: { enabled: false },
      persistence: { enabled: false },
      initChownData: { enabled: false },
      service: { type: "ClusterIP", port: 80, targetPort: 3000 },
      ingress: { enabled: false },
      "grafana.ini": {
        "auth.anonymous": { enabled: false },
        analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false },
        users: { allow_sign_up: false },
        plugins: { preinstall_disabled: true, preinstall_auto_update: false },
      },
    });
    expect(values.image).not.toHaveProperty("sha");
  });

  it("sets a pod and container security context that Pod Security restricted admits", async () => {
    const { resources } = await defaults();
    const values = named(resources, RELEASE, "grafana-release").inputs.values as {
      securityContext: Record<string, unknown>;
      containerSecurityContext: Record<string, unknown>;
    };
    // https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
    const pod = values.securityContext;
    const container = values.containerSecurityContext;
    expect(pod.runAsNonRoot).toBe(true);
    expect(pod.runAsUser).not.toBe(0);
    expect(pod.seccompProfile).toEqual({ type: "RuntimeDefault" });
    expect(container.allowPrivilegeEscalation).toBe(false);
    expect(container.privileged).toBe(false);
    expect(container.capabilities).toEqual({ drop: ["ALL"] });
    expect(container.seccompProfile).toEqual({ type: "RuntimeDefault" });
  });

  it("pins the image by digest and takes other resources, release and namespace names when given", async () => {
    const digest = "a".repeat(64);
    const { result, resources } = await record(
      () =>
        new Grafana(
          "grafana-custom",
          args({
            imageDigest: digest,
            resources: { cpu: "500m", memory: "1Gi" },
            releaseName: "dashboards",
            namespace: "obs",
            timeoutSeconds: 900,
          }),
        ),
    );
    const release = onlyOfType(resources, RELEASE);
    expect(release.inputs).toMatchObject({ name: "dashboards", namespace: "obs", timeout: 900 });
    expect(release.inputs.values).toMatchObject({
      image: { sha: digest },
      resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "500m", memory: "1Gi" } },
      admin: { existingSecret: "dashboards-admin" },
    });
    expect(named(resources, NETPOL, "grafana-custom-allow").inputs.spec).toMatchObject({
      podSelector: { matchLabels: { "app.kubernetes.io/instance": "dashboards" } },
    });
    expect(result.portForwardCommand).toBe("kubectl -n obs port-forward svc/dashboards 3000:80");
  });

  it("keeps stable logical names", async () => {
    const { resources } = await defaults();
    expect(resources.filter((r) => r.custom).map((r) => `${r.type} ${r.name}`)).toEqual(
      expect.arrayContaining([
        `${NAMESPACE} grafana-ns`,
        `${NETPOL} grafana-default-deny`,
        `${NETPOL} grafana-allow`,
        "kubernetes:core/v1:ServiceAccount grafana-ksa",
        "random:index/randomPassword:RandomPassword grafana-admin-password",
        "kubernetes:core/v1:Secret grafana-admin",
        `${CONFIGMAP} grafana-datasources`,
        `${CONFIGMAP} grafana-dashboard-platform`,
        `${RELEASE} grafana-release`,
        `${IAM_MEMBER} grafana-viewer-module6-test-000000`,
      ]),
    );
    const component = resources.find(
      (r) => r.type === "module6:observability:Grafana" && r.name === "grafana",
    );
    expect(component).toBeDefined();
    for (const r of resources.filter((x) => x.custom && x.type !== "pulumi:providers:kubernetes"))
      expect(r.parent, `${r.type} ${r.name}`).toBe(component?.urn);
  });
});

describe("Grafana: providers", () => {
  it("creates the password with the random provider its parent passes down", async () => {
    const { resources } = await record(() => {
      const randomProvider = new random.Provider("grafana-random", {});
      return new Grafana("grafana-providers", args(), { providers: [randomProvider] });
    });
    const randomProvider = onlyOfType(resources, "pulumi:providers:random");
    expect(onlyOfType(resources, "random:index/randomPassword:RandomPassword").provider).toMatch(
      new RegExp(`^${randomProvider.urn.replace(/[$^|]/g, "\\$&")}::`),
    );
  });
});
