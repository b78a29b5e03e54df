/**
 * plan/lazy-sdk-internals.cjs (loaded by plan/launch.cjs and by the test workers' setup): the Pulumi SDK
 * loads without the TypeScript compiler and `@npmcli/arborist`, and closure serialization, the one SDK
 * feature that uses them, still works — loading them on first use. (`computeCodePaths`, arborist's user,
 * walks node_modules for seconds: checked by hand when the hook was written, not here.) No other test
 * serializes a closure, so in a shared worker they are still unloaded when this file starts.
 */
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";

const cache = createRequire(__filename).cache;
const loaded = (path: string): boolean => Object.keys(cache).some((key) => key.includes(path));

describe("the SDK's closure-serialization modules", () => {
  it("are not loaded with the SDK, and load when a function is serialized", async () => {
    expect(typeof pulumi.runtime.serializeFunction).toBe("function");
    expect(loaded("/node_modules/typescript/lib/typescript.js")).toBe(false);
    expect(loaded("/node_modules/@npmcli/arborist/lib/index.js")).toBe(false);
    const answer = 41;
    const serialized = await pulumi.runtime.serializeFunction(() => answer + 1);
    expect(serialized.text).toContain("answer: 41");
    expect(loaded("/node_modules/typescript/lib/typescript.js")).toBe(true);
  });
});
