/**
 * The Prometheus side of the load balancers' request metrics, exposed through a prom-client
 * `registry`: gantry_lb_requests_total{service,version,code} and the histogram
 * gantry_lb_request_duration_seconds{service,version}. One sink per proxy, fed with the seconds its
 * workers counted (recorder.ts): the counters move in whole batches, never per request.
 *
 * prom-client's Histogram only takes one observation at a time, so the histogram is a small
 * collector of its own registered in the same registry: exact bucket counts and sum, formatted by
 * prom-client like any other metric.
 */
import { Counter, type Metric, Registry } from 'prom-client';
import type { SecondCounts } from './recorder.ts';
import { LATENCY_BOUNDS_MS } from './window.ts';

/** Seconds; each one is a bound of the windows' latency buckets, so every bucket maps into one of these. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** For each window bucket, the first Prometheus bucket it counts in (DURATION_BUCKETS.length: only +Inf). */
const PROM_BUCKET_OF: readonly number[] = [...LATENCY_BOUNDS_MS, Number.POSITIVE_INFINITY].map((ms) => {
  const index = DURATION_BUCKETS.findIndex((le) => ms <= le * 1000 + 1e-9);
  return index < 0 ? DURATION_BUCKETS.length : index;
});
for (const le of DURATION_BUCKETS)
  if (!LATENCY_BOUNDS_MS.includes(le * 1000)) throw new Error(`bucket ${le}s is not a window bound`);

const CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
/** The `version` label of requests no replica could take (503). */
const UNROUTED_LABEL = 'none';

interface Series {
  labels: { service: string; version: string };
  /** Per Prometheus bucket (not cumulative), the last one for +Inf. */
  counts: number[];
  sumSeconds: number;
  count: number;
}

/** A histogram whose observations arrive already bucketed. */
class BucketedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  add(service: string, version: string, counts: SecondCounts): void {
    const key = `${service}\u0000${version}`;
    let series = this.series.get(key);
    if (!series) {
      series = {
        labels: { service, version },
        counts: new Array(DURATION_BUCKETS.length + 1).fill(0),
        sumSeconds: 0,
        count: 0,
      };
      this.series.set(key, series);
    }
    for (let b = 0; b < counts.buckets.length; b++) {
      const n = counts.buckets[b]!;
      if (n > 0) series.counts[PROM_BUCKET_OF[b]!]! += n;
    }
    series.sumSeconds += counts.sumMs / 1000;
    series.count += counts.requests;
  }

  async get() {
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    for (const { labels, counts, sumSeconds, count } of this.series.values()) {
      let cumulative = 0;
      for (let b = 0; b <= DURATION_BUCKETS.length; b++) {
        cumulative += counts[b]!;
        const le = b < DURATION_BUCKETS.length ? DURATION_BUCKETS[b]! : '+Inf';
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...labels }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_sum`, labels, value: sumSeconds });
      values.push({ metricName: `${this.name}_count`, labels, value: count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}

export class LbMetrics {
  readonly registry: Registry;
  private readonly requests: Counter<'service' | 'version' | 'code'>;
  private readonly duration: BucketedHistogram;

  /** @param registry where to register; a fresh one by default (not prom-client's global). */
  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    this.requests = new Counter({
      name: 'gantry_lb_requests_total',
      help: 'Requests through the Gantry load balancer, by status class (proxy errors count as 5xx).',
      labelNames: ['service', 'version', 'code'],
      registers: [registry],
    });
    this.duration = new BucketedHistogram(
      'gantry_lb_request_duration_seconds',
      'Time from request received to response finished at the Gantry load balancer.',
    );
    // The registry formats whatever get() returns; the collector only needs that shape.
    registry.registerMetric(this.duration as unknown as Metric);
  }

  /** A second of one service's requests (the version '' stands for requests no replica took). */
  add(service: string, counts: SecondCounts): void {
    const version = counts.version || UNROUTED_LABEL;
    for (let c = 0; c < CLASSES.length; c++) {
      const n = counts.classes[c]!;
      if (n > 0) this.requests.labels(service, version, CLASSES[c]!).inc(n);
    }
    this.duration.add(service, version, counts);
  }
}
