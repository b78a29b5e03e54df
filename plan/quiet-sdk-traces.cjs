// The Pulumi SDK takes stack traces that an offline plan never reads, and taking and formatting them is a
// tenth of a plan's CPU (node --cpu-prof of `npm run plan -- --stack prod`: ~0.3 s formatting and ~0.2 s in
// `debuggablePromise` of ~3 s):
// - `Resource.callsites()` (node_modules/@pulumi/pulumi/resource.js) sets `Error.stackTraceLimit` to
//   Infinity and parses `new Error().stack` for every resource it registers; the source position it finds
//   goes to the resource monitor, which the plan's mocks ignore (plan/mocks.ts records no position). For that
//   bare `new Error()` (no message) taken with an unbounded limit, `Error.prepareStackTrace` answers the
//   error's first line only: the SDK then finds no position, which it accepts (`callsites()` returns `[]`).
// - `debuggablePromise` (runtime/debuggable.js) reads `new Error().stack` for every promise it wraps, several
//   per resource and output, and prints it only in its message about promises still pending at exit, and only
//   with `PULUMI_DEBUG_PROMISE_LEAKS` set (`promiseDebugString`). Its callers reach it through the module's
//   exports (`debuggable_1.debuggablePromise(…)`), so the export is wrapped to run it with
//   `Error.stackTraceLimit` 0: no frames are taken at all; everything else it does is unchanged.
// Every other stack — a bug's, a failed assertion's, one taken while a developer raised the limit to debug —
// is formatted as before: by the hook that was installed (Vitest maps frames to TypeScript), else in V8's
// own format. With `PULUMI_DEBUG_PROMISE_LEAKS` set (the SDK's leak message suggests it, and then prints
// those promise traces) nothing is installed. Loaded by plan/launch.cjs and, in the test workers,
// tests/helpers/fast-stack-traces.ts. A real `pulumi up` runs index.ts through the CLI's language host and
// never loads this file. tests/plan/quiet-sdk-traces.test.ts checks both against the installed SDK.
"use strict";

const MARK = Symbol.for("module6.quietSdkTraces");

/** `Resource.callsites()`'s trace: a bare `new Error()` (no subclass, no message) with an unbounded limit. */
function quiet(error) {
  return (
    error instanceof Error &&
    error.constructor === Error &&
    error.message === "" &&
    Error.stackTraceLimit === Number.POSITIVE_INFINITY
  );
}

/** Wraps the SDK's `debuggablePromise` export to run without taking a stack trace. */
function quietPromises() {
  const debuggable = require("@pulumi/pulumi/runtime/debuggable");
  const original = debuggable.debuggablePromise;
  if (typeof original !== "function" || original[MARK] === true) return;
  const wrapped = function debuggablePromise(promise, ctx) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return original(promise, ctx);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  wrapped[MARK] = true;
  debuggable.debuggablePromise = wrapped;
}

function install() {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return;
  quietPromises();
  const current = Error.prepareStackTrace;
  if (current !== undefined && current[MARK] === true) return;
  const prepare = (error, frames) => {
    if (quiet(error)) return String(error);
    if (current !== undefined) return current(error, frames);
    // V8's default format: the error's first line, then one `    at <frame>` line per frame.
    return `${String(error)}${frames.map((frame) => `\n    at ${String(frame)}`).join("")}`;
  };
  prepare[MARK] = true;
  Error.prepareStackTrace = prepare;
}

install();
module.exports = { install };
