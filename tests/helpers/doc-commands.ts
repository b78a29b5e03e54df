/**
 * The `npm run` commands that README.md and docs/*.md show in their shell blocks (```sh, ```bash,
 * ```shell, and the `$ ` lines of ```console), as a reader would type them: line continuations joined,
 * comments dropped, one command per `&&`/`||`/`;`/`|` segment.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** One command as a document shows it. */
export interface DocCommand {
  /** `README.md:12`: the file (relative to the root) and the line the command starts on. */
  readonly where: string;
  /** The command as written, continuations joined and the comment dropped. */
  readonly text: string;
  readonly words: readonly string[];
}

/** `npm run [-s] <script> [-- args…] [> file]`, taken apart. */
export interface NpmRun {
  readonly script: string;
  readonly silent: boolean;
  readonly args: readonly string[];
  /** The file standard output is redirected to (`> file`), if any. */
  readonly stdoutFile?: string;
}

const SHELL_LANGUAGES = new Set(["sh", "bash", "shell", "console"]);
const OPERATORS = ["&&", "||", ";", "|"];

/** Words and operators of one shell line: quotes removed, `#` comments dropped. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let quote: '"' | "'" | undefined;
  let started = false;
  const flush = (): void => {
    if (started) words.push(word);
    word = "";
    started = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (c === "#" && !started) {
      break;
    } else if (/\s/.test(c)) {
      flush();
    } else if (c === "&" && line.charAt(i + 1) === "&") {
      flush();
      words.push("&&");
      i++;
    } else if (c === "|" && line.charAt(i + 1) === "|") {
      flush();
      words.push("||");
      i++;
    } else if (c === ";" || c === "|" || c === "(" || c === ")") {
      flush();
      words.push(c === "(" || c === ")" ? ";" : c);
    } else if (c === ">") {
      flush();
      words.push(">");
    } else {
      word += c;
      started = true;
    }
  }
  if (quote) throw new Error(`unterminated quote in: ${line}`);
  flush();
  return words;
}

/** The logical lines of a shell block, with the line number each starts on. */
function blockLines(lines: readonly string[], start: number, console: boolean): [number, string][] {
  const out: [number, string][] = [];
  let current: [number, string] | undefined;
  lines.forEach((raw, i) => {
    let line = raw;
    if (!current) {
      if (console) {
        if (!line.startsWith("$ ")) return;
        line = line.slice(2);
      }
      current = [start + i, ""];
    }
    const continued = /\\\s*$/.test(line);
    current[1] += `${line.replace(/\\\s*$/, "")} `;
    if (!continued) {
      out.push([current[0], current[1].trim()]);
      current = undefined;
    }
  });
  if (current) out.push([current[0], current[1].trim()]);
  return out;
}

/** Every command of the shell blocks of one Markdown text. */
export function commandsOf(markdown: string, file: string): DocCommand[] {
  const lines = markdown.split("\n");
  const commands: DocCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(\S*)/.exec(lines[i] ?? "");
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
    if (end < 0) throw new Error(`${file}:${i + 1}: unterminated code block`);
    const language = open[1] ?? "";
    if (SHELL_LANGUAGES.has(language)) {
      for (const [line, text] of blockLines(lines.slice(i + 1, end), i + 2, language === "console")) {
        const words = shellWords(text);
        let segment: string[] = [];
        const segments: string[][] = [];
        for (const w of [...words, ";"]) {
          if (OPERATORS.includes(w)) {
            if (segment.length) segments.push(segment);
            segment = [];
          } else segment.push(w);
        }
        for (const s of segments) commands.push({ where: `${file}:${line}`, text: s.join(" "), words: s });
      }
    }
    i = end;
  }
  return commands;
}

/** The documents whose commands are checked: README.md and every docs/*.md. */
export function documents(root: string): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => join(root, "docs", f));
  return [join(root, "README.md"), ...docs];
}

/** Every output excerpt of README.md and docs/*.md. */
export function documentedExcerpts(root: string): DocExcerpt[] {
  return documents(root).flatMap((path) => excerptsOf(readFileSync(path, "utf8"), relative(root, path)));
}

/** Every command in the shell blocks of README.md and docs/*.md. */
export function documentedCommands(root: string): DocCommand[] {
  return documents(root).flatMap((path) => commandsOf(readFileSync(path, "utf8"), relative(root, path)));
}

/** `npm run …` taken apart, or undefined for any other command. */
export function npmRun(words: readonly string[]): NpmRun | undefined {
  if (words[0] !== "npm" || (words[1] !== "run" && words[1] !== "run-script")) return undefined;
  let i = 2;
  let silent = false;
  while (words[i]?.startsWith("-")) {
    if (words[i] === "-s" || words[i] === "--silent") silent = true;
    i++;
  }
  const script = words[i] ?? "";
  let rest = words.slice(i + 1);
  let stdoutFile: string | undefined;
  const redirect = rest.indexOf(">");
  if (redirect >= 0) {
    stdoutFile = rest[redirect + 1];
    rest = rest.slice(0, redirect);
  }
  const args = rest[0] === "--" ? rest.slice(1) : rest;
  return { script, silent, args, ...(stdoutFile !== undefined ? { stdoutFile } : {}) };
}

/** An excerpt of a command's output that a document shows: a `text` block after `<!-- output of: … -->`. */
export interface DocExcerpt {
  readonly where: string;
  readonly command: readonly string[];
  /** The block's lines; `…` stands for anything (a line of it may match any text, or elide lines). */
  readonly lines: readonly string[];
}

/** Every output excerpt of one Markdown text. */
export function excerptsOf(markdown: string, file: string): DocExcerpt[] {
  const lines = markdown.split("\n");
  const excerpts: DocExcerpt[] = [];
  lines.forEach((line, i) => {
    const marker = /^<!-- output of: (.+) -->$/.exec(line.trim());
    if (!marker) return;
    const open = lines.findIndex((l, j) => j > i && l.trim() !== "");
    if (open < 0 || lines[open]?.trim() !== "```text")
      throw new Error(`${file}:${i + 1}: an output marker must be followed by a text block`);
    const close = lines.findIndex((l, j) => j > open && l.trim() === "```");
    excerpts.push({
      where: `${file}:${i + 1}`,
      command: shellWords(marker[1] ?? ""),
      lines: lines.slice(open + 1, close),
    });
  });
  return excerpts;
}

/**
 * The first line of the excerpt that `output` does not show, or undefined: the excerpt's lines must appear
 * in `output` in order, not necessarily adjacent (a line that is only `…` marks the elision); a `…` inside
 * a line stands for any text; blank lines are skipped.
 */
export function missingExcerptLine(excerpt: readonly string[], output: string): string | undefined {
  const out = output.split("\n").map((l) => l.trimEnd());
  let at = 0;
  for (const line of excerpt) {
    if (line.trim() === "" || line.trim() === "…") continue;
    const pattern = new RegExp(
      `^${line
        .trimEnd()
        .split("…")
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
    );
    const found = out.findIndex((l, j) => j >= at && pattern.test(l));
    if (found < 0) return line;
    at = found + 1;
  }
  return undefined;
}
