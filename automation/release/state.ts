/**
 * The release state of a stack, in its config: reading and writing `module6:releases` (one serialised write)
 * and the services the stack's config declares.
 */
import { usageError } from "../errors";
import type { Automation } from "../pulumi/automation";
import { RELEASES_KEY, releasesSchema, type ReleaseEntry, type Releases } from "./contract";

const SERVICES_KEY = "module6:services";

/** The releases recorded in a stack's config (none when the key is absent). */
export function readReleases(
  config: Readonly<Record<string, string>>,
  stack: string,
): Record<string, ReleaseEntry> {
  const raw = config[RELEASES_KEY];
  if (raw === undefined || raw.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  const parsed = releasesSchema.safeParse(value);
  if (!parsed.success)
    throw usageError(
      `${RELEASES_KEY} of stack ${stack} is not a valid release record (${parsed.error.issues[0]?.message ?? "not JSON"}); ` +
        `only the release commands write it — restore it from version control or remove it with: pulumi config rm ${RELEASES_KEY} --stack ${stack}`,
    );
  return parsed.data;
}

/** Writes the releases (or removes the key when there are none) in one config write. */
export async function writeReleases(
  automation: Automation,
  stack: string,
  releases: Releases,
): Promise<void> {
  const names = Object.keys(releases).sort();
  if (names.length === 0) {
    await automation.removeConfig(stack, [RELEASES_KEY]);
    return;
  }
  const ordered = Object.fromEntries(names.map((n) => [n, releases[n]]));
  await automation.setConfig(stack, { [RELEASES_KEY]: JSON.stringify(ordered) });
}

/** The images of the services a stack's config declares (service → image). */
export function serviceImages(config: Readonly<Record<string, string>>): Record<string, string> {
  const raw = config[SERVICES_KEY];
  if (raw === undefined) return {};
  let services: unknown;
  try {
    services = JSON.parse(raw);
  } catch {
    return {};
  }
  if (services === null || typeof services !== "object") return {};
  return Object.fromEntries(
    Object.entries(services as Record<string, { image?: unknown }>).map(([name, s]) => [
      name,
      typeof s?.image === "string" ? s.image : "",
    ]),
  );
}
