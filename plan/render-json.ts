/**
 * A plan as a `pulumi stack export` document (`{ version: 3, deployment: { resources: [...] } }`), with the
 * root stack resource a real export has, so the same tools read a plan and a real export.
 */
import type { RecordedResource } from "./record";
import type { PlanResult } from "./run";

export interface ExportResource {
  urn: string;
  custom: boolean;
  type: string;
  id?: string;
  parent?: string;
  provider?: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  dependencies?: readonly string[];
  propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  protect?: boolean;
  retainOnDelete?: boolean;
  ignoreChanges?: readonly string[];
  deletedWith?: string;
  additionalSecretOutputs?: readonly string[];
  /** Earlier URNs of the resource (`aliases` of a `pulumi stack export` resource). */
  aliases?: readonly string[];
  external?: boolean;
}

export interface ExportDocument {
  version: 3;
  deployment: {
    manifest: { time: string; magic: string; version: string };
    resources: ExportResource[];
  };
}

/** The URN of a stack's root resource. */
export function stackUrn(stack: string, project: string): string {
  return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

function toExport(r: RecordedResource, root: string): ExportResource {
  return {
    urn: r.urn,
    custom: r.custom,
    type: r.type,
    ...(r.id !== undefined ? { id: r.id } : {}),
    parent: r.parent ?? root,
    ...(r.provider !== undefined ? { provider: r.provider } : {}),
    inputs: r.inputs,
    outputs: r.outputs,
    ...(r.dependencies.length ? { dependencies: r.dependencies } : {}),
    ...(Object.keys(r.propertyDependencies).length ? { propertyDependencies: r.propertyDependencies } : {}),
    ...(r.protect ? { protect: true } : {}),
    ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
    ...(r.ignoreChanges.length ? { ignoreChanges: r.ignoreChanges } : {}),
    ...(r.deletedWith ? { deletedWith: r.deletedWith } : {}),
    ...(r.additionalSecretOutputs.length ? { additionalSecretOutputs: r.additionalSecretOutputs } : {}),
    ...(r.aliases?.length ? { aliases: r.aliases } : {}),
    ...(r.external ? { external: true } : {}),
  };
}

/** Renders a plan as a stack-export document. `time` is fixed by the caller for reproducible output. */
export function renderJson(plan: PlanResult, time = new Date().toISOString()): ExportDocument {
  const root = stackUrn(plan.stack, plan.project);
  return {
    version: 3,
    deployment: {
      manifest: { time, magic: "", version: "module6-offline-plan" },
      resources: [
        { urn: root, custom: false, type: "pulumi:pulumi:Stack", inputs: {}, outputs: plan.outputs },
        ...plan.resources.map((r) => toExport(r, root)),
      ],
    },
  };
}
