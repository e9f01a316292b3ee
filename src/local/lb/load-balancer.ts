/**
 * One listener of the local load balancer (a service's address, or a preview of one version):
 * spreads requests over its ready backends and across versions by weight. In the proxy each worker
 * process runs one LoadBalancer per listener on a listening socket the primary shares with every
 * worker (`serve`); tests run one in-process on a port of its own (`listen`).
 *
 * Connections start on the fast path (connection.ts); the few it does not take go to a node:http
 * server on the same listener (forward.ts, upgrade.ts). Finished requests are counted per version
 * a second at a time; `take()` collects the counts for whoever keeps windows and Prometheus series.
 */
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { Balancer } from './balancer.ts';
import { CLIENT_HEAD_MS, CLIENT_IDLE_MS, ClientConnection, type Listener } from './connection.ts';
import { forward } from './forward.ts';
import { Recorder, type SecondCounts, UNROUTED } from './recorder.ts';
import { passUpgrade } from './upgrade.ts';
import { type Backend, closeExpired, type ProxyContext, type Upstream } from './upstream.ts';

export type { Backend } from './upstream.ts';

export interface LoadBalancerOptions {
  service: string;
  /** Default 30 000: no response headers from the replica in time → 504. */
  requestTimeoutMs?: number;
  /** Optional A/B stickiness: the same cookie (or, failing that, header) value → the same version. */
  stickiness?: { cookie?: string; header?: string };
}

/** After a refused connection, new requests avoid that replica this long (its probes decide the rest). */
const DOWN_MS = 1000;
/** Draining for a successor: idle connections this old are closed (a busy one closes after its answer). */
const DRAIN_IDLE_MS = 1000;

/** What a listener counted since the last take: seconds per version, and requests per backend. */
export interface Taken {
  seconds: SecondCounts[];
  served: Record<string, number>;
}

export class LoadBalancer implements Listener {
  readonly ctx: ProxyContext;
  readonly stickyName: Buffer | null;
  private readonly balancer = new Balancer<Upstream>();
  private readonly recorder = new Recorder();
  private readonly upstreams = new Map<string, Upstream>();
  /** What each backend had served at the last take. */
  private readonly reported = new Map<Upstream, number>();
  private readonly connections = new Set<ClientConnection>();
  /** Connections node:http serves (delegated), and the upgraded ones among them. */
  private readonly delegated = new Set<net.Socket>();
  private readonly upgraded = new Set<Duplex>();
  private readonly fallback: http.Server;
  private readonly sweeper: NodeJS.Timeout;
  private drainingSince = 0;

  private constructor(
    private readonly server: net.Server,
    options: LoadBalancerOptions,
  ) {
    this.ctx = {
      service: options.service,
      balancer: this.balancer,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      downMs: DOWN_MS,
      stickyCookie: options.stickiness?.cookie,
      stickyHeader: options.stickiness?.header?.toLowerCase(),
      unrouted: this.recorder.counter(UNROUTED),
      draining: false,
    };
    this.stickyName = this.ctx.stickyHeader ? Buffer.from(this.ctx.stickyHeader, 'latin1') : null;
    server.on('connection', (socket: net.Socket) => {
      socket.setNoDelay(true);
      this.connections.add(new ClientConnection(socket, this));
    });
    const fallback = http.createServer({ keepAlive: true, noDelay: true });
    fallback.on('request', (req, res) => forward(this.ctx, req, res));
    fallback.on('upgrade', (req, socket, head) => passUpgrade(this.ctx, req, socket, head, this.upgraded));
    // A malformed request must never reach the process's uncaught-exception path.
    fallback.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      else socket.destroy();
    });
    this.fallback = fallback;
    const every = Math.min(1000, Math.max(10, this.ctx.requestTimeoutMs / 4));
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  /** Listens on host:port itself (port 0: a free one). */
  static async listen(
    options: LoadBalancerOptions & { host?: string; port?: number },
  ): Promise<LoadBalancer> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new LoadBalancer(server, options);
  }

  /** Accepts on a listening socket another process bound and shares (the proxy's workers). */
  static async serve(handle: object, options: LoadBalancerOptions): Promise<LoadBalancer> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(handle, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new LoadBalancer(server, options);
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get url(): string {
    const { address, port } = this.server.address() as net.AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  delegate(socket: net.Socket, unread: Buffer | null): void {
    this.delegated.add(socket);
    socket.once('close', () => this.delegated.delete(socket));
    if (unread !== null) socket.unshift(unread);
    this.fallback.emit('connection', socket);
    socket.resume();
  }

  forget(connection: ClientConnection): void {
    this.connections.delete(connection);
  }

  /**
   * The set of ready replicas. A backend left out gets no new requests; requests in flight on it
   * complete, and its connections close once idle.
   */
  setBackends(backends: readonly Backend[]): void {
    const next = new Map<string, Upstream>();
    for (const b of backends) {
      const old = this.upstreams.get(b.id);
      if (old && old.host === b.host && old.port === b.port && old.version === b.version) {
        next.set(b.id, old);
        continue;
      }
      next.set(b.id, {
        ...b,
        idle: [],
        pool: undefined,
        counter: this.recorder.counter(b.version),
        served: 0,
        current: true,
      });
    }
    for (const [id, old] of this.upstreams) if (next.get(id) !== old) this.retire(old);
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

  /** The seconds counted and the requests each backend finished since the last take. */
  take(): Taken {
    const served: Record<string, number> = {};
    for (const [id, upstream] of this.upstreams) {
      const delta = upstream.served - (this.reported.get(upstream) ?? 0);
      if (delta > 0) served[id] = delta;
      this.reported.set(upstream, upstream.served);
    }
    return { seconds: this.recorder.take(), served };
  }

  /**
   * Stops accepting and lets a successor take over: every answer from now on says Connection:
   * close, idle connections close after a second. Resolves once no connection is left.
   */
  async drain(deadlineMs = 30_000): Promise<void> {
    this.ctx.draining = true;
    this.drainingSince = performance.now();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    const deadline = Date.now() + deadlineMs;
    while (this.connections.size + this.delegated.size > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** Stops listening and ends every connection at once. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.destroy();
    for (const socket of [...this.delegated, ...this.upgraded]) socket.destroy();
    for (const upstream of this.upstreams.values()) this.retire(upstream);
    this.upstreams.clear();
    this.balancer.setBackends([]);
    await closed;
  }

  private retire(upstream: Upstream): void {
    upstream.current = false;
    for (const connection of upstream.idle.splice(0)) connection.destroy();
    void upstream.pool?.close().catch(() => {});
    this.reported.delete(upstream);
  }

  /** Timeouts, checked a few times a second instead of a timer per request. */
  private sweep(): void {
    const now = performance.now();
    const { requestTimeoutMs, draining } = this.ctx;
    const drainIdle = draining && now - this.drainingSince >= DRAIN_IDLE_MS;
    for (const connection of this.connections) {
      const waited = connection.waitingFor(now);
      if (connection.waitingForAnswer) {
        if (waited >= requestTimeoutMs) connection.timeOut();
      } else if (connection.hasPartialHead) {
        if (waited >= CLIENT_HEAD_MS) connection.close();
      } else if (!connection.busy && (waited >= CLIENT_IDLE_MS || (draining && waited >= DRAIN_IDLE_MS)))
        connection.close();
    }
    if (drainIdle) this.fallback.closeIdleConnections();
    for (const upstream of this.upstreams.values()) closeExpired(upstream, now);
  }
}
