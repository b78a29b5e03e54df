/**
 * Setup file of the unit projects (vitest.config.mts): the Pulumi SDK's closure-serialization modules
 * (the TypeScript compiler, `@npmcli/arborist`) load on first use in the test workers too, as in the plan's
 * processes (plan/lazy-sdk-internals.cjs). It hooks Node's own loader, which loads the SDK in a worker.
 */
import { createRequire } from "node:module";

createRequire(__filename)("../../plan/lazy-sdk-internals.cjs");
