import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/scenarios/**", "**/node_modules/**"],
          // Pulumi keeps its runtime state on a global: every test file runs in its own process.
          pool: "forks",
          isolate: true,
          maxWorkers: 2,
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      "./vitest.scenarios.config.mts",
    ],
  },
});
