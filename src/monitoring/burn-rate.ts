/**
 * Multi-window, multi-burn-rate alerting, as the Google SRE workbook ("Alerting on SLOs") sets it
 * out for a 30-day objective. A burn rate B means the error budget is being spent B times as fast
 * as the objective allows: an error ratio of B × (1 − availability). Each alert needs the long
 * window (is it significant?) and the short one (is it still happening?) both above B:
 *
 *   page    1h / 5m   at 14.4×  (2 % of a 30-day budget in one hour)
 *   page    6h / 30m  at 6×     (5 % in six hours)
 *   ticket  1d / 2h   at 3×     (10 % in a day)
 *   ticket  3d / 6h   at 1×     (10 % in three days: on course to spend it all)
 *
 * The factors are the workbook's whatever the SLO window; with a window other than 30 days the
 * same factor spends a different share of the budget (`budgetSpentIn` says how long it lasts).
 *
 * Latency has the same budget shape: an objective "p95 ≤ T" allows 5 % of requests slower than
 * T, so a burn rate B means B × 5 % of requests slower than T, which is the same as the
 * (1 − B × 5 %) quantile being above T: 14.4× → p28, 6× → p70, 3× → p85, 1× → p95. The alerts
 * ask Prometheus for those quantiles with histogram_quantile, the function release analysis
 * reads p95 with, so neither needs a histogram bucket at T.
 */

export interface BurnRateAlert {
  severity: 'page' | 'ticket';
  /** Window lengths in seconds. */
  longSeconds: number;
  shortSeconds: number;
  burnRate: number;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  { severity: 'page', longSeconds: HOUR, shortSeconds: 5 * MINUTE, burnRate: 14.4 },
  { severity: 'page', longSeconds: 6 * HOUR, shortSeconds: 30 * MINUTE, burnRate: 6 },
  { severity: 'ticket', longSeconds: DAY, shortSeconds: 2 * HOUR, burnRate: 3 },
  { severity: 'ticket', longSeconds: 3 * DAY, shortSeconds: 6 * HOUR, burnRate: 1 },
];

/** Every window an alert reads, shortest first: each is one recording rule per SLI. */
export const ALERT_WINDOWS: readonly number[] = [
  ...new Set(BURN_RATE_ALERTS.flatMap((a) => [a.longSeconds, a.shortSeconds])),
].sort((a, b) => a - b);

/** The share of requests a p95 objective allows to be slower than its threshold. */
export const LATENCY_BUDGET = 0.05;

/**
 * The quantile that is above the latency threshold exactly when B × 5 % of requests are slower:
 * 1 − B × 0.05, rounded to 4 places (14.4 × 0.05 is 0.7200000000000001 in floating point).
 */
export function latencyQuantile(burnRate: number): number {
  return Number((1 - burnRate * LATENCY_BUDGET).toFixed(4));
}

/** A Prometheus duration in its largest whole unit: 3600 → 1h, 259200 → 3d, 72 → 72s. */
export function promDuration(seconds: number): string {
  for (const [unit, size] of [
    ['d', DAY],
    ['h', HOUR],
    ['m', MINUTE],
  ] as const)
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  return `${Math.max(1, Math.round(seconds))}s`;
}

/** How long a whole budget lasts at this burn rate: window / B, e.g. 30d at 14.4× → "2d 2h". */
export function budgetSpentIn(windowSeconds: number, burnRate: number): string {
  const seconds = Math.round(windowSeconds / burnRate);
  const days = Math.floor(seconds / DAY);
  const hours = Math.round((seconds % DAY) / HOUR);
  if (days === 0) return `${Math.max(hours, 1)}h`;
  return hours === 0 ? `${days}d` : `${days}d ${hours}h`;
}
