/**
 * plan/quiet-sdk-traces.cjs: the stack traces the Pulumi SDK takes for itself come back as the error's first
 * line only (`Resource.callsites()`'s bare `new Error()` with an unbounded limit) or are not taken at all
 * (`debuggablePromise`, whose export runs with a stack-trace limit of 0 and otherwise as before); every other
 * stack keeps its frames, formatted by the hook that was installed before (here Vitest's) or, without one,
 * in V8's own format.
 */
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";

type Prepare = (error: Error, frames: readonly NodeJS.CallSite[]) => unknown;
const load = createRequire(__filename);
const traces = load("../../plan/quiet-sdk-traces.cjs") as { install(): void };
// The SDK's own module (runtime/debuggable.js, @internal: not in its .d.ts).
const debuggable = load("@pulumi/pulumi/runtime/debuggable") as {
  debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
};

const saved = {
  prepare: Reflect.get(Error, "prepareStackTrace") as Prepare | undefined,
  limit: Error.stackTraceLimit,
  leaks: process.env.PULUMI_DEBUG_PROMISE_LEAKS,
};
afterEach(() => {
  Reflect.set(Error, "prepareStackTrace", saved.prepare);
  Error.stackTraceLimit = saved.limit;
  if (saved.leaks === undefined) delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  else process.env.PULUMI_DEBUG_PROMISE_LEAKS = saved.leaks;
});

const FRAME = /\n {4}at .+:\d+:\d+/;

describe("quiet SDK stack traces", () => {
  it("gives Resource.callsites() (a bare error, unbounded trace) no frames: the SDK records no source position", () => {
    traces.install();
    const callsites = Reflect.get(pulumi.Resource, "callsites") as () => unknown[];
    expect(callsites.call(pulumi.Resource)).toEqual([]);
    Error.stackTraceLimit = Number.POSITIVE_INFINITY;
    expect(new Error().stack).toBe("Error");
  });

  it("has the SDK's debuggablePromise take no trace, and otherwise behave as before", async () => {
    traces.install();
    Error.stackTraceLimit = 25;
    const promise = Promise.resolve(41);
    const wrapped = debuggable.debuggablePromise(promise, "a test");
    expect(Error.stackTraceLimit).toBe(25);
    expect(Reflect.get(promise, "_debugCtx")).toBe("a test");
    // No frame taken: the first line only, in whatever format the installed hook gives it.
    expect(Reflect.get(promise, "_debugStackTrace")).toMatch(/^Error:? ?$/);
    await expect(wrapped).resolves.toBe(41);
    const failure = new Error("refused");
    const failed = Promise.reject(failure);
    await expect(debuggable.debuggablePromise(failed, "failing")).rejects.toBe(failure);
    expect(Reflect.get(failure, "promise")).toBe(failed);
  });

  it("keeps the frames of an error with a message or of a subclass, even with an unbounded trace", () => {
    traces.install();
    Error.stackTraceLimit = Number.POSITIVE_INFINITY;
    expect(new Error("debugging").stack).toMatch(FRAME);
    expect(new TypeError().stack).toMatch(FRAME);
  });

  it("formats every other stack with the hook installed before it", () => {
    const before: Prepare = (error, frames) => `before: ${error.message} (${frames.length} frames)`;
    Reflect.set(Error, "prepareStackTrace", before);
    traces.install();
    expect(new Error("ordinary").stack).toMatch(/^before: ordinary \(\d+ frames\)$/);
    Error.stackTraceLimit = Number.POSITIVE_INFINITY;
    expect(new Error().stack).toBe("Error");
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

  it("installs nothing while PULUMI_DEBUG_PROMISE_LEAKS asks for the promises' traces", () => {
    Reflect.set(Error, "prepareStackTrace", undefined);
    process.env.PULUMI_DEBUG_PROMISE_LEAKS = "true";
    traces.install();
    expect(Reflect.get(Error, "prepareStackTrace")).toBeUndefined();
    Error.stackTraceLimit = Number.POSITIVE_INFINITY;
    expect(new Error().stack).toMatch(FRAME);
  });
});
