/**
 * The fast path: one client connection, served byte for byte without node:http. Each request head
 * is scanned once (http1.ts), rewritten by copying byte ranges (hop-by-hop lines out, x-forwarded-*
 * in), written to a pooled keep-alive connection to the chosen replica, and the answer is passed
 * back as it arrives — head rewritten the same way, body bytes untouched, its end found from
 * Content-Length or the chunk framing. Per request that is two small buffers and a few numbers.
 *
 * Everything the scanner does not take (HTTP/1.0, Upgrade, Expect, chunked request bodies, odd
 * headers) hands the connection, with the bytes it has read, to node:http (`delegate`), where
 * forward.ts and upgrade.ts serve it as before.
 *
 * Kept from the node:http path: least outstanding requests and exact weights (the balancer), one
 * retry on another replica when the connection was refused or reset before any answer for an
 * idempotent request without a body (or, with one replica, on a fresh connection after a reused
 * one failed), passive ejection of a replica that refused, 502/503/504 as JSON, backpressure both
 * ways.
 */
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  ChunkedEnd,
  Framing,
  IDEMPOTENT,
  INCOMPLETE,
  INVALID,
  type Method,
  RequestHead,
  ResponseHead,
  scanRequest,
  scanResponse,
} from './http1.ts';
import {
  type ConnectionOwner,
  connectionTo,
  type ProxyContext,
  type UpstreamConnection,
  type UpstreamSlot,
} from './upstream.ts';

/** node:http's limit on a request head; beyond it node:http answers 431. */
const MAX_HEAD_BYTES = 16 * 1024;
/** Unread pipelined bytes beyond this pause the client until the request in flight is answered. */
const MAX_PENDING_BYTES = 64 * 1024;
/** A replica's response head longer than this is a broken replica. */
const MAX_RESPONSE_HEAD_BYTES = 64 * 1024;
/** Response bytes that share a write with the head when they came with it. */
const MAX_COALESCED_BYTES = 16 * 1024;
/** node:http's keepAliveTimeout, advertised so that clients drop idle connections before we do. */
export const CLIENT_IDLE_MS = 5000;
/** node:http's headersTimeout: a request head must arrive within this. */
export const CLIENT_HEAD_MS = 60_000;

const KEEP_ALIVE_END = Buffer.from('connection: keep-alive\r\nkeep-alive: timeout=5\r\n\r\n', 'latin1');
const CLOSE_END = Buffer.from('connection: close\r\n\r\n', 'latin1');
const FORWARDED_HOST = Buffer.from('x-forwarded-host: ', 'latin1');
const CRLF = Buffer.from('\r\n', 'latin1');

/** Failures meaning the replica never saw (or never answered) the request. */
const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'CLOSED']);

/** What a connection needs from its listener. */
export interface Listener {
  ctx: ProxyContext;
  /** Hands a connection to node:http with the bytes already read. */
  delegate(socket: net.Socket, unread: Buffer | null): void;
  /** Lower-case sticky header name as bytes, if stickiness by header is configured. */
  stickyName: Buffer | null;
  forget(connection: ClientConnection): void;
}

enum Phase {
  /** Between requests (maybe a head partly read). */
  Idle,
  /** Request sent (or being sent); no answer yet. */
  Waiting,
  /** Answer head passed on; body streaming. */
  Body,
}

export class ClientConnection implements ConnectionOwner {
  private pending: Buffer | null = null;
  private readonly request = new RequestHead();
  private readonly response = new ResponseHead();
  private readonly chunked = new ChunkedEnd();
  private readonly forwardedFor: Buffer;
  private phase = Phase.Idle;
  /** When the connection last did something (ms, performance.now()); `phaseSince` for the current wait. */
  lastActive: number;
  private phaseSince: number;
  private closed = false;
  /** Answered with Connection: close; the socket is ending. */
  private ending = false;

  // The request in flight.
  private slot: UpstreamSlot | null = null;
  private upstream: UpstreamConnection | null = null;
  private outHead: Buffer | null = null;
  private method: Method = 'GET';
  private hasBody = false;
  private bodyLeft = 0;
  private keepAlive = true;
  private retried = false;
  private start = 0;
  private status = 0;
  private responsePending: Buffer | null = null;
  private responseLeft = 0;
  /** The replica's connection can serve another request once this one is answered. */
  private reusable = true;

  constructor(
    private readonly socket: net.Socket,
    private readonly listener: Listener,
  ) {
    this.forwardedFor = Buffer.from(
      `x-forwarded-for: ${socket.remoteAddress ?? 'unknown'}\r\nx-forwarded-proto: http\r\n`,
      'latin1',
    );
    this.lastActive = this.phaseSince = performance.now();
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  get busy(): boolean {
    return this.phase !== Phase.Idle;
  }

  /** How long the current state has lasted (ms): the sweep's view for timeouts. */
  waitingFor(now: number): number {
    return now - this.phaseSince;
  }

  get waitingForAnswer(): boolean {
    return this.phase === Phase.Waiting;
  }

  get hasPartialHead(): boolean {
    return this.phase === Phase.Idle && this.pending !== null;
  }

  // ── client side ───────────────────────────────────────────────────────────────────────────

  private readonly onData = (chunk: Buffer): void => {
    if (this.ending) return; // closing after an answer: whatever else comes is not read
    this.lastActive = performance.now();
    if (this.bodyLeft > 0) {
      const n = Math.min(this.bodyLeft, chunk.length);
      this.bodyLeft -= n;
      this.writeUpstream(n === chunk.length ? chunk : chunk.subarray(0, n));
      if (n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    this.pending = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.phase === Phase.Idle) this.next();
    else if (this.pending.length > MAX_PENDING_BYTES) this.socket.pause();
  };

  private readonly onDrain = (): void => {
    this.upstream?.socket.resume();
  };

  private readonly onError = (): void => {
    this.socket.destroy();
  };

  private readonly onClose = (): void => {
    this.closed = true;
    if (this.phase !== Phase.Idle) {
      // The client left before its answer: stop the replica's work (its connection cannot be reused).
      this.reusable = false;
      this.finish(this.status || 499);
    }
    this.listener.forget(this);
  };

  /** Serves the next complete request in `pending`, or hands the connection to node:http. */
  private next(): void {
    while (this.phase === Phase.Idle && this.pending !== null && !this.closed) {
      const pending = this.pending;
      const length = scanRequest(pending, pending.length, this.request, this.listener.stickyName);
      if (length === INCOMPLETE && pending.length <= MAX_HEAD_BYTES) return;
      if (length < 0) {
        this.delegate();
        return;
      }
      this.begin(pending, length);
    }
  }

  private delegate(): void {
    const socket = this.socket;
    socket.off('data', this.onData);
    socket.off('drain', this.onDrain);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
    this.listener.forget(this);
    this.listener.delegate(socket, this.pending);
    this.pending = null;
  }

  private begin(pending: Buffer, headLength: number): void {
    const request = this.request;
    const ctx = this.listener.ctx;
    this.start = this.phaseSince = performance.now();
    this.phase = Phase.Waiting;
    this.method = request.method;
    this.keepAlive = request.keepAlive;
    this.hasBody = request.contentLength > 0;
    this.retried = false;
    this.status = 0;
    this.outHead = this.rewriteRequest(pending);
    const bodyEnd = Math.min(pending.length, headLength + request.contentLength);
    const body = bodyEnd > headLength ? pending.subarray(headLength, bodyEnd) : null;
    this.bodyLeft = request.contentLength - (bodyEnd - headLength);
    this.pending = bodyEnd < pending.length ? pending.subarray(bodyEnd) : null;

    const slot = ctx.balancer.pick(
      this.start,
      ctx.stickyCookie || ctx.stickyHeader ? this.stickyKey(pending) : undefined,
    );
    if (slot === undefined) {
      // The body (if any) is not read: the connection closes after the answer.
      this.answer(503, `no ready replicas for service ${ctx.service}`, ctx.unrouted);
      return;
    }
    this.send(slot, body);
  }

  // ── replica side ──────────────────────────────────────────────────────────────────────────

  private send(slot: UpstreamSlot, body: Buffer | null): void {
    this.slot = slot;
    slot.outstanding++;
    const upstream = connectionTo(slot.backend);
    this.upstream = upstream;
    upstream.owner = this;
    this.reusable = true;
    this.responsePending = null;
    const socket = upstream.socket;
    if (body !== null) {
      socket.cork();
      socket.write(this.outHead!);
      this.writeUpstream(body);
      socket.uncork();
    } else socket.write(this.outHead!);
  }

  private writeUpstream(chunk: Buffer): void {
    const upstream = this.upstream;
    if (upstream === null) return; // answered already (503): the rest of the body is dropped
    if (!upstream.socket.write(chunk)) this.socket.pause();
  }

  onUpstreamDrain(): void {
    if (this.bodyLeft > 0) this.socket.resume();
  }

  onUpstreamData(_connection: UpstreamConnection, chunk: Buffer): void {
    if (this.phase === Phase.Waiting) this.onResponseHead(chunk);
    else this.onResponseBody(chunk);
  }

  private onResponseHead(chunk: Buffer): void {
    let buf = this.responsePending === null ? chunk : Buffer.concat([this.responsePending, chunk]);
    for (;;) {
      const end = scanResponse(buf, 0, buf.length, this.method, this.response);
      if (end === INCOMPLETE) {
        if (buf.length > MAX_RESPONSE_HEAD_BYTES) this.replicaBroke('a response head over 64 KiB');
        else this.responsePending = buf;
        return;
      }
      if (end === INVALID || this.response.status === 101) {
        this.replicaBroke('an invalid response');
        return;
      }
      if (this.response.status < 200) {
        // 100 Continue, 103 Early Hints: interim answers node:http's path does not pass on either.
        if (end === buf.length) {
          this.responsePending = null;
          return;
        }
        buf = buf.subarray(end);
        continue;
      }
      this.responsePending = null;
      this.passHead(buf, end);
      return;
    }
  }

  /** Writes the rewritten answer head (with the body bytes that came with it, when few) and goes on with the body. */
  private passHead(buf: Buffer, headEnd: number): void {
    const response = this.response;
    this.status = response.status;
    this.phase = Phase.Body;
    this.phaseSince = performance.now();
    if (this.bodyLeft > 0) this.keepAlive = false; // answered before the body was sent: no clean next request
    if (response.framing === Framing.Close || this.listener.ctx.draining) this.keepAlive = false;
    const end = this.keepAlive ? KEEP_ALIVE_END : CLOSE_END;
    const keep =
      response.connectionNames === null
        ? response.keep
        : withoutNamed(buf, response.keep, response.connectionNames);
    let headLength = end.length;
    for (let i = 0; i < keep.length; i += 2) headLength += keep[i + 1]! - keep[i]!;
    const rest = buf.length - headEnd;
    this.responseLeft = response.framing === Framing.Length ? response.contentLength : 0;
    this.chunked.reset();
    // The usual answer: a short body with a Content-Length, often in the same read as its head.
    const inline =
      response.framing === Framing.Length && rest <= MAX_COALESCED_BYTES
        ? Math.min(rest, this.responseLeft)
        : 0;
    const out = Buffer.allocUnsafe(headLength + inline);
    let offset = 0;
    for (let i = 0; i < keep.length; i += 2) offset += buf.copy(out, offset, keep[i], keep[i + 1]);
    offset += end.copy(out, offset);
    if (inline > 0) buf.copy(out, offset, headEnd, headEnd + inline);
    this.writeClient(out);
    if (
      response.framing === Framing.None ||
      (response.framing === Framing.Length && rest <= MAX_COALESCED_BYTES)
    ) {
      this.responseLeft -= inline;
      if (rest > inline) this.reusable = false; // bytes nobody asked for: do not trust the connection
      if (this.responseLeft === 0) this.finish(this.status);
      return;
    }
    if (rest > 0) this.onResponseBody(buf.subarray(headEnd));
  }

  private onResponseBody(chunk: Buffer): void {
    switch (this.response.framing) {
      case Framing.None:
        return;
      case Framing.Length: {
        const n = Math.min(this.responseLeft, chunk.length);
        this.writeClient(n === chunk.length ? chunk : chunk.subarray(0, n));
        this.responseLeft -= n;
        if (this.responseLeft === 0) {
          if (n < chunk.length) this.reusable = false;
          this.finish(this.status);
        }
        return;
      }
      case Framing.Chunked: {
        const end = this.chunked.scan(chunk, 0, chunk.length);
        if (end === INVALID) {
          this.cut();
          return;
        }
        if (end === INCOMPLETE) {
          this.writeClient(chunk);
          return;
        }
        this.writeClient(end === chunk.length ? chunk : chunk.subarray(0, end));
        if (end < chunk.length) this.reusable = false;
        this.finish(this.status);
        return;
      }
      case Framing.Close:
        this.writeClient(chunk);
        return;
    }
  }

  onUpstreamEnd(connection: UpstreamConnection, err: NodeJS.ErrnoException | undefined): void {
    if (connection !== this.upstream) return;
    this.reusable = false;
    if (this.phase === Phase.Body) {
      if (err === undefined && this.response.framing === Framing.Close) this.finish(this.status);
      else this.cut(); // died mid-answer: the client must see a cut answer, not a complete one
      return;
    }
    // No answer yet.
    const ctx = this.listener.ctx;
    const slot = this.slot!;
    const code = err?.code ?? 'CLOSED';
    const now = performance.now();
    if (code === 'ECONNREFUSED') ctx.balancer.markDown(slot, now + ctx.downMs);
    if (!this.retried && !this.hasBody && IDEMPOTENT.has(this.method) && RETRYABLE.has(code)) {
      // Another replica; with none, the same one on a fresh connection when a kept one failed.
      const other = ctx.balancer.pickRetry(slot, now) ?? (connection.reused ? slot : undefined);
      if (other) {
        this.retried = true;
        slot.outstanding--;
        this.slot = null;
        this.upstream = null;
        this.send(other, null);
        return;
      }
    }
    this.upstream = null;
    this.answer(
      502,
      `replica ${slot.backend.id} failed: ${code === 'CLOSED' ? 'connection closed' : code}`,
      null,
    );
  }

  /** The sweep: no answer head within the request timeout. */
  timeOut(): void {
    if (this.phase !== Phase.Waiting || this.slot === null) return;
    const { id } = this.slot.backend;
    this.reusable = false;
    this.upstream?.destroy();
    this.upstream = null;
    this.answer(504, `replica ${id} did not answer within ${this.listener.ctx.requestTimeoutMs} ms`, null);
  }

  private replicaBroke(what: string): void {
    const id = this.slot?.backend.id ?? '?';
    this.reusable = false;
    this.upstream?.destroy();
    this.upstream = null;
    this.answer(502, `replica ${id} failed: ${what}`, null);
  }

  // ── answers ───────────────────────────────────────────────────────────────────────────────

  private writeClient(chunk: Buffer): void {
    if (!this.socket.write(chunk)) this.upstream?.socket.pause();
  }

  /** An answer of the proxy's own (503, 502, 504) as JSON; counted under `counter` or the slot's version. */
  private answer(status: number, message: string, counter: ProxyContext['unrouted'] | null): void {
    const body = JSON.stringify({ error: message });
    if (this.bodyLeft > 0 || this.listener.ctx.draining) this.keepAlive = false;
    const reason =
      status === 503 ? 'Service Unavailable' : status === 504 ? 'Gateway Timeout' : 'Bad Gateway';
    this.socket.write(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${this.keepAlive ? 'connection: keep-alive\r\nkeep-alive: timeout=5' : 'connection: close'}\r\n\r\n${body}`,
    );
    if (counter !== null) {
      const end = performance.now();
      counter.record(performance.timeOrigin + end, status, end - this.start);
      this.settle();
      return;
    }
    this.finish(status);
  }

  /** The answer was cut short (the replica died mid-body, or broke the chunk framing). */
  private cut(): void {
    this.reusable = false;
    this.keepAlive = false;
    this.socket.destroy();
    this.finish(502);
  }

  /** Counts the request once, releases the replica's connection, and goes on with the next request. */
  private finish(status: number): void {
    const slot = this.slot;
    if (slot === null) return;
    this.slot = null;
    const end = performance.now();
    slot.outstanding--;
    slot.backend.served++;
    slot.backend.counter.record(performance.timeOrigin + end, status, end - this.start);
    const upstream = this.upstream;
    this.upstream = null;
    upstream?.release(end, this.response.keepAliveTimeout, this.reusable && this.bodyLeft === 0);
    this.settle();
  }

  /** Back to idle: the next pipelined request, or the end of the connection. */
  private settle(): void {
    this.phase = Phase.Idle;
    this.lastActive = this.phaseSince = performance.now();
    this.outHead = null;
    if (this.closed) return;
    if (!this.keepAlive) {
      this.pending = null;
      this.ending = true;
      this.socket.end();
      return;
    }
    if (this.socket.isPaused()) this.socket.resume();
    if (this.pending !== null) this.next();
  }

  /** Closes an idle connection (keep-alive timeout, or draining for a successor). */
  close(): void {
    if (this.phase === Phase.Idle) this.socket.destroy();
  }

  /** Ends it now, busy or not (the listener is closing). */
  destroy(): void {
    this.socket.destroy();
  }

  // ── request rewriting ─────────────────────────────────────────────────────────────────────

  /** The head to send upstream: the kept lines, then x-forwarded-for/-proto/-host. */
  private rewriteRequest(buf: Buffer): Buffer {
    const request = this.request;
    const keep = request.keep;
    const plain = request.forwardedFor.length === 0 && request.forwardedProto === null;
    const forwarded = plain ? this.forwardedFor : this.forwardedFrom(buf);
    const host = request.forwardedHost ?? request.host;
    let length = forwarded.length + CRLF.length;
    for (let i = 0; i < keep.length; i += 2) length += keep[i + 1]! - keep[i]!;
    if (host !== null) length += FORWARDED_HOST.length + host[1] - host[0] + CRLF.length;
    const out = Buffer.allocUnsafe(length);
    let offset = 0;
    for (let i = 0; i < keep.length; i += 2) offset += buf.copy(out, offset, keep[i], keep[i + 1]);
    offset += forwarded.copy(out, offset);
    if (host !== null) {
      offset += FORWARDED_HOST.copy(out, offset);
      offset += buf.copy(out, offset, host[0], host[1]);
      offset += CRLF.copy(out, offset);
    }
    CRLF.copy(out, offset);
    return out;
  }

  /** x-forwarded-for (appended to what earlier proxies said) and x-forwarded-proto (kept), when the client sent them. */
  private forwardedFrom(buf: Buffer): Buffer {
    const request = this.request;
    const seen: string[] = [];
    for (let i = 0; i < request.forwardedFor.length; i += 2)
      seen.push(buf.toString('latin1', request.forwardedFor[i], request.forwardedFor[i + 1]));
    seen.push(this.socket.remoteAddress ?? 'unknown');
    const proto = request.forwardedProto
      ? buf.toString('latin1', request.forwardedProto[0], request.forwardedProto[1])
      : 'http';
    return Buffer.from(`x-forwarded-for: ${seen.join(', ')}\r\nx-forwarded-proto: ${proto}\r\n`, 'latin1');
  }

  /** The stickiness key: the configured cookie's value, else the configured header's value. */
  private stickyKey(buf: Buffer): string | undefined {
    const { stickyCookie } = this.listener.ctx;
    const request = this.request;
    if (stickyCookie !== undefined) {
      for (let i = 0; i < request.cookies.length; i += 2) {
        const value = cookieValue(
          buf.toString('latin1', request.cookies[i], request.cookies[i + 1]),
          stickyCookie,
        );
        if (value !== undefined) return value;
      }
    }
    if (request.sticky !== null && request.sticky[1] > request.sticky[0])
      return buf.toString('latin1', request.sticky[0], request.sticky[1]);
    return undefined;
  }
}

export function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The kept ranges minus the header lines a Connection header named (rare: strings are fine here). */
function withoutNamed(buf: Buffer, keep: readonly number[], names: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < keep.length; i += 2) {
    let lineStart = keep[i]!;
    const end = keep[i + 1]!;
    while (lineStart < end) {
      const lineEnd = buf.indexOf(CRLF, lineStart) + 2;
      const colon = buf.indexOf(58, lineStart);
      const name =
        colon > lineStart && colon < lineEnd ? buf.toString('latin1', lineStart, colon).toLowerCase() : '';
      if (!names.includes(name)) out.push(lineStart, lineEnd);
      lineStart = lineEnd;
    }
  }
  return out;
}
