/**
 * Where the CLI writes: progress and notes to standard error (so that `--json` keeps standard output a
 * single JSON document for CI), the result to standard output — as text, or as JSON with `--json`.
 */
import { writeOutFile } from "../../cli-kit/files";
export interface Output {
  /** `--json`: the result is one JSON document. */
  readonly json: boolean;
  /** A progress line or note (standard error). */
  info(line: string): void;
  /** The command's result: `human` as text, or `data` as JSON with `--json` (standard output). */
  result(human: string, data: unknown): void;
}

/**
 * An `Output` over two writers (the process streams, or arrays in tests). With `outFile` (`--out`) the
 * result is written to that file instead of standard output, and a note says so.
 */
export function createOutput(
  json: boolean,
  stdout: (text: string) => void,
  stderr: (text: string) => void,
  outFile?: string,
): Output {
  return {
    json,
    info: (line) => stderr(`${line}\n`),
    result: (human, data) => {
      const text = json ? `${JSON.stringify(data, null, 2)}\n` : `${human}\n`;
      if (outFile === undefined) return stdout(text);
      writeOutFile(outFile, text);
      stderr(`wrote ${outFile}\n`);
    },
  };
}

/** Aligns rows into columns (two spaces apart). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
