import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { defineConfig } from "vitest/config";

// The project root, as Vitest takes it for `include` patterns.
const root = process.cwd();

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "scenarios" ? [] : testFiles(path);
    return entry.name.endsWith(".test.ts") ? [relative(root, path)] : [];
  });
}

// Pulumi keeps its runtime state (mocks, config, the stack being built) on a global. Test files are sorted
// by what they do with it:
// - a file that calls `runPlan` itself, or sets Pulumi's state without `installMocks()`, gets a process of
//   its own (none does today: plans come from tests/helpers/shared-plans.ts, `sharedPlan` and `planOf`,
//   which make them one at a time in the worker and make the next `record` ask for `installMocks()` again);
// - every other file shares the "unit" worker processes: component tests that build resources under
//   `installMocks()` (tests/helpers/pulumi.ts), which sets all of that state afresh for each file — also
//   those that set config or mocks themselves besides, since the next file's `installMocks()` sets them
//   afresh — files that read plans, and files that only call functions, which read none of that state.
// A shared process loads the Pulumi SDK and the program once instead of once per file or per plan: most of a
// test file's cost. (Mocked and function-only files had separate projects, and every plan a process: more
// processes loading the SDK, and a second module graph to transform, for nothing.)
const files = testFiles(join(root, "tests")).map((file) => ({
  file,
  source: readFileSync(join(root, file), "utf8"),
}));
const ownProcess = files
  .filter(
    ({ source }) =>
      /\brunPlan\(/.test(source) ||
      (/\b(setMocks|setMockOptions|setAllConfig)\(/.test(source) && !/\binstallMocks\(/.test(source)),
  )
  .map(({ file }) => file);

const shared = {
  exclude: ["tests/scenarios/**", "**/node_modules/**"],
  pool: "forks",
  maxWorkers: 2,
  testTimeout: 20_000,
  hookTimeout: 20_000,
  setupFiles: ["tests/helpers/lazy-sdk-internals.ts", "tests/helpers/fast-stack-traces.ts"],
  // GitHub's workflow parser ships ES modules that import JSON without an import attribute, which Node
  // refuses: Vite transforms it instead (tests/workflows/).
  server: { deps: { inline: ["@actions/workflow-parser"] } },
} as const;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: "unit",
          include: ["tests/**/*.test.ts"],
          exclude: [...shared.exclude, ...ownProcess],
          isolate: false,
          globalSetup: ["tests/helpers/shared-plans-setup.ts"],
        },
      },
      // Left out while no file needs a process of its own.
      ...(ownProcess.length > 0
        ? [{ test: { ...shared, name: "unit-program", include: ownProcess, isolate: true } }]
        : []),
      "./vitest.scenarios.config.mts",
    ],
  },
});
