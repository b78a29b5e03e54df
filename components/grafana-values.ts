/**
 * The Helm values of the Grafana release, typed and built by a pure function so tests read them as data.
 * Keys are those of the grafana-community chart's values.yaml (grafana-community/helm-charts
 * charts/grafana/values.yaml, chart 12.11.1); only what this program sets is typed.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Where Grafana's files live in the chart's pod (charts/grafana/templates/_pod.tpl). */
export const GRAFANA_PATHS = {
  /** Provisioned data sources: Grafana reads every file here at start-up. */
  datasources: "/etc/grafana/provisioning/datasources",
  /** The chart mounts `dashboardsConfigMaps.<key>` at `/var/lib/grafana/dashboards/<key>`. */
  dashboards: "/var/lib/grafana/dashboards",
} as const;

/** Grafana's HTTP port in the container (the chart's `service.targetPort`). */
export const GRAFANA_PORT = 3000;
/** The UID and GID of the Grafana image's `grafana` user (the chart's default `securityContext`). */
export const GRAFANA_UID = 472;

/** Requests and limits of one container, as Kubernetes quantities. */
export interface ResourceQuantities {
  readonly cpu: string;
  readonly memory: string;
}

/** A file dashboard provider (https://grafana.com/docs/grafana/latest/administration/provisioning/#dashboards). */
export interface DashboardProvider {
  readonly name: string;
  readonly orgId: number;
  readonly folder: string;
  readonly type: "file";
  readonly disableDeletion: boolean;
  readonly allowUiUpdates: boolean;
  readonly updateIntervalSeconds: number;
  readonly options: { readonly path: string };
}

/** The chart values this program sets. */
export interface GrafanaValues {
  readonly global: { readonly imageRegistry: pulumi.Input<string> };
  readonly image: {
    readonly registry: pulumi.Input<string>;
    readonly repository: string;
    readonly sha?: string;
    readonly pullPolicy: "IfNotPresent";
  };
  readonly replicas: 1;
  readonly testFramework: { readonly enabled: false };
  readonly rbac: { readonly create: false };
  readonly serviceAccount: { readonly create: false; readonly name: string };
  readonly automountServiceAccountToken: false;
  readonly resources: { readonly requests: ResourceQuantities; readonly limits: ResourceQuantities };
  readonly securityContext: {
    readonly runAsNonRoot: true;
    readonly runAsUser: number;
    readonly runAsGroup: number;
    readonly fsGroup: number;
    readonly seccompProfile: { readonly type: "RuntimeDefault" };
  };
  readonly containerSecurityContext: {
    readonly runAsNonRoot: true;
    readonly allowPrivilegeEscalation: false;
    readonly privileged: false;
    readonly capabilities: { readonly drop: readonly ["ALL"] };
    readonly seccompProfile: { readonly type: "RuntimeDefault" };
  };
  readonly persistence: { readonly enabled: false };
  readonly initChownData: { readonly enabled: false };
  readonly service: { readonly type: "ClusterIP"; readonly port: number; readonly targetPort: number };
  readonly ingress: { readonly enabled: false };
  readonly networkPolicy: { readonly enabled: false };
  readonly admin: { readonly existingSecret: string; readonly userKey: string; readonly passwordKey: string };
  readonly extraConfigmapMounts: readonly {
    readonly name: string;
    readonly mountPath: string;
    readonly configMap: string;
    readonly readOnly: true;
  }[];
  readonly dashboardProviders: {
    readonly "dashboardproviders.yaml": {
      readonly apiVersion: 1;
      readonly providers: readonly DashboardProvider[];
    };
  };
  readonly dashboardsConfigMaps: Readonly<Record<string, string>>;
  readonly podAnnotations: Readonly<Record<string, pulumi.Input<string>>>;
  readonly "grafana.ini": Readonly<Record<string, Readonly<Record<string, string | number | boolean>>>>;
}

/** What {@link grafanaValues} needs. */
export interface GrafanaValuesInput {
  /** Registry host and path the images come from: the Artifact Registry remote repository. */
  readonly registry: pulumi.Input<string>;
  /** The chart's `image.sha`, when the image is pinned by digest. */
  readonly imageDigest?: string;
  /**
   * The Kubernetes service account Grafana runs as, created outside the chart (`serviceAccount.create: false`):
   * its Workload Identity principal is what Google Cloud grants.
   */
  readonly serviceAccountName: string;
  /** CPU and memory of the Grafana container: both its requests and its limits (Autopilot bills requests). */
  readonly resources: ResourceQuantities;
  /** The Kubernetes Secret with `admin-user` and `admin-password`. */
  readonly adminSecretName: string;
  /** The ConfigMap with the data source provisioning file. */
  readonly datasourcesConfigMap: string;
  /** ConfigMap name by dashboard key. */
  readonly dashboardConfigMaps: Readonly<Record<string, string>>;
  /** The Grafana folder the dashboards are provisioned into. */
  readonly dashboardFolder: string;
  /** A hash of the data source file: a change restarts the pod (Grafana reads provisioning at start-up). */
  readonly datasourcesChecksum: pulumi.Input<string>;
}

/** The release's values: secure defaults, no secret, everything pulled through the registry given. */
export function grafanaValues(input: GrafanaValuesInput): GrafanaValues {
  const keys = Object.keys(input.dashboardConfigMaps).sort();
  return {
    // Every image the chart may render goes through the mirror; only the Grafana image is used here.
    global: { imageRegistry: input.registry },
    image: {
      registry: input.registry,
      // A Docker Hub remote repository serves `docker.io/<path>` as `<host>/<project>/<repo>/<path>`
      // (https://cloud.google.com/artifact-registry/docs/repositories/remote-overview); the tag is the chart's
      // appVersion, pinned with the chart version.
      repository: "grafana/grafana",
      ...(input.imageDigest ? { sha: input.imageDigest } : {}),
      pullPolicy: "IfNotPresent",
    },
    replicas: 1,
    // The test pod pulls bats from Docker Hub directly and only `helm test` runs it.
    testFramework: { enabled: false },
    // Without the sidecars Grafana never calls the Kubernetes API: no Role, no token in the pod.
    rbac: { create: false },
    serviceAccount: { create: false, name: input.serviceAccountName },
    automountServiceAccountToken: false,
    // Requests equal limits: Autopilot bills requests and sets limits to them anyway.
    resources: { requests: input.resources, limits: input.resources },
    // Pod Security Standards "restricted" (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted):
    // non-root, seccomp RuntimeDefault, no privilege escalation, every capability dropped.
    securityContext: {
      runAsNonRoot: true,
      runAsUser: GRAFANA_UID,
      runAsGroup: GRAFANA_UID,
      fsGroup: GRAFANA_UID,
      seccompProfile: { type: "RuntimeDefault" },
    },
    containerSecurityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    // Dashboards and data sources are code (ConfigMaps) and the admin password comes from the Secret at every
    // start, so the SQLite database in an emptyDir holds nothing to keep. With persistence on, the chart's
    // init container runs as root (initChownData), which "restricted" refuses.
    persistence: { enabled: false },
    initChownData: { enabled: false },
    service: { type: "ClusterIP", port: 80, targetPort: 3000 },
    ingress: { enabled: false },
    // The namespace's NetworkPolicies are Pulumi resources (visible to the plan and the policy pack).
    networkPolicy: { enabled: false },
    admin: { existingSecret: input.adminSecretName, userKey: "admin-user", passwordKey: "admin-password" },
    extraConfigmapMounts: [
      {
        name: "datasources",
        mountPath: GRAFANA_PATHS.datasources,
        configMap: input.datasourcesConfigMap,
        readOnly: true,
      },
    ],
    // No sidecar (its image, its ClusterRole to watch ConfigMaps): the chart's values.yaml offers
    // `dashboardsConfigMaps` ("Reference to external ConfigMap per provider. Use provider name as key and
    // ConfigMap name as value") with `dashboardProviders` ("`path` must be /var/lib/grafana/dashboards/<provider_name>").
    // One file provider per dashboard ConfigMap, each mounted without subPath, so an update of the ConfigMap
    // reaches the pod and the provider reloads it (https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically).
    dashboardProviders: {
      "dashboardproviders.yaml": {
        apiVersion: 1,
        providers: keys.map((key) => ({
          name: key,
          orgId: 1,
          folder: input.dashboardFolder,
          type: "file",
          disableDeletion: true,
          allowUiUpdates: false,
          updateIntervalSeconds: 60,
          options: { path: `${GRAFANA_PATHS.dashboards}/${key}` },
        })),
      },
    },
    dashboardsConfigMaps: Object.fromEntries(keys.map((k) => [k, input.dashboardConfigMaps[k] as string])),
    podAnnotations: { "module6.dev/datasources-sha256": input.datasourcesChecksum },
    // Rendered to grafana.ini by the chart (https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/).
    "grafana.ini": {
      analytics: {
        reporting_enabled: false,
        check_for_updates: false,
        check_for_plugin_updates: false,
        feedback_links_enabled: false,
      },
      "auth.anonymous": { enabled: false },
      users: { allow_sign_up: false, allow_org_create: false },
      security: { disable_gravatar: true, cookie_samesite: "strict" },
      news: { news_feed_enabled: false },
      // Grafana 12+ installs a list of plugins from grafana.com in the background at every start, and 13
      // updates them: off, the image's plugins are the ones that run, and nothing is fetched at start-up
      // (https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/#plugins).
      plugins: {
        preinstall_disabled: true,
        preinstall_auto_update: false,
        public_key_retrieval_disabled: true,
      },
      snapshots: { external_enabled: false },
    },
  };
}
