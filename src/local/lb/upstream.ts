/**
 * What the proxy keeps per backend (a keep-alive connection pool) and per version (its metrics), and
 * the narrow view of the load balancer that forwarding needs.
 */
import type { Pool } from 'undici';
import type { Balancer, Slot } from './balancer.ts';
import type { BoundLbMetrics } from './metrics.ts';
import type { MetricsWindow } from './window.ts';

export interface Backend {
  id: string;
  version: string;
  host: string;
  port: number;
}

/** Request metrics of one version: the windowed ring for analysis, Prometheus for scraping. */
export interface VersionStats {
  window: MetricsWindow;
  prom: BoundLbMetrics | undefined;
}

export interface Upstream extends Backend {
  pool: Pool;
  stats: VersionStats;
  /** Requests finished on this backend since it joined: the autoscaler's per-replica requests/s. */
  served: number;
}

export interface ProxyContext {
  service: string;
  balancer: Balancer<Upstream>;
  requestTimeoutMs: number;
  /** How long a backend that refused a connection is skipped (passive health). */
  downMs: number;
  stickyCookie: string | undefined;
  /** Lower-cased. */
  stickyHeader: string | undefined;
  /** Counts requests answered 503 because no backend was ready. */
  recordUnrouted(now: number, latencyMs: number): void;
}

export type UpstreamSlot = Slot<Upstream>;
