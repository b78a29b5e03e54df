/**
 * The files the docs and `--help` examples write with `--out` are ignored by git and by Prettier, so that
 * following the docs never leaves a file `npm run lint` (prettier --check .) or `git status` complains about.
 */
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { getFileInfo } from "prettier";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const OUTPUTS = [
  "prod-plan.json",
  "plan-comment.md",
  "staging-plan.md",
  "policy.sarif",
  "reports/gc.json",
  "prod-policy-config.json",
];

describe("generated outputs", () => {
  it.each(OUTPUTS)("%s is ignored by Prettier", async (file) => {
    const info = await getFileInfo(join(ROOT, file), { ignorePath: [join(ROOT, ".prettierignore")] });
    expect(info.ignored).toBe(true);
  });

  it("are ignored by git, while the sources and docs are not", () => {
    const ignored = execFileSync(
      "git",
      ["check-ignore", "--no-index", ...OUTPUTS, "README.md", "docs/x.md"],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    ).trim();
    expect(ignored.split("\n")).toEqual(OUTPUTS);
  });
});
