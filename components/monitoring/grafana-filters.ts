/**
 * Cloud Monitoring filters (https://cloud.google.com/monitoring/api/v3/filters) as the Grafana Cloud
 * Monitoring data source (plugin id `stackdriver`) stores them: a flat array
 * `[key, operator, value, "AND", key, operator, value, …]` in `timeSeriesList.filters`
 * (grafana/grafana public/app/plugins/datasource/cloud-monitoring/dataquery.cue @ 00b487a6cee7f974d413547d5601ef9d8ee90fcb;
 * the editor reads it in chunks of four: functions.ts `stringArrayToFilters` @ 13bcdadc56c22a9588819652956cdee49821cc57).
 *
 * Grafana's backend turns the array back into a filter string (grafana/grafana
 * pkg/tsdb/cloud-monitoring/time_series_filter.go `getFilter` @ 056e374cc33be3528c1e9ee94c37978c69915207):
 * - a part equal to `AND` becomes a space, wherever it is (so no key or value may be `AND`);
 * - a value after `=~` / `!=~` becomes `monitoring.regex.full_match("<value>")` and the `~` is dropped;
 * - any other value holding `*` becomes a wildcard (cloudmonitoring.go `interpolateFilterWildcards`
 *   @ e9e6e36a2e471e35511992116d4fc6ed42363882): `p*` → `starts_with("p")`, `*s` → `ends_with("s")`,
 *   `*x*` → `has_substring("x")`, anything else with `*` a regex — so a literal `*` cannot be expressed;
 * - every other value is written between double quotes as it is, without escaping: the value is kept
 *   exactly as it appears between the quotes of the Cloud Monitoring filter (an escaped `\"` stays `\"`).
 * Only AND is supported (an `OR` part would be glued to its neighbours), so OR, NOT, parentheses and the
 * `:` (has) operator are refused.
 */

/** A comparison of one filter term, as Grafana's editor names its operators. */
export type GrafanaFilterOperator = "=" | "!=" | "=~" | "!=~";

/** One `key <op> value` term of a filter, in Grafana's terms. */
export interface GrafanaFilterTerm {
  readonly key: string;
  readonly operator: GrafanaFilterOperator;
  readonly value: string;
}

/** The string functions Grafana writes as wildcards, and the wildcard that gives each one. */
const WILDCARDS: Readonly<Record<string, (s: string) => string>> = {
  starts_with: (s) => `${s}*`,
  ends_with: (s) => `*${s}`,
  has_substring: (s) => `*${s}*`,
};
const REGEX = "monitoring.regex.full_match";

/** A filter Grafana cannot hold as it is; the message says which part and why. */
export class UnsupportedFilterError extends Error {
  constructor(
    readonly filter: string,
    readonly reason: string,
  ) {
    super(`${reason} (in ${filter})`);
    this.name = "UnsupportedFilterError";
  }
}

/** A tiny scanner over one filter string. */
class Scanner {
  private pos = 0;
  constructor(private readonly text: string) {}

  /** Nothing but spaces left (the position does not move). */
  done(): boolean {
    return this.text.slice(this.pos).trim() === "";
  }
  skipSpaces(): void {
    while (this.text[this.pos] === " ") this.pos++;
  }
  /** An identifier such as `metric.type`, `resource.label.service_name` or `monitoring.regex.full_match`. */
  name(what: string): string {
    this.skipSpaces();
    const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(this.text.slice(this.pos));
    if (!m) throw this.fail(`expected ${what}`);
    this.pos += m[0].length;
    return m[0];
  }
  operator(): "=" | "!=" {
    this.skipSpaces();
    if (this.text.startsWith("!=", this.pos)) return this.advance(2, "!=");
    if (this.text.startsWith("=", this.pos)) return this.advance(1, "=");
    throw this.fail("expected = or != (Grafana's filter array holds no other comparison)");
  }
  /** A double-quoted string; returns its source text between the quotes (escapes kept as written). */
  quoted(): string {
    this.skipSpaces();
    if (this.text[this.pos] !== '"') throw this.fail("expected a double-quoted string");
    let i = this.pos + 1;
    while (i < this.text.length && this.text[i] !== '"') i += this.text[i] === "\\" ? 2 : 1;
    if (i >= this.text.length) throw this.fail("unterminated string");
    const raw = this.text.slice(this.pos + 1, i);
    this.pos = i + 1;
    return raw;
  }
  peek(char: string): boolean {
    this.skipSpaces();
    return this.text[this.pos] === char;
  }
  expect(char: string): void {
    if (!this.peek(char)) throw this.fail(`expected ${char}`);
    this.pos++;
  }
  /** ` AND ` between terms (the keyword needs a space on each side). */
  and(): void {
    const m = /^ +AND +/.exec(this.text.slice(this.pos));
    if (!m) throw this.fail("expected AND between terms (OR, NOT and parentheses are not supported)");
    this.pos += m[0].length;
  }
  fail(reason: string): UnsupportedFilterError {
    return new UnsupportedFilterError(this.text, `${reason} at column ${this.pos + 1}`);
  }
  private advance<T extends string>(n: number, value: T): T {
    this.pos += n;
    return value;
  }
}

/** Parses a conjunction of `key = "v"`, `key != "v"`, `key = starts_with("v")`, `key = monitoring.regex.full_match("re")` … */
export function parseFilter(filter: string): GrafanaFilterTerm[] {
  const s = new Scanner(filter);
  const terms: GrafanaFilterTerm[] = [];
  if (s.done()) return terms;
  for (;;) {
    const key = s.name("a label key such as metric.type");
    const op = s.operator();
    let term: GrafanaFilterTerm;
    if (s.peek('"')) {
      const value = s.quoted();
      if (value.includes("*"))
        throw new UnsupportedFilterError(
          filter,
          `the value of ${key} holds "*", which Grafana reads as a wildcard`,
        );
      term = { key, operator: op, value };
    } else {
      const fn = s.name("a string or a function such as starts_with");
      s.expect("(");
      const arg = s.quoted();
      s.expect(")");
      if (fn === REGEX) term = { key, operator: op === "=" ? "=~" : "!=~", value: arg };
      else {
        const wildcard = WILDCARDS[fn];
        if (wildcard === undefined)
          throw new UnsupportedFilterError(filter, `${fn}() has no Grafana filter form`);
        if (arg === "" || arg.includes("*"))
          throw new UnsupportedFilterError(
            filter,
            `${fn}(${JSON.stringify(arg)}) cannot be written as a Grafana wildcard (empty or holding "*")`,
          );
        term = { key, operator: op, value: wildcard(arg) };
      }
    }
    if (term.key === "AND" || term.value === "AND")
      throw new UnsupportedFilterError(filter, `Grafana reads a filter part "AND" as the conjunction`);
    terms.push(term);
    if (s.done()) return terms;
    s.and();
  }
}

/** The filter as Grafana's `timeSeriesList.filters` array. */
export function grafanaFilters(filter: string): string[] {
  return parseFilter(filter).flatMap((t, i) => [...(i > 0 ? ["AND"] : []), t.key, t.operator, t.value]);
}
