/**
 * plan/quiet-sdk-traces.cjs: the stack traces the Pulumi SDK takes for itself come back as the error's first
 * line only; every other stack keeps its frames, formatted by the hook that was installed before (here
 * Vitest's) or, without one, in V8's own format.
 */
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";

type Prepare = (error: Error, frames: readonly NodeJS.CallSite[]) => unknown;
const traces = createRequire(__filename)("../../plan/quiet-sdk-traces.cjs") as { install(): void };

const saved = {
  prepare: Reflect.get(Error, "prepareStackTrace") as Prepare | undefined,
  limit: Error.stackTraceLimit,
};
afterEach(() => {
  Reflect.set(Error, "prepareStackTrace", saved.prepare);
  Error.stackTraceLimit = saved.limit;
});

/** What `debuggablePromise` (runtime/debuggable.js) does: reads a fresh error's stack. */
function debuggablePromise(): string | undefined {
  return new Error().stack;
}

describe("quiet SDK stack traces", () => {
  it("gives Resource.callsites() (unbounded trace) no frames: the SDK records no source position", () => {
    traces.install();
    const callsites = Reflect.get(pulumi.Resource, "callsites") as () => unknown[];
    expect(callsites.call(pulumi.Resource)).toEqual([]);
    Error.stackTraceLimit = Number.POSITIVE_INFINITY;
    expect(new Error("unbounded").stack).toBe("Error: unbounded");
  });

  it("gives debuggablePromise's trace no frames", () => {
    traces.install();
    expect(debuggablePromise()).toBe("Error");
  });

  it("formats every other stack with the hook installed before it", () => {
    const before: Prepare = (error, frames) => `before: ${error.message} (${frames.length} frames)`;
    Reflect.set(Error, "prepareStackTrace", before);
    traces.install();
    expect(new Error("ordinary").stack).toMatch(/^before: ordinary \(\d+ frames\)$/);
    Error.stackTraceLimit = Number.POSITIVE_INFINITY;
    expect(new Error("sdk").stack).toBe("Error: sdk");
  });

  it("formats every other stack in V8's format when no hook was installed, and installs once", () => {
    Reflect.set(Error, "prepareStackTrace", undefined);
    traces.install();
    const installed = Reflect.get(Error, "prepareStackTrace") as Prepare;
    traces.install();
    expect(Reflect.get(Error, "prepareStackTrace")).toBe(installed);
    const stack = new Error("a bug").stack ?? "";
    expect(stack).toMatch(/^Error: a bug\n {4}at .+quiet-sdk-traces\.test\.ts:\d+:\d+/);
  });
});
