/**
 * Labels on every labelable resource (DESIGN §4): `app`, `env`, `stack`, `component`, `managed-by`, plus the
 * configured `team` and `cost-center`. Values are sanitised to GCP's label rules: at most 63 characters of
 * lowercase letters, digits, `_` and `-`; keys must also start with a letter.
 */
import { patternRule } from "../components/shared/validation";

const MAX_LABEL_LENGTH = 63;

/** Sanitises a label value: lowercase, `[a-z0-9_-]`, at most 63 characters (may be empty). */
export function labelValue(input: string): string {
  return input
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_LABEL_LENGTH);
}

/** Sanitises a label key: like a value, and starting with a lowercase letter. */
export function labelKey(input: string): string {
  const value = labelValue(input);
  return (/^[a-z]/.test(value) ? value : `l-${value}`).slice(0, MAX_LABEL_LENGTH).replace(/-+$/, "");
}

/** GCP's rule for a label key: a lowercase letter first, then up to 62 of a-z 0-9 `_` `-`. */
export const LABEL_KEY_RULE = patternRule(
  /^[a-z][a-z0-9_-]{0,62}$/,
  "a label key: lowercase letter first, then a-z 0-9 _ - (at most 63)",
);

/** True when a key/value pair already obeys GCP's label rules. */
export function isValidLabel(key: string, value: string): boolean {
  return LABEL_KEY_RULE.test(key) && /^[a-z0-9_-]{0,63}$/.test(value);
}

/** What the environment's labels are made from. */
export interface LabelSource {
  readonly app: string;
  /** Environment kind: `prod`, `staging` or `feature`. */
  readonly env: string;
  readonly stack: string;
  readonly team: string;
  readonly costCenter: string;
  /** Further labels from config. */
  readonly extra?: Readonly<Record<string, string>>;
}

/** The labels every resource of an environment carries (components add `component`). */
export function environmentLabels(source: LabelSource): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(source.extra ?? {})) labels[labelKey(key)] = labelValue(value);
  Object.assign(labels, {
    app: labelValue(source.app),
    env: labelValue(source.env),
    stack: labelValue(source.stack),
    "managed-by": "pulumi",
    team: labelValue(source.team),
    "cost-center": labelValue(source.costCenter),
  });
  return labels;
}

/** The label keys every labelable resource must carry. */
export const REQUIRED_LABEL_KEYS = [
  "app",
  "env",
  "stack",
  "component",
  "managed-by",
  "team",
  "cost-center",
] as const;
