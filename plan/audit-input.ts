/**
 * Reads the document `npm run audit` checks: a `pulumi stack export` (version 3), a plan's JSON (the same
 * shape), or a bare array of its resources. Anything else is a `CliError` (exit 2) that says what is wrong.
 */
import { readFileSync } from "node:fs";
import { CliError } from "../stack-file/cli-error";
import type { ExportResource } from "./render-json";

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function checkResource(value: unknown, index: number, file: string): ExportResource {
  if (!isObject(value)) throw new CliError(`${file}: resource #${index} is not an object`);
  if (typeof value.urn !== "string" || !value.urn.startsWith("urn:pulumi:")) {
    throw new CliError(`${file}: resource #${index} has no "urn" (a string starting with urn:pulumi:)`);
  }
  if (typeof value.type !== "string" || value.type === "") {
    throw new CliError(`${file}: resource #${index} (${value.urn}) has no "type"`);
  }
  for (const key of ["inputs", "outputs", "propertyDependencies"] as const) {
    if (value[key] !== undefined && !isObject(value[key])) {
      throw new CliError(`${file}: resource #${index} (${value.urn}) has "${key}" that is not an object`);
    }
  }
  for (const key of ["dependencies", "ignoreChanges", "additionalSecretOutputs"] as const) {
    if (value[key] !== undefined && !Array.isArray(value[key])) {
      throw new CliError(`${file}: resource #${index} (${value.urn}) has "${key}" that is not an array`);
    }
  }
  return {
    ...(value as unknown as ExportResource),
    custom: value.custom !== false,
    inputs: isObject(value.inputs) ? value.inputs : {},
    outputs: isObject(value.outputs) ? value.outputs : {},
  };
}

/** The resources of a parsed document. */
export function exportResourcesOf(doc: unknown, file: string): ExportResource[] {
  const list = Array.isArray(doc)
    ? doc
    : isObject(doc) && isObject(doc.deployment)
      ? doc.deployment.resources
      : undefined;
  if (!Array.isArray(list)) {
    throw new CliError(
      `${file}: not a stack export: expected { "version": 3, "deployment": { "resources": [...] } } (pulumi stack export, or npm run plan -- --format json)`,
    );
  }
  return list.map((r, i) => checkResource(r, i, file));
}

/** Reads and checks `file`. */
export function readExportFile(file: string): ExportResource[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `cannot read ${file}: ${code === "ENOENT" ? "no such file" : (code ?? String(error))}`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  return exportResourcesOf(doc, file);
}
