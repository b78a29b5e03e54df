/** Markdown for the pack's tables (docs/policies.md) and the plan's and audit's reports. */

/** `text` as one cell of a Markdown table: pipes escaped, line breaks as spaces. */
export function markdownCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
