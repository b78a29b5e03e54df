/**
 * The release state of a stack, in its config: reading `module6:releases` and the services the stack's
 * config declares.
 */
import { usageError } from "../core/errors";
import { RELEASES_KEY, releasesSchema, type ReleaseEntry } from "../../stacks/releases";

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
