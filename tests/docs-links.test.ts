/**
 * The links of README.md and docs/*.md that point into the repository lead somewhere: the file exists and,
 * for a `#fragment` into a Markdown file, one of its headings has that anchor (GitHub's rule: lower case,
 * punctuation dropped, spaces to hyphens). Nothing links outside the repository's files (the design
 * document lives beside it, not in it).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { documents } from "./helpers/doc-commands";

const ROOT = resolve(__dirname, "..");

/** GitHub's anchor of a heading. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.+?)\s*#*$/.exec(line);
    if (heading) anchors.add(anchorOf(heading[1] ?? ""));
  }
  return anchors;
}

/** `[text](target)` links outside code, with their line. */
function linksOf(markdown: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  let fenced = false;
  markdown.split("\n").forEach((line, i) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) return;
    for (const m of line.replace(/`[^`]*`/g, "").matchAll(/\]\(([^)\s]+)\)/g))
      links.push({ line: i + 1, target: m[1] ?? "" });
  });
  return links;
}

describe("links in README.md and docs/", () => {
  const files = documents(ROOT);
  const local = files.flatMap((file) =>
    linksOf(readFileSync(file, "utf8"))
      .filter((l) => !/^[a-z]+:/.test(l.target))
      .map((l) => ({ ...l, file })),
  );

  it("are found (the README links every document of docs/)", () => {
    const readmeLinks = local.filter((l) => l.file.endsWith("README.md")).map((l) => l.target);
    for (const doc of files.filter((f) => f.includes("/docs/")))
      expect(readmeLinks).toContain(relative(ROOT, doc));
  });

  it.each(local.map((l) => [`${relative(ROOT, l.file)}:${l.line} → ${l.target}`, l] as const))(
    "%s leads to a file of the repository and a heading",
    (_name, { file, target }) => {
      const [path = "", fragment] = target.split("#");
      const to = path === "" ? file : resolve(dirname(file), path);
      expect(relative(ROOT, to).startsWith(".."), "inside the repository").toBe(false);
      expect(existsSync(to), `${relative(ROOT, to)} exists`).toBe(true);
      if (fragment !== undefined && to.endsWith(".md"))
        expect([...anchorsOf(readFileSync(to, "utf8"))]).toContain(fragment);
    },
  );

  it("take GitHub's anchors", () => {
    expect(anchorOf("The code's layering")).toBe("the-codes-layering");
    expect(anchorOf("Coverage of the peer scanners' checks")).toBe("coverage-of-the-peer-scanners-checks");
    expect(anchorOf("Operations: `npm run ops`")).toBe("operations-npm-run-ops");
    expect(anchorOf("1. Once per GCP project")).toBe("1-once-per-gcp-project");
  });
});
