/**
 * Setup file of the unit projects (vitest.config.mts). Pulumi takes an unbounded stack trace for every
 * resource it registers (`Resource.callsites()` in node_modules/@pulumi/pulumi/resource.js sets
 * `Error.stackTraceLimit` to Infinity and parses `new Error().stack` for the resource's source position),
 * and Vitest's source-map interceptor (vite's module runner sets `Error.prepareStackTrace`) maps every frame
 * of it back to TypeScript: about 0.7 ms per resource, half of a component test file's time. Under mocks
 * that position only goes to the mock monitor, which ignores it. Likewise Pulumi's `debuggablePromise`
 * (node_modules/@pulumi/pulumi/runtime/debuggable.js) reads `new Error().stack` for every promise it wraps
 * (several per resource and output), kept only for the message about promises still pending at exit. So
 * those traces keep V8's own format; every other stack (a failed assertion's, an error a test prints) is
 * still mapped.
 */
type Frame = { toString(): string; getFunctionName(): string | null };
type Prepare = (error: Error, frames: readonly Frame[]) => unknown;

const MARK = Symbol.for("module6.tests.fastStackTraces");
const current = Reflect.get(Error, "prepareStackTrace") as (Prepare & { [MARK]?: true }) | undefined;

if (current !== undefined && current[MARK] !== true) {
  const mapped = current;
  const prepare: Prepare & { [MARK]?: true } = (error, frames) =>
    Error.stackTraceLimit === Number.POSITIVE_INFINITY || frames[0]?.getFunctionName() === "debuggablePromise"
      ? // V8's default format: the error's first line, then one `    at <frame>` line per frame.
        `${String(error)}${frames.map((frame) => `\n    at ${frame.toString()}`).join("")}`
      : mapped(error, frames);
  prepare[MARK] = true;
  Reflect.set(Error, "prepareStackTrace", prepare);
}
