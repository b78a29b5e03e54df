import { describe, expect, it } from "vitest";
import {
  WINDOW_PAIRS,
  alertWindows,
  burnRateFilter,
  burnRateThreshold,
  burnRateWindows,
  errorBudgetMinutes,
} from "../../components/monitoring/burn-rate";

const HOUR = 3600;

describe("burn-rate windows", () => {
  it("are (1 h, 5 min) page 2 %, (6 h, 30 min) page 5 %, (1 day, 2 h) ticket 10 %", () => {
    expect(
      WINDOW_PAIRS.map((w) => [w.longWindowSeconds, w.shortWindowSeconds, w.urgency, w.budgetShare]),
    ).toEqual([
      [HOUR, 300, "page", 0.02],
      [6 * HOUR, 1800, "page", 0.05],
      [24 * HOUR, 2 * HOUR, "ticket", 0.1],
    ]);
    expect(WINDOW_PAIRS.map((w) => w.id)).toEqual(["fast", "slow", "ticket"]);
  });

  it.each([
    [30, [14.4, 6, 3]],
    [28, [13.44, 5.6, 2.8]],
    [7, [3.36, 1.4, 0.7]],
    [1, [0.48, 0.2, 0.1]],
  ])("over %i days burn at %o", (periodDays, expected) => {
    expect(burnRateWindows(periodDays).map((w) => w.threshold)).toEqual(expected);
  });

  it("keeps the window pairs whatever the period", () => {
    for (const period of [30, 28, 7]) {
      expect(burnRateWindows(period).map((w) => [w.id, w.longWindowSeconds, w.shortWindowSeconds])).toEqual([
        ["fast", HOUR, 300],
        ["slow", 6 * HOUR, 1800],
        ["ticket", 24 * HOUR, 2 * HOUR],
      ]);
    }
  });

  it("scales linearly with the budget share and inversely with the long window", () => {
    expect(burnRateThreshold(0.02, 30, HOUR)).toBe(14.4);
    expect(burnRateThreshold(0.04, 30, HOUR)).toBe(28.8);
    expect(burnRateThreshold(0.02, 30, 2 * HOUR)).toBe(7.2);
    expect(burnRateThreshold(0.05, 28, 6 * HOUR)).toBe(5.6);
    expect(burnRateThreshold(0.1, 7, 24 * HOUR)).toBe(0.7);
  });
});

describe("alertWindows: the pairs worth alerting on", () => {
  it.each([
    [
      30,
      [
        ["fast", 14.4],
        ["slow", 6],
        ["ticket", 3],
      ],
    ],
    // 1-day pair: 0.1 × 11 = 1.1, still above 1
    [
      11,
      [
        ["fast", 5.28],
        ["slow", 2.2],
        ["ticket", 1.1],
      ],
    ],
    // 1-day pair: 0.1 × 10 = exactly 1, where the budget lasts the period: left out
    [
      10,
      [
        ["fast", 4.8],
        ["slow", 2],
      ],
    ],
    [
      7,
      [
        ["fast", 3.36],
        ["slow", 1.4],
      ],
    ],
    // 6-hour pair: 0.05 × 5 × 4 = exactly 1: left out
    [5, [["fast", 2.4]]],
    // 1-hour pair: 0.02 × 2 × 24 = 0.96
    [2, []],
  ])("over %i days: %j", (periodDays, expected) => {
    expect(alertWindows(periodDays).map((w) => [w.id, w.threshold])).toEqual(expected);
  });
});

describe("goals and budgets", () => {
  it.each([
    [0.999, 30, 43.2],
    [0.99, 30, 432],
    [0.999, 28, 40.32],
    [0.95, 7, 504],
    [0.9995, 30, 21.6],
  ])("goal %s over %i days leaves %s minutes of budget", (goal, period, minutes) => {
    expect(errorBudgetMinutes(goal, period)).toBe(minutes);
  });
});

describe("burnRateFilter", () => {
  it("selects the SLO's burn rate over the window in seconds", () => {
    const slo = "projects/000000000000/services/m6-test-api/serviceLevelObjectives/availability";
    expect(burnRateFilter(slo, 3600)).toBe(`select_slo_burn_rate("${slo}", "3600s")`);
    expect(burnRateFilter(slo, 300)).toBe(`select_slo_burn_rate("${slo}", "300s")`);
  });
});
