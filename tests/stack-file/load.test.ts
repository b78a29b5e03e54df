/** The stack-file reader's mistakes, each one line naming the file and what a stack file holds. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadStackConfigFile } from "../../stack-file/load";

function project(stackFile: string | undefined): string {
  const root = mkdtempSync(join(tmpdir(), "m6-stack-file-"));
  writeFileSync(join(root, "Pulumi.yaml"), "name: module6\nruntime: nodejs\n");
  if (stackFile !== undefined) writeFileSync(join(root, "Pulumi.prod.yaml"), stackFile);
  return root;
}

const EXPECTED =
  "a stack file is a mapping with a config: block of module6:<key> values (see docs/configuration.md)";

describe("loadStackConfigFile", () => {
  it.each([
    ["", (f: string) => `${f} is empty: ${EXPECTED}`],
    ["# nothing yet\n", (f: string) => `${f} is empty: ${EXPECTED}`],
    ["encryptionsalt: v1:abc\n", (f: string) => `${f} has no config: block; ${EXPECTED}`],
    ["config:\n", (f: string) => `${f} has no config: block; ${EXPECTED}`],
    ["- a\n- b\n", (f: string) => `${f}: expected a mapping at the top level; ${EXPECTED}`],
    ["config: 3\n", (f: string) => `${f}: config: must be a mapping of module6:<key> values, got 3`],
    ["config:\n  module6:region: [\n", (f: string) => `cannot read ${f}: not valid YAML: `],
  ])("refuses %j", (text, message) => {
    const root = project(text);
    expect(() => loadStackConfigFile("prod", root)).toThrow(message(join(root, "Pulumi.prod.yaml")));
  });

  it("says why a stack file cannot be read", () => {
    const root = project(undefined);
    mkdirSync(join(root, "Pulumi.prod.yaml"));
    expect(() => loadStackConfigFile("prod", root)).toThrow(
      `cannot read ${root}/Pulumi.prod.yaml: it is a directory, not a file`,
    );
  });

  it("reads a config block", () => {
    const root = project("config:\n  module6:region: asia-northeast3\n");
    expect(loadStackConfigFile("prod", root).config).toEqual({ "module6:region": "asia-northeast3" });
  });
});
