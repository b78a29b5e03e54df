/**
 * Multi-window, multi-burn-rate alerting (Google SRE workbook, ch. 5), derived from an SLO's goal and
 * period rather than hard-coded: alert when a window pair spends a given share of the error budget.
 *
 *   burn rate threshold = budget share × period ÷ long window
 *
 * For a 30-day period: 2 % in 1 h → 14.4, 5 % in 6 h → 6, 10 % in 1 day → 3.
 */
import { SECONDS_PER_HOUR as HOUR, daysInSeconds, duration } from "../shared/durations";

/** Who is told: `page` wakes someone up, `ticket` is handled in working hours. */
export type Urgency = "page" | "ticket";

/** One alert: both windows must burn faster than `threshold`. */
export interface BurnRateWindow {
  /** Stable id, used in logical names: `fast`, `slow`, `ticket`. */
  readonly id: string;
  readonly urgency: Urgency;
  /** Share of the period's error budget the long window spends before the alert fires. */
  readonly budgetShare: number;
  readonly longWindowSeconds: number;
  readonly shortWindowSeconds: number;
  /** Burn rate both windows must exceed. */
  readonly threshold: number;
}

/** The window pairs: (1 h, 5 min) and (6 h, 30 min) page; (1 day, 2 h) opens a ticket. */
export const WINDOW_PAIRS: readonly Omit<BurnRateWindow, "threshold">[] = [
  { id: "fast", urgency: "page", budgetShare: 0.02, longWindowSeconds: HOUR, shortWindowSeconds: 300 },
  { id: "slow", urgency: "page", budgetShare: 0.05, longWindowSeconds: 6 * HOUR, shortWindowSeconds: 1800 },
  {
    id: "ticket",
    urgency: "ticket",
    budgetShare: 0.1,
    longWindowSeconds: 24 * HOUR,
    shortWindowSeconds: 2 * HOUR,
  },
];

/** The burn rate at which `budgetShare` of a `periodDays` budget is spent in `longWindowSeconds`. */
export function burnRateThreshold(
  budgetShare: number,
  periodDays: number,
  longWindowSeconds: number,
): number {
  const raw = daysInSeconds(budgetShare * periodDays) / longWindowSeconds;
  return Math.round(raw * 1000) / 1000;
}

/** The alert windows of an SLO with this period. The goal sets the budget; the thresholds are ratios of it. */
export function burnRateWindows(periodDays: number): BurnRateWindow[] {
  return WINDOW_PAIRS.map((w) => ({
    ...w,
    threshold: burnRateThreshold(w.budgetShare, periodDays, w.longWindowSeconds),
  }));
}

/**
 * The window pairs worth alerting on: those whose threshold is above 1. At a burn rate of 1 or less the
 * budget lasts the whole period, so such a pair would fire on normal spending; with short periods (10 days
 * or less for the 1-day pair, 5 or less for the 6-hour one) it is left out.
 */
export function alertWindows(periodDays: number): BurnRateWindow[] {
  return burnRateWindows(periodDays).filter((w) => w.threshold > 1);
}

/** The error budget of a goal over a period, in minutes (99.9 % over 30 days → 43.2). */
export function errorBudgetMinutes(goal: number, periodDays: number): number {
  return Math.round((1 - goal) * periodDays * 24 * 60 * 1000) / 1000;
}

/** Cloud Monitoring's burn-rate selector for an SLO and a window. */
export function burnRateFilter(sloName: string, windowSeconds: number): string {
  return `select_slo_burn_rate("${sloName}", "${duration(windowSeconds)}")`;
}
