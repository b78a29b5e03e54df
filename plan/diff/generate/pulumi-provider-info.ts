/**
 * What a Pulumi bridged provider repository says about its Terraform resources:
 * - type tokens: `provider/cmd/pulumi-resource-<p>/bridge-metadata.json` (`auto-aliasing.resources[tf].current`,
 *   or the older `renames.resources` token → tf map), written by the bridge when the SDK is generated;
 * - for resources newer than that file, the token the provider's `tks.MappedModules` rule computes from
 *   the `moduleMapping` prefix table in `provider/resources.go`;
 * - field renames (`Fields: {"x": {Name: "y"}}`) and `DeleteBeforeReplace` from `provider/resources.go`'s
 *   `tfbridge.ProviderInfo`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GoModule, type Thunk, type Value } from "./go-eval";

export interface RenameTree {
  readonly name: string | undefined;
  readonly fields: ReadonlyMap<string, RenameTree>;
}

export interface PulumiProviderInfo {
  /** Terraform resource name → Pulumi type token. */
  readonly tokens: ReadonlyMap<string, string>;
  /** Terraform name prefix (after `<resourcePrefix>_`) → Pulumi module. */
  readonly moduleMapping: ReadonlyMap<string, string>;
  /** Terraform resource → field renames. */
  readonly renames: ReadonlyMap<string, ReadonlyMap<string, RenameTree>>;
  readonly deleteBeforeReplace: ReadonlySet<string>;
}

interface BridgeMetadata {
  "auto-aliasing"?: { resources?: Record<string, { current?: string }> };
  renames?: { resources?: Record<string, string> };
}

function renameTree(mod: GoModule, value: Value | undefined): Map<string, RenameTree> {
  const out = new Map<string, RenameTree>();
  if (value?.v !== "comp") return out;
  for (const [field, thunk] of value.fields) {
    const info = mod.force(thunk);
    if (info.v !== "comp") continue;
    const name = info.fields.get("Name");
    const nameValue = name === undefined ? undefined : mod.force(name);
    const elem = info.fields.get("Elem");
    const elemValue = elem === undefined ? undefined : mod.force(elem);
    const nested =
      elemValue?.v === "comp"
        ? renameTree(mod, forceField(mod, elemValue, "Fields"))
        : new Map<string, RenameTree>();
    const own = renameTree(mod, forceField(mod, info, "Fields"));
    for (const [k, v] of nested) own.set(k, v);
    const renamed = nameValue?.v === "str" ? nameValue.s : undefined;
    if (renamed !== undefined || own.size > 0) out.set(field, { name: renamed, fields: own });
  }
  return out;
}

function forceField(mod: GoModule, comp: Value, key: string): Value | undefined {
  if (comp.v !== "comp") return undefined;
  const t: Thunk | undefined = comp.fields.get(key);
  return t === undefined ? undefined : mod.force(t);
}

/** Reads a Pulumi provider checkout (`provider/` with its go.mod, and the bridge metadata file). */
export function readPulumiProvider(checkout: string, metadataFile: string): PulumiProviderInfo {
  const metadata = JSON.parse(readFileSync(join(checkout, metadataFile), "utf8")) as BridgeMetadata;
  const tokens = new Map<string, string>();
  for (const [tf, entry] of Object.entries(metadata["auto-aliasing"]?.resources ?? {}))
    if (entry.current !== undefined) tokens.set(tf, entry.current);
  for (const [token, tf] of Object.entries(metadata.renames?.resources ?? {}))
    if (!tokens.has(tf)) tokens.set(tf, token);

  const mod = new GoModule(join(checkout, "provider"));
  const pkg = mod.pkg(mod.modulePath);
  if (pkg === undefined) throw new Error(`no Go package in ${join(checkout, "provider")}`);
  const renames = new Map<string, ReadonlyMap<string, RenameTree>>();
  const deleteBeforeReplace = new Set<string>();
  for (const { decl, file } of pkg.funcs.values()) {
    const scope = { ...mod.scopeOf(file, pkg), locals: new Map<string, Thunk>() };
    const text =
      decl.body === undefined
        ? ""
        : decl.body.tokens
            .slice(decl.body.start, decl.body.end)
            .map((t) => t.v)
            .join(" ");
    if (!text.includes("ProviderInfo {")) continue;
    mod.run(decl, { ...scope, parent: undefined }, 0);
    for (const local of scope.locals.values()) {
      const prov = local.value;
      if (prov?.v !== "comp" || !prov.type.endsWith("ProviderInfo")) continue;
      const resources = forceField(mod, prov, "Resources");
      if (resources?.v !== "comp") continue;
      for (const [tf, thunk] of resources.fields) {
        const info = mod.force(thunk);
        if (info.v !== "comp") continue;
        const dbr = forceField(mod, info, "DeleteBeforeReplace");
        if (dbr?.v === "bool" && dbr.b) deleteBeforeReplace.add(tf);
        const fields = renameTree(mod, forceField(mod, info, "Fields"));
        if (fields.size > 0) renames.set(tf, fields);
      }
    }
  }
  const moduleMapping = new Map<string, string>();
  // `var moduleMapping = map[string]string{"compute": gcpCompute, …}` (pulumi-gcp provider/resources.go).
  const mappingVar = pkg.vars.get("moduleMapping");
  const mapping =
    mappingVar === undefined ? undefined : mod.eval(mappingVar.expr, mod.scopeOf(mappingVar.file, pkg));
  if (mapping?.v === "comp")
    for (const [prefix, thunk] of mapping.fields) {
      const module = mod.force(thunk);
      if (module.v === "str") moduleMapping.set(prefix, module.s);
    }
  return { tokens, moduleMapping, renames, deleteBeforeReplace };
}
