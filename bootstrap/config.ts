/**
 * The bootstrap stack's config (`module6-bootstrap:*` keys of `bootstrap/Pulumi.<stack>.yaml`), checked in
 * one pass: every mistake is named with its key, the value and what is allowed, before any resource exists.
 */
import { PROJECT_ID_PATTERN } from "../components/shared/project-id";
import { show, ValidationError, type Problem } from "../components/shared/validation";
import type { GitHubRepository } from "./github-oidc";

export const BOOTSTRAP_NAMESPACE = "module6-bootstrap";

export interface BootstrapConfig {
  /** `staging` (staging and feature stacks live here) or `prod`. */
  readonly kind: "staging" | "prod";
  readonly gcpProject: string;
  /** Region of the state bucket and the key ring. */
  readonly region: string;
  /** Name prefix of the program's resources (`module6:prefix`), for the feature databases' condition. */
  readonly prefix: string;
  /** The state bucket's name (globally unique). */
  readonly stateBucket: string;
  /** Days an overwritten or deleted state object is kept before it is deleted. */
  readonly noncurrentVersionDays: number;
  /** Rotation period of the stack-secrets key, in days (at most 90, CIS 1.10). */
  readonly keyRotationDays: number;
  readonly github: GitHubRepository;
  readonly labels: Record<string, string>;
}

const REGION = /^[a-z]+-[a-z]+\d$/;
// Bucket names: 3-63 characters, lowercase letters, digits, '-', '_' and '.', starting and ending with a
// letter or digit (https://cloud.google.com/storage/docs/buckets#naming).
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
// GitHub logins: alphanumerics and single hyphens; repository names: alphanumerics, '-', '_' and '.'.
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;
const NUMERIC_ID = /^[1-9]\d{0,19}$/;
const PREFIX = /^[a-z][a-z0-9]{0,9}$/;

/** Parses the config map the CLI hands the program (`namespace:key` → string, objects as JSON). */
export function parseBootstrapConfig(raw: Readonly<Record<string, string | undefined>>): BootstrapConfig {
  const problems: Problem[] = [];
  const key = (k: string): string => `${BOOTSTRAP_NAMESPACE}:${k}`;
  const text = (k: string, pattern: RegExp, allowed: string, fallback?: string): string => {
    const value = raw[key(k)] ?? fallback;
    if (value === undefined || !pattern.test(value))
      problems.push({ path: key(k), value: show(value), allowed });
    return value ?? "";
  };
  const days = (k: string, min: number, max: number, fallback: number): number => {
    const value = raw[key(k)];
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      problems.push({ path: key(k), value: show(value), allowed: `an integer ${min}-${max}` });
    return n;
  };
  const kind = text("kind", /^(staging|prod)$/, "staging or prod");
  const gcpProject = text("gcpProject", PROJECT_ID_PATTERN, "a GCP project id (6-30 of a-z, 0-9, '-')");
  const config: BootstrapConfig = {
    kind: kind === "prod" ? "prod" : "staging",
    gcpProject,
    region: text("region", REGION, "a GCP region such as asia-northeast3"),
    prefix: text("prefix", PREFIX, "the program's module6:prefix (1-10 of a-z, 0-9)"),
    stateBucket: text(
      "stateBucket",
      BUCKET,
      "a bucket name (3-63 of a-z, 0-9, '-', '_', '.')",
      `${gcpProject}-pulumi-state`,
    ),
    noncurrentVersionDays: days("noncurrentVersionDays", 7, 365, 30),
    keyRotationDays: days("keyRotationDays", 1, 90, 90),
    github: {
      owner: text("githubOwner", OWNER, "the repository owner's GitHub login"),
      ownerId: text("githubOwnerId", NUMERIC_ID, "the owner's numeric id: gh api users/<owner> -q .id"),
      name: text("githubRepository", REPO_NAME, "the repository name without its owner"),
      id: text(
        "githubRepositoryId",
        NUMERIC_ID,
        "the repository's numeric id: gh api repos/<owner>/<name> -q .id",
      ),
    },
    labels: {},
  };
  if (problems.length > 0)
    throw new ValidationError(`Invalid ${BOOTSTRAP_NAMESPACE} config`, problems, "See docs/delivery.md.");
  const team = raw[key("team")] ?? "platform";
  const costCenter = raw[key("costCenter")] ?? "platform";
  return {
    ...config,
    labels: {
      app: "module6",
      // Not an environment of the program: environment-scoped policies (e.g. the project's audit config,
      // owned by the program's stack of the same project) do not apply to the bootstrap stack.
      env: "bootstrap",
      stack: `bootstrap-${config.kind}`,
      component: "bootstrap",
      "managed-by": "pulumi",
      team,
      "cost-center": costCenter,
    },
  };
}
