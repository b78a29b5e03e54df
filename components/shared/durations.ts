/** Durations as Google's APIs take them, and the day and hour counts behind them. */

export const SECONDS_PER_HOUR = 3_600;
export const SECONDS_PER_DAY = 86_400;

/** Seconds in `days` days. */
export function daysInSeconds(days: number): number {
  return days * SECONDS_PER_DAY;
}

/** Seconds in `hours` hours. */
export function hoursInSeconds(hours: number): number {
  return hours * SECONDS_PER_HOUR;
}

/** Google's duration string (protobuf `Duration` in JSON): `3600` → `"3600s"`. */
export function duration(seconds: number): string {
  return `${seconds}s`;
}
