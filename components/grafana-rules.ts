/**
 * The rules of single values of the Grafana component (components/grafana.ts), each with the limit it comes
 * from: Kubernetes object names, Helm release names and chart versions, and what GKE Autopilot admits as
 * resource requests. Pure — no SDK — so the component's validator and the stack config
 * (stacks/config-observability.ts) both apply them, and parsing config loads no Kubernetes SDK.
 */
import { PROJECT_ID_RULE } from "./shared/project-id";
import { patternRule, rule, type Rule } from "./shared/validation";

/**
 * A DNS-1123 label (RFC 1123): 1-63 of a-z 0-9 '-', starting and ending alphanumeric. Namespaces, service
 * accounts and volume names are labels
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names).
 */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1123 label of at most `max` characters. */
export function dnsLabelRule(max = 63): Rule<string> {
  return rule(
    `a DNS-1123 label: 1-${max} of a-z 0-9 '-', starting and ending with a letter or digit`,
    (v) => v.length <= max && DNS_LABEL.test(v),
  );
}

/**
 * Helm refuses release names longer than 53 characters: "As of Kubernetes 1.4, the max limit on a name is 63
 * chars. We reserve 10 for charts to add data" (helm/helm pkg/action/install.go, `releaseNameMaxLen = 53`);
 * the name itself must be a DNS-1123 label (pkg/chartutil/validate_name.go).
 */
export const HELM_RELEASE_NAME_MAX = 53;

/**
 * The chart mounts each entry of `dashboardsConfigMaps` as the volume `dashboards-<key>`
 * (grafana-community/helm-charts charts/grafana/templates/_pod.tpl), and a volume name is a DNS-1123 label
 * of at most 63 characters: a dashboard key has 63 - 11 = 52.
 */
export const DASHBOARD_KEY_MAX = 63 - "dashboards-".length;

/**
 * "The data stored in a ConfigMap cannot exceed 1 MiB"
 * (https://kubernetes.io/docs/concepts/configuration/configmap/#motivation); one dashboard per ConfigMap.
 */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;

export const GRAFANA_RULES = {
  /**
   * A namespace is a DNS-1123 label; `kube-` is "reserved for Kubernetes system namespaces"
   * (https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces),
   * `default` is shared with everything else in the cluster, and GKE keeps its own components in `gke-*` and
   * `gmp-*` namespaces (Managed Service for Prometheus: gmp-system, gmp-public).
   */
  namespace: rule<string>(
    'a DNS-1123 label (1-63 of a-z 0-9 "-", starting and ending with a letter or digit), not "default" nor a name starting with kube-, gke- or gmp- (system namespaces)',
    (v) => dnsLabelRule().test(v) && v !== "default" && !/^(kube|gke|gmp)-/.test(v),
  ),
  releaseName: dnsLabelRule(HELM_RELEASE_NAME_MAX),
  serviceAccountName: dnsLabelRule(),
  dashboardKey: dnsLabelRule(DASHBOARD_KEY_MAX),
  /** Helm chart names: lowercase letters, digits and dashes (https://helm.sh/docs/chart_best_practices/conventions/#chart-names). */
  chartName: dnsLabelRule(),
  /**
   * Only an exact version pins the chart (and the Grafana image, its appVersion): SemVer 2.0.0, which Helm
   * charts use (https://helm.sh/docs/topics/charts/#charts-and-versioning), so no range (`^12`, `~12.1`,
   * `>=12`, `12.x`, `*`) lets a new chart in without a config change, and no leading `v`.
   */
  chartVersion: patternRule(
    // The regular expression of https://semver.org/#is-there-a-suggested-regular-expression-regex-to-check-a-semver-string
    /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/,
    'one exact SemVer version such as "12.11.1", never a range (^, ~, >=, x, *) nor a leading v',
  ),
  /** Helm fetches charts over https or from an OCI registry (a URL with a host); plain http is refused. */
  chartRepository: rule<string>(
    "an https:// chart repository or an oci:// registry URL (never plain http://)",
    (v) => {
      if (!/^(https|oci):\/\/[^\s/]+(\/\S*)?$/.test(v)) return false;
      try {
        return new URL(v).hostname !== "";
      } catch {
        return false;
      }
    },
  ),
  /**
   * `latest` or `v<major>.<minor>` (https://kubernetes.io/docs/reference/labels-annotations-taints/#pod-security-kubernetes-io-enforce-version).
   */
  podSecurityVersion: patternRule(
    /^(latest|v1\.[0-9]{1,2})$/,
    'a Kubernetes minor version such as "v1.33", or "latest"',
  ),
  /** The chart's `image.sha`: the hex digest without `sha256:` (it renders `@sha256:<sha>`). */
  imageDigest: patternRule(
    /^[a-f0-9]{64}$/,
    "64 hex characters of a sha256 digest, without the sha256: prefix",
  ),
  /** A CPU request: millicores (`250m`) or cores (`0.5`, `1`), above zero ({@link cpuMillis}). */
  cpu: rule<string>('a CPU quantity above zero such as "250m" or "0.5"', (v) => cpuMillis(v) !== undefined),
  /** A memory request in MiB or GiB (`512Mi`, `1Gi`), above zero ({@link memoryMiB}). */
  memory: rule<string>('a memory quantity such as "512Mi" or "1Gi"', (v) => memoryMiB(v) !== undefined),
  /** A GCP project id (components/shared/project-id.ts). */
  projectId: PROJECT_ID_RULE,
} as const;

/**
 * CPU in millicores from a Kubernetes quantity: `250m`, `1`, `0.5`
 * (https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#meaning-of-cpu).
 */
export function cpuMillis(quantity: string): number | undefined {
  const milli = /^([1-9][0-9]*)m$/.exec(quantity);
  if (milli) return Number(milli[1]);
  const cores = /^([0-9]+(\.[0-9]{1,3})?)$/.exec(quantity);
  if (cores) return Math.round(Number(cores[1]) * 1000) || undefined;
  return undefined;
}

/** Memory in MiB from a binary quantity, `512Mi` or `2Gi` (the only forms accepted, so no rounding). */
export function memoryMiB(quantity: string): number | undefined {
  const m = /^([1-9][0-9]*)(Mi|Gi)$/.exec(quantity);
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === "Gi" ? 1024 : 1);
}

/**
 * What GKE Autopilot's general-purpose compute class admits
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-resource-requests, "Minimum and
 * maximum resource requests"): at least 50m CPU and 52 MiB (clusters that support bursting; 250m / 512 MiB
 * without), at most 30 vCPU and 110 GiB, and a CPU:memory ratio between 1:1 and 1:6.5 vCPU:GiB. Below the
 * minimum Autopilot silently raises the request (and the bill); above the maximum it rejects the pod.
 */
export const AUTOPILOT_GENERAL_PURPOSE = {
  minCpuMillis: 50,
  maxCpuMillis: 30_000,
  minMemoryMiB: 52,
  maxMemoryMiB: 110 * 1024,
  minGiBPerVcpu: 1,
  maxGiBPerVcpu: 6.5,
} as const;

/** The problems of a CPU/memory pair under Autopilot's general-purpose class, as `[field, allowed]`. */
export function autopilotProblems(cpu: string, memory: string): [field: "cpu" | "memory", allowed: string][] {
  const a = AUTOPILOT_GENERAL_PURPOSE;
  const problems: [field: "cpu" | "memory", allowed: string][] = [];
  const millis = cpuMillis(cpu);
  const mib = memoryMiB(memory);
  if (millis === undefined) problems.push(["cpu", 'a CPU quantity such as "250m" or "1"']);
  else if (millis < a.minCpuMillis || millis > a.maxCpuMillis)
    problems.push(["cpu", "50m-30 (GKE Autopilot general-purpose minimum and maximum)"]);
  if (mib === undefined) problems.push(["memory", 'a memory quantity in Mi or Gi such as "512Mi"']);
  else if (mib < a.minMemoryMiB || mib > a.maxMemoryMiB)
    problems.push(["memory", "52Mi-110Gi (GKE Autopilot general-purpose minimum and maximum)"]);
  if (problems.length === 0 && millis !== undefined && mib !== undefined) {
    const ratio = mib / 1024 / (millis / 1000);
    if (ratio < a.minGiBPerVcpu || ratio > a.maxGiBPerVcpu)
      problems.push([
        "memory",
        `1-6.5 GiB per vCPU (GKE Autopilot's CPU:memory ratio; ${cpu} CPU takes ${Math.ceil(millis * 1.024)}Mi-${Math.floor(millis * 6.5 * 1.024)}Mi)`,
      ]);
  }
  return problems;
}
