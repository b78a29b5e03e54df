/**
 * Simulated Pulumi programs for the fake: what the real program exports, derived from config the same way
 * — service URLs, and per service and region the revisions and traffic the release contract describes
 * (a new revision whenever the template's image changes).
 */
import { configMapFromYaml } from "../../../stack-file/load";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { releaseImage, releaseTraffic, type RegionRevisions } from "../../../stacks/releases";
import { readReleases } from "../../../automation/release/state";
import type { FakeProgram } from "./fake-automation";

interface ServiceSpec {
  readonly image: string;
  readonly regions?: readonly string[];
}

/** The config map of a fixture stack file, as Pulumi would hand it over. */
export function fixtureConfig(root: string, stack: string): Record<string, string> {
  const path = join(root, `Pulumi.${stack}.yaml`);
  return configMapFromYaml(parse(readFileSync(path, "utf8")) as unknown, path).config;
}

/** The GCP name of a service in a stack (the program's naming, simplified for the fake). */
export function gcpServiceName(stack: string, service: string): string {
  return `m6-${stack}-${service}`;
}

export function infraProgram(): FakeProgram {
  const revisionsSeen = new Map<string, { image: string; n: number }>();
  return (stack, config) => {
    const region = config["module6:region"] ?? "asia-northeast3";
    const services = JSON.parse(config["module6:services"] ?? "{}") as Record<string, ServiceSpec>;
    const releases = readReleases(config, stack);
    const serviceUrls: Record<string, string> = {};
    const revisions: Record<string, Record<string, RegionRevisions>> = {};
    for (const [name, spec] of Object.entries(services)) {
      const gcp = gcpServiceName(stack, name);
      const entry = releases[name];
      const image = releaseImage(spec.image, entry);
      serviceUrls[name] = `https://${gcp}-5x2q7a-an.a.run.app`;
      const regions = [region, ...(spec.regions ?? []).filter((r) => r !== region)];
      revisions[name] = {};
      for (const r of regions) {
        const key = `${stack}/${name}/${r}`;
        let seen = revisionsSeen.get(key);
        if (!seen || seen.image !== image) {
          seen = { image, n: (seen?.n ?? 0) + 1 };
          revisionsSeen.set(key, seen);
        }
        const previous = entry?.stableRevisions[r];
        revisions[name][r] = {
          service: gcp,
          latestReadyRevision: `${gcp}-${String(seen.n).padStart(5, "0")}-${r.endsWith("3") ? "k3" : "k1"}`,
          ...(previous !== undefined ? { previousRevision: previous } : {}),
          traffic: releaseTraffic(entry, r).map((t) => ({
            ...(t.revision !== undefined ? { revision: t.revision } : {}),
            percent: t.percent,
            ...(t.tag !== undefined
              ? { tag: t.tag, uri: `https://${t.tag}---${gcp}-5x2q7a-an.a.run.app` }
              : {}),
            latest: t.revision === undefined,
          })),
        };
      }
    }
    return {
      environment: { stack, kind: config["module6:kind"] ?? "", project: config["module6:gcpProject"] ?? "" },
      serviceUrls,
      revisions,
      firestoreDatabase: `m6-${stack}-main`,
    };
  };
}
