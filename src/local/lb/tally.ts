/**
 * Everything counted at one listener, added up from what its workers took (LoadBalancer.take):
 * request windows per version, requests finished per backend (the autoscaler's requests/s) and,
 * for a service's main listener, the Prometheus series.
 */
import type { Taken } from './load-balancer.ts';
import type { LbMetrics } from './metrics.ts';
import { UNROUTED } from './recorder.ts';
import { VersionWindows } from './version-windows.ts';

export class ListenerTally {
  readonly windows = new VersionWindows();
  private readonly servedTotals = new Map<string, number>();

  /** @param prom the Prometheus sink, for a service's main listener only (previews are not exported) */
  constructor(
    readonly service: string,
    private readonly prom: LbMetrics | undefined,
  ) {}

  add(taken: Taken): void {
    for (const counts of taken.seconds) {
      this.prom?.add(this.service, counts);
      // A version seen first here has counted since that second at least.
      if (counts.version !== UNROUTED) this.windows.add(counts.version, counts.second * 1000, [counts]);
    }
    for (const [id, n] of Object.entries(taken.served))
      this.servedTotals.set(id, (this.servedTotals.get(id) ?? 0) + n);
  }

  /**
   * The backends now in the listener: each has a count (0 until it serves: no requests is a sample
   * too, for the autoscaler); those that left are forgotten (one that rejoins counts from 0 again).
   */
  track(ids: ReadonlySet<string>): void {
    for (const id of this.servedTotals.keys()) if (!ids.has(id)) this.servedTotals.delete(id);
    for (const id of ids) if (!this.servedTotals.has(id)) this.servedTotals.set(id, 0);
  }

  /** Requests finished per backend id since it joined. */
  served(): Map<string, number> {
    return new Map(this.servedTotals);
  }

  /** Sets a backend's total (a copy catching up with the proxy's count). */
  setServed(id: string, total: number): void {
    this.servedTotals.set(id, total);
  }
}
