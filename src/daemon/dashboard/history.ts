/**
 * The metrics points of the last ten minutes, oldest first: a fixed ring, one point a second,
 * so a dashboard that connects late still draws the recent past. Pure; fixed memory.
 */
import type { MetricsPoint } from './metrics-point.ts';

export const HISTORY_MS = 10 * 60_000;

export class MetricsHistory {
  private readonly ring: (MetricsPoint | undefined)[];
  private next = 0;

  /** @param capacity points kept (default: ten minutes at one a second) */
  constructor(
    private readonly capacity = HISTORY_MS / 1000,
    private readonly spanMs = HISTORY_MS,
  ) {
    this.ring = new Array(capacity).fill(undefined);
  }

  push(point: MetricsPoint): void {
    this.ring[this.next] = point;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Points no older than the span before `now`, oldest first. */
  recent(now: number): MetricsPoint[] {
    const ordered = [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return ordered.filter((p): p is MetricsPoint => p !== undefined && p.t > now - this.spanMs);
  }
}
