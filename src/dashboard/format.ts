/**
 * How the page writes numbers: the same conventions as `gantry status` (rates to one
 * decimal, error rates as percentages with two decimals so 0.4 % never reads as 0 %,
 * missing figures as a dash rather than a misleading zero). Pure, so it is tested alone.
 */
export const DASH = '–';

export function formatRps(rps: number | null | undefined): string {
  if (rps === null || rps === undefined) return DASH;
  return rps >= 100 ? String(Math.round(rps)) : rps.toFixed(1);
}

/** A fraction 0..1 as a percentage: 0.0042 → "0.42 %". */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined) return DASH;
  return `${(fraction * 100).toFixed(2)} %`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return DASH;
  return ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

/** A clock time for an event or a measurement, in the reader's time zone: "14:03:27". */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** How long ago, coarsely: "4 s", "3 min", "2 h". */
export function formatAge(ms: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h`;
}
