// The Pulumi SDK takes stack traces that an offline plan never reads, and formatting them is a tenth of a
// plan's CPU (node --cpu-prof of `npm run plan -- --stack prod`: V8's stack formatting ~0.3 s of ~3 s):
// - `Resource.callsites()` (node_modules/@pulumi/pulumi/resource.js) sets `Error.stackTraceLimit` to
//   Infinity and parses `new Error().stack` for every resource it registers; the source position it finds
//   goes to the resource monitor, which the plan's mocks ignore (plan/mocks.ts records no position);
// - `debuggablePromise` (runtime/debuggable.js) reads `new Error().stack` for every promise it wraps,
//   several per resource and output, kept for a message about promises still pending at exit.
// Both are a bare `new Error()` (no message). For those, `Error.prepareStackTrace` answers the error's first
// line only (the SDK then finds no position, which it accepts: `callsites()` returns `[]`). Every other
// stack — a bug's, a failed assertion's, one taken while a developer raised the limit to debug — is
// formatted as before: by the hook that was installed (Vitest maps frames to TypeScript), else in V8's own
// format. With `PULUMI_DEBUG_PROMISE_LEAKS` set (the SDK's leak message suggests it, and then prints those
// promise traces) nothing is installed. Loaded by plan/launch.cjs and, in the test workers,
// tests/helpers/fast-stack-traces.ts. A real `pulumi up` runs index.ts through the CLI's language host and
// never loads this file.
"use strict";

const MARK = Symbol.for("module6.quietSdkTraces");

function quiet(error, frames) {
  // A bare `new Error()`: neither a subclass nor a message.
  if (!(error instanceof Error) || error.constructor !== Error || error.message !== "") return false;
  return (
    Error.stackTraceLimit === Number.POSITIVE_INFINITY ||
    (frames.length > 0 && frames[0].getFunctionName() === "debuggablePromise")
  );
}

function install() {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return;
  const current = Error.prepareStackTrace;
  if (current !== undefined && current[MARK] === true) return;
  const prepare = (error, frames) => {
    if (quiet(error, frames)) return String(error);
    if (current !== undefined) return current(error, frames);
    // V8's default format: the error's first line, then one `    at <frame>` line per frame.
    return `${String(error)}${frames.map((frame) => `\n    at ${String(frame)}`).join("")}`;
  };
  prepare[MARK] = true;
  Error.prepareStackTrace = prepare;
}

install();
module.exports = { install };
