/**
 * The configuration reference of `docs/configuration.md`, generated from the config schema
 * (stacks/config-schema.ts) so that it cannot drift: every key with its type, default, meaning and what
 * is allowed. `npm run docs:config` (`node --import tsx stacks/config-docs.ts --write`) rewrites the block
 * between its markers; a test checks that the committed file matches. Not part of the program.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { format, resolveConfig } from "prettier";
import { z } from "zod";
import { CONFIG_KEYS, configSchema } from "./config-schema";
import { NAMESPACE } from "./namespace";

export const REFERENCE_START =
  "<!-- config-reference:start (generated from stacks/config-schema.ts by `npm run docs:config`) -->";
export const REFERENCE_END = "<!-- config-reference:end -->";
export const DOC_PATH = resolve(__dirname, "../docs/configuration.md");

/** A JSON Schema node as `z.toJSONSchema` writes it, with this program's metadata (stacks/config-fields.ts). */
interface Node {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly defaultText?: string;
  readonly allowed?: string;
  readonly keys?: string;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly Node[];
  readonly oneOf?: readonly Node[];
  readonly properties?: Readonly<Record<string, Node>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: Node | boolean;
  readonly items?: Node;
  readonly minItems?: number;
  readonly maxLength?: number;
}

/** One row of a section's table. */
export interface KeyRow {
  readonly key: string;
  readonly type: string;
  readonly default: string;
  readonly meaning: string;
}

const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const code = (value: unknown): string => `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;

/** The schema as JSON Schema: what a user writes (input), defaults included. */
export function configJsonSchema(): Node {
  return z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as Node;
}

/** The value type of a record (`map of …`), when the node is one. */
function recordValue(node: Node): Node | undefined {
  return !node.properties && typeof node.additionalProperties === "object"
    ? node.additionalProperties
    : undefined;
}

/** Enumerations longer than this read as their type (the allowed text names them, e.g. the regions). */
const LONGEST_ENUM = 8;

function typeOf(node: Node): string {
  if (node.const !== undefined) return code(node.const);
  if (node.enum)
    return node.enum.length > LONGEST_ENUM ? (node.type ?? "any") : node.enum.map(code).join(" | ");
  if (node.anyOf) return node.anyOf.map(typeOf).join(" or ");
  if (node.oneOf) return "object, by `type`";
  const value = recordValue(node);
  if (value) return `map of ${typeOf(value)}`;
  if (node.type === "array" && node.items) return `list of ${typeOf(node.items)}`;
  return node.type ?? "any";
}

function defaultOf(node: Node, required: boolean): string {
  const isObject = node.properties !== undefined;
  if (node.default !== undefined && !(isObject && JSON.stringify(node.default) === "{}"))
    return code(node.default);
  if (node.defaultText !== undefined) return node.defaultText;
  return required ? "required" : "—";
}

function meaningOf(node: Node): string {
  const parts = [node.description ?? ""];
  if (node.allowed) parts.push(`Allowed: ${node.allowed}.`);
  if (node.type === "array" && node.items?.allowed) parts.push(`Each: ${node.items.allowed}.`);
  if (node.keys) parts.push(`Names: ${node.keys}.`);
  if (node.minItems) parts.push(`At least ${node.minItems}.`);
  if (node.maxLength) parts.push(`At most ${node.maxLength} characters.`);
  return parts.filter((p) => p !== "").join(" ");
}

/** The object a node describes, when it has fields (itself, or its non-null variant). */
function objectOf(node: Node): Node | undefined {
  if (node.properties) return node;
  return node.anyOf?.find((n) => n.properties !== undefined);
}

/** Rows for `node` at `key` and everything under it, depth first. */
function rowsOf(node: Node, key: string, required: boolean, rows: KeyRow[], variant = ""): void {
  if (node.description !== undefined)
    rows.push({
      key,
      type: typeOf(node),
      default: defaultOf(node, required),
      meaning: variant + meaningOf(node),
    });
  const object = objectOf(node);
  const items = node.type === "array" ? node.items : undefined;
  const value = recordValue(node);
  if (object?.properties) fieldRows(object, key, rows);
  else if (items?.properties) fieldRows(items, `${key}[]`, rows);
  else if (value && (value.properties || value.oneOf)) rowsOf(value, `${key}.<name>`, true, rows);
  for (const option of node.oneOf ?? []) variantRows(option, key, rows);
}

/** One variant of a union told apart by `type` (a channel): its `type` value, then its own fields. */
function variantRows(option: Node, key: string, rows: KeyRow[]): void {
  const { type: tag, ...fields } = option.properties ?? {};
  const type = typeof tag?.const === "string" ? tag.const : JSON.stringify(tag?.const);
  if (tag)
    rows.push({ key: `${key}.type: ${type}`, type: code(type), default: "—", meaning: meaningOf(tag) });
  for (const [name, child] of Object.entries(fields))
    rowsOf(
      child,
      `${key}.${name}`,
      option.required?.includes(name) ?? false,
      rows,
      `With \`type: ${type}\`: `,
    );
}

/** The rows of an object's fields. */
function fieldRows(object: Node, key: string, rows: KeyRow[]): void {
  for (const [name, child] of Object.entries(object.properties ?? {}))
    rowsOf(child, `${key}.${name}`, object.required?.includes(name) ?? false, rows);
}

/** Every key under one top-level key, the section itself first. */
export function sectionRows(section: string, schema: Node = configJsonSchema()): KeyRow[] {
  const node = schema.properties?.[section];
  if (node === undefined) throw new Error(`no config key ${section}`);
  const rows: KeyRow[] = [];
  rowsOf(node, section, schema.required?.includes(section) ?? false, rows);
  return rows;
}

/** How a section's own default reads after its description. */
function sectionDefault(text: string): string {
  if (text === "required") return " Required.";
  return text === "—" ? "" : ` Default: ${text}.`;
}

/** The generated block: one section per top-level key, with its table. */
export function referenceBlock(): string {
  const schema = configJsonSchema();
  const sections = CONFIG_KEYS.map((section) => {
    const [top, ...fields] = sectionRows(section, schema);
    const rows = fields.length > 0 ? fields : top ? [top] : [];
    const table = rows.map(
      (r) => `| \`${r.key}\` | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.meaning)} |`,
    );
    const intro = fields.length > 0 && top ? [`${top.meaning}${sectionDefault(top.default)}`, ""] : [];
    return [
      `## ${section}`,
      "",
      ...intro,
      `| Key (\`${NAMESPACE}:\`) | Type | Default | Meaning |`,
      "| --- | --- | --- | --- |",
      ...table,
    ].join("\n");
  });
  return [REFERENCE_START, "", ...sections.flatMap((s) => [s, ""]), REFERENCE_END].join("\n");
}

/** `text` with its generated block replaced by the current one. */
export function withReference(text: string): string {
  const start = text.indexOf(REFERENCE_START);
  const end = text.indexOf(REFERENCE_END);
  if (start < 0 || end < start) throw new Error(`${DOC_PATH}: the reference markers are missing`);
  return text.slice(0, start) + referenceBlock() + text.slice(end + REFERENCE_END.length);
}

/** The file as it should be: its current prose, the current reference, formatted by Prettier. */
export async function expectedDoc(current = readFileSync(DOC_PATH, "utf8")): Promise<string> {
  const options = (await resolveConfig(DOC_PATH)) ?? {};
  return format(withReference(current), { ...options, filepath: DOC_PATH });
}

async function main(): Promise<void> {
  if (process.argv.includes("--write")) {
    writeFileSync(DOC_PATH, await expectedDoc());
    console.log(`wrote ${DOC_PATH}`);
  } else console.log(referenceBlock());
}

if (require.main === module) void main();
