/**
 * Turns Terraform schemas into replacement-table entries keyed by Pulumi type token, with Pulumi
 * property paths checked against the Pulumi SDK's declarations (see ../replacement.ts for the notation).
 *
 * Terraform SDKv2 semantics kept (hashicorp/terraform-plugin-sdk helper/schema/schema.go, `diffList`,
 * `diffMap`, `diffSet`): `ForceNew` on a scalar, a list/set of scalars or a map applies to any change of
 * its value; `ForceNew` on a block (`Elem: &schema.Resource{}`) applies to its element count only (the
 * block added or removed, an element added or removed), while changes inside the block follow the nested
 * fields' own `ForceNew`. Plugin-framework `RequiresReplace` applies to any change of the attribute's value.
 */
import type { PropMap, PulumiProp, PulumiSdkTypes } from "./pulumi-sdk-types";
import type { PulumiProviderInfo, RenameTree } from "./pulumi-provider-info";
import type { ResourceKind, TfField, TfResource } from "./terraform-schema";

export interface TableEntry {
  readonly tf: string;
  readonly kind: ResourceKind;
  /** Changing the value at (or anywhere under) one of these paths replaces the resource. */
  readonly replace: string[];
  /** Adding or removing this block, or an element of it, replaces the resource. */
  readonly blocks: string[];
  /** A CustomizeDiff or conditional plan modifier may force a replacement on a change here. */
  readonly conditional: string[];
  /** Pulumi deletes the old resource before creating its replacement (`DeleteBeforeReplace`). */
  readonly deleteBeforeReplace: boolean;
}

export interface BuildNotes {
  /** Terraform resources with no Pulumi token in this SDK. */
  readonly unmapped: string[];
  /** Force-new fields (or conditional ones) with no Pulumi input property. */
  readonly noInput: string[];
  /** Blocks Terraform limits to one element that Pulumi keeps as arrays, or the reverse. */
  readonly shape: string[];
  /** Values the Go reader could not evaluate, and CustomizeDiff fields it could not name. */
  readonly unresolved: string[];
}

function camel(snake: string): string {
  return snake.replace(/_([a-z\d])/g, (_m, c: string) => c.toUpperCase());
}

function pascal(snake: string): string {
  const c = camel(snake);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

/** The Pulumi property for a Terraform field: a rename, the camelCase name, or its plural (lists). */
function resolveProp(field: TfField, props: PropMap, rename: RenameTree | undefined): PulumiProp | undefined {
  const base = camel(field.name);
  const candidates = [rename?.name, base];
  if ((field.collection === "list" || field.collection === "set") && !field.single)
    candidates.push(`${base}s`, `${base}es`, base.replace(/y$/, "ies"), base.replace(/fe?$/, "ves"));
  for (const c of candidates) {
    const prop = c === undefined ? undefined : props.get(c);
    if (prop !== undefined) return prop;
  }
  const lower = base.toLowerCase();
  for (const prop of props.values()) if (prop.name.toLowerCase() === lower) return prop;
  return undefined;
}

function relevant(field: TfField): boolean {
  if (field.forceNew !== "no") return true;
  for (const child of field.children?.values() ?? []) if (relevant(child)) return true;
  return false;
}

/** The Pulumi token for a Terraform resource: from the bridge metadata, else the provider's module rule. */
export function tokenFor(
  tf: string,
  info: PulumiProviderInfo,
  provider: string,
  resourcePrefix: string,
): string | undefined {
  const known = info.tokens.get(tf);
  if (known !== undefined) return known;
  const rest = tf.startsWith(`${resourcePrefix}_`) ? tf.slice(resourcePrefix.length + 1) : undefined;
  if (rest === undefined) return undefined;
  let best: string | undefined;
  for (const prefix of info.moduleMapping.keys())
    if (rest.startsWith(`${prefix}_`) && (best === undefined || prefix.length > best.length)) best = prefix;
  if (best === undefined) return undefined;
  const module = (info.moduleMapping.get(best) ?? "").toLowerCase();
  const name = pascal(rest.slice(best.length + 1));
  return `${provider}:${module}/${name.charAt(0).toLowerCase()}${name.slice(1)}:${name}`;
}

export function buildEntry(
  res: TfResource,
  token: string,
  args: PropMap,
  sdk: PulumiSdkTypes,
  info: PulumiProviderInfo,
  notes: BuildNotes,
): TableEntry {
  const entry: TableEntry = {
    tf: res.name,
    kind: res.kind,
    replace: [],
    blocks: [],
    conditional: [],
    deleteBeforeReplace: info.deleteBeforeReplace.has(res.name),
  };
  const framework = res.kind === "framework";
  const walk = (
    fields: ReadonlyMap<string, TfField>,
    props: PropMap | undefined,
    renames: ReadonlyMap<string, RenameTree> | undefined,
    prefix: string,
    tfPrefix: string,
  ) => {
    for (const field of fields.values()) {
      if (!relevant(field)) continue;
      const tfPath = tfPrefix + field.name;
      const rename = renames?.get(field.name);
      const prop = props === undefined ? undefined : resolveProp(field, props, rename);
      if (prop === undefined) {
        if (field.optional || field.required) notes.noInput.push(`${token} ${tfPath}`);
        continue;
      }
      const path = prefix + prop.name;
      if (field.children !== undefined && field.collection !== undefined) {
        if (field.single && prop.array)
          notes.shape.push(`${token} ${tfPath}: one-element block, Pulumi array`);
        if (!field.single && !prop.array) notes.shape.push(`${token} ${tfPath}: list block, Pulumi object`);
      }
      if (field.forceNew === "yes") {
        if (field.children !== undefined && !framework && field.collection !== undefined)
          entry.blocks.push(path);
        else entry.replace.push(path);
      } else if (field.forceNew === "conditional") {
        entry.conditional.push(path);
      }
      if (field.children !== undefined && !(framework && field.forceNew === "yes")) {
        const nested = prop.ref === undefined ? undefined : sdk.inputType(prop.ref);
        if (nested === undefined)
          notes.noInput.push(`${token} ${tfPath}: no Pulumi input type for its fields`);
        else walk(field.children, nested, rename?.fields, `${path}${prop.array ? "[]" : ""}.`, `${tfPath}.`);
      }
    }
  };
  walk(res.fields, args, info.renames.get(res.name), "", "");

  // CustomizeDiff paths are Terraform flatmap paths (`settings.0.ip_configuration.0.private_network`).
  for (const tfPath of res.conditional) {
    const steps = tfPath.split(".").filter((s) => !/^\d+$/.test(s));
    let fields: ReadonlyMap<string, TfField> | undefined = res.fields;
    let props: PropMap | undefined = args;
    let renames = info.renames.get(res.name);
    let path = "";
    for (const [i, step] of steps.entries()) {
      const field: TfField | undefined = fields?.get(step);
      const prop: PulumiProp | undefined =
        field === undefined || props === undefined
          ? undefined
          : resolveProp(field, props, renames?.get(step));
      if (field === undefined || prop === undefined) {
        if (field === undefined || field.optional || field.required)
          notes.noInput.push(`${token} ${tfPath} (CustomizeDiff)`);
        path = "";
        break;
      }
      path += prop.name;
      if (i < steps.length - 1) path += prop.array ? "[]." : ".";
      fields = field.children;
      props = prop.ref === undefined ? undefined : sdk.inputType(prop.ref);
      renames = renames?.get(step)?.fields;
    }
    if (path !== "" && !entry.conditional.includes(path)) entry.conditional.push(path);
  }
  for (const p of res.problems) notes.unresolved.push(`${token} ${p}`);
  if (res.conditionalUnresolved)
    notes.unresolved.push(`${token} a CustomizeDiff forces new on a field named at run time (${res.file})`);
  entry.replace.sort();
  entry.blocks.sort();
  entry.conditional.sort();
  return entry;
}
