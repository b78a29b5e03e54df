/** Release reports for people: the release record and each region's traffic. */
import { table } from "../context/output";
import type { ServiceRevisions } from "./actions";
import type { ReleaseEntry } from "../../stacks/releases";

export function describeRelease(service: string, entry: ReleaseEntry | undefined): string {
  if (entry === undefined) return `${service}: no release recorded (all traffic follows the latest revision)`;
  const share =
    entry.state === "started"
      ? `${entry.percent} % to the candidate (tag ${entry.tag})`
      : entry.state === "promoted"
        ? "100 % to the candidate"
        : "100 % back to the previous revision";
  return `${service}: ${entry.strategy} release ${entry.state}, ${share}; image ${entry.image}`;
}

export function renderRevisions(revisions: ServiceRevisions | undefined): string {
  if (revisions === undefined) return "  (no revisions in the stack outputs yet)";
  const rows = Object.entries(revisions).flatMap(([region, r]) =>
    (r.traffic.length > 0 ? r.traffic : [{ latest: true, percent: 100 }]).map((t) => [
      region,
      t.revision ?? `${r.latestReadyRevision} (latest)`,
      `${t.percent} %`,
      "tag" in t && t.tag !== undefined ? t.tag : "-",
      "uri" in t && t.uri !== undefined ? t.uri : "-",
    ]),
  );
  return table(["REGION", "REVISION", "TRAFFIC", "TAG", "TAG URL"], rows)
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}
