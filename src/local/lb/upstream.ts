/**
 * What the proxy keeps per backend — its idle keep-alive connections for the fast path, an undici
 * pool for the node:http path, its version's request counter — and the narrow view of a listener
 * that forwarding needs.
 */
import net from 'node:net';
import { Pool } from 'undici';
import type { Balancer, Slot } from './balancer.ts';
import type { VersionCounter } from './recorder.ts';

export interface Backend {
  id: string;
  version: string;
  host: string;
  port: number;
}

export interface Upstream extends Backend {
  /** Idle keep-alive connections of the fast path, the most recently used last. */
  readonly idle: UpstreamConnection[];
  /** For the node:http path (upgrades, HTTP/1.0, chunked request bodies…): made on first use. */
  pool: Pool | undefined;
  counter: VersionCounter;
  /** Requests finished on this backend since it joined: the autoscaler's per-replica requests/s. */
  served: number;
  /** False once it left the table: its connections are closed instead of kept. */
  current: boolean;
}

/** Connections per replica at most on the node:http path; beyond that requests queue in the pool. */
const MAX_POOL_CONNECTIONS = 256;

export function poolOf(upstream: Upstream): Pool {
  upstream.pool ??= new Pool(
    `http://${upstream.host.includes(':') ? `[${upstream.host}]` : upstream.host}:${upstream.port}`,
    { connections: MAX_POOL_CONNECTIONS, pipelining: 1 },
  );
  return upstream.pool;
}

/** Who is using an upstream connection right now: told everything that happens on it. */
export interface ConnectionOwner {
  onUpstreamData(connection: UpstreamConnection, chunk: Buffer): void;
  /** The connection failed or closed (err undefined: closed by the replica). */
  onUpstreamEnd(connection: UpstreamConnection, err: NodeJS.ErrnoException | undefined): void;
  onUpstreamDrain(): void;
}

/** Idle connections are closed a second before the replica's advertised keep-alive timeout. */
const KEEP_ALIVE_MARGIN_MS = 1000;
/** Without an advertised timeout: node:http's default is 5 s. */
const DEFAULT_IDLE_MS = 4000;

/**
 * One keep-alive TCP connection to a replica, its listeners attached once: while a request uses it,
 * `owner` gets its events; while idle, anything from the replica ends it.
 */
export class UpstreamConnection {
  readonly socket: net.Socket;
  owner: ConnectionOwner | null = null;
  /** Served a request before: a failure before any answer may be the replica closing an idle connection. */
  reused = false;
  idleSince = 0;
  idleLimitMs = DEFAULT_IDLE_MS;
  private ended = false;

  constructor(readonly upstream: Upstream) {
    this.socket = net.connect({ host: upstream.host, port: upstream.port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      if (this.owner) this.owner.onUpstreamData(this, chunk);
      else this.destroy(); // an idle connection has nothing to say
    });
    this.socket.on('drain', () => this.owner?.onUpstreamDrain());
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.end(err));
    this.socket.on('close', () => this.end(undefined));
  }

  /** Back to the pool (or closed, when the backend left or the replica said so). */
  release(now: number, keepAliveTimeoutSeconds: number, reusable: boolean): void {
    this.owner = null;
    if (!reusable || !this.upstream.current || this.ended) {
      this.destroy();
      return;
    }
    this.reused = true;
    this.socket.resume(); // it may have been paused for a slow client
    this.idleSince = now;
    this.idleLimitMs =
      keepAliveTimeoutSeconds >= 0 ? keepAliveTimeoutSeconds * 1000 - KEEP_ALIVE_MARGIN_MS : DEFAULT_IDLE_MS;
    if (this.idleLimitMs <= 0) this.destroy();
    else this.upstream.idle.push(this);
  }

  destroy(): void {
    this.owner = null;
    this.leavePool();
    this.socket.destroy();
  }

  private leavePool(): void {
    const idle = this.upstream.idle.indexOf(this);
    if (idle >= 0) this.upstream.idle.splice(idle, 1);
  }

  private end(err: NodeJS.ErrnoException | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.leavePool();
    const owner = this.owner;
    this.owner = null;
    owner?.onUpstreamEnd(this, err);
  }
}

/** An idle connection to the backend, or a new one. */
export function connectionTo(upstream: Upstream): UpstreamConnection {
  return upstream.idle.pop() ?? new UpstreamConnection(upstream);
}

/** Closes the backend's idle connections that outlived their limit. */
export function closeExpired(upstream: Upstream, now: number): void {
  for (let i = upstream.idle.length - 1; i >= 0; i--) {
    const connection = upstream.idle[i]!;
    if (now - connection.idleSince >= connection.idleLimitMs) connection.destroy();
  }
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
  /** Counts the requests answered 503 because no backend was ready. */
  unrouted: VersionCounter;
  /** Shutting down for a successor: answers say `Connection: close`. */
  draining: boolean;
}

export type UpstreamSlot = Slot<Upstream>;
