/**
 * Reads the document `npm run audit` checks: a `pulumi stack export` (version 3), a plan's JSON (the same
 * shape), or a bare array of its resources. Anything else is a `CliError` (exit 2) that says what is wrong.
 */
import { z } from "zod";
import { isPlainObject } from "../policies/lib/values";
import { CliError } from "../cli-kit/cli-error";
import { readJsonFile } from "../cli-kit/files";
import type { ExportResource } from "./render-json";

const object = z.record(z.string(), z.unknown()).optional();
const array = z.array(z.unknown()).optional();

/** What the audit needs of a resource; anything else it carries is kept as is. */
const RESOURCE = z.looseObject({
  urn: z.string().startsWith("urn:pulumi:"),
  type: z.string().min(1),
  inputs: object,
  outputs: object,
  propertyDependencies: object,
  dependencies: array,
  ignoreChanges: array,
  additionalSecretOutputs: array,
});

/** A stack export (`{ deployment: { resources } }`) or a bare array of resources. */
const DOCUMENT = z.union([
  z.array(z.unknown()),
  z.looseObject({ deployment: z.looseObject({ resources: z.array(z.unknown()) }) }),
]);

/** The first problem of resource #`index` as one message naming the resource and the key. */
function resourceProblem(value: unknown, index: number, file: string, issue: z.core.$ZodIssue): string {
  const at = `${file}: resource #${index}`;
  if (!isPlainObject(value)) return `${at} is not an object`;
  const key = String(issue.path[0]);
  if (key === "urn") return `${at} has no "urn" (a string starting with urn:pulumi:)`;
  const named = `${at} (${String(value.urn)})`;
  if (key === "type") return `${named} has no "type"`;
  return `${named} has "${key}" that is not ${issue.code === "invalid_type" && issue.expected === "array" ? "an array" : "an object"}`;
}

function checkResource(value: unknown, index: number, file: string): ExportResource {
  const parsed = RESOURCE.safeParse(value);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new CliError(resourceProblem(value, index, file, issue as z.core.$ZodIssue));
  }
  const r = parsed.data;
  return {
    ...(r as unknown as ExportResource),
    custom: r.custom !== false,
    inputs: r.inputs ?? {},
    outputs: r.outputs ?? {},
  };
}

/** The deployment format this audit reads (`pulumi stack export` writes version 3). */
const EXPORT_VERSION = 3;

export interface ExportReadOptions {
  /** Accept a document with no resources or an unknown `version` (refused by default). */
  readonly allowEmpty?: boolean;
}

/** The resources of a parsed document. */
export function exportResourcesOf(
  doc: unknown,
  file: string,
  options: ExportReadOptions = {},
): ExportResource[] {
  const parsed = DOCUMENT.safeParse(doc);
  if (!parsed.success) {
    throw new CliError(
      `${file}: not a stack export: expected { "version": 3, "deployment": { "resources": [...] } } (pulumi stack export, or npm run plan -- --format json)`,
    );
  }
  const version = Array.isArray(parsed.data) ? EXPORT_VERSION : parsed.data.version;
  if (version !== EXPORT_VERSION && options.allowEmpty !== true)
    throw new CliError(
      `${file}: export version ${JSON.stringify(version) ?? "missing"}; this audit reads version ${EXPORT_VERSION} (pulumi stack export). Pass --allow-empty to check it anyway`,
    );
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.deployment.resources;
  const resources = list.map((r, i) => checkResource(r, i, file));
  if (options.allowEmpty !== true && !resources.some((r) => r.custom && !r.type.startsWith("pulumi:")))
    throw new CliError(
      `${file} has no resources to check: a merge gate must not pass on nothing (an empty stack, or the wrong file?). Pass --allow-empty to accept it`,
    );
  return resources;
}

/** Reads and checks `file`. */
export function readExportFile(file: string, options: ExportReadOptions = {}): ExportResource[] {
  return exportResourcesOf(readJsonFile(file), file, options);
}
