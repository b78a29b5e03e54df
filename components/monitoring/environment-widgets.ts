/**
 * The widgets of an environment's dashboard, produced once: the Cloud Monitoring dashboard
 * (`PlatformMonitoring.addDashboard`, dashboard-json.ts) and the Grafana dashboard (grafana-dashboard.ts)
 * are both rendered from this function's result, so the two never drift.
 */
import * as pulumi from "@pulumi/pulumi";
import { platformWidgets, serviceWidgets, type DashboardService, type Widget } from "./dashboard-json";
import { redisWidgets } from "./redis-signals";

/**
 * Every widget of the environment, in dashboard order: each service's golden signals and error budget,
 * then the platform (load balancer, Cloud Armor, Firestore), then the cache's row when there is a cache.
 */
export function environmentWidgets(
  services: readonly DashboardService[],
  cacheInstanceId?: string,
): Widget[] {
  return [
    ...services.flatMap(serviceWidgets),
    ...platformWidgets(),
    ...(cacheInstanceId !== undefined ? redisWidgets(cacheInstanceId) : []),
  ];
}

/** A service as the stack knows it while resources are being declared: names are still outputs. */
export interface WatchedService {
  readonly name: string;
  readonly cloudRunService: pulumi.Input<string>;
  /** The service's SLOs: id and resource name (`projects/<p>/services/<s>/serviceLevelObjectives/<id>`). */
  readonly slos: readonly { readonly id: string; readonly name: pulumi.Input<string> }[];
}

/** {@link environmentWidgets} once the services' names and the cache instance id are known. */
export function environmentWidgetsOutput(
  services: readonly WatchedService[],
  cacheInstanceId?: pulumi.Input<string>,
): pulumi.Output<Widget[]> {
  const resolved = pulumi.all(
    services.map((s) =>
      pulumi
        .all([s.cloudRunService, ...s.slos.map((x) => x.name)])
        .apply(([run, ...names]): DashboardService => ({
          name: s.name,
          cloudRunService: run ?? "",
          slos: Object.fromEntries(s.slos.map((x, i) => [x.id, names[i] ?? ""])),
        })),
    ),
  );
  return pulumi.all([resolved, cacheInstanceId]).apply(([list, cache]) => environmentWidgets(list, cache));
}
