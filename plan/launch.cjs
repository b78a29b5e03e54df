#!/usr/bin/env node
// Runs a TypeScript entry point (plan/cli.ts, plan/audit-cli.ts, …) as one CommonJS bundle of this
// repository's code, built with esbuild and cached under node_modules/.cache/module6. Dependencies stay
// external and load with plain Node, which is much faster than loading them through a TypeScript loader
// hook: the offline plan's time is mostly spent loading the Pulumi SDK. The bundle is rebuilt whenever a
// source file is newer than it.
"use strict";
const { buildSync } = require("esbuild");
const { existsSync, mkdirSync, readdirSync, renameSync, statSync } = require("node:fs");
const { join, relative, resolve } = require("node:path");

const root = resolve(__dirname, "..");
const SOURCE_DIRS = [
  "components",
  "stacks",
  "stack-file",
  "cli-kit",
  "plan",
  "policies",
  "automation",
  "bootstrap",
];

function newestSource(entry) {
  // The entry itself counts too: it may live outside the source folders (a test helper).
  let newest = Math.max(statSync(join(root, "index.ts")).mtimeMs, statSync(entry).mtimeMs);
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(join(root, dir));
  return newest;
}

const entry = process.argv[2];
if (!entry) {
  console.error("usage: node plan/launch.cjs <entry.ts> [args…]");
  process.exit(2);
}
const source = resolve(entry);
const cache = join(root, "node_modules", ".cache", "module6");
const out = join(cache, `${relative(root, source).replace(/[\\/]/g, "_").replace(/\.ts$/, "")}.cjs`);
if (!existsSync(out) || statSync(out).mtimeMs < newestSource(source)) {
  mkdirSync(cache, { recursive: true });
  // Built beside and renamed into place: processes started together never load a half-written bundle.
  const partial = `${out}.${process.pid}.tmp`;
  buildSync({
    entryPoints: [source],
    outfile: partial,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    // The bundle lives in the cache, so __dirname-relative paths are taken from the entry's folder.
    define: { __dirname: JSON.stringify(resolve(source, "..")) },
    logLevel: "error",
  });
  renameSync(partial, out);
}
// What the SDK loads only for closure serialization is loaded when first used (lazy-sdk-internals.cjs).
require("./lazy-sdk-internals.cjs");
// The SDK's own stack traces (one per resource and per promise) are not formatted (quiet-sdk-traces.cjs).
require("./quiet-sdk-traces.cjs");
// The entry sees `node <bundle> [args…]`, as if it had been started directly.
process.argv.splice(1, 2, out);
require(out);
