/**
 * What this repository relies on in `@pulumi/pulumi` beyond its typed public API, checked against
 * @pulumi/pulumi 3.248.0. Both functions are exported by the SDK's JavaScript but marked `@internal` (absent
 * from its .d.ts), and are reached by name:
 * - `runtime.isConfigSecret` (runtime/config.js): which config keys the CLI handed over as secrets
 *   (stacks/index.ts `loadStackConfig` keeps their values out of error messages);
 * - `runtime.waitForRPCs` (runtime/settings.js): drains the RPC queue (plan/mocks.ts `settle`).
 * The plan recorder also wraps the monitor that `runtime.getMonitor()` returns under mocks (public, typed).
 * When the SDK is upgraded the first test fails: check each surface below against the new version, then
 * change the version there.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { settle } from "../plan/mocks";
import { loadStackConfig } from "../stacks/index";
import { installMocks, record } from "./helpers/pulumi";

/** A custom resource of a made-up type. */
class Thing extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Thing", name, {});
  }
}

describe("@pulumi/pulumi internals", () => {
  it("is @pulumi/pulumi 3.248.0, the version the surfaces below were checked against", () => {
    const path = join(__dirname, "..", "node_modules", "@pulumi", "pulumi", "package.json");
    expect((JSON.parse(readFileSync(path, "utf8")) as { version: string }).version).toBe("3.248.0");
  });

  it("runtime.isConfigSecret: loadStackConfig hides the value of a key set as a secret, and only that", () => {
    const config = { "module6:kind": "staging", "module6:gcpProject": "Not_A_Project!" };
    const message = (secretKeys: string[]): string => {
      pulumi.runtime.setAllConfig(config, secretKeys);
      try {
        loadStackConfig();
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error("the config was accepted");
    };
    const hidden = message(["module6:gcpProject"]);
    expect(hidden).toContain("module6:gcpProject: got ");
    expect(hidden).not.toContain("Not_A_Project!");
    expect(message([])).toContain('module6:gcpProject: got "Not_A_Project!"');
  });

  it("runtime.waitForRPCs: settle() returns only after a registration in flight has been answered", async () => {
    const answered: string[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: async (args) => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          answered.push(args.name);
          return { id: `${args.name}-id`, state: {} };
        },
        call: () => ({}),
      },
      "module6",
      "test",
    );
    new Thing("slow");
    await settle();
    expect(answered).toEqual(["slow"]);
  });

  it("runtime.getMonitor(): the recorder sees reads as well as registrations", async () => {
    await installMocks({ stackOutputs: { "org/module6/staging": { bucket: "b" } } });
    const { resources } = await record(() => new pulumi.StackReference("org/module6/staging"));
    expect(resources).toEqual([
      expect.objectContaining({
        type: "pulumi:pulumi:StackReference",
        name: "org/module6/staging",
        external: true,
        outputs: expect.objectContaining({ outputs: { bucket: "b" } }) as unknown,
      }),
    ]);
  });
});
