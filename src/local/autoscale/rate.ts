/**
 * Per-second rates of ever-growing counters (CPU ticks, requests served), the way a metrics
 * pipeline turns counters into gauges: the change since the previous reading of the same key
 * over the wall time between them. Pure: the caller passes `now`.
 *
 * The first reading of a key gives no rate (there is nothing to subtract), as metrics-server has
 * no sample for a pod until its second scrape. A counter that went down was reset (a new process
 * under the same key, a backend that left and rejoined the load balancer): that reading starts over.
 */

export interface Rate {
  perSecond: number;
  /** The wall time the rate covers. */
  windowSeconds: number;
}

export class RateTracker {
  private readonly last = new Map<string, { value: number; at: number }>();

  /** Records `value` for `key` at `now` (ms) and returns the rate since its previous reading. */
  observe(key: string, value: number, now: number): Rate | undefined {
    const previous = this.last.get(key);
    this.last.set(key, { value, at: now });
    if (!previous || value < previous.value || now <= previous.at) return undefined;
    const windowSeconds = (now - previous.at) / 1000;
    return { perSecond: (value - previous.value) / windowSeconds, windowSeconds };
  }

  /** Forgets every key not in `keep` (replicas that are gone), so memory stays bounded. */
  retain(keep: ReadonlySet<string>): void {
    for (const key of this.last.keys()) if (!keep.has(key)) this.last.delete(key);
  }
}
