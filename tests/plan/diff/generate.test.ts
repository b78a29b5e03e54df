import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { GoModule } from "../../../plan/diff/generate/go-eval";
import { frameworkResources, googleResources } from "../../../plan/diff/generate/provider-resources";
import type { PulumiProviderInfo } from "../../../plan/diff/generate/pulumi-provider-info";
import { PulumiSdkTypes } from "../../../plan/diff/generate/pulumi-sdk-types";
import { buildEntry, tokenFor, type BuildNotes } from "../../../plan/diff/generate/table-builder";
import type { TfField, TfResource } from "../../../plan/diff/generate/terraform-schema";

const ROOT = resolve(__dirname, "../../..");

/** Writes files under a fresh temporary directory. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "replacement-gen-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Force-new paths of a schema, `?` marking conditional ones. */
function forceNew(fields: ReadonlyMap<string, TfField>, prefix = ""): string[] {
  const out: string[] = [];
  for (const f of fields.values()) {
    if (f.forceNew !== "no") out.push(`${prefix}${f.name}${f.forceNew === "conditional" ? "?" : ""}`);
    if (f.children) out.push(...forceNew(f.children, `${prefix}${f.name}.`));
  }
  return out;
}

// A provider written for this test in the shape of terraform-provider-google's registrations.
const SDK_PROVIDER = {
  "go.mod": "module example.com/tpg\n\ngo 1.24\n",
  "google-beta/services/thing/resource_thing.go": `// ***     AUTO GENERATED CODE    ***    Type: MMv1     ***
package thing

import (
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/customdiff"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"example.com/tpg/google-beta/registry"
	"example.com/tpg/google-beta/tpgresource"
)

func init() {
	registry.Schema{
		Name:   "google_thing",
		Type:   registry.SchemaTypeResource,
		Schema: ResourceThing(),
	}.Register()
	registry.Schema{Name: "google_thing", Type: registry.SchemaTypeDataSource, Schema: ResourceThing()}.Register()
}

var baseSchema = map[string]*schema.Schema{
	"project": {Type: schema.TypeString, Optional: true, Computed: true, ForceNew: true},
}

func sized(forceNew bool) *schema.Schema {
	return &schema.Schema{Type: schema.TypeInt, Optional: true, ForceNew: forceNew}
}

func ResourceThing() *schema.Resource {
	s := map[string]*schema.Schema{
		"name": {
			Type:     schema.TypeString,
			Required: true,
			ForceNew: true,
		},
		"description": {Type: schema.TypeString, Optional: true},
		"mode":        {Type: schema.TypeString, Optional: true},
		"size":        sized(false),
		"shards":      sized(true),
		"block": {
			Type:     schema.TypeList,
			Optional: true,
			MaxItems: 1,
			ForceNew: true,
			Elem: &schema.Resource{
				Schema: map[string]*schema.Schema{
					"inner": {Type: schema.TypeString, Optional: true, ForceNew: true},
					"soft":  {Type: schema.TypeString, Optional: true},
				},
			},
		},
		"item": {
			Type:     schema.TypeSet,
			Optional: true,
			Elem:     itemSchema(),
		},
	}
	s["added_later"] = &schema.Schema{Type: schema.TypeString, Optional: true, ForceNew: true}
	return &schema.Resource{
		CustomizeDiff: customdiff.All(
			customdiff.ForceNewIfChange("size", shrinks),
			checkMode,
		),
		Schema: tpgresource.MergeSchemas(baseSchema, s),
	}
}

func itemSchema() *schema.Resource {
	return &schema.Resource{Schema: map[string]*schema.Schema{
		"key": {Type: schema.TypeString, Required: true, ForceNew: true},
	}}
}

func shrinks(_ context.Context, old, new, _ interface{}) bool { return new.(int) < old.(int) }

func checkMode(_ context.Context, d *schema.ResourceDiff, meta interface{}) error {
	if d.HasChange("mode") {
		return d.ForceNew("mode")
	}
	return nil
}
`,
  "google-beta/tpgresource/utils.go": `package tpgresource

func MergeSchemas(a, b map[string]*schema.Schema) map[string]*schema.Schema {
	merged := make(map[string]*schema.Schema)
	for k, v := range a {
		merged[k] = v
	}
	for k, v := range b {
		merged[k] = v
	}
	return merged
}
`,
};

// A plugin-framework provider written for this test, in the shape of terraform-provider-random.
const FRAMEWORK_PROVIDER = {
  "go.mod": "module example.com/fw\n",
  "internal/provider/provider.go": `package provider

func (p *fwProvider) Resources(ctx context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewWidgetResource,
	}
}
`,
  "internal/provider/resource_widget.go": `package provider

func NewWidgetResource() resource.Resource {
	return &widgetResource{}
}

type widgetResource struct{}

func (r *widgetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_widget"
}

func (r *widgetResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"keepers": schema.MapAttribute{
				Optional: true,
				PlanModifiers: []planmodifier.Map{
					mapplanmodifier.RequiresReplace(),
				},
			},
			"label": schema.StringAttribute{
				Optional: true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.RequiresReplaceIf(
						stringplanmodifiers.RequiresReplaceUnlessEmptyStringToNull(),
						"Replace on modification unless updating from empty string to null.",
						"",
					),
				},
			},
			"expiry": schema.StringAttribute{
				Optional: true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.RequiresReplaceIf(replaceIfOutdated, "", ""),
				},
			},
			"length": schema.Int64Attribute{Required: true},
			"id":     schema.StringAttribute{Computed: true},
		},
	}
}
`,
};

describe("reading a Terraform provider's Go schemas", () => {
  it("finds registered SDKv2 resources with nested, shared, merged and CustomizeDiff force-new fields", () => {
    const [thing, ...rest] = googleResources(new GoModule(tree(SDK_PROVIDER)), "google-beta/services");
    expect(rest).toEqual([]);
    expect(thing).toMatchObject({
      name: "google_thing",
      kind: "generated",
      file: "google-beta/services/thing/resource_thing.go",
      conditional: ["mode", "size"],
      conditionalUnresolved: false,
      problems: [],
    });
    expect(forceNew(thing?.fields ?? new Map()).sort()).toEqual([
      "added_later",
      "block",
      "block.inner",
      "item.key",
      "name",
      "project",
      "shards",
    ]);
    expect(thing?.fields.get("block")).toMatchObject({ collection: "list", single: true });
    expect(thing?.fields.get("item")).toMatchObject({ collection: "set", single: false });
  });

  it("finds plugin-framework resources and reads their plan modifiers", () => {
    const [widget] = frameworkResources(new GoModule(tree(FRAMEWORK_PROVIDER)), "internal/provider", "fw");
    expect(widget?.name).toBe("fw_widget");
    expect(widget?.kind).toBe("framework");
    expect(forceNew(widget?.fields ?? new Map()).sort()).toEqual(["expiry?", "keepers", "label"]);
  });
});

describe("mapping Terraform fields to Pulumi paths", () => {
  const sdkDir = tree({
    "index.d.ts": "",
    "package.json": JSON.stringify({ version: "1.2.3" }),
    "thing.js": "class Thing { }\nThing.__pulumiType = 'p:index/thing:Thing';\n",
    "thing.d.ts": `export interface ThingArgs {
    name: pulumi.Input<string>;
    project?: pulumi.Input<string>;
    shards?: pulumi.Input<number>;
    size?: pulumi.Input<number>;
    addedLater?: pulumi.Input<string>;
    block?: pulumi.Input<inputs.ThingBlock>;
    items?: pulumi.Input<pulumi.Input<inputs.ThingItem>[]>;
    mode?: pulumi.Input<string>;
}
`,
    "types/input.d.ts": `export interface ThingBlock {
    inner?: pulumi.Input<string>;
    soft?: pulumi.Input<string>;
}
export interface ThingItem {
    key: pulumi.Input<string>;
}
`,
  });
  const info: PulumiProviderInfo = {
    tokens: new Map([["google_thing", "p:index/thing:Thing"]]),
    moduleMapping: new Map([["compute", "Compute"]]),
    renames: new Map(),
    deleteBeforeReplace: new Set(["google_thing"]),
  };

  it("uses Pulumi's names (camelCase, plural lists), [] for arrays and checks them against the SDK", () => {
    const [thing] = googleResources(new GoModule(tree(SDK_PROVIDER)), "google-beta/services");
    const sdk = new PulumiSdkTypes(sdkDir);
    const notes: BuildNotes = { unmapped: [], noInput: [], shape: [], unresolved: [] };
    const args = sdk.args("p:index/thing:Thing");
    expect(sdk.hasResource("p:index/thing:Thing")).toBe(true);
    expect(args).toBeDefined();
    const entry = buildEntry(thing as TfResource, "p:index/thing:Thing", args ?? new Map(), sdk, info, notes);
    expect(entry).toEqual({
      tf: "google_thing",
      kind: "generated",
      replace: ["addedLater", "block.inner", "items[].key", "name", "project", "shards"],
      blocks: ["block"],
      conditional: ["mode", "size"],
      deleteBeforeReplace: true,
    });
    expect(notes).toEqual({ unmapped: [], noInput: [], shape: [], unresolved: [] });
  });

  it("names resources newer than the bridge metadata the way the provider's module rule does", () => {
    expect(tokenFor("google_thing", info, "gcp", "google")).toBe("p:index/thing:Thing");
    expect(tokenFor("google_compute_new_widget", info, "gcp", "google")).toBe(
      "gcp:compute/newWidget:NewWidget",
    );
    expect(tokenFor("google_unknownproduct_x", info, "gcp", "google")).toBeUndefined();
  });
});

describe("generate-replacement-table", () => {
  it("exits 2 with a clear message when a checkout is not given", () => {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "plan/diff/generate/generate-replacement-table.ts"],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: --gcp-upstream and --gcp-pulumi are required");
  });
});
