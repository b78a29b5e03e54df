/**
 * Scales a real plan up for the audit benchmark: copies of each service's resources (its identity, Cloud
 * Run services, grants, serverless NEGs, backend service and monitoring) under new names, until the export
 * holds the number of resources asked for. Every copy is the program's own output with the service renamed,
 * so the pack sees what a stack with many services would give it.
 */
import type { ExportDocument, ExportResource } from "./render-json";

/** The services of a plan: the names of its `module6:run:Service` components (`env-<service>`). */
export function servicesOf(doc: ExportDocument): string[] {
  const names = doc.deployment.resources
    .filter((r) => r.type === "module6:run:Service")
    .map((r) => /::env-([a-z0-9]+)$/.exec(r.urn)?.[1])
    .filter((name): name is string => name !== undefined);
  return [...new Set(names)];
}

/**
 * Where a service's name appears in its resources: logical names `env-<service>…`, `env-edge-<service>…`
 * and grants ending `-<service>`; Google Cloud names `<prefix>-<stack>-<service>` (the Cloud Run services,
 * accounts and their emails). Not inside other words: `env-secrets-ai-api-key` and the secret
 * `m6-prod-ai-api-key` belong to the secrets, not to the ai or api service. A copied backend service keeps
 * its Google Cloud name, so the URL map's rule for the original routes the copy too.
 */
function serviceTokens(service: string, stack: string): RegExp[] {
  return [
    new RegExp(`(^|[^a-z0-9])((?:env-(?:edge-)?|access-|rw-)${service})(?=$|[^a-z0-9])`, "g"),
    new RegExp(`(^|[^a-z0-9])(m6-${stack}-${service})(?=$|[^a-z0-9-])`, "g"),
  ];
}

function ownedBy(r: ExportResource, service: string): boolean {
  const name = r.urn.slice(r.urn.lastIndexOf("::") + 2);
  return new RegExp(`^env-(?:edge-)?${service}(?:-|$)|-(?:access|rw)-${service}$`).test(name);
}

function renamed<T>(value: T, tokens: readonly RegExp[], suffix: string): T {
  if (typeof value === "string")
    return tokens.reduce((text, token) => text.replace(token, `$1$2${suffix}`), value as string) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => renamed(v, tokens, suffix)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, renamed(v, tokens, suffix)]),
    ) as T;
  }
  return value;
}

/**
 * `doc` with whole copies of its services' resources added (round robin over the services) while they fit
 * in `n` resources, and the rest filled with copies of its project API enablements: exactly `n` resources
 * when `doc` has at least one of each. Throws when `doc` has no service or a copy would repeat a URN.
 */
export function scalePlan(doc: ExportDocument, n: number): ExportDocument {
  const original = doc.deployment.resources;
  const resources = [...original];
  const urns = new Set(resources.map((r) => r.urn));
  const add = (copies: readonly ExportResource[]): void => {
    for (const r of copies) {
      if (urns.has(r.urn)) throw new Error(`scalePlan: a copy repeats ${r.urn}`);
      urns.add(r.urn);
      resources.push(r);
    }
  };
  const stack = /^urn:pulumi:([^:]+)::/.exec(original[0]?.urn ?? "")?.[1] ?? "";
  const services = servicesOf(doc);
  if (services.length === 0) throw new Error("scalePlan: the plan has no module6:run:Service");
  let copy = 1;
  for (let full = true; full; copy++) {
    for (const service of services) {
      const own = original.filter((r) => ownedBy(r, service));
      if (resources.length + own.length > n) {
        full = false;
        break;
      }
      add(renamed(own, serviceTokens(service, stack), `c${copy}`));
    }
  }
  const apis = original.filter((r) => r.type === "gcp:projects/service:Service");
  for (let i = 0; resources.length < n && apis.length > 0; i++) {
    const api = apis[i % apis.length] as ExportResource;
    add([{ ...api, urn: `${api.urn}-c${copy + Math.floor(i / apis.length)}` }]);
  }
  return { ...doc, deployment: { ...doc.deployment, resources } };
}
