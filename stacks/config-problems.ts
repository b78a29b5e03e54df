/** Reporting config problems: key paths as a user types them, zod issues, and secret values kept hidden. */
import type { z } from "zod";
import { didYouMean } from "../components/shared/did-you-mean";
import { show, type Problem, type ProblemSink } from "../components/shared/validation";
import { NAMESPACE } from "./namespace";
import { allowedWording } from "./zod-wording";

/** The key path of a config problem, as a user would type it. */
export function keyPath(path: readonly PropertyKey[]): string {
  const parts = path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i > 0 ? "." : ""}${String(k)}`));
  return `${NAMESPACE}:${parts.join("")}`;
}

/** The generated configuration reference (stacks/config-docs.ts writes it). */
export const REFERENCE = "docs/configuration.md";

/** The value at `path` inside `value` (for keys zod reports without their values). */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((obj, k) => (obj as Record<PropertyKey, unknown> | undefined)?.[k], value);
}

/** What zod keeps of a schema's definition, for walking it (`schema._zod.def`). */
interface SchemaDef {
  readonly type?: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly valueType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
}

const defOf = (schema: z.ZodType): SchemaDef => schema._zod.def;

/** The object schemas at `path` inside `schema` (wrappers, pipes, records, arrays and unions looked through). */
function objectSchemasAt(schema: z.ZodType | undefined, path: readonly PropertyKey[]): SchemaDef[] {
  if (schema === undefined) return [];
  const def = defOf(schema);
  const inner = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
  if (inner) return objectSchemasAt(inner, path);
  if (def.type === "union") return (def.options ?? []).flatMap((o) => objectSchemasAt(o, path));
  if (path.length === 0) return def.type === "object" ? [def] : [];
  const [head, ...rest] = path;
  if (def.type === "object") return objectSchemasAt(def.shape?.[String(head)], rest);
  if (def.type === "record") return objectSchemasAt(def.valueType, rest);
  if (def.type === "array") return objectSchemasAt(def.element, rest);
  return [];
}

/** The keys an object at `path` inside `schema` takes (empty when unknown). */
export function knownKeysAt(schema: z.ZodType | undefined, path: readonly PropertyKey[]): string[] {
  return [...new Set(objectSchemasAt(schema, path).flatMap((d) => Object.keys(d.shape ?? {})))];
}

/** The problems of one top-level key's zod issues, at config key paths. */
export function zodProblems(
  error: z.ZodError,
  section: string,
  value: unknown,
  schema?: z.ZodType,
): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    const path = [section, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      const parent = valueAt(value, issue.path);
      const known = knownKeysAt(schema, issue.path);
      return issue.keys.map((key) => {
        const hint = didYouMean(key, known);
        return {
          path: keyPath([...path, key]),
          value: show((parent as Record<string, unknown> | undefined)?.[key]),
          allowed: `no such key: ${hint || "check the spelling"} (${known.length > 0 ? `known keys: ${known.join(", ")}; ` : ""}see ${REFERENCE}#${section.toLowerCase()})`,
        };
      });
    }
    const last = path.at(-1);
    return [
      {
        path: keyPath(path),
        value: issue.input === undefined ? "nothing" : show(issue.input),
        allowed: allowedWording(issue, typeof last === "string" ? last : undefined),
      },
    ];
  });
}

/** A problem at a config key path (without namespace). */
export function problemAt(path: string, value: unknown, allowed: string): Problem {
  return { path: `${NAMESPACE}:${path}`, value: show(value), allowed };
}

/** Files a component's cross-field check into `problems`, its paths under the config key `prefix`. */
export function sinkAt(problems: Problem[], prefix: string): ProblemSink {
  return {
    check(ok, path, value, allowed) {
      if (!ok) problems.push(problemAt(`${prefix}${path}`, value, allowed));
      return ok;
    },
  };
}

/** What an error message shows instead of a secret value. */
export const HIDDEN = "(secret value hidden)";
/** Key names that may hold a secret value: an unknown key so named never shows its value. */
export const SECRET_LOOKING_KEY = /secret|passw|token|credential|key/i;

/** The top-level key (without namespace) a problem is about: `module6:services.api.cpu` → `services`. */
export function topKey(problem: Problem): string {
  return problem.path.slice(NAMESPACE.length + 1).split(/[.[]/)[0] ?? "";
}

/**
 * The problems with every value under a secret key hidden: keys Pulumi holds as secrets (`secretKeys`,
 * e.g. a whole `monitoring` block set with `--secret`) and unknown keys whose name looks secret.
 */
export function hideSecretValues(
  problems: readonly Problem[],
  secretKeys: readonly string[],
  isKnownKey: (key: string) => boolean,
): Problem[] {
  return problems.map((p) => {
    const key = topKey(p);
    const hidden = secretKeys.includes(key) || (!isKnownKey(key) && SECRET_LOOKING_KEY.test(key));
    return hidden ? { ...p, value: HIDDEN } : p;
  });
}

/** The sections of the configuration reference that explain the keys of `problems`. */
export function referenceHint(problems: readonly Problem[], sections: readonly string[]): string {
  const keys = [...new Set(problems.map(topKey))];
  const anchors = sections.filter((k) => keys.includes(k));
  const links = anchors.map((k) => `${REFERENCE}#${k.toLowerCase()}`);
  return `See ${links.length > 0 ? links.join(", ") : REFERENCE} for what each key takes.`;
}
