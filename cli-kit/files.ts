/**
 * Files the tools read and write, with a user's mistakes as one line (exit 2): "cannot read <file>: <reason>"
 * instead of a raw `ENOENT`, a JSON error with its line and column, an input that starts with npm's
 * banner (written with `npm run … > file`) named as such, and `--out` paths checked before any work.
 */
import { accessSync, constants, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { CliError } from "./cli-error";

/** A file-system error as a reason a person reads. */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "it is a directory, not a file";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "read-only file system";
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}

/** Reads a text file; `what` names it in the message ("policy config", …). */
export function readTextFile(file: string, what?: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${what ? `${what} ` : ""}${file}: ${fileErrorReason(error)}`);
  }
}

/** npm's banner: `> <package>@<version> <script>` (after an empty line) before a script's output. */
const NPM_BANNER = /^\s*> (\S+@\S+ .*)$/m;

/**
 * Refuses a file that starts with npm's banner, which `npm run <script> > file` writes before the script's
 * own output (and which no JSON, YAML or SARIF reader accepts).
 */
export function checkNoNpmBanner(text: string, file: string, what?: string): void {
  const match = NPM_BANNER.exec(text.slice(0, 400));
  if (match && text.trimStart().startsWith(">"))
    throw new CliError(
      `cannot read ${what ? `${what} ` : ""}${file}: it starts with npm's banner ("> ${match[1]}"), so it was written with ` +
        `"npm run … > file". Write it with the command's --out <file>, or with "npm run -s …" (silent)`,
    );
}

/** Line and column (1-based) of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/**
 * Where V8's `JSON.parse` error points, when it says: "… at position N", or a context of the text around
 * the unexpected token ("…" ten characters, the token, ten characters "…").
 */
export function jsonErrorOffset(text: string, message: string): number | undefined {
  const position = /at position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  if (/^Unexpected end of JSON input/.test(message)) return text.length;
  const context = /^Unexpected token .*?, \.\.\."([\s\S]*?)"(?:\.\.\.)? is not valid JSON$/.exec(message);
  if (context) {
    const at = text.indexOf(context[1] ?? "");
    if (at >= 0) return at + 10;
  }
  return undefined;
}

/** Parses JSON text read from `file`: a syntax error says where (line and column) and what. */
export function parseJsonText(text: string, file: string, what?: string): unknown {
  checkNoNpmBanner(text, file, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const offset = jsonErrorOffset(text, message);
    const where =
      offset === undefined
        ? ""
        : (({ line, column }) => ` at line ${line}, column ${column}`)(lineAndColumn(text, offset));
    const reason = message.replace(/,? ?(in JSON )?at position \d+.*$/, "").replace(/, (\.\.\.)?".*$/s, "");
    throw new CliError(
      `cannot read ${what ? `${what} ` : ""}${file}: not valid JSON${where}: ${text.trim() === "" ? "the file is empty" : reason}`,
    );
  }
}

/** Reads and parses a JSON file. */
export function readJsonFile(file: string, what?: string): unknown {
  return parseJsonText(readTextFile(file, what), file, what);
}

/**
 * Checks an output path before any work is done: its directory is created when missing; a directory, or a
 * path that cannot be written, is a `CliError` naming the flag.
 */
export function prepareOutFile(file: string, flag = "--out"): string {
  if (file.trim() === "") throw new CliError(`${flag}: expected a file name`);
  try {
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory())
      throw new CliError(
        `${flag} ${file}: it is a directory; pass a file name such as ${file.replace(/\/+$/, "")}/plan.json`,
      );
    mkdirSync(dirname(file), { recursive: true });
    accessSync(dirname(file), constants.W_OK);
    if (statSync(file, { throwIfNoEntry: false })) accessSync(file, constants.W_OK);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${flag}: cannot write ${file}: ${fileErrorReason(error)}`);
  }
  return file;
}

/** Writes `text` (and a final newline) to an output file, as one-line errors. */
export function writeOutFile(file: string, text: string, flag = "--out"): void {
  prepareOutFile(file, flag);
  try {
    writeFileSync(file, text.endsWith("\n") ? text : `${text}\n`);
  } catch (error) {
    throw new CliError(`${flag}: cannot write ${file}: ${fileErrorReason(error)}`);
  }
}
