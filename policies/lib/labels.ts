/**
 * The labels a resource ends up with: the provider's `defaultLabels` (the program sets them on its explicit
 * `gcp.Provider`), the resource's own `labels`, and, in outputs, `effectiveLabels`/`terraformLabels`.
 */
import { isPlainObject, tryRead, prop } from "./values";

/** What a policy knows about a resource and its provider. */
export interface LabelledSubject {
  readonly props: Record<string, unknown>;
  readonly provider?: { readonly props: Record<string, unknown> };
}

function labelMap(value: unknown): Record<string, string> {
  let v = tryRead(() => value);
  if (typeof v === "string") {
    // Providers receive nested inputs JSON-encoded (`defaultLabels: "{\"env\":\"prod\"}"`).
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      return {};
    }
  }
  if (!isPlainObject(v)) return {};
  const out: Record<string, string> = {};
  for (const key of Object.keys(v)) {
    const item = tryRead(() => v[key]);
    if (typeof item === "string") out[key] = item;
  }
  return out;
}

/**
 * The merged labels of a resource: provider defaults, then computed labels, then its own. A provider's own
 * `defaultLabels` are its labels (a stack policy may ask a provider which environment it serves).
 */
export function effectiveLabels(subject: LabelledSubject): Record<string, string> {
  const props = subject.props;
  return {
    ...labelMap(subject.provider ? prop(subject.provider, "defaultLabels") : undefined),
    ...labelMap(tryRead(() => props.defaultLabels)),
    ...labelMap(tryRead(() => props.terraformLabels)),
    ...labelMap(tryRead(() => props.effectiveLabels)),
    ...labelMap(tryRead(() => props.labels)),
    ...labelMap(tryRead(() => props.userLabels)),
  };
}
