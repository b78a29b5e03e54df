/**
 * Grafana on the observability cluster, reading Cloud Monitoring and Managed Service for Prometheus as its
 * own Workload Identity principal.
 *
 * Usage (stacks/observability.ts, after the cluster and a Docker Hub mirror exist):
 *
 *   const mirror = new DockerHubMirror("obs-mirror", { ...common });            // components/grafana-registry.ts
 *   const nodesRead = mirror.grantRead(cluster.nodeMember, "nodes");
 *   const grafana = new Grafana("grafana", {
 *     ...common,                                    // project (the cluster's), region, labels, naming
 *     provider: cluster.provider,                   // every Kubernetes object goes to this cluster
 *     workloadPool: cluster.workloadPool,           // "<project>.svc.id.goog"
 *     registry: mirror.url,
 *     chart: { repository: "https://grafana-community.github.io/helm-charts", version: "12.11.1" },
 *     viewerProjects: ["<other-project>"],          // roles/monitoring.viewer on each, besides project
 *     resources: { cpu: "250m", memory: "512Mi" },
 *     dashboards: { platform: grafanaDashboard(...) },  // components/monitoring/grafana-dashboard.ts
 *   }, { dependsOn: [nodesRead] });                 // the nodes may pull the images first
 *
 * Then: `kubectl -n grafana port-forward svc/grafana 3000:80` (grafana.portForwardCommand) and the admin
 * password from `kubectl -n grafana get secret grafana-admin -o jsonpath='{.data.admin-password}' | base64 -d`.
 *
 * What it creates: a namespace enforcing Pod Security "restricted", a default-deny NetworkPolicy plus one that
 * allows Grafana DNS, the metadata server and HTTPS to Google APIs; a Kubernetes service account granted
 * roles/monitoring.viewer on its own project and each other viewer project through its Workload Identity
 * principal; the admin password (a Pulumi secret) in a Kubernetes Secret; a data source ConfigMap and one
 * ConfigMap per dashboard; and the grafana-community chart as a Helm release.
 */
import { createHash } from "node:crypto";
import * as gcp from "@pulumi/gcp";
import { ConfigMap, Namespace, Secret, ServiceAccount } from "@pulumi/kubernetes/core/v1";
// The Release module itself: helm/v3/index also loads the v3 Chart (helm.ts) and through it every Kubernetes
// kind, ~270 ms against ~7 ms (measured with require() after @pulumi/pulumi, @pulumi/gcp and @pulumi/random).
import { Release } from "@pulumi/kubernetes/helm/v3/release";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import type { Provider } from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { cloudMonitoringDatasource, renderDatasourceFile } from "./grafana-datasources";
import { defaultDenySpec, grafanaAllowSpec } from "./grafana-network";
import { autopilotProblems, CONFIGMAP_MAX_BYTES, GRAFANA_RULES } from "./grafana-rules";
import { GRAFANA_PORT, grafanaValues, type GrafanaValues, type ResourceQuantities } from "./grafana-values";
import { Component } from "./shared/component";
import type { CommonArgs } from "./shared/types";
import { isKnown, Problems } from "./shared/validation";

/** The Helm chart Grafana is installed from. */
export interface GrafanaChart {
  /**
   * Chart repository: `https://…` (a Helm repository) or `oci://…` (an OCI registry). The chart moved from
   * grafana/helm-charts to grafana-community/helm-charts (its README: "helm repo add grafana-community
   * https://grafana-community.github.io/helm-charts", or `oci://ghcr.io/grafana-community/helm-charts`).
   */
  readonly repository: string;
  /**
   * Chart name in the repository.
   * @default "grafana"
   */
  readonly name?: string;
  /** Exact chart version (`12.11.1`); it also pins the Grafana image (the chart's appVersion). */
  readonly version: string;
}

/**
 * Arguments of {@link Grafana}. `project` is the cluster's project: its workload pool names the principal, Grafana
 * may always read its metrics, and it is the data source's default project. It must be a known project id (it
 * names the viewer grant).
 */
export interface GrafanaArgs extends CommonArgs {
  /** The cluster's Kubernetes provider: passed as `provider` to every Kubernetes object. */
  readonly provider: Provider;
  /**
   * Number of the cluster's project (the principal names the pool by project number).
   * @default - looked up with `gcp.organizations.getProjectOutput({ projectId: project })`
   */
  readonly projectNumber?: pulumi.Input<string>;
  /**
   * The cluster's workload identity pool, `<project>.svc.id.goog`. Pass the cluster's output
   * (`GkeAutopilotCluster.workloadPool`): the grants then wait for the cluster, whose creation creates the pool.
   */
  readonly workloadPool: pulumi.Input<string>;
  /**
   * Namespace Grafana runs in (created here, labelled for Pod Security "restricted").
   * @default "grafana"
   */
  readonly namespace?: string;
  /** The chart: repository, name and exact version. */
  readonly chart: GrafanaChart;
  /**
   * Other projects whose metrics Grafana reads, besides `project` (always granted, and the data source's default
   * project; listing it here changes nothing): `roles/monitoring.viewer` on each for Grafana's principal.
   * @default - none: `project` alone
   */
  readonly viewerProjects?: readonly string[];
  /**
   * CPU and memory of the Grafana container, requests equal to limits (Autopilot bills requests).
   * @default { cpu: "250m", memory: "512Mi" }
   */
  readonly resources?: Partial<ResourceQuantities>;
  /**
   * Grafana dashboard JSON models by key (components/monitoring/grafana-dashboard.ts renders them); each goes
   * into its own ConfigMap, provisioned read-only into the dashboard folder. Keys are DNS-1123 labels of at
   * most 52 characters. A dashboard may be an output (the stack's is rendered from widgets whose names are
   * outputs): it is checked once known.
   * @default {}
   */
  readonly dashboards?: Readonly<Record<string, pulumi.Input<unknown>>>;
  /**
   * Registry host and path images are pulled from: a Docker Hub remote repository
   * (`DockerHubMirror.url`, `<region>-docker.pkg.dev/<project>/<repository>`).
   */
  readonly registry: pulumi.Input<string>;
  /**
   * Pins the Grafana image by digest (hex, without `sha256:`) on top of the chart's appVersion tag.
   * @default - the tag of the chart's appVersion
   */
  readonly imageDigest?: string;
  /**
   * Helm release name; also the name of the Service and the prefix of the Secret and ConfigMaps.
   * @default "grafana"
   */
  readonly releaseName?: string;
  /**
   * Name of Grafana's Kubernetes service account (the principal's `sa/<name>`).
   * @default "grafana"
   */
  readonly serviceAccountName?: string;
  /**
   * The Pod Security Standards version the namespace's labels pin (enforce, audit and warn).
   * @default "v1.33"
   */
  readonly podSecurityVersion?: string;
  /**
   * Seconds Helm waits for the release to become ready before it rolls back (atomic).
   * @default 600
   */
  readonly timeoutSeconds?: number;
  /**
   * Grafana folder the dashboards are provisioned into.
   * @default "module6"
   */
  readonly dashboardFolder?: string;
}

/** What an unset field of {@link GrafanaArgs} means. */
export const GRAFANA_DEFAULTS = {
  namespace: "grafana",
  chartName: "grafana",
  resources: { cpu: "250m", memory: "512Mi" },
  releaseName: "grafana",
  serviceAccountName: "grafana",
  // Pinned rather than `latest`, so a cluster upgrade does not change what the namespace admits
  // (https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces).
  podSecurityVersion: "v1.33",
  timeoutSeconds: 600,
  dashboardFolder: "module6",
} as const;

/** The role Grafana's principal gets on each viewer project. */
export const GRAFANA_VIEWER_ROLE = "roles/monitoring.viewer";

/** Checks {@link GrafanaArgs}; throws one `ValidationError` naming every problem. */
export function validateGrafanaArgs(args: GrafanaArgs): void {
  const p = new Problems("Grafana");
  const d = GRAFANA_DEFAULTS;
  const r = GRAFANA_RULES;
  p.rule("namespace", args.namespace ?? d.namespace, r.namespace);
  p.rule("releaseName", args.releaseName ?? d.releaseName, r.releaseName);
  p.rule("serviceAccountName", args.serviceAccountName ?? d.serviceAccountName, r.serviceAccountName);
  p.rule("chart.repository", args.chart.repository, r.chartRepository);
  p.rule("chart.name", args.chart.name ?? d.chartName, r.chartName);
  p.rule("chart.version", args.chart.version, r.chartVersion);
  p.rule("podSecurityVersion", args.podSecurityVersion ?? d.podSecurityVersion, r.podSecurityVersion);
  p.integer("timeoutSeconds", args.timeoutSeconds ?? d.timeoutSeconds, 60, 3600);
  if (args.imageDigest !== undefined) p.rule("imageDigest", args.imageDigest, r.imageDigest);
  const cpu = args.resources?.cpu ?? d.resources.cpu;
  const memory = args.resources?.memory ?? d.resources.memory;
  for (const [field, allowed] of autopilotProblems(cpu, memory)) {
    p.add(`resources.${field}`, field === "cpu" ? cpu : memory, allowed);
  }
  if (isKnown(args.project)) p.rule("project", args.project, r.projectId);
  else p.add("project", args.project, "a project id known when the program runs (it names the viewer grant)");
  const others = args.viewerProjects ?? [];
  others.forEach((v, i) => p.rule(`viewerProjects[${i}]`, v, r.projectId));
  p.check(new Set(others).size === others.length, "viewerProjects", others, "each project once");
  for (const [key, dashboard] of Object.entries(args.dashboards ?? {})) {
    p.rule(`dashboards.${key}`, key, r.dashboardKey);
    if (!isKnown(dashboard)) continue;
    const isObject = typeof dashboard === "object" && dashboard !== null && !Array.isArray(dashboard);
    if (!p.check(isObject, `dashboards.${key}`, typeof dashboard, "a Grafana dashboard JSON object"))
      continue;
    const bytes = Buffer.byteLength(JSON.stringify(dashboard), "utf8");
    p.check(
      bytes <= CONFIGMAP_MAX_BYTES,
      `dashboards.${key}`,
      `${bytes} bytes`,
      "at most 1 MiB of JSON (a ConfigMap's limit)",
    );
  }
  p.throwIfAny();
}

/**
 * The Workload Identity Federation for GKE principal of a Kubernetes service account: exactly one namespace
 * and service account, never the pool (`principalSet://…`), no Google service account to impersonate
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity, "Configure authorization and
 * principals").
 */
export function workloadIdentityPrincipal(
  projectNumber: string,
  workloadPool: string,
  namespace: string,
  serviceAccount: string,
): string {
  return `principal://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${workloadPool}/subject/ns/${namespace}/sa/${serviceAccount}`;
}

/** A dashboard as its ConfigMap holds it: JSON within a ConfigMap's 1 MiB (checked here when it was an output). */
function dashboardJson(key: string, dashboard: unknown): string {
  const text = JSON.stringify(dashboard);
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > CONFIGMAP_MAX_BYTES)
    throw new pulumi.RunError(`Grafana: dashboard ${key} is ${bytes} bytes, over a ConfigMap's 1 MiB`);
  return text;
}

/** The environment's labels that are valid Kubernetes labels, plus the recommended `app.kubernetes.io/*` ones. */
export function kubernetesLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  // Names and values: at most 63 of [A-Za-z0-9_.-], starting and ending alphanumeric (values may be empty)
  // (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set).
  const ok = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
  const kept = Object.entries(labels).filter(([k, v]) => k !== "" && ok.test(k) && ok.test(v));
  return {
    ...Object.fromEntries(kept),
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/part-of": "module6-observability",
  };
}

/**
 * Grafana from the grafana-community Helm chart on a GKE Autopilot cluster: private (port-forward), with its
 * own Workload Identity principal as the only credential.
 */
export class Grafana extends Component {
  readonly namespace: Namespace;
  readonly serviceAccount: ServiceAccount;
  /** The principal granted `roles/monitoring.viewer` on `project` and each other viewer project. */
  readonly principal: pulumi.Output<string>;
  readonly release: Release;
  /** The Kubernetes Secret that holds the admin user and password. */
  readonly adminSecretName: string;
  /** How to reach Grafana on http://localhost:3000. */
  readonly portForwardCommand: string;
  /** The chart values of the release (data; tests and docs read them). */
  readonly values: GrafanaValues;

  constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
    validateGrafanaArgs(args);
    super("module6:observability:Grafana", name, opts);
    const d = GRAFANA_DEFAULTS;
    const ns = args.namespace ?? d.namespace;
    const releaseName = args.releaseName ?? d.releaseName;
    const ksaName = args.serviceAccountName ?? d.serviceAccountName;
    const psaVersion = args.podSecurityVersion ?? d.podSecurityVersion;
    const resources: ResourceQuantities = {
      cpu: args.resources?.cpu ?? d.resources.cpu,
      memory: args.resources?.memory ?? d.resources.memory,
    };
    // Validated: a known project id. Its own project first, then the others, each once.
    const project = args.project as string;
    const viewers = [...new Set([project, ...(args.viewerProjects ?? [])])];
    const labels = kubernetesLabels(args.labels);
    const k8s = (extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions =>
      this.child({ ...extra, provider: args.provider });

    // Pod Security Admission: enforce, audit and warn at "restricted", each pinned to one policy version
    // (https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces).
    const psa = Object.fromEntries(
      (["enforce", "audit", "warn"] as const).flatMap((mode) => [
        [`pod-security.kubernetes.io/${mode}`, "restricted"],
        [`pod-security.kubernetes.io/${mode}-version`, psaVersion],
      ]),
    );
    this.namespace = new Namespace(
      `${name}-ns`,
      { metadata: { name: ns, labels: { ...labels, ...psa } } },
      k8s(),
    );
    const namespace = this.namespace.metadata.name;
    const inNamespace = (objectName: string) => ({ name: objectName, namespace, labels });

    const denyAll = new NetworkPolicy(
      `${name}-default-deny`,
      { metadata: inNamespace("default-deny"), spec: defaultDenySpec() },
      k8s(),
    );
    const podLabels = {
      "app.kubernetes.io/name": args.chart.name ?? d.chartName,
      "app.kubernetes.io/instance": releaseName,
    };
    const allowGrafana = new NetworkPolicy(
      `${name}-allow`,
      { metadata: inNamespace(`${releaseName}-allow`), spec: grafanaAllowSpec(podLabels, GRAFANA_PORT) },
      k8s(),
    );

    // Without the sidecars nothing in the pod calls the Kubernetes API: no token is mounted. Workload Identity
    // does not need it: a client asks the metadata server for a token with only the `Metadata-Flavor: Google`
    // header (https://cloud.google.com/compute/docs/metadata/querying-metadata), no credential of its own, so
    // the GKE metadata server knows the pod, and its service account, by the request's address.
    this.serviceAccount = new ServiceAccount(
      `${name}-ksa`,
      { metadata: inNamespace(ksaName), automountServiceAccountToken: false },
      k8s(),
    );

    const projectNumber =
      args.projectNumber ??
      gcp.organizations.getProjectOutput({ projectId: args.project }, this.invokeOptions()).apply((p) => {
        if (!p.number) throw new pulumi.RunError(`Grafana: project ${p.projectId} has no project number`);
        return p.number;
      });
    this.principal = pulumi
      .all([projectNumber, args.workloadPool])
      .apply(([number, pool]) => workloadIdentityPrincipal(number, pool, ns, ksaName));
    for (const project of viewers) {
      new gcp.projects.IAMMember(
        `${name}-viewer-${project}`,
        { project, role: GRAFANA_VIEWER_ROLE, member: this.principal },
        this.child(),
      );
    }

    // The admin password: random, kept in state only as a secret, handed to the chart by Secret name.
    const password = new random.RandomPassword(
      `${name}-admin-password`,
      { length: 32, special: false },
      this.child(),
    );
    this.adminSecretName = `${releaseName}-admin`;
    const adminSecret = new Secret(
      `${name}-admin`,
      {
        metadata: inNamespace(this.adminSecretName),
        type: "Opaque",
        stringData: { "admin-user": "admin", "admin-password": pulumi.secret(password.result) },
      },
      k8s(),
    );

    // The default project of the data source is the cluster's own (the stack's), whatever else Grafana may read.
    const datasourceFile = renderDatasourceFile(cloudMonitoringDatasource(project));
    const datasources = new ConfigMap(
      `${name}-datasources`,
      { metadata: inNamespace(`${releaseName}-datasources`), data: { "datasources.yaml": datasourceFile } },
      k8s(),
    );
    const dashboardMaps: Record<string, string> = {};
    const dashboards = Object.entries(args.dashboards ?? {}).map(([key, dashboard]) => {
      dashboardMaps[key] = `${releaseName}-dashboard-${key}`;
      return new ConfigMap(
        `${name}-dashboard-${key}`,
        {
          metadata: inNamespace(dashboardMaps[key]),
          data: {
            [`${key}.json`]: pulumi
              .output(dashboard as pulumi.Input<object>)
              .apply((d) => dashboardJson(key, d)),
          },
        },
        k8s(),
      );
    });

    this.values = grafanaValues({
      registry: args.registry,
      ...(args.imageDigest ? { imageDigest: args.imageDigest } : {}),
      serviceAccountName: ksaName,
      resources,
      adminSecretName: this.adminSecretName,
      datasourcesConfigMap: `${releaseName}-datasources`,
      dashboardConfigMaps: dashboardMaps,
      dashboardFolder: args.dashboardFolder ?? d.dashboardFolder,
      datasourcesChecksum: createHash("sha256").update(datasourceFile).digest("hex"),
    });
    const oci = args.chart.repository.startsWith("oci://");
    const chartName = args.chart.name ?? d.chartName;
    this.release = new Release(
      `${name}-release`,
      {
        name: releaseName,
        namespace,
        // An OCI chart is addressed by its full reference; a Helm repository by name + repositoryOpts.repo
        // (node_modules/@pulumi/kubernetes/helm/v3/release.d.ts).
        chart: oci ? `${args.chart.repository.replace(/\/+$/, "")}/${chartName}` : chartName,
        version: args.chart.version,
        ...(oci ? {} : { repositoryOpts: { repo: args.chart.repository } }),
        // A failed install or upgrade rolls back and deletes what it created (helm upgrade --atomic --cleanup-on-fail).
        atomic: true,
        cleanupOnFail: true,
        timeout: args.timeoutSeconds ?? d.timeoutSeconds,
        createNamespace: false,
        maxHistory: 10,
        values: { ...this.values },
      },
      // After what the chart reads by name, and after the policies, so Grafana starts with its egress open.
      k8s({
        dependsOn: [this.serviceAccount, adminSecret, datasources, ...dashboards, denyAll, allowGrafana],
      }),
    );
    this.portForwardCommand = `kubectl -n ${ns} port-forward svc/${releaseName} 3000:80`;
    this.registerOutputs({
      principal: this.principal,
      namespace,
      portForwardCommand: this.portForwardCommand,
    });
  }
}
