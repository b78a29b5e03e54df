/**
 * Naming of GCP resources: `<prefix>-<env>-<name>`, lowercased, cut to each GCP limit with a short stable
 * hash when too long or when characters had to be dropped. Deterministic: the same input always gives
 * the same name, so a refactor never renames (and so never replaces) a resource.
 */
import { createHash } from "node:crypto";
import type { NameKind, Naming } from "../components/shared/types";

/** Length limits and the rule of each name kind (GCP's documented limits). */
export interface NameLimit {
  readonly min: number;
  readonly max: number;
  /** What GCP allows, for error messages. */
  readonly rule: string;
}

import { CLOUD_RUN_NAME_WITH_TAG_MAX, MAX_TRAFFIC_TAG_LENGTH } from "../components/shared/limits";

export { CLOUD_RUN_NAME_WITH_TAG_MAX, MAX_TRAFFIC_TAG_LENGTH };

export const NAME_LIMITS: Readonly<Record<NameKind, NameLimit>> = {
  serviceAccount: { min: 6, max: 30, rule: "6-30 characters, a-z 0-9 and '-', starting with a letter" },
  cloudRunService: {
    min: 1,
    max: CLOUD_RUN_NAME_WITH_TAG_MAX - 1 - MAX_TRAFFIC_TAG_LENGTH,
    rule: `1-${CLOUD_RUN_NAME_WITH_TAG_MAX - 1 - MAX_TRAFFIC_TAG_LENGTH} characters so that name + '-' + tag fits ${CLOUD_RUN_NAME_WITH_TAG_MAX}`,
  },
  firestoreDatabase: { min: 4, max: 63, rule: "4-63 characters, a-z 0-9 and '-', starting with a letter" },
  secret: { min: 1, max: 63, rule: "1-63 characters, a-z 0-9 and '-'" },
  artifactRepository: { min: 1, max: 63, rule: "1-63 characters, a-z 0-9 and '-', starting with a letter" },
  // Bucket names are 3-63 characters; 9 are kept for the random suffix `-xxxxxxxx`.
  bucketPrefix: { min: 3, max: 54, rule: "3-54 characters before the random suffix; no 'goog'" },
  generic: { min: 1, max: 63, rule: "1-63 characters, a-z 0-9 and '-', starting with a letter" },
};

const HASH_LENGTH = 6;

/** A short, stable hash of a string (hex). */
export function shortHash(input: string, length = HASH_LENGTH): string {
  return createHash("sha256").update(input, "utf8").digest("hex").slice(0, length);
}

/** Lowercase ASCII letters, digits and single dashes; accents folded, anything else becomes `-`. */
export function sanitize(input: string): string {
  return input
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * Fits `raw` into `limit`: sanitised, starting with a letter, ending with a letter or digit. A hash of the
 * raw input is appended when the name had to be cut or padded, or lost characters other than letter case
 * and `_` (which becomes `-`): inputs that differ only there give the same name, by design — `API_v1` and
 * `api-v1` are both `<prefix>-<env>-api-v1`, readable and without a hash. Where names come from config they
 * cannot differ only there: service, secret and channel names are lowercase and take no `_`, and a service
 * may not take a name the program gives its own resources (stacks/config-services.ts).
 */
export function fitName(raw: string, limit: NameLimit, kind?: NameKind): string {
  let name = sanitize(raw);
  // Bucket names may not contain "goog"; one pass of replacing can reveal a new match ("googoog").
  if (kind === "bucketPrefix") while (name.includes("goog")) name = name.replace(/goog/g, "g00g");
  if (!/^[a-z]/.test(name)) name = name ? `x-${name}` : "x";
  const lossy = name !== raw.toLowerCase().replace(/_/g, "-");
  if (name.length > limit.max || name.length < limit.min || lossy) {
    const keep = Math.max(1, limit.max - HASH_LENGTH - 1);
    name = `${name.slice(0, keep).replace(/-+$/, "")}-${shortHash(raw)}`;
  }
  return name;
}

/** True when `name` already satisfies the limit and character rules of `kind`. */
export function isValidName(name: string, kind: NameKind): boolean {
  const limit = NAME_LIMITS[kind];
  return (
    name.length >= limit.min &&
    name.length <= limit.max &&
    /^[a-z]([a-z0-9-]*[a-z0-9])?$/.test(name) &&
    !/--/.test(name) &&
    !(kind === "bucketPrefix" && name.includes("goog"))
  );
}

/** Names the resources of one environment: `<prefix>-<env>-<name>`. */
export class EnvironmentNaming implements Naming {
  constructor(
    readonly prefix: string,
    readonly env: string,
  ) {}

  name(kind: NameKind, name: string): string {
    return fitName(`${this.prefix}-${this.env}-${name}`, NAME_LIMITS[kind], kind);
  }
}

/** The longest environment segment in names: keeps service-account names meaningful (30 characters). */
export const MAX_ENV_SEGMENT = 12;

/**
 * The environment's name segment from its stack name: `prod`, `staging`, and `f-<slug>` for
 * `feature-<slug>` (cut with a hash when long, e.g. a long branch name).
 */
export function envSegment(stack: string): string {
  const feature = /^feature-(.+)$/.exec(stack);
  const raw = feature ? `f-${feature[1] ?? ""}` : stack;
  return fitName(raw, { min: 1, max: MAX_ENV_SEGMENT, rule: "" });
}

/**
 * An anchored RE2 pattern of the runtime service accounts that feature environments create in
 * `project`: `<prefix>-f-…@<project>.iam.gserviceaccount.com`. Names are cut from the end (`fitName`),
 * so `<prefix>-f-` always stays; no prod or staging name starts with it.
 */
export function featureAccountPattern(prefix: string, project: string): string {
  return `^${prefix}-f-[a-z0-9-]+@${project}\\.iam\\.gserviceaccount\\.com$`;
}
