/**
 * A plan as text: a tree by component, each resource with its few most telling settings, totals by type,
 * the service levels and the outputs, and last the summary line (the policy verdict follows it). Lines are
 * kept within {@link WIDTH} columns: settings that do not fit go on continuation lines under the resource.
 */
import { list, rec } from "../policies/lib/values";
import type { RecordedResource } from "./record";
import { serviceLevels, serviceLevelsText } from "./service-levels";
import type { PlanResult } from "./run";

type Obj = Record<string, unknown>;
/** `text` cut in the middle to at most `max` characters. */
const middle = (text: string, max: number): string =>
  text.length <= max
    ? text
    : `${text.slice(0, Math.ceil((max - 1) / 2))}…${text.slice(text.length - Math.floor((max - 1) / 2))}`;
const s = (v: unknown): string => (typeof v === "string" ? v : (JSON.stringify(v) ?? "undefined"));

/** The settings worth a glance, by resource type. */
const SUMMARIES: Readonly<Record<string, (i: Obj) => string[]>> = {
  "pulumi:providers:gcp": (i) => [`project=${s(i.project)}`, `region=${s(i.region)}`],
  "gcp:projects/service:Service": (i) => [s(i.service), `disableOnDestroy=${s(i.disableOnDestroy)}`],
  // A propagation wait: how long, and what a change of makes it wait again.
  // A key grant's id (key, role, agent) is longer than a line: its middle is cut, both ends stay.
  "time:index/sleep:Sleep": (i) => [
    `wait ${s(i.createDuration)}`,
    `keyed by ${middle(s(rec(i.triggers).keys), 90)}`,
  ],
  "gcp:projects/serviceIdentity:ServiceIdentity": (i) => [s(i.service)],
  "gcp:serviceaccount/account:Account": (i) => [s(i.accountId)],
  "gcp:projects/iAMMember:IAMMember": (i) => [
    s(i.role),
    s(i.member),
    ...(i.condition ? ["(conditional)"] : []),
  ],
  "gcp:secretmanager/secretIamMember:SecretIamMember": (i) => [s(i.role), s(i.member)],
  "gcp:cloudrunv2/serviceIamMember:ServiceIamMember": (i) => [s(i.role), s(i.member)],
  "gcp:iap/webCloudRunServiceIamMember:WebCloudRunServiceIamMember": (i) => [s(i.role), s(i.member)],
  "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": (i) => [s(i.role), s(i.member)],
  "gcp:cloudrunv2/service:Service": (i) => {
    const t = rec(i.template);
    const c = rec(list(t.containers)[0]);
    const sc = rec(t.scaling);
    return [
      s(i.name),
      `image=${s(c.image)}`,
      `ingress=${s(i.ingress)}`,
      `instances=${s(sc.minInstanceCount)}..${s(sc.maxInstanceCount)}`,
      ...(i.defaultUriDisabled ? ["run.app disabled"] : []),
      ...(i.iapEnabled ? ["iap"] : []),
      ...(c.readinessProbe ? [`readiness=${s(rec(rec(c.readinessProbe).httpGet).path)}`] : []),
      `deletionProtection=${s(i.deletionProtection)}`,
    ];
  },
  "gcp:firestore/database:Database": (i) => [
    s(i.name),
    s(i.locationId),
    s(i.pointInTimeRecoveryEnablement),
    s(i.deleteProtectionState),
    `deletionPolicy=${s(i.deletionPolicy)}`,
  ],
  "gcp:firestore/backupSchedule:BackupSchedule": (i) => [
    i.weeklyRecurrence ? "weekly" : "daily",
    `retention=${s(i.retention)}`,
  ],
  "gcp:firestore/index:Index": (i) => [
    s(i.collection),
    list(i.fields)
      .map((f) => s(rec(f).fieldPath))
      .join(","),
  ],
  "gcp:firestore/field:Field": (i) => [`ttl ${s(i.collection)}.${s(i.field)}`],
  "gcp:secretmanager/secret:Secret": (i) => [
    s(i.secretId),
    `replicas=${list(rec(rec(i.replication).userManaged).replicas)
      .map((r) => s(rec(r).location))
      .join(",")}`,
  ],
  "gcp:secretmanager/secretVersion:SecretVersion": (i) => [`data=${s(i.secretData)}`],
  "gcp:artifactregistry/repository:Repository": (i) => [
    s(i.repositoryId),
    i.mode === "REMOTE_REPOSITORY"
      ? `remote=${s(rec(rec(i.remoteRepositoryConfig).dockerRepository).publicRepository)}`
      : `immutableTags=${s(rec(i.dockerConfig).immutableTags)}`,
    `cleanup=${list(i.cleanupPolicies)
      .map((p) => s(rec(p).id))
      .join(",")}`,
    `scanning=${s(rec(i.vulnerabilityScanningConfig).enablementConfig)}`,
  ],
  "pulumi:pulumi:StackReference": (i) => [s(i.name)],
  "gcp:container/cluster:Cluster": (i) => {
    const endpoints = rec(i.controlPlaneEndpointsConfig);
    return [
      i.enableAutopilot === true ? "autopilot" : "STANDARD",
      s(rec(i.releaseChannel).channel),
      rec(i.privateClusterConfig).enablePrivateNodes === true ? "private nodes" : "PUBLIC NODES",
      rec(endpoints.ipEndpointsConfig).enabled === false ? "DNS endpoint only" : "IP endpoint",
      s(rec(i.binaryAuthorization).evaluationMode),
    ];
  },
  "pulumi:providers:kubernetes": (i) => [
    typeof i.kubeconfig === "string" && i.kubeconfig.includes('"exec"') ? "exec auth" : "NO EXEC AUTH",
    ...(i.clusterIdentifier === undefined ? [] : [`clusterIdentifier=${s(i.clusterIdentifier)}`]),
  ],
  "kubernetes:helm.sh/v3:Release": (i) => [
    `${s(i.chart)}@${s(i.version)}`,
    s(rec(i.repositoryOpts).repo),
    ...(i.atomic === true ? ["atomic"] : []),
  ],
  "kubernetes:core/v1:Namespace": (i) => [
    s(rec(i.metadata).name),
    `enforce=${s(rec(rec(i.metadata).labels)["pod-security.kubernetes.io/enforce"])}`,
  ],
  "gcp:compute/globalAddress:GlobalAddress": (i) => [s(i.ipVersion)],
  "gcp:compute/sSLPolicy:SSLPolicy": (i) => [`profile=${s(i.profile)}`, `minTls=${s(i.minTlsVersion)}`],
  "gcp:compute/managedSslCertificate:ManagedSslCertificate": (i) => [
    `domains=${list(rec(i.managed).domains).map(s).join(",")}`,
  ],
  "gcp:certificatemanager/certificate:Certificate": (i) => [
    `domains=${list(rec(i.managed).domains).map(s).join(",")}`,
    "dns-authorized",
  ],
  "gcp:certificatemanager/dnsAuthorization:DnsAuthorization": (i) => [s(i.domain)],
  "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry": (i) => [s(i.hostname)],
  "gcp:compute/securityPolicy:SecurityPolicy": (i) => {
    const rules = list(i.rules).map(rec);
    const ddos = rec(rec(i.adaptiveProtectionConfig).layer7DdosDefenseConfig);
    if (i.type === "CLOUD_ARMOR_EDGE") return ["edge", `rules=${rules.length}`];
    return [
      `rules=${rules.length}`,
      `waf=${rules.filter((r) => s(rec(rec(r.match).expr).expression).includes("evaluatePreconfiguredWaf")).length}`,
      ...(rules.some((r) => r.action === "rate_based_ban") ? ["rate-limit"] : []),
      ...(rules.some((r) => r.preview === true) ? ["preview"] : []),
      `adaptive=${s(ddos.enable)}`,
    ];
  },
  "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup": (i) => [
    s(i.networkEndpointType),
    s(i.region),
    `cloudRun=${s(rec(i.cloudRun).service)}`,
  ],
  "gcp:compute/backendService:BackendService": (i) => [
    s(i.loadBalancingScheme),
    `negs=${list(i.backends).length}`,
    ...(i.securityPolicy ? ["armor"] : ["NO ARMOR"]),
    `log=${s(rec(i.logConfig).sampleRate)}`,
    ...(rec(i.iap).enabled ? ["iap"] : []),
  ],
  "gcp:compute/backendBucket:BackendBucket": (i) => [
    `cdn=${s(i.enableCdn)}`,
    s(rec(i.cdnPolicy).cacheMode),
    i.edgeSecurityPolicy ? "edge-armor" : "NO ARMOR",
  ],
  "gcp:compute/uRLMap:URLMap": (i) =>
    i.defaultUrlRedirect
      ? ["redirect to https"]
      : [
          `hosts=${list(i.hostRules)
            .flatMap((h) => list(rec(h).hosts))
            .map(s)
            .join(",")}`,
          `paths=${list(rec(list(i.pathMatchers)[0]).pathRules)
            .flatMap((r) => list(rec(r).paths))
            .map(s)
            .join(",")}`,
        ],
  "gcp:compute/targetHttpsProxy:TargetHttpsProxy": (i) => [
    ...(i.sslPolicy ? ["ssl-policy"] : []),
    i.certificateMap ? "certificate-map" : `certificates=${list(i.sslCertificates).length}`,
  ],
  "gcp:compute/globalForwardingRule:GlobalForwardingRule": (i) => [
    s(i.loadBalancingScheme),
    `port=${s(i.portRange)}`,
  ],
  "gcp:storage/bucket:Bucket": (i) => [
    `publicAccessPrevention=${s(i.publicAccessPrevention)}`,
    `uniform=${s(i.uniformBucketLevelAccess)}`,
    `versioning=${s(rec(i.versioning).enabled)}`,
  ],
  "gcp:storage/bucketIAMMember:BucketIAMMember": (i) => [s(i.role), s(i.member)],
  "gcp:iap/webBackendServiceIamMember:WebBackendServiceIamMember": (i) => [s(i.role), s(i.member)],
};

/** The widest line the text plan writes (a long single value, such as a URL, may still exceed it). */
export const WIDTH = 118;

function summary(r: RecordedResource): string[] {
  const describe = SUMMARIES[r.type];
  const parts = describe ? describe(r.inputs) : [];
  if (r.protect) parts.push("[protected]");
  return parts.filter((p) => p && p !== "undefined");
}

/**
 * A setting too long for a line of its own, cut after its commas (`paths=/a,/a/*,…`); a piece still too long
 * (a Workload Identity principal has no comma) is cut in the middle, both ends kept.
 */
function pieces(part: string, room: number): string[] {
  if (part.length <= room) return [part];
  const out: string[] = [];
  let current = "";
  for (const token of part.split(/(?<=,)/)) {
    if (current && current.length + token.length > room) {
      out.push(current);
      current = "";
    }
    current += token;
  }
  return (current ? [...out, current] : out).map((piece) => middle(piece, room));
}

/** `head` and the settings joined by two spaces, wrapped within {@link WIDTH} after `indent`. */
function wrap(head: string, parts: readonly string[], indent: string): string[] {
  const lines: string[] = [];
  let line = head;
  for (const piece of parts.flatMap((p) => pieces(p, WIDTH - indent.length))) {
    if (line.length + 2 + piece.length > WIDTH && line !== indent) {
      lines.push(line);
      line = indent;
    }
    line += line === indent ? piece : `  ${piece}`;
  }
  return [...lines, line];
}

/** A value as indented JSON, each line under `indent`. */
function pretty(value: unknown, indent: string): string {
  // A long string (a CA certificate) is cut in the middle so that every line stays within 120 columns.
  const cut = (_key: string, v: unknown): unknown => (typeof v === "string" ? middle(v, 72) : v);
  return JSON.stringify(value, cut, 2).split("\n").join(`\n${indent}`);
}

/** Renders the plan as a tree and totals. */
export function renderText(plan: PlanResult): string {
  const children = new Map<string, RecordedResource[]>();
  const roots: RecordedResource[] = [];
  const urns = new Set(plan.resources.map((r) => r.urn));
  for (const r of plan.resources) {
    if (r.parent && urns.has(r.parent)) {
      const siblings = children.get(r.parent) ?? [];
      siblings.push(r);
      children.set(r.parent, siblings);
    } else roots.push(r);
  }
  const lines = [`Plan of stack ${plan.stack} (project ${plan.project}) from ${plan.source}`, ""];
  const walk = (r: RecordedResource, prefix: string, last: boolean, top: boolean): void => {
    const branch = top ? "" : last ? "└─ " : "├─ ";
    // Components first, then by type and name: a stable order however registrations interleave.
    const kids = [...(children.get(r.urn) ?? [])].sort(
      (a, b) =>
        Number(a.custom) - Number(b.custom) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name),
    );
    const next = top ? "" : `${prefix}${last ? "   " : "│  "}`;
    // Continuation lines keep the tree's lines: under a resource with children, the bar goes on.
    const indent = `${next}${kids.length > 0 ? "│  " : "   "}   `;
    lines.push(...wrap(`${prefix}${branch}${r.type}  ${r.name}`, summary(r), indent));
    kids.forEach((k, i) => walk(k, next, i === kids.length - 1, false));
  };
  roots.forEach((r) => walk(r, "", true, true));

  const totals = new Map<string, number>();
  for (const r of plan.resources) if (r.custom) totals.set(r.type, (totals.get(r.type) ?? 0) + 1);
  const custom = plan.resources.filter((r) => r.custom).length;
  lines.push("", "Resources by type:");
  for (const [type, n] of [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    lines.push(`  ${String(n).padStart(4)}  ${type}`);
  }
  lines.push("", "Service levels:", serviceLevelsText(serviceLevels(plan.resources)));
  lines.push("", "Outputs:");
  for (const [k, v] of Object.entries(plan.outputs)) lines.push(`  ${k}: ${pretty(v, "  ")}`);
  lines.push("", `Totals: ${custom} resources (${plan.resources.length - custom} components)`);
  return lines.join("\n");
}
