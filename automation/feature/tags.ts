/**
 * Stack tags of a feature environment: which pull request and branch it serves, who created it, when,
 * and when it expires. `feature list` shows them and `feature gc` decides on them.
 */

/** Tag names (Pulumi: at most 40 of letters, digits, `-_.:`). */
export const FEATURE_TAGS = {
  kind: "module6:kind",
  pr: "module6:pr",
  branch: "module6:branch",
  creator: "module6:creator",
  created: "module6:created",
  expires: "module6:expires",
} as const;

/** The longest tag value Pulumi stores. */
export const MAX_TAG_VALUE = 256;

/** A tag value: printable characters only, at most 256 (a branch name is user input). */
export function tagValue(text: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return printable.slice(0, MAX_TAG_VALUE) || "-";
}

/** What `feature up` records on a stack. */
export interface FeatureTagValues {
  readonly pr?: number;
  readonly branch?: string;
  readonly creator: string;
  readonly created: Date;
  readonly expires: Date;
}

/** The tags of a feature stack, in a stable order. */
export function featureTags(values: FeatureTagValues): Record<string, string> {
  return {
    [FEATURE_TAGS.kind]: "feature",
    ...(values.pr !== undefined ? { [FEATURE_TAGS.pr]: String(values.pr) } : {}),
    ...(values.branch !== undefined ? { [FEATURE_TAGS.branch]: tagValue(values.branch) } : {}),
    [FEATURE_TAGS.creator]: tagValue(values.creator),
    [FEATURE_TAGS.created]: values.created.toISOString(),
    [FEATURE_TAGS.expires]: values.expires.toISOString(),
  };
}

/** A feature stack's tags, read back (missing or malformed values are left out). */
export interface FeatureStackTags {
  readonly kind?: string;
  readonly pr?: number;
  readonly branch?: string;
  readonly creator?: string;
  readonly created?: Date;
  readonly expires?: Date;
}

function date(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function readFeatureTags(tags: Readonly<Record<string, string>>): FeatureStackTags {
  const pr = tags[FEATURE_TAGS.pr];
  const created = date(tags[FEATURE_TAGS.created]);
  const expires = date(tags[FEATURE_TAGS.expires]);
  return {
    ...(tags[FEATURE_TAGS.kind] !== undefined ? { kind: tags[FEATURE_TAGS.kind] } : {}),
    ...(pr !== undefined && /^\d+$/.test(pr) ? { pr: Number(pr) } : {}),
    ...(tags[FEATURE_TAGS.branch] !== undefined ? { branch: tags[FEATURE_TAGS.branch] } : {}),
    ...(tags[FEATURE_TAGS.creator] !== undefined ? { creator: tags[FEATURE_TAGS.creator] } : {}),
    ...(created ? { created } : {}),
    ...(expires ? { expires } : {}),
  };
}
