/**
 * The charts' data: the stream's metrics points (one a second) turned into uPlot's aligned
 * columns for one service — the times in seconds, then one column per version for each
 * figure. A version absent from a point is a gap (null), not a zero: a version that was not
 * running served no traffic, and drawing 0 would claim it did and failed nothing.
 * Pure, so it is tested without a browser.
 */
import type { MetricsPoint } from './types.ts';

export const FIGURES = ['rps', 'errorRate', 'p95Ms', 'ready'] as const;
export type Figure = (typeof FIGURES)[number];

export interface ServiceSeries {
  /** In order of first appearance, so a version keeps its colour while it runs. */
  versions: string[];
  /** Seconds since the epoch (uPlot's time scale). */
  times: number[];
  /** figure → one column per version, aligned with `times`. */
  columns: Record<Figure, (number | null)[][]>;
}

/** The last `windowMs` of points, oldest first; points may arrive slightly out of order. */
export function keepWindow(points: readonly MetricsPoint[], now: number, windowMs: number): MetricsPoint[] {
  return points.filter((p) => p.t >= now - windowMs).sort((a, b) => a.t - b.t);
}

export function seriesFor(points: readonly MetricsPoint[], service: string): ServiceSeries {
  const versions: string[] = [];
  for (const point of points)
    for (const version of Object.keys(point.services[service] ?? {}))
      if (!versions.includes(version)) versions.push(version);
  const times = points.map((p) => p.t / 1000);
  const columns = Object.fromEntries(
    FIGURES.map((figure) => [
      figure,
      versions.map((version) => points.map((p) => p.services[service]?.[version]?.[figure] ?? null)),
    ]),
  ) as Record<Figure, (number | null)[][]>;
  return { versions, times, columns };
}
