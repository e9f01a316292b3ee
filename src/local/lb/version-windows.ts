/**
 * One listener's request windows, one per version, fed with the seconds its workers counted. The
 * proxy's primary keeps one per listener; the daemon keeps a copy of each (the proxy sends it every
 * second it adds, and the whole ring when the daemon connects), so analysis, status and the
 * dashboard read windows without a round trip.
 */
import type { VersionMetrics } from '../../platform/platform.ts';
import { MetricsWindow, type WindowSecond } from './window.ts';

/** Longest window metrics() can answer. */
const WINDOW_CAPACITY_SECONDS = 600;

/** One version's seconds, as sent between processes. */
export interface VersionSeconds {
  version: string;
  /** When the version's window began (epoch ms): summaries cover no time before it. */
  since: number;
  seconds: WindowSecond[];
}

export class VersionWindows {
  private readonly windows = new Map<string, MetricsWindow>();

  /** The version's window, made (beginning at `since`, epoch ms) if it has none yet. */
  open(version: string, since: number): MetricsWindow {
    let window = this.windows.get(version);
    if (!window) {
      window = new MetricsWindow(since, WINDOW_CAPACITY_SECONDS);
      this.windows.set(version, window);
    }
    return window;
  }

  add(version: string, since: number, seconds: readonly WindowSecond[]): void {
    const window = this.open(version, since);
    for (const second of seconds) window.add(second);
  }

  window(version: string): MetricsWindow | undefined {
    return this.windows.get(version);
  }

  /** Requests, errors, rate and latency percentiles of one version over the last `windowSeconds`. */
  metrics(version: string, windowSeconds: number, now = Date.now()): VersionMetrics {
    return (this.windows.get(version) ?? new MetricsWindow(now, 1)).summary(now, windowSeconds);
  }

  /** Every version's window, for a copy in another process. */
  export(): VersionSeconds[] {
    return [...this.windows].map(([version, window]) => ({
      version,
      since: window.since,
      seconds: window.seconds(),
    }));
  }
}
