/**
 * Windowed request metrics for one version: a ring of per-second buckets, each holding request and
 * error counts and a latency histogram with fixed boundaries. Pure (the clock is passed in), O(1)
 * per request, fixed memory, and any window up to the ring's length can be summarised — the release
 * analysis asks "the last 30 s", the status view "the last 10 s".
 */
import type { VersionMetrics } from '../../platform/platform.ts';

/** Upper bounds (ms) of the latency buckets; one more bucket catches everything above. */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000,
  10_000, 30_000,
];

const BUCKETS = LATENCY_BOUNDS_MS.length + 1;

export class MetricsWindow {
  private readonly capacity: number;
  private readonly startedAt: number;

  /** The epoch second each ring slot currently holds (-1: never used). */
  private readonly second: Float64Array;
  private readonly requests: Uint32Array;
  private readonly errors: Uint32Array;
  /** Slowest request seen in the slot, to cap interpolation in the top bucket. */
  private readonly maxMs: Float64Array;
  /** capacity × BUCKETS latency counts, slot-major. */
  private readonly histogram: Uint32Array;

  /** @param capacitySeconds the longest window that can be asked for */
  constructor(now: number, capacitySeconds = 600) {
    this.capacity = capacitySeconds;
    this.startedAt = now;
    this.second = new Float64Array(capacitySeconds).fill(-1);
    this.requests = new Uint32Array(capacitySeconds);
    this.errors = new Uint32Array(capacitySeconds);
    this.maxMs = new Float64Array(capacitySeconds);
    this.histogram = new Uint32Array(capacitySeconds * BUCKETS);
  }

  /** Counts one finished request. `now` in ms (same clock as the constructor's). */
  record(now: number, error: boolean, latencyMs: number): void {
    const sec = Math.floor(now / 1000);
    const slot = sec % this.capacity;
    if (this.second[slot] !== sec) this.reset(slot, sec);
    this.requests[slot]!++;
    if (error) this.errors[slot]!++;
    if (latencyMs > this.maxMs[slot]!) this.maxMs[slot] = latencyMs;
    let b = 0;
    while (b < BUCKETS - 1 && latencyMs > LATENCY_BOUNDS_MS[b]!) b++;
    this.histogram[slot * BUCKETS + b]!++;
  }

  /**
   * The last `windowSeconds` whole buckets including the current, partial one. The covered time is
   * measured from the start of the oldest bucket to `now` (and not before the window was created),
   * so requestsPerSecond is exact rather than off by up to one bucket.
   */
  summary(now: number, windowSeconds: number): VersionMetrics {
    return MetricsWindow.summarize([this], now, windowSeconds);
  }

  /** Adds this window's last `span` seconds to the running sums. */
  private addTo(sums: Sums, nowSec: number, span: number): void {
    for (let sec = nowSec - span + 1; sec <= nowSec; sec++) {
      const slot = sec % this.capacity;
      if (sec < 0 || this.second[slot] !== sec) continue;
      sums.requests += this.requests[slot]!;
      sums.errors += this.errors[slot]!;
      if (this.maxMs[slot]! > sums.maxMs) sums.maxMs = this.maxMs[slot]!;
      for (let b = 0; b < BUCKETS; b++) sums.counts[b]! += this.histogram[slot * BUCKETS + b]!;
    }
    sums.startedAt = Math.min(sums.startedAt, this.startedAt);
  }

  /**
   * Several windows over the same clock as one (a version measured at the main listener and at its
   * preview): counts and histograms add up, so the percentiles are those of all the requests.
   */
  static summarize(windows: readonly MetricsWindow[], now: number, windowSeconds: number): VersionMetrics {
    const capacity = Math.min(...windows.map((w) => w.capacity));
    const span = Math.max(1, Math.min(Math.floor(windowSeconds), capacity));
    const nowSec = Math.floor(now / 1000);
    const sums: Sums = {
      counts: new Float64Array(BUCKETS),
      requests: 0,
      errors: 0,
      maxMs: 0,
      startedAt: now,
    };
    for (const window of windows) window.addTo(sums, nowSec, span);
    const { counts, requests, errors, maxMs } = sums;
    const from = Math.max((nowSec - span + 1) * 1000, sums.startedAt);
    const covered = Math.max(0, (now - from) / 1000);
    return {
      windowSeconds: round3(covered),
      requests,
      errors,
      successRate: requests === 0 ? null : (requests - errors) / requests,
      requestsPerSecond: covered === 0 ? 0 : round3(requests / covered),
      latencyP50Ms: percentile(counts, requests, 0.5, maxMs),
      latencyP95Ms: percentile(counts, requests, 0.95, maxMs),
      latencyP99Ms: percentile(counts, requests, 0.99, maxMs),
    };
  }

  private reset(slot: number, sec: number): void {
    this.second[slot] = sec;
    this.requests[slot] = 0;
    this.errors[slot] = 0;
    this.maxMs[slot] = 0;
    this.histogram.fill(0, slot * BUCKETS, (slot + 1) * BUCKETS);
  }
}

interface Sums {
  counts: Float64Array;
  requests: number;
  errors: number;
  maxMs: number;
  startedAt: number;
}

/**
 * The q-quantile from bucket counts, interpolating linearly inside the bucket it falls in (as
 * Prometheus' histogram_quantile does). The top bucket's upper edge is the slowest request seen,
 * and no answer exceeds it.
 */
export function percentile(
  counts: ArrayLike<number>,
  total: number,
  q: number,
  maxMs: number,
): number | null {
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let b = 0; b < counts.length; b++) {
    const n = counts[b]!;
    if (n > 0 && below + n >= rank) {
      const lower = b === 0 ? 0 : LATENCY_BOUNDS_MS[b - 1]!;
      const upper = Math.min(
        b < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[b]! : maxMs,
        Math.max(maxMs, lower),
      );
      return round3(lower + ((upper - lower) * (rank - below)) / n);
    }
    below += n;
  }
  return round3(maxMs);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
