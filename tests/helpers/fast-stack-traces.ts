/**
 * Setup file of the unit projects (vitest.config.mts): the stack traces the Pulumi SDK takes for itself
 * (`Resource.callsites()` for every resource, `debuggablePromise` for every promise it wraps) skip
 * formatting, as in the plan's processes (plan/quiet-sdk-traces.cjs). Here it saves more: Vitest's
 * source-map interceptor (vite's module runner sets `Error.prepareStackTrace`) would map every frame of
 * those unbounded traces back to TypeScript, about 0.7 ms per resource. Every other stack (a failed
 * assertion's, an error a test prints) is still mapped. Installed after Vitest's hook, which it wraps.
 */
import { createRequire } from "node:module";

// Called for every file: the module loads once per worker, and Vitest may have set its hook again since.
const traces = createRequire(__filename)("../../plan/quiet-sdk-traces.cjs") as { install(): void };
traces.install();
