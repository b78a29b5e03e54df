/** Time as the drivers see it: injected, so tests control the clock and never really wait. */
import { CancelledError } from "./errors";

/** The current time. */
export type Clock = () => Date;

/** Waits `ms` milliseconds; rejects with `CancelledError` when `signal` aborts. */
export type Sleeper = (ms: number, signal?: AbortSignal) => Promise<void>;

export const systemClock: Clock = () => new Date();

export const realSleep: Sleeper = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** `1h 05m`, `3m 20s`, `12.3s`: a duration for people. */
export function formatDuration(ms: number): string {
  const negative = ms < 0;
  const abs = Math.abs(ms);
  let text: string;
  if (abs < 60_000) text = `${(abs / 1000).toFixed(1)}s`;
  else if (abs < 3_600_000)
    text = `${Math.floor(abs / 60_000)}m ${String(Math.floor((abs % 60_000) / 1000)).padStart(2, "0")}s`;
  else if (abs < 86_400_000)
    text = `${Math.floor(abs / 3_600_000)}h ${String(Math.floor((abs % 3_600_000) / 60_000)).padStart(2, "0")}m`;
  else text = `${Math.floor(abs / 86_400_000)}d ${Math.floor((abs % 86_400_000) / 3_600_000)}h`;
  return negative ? `-${text}` : text;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `90m`, `72h`, `3d`, `1h30m` into milliseconds; `undefined` when malformed. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+[smhd])+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, n, unit] of trimmed.matchAll(/(\d+)([smhd])/g))
    total += Number(n) * (UNITS[unit ?? "s"] ?? 0);
  return total;
}
