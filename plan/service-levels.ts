/**
 * The "Service levels" of a plan (or of a real export): one row per SLO with its goal, window, burn-rate
 * alert thresholds and the channels the alerts reach, read from the recorded resources alone.
 */
import { markdownCell } from "../policies/lib/markdown";
import { durationSeconds, list, rec } from "../policies/lib/values";
import type { RecordedResource } from "./record";

export interface ServiceLevelRow {
  readonly service: string;
  readonly slo: string;
  readonly goal: number;
  readonly periodDays: number;
  /** e.g. `14.4× 1h/5m → page`. */
  readonly alerts: readonly string[];
  /** Channel display names the alerts go to. */
  readonly channels: readonly string[];
}

/** A string property, or the fallback. */
const text = (v: unknown, fallback = ""): string =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : fallback;

function windowOf(condition: unknown): string {
  const filter = text(rec(rec(condition).conditionThreshold).filter);
  const seconds = durationSeconds(/"(\d+s)"\)\s*$/.exec(filter)?.[1]);
  if (seconds === undefined) return "?";
  return seconds >= 3600 ? `${seconds / 3600}h` : `${seconds / 60}m`;
}

/** The service-level rows of a set of resources, in service then SLO order. */
export function serviceLevels(resources: readonly RecordedResource[]): ServiceLevelRow[] {
  const channelNames = new Map<string, string>();
  for (const r of resources.filter(
    (x) => x.type === "gcp:monitoring/notificationChannel:NotificationChannel",
  )) {
    const name = text(r.inputs.displayName, r.name);
    if (r.id) channelNames.set(r.id, name);
    if (typeof r.outputs.name === "string") channelNames.set(r.outputs.name, name);
  }
  const policies = resources.filter((r) => r.type === "gcp:monitoring/alertPolicy:AlertPolicy");
  return resources
    .filter((r) => r.type === "gcp:monitoring/slo:Slo")
    .map((slo) => {
      const labels = rec(slo.inputs.userLabels);
      const service = text(labels.service, text(slo.inputs.service));
      const id = text(slo.inputs.sloId, slo.name);
      const max = rec(rec(rec(slo.inputs.requestBasedSli).distributionCut).range).max;
      const watching = policies.filter((p) => {
        const l = rec(p.inputs.userLabels);
        return l.service === service && l.slo === id;
      });
      const alerts = watching.map((p) => {
        const conditions = list(p.inputs.conditions);
        const threshold = rec(rec(conditions[0]).conditionThreshold).thresholdValue;
        return `${String(threshold)}× ${conditions.map(windowOf).join("/")} → ${text(rec(p.inputs.userLabels).urgency)}`;
      });
      const channels = [
        ...new Set(
          watching.flatMap((p) =>
            list(p.inputs.notificationChannels).map((c) => channelNames.get(String(c)) ?? String(c)),
          ),
        ),
      ];
      return {
        service,
        slo: typeof max === "number" ? `${id} < ${max} ms` : id,
        goal: Number(slo.inputs.goal),
        periodDays: Number(slo.inputs.rollingPeriodDays),
        alerts,
        channels,
      };
    })
    .sort((a, b) => a.service.localeCompare(b.service) || a.slo.localeCompare(b.slo));
}

/** The rows as a Markdown table. */
export function serviceLevelsMarkdown(rows: readonly ServiceLevelRow[]): string {
  if (rows.length === 0) return "_No SLOs in this stack._";
  return [
    "| service | SLO | goal | window | alert thresholds | channels |",
    "|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${markdownCell(r.service)} | ${markdownCell(r.slo)} | ${(r.goal * 100).toFixed(r.goal >= 0.999 ? 2 : 1)} % | ${r.periodDays} d | ${r.alerts.join("<br>")} | ${markdownCell(r.channels.join(", "))} |`,
    ),
  ].join("\n");
}

/**
 * The rows as an aligned table under a header, each line well under 120 columns. The channels alerts go to
 * follow once when every SLO shares them (the usual case), else under each row.
 */
export function serviceLevelsText(rows: readonly ServiceLevelRow[]): string {
  if (rows.length === 0) return "  (no SLOs in this stack)";
  const cells = rows.map((r) => [
    r.service,
    r.slo,
    `${(r.goal * 100).toFixed(2)}%`,
    `${r.periodDays}d`,
    r.alerts.join("; "),
  ]);
  const header = ["service", "SLO", "goal", "window", "burn-rate alerts (× budget rate, long/short window)"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: readonly string[]): string =>
    `  ${c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join("  ")}`.trimEnd();
  const routes = rows.map((r) => r.channels.join(", ") || "no channel");
  const shared = routes.every((c) => c === routes[0]);
  const body = cells.flatMap((c, i) => (shared ? [line(c)] : [line(c), `      → ${routes[i] ?? ""}`]));
  return [line(header), ...body, ...(shared ? [`  alerts go to: ${routes[0] ?? ""}`] : [])].join("\n");
}
