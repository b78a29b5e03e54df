/**
 * plan/lazy-sdk-internals.cjs (loaded by plan/launch.cjs and by the test workers' setup): the Pulumi SDK
 * loads without the TypeScript compiler and `@npmcli/arborist`, and closure serialization, the one SDK
 * feature that uses them, still works — loading them on first use. (`computeCodePaths`, arborist's user,
 * walks node_modules for seconds: checked by hand when the hook was written, not here.)
 * Checked in a fresh Node process: in a shared test worker another file may already have loaded
 * TypeScript for its own reasons, which would make the "not loaded" check depend on the file order.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");

const PROBE = `
const loaded = (p) => Object.keys(require.cache).some((k) => k.includes(p));
const TS = "/node_modules/typescript/lib/typescript.js";
const ARBORIST = "/node_modules/@npmcli/arborist/lib/index.js";
if (process.argv[1] === "hook") require("./plan/lazy-sdk-internals.cjs");
const pulumi = require("@pulumi/pulumi");
const before = { typescript: loaded(TS), arborist: loaded(ARBORIST) };
const answer = 41;
pulumi.runtime.serializeFunction(() => answer + 1).then((s) => {
  console.log(JSON.stringify({ before, after: { typescript: loaded(TS) }, text: s.text.includes("answer: 41") }));
});
`;

function probe(mode: "hook" | "plain"): unknown {
  const run = spawnSync(process.execPath, ["-e", PROBE, mode], { cwd: ROOT, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as unknown;
}

describe("the SDK's closure-serialization modules", () => {
  it("are not loaded with the SDK, and load when a function is serialized", () => {
    expect(probe("hook")).toEqual({
      before: { typescript: false, arborist: false },
      after: { typescript: true },
      text: true,
    });
  });

  it("are loaded with the SDK without the hook (what the hook saves)", () => {
    expect(probe("plain")).toMatchObject({ before: { typescript: true, arborist: true }, text: true });
  });
});
