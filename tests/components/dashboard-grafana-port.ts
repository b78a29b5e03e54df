/**
 * What Grafana's Cloud Monitoring backend makes of a query, ported line by line from its Go source so the
 * tests read the renderer's output the way Grafana does (not with the renderer's own parser):
 * - grafana/grafana pkg/tsdb/cloud-monitoring/time_series_filter.go `getFilter`
 *   @ 056e374cc33be3528c1e9ee94c37978c69915207;
 * - pkg/tsdb/cloud-monitoring/cloudmonitoring.go `interpolateFilterWildcards`
 *   @ e9e6e36a2e471e35511992116d4fc6ed42363882 (its last case, a regex built from several '*', is never
 *   produced by the renderer and fails here);
 * - pkg/tsdb/cloud-monitoring/slo_query.go `getFilter` @ 056e374cc33be3528c1e9ee94c37978c69915207.
 */

function interpolateFilterWildcards(value: string): string {
  const matches = value.split("*").length - 1;
  if (matches === 2 && value.endsWith("*") && value.startsWith("*"))
    return `has_substring("${value.replaceAll("*", "")}")`;
  if (matches === 1 && value.startsWith("*")) return `ends_with("${value.replace("*", "")}")`;
  if (matches === 1 && value.endsWith("*")) return `starts_with("${value.slice(0, -1)}")`;
  if (matches !== 0) throw new Error(`the port does not model Grafana's wildcard regex: ${value}`);
  return value;
}

/** The filter string Grafana's backend sends to the Monitoring API for a `filters` array. */
export function grafanaFilterString(filters: readonly string[]): string {
  let filterString = "";
  filters.forEach((part, i) => {
    const mod = i % 4;
    if (part === "AND") filterString += " ";
    else if (mod === 2) {
      const operator = filters[i - 1];
      if (operator === "=~" || operator === "!=~") {
        const at = filterString.lastIndexOf("~");
        filterString = filterString.slice(0, at) + filterString.slice(at + 1);
        filterString += `monitoring.regex.full_match("${part}")`;
      } else if (part.includes("*")) filterString += interpolateFilterWildcards(part);
      else filterString += `"${part}"`;
    } else filterString += part;
  });
  return filterString.trim();
}

/** The filter Grafana's backend sends for an SLO query. */
export function grafanaSloFilter(q: {
  projectName: string;
  serviceId: string;
  sloId: string;
  selectorName: string;
  lookbackPeriod?: string;
}): string {
  const sloName = `projects/${q.projectName}/services/${q.serviceId}/serviceLevelObjectives/${q.sloId}`;
  return q.selectorName === "select_slo_burn_rate"
    ? `${q.selectorName}("${sloName}", "${q.lookbackPeriod ?? ""}")`
    : `${q.selectorName}("${sloName}")`;
}

/**
 * A Cloud Monitoring filter with its top-level ` AND `s (outside quoted strings) written as the single
 * space Grafana puts between terms.
 */
export function juxtaposed(filter: string): string {
  let out = "";
  let quoted = false;
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i] ?? "";
    if (quoted && c === "\\") {
      out += c + (filter[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (!quoted && filter.startsWith(" AND ", i)) {
      out += " ";
      i += 4;
      continue;
    }
    out += c;
  }
  return out;
}
