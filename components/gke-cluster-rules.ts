/**
 * The rules of the GKE Autopilot cluster's single values and of the fields that go together (the maintenance
 * window, the authorized networks, the subnet's ranges), with the limits they come from. Pure — no SDK — so
 * the component's validator (components/gke-autopilot-cluster.ts) and the stack config (stacks/) both apply
 * them, and parsing config loads no provider SDK.
 */
import { isRfc1918, parseCidr } from "./shared/cidr";
import { checkDisjoint, type NamedRange } from "./shared/disjoint-ranges";
import { oneOfRule, patternRule, rule, type ProblemSink } from "./shared/validation";

/**
 * Release channels this program allows: REGULAR (several upgrades a month) or STABLE (every few months).
 * RAPID gets versions before they are proven; EXTENDED and UNSPECIFIED (no channel) give up automatic
 * upgrades (`ClusterReleaseChannel.channel`, node_modules/@pulumi/gcp/types/input.d.ts).
 */
export const RELEASE_CHANNELS = ["REGULAR", "STABLE"] as const;
export type ReleaseChannel = (typeof RELEASE_CHANNELS)[number];

/** A network allowed to reach the control plane's IP endpoint. */
export interface AuthorizedNetwork {
  /** An IPv4 CIDR, e.g. `203.0.113.0/24`; never `0.0.0.0/0`. */
  readonly cidr: string;
  /**
   * What the range is (the office, the CI runners).
   * @default - the CIDR
   */
  readonly displayName?: string;
}

/**
 * A recurring maintenance window (`maintenancePolicy.recurringWindow`): `startTime` and `endTime` in RFC 3339
 * "Zulu" form (the first window and, by their difference, its length), `recurrence` an RFC 5545 RRULE.
 */
export interface MaintenanceWindow {
  readonly startTime: string;
  readonly endTime: string;
  readonly recurrence: string;
}

/** The IPv4 ranges of the cluster's subnet: nodes (primary), Pods and Services (secondary). */
export interface ClusterRanges {
  /** The nodes' range, the subnet's primary range: RFC 1918, /16 to /28. */
  readonly nodes: string;
  /**
   * The Pods' secondary range: RFC 1918, /13 to /24. Autopilot gives every node a /26 (up to 32 Pods), so
   * a /20 holds 64 nodes. Fixed at creation (Autopilot can add Pod ranges later, not resize this one).
   */
  readonly pods: string;
  /** The Services' (ClusterIP) secondary range: RFC 1918, /16 to /27. */
  readonly services: string;
}

/** Weekly windows on Friday and Saturday, 18:00-24:00 UTC: 12 hours a week, 48 in any 32 days. */
export const DEFAULT_MAINTENANCE_WINDOW: MaintenanceWindow = {
  startTime: "2026-01-02T18:00:00Z",
  endTime: "2026-01-03T00:00:00Z",
  recurrence: "FREQ=WEEKLY;BYDAY=FR,SA",
};

/** Binary Authorization as the cluster enforces it: the project's singleton policy. */
export const BINARY_AUTHORIZATION_MODE = "PROJECT_SINGLETON_POLICY_ENFORCE";

/**
 * The one role GKE documents for a custom node service account: what nodes need for logs, metrics and
 * (with `roles/artifactregistry.reader` on a repository) image pulls, nothing more ("Use least privilege
 * IAM service accounts", https://cloud.google.com/kubernetes-engine/docs/how-to/service-accounts#node-service-accounts;
 * CIS GKE Benchmark 2.0.0, 5.2.1). Workloads reach Google APIs through Workload Identity, never as the node.
 */
export const NODE_SERVICE_ACCOUNT_ROLE = "roles/container.defaultNodeServiceAccount";

/** At most this many authorized networks ("cidr_blocks define up to 50 external networks", GKE API `MasterAuthorizedNetworksConfig`). */
export const MAX_AUTHORIZED_NETWORKS = 50;

const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
const HOUR_MS = 3_600_000;
/** GKE counts only contiguous windows of at least four hours. */
const MIN_WINDOW_HOURS = 4;
/** 48 hours in 32 days: whatever 32 days are chosen, they hold four whole weeks (see `checkMaintenanceWindow`). */
const MIN_WEEKLY_HOURS = 12;

const RFC3339_UTC = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;

/** The rules of single values, for this component's validator and the stack config schema. */
export const GKE_CLUSTER_RULES = {
  /** The logical name; the whole cluster name must also stay within GKE's 40 characters. */
  name: patternRule(
    /^[a-z](?!.*--)([a-z0-9-]{0,18}[a-z0-9])?$/,
    "1-20 of a-z 0-9 '-', starting with a letter, not ending with '-' nor holding '--'",
  ),
  releaseChannel: oneOfRule<string>(RELEASE_CHANNELS),
  /**
   * RFC 3339 in UTC ("Zulu"): the provider validates RFC 3339 (`verify.ValidateRFC3339Date`) and warns that
   * "GKE may accept other formats, but will return values in UTC, causing a permanent diff"
   * (`ClusterMaintenancePolicy.recurringWindow`, node_modules/@pulumi/gcp/types/input.d.ts).
   */
  time: rule<string>(
    "an RFC 3339 time in UTC such as 2026-01-02T18:00:00Z",
    (v) => RFC3339_UTC.test(v) && new Date(v).toISOString().replace(".000Z", "Z") === v,
  ),
  /**
   * The RRULE forms whose availability this program can check: daily, or weekly on listed days (the
   * forms GKE's own examples use, https://cloud.google.com/kubernetes-engine/docs/how-to/maintenance-windows-and-exclusions).
   */
  recurrence: rule<string>(
    "an RFC 5545 RRULE of the form FREQ=DAILY or FREQ=WEEKLY;BYDAY=<days> (days from MO TU WE TH FR SA SU, each once)",
    (v) => recurrenceDays(v) !== undefined,
  ),
};

/** Weekdays a recurrence opens a window on; `undefined` when it is not one of the supported forms. */
function recurrenceDays(recurrence: string): number | undefined {
  if (recurrence === "FREQ=DAILY") return 7;
  const match = /^FREQ=WEEKLY;BYDAY=([A-Z,]+)$/.exec(recurrence);
  const days = match?.[1]?.split(",") ?? [];
  const known = days.every((d) => (DAYS as readonly string[]).includes(d));
  return match && known && new Set(days).size === days.length ? days.length : undefined;
}

/**
 * GKE's rules of a maintenance window: "You must allow at least 48 hours of maintenance availability in a
 * 32-day rolling window. Only contiguous availability windows of at least four hours are considered"
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/maintenance-windows-and-exclusions). This program
 * also keeps each window at most 24 hours long; then every window that starts within the first 28 of any 32
 * days ends inside them, and those 28 days hold each weekday exactly four times: 4 × (hours a week) is the
 * least availability of any 32 days, so 12 hours a week (each window at least 4) is exactly enough.
 */
export function checkMaintenanceWindow(p: ProblemSink, path: string, w: MaintenanceWindow): void {
  const R = GKE_CLUSTER_RULES;
  const startOk = p.check(R.time.test(w.startTime), `${path}.startTime`, w.startTime, R.time.allowed);
  const endOk = p.check(R.time.test(w.endTime), `${path}.endTime`, w.endTime, R.time.allowed);
  const days = recurrenceDays(w.recurrence);
  p.check(days !== undefined, `${path}.recurrence`, w.recurrence, R.recurrence.allowed);
  if (!startOk || !endOk) return;
  const hours = (Date.parse(w.endTime) - Date.parse(w.startTime)) / HOUR_MS;
  if (
    !p.check(
      hours >= MIN_WINDOW_HOURS && hours <= 24,
      `${path}.endTime`,
      w.endTime,
      `a time 4 to 24 hours after startTime (${w.startTime}): GKE counts only windows of at least 4 hours`,
    ) ||
    days === undefined
  )
    return;
  p.check(
    days * hours >= MIN_WEEKLY_HOURS,
    `${path}.recurrence`,
    w.recurrence,
    `windows of at least 12 hours a week in all (here ${days} × ${hours} h): GKE requires 48 hours of maintenance availability in any 32 days`,
  );
}

/** The authorized networks: IPv4 CIDRs, never the whole internet, each once, at most 50. */
export function checkAuthorizedNetworks(
  p: ProblemSink,
  path: string,
  networks: readonly AuthorizedNetwork[],
): void {
  p.check(
    networks.length <= MAX_AUTHORIZED_NETWORKS,
    path,
    `${networks.length} networks`,
    `at most ${MAX_AUTHORIZED_NETWORKS} authorized networks`,
  );
  const seen = new Set<string>();
  networks.forEach((n, i) => {
    const at = `${path}[${i}].cidr`;
    const range = parseCidr(n.cidr);
    if (!p.check(range !== undefined, at, n.cidr, "an IPv4 CIDR without host bits, e.g. 203.0.113.0/24"))
      return;
    p.check(
      range !== undefined && range.prefix >= 8,
      at,
      n.cidr,
      "a range of /8 or narrower: never 0.0.0.0/0 (anyone on the internet) — leave authorizedNetworks empty to use the IAM-guarded DNS endpoint instead",
    );
    p.check(!seen.has(n.cidr), at, n.cidr, "each network once");
    seen.add(n.cidr);
  });
}

/** Prefix lengths each range of the cluster subnet allows. */
const RANGE_PREFIXES: Readonly<Record<keyof ClusterRanges, readonly [number, number]>> = {
  nodes: [16, 28],
  pods: [13, 24],
  services: [16, 27],
};

/** The cluster subnet's ranges: RFC 1918, sized, not overlapping each other. Returns the parsed ranges. */
export function checkClusterRanges(p: ProblemSink, path: string, ranges: ClusterRanges): NamedRange[] {
  const parsed: NamedRange[] = [];
  for (const key of ["nodes", "pods", "services"] as const) {
    const cidr = ranges[key];
    const at = `${path}.${key}`;
    const range = parseCidr(cidr);
    const [min, max] = RANGE_PREFIXES[key];
    if (!p.check(range !== undefined, at, cidr, "an IPv4 CIDR without host bits, e.g. 10.96.0.0/24"))
      continue;
    if (range === undefined) continue;
    p.check(
      isRfc1918(range) && range.prefix >= min && range.prefix <= max,
      at,
      cidr,
      `a private (RFC 1918) range from /${min} to /${max}`,
    );
    parsed.push({ path: at, cidr, range });
  }
  checkDisjoint(p, parsed);
  return parsed;
}
