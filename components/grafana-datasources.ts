/**
 * Grafana's data source: one Google Cloud Monitoring data source serves both kinds of queries the dashboards
 * make. Its query editor has the query types Metrics (filter/aligner/reducer, and MQL), SLO and PromQL
 * (grafana/grafana docs/sources/datasources/google-cloud-monitoring/query-editor/index.md, "Create a
 * Prometheus query"), and it signs every request itself, so Managed Service for Prometheus is queried with
 * PromQL through the same data source: no Prometheus data source, no frontend proxy or token refresher.
 */
/**
 * What a dashboard panel names as its data source (`panel.datasource`, `target.datasource`). The renderer of
 * Grafana dashboards (components/monitoring/grafana-dashboard.ts) uses these so panels find the provisioned
 * data source by uid.
 */
export const GRAFANA_DATASOURCE = { type: "stackdriver", uid: "cloud-monitoring" } as const;

/** One data source of a provisioning file (https://grafana.com/docs/grafana/latest/administration/provisioning/#data-sources). */
export interface ProvisionedDatasource {
  readonly name: string;
  readonly uid: string;
  readonly type: string;
  readonly access: "proxy";
  readonly isDefault: boolean;
  readonly editable: boolean;
  readonly jsonData: Readonly<Record<string, string>>;
}

/** A data source provisioning file. */
export interface DatasourceFile {
  readonly apiVersion: 1;
  readonly datasources: readonly ProvisionedDatasource[];
}

/**
 * The provisioning file of the Cloud Monitoring data source. `authenticationType: gce` takes credentials from
 * the metadata server (https://grafana.com/docs/grafana/latest/datasources/google-cloud-monitoring/google-authentication/),
 * which on GKE is the GKE metadata server answering for the pod's Kubernetes service account (Workload
 * Identity Federation for GKE): no key file, no secret in the data source.
 */
export function cloudMonitoringDatasource(defaultProject: string): DatasourceFile {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: "Google Cloud Monitoring",
        uid: GRAFANA_DATASOURCE.uid,
        type: GRAFANA_DATASOURCE.type,
        access: "proxy",
        isDefault: true,
        editable: false,
        jsonData: { authenticationType: "gce", defaultProject },
      },
    ],
  };
}

/**
 * The file as Grafana reads it: YAML, written as JSON (which is YAML, https://yaml.org/spec/1.2.2/#12-yaml-history)
 * so the program need not load a YAML library for one file (the `yaml` package costs ~135 ms to load).
 */
export function renderDatasourceFile(file: DatasourceFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
