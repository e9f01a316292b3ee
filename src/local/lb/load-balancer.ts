/**
 * The local load balancer: one HTTP listener per service, spreading requests over the service's
 * ready replicas and across versions by weight. It runs inside the daemon process, so the request
 * path (forward.ts) avoids per-request work that is not needed: no logging, pre-bound metric labels,
 * pooled keep-alive connections to every replica.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { Pool } from 'undici';
import type { VersionMetrics } from '../../platform/platform.ts';
import { Balancer } from './balancer.ts';
import { forward } from './forward.ts';
import type { LbMetrics } from './metrics.ts';
import { passUpgrade } from './upgrade.ts';
import type { Backend, ProxyContext, Upstream, VersionStats } from './upstream.ts';
import { MetricsWindow } from './window.ts';

export { LbMetrics } from './metrics.ts';
export type { Backend } from './upstream.ts';

export interface LoadBalancerOptions {
  service: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 30 000: no response headers from the replica in time → 504. */
  requestTimeoutMs?: number;
  /** Optional A/B stickiness: the same cookie (or, failing that, header) value → the same version. */
  stickiness?: { cookie?: string; header?: string };
  /** The daemon's shared Prometheus sink. */
  metrics?: LbMetrics;
}

/** Connections per replica at most; beyond that requests queue in the pool. */
const MAX_CONNECTIONS_PER_BACKEND = 256;
/** After a refused connection, new requests avoid that replica this long (its probes decide the rest). */
const DOWN_MS = 1000;
/** Longest window metrics() can answer. */
const WINDOW_CAPACITY_SECONDS = 600;

export class LoadBalancer {
  readonly url: string;
  readonly port: number;
  private readonly balancer = new Balancer<Upstream>();
  private readonly upstreams = new Map<string, Upstream>();
  private readonly stats = new Map<string, VersionStats>();
  private readonly upgraded = new Set<Duplex>();
  private readonly unrouted: MetricsWindow;

  private constructor(
    private readonly server: http.Server,
    private readonly options: LoadBalancerOptions,
    host: string,
    port: number,
  ) {
    this.port = port;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.unrouted = new MetricsWindow(performance.now(), 60);
    const unroutedProm = options.metrics?.bind(options.service, 'none');
    const ctx: ProxyContext = {
      service: options.service,
      balancer: this.balancer,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      downMs: DOWN_MS,
      stickyCookie: options.stickiness?.cookie,
      stickyHeader: options.stickiness?.header?.toLowerCase(),
      recordUnrouted: (now, ms) => {
        this.unrouted.record(now, true, ms);
        unroutedProm?.observe(503, ms / 1000);
      },
    };
    server.on('request', (req, res) => forward(ctx, req, res));
    server.on('upgrade', (req, socket, head) => passUpgrade(ctx, req, socket, head, this.upgraded));
    // A malformed request must never reach the daemon's uncaught-exception path.
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  static async listen(options: LoadBalancerOptions): Promise<LoadBalancer> {
    const host = options.host ?? '127.0.0.1';
    const server = http.createServer({ keepAlive: true, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new LoadBalancer(server, options, host, (server.address() as AddressInfo).port);
  }

  /**
   * The set of ready replicas. A backend left out gets no new requests; its pool closes gracefully,
   * so requests already in flight on it complete normally.
   */
  setBackends(backends: Backend[]): void {
    const next = new Map<string, Upstream>();
    for (const b of backends) {
      const old = this.upstreams.get(b.id);
      if (old && old.host === b.host && old.port === b.port && old.version === b.version) {
        next.set(b.id, old);
        continue;
      }
      next.set(b.id, {
        id: b.id,
        version: b.version,
        host: b.host,
        port: b.port,
        pool: new Pool(`http://${b.host.includes(':') ? `[${b.host}]` : b.host}:${b.port}`, {
          connections: MAX_CONNECTIONS_PER_BACKEND,
          pipelining: 1,
        }),
        stats: this.statsFor(b.version),
        served: 0,
      });
    }
    for (const [id, old] of this.upstreams) {
      if (next.get(id) !== old) void old.pool.close().catch(() => {});
    }
    this.upstreams.clear();
    for (const [id, u] of next) this.upstreams.set(id, u);
    this.balancer.setBackends([...next.values()], (a, b) => a === b);
  }

  /** Percent by version; versions not listed get 0. Renormalised over versions with backends. */
  setWeights(weights: Record<string, number>): void {
    for (const [version, weight] of Object.entries(weights)) {
      if (!Number.isFinite(weight) || weight < 0) {
        throw new RangeError(`weight of version ${version} must be a number >= 0, got ${weight}`);
      }
    }
    this.balancer.setWeights(weights);
  }

  /** The weights as set, or before setWeights the split by backend count (percent). */
  weights(): Record<string, number> {
    return this.balancer.weights();
  }

  /** Requests, errors, rate and latency percentiles of one version over the last `windowSeconds`. */
  metrics(version: string, windowSeconds: number): VersionMetrics {
    const stats = this.stats.get(version);
    const now = performance.now();
    if (stats) return stats.window.summary(now, windowSeconds);
    return new MetricsWindow(now, 1).summary(now, windowSeconds);
  }

  /** The window of one version's requests, once it has had any. */
  window(version: string): MetricsWindow | undefined {
    return this.stats.get(version)?.window;
  }

  /** Requests finished per backend id since it joined (a counter: restarts at 0 if it leaves and rejoins). */
  servedByBackend(): Map<string, number> {
    return new Map([...this.upstreams].map(([id, upstream]) => [id, upstream.served]));
  }

  /** Stops listening and ends pooled and upgraded connections; waits for in-flight requests. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    for (const socket of this.upgraded) socket.destroy();
    await Promise.all([...this.upstreams.values()].map((u) => u.pool.close().catch(() => {})));
    this.upstreams.clear();
    this.balancer.setBackends([]);
    this.server.closeAllConnections();
    await closed;
  }

  private statsFor(version: string): VersionStats {
    let stats = this.stats.get(version);
    if (!stats) {
      stats = {
        window: new MetricsWindow(performance.now(), WINDOW_CAPACITY_SECONDS),
        prom: this.options.metrics?.bind(this.options.service, version),
      };
      this.stats.set(version, stats);
    }
    return stats;
  }
}
