/** Input and output files of the command-line tools: one-line reasons, JSON line and column, npm's banner. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  jsonErrorOffset,
  parseJsonText,
  prepareOutFile,
  readJsonFile,
  writeOutFile,
} from "../../cli-kit/files";

const dir = mkdtempSync(join(tmpdir(), "cli-kit-"));

describe("reading inputs", () => {
  it.each([
    ['{"a": 1,}', "not valid JSON at line 1, column 9: Expected double-quoted property name"],
    ['{\n  "a": [1,\n  2,, 3]\n}', "not valid JSON at line 3, column 5: Unexpected token ','"],
    [
      `{"aaaaaaaaaaaaaaaaaaaaaaaa": 1,\n "b": [1, 2,, 3], "cccccccccccccccccccccccccccccccccc": 4}`,
      "not valid JSON at line 2, column 13: Unexpected token ','",
    ],
    ['{"a": 1', "not valid JSON at line 1, column 8: Expected ',' or '}' after property value"],
    ["", "not valid JSON at line 1, column 1: the file is empty"],
  ])("says where JSON is broken: %j", (text, reason) => {
    expect(() => parseJsonText(text, "f.json")).toThrow(`cannot read f.json: ${reason}`);
  });

  it("finds the offset in each V8 message form, or none", () => {
    expect(jsonErrorOffset("x", "Unexpected token 'x', \"x\" is not valid JSON")).toBeUndefined();
    expect(jsonErrorOffset('{"a":1,}', "Expected double-quoted property name in JSON at position 7")).toBe(7);
  });

  it("names npm's banner and what to do instead", () => {
    expect(() => parseJsonText("\n> module6-infra@0.1.0 audit\n> node x\n\n{}", "r.sarif")).toThrow(
      `cannot read r.sarif: it starts with npm's banner ("> module6-infra@0.1.0 audit"), so it was written with "npm run … > file". Write it with the command's --out <file>, or with "npm run -s …" (silent)`,
    );
    expect(parseJsonText('{"note": "> x@1 y"}', "ok.json")).toEqual({ note: "> x@1 y" });
  });

  it("says why a file cannot be read", () => {
    expect(() => readJsonFile(join(dir, "none.json"))).toThrow(`cannot read ${dir}/none.json: no such file`);
    expect(() => readJsonFile(dir, "policy config")).toThrow(
      `cannot read policy config ${dir}: it is a directory, not a file`,
    );
  });
});

describe("--out files", () => {
  it("creates the directory and writes the text with a final newline", () => {
    const file = join(dir, "a", "b", "out.json");
    writeOutFile(file, "{}");
    expect(readFileSync(file, "utf8")).toBe("{}\n");
  });

  it("refuses a directory, a path under a file and an empty name, naming the flag", () => {
    expect(() => prepareOutFile(dir)).toThrow(`--out ${dir}: it is a directory; pass a file name`);
    writeFileSync(join(dir, "f"), "");
    expect(() => prepareOutFile(join(dir, "f", "x.json"), "--policy-config-out")).toThrow(
      `--policy-config-out: cannot write ${dir}/f/x.json: a part of the path is not a directory`,
    );
    expect(() => prepareOutFile(" ")).toThrow("--out: expected a file name");
  });
});
