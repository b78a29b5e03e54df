import { defineConfig } from "vitest/config";

// The scenario suite: every ops command through the real LocalWorkspace path against the stand-in `pulumi`
// CLI (tests/fixtures/fake-pulumi). `npm test` runs it with the unit suite; `npm run test:scenarios` alone.
export default defineConfig({
  test: {
    name: "scenarios",
    include: ["tests/scenarios/**/*.test.ts"],
    globalSetup: ["tests/scenarios/support/global-setup.ts"],
    // The SDK's closure-serialization modules load on first use (tests/helpers/lazy-sdk-internals.ts).
    setupFiles: ["tests/helpers/lazy-sdk-internals.ts"],
    pool: "forks",
    isolate: true,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
