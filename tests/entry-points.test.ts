/**
 * The entry points the `pulumi` CLI runs (`main:` of Pulumi.yaml and bootstrap/Pulumi.yaml) export what the
 * programs' `main()` returns — the function the offline plan calls (plan/run.ts) — and run the program when
 * loaded: an entry that exported `main` itself, or nothing, would pass every plan test. (The program's is
 * compared with the run's shared plan of the stack, made by `main()`.)
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main as bootstrapMain } from "../bootstrap/main";
import { settle } from "../plan/mocks";
import { loadStackConfigFile } from "../stack-file/load";
import { installMocks } from "./helpers/pulumi";
import { sharedPlan } from "./helpers/shared-plans";

const ROOT = resolve(__dirname, "..");

type Module = { default?: object } & object;

/** Loads `entry` under mocks with `stack`'s config; what it exports and how many resources it registered. */
async function load(
  folder: string,
  stack: string,
  entry: () => Promise<Module>,
): Promise<{ exported: object; registered: number }> {
  const loaded = loadStackConfigFile(stack, folder);
  const recorder = await installMocks({ stack, config: loaded.config, secretKeys: loaded.secretKeys });
  const mod = await entry();
  await settle();
  return { exported: mod.default ?? mod, registered: recorder.resources.length };
}

describe("entry points", () => {
  it("Pulumi.yaml runs index.ts, which exports main()'s outputs of stacks/index.ts", async () => {
    expect(
      (parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { main?: string }).main ?? "index.ts",
    ).toBe("index.ts");
    const { exported, registered } = await load(ROOT, "staging", () => import("../index"));
    expect(registered).toBeGreaterThan(100);
    // The outputs the plan's main() gave (those with a value: the plan leaves out the others).
    const given = Object.entries(exported).flatMap(([key, value]) => (value === undefined ? [] : [key]));
    expect(given.sort()).toEqual(Object.keys((await sharedPlan("staging")).outputs).sort());
  });

  it("bootstrap/Pulumi.yaml runs bootstrap/index.ts, which exports main()'s outputs of bootstrap/main.ts", async () => {
    const folder = join(ROOT, "bootstrap");
    expect(
      (parse(readFileSync(join(folder, "Pulumi.yaml"), "utf8")) as { main?: string }).main ?? "index.ts",
    ).toBe("index.ts");
    const { exported, registered } = await load(folder, "staging", () => import("../bootstrap/index"));
    expect(registered).toBeGreaterThan(20);
    expect(Object.keys(exported).sort()).toEqual(Object.keys(bootstrapMain()).sort());
  });
});
