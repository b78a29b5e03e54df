/**
 * Following links between resources in a stack policy. A link holds when the property's
 * `propertyDependencies` name the target (known at preview, when computed self-links are not), or when a
 * string in the property equals one of the target's identities: its id, self link, name, e-mail, … in any
 * of Google's spellings (`https://www.googleapis.com/compute/v1/projects/p/global/x/n`,
 * `projects/p/global/x/n`, `n`).
 */
import type { PolicyResource } from "@pulumi/policy";
import { deepStrings, lastSegment, prop, str } from "./values";

/** The resources of a stack, indexed by type. */
export class StackResources {
  private readonly byType = new Map<string, PolicyResource[]>();

  constructor(readonly all: readonly PolicyResource[]) {
    for (const r of all) {
      const list = this.byType.get(r.type);
      if (list) list.push(r);
      else this.byType.set(r.type, [r]);
    }
  }

  /** The resources of any of `types`, in stack order. */
  ofType(...types: readonly string[]): PolicyResource[] {
    if (types.length === 1) return this.byType.get(types[0] ?? "") ?? [];
    return this.all.filter((r) => types.includes(r.type));
  }
}

const IDENTITY_FIELDS = [
  "id",
  "selfLink",
  "selfLinkWithId",
  "name",
  "email",
  "member",
  "serviceId",
  "sloId",
  "secretId",
  "repositoryId",
  "accountId",
] as const;

interface Identities {
  readonly full: ReadonlySet<string>;
  readonly short: ReadonlySet<string>;
  /** The project the resource lives in, when known (its `project`, or the project of its self link). */
  readonly project: string | undefined;
}

/** The project of a `…projects/<p>/…` reference. */
const projectOf = (ref: string): string | undefined => /(?:^|\/)projects\/([^/]+)\//.exec(ref)?.[1];

const cache = new WeakMap<PolicyResource, Identities>();

/** A reference in comparable form: no scheme, host or API version, no trailing slash, lowercase. */
export function normalizeRef(ref: string): string {
  return ref
    .trim()
    .replace(/^https?:\/\/[^/]+\/(?:compute\/(?:v1|beta|alpha)\/)?/i, "")
    .replace(/^\/\/[^/]+\//, "")
    .replace(/\/+$/, "")
    .toLowerCase();
}

function identitiesOf(resource: PolicyResource): Identities {
  const cached = cache.get(resource);
  if (cached) return cached;
  const full = new Set<string>();
  const short = new Set<string>();
  for (const field of IDENTITY_FIELDS) {
    const value = str(prop(resource, field));
    if (!value || value.startsWith("[")) continue; // "[unknown]" / "[secret]" placeholders
    const n = normalizeRef(value);
    full.add(n);
    short.add(lastSegment(n));
  }
  const declared = str(prop(resource, "project"));
  const project =
    declared !== undefined && declared !== "" && !declared.startsWith("[")
      ? declared.toLowerCase()
      : [...full].map(projectOf).find((p) => p !== undefined);
  const identities = { full, short, project };
  cache.set(resource, identities);
  return identities;
}

/**
 * True when the string `ref` names `target`. `collection` (e.g. `backendservice`) must then appear in the
 * path segment before the name, when the reference has one, so a backend bucket and a backend service of
 * the same name are told apart; a reference into another project (`projects/<other>/…`) never names it.
 */
export function namesResource(ref: string, target: PolicyResource, collection?: string): boolean {
  const ids = identitiesOf(target);
  const n = normalizeRef(ref);
  if (ids.full.has(n)) return true;
  const segments = n.split("/");
  if (!ids.short.has(segments[segments.length - 1] ?? "")) return false;
  const project = projectOf(n);
  if (project !== undefined && ids.project !== undefined && project !== ids.project) return false;
  if (segments.length === 1 || collection === undefined) return true;
  return (segments[segments.length - 2] ?? "").includes(collection);
}

const refCache = new WeakMap<PolicyResource, Map<string, readonly string[]>>();

/** The strings of `resource.<property>` (cached: a stack policy follows the same links many times). */
function refsOf(resource: PolicyResource, property: string): readonly string[] {
  let byProperty = refCache.get(resource);
  if (!byProperty) refCache.set(resource, (byProperty = new Map<string, readonly string[]>()));
  let refs = byProperty.get(property);
  if (!refs) byProperty.set(property, (refs = deepStrings(prop(resource, property))));
  return refs;
}

/** True when `from.<property>` refers to `target`, through property dependencies or by value. */
export function refersTo(
  from: PolicyResource,
  property: string,
  target: PolicyResource,
  collection?: string,
): boolean {
  const deps = from.propertyDependencies[property];
  if (deps?.some((d) => d.urn === target.urn)) return true;
  return refsOf(from, property).some((ref) => namesResource(ref, target, collection));
}

/** The `candidates` that `from.<property>` refers to. */
export function referenced(
  from: PolicyResource,
  property: string,
  candidates: readonly PolicyResource[],
  collection?: string,
): PolicyResource[] {
  return candidates.filter((c) => refersTo(from, property, c, collection));
}

/** True when `from` depends on `target` (resource or property dependencies). */
export function dependsOn(from: PolicyResource, target: PolicyResource): boolean {
  if (from.dependencies.some((d) => d.urn === target.urn)) return true;
  return Object.values(from.propertyDependencies).some((deps) => deps.some((d) => d.urn === target.urn));
}

/** The name a message shows for a stack resource: its `name` property, else its logical name. */
export function displayName(resource: PolicyResource, field = "name"): string {
  const value = str(prop(resource, field));
  return value && !value.startsWith("[") ? lastSegment(value) : resource.name;
}
