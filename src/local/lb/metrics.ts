/**
 * The Prometheus side of the load balancers' request metrics: one sink per daemon, shared by every
 * service's load balancer, exposed through `registry`.
 *
 * Label sets are bound once per service/version/status class and cached, so the per-request cost is
 * one counter increment and one histogram observation with no label objects built.
 */
import { Counter, Histogram, Registry } from 'prom-client';

/** Seconds; matches the windowed metrics' range (sub-millisecond to 30 s). */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Status class for each leading digit; index 0 is used for anything out of range. */
const CLASSES = ['5xx', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

type BoundCounter = { inc(value?: number): void };
type BoundHistogram = { observe(value: number): void };

/** The metrics of one service version, with its label sets already bound. */
export class BoundLbMetrics {
  private readonly byClass: (BoundCounter | undefined)[] = [];

  constructor(
    private readonly requests: Counter<'service' | 'version' | 'code'>,
    private readonly duration: BoundHistogram,
    private readonly service: string,
    private readonly version: string,
  ) {}

  /** One finished request: its status (proxy errors pass 502/503/504) and duration in seconds. */
  observe(status: number, seconds: number): void {
    let index = (status / 100) | 0;
    if (index < 1 || index > 5) index = 0;
    let counter = this.byClass[index];
    if (counter === undefined) {
      counter = this.requests.labels(this.service, this.version, CLASSES[index]!);
      this.byClass[index] = counter;
    }
    counter.inc();
    this.duration.observe(seconds);
  }
}

export class LbMetrics {
  readonly registry: Registry;
  private readonly requests: Counter<'service' | 'version' | 'code'>;
  private readonly duration: Histogram<'service' | 'version'>;
  private readonly bound = new Map<string, BoundLbMetrics>();

  /** @param registry where to register; a fresh one by default (not prom-client's global). */
  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    this.requests = new Counter({
      name: 'gantry_lb_requests_total',
      help: 'Requests through the Gantry load balancer, by status class (proxy errors count as 5xx).',
      labelNames: ['service', 'version', 'code'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'gantry_lb_request_duration_seconds',
      help: 'Time from request received to response finished at the Gantry load balancer.',
      labelNames: ['service', 'version'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
  }

  /** The bound metrics for a service version (cached: call it once per version, not per request). */
  bind(service: string, version: string): BoundLbMetrics {
    const key = `${service}\u0000${version}`;
    let bound = this.bound.get(key);
    if (!bound) {
      bound = new BoundLbMetrics(this.requests, this.duration.labels(service, version), service, version);
      this.bound.set(key, bound);
    }
    return bound;
  }
}
