/**
 * Where a proxy worker counts finished requests: per version, a second at a time, into plain
 * counters (no Prometheus objects, no window ring on the request path). `take()` hands the
 * finished seconds (and the second in progress, so far) to whoever adds them up: the proxy's
 * primary, which keeps the windows and the Prometheus series (window.ts, metrics.ts).
 */
import { BUCKETS, bucketOf, type WindowSecond } from './window.ts';

/** One second of one version's requests at one listener, as a worker counted them. */
export interface SecondCounts extends WindowSecond {
  version: string;
  /** Latencies summed, ms: the Prometheus histogram's _sum. */
  sumMs: number;
  /** By status class, 1xx … 5xx at index 0 … 4 (proxy errors and timeouts are 5xx). */
  classes: number[];
}

/** The version the requests answered 503 for lack of any ready replica are counted under. */
export const UNROUTED = '';

/** One version's counter; the proxy holds on to it for every request of that version. */
export class VersionCounter {
  private current: SecondCounts | null = null;

  constructor(
    readonly version: string,
    private readonly done: SecondCounts[],
  ) {}

  /** One finished request: when it finished (epoch ms), its status (499: the client left) and latency. */
  record(nowMs: number, status: number, latencyMs: number): void {
    const second = Math.floor(nowMs / 1000);
    let counts = this.current;
    if (counts === null || counts.second !== second) {
      this.flush();
      counts = {
        version: this.version,
        second,
        requests: 0,
        errors: 0,
        maxMs: 0,
        sumMs: 0,
        classes: [0, 0, 0, 0, 0],
        buckets: new Array(BUCKETS).fill(0),
      };
      this.current = counts;
    }
    counts.requests++;
    if (status >= 500) counts.errors++;
    const statusClass = ((status / 100) | 0) - 1;
    counts.classes[statusClass >= 0 && statusClass <= 4 ? statusClass : 4]!++;
    counts.sumMs += latencyMs;
    if (latencyMs > counts.maxMs) counts.maxMs = latencyMs;
    counts.buckets[bucketOf(latencyMs)]!++;
  }

  flush(): void {
    if (this.current !== null) this.done.push(this.current);
    this.current = null;
  }
}

export class Recorder {
  /** Shared with every counter, which pushes its finished seconds here. */
  private readonly done: SecondCounts[] = [];
  private readonly counters = new Map<string, VersionCounter>();

  /** The counter of a version (made once; keep it rather than calling this per request). */
  counter(version: string): VersionCounter {
    let counter = this.counters.get(version);
    if (!counter) {
      counter = new VersionCounter(version, this.done);
      this.counters.set(version, counter);
    }
    return counter;
  }

  /** Every second counted since the last take, the one in progress included. */
  take(): SecondCounts[] {
    for (const counter of this.counters.values()) counter.flush();
    return this.done.splice(0, this.done.length);
  }
}
