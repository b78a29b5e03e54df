/** The markdown documentation every alert policy carries: what fired, the first three checks, links. */

export interface AlertDocInput {
  /** One sentence: what this alert means. */
  readonly what: string;
  /** The first three things to check, in order. */
  readonly checks: readonly [string, string, string];
  /** GCP project id (for console links). */
  readonly project: string;
  /** Logs Explorer query that shows the failing requests. */
  readonly logQuery: string;
}

/** The alert documentation, as markdown. */
export function alertDocumentation(doc: AlertDocInput): string {
  const logs = `https://console.cloud.google.com/logs/query;query=${encodeURIComponent(doc.logQuery)}?project=${doc.project}`;
  const dashboards = `https://console.cloud.google.com/monitoring/dashboards?project=${doc.project}`;
  return [
    `### What fired`,
    doc.what,
    "",
    `### First checks`,
    ...doc.checks.map((c, i) => `${i + 1}. ${c}`),
    "",
    `### Links`,
    `- [Dashboards](${dashboards})`,
    `- [Logs](${logs})`,
    `- Time to restore target: under 1 hour. Roll back first (\`npm run ops -- release rollback\`), investigate after.`,
  ].join("\n");
}
