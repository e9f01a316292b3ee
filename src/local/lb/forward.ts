/**
 * The node:http path: forwards one HTTP request to a replica and streams the answer back, for the
 * connections the fast path (connection.ts) hands over — HTTP/1.0, Expect, chunked request bodies,
 * unusual headers.
 *
 * Uses undici's low-level handler interface (onConnect/onHeaders/onData/onComplete/onError): it is
 * what undici's HTTP/1.1 client calls natively, hands us raw header buffers, and lets backpressure
 * flow both ways (returning false from onData pauses the replica's socket until the client drains).
 * The request body is the client's IncomingMessage itself, so bodies stream and are never buffered.
 *
 * One retry, on another backend, when the connection was refused or reset before any response byte
 * arrived, for idempotent methods without a body (a streamed body is already spent): this is what
 * makes a killed replica cost no failed requests while the supervisor has not yet noticed it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { cookieValue } from './connection.ts';
import { requestHeaders, responseHeaders } from './headers.ts';
import { type ProxyContext, poolOf, type UpstreamSlot } from './upstream.ts';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Failures that mean the replica never saw (or never answered) the request. */
const RETRYABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

export function forward(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse): void {
  const start = performance.now();
  const slot = ctx.balancer.pick(start, stickyKey(ctx, req));
  if (ctx.draining) res.shouldKeepAlive = false;
  if (slot === undefined) {
    sendJson(res, 503, `{"error":${JSON.stringify(`no ready replicas for service ${ctx.service}`)}}`);
    const end = performance.now();
    ctx.unrouted.record(performance.timeOrigin + end, 503, end - start);
    return;
  }
  new Exchange(ctx, req, res, start).send(slot);
}

/** One client request and its (at most two) attempts upstream. */
class Exchange implements Dispatcher.DispatchHandler {
  private slot: UpstreamSlot | undefined;
  private retried = false;
  private abortAttempt: ((err?: Error) => void) | undefined;
  private resume: (() => void) | undefined;
  private status = 0;
  /** The client went away or the exchange is over: write nothing more. */
  private finished = false;
  private readonly headers: string[];
  private readonly hasBody: boolean;

  constructor(
    private readonly ctx: ProxyContext,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly start: number,
  ) {
    this.headers = requestHeaders(req.rawHeaders, req.socket.remoteAddress);
    this.hasBody = hasBody(req.rawHeaders);
    res.once('close', this.onClientClose);
  }

  send(slot: UpstreamSlot): void {
    this.slot = slot;
    slot.outstanding++;
    const req = this.req;
    poolOf(slot.backend).dispatch(
      {
        path: req.url ?? '/',
        method: req.method as Dispatcher.HttpMethod,
        headers: this.headers,
        body: this.hasBody ? req : null,
        headersTimeout: this.ctx.requestTimeoutMs,
        bodyTimeout: 0,
      },
      this,
    );
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortAttempt = abort;
    if (this.finished) abort(new Error('client closed the connection'));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200 || this.finished) return true; // 1xx: node:http sends its own 100-continue
    this.status = statusCode;
    this.resume = resume;
    try {
      this.res.writeHead(statusCode, statusText, responseHeaders(rawHeaders));
    } catch {
      // A header node:http refuses to write: treat as a bad answer from the replica.
      this.abortAttempt?.(new Error('invalid response headers from replica'));
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.finished) return true;
    if (this.res.write(chunk)) return true;
    this.res.once('drain', this.onDrain);
    return false;
  }

  onComplete(): void {
    if (this.finished) return;
    this.res.end();
    this.done(this.status);
  }

  onError(err: Error): void {
    const slot = this.slot!;
    const code = (err as NodeJS.ErrnoException).code;
    if (this.finished) {
      this.done(this.status || 499);
      return;
    }
    if (!this.res.headersSent) {
      if (code === 'ECONNREFUSED') this.ctx.balancer.markDown(slot, performance.now() + this.ctx.downMs);
      if (
        !this.retried &&
        !this.hasBody &&
        code !== undefined &&
        RETRYABLE.has(code) &&
        IDEMPOTENT.has(this.req.method ?? '')
      ) {
        const other = this.ctx.balancer.pickRetry(slot, performance.now());
        if (other) {
          this.retried = true;
          slot.outstanding--;
          this.abortAttempt = undefined;
          this.send(other);
          return;
        }
      }
      const status = code === 'UND_ERR_HEADERS_TIMEOUT' ? 504 : 502;
      const message =
        status === 504
          ? `replica ${slot.backend.id} did not answer within ${this.ctx.requestTimeoutMs} ms`
          : `replica ${slot.backend.id} failed: ${code ?? err.message}`;
      sendJson(this.res, status, `{"error":${JSON.stringify(message)}}`);
      this.done(status);
      return;
    }
    // The replica died mid-response: all we can do is cut the client's connection too, so it sees a
    // truncated response rather than a falsely complete one.
    this.res.destroy();
    this.done(502);
  }

  private readonly onDrain = (): void => {
    this.resume?.();
  };

  private readonly onClientClose = (): void => {
    if (this.finished) return;
    // Closed before the response finished: the client left. Stop the replica's work too.
    this.finished = true;
    this.abortAttempt?.(new Error('client closed the connection'));
  };

  /** Counts the request once and releases the backend. */
  private done(status: number): void {
    const slot = this.slot;
    if (slot === undefined) return;
    this.slot = undefined;
    this.finished = true;
    slot.outstanding--;
    slot.backend.served++;
    const end = performance.now();
    slot.backend.counter.record(performance.timeOrigin + end, status, end - this.start);
  }
}

/** The stickiness key: the configured cookie's value, else the configured header's value. */
function stickyKey(ctx: ProxyContext, req: IncomingMessage): string | undefined {
  if (ctx.stickyCookie === undefined && ctx.stickyHeader === undefined) return undefined;
  if (ctx.stickyCookie !== undefined) {
    const value = req.headers.cookie ? cookieValue(req.headers.cookie, ctx.stickyCookie) : undefined;
    if (value !== undefined) return value;
  }
  if (ctx.stickyHeader !== undefined) {
    const value = req.headers[ctx.stickyHeader];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** Whether the request carries a body: a non-zero content-length or any transfer-encoding. */
function hasBody(raw: readonly string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 14 && name.toLowerCase() === 'content-length') return raw[i + 1]!.trim() !== '0';
    if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') return true;
  }
  return false;
}

function sendJson(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
