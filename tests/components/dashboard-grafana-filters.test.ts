/**
 * Cloud Monitoring filters as Grafana's flat filter array: edge cases, each checked against a port of
 * Grafana's own decoder (tests/components/dashboard-grafana-port.ts), so an encoding Grafana reads differently fails.
 */
import { describe, expect, it } from "vitest";
import { grafanaFilters, UnsupportedFilterError } from "../../components/monitoring/grafana-filters";
import { grafanaFilterString } from "./dashboard-grafana-port";

describe("grafanaFilters", () => {
  // [case, Cloud Monitoring filter, Grafana's array, the filter Grafana's backend sends for that array]
  it.each([
    [
      "a conjunction of equalities",
      'metric.type="run.googleapis.com/request_count" AND resource.type="cloud_run_revision"',
      [
        "metric.type",
        "=",
        "run.googleapis.com/request_count",
        "AND",
        "resource.type",
        "=",
        "cloud_run_revision",
      ],
      'metric.type="run.googleapis.com/request_count" resource.type="cloud_run_revision"',
    ],
    [
      "an inequality",
      'metric.label.state!="idle"',
      ["metric.label.state", "!=", "idle"],
      'metric.label.state!="idle"',
    ],
    [
      "an escaped quote, kept as written between the quotes",
      'metric.label.path="a\\"b"',
      ["metric.label.path", "=", 'a\\"b'],
      'metric.label.path="a\\"b"',
    ],
    [
      "AND and spaces inside a value",
      'metric.label.q="x AND y" AND resource.type="t"',
      ["metric.label.q", "=", "x AND y", "AND", "resource.type", "=", "t"],
      'metric.label.q="x AND y" resource.type="t"',
    ],
    [
      "a regex (=~), whose '*' is the regex's own",
      'resource.label.service_name=monitoring.regex.full_match("api-.*")',
      ["resource.label.service_name", "=~", "api-.*"],
      'resource.label.service_name=monitoring.regex.full_match("api-.*")',
    ],
    [
      "a negated regex (!=~)",
      'resource.label.service_name!=monitoring.regex.full_match("f-.*")',
      ["resource.label.service_name", "!=~", "f-.*"],
      'resource.label.service_name!=monitoring.regex.full_match("f-.*")',
    ],
    [
      "starts_with as a trailing wildcard",
      'resource.label.zone=starts_with("asia-")',
      ["resource.label.zone", "=", "asia-*"],
      'resource.label.zone=starts_with("asia-")',
    ],
    [
      "ends_with as a leading wildcard",
      'resource.label.zone!=ends_with("-a")',
      ["resource.label.zone", "!=", "*-a"],
      'resource.label.zone!=ends_with("-a")',
    ],
    [
      "has_substring as two wildcards",
      'metric.label.path=has_substring("api")',
      ["metric.label.path", "=", "*api*"],
      'metric.label.path=has_substring("api")',
    ],
    ["spaces around the operator", 'metric.type = "x"', ["metric.type", "=", "x"], 'metric.type="x"'],
    ["an empty filter", "", [], ""],
  ])("encodes %s", (_, filter, array, sent) => {
    expect(grafanaFilters(filter)).toEqual(array);
    expect(grafanaFilterString(grafanaFilters(filter))).toBe(sent);
  });

  it.each([
    ["OR", 'metric.type="a" OR metric.type="b"', /expected AND between terms/],
    ["NOT", 'NOT metric.type="a"', /expected = or !=/],
    ["parentheses", '(metric.type="a")', /expected a label key/],
    ["the has operator", 'metric.label.x:"a"', /expected = or !=/],
    ["a literal '*' Grafana would read as a wildcard", 'metric.label.x="a*b"', /holds "\*"/],
    ["a value that is the word AND", 'metric.label.x="AND"', /"AND" as the conjunction/],
    ["a regex that is the word AND", 'metric.label.x=monitoring.regex.full_match("AND")', /"AND"/],
    ["an empty starts_with", 'metric.label.x=starts_with("")', /cannot be written as a Grafana wildcard/],
    [
      "a function Grafana has no form for",
      'metric.label.x=monitoring.regex.partial_match("a")',
      /no Grafana filter form/,
    ],
    ["an unterminated string", 'metric.type="a', /unterminated string/],
    ["a bare value", "metric.type=a AND b", /expected \(/],
  ])("refuses %s", (_, filter, message) => {
    expect(() => grafanaFilters(filter)).toThrow(UnsupportedFilterError);
    expect(() => grafanaFilters(filter)).toThrow(message);
  });
});
