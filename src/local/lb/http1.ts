/**
 * Just enough HTTP/1.1 to proxy the common request without node:http: scanning a request head and
 * a response head in one pass over their bytes, and finding where a chunked body ends. Pure: bytes
 * in, positions and numbers out, no allocation beyond the result objects the caller owns.
 *
 * The request scanner is deliberately narrow. It accepts only `METHOD /path HTTP/1.1` with well-formed
 * header lines (RFC 9112 §5: token names, no space before the colon, no obs-fold, no bare CR or LF),
 * at most one Content-Length of digits, no Transfer-Encoding, Expect or Upgrade, and a Connection
 * header of keep-alive/close only. Anything else answers DELEGATE: the caller hands the connection
 * to node:http (llhttp), which handles every other case — or rejects it — as before. So the fast
 * path never decides a framing question that llhttp would decide differently (no smuggling).
 */

/** Scan results other than a head length. */
export const INCOMPLETE = -1;
export const DELEGATE = -2;
export const INVALID = -3;

const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TOKEN[c.charCodeAt(0)] = 1;
/** Field-value bytes: HTAB, SP, VCHAR, obs-text. */
const VALUE = new Uint8Array(256);
VALUE[9] = 1;
for (let c = 0x20; c <= 0xff; c++) if (c !== 0x7f) VALUE[c] = 1;
/** origin-form request-target bytes (VCHAR). */
const TARGET = new Uint8Array(256);
for (let c = 0x21; c <= 0x7e; c++) TARGET[c] = 1;

const CR = 13;
const LF = 10;
const SP = 32;
const HT = 9;
const COLON = 58;

/** Header names the scanners look at, lower-case. */
enum Name {
  Other,
  Connection,
  KeepAlive,
  ContentLength,
  TransferEncoding,
  Host,
  ForwardedFor,
  ForwardedProto,
  ForwardedHost,
  Cookie,
  Sticky,
  /** Hop-by-hop: dropped when forwarding (RFC 9110 §7.6.1), request and response alike. */
  HopByHop,
  /** Makes a request unfit for the fast path. */
  Delegate,
}

const NAMES: [string, Name][] = [
  ['connection', Name.Connection],
  ['keep-alive', Name.KeepAlive],
  ['content-length', Name.ContentLength],
  ['transfer-encoding', Name.TransferEncoding],
  ['host', Name.Host],
  ['x-forwarded-for', Name.ForwardedFor],
  ['x-forwarded-proto', Name.ForwardedProto],
  ['x-forwarded-host', Name.ForwardedHost],
  ['cookie', Name.Cookie],
  ['proxy-connection', Name.HopByHop],
  ['te', Name.HopByHop],
  ['trailer', Name.HopByHop],
  ['proxy-authenticate', Name.HopByHop],
  ['proxy-authorization', Name.HopByHop],
  ['http2-settings', Name.HopByHop],
  ['upgrade', Name.Delegate],
  ['expect', Name.Delegate],
];
const BY_LENGTH: [Uint8Array, Name][][] = [];
for (const [name, kind] of NAMES) {
  BY_LENGTH[name.length] ??= [];
  BY_LENGTH[name.length]!.push([Buffer.from(name, 'latin1'), kind]);
}

/** Case-insensitive match of buf[start, start+name.length) against a lower-case name of [a-z0-9-]. */
function sameName(buf: Uint8Array, start: number, name: Uint8Array): boolean {
  // `| 0x20` lower-cases letters and leaves '-' and digits alone; no other token byte maps onto them.
  for (let i = 0; i < name.length; i++) if ((buf[start + i]! | 0x20) !== name[i]) return false;
  return true;
}

function classify(buf: Uint8Array, start: number, length: number, sticky: Uint8Array | null): Name {
  if (sticky !== null && length === sticky.length && sameName(buf, start, sticky)) return Name.Sticky;
  const candidates = BY_LENGTH[length];
  if (candidates === undefined) return Name.Other;
  for (const [name, kind] of candidates) if (sameName(buf, start, name)) return kind;
  return Name.Other;
}

/** Whether buf[start, end) equals a lower-case token, ignoring case. */
function isToken(buf: Uint8Array, start: number, end: number, token: string): boolean {
  if (end - start !== token.length) return false;
  for (let i = 0; i < token.length; i++) if ((buf[start + i]! | 0x20) !== token.charCodeAt(i)) return false;
  return true;
}

/** A header line that breaks the syntax (the request goes to node:http; a response is invalid). */
const MALFORMED = -4;

/** The parts of the field line `fieldLine` scanned last (module state: no object per line). */
const line = { nameEnd: 0, valueStart: 0, valueEnd: 0 };

/**
 * One header line at buf[i, end): `name: value` (RFC 9112 §5: a token name right before the colon,
 * no obs-fold, no bare CR or LF; the value trimmed of whitespace), or the blank line ending the
 * head (line.nameEnd === i). Returns the index after it, INCOMPLETE, or MALFORMED.
 */
function fieldLine(buf: Uint8Array, i: number, end: number): number {
  if (i + 1 >= end) return INCOMPLETE;
  const start = i;
  if (buf[i] === CR) {
    line.nameEnd = i;
    return buf[i + 1] === LF ? i + 2 : MALFORMED;
  }
  while (i < end && TOKEN[buf[i]!]) i++;
  if (i === end) return INCOMPLETE;
  if (buf[i] !== COLON || i === start) return MALFORMED; // obs-fold, a space before the colon…
  line.nameEnd = i;
  i++;
  while (i < end && (buf[i] === SP || buf[i] === HT)) i++;
  line.valueStart = i;
  while (i < end && VALUE[buf[i]!]) i++;
  if (i + 1 >= end) return INCOMPLETE;
  if (buf[i] !== CR || buf[i + 1] !== LF) return MALFORMED;
  let valueEnd = i;
  while (valueEnd > line.valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HT)) valueEnd--;
  line.valueEnd = valueEnd;
  return i + 2;
}

/** Parses buf[start, end) as a run of digits (at most 15); -1 when it is anything else. */
function digits(buf: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'] as const;
export type Method = (typeof METHODS)[number];
const METHOD_BYTES = METHODS.map((m) => Buffer.from(m, 'latin1'));
/** Methods a request may be retried with on another replica (RFC 9110 §9.2.2; TRACE goes to node:http). */
export const IDEMPOTENT: ReadonlySet<Method> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** A scanned request head; one object per connection, overwritten by each scan. */
export class RequestHead {
  method: Method = 'GET';
  contentLength = 0;
  /** false after `Connection: close`. */
  keepAlive = true;
  /** [start, end) pairs of the head's bytes to forward as they are: the request line and kept header lines. */
  readonly keep: number[] = [];
  /** [start, end) of each x-forwarded-for value, in order. */
  readonly forwardedFor: number[] = [];
  forwardedProto: [number, number] | null = null;
  forwardedHost: [number, number] | null = null;
  host: [number, number] | null = null;
  /** [start, end) of each Cookie value (only scanned when a stickiness cookie is configured). */
  readonly cookies: number[] = [];
  sticky: [number, number] | null = null;

  reset(): void {
    this.contentLength = 0;
    this.keepAlive = true;
    this.keep.length = 0;
    this.forwardedFor.length = 0;
    this.forwardedProto = null;
    this.forwardedHost = null;
    this.host = null;
    this.cookies.length = 0;
    this.sticky = null;
  }
}

/**
 * Scans the request head at the start of buf[0, end). Returns its length in bytes (through the
 * blank line) with `head` filled in, INCOMPLETE when more bytes are needed, or DELEGATE when the
 * request is not one the fast path takes (see the file comment). `sticky` is a lower-case header
 * name whose value to note.
 */
export function scanRequest(
  buf: Uint8Array,
  end: number,
  head: RequestHead,
  sticky: Uint8Array | null,
): number {
  head.reset();
  // Request line: METHOD SP origin-form SP HTTP/1.1 CRLF
  let i = 0;
  while (i < end && TOKEN[buf[i]!]) i++;
  if (i === end) return INCOMPLETE;
  if (buf[i] !== SP) return DELEGATE;
  const method = methodOf(buf, i);
  if (method === undefined) return DELEGATE;
  head.method = method;
  i++;
  if (i < end && buf[i] !== 0x2f /* / */) return DELEGATE;
  while (i < end && TARGET[buf[i]!]) i++;
  if (i + 10 > end) return i === end || buf[i] === SP ? INCOMPLETE : DELEGATE;
  if (
    buf[i] !== SP ||
    buf[i + 1] !== 0x48 ||
    buf[i + 2] !== 0x54 ||
    buf[i + 3] !== 0x54 ||
    buf[i + 4] !== 0x50 ||
    buf[i + 5] !== 0x2f ||
    buf[i + 6] !== 0x31 ||
    buf[i + 7] !== 0x2e ||
    buf[i + 8] !== 0x31 ||
    buf[i + 9] !== CR
  )
    return DELEGATE; // HTTP/1.0, HTTP/2's preface, a space in the target…
  i += 10;
  if (i === end) return INCOMPLETE;
  if (buf[i] !== LF) return DELEGATE;
  i++;
  let keepFrom = 0;
  let contentLengths = 0;
  // Header lines until the blank line.
  for (;;) {
    const lineStart = i;
    const next = fieldLine(buf, i, end);
    if (next < 0) return next === INCOMPLETE ? INCOMPLETE : DELEGATE;
    i = next;
    if (line.nameEnd === lineStart) {
      if (keepFrom < lineStart) head.keep.push(keepFrom, lineStart);
      if (contentLengths > 1) return DELEGATE;
      return i;
    }
    const name = classify(buf, lineStart, line.nameEnd - lineStart, sticky);
    const { valueStart, valueEnd } = line;
    if (name === Name.Other) continue;
    let drop = true;
    switch (name) {
      case Name.Delegate:
      case Name.TransferEncoding:
        return DELEGATE;
      case Name.Connection: {
        const verdict = connectionTokens(buf, valueStart, valueEnd);
        if (verdict === DELEGATE) return DELEGATE;
        if (verdict === 0) head.keepAlive = false;
        break;
      }
      case Name.ContentLength:
        contentLengths++;
        head.contentLength = digits(buf, valueStart, valueEnd);
        if (head.contentLength < 0) return DELEGATE;
        drop = false;
        break;
      case Name.ForwardedFor:
        head.forwardedFor.push(valueStart, valueEnd);
        break;
      case Name.ForwardedProto:
        head.forwardedProto ??= [valueStart, valueEnd];
        break;
      case Name.ForwardedHost:
        head.forwardedHost ??= [valueStart, valueEnd];
        break;
      case Name.Host:
        head.host ??= [valueStart, valueEnd];
        drop = false;
        break;
      case Name.Cookie:
        head.cookies.push(valueStart, valueEnd);
        drop = false;
        break;
      case Name.Sticky:
        head.sticky ??= [valueStart, valueEnd];
        drop = false;
        break;
      // keep-alive and the other hop-by-hop names are dropped
    }
    if (drop) {
      if (keepFrom < lineStart) head.keep.push(keepFrom, lineStart);
      keepFrom = i;
    }
  }
}

function methodOf(buf: Uint8Array, length: number): Method | undefined {
  for (let m = 0; m < METHOD_BYTES.length; m++) {
    const bytes = METHOD_BYTES[m]!;
    if (bytes.length !== length) continue;
    let same = true;
    for (let k = 0; k < length && same; k++) same = buf[k] === bytes[k];
    if (same) return METHODS[m];
  }
  return undefined;
}

/**
 * A Connection header's tokens: 1 for keep-alive (or empty), 0 when it says close, DELEGATE when it
 * names anything else (upgrade, or other headers to drop: node:http's path handles those).
 */
function connectionTokens(buf: Uint8Array, start: number, end: number): number {
  let verdict = 1;
  let i = start;
  while (i < end) {
    while (i < end && (buf[i] === SP || buf[i] === HT || buf[i] === 0x2c)) i++;
    const tokenStart = i;
    while (i < end && buf[i] !== 0x2c && buf[i] !== SP && buf[i] !== HT) i++;
    if (tokenStart === i) continue;
    if (isToken(buf, tokenStart, i, 'close')) verdict = 0;
    else if (!isToken(buf, tokenStart, i, 'keep-alive')) return DELEGATE;
  }
  return verdict;
}

/** How a response's body ends (RFC 9112 §6.3). */
export enum Framing {
  /** No body: HEAD, 1xx, 204, 304. */
  None,
  Length,
  Chunked,
  /** Read until the replica closes the connection. */
  Close,
}

/** A scanned response head; one object per connection, overwritten by each scan. */
export class ResponseHead {
  status = 0;
  framing = Framing.None;
  contentLength = 0;
  /** The replica keeps the connection open after this response. */
  keepAlive = true;
  /** From `Keep-Alive: timeout=N`, in seconds; -1 without one. */
  keepAliveTimeout = -1;
  /** [start, end) pairs of the head's bytes to pass on: the status line and kept header lines. */
  readonly keep: number[] = [];
  /** Header names a Connection header listed (to drop as hop-by-hop); rare, so strings. */
  connectionNames: string[] | null = null;

  reset(): void {
    this.status = 0;
    this.framing = Framing.None;
    this.contentLength = 0;
    this.keepAlive = true;
    this.keepAliveTimeout = -1;
    this.keep.length = 0;
    this.connectionNames = null;
  }
}

/**
 * Scans a response head at buf[start, end) from a replica, for a request of `method`. Returns the
 * index just past it, INCOMPLETE, or INVALID (the replica broke the protocol: the proxy answers 502).
 */
export function scanResponse(
  buf: Uint8Array,
  start: number,
  end: number,
  method: Method,
  head: ResponseHead,
): number {
  head.reset();
  let i = start;
  // HTTP/1.x SP 3DIGIT SP reason CRLF (some servers leave out the SP of an empty reason)
  if (end - i < 13) return INCOMPLETE;
  if (
    buf[i] !== 0x48 ||
    buf[i + 1] !== 0x54 ||
    buf[i + 2] !== 0x54 ||
    buf[i + 3] !== 0x50 ||
    buf[i + 4] !== 0x2f ||
    buf[i + 5] !== 0x31 ||
    buf[i + 6] !== 0x2e ||
    (buf[i + 7] !== 0x31 && buf[i + 7] !== 0x30) ||
    buf[i + 8] !== SP
  )
    return INVALID;
  const http10 = buf[i + 7] === 0x30;
  head.status = digits(buf, i + 9, i + 12);
  if (head.status < 100 || (buf[i + 12] !== SP && buf[i + 12] !== CR)) return INVALID;
  i += 12;
  while (i < end && VALUE[buf[i]!]) i++;
  if (i + 1 >= end) return INCOMPLETE;
  if (buf[i] !== CR || buf[i + 1] !== LF) return INVALID;
  i += 2;
  let keepFrom = start;
  let contentLength = -1;
  let transferEncoding: [number, number] | null = null;
  if (http10) head.keepAlive = false;
  for (;;) {
    const lineStart = i;
    const next = fieldLine(buf, i, end);
    if (next < 0) return next === INCOMPLETE ? INCOMPLETE : INVALID;
    i = next;
    if (line.nameEnd === lineStart) {
      if (keepFrom < lineStart) head.keep.push(keepFrom, lineStart);
      break;
    }
    const name = classify(buf, lineStart, line.nameEnd - lineStart, null);
    const { valueStart, valueEnd } = line;
    let drop = false;
    switch (name) {
      case Name.Connection:
        drop = true;
        responseConnection(buf, valueStart, valueEnd, head, http10);
        break;
      case Name.KeepAlive:
        drop = true;
        head.keepAliveTimeout = keepAliveTimeout(buf, valueStart, valueEnd);
        break;
      case Name.HopByHop:
      case Name.Delegate: // upgrade; expect is a request header and means nothing here
        drop = true;
        break;
      case Name.ContentLength: {
        const n = digits(buf, valueStart, valueEnd);
        if (n < 0 || (contentLength >= 0 && n !== contentLength)) return INVALID;
        contentLength = n;
        break;
      }
      case Name.TransferEncoding:
        if (transferEncoding !== null) return INVALID;
        transferEncoding = [valueStart, valueEnd];
        break;
    }
    if (drop) {
      if (keepFrom < lineStart) head.keep.push(keepFrom, lineStart);
      keepFrom = i;
    }
  }
  const status = head.status;
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) head.framing = Framing.None;
  else if (transferEncoding !== null) {
    // A replica sending both is malformed (RFC 9112 §6.3: a proxy must not pass such a message on).
    if (contentLength >= 0) return INVALID;
    head.framing = endsWithChunked(buf, transferEncoding[0], transferEncoding[1])
      ? Framing.Chunked
      : Framing.Close;
  } else if (contentLength >= 0) {
    head.framing = Framing.Length;
    head.contentLength = contentLength;
  } else head.framing = Framing.Close;
  if (head.framing === Framing.Close) head.keepAlive = false;
  return i;
}

function responseConnection(
  buf: Uint8Array,
  start: number,
  end: number,
  head: ResponseHead,
  http10: boolean,
): void {
  let i = start;
  let keepAlive = false;
  while (i < end) {
    while (i < end && (buf[i] === SP || buf[i] === HT || buf[i] === 0x2c)) i++;
    const tokenStart = i;
    while (i < end && buf[i] !== 0x2c && buf[i] !== SP && buf[i] !== HT) i++;
    if (tokenStart === i) continue;
    if (isToken(buf, tokenStart, i, 'close')) head.keepAlive = false;
    else if (isToken(buf, tokenStart, i, 'keep-alive')) keepAlive = true;
    else {
      head.connectionNames ??= [];
      head.connectionNames.push(Buffer.from(buf.subarray(tokenStart, i)).toString('latin1').toLowerCase());
    }
  }
  if (http10 && keepAlive) head.keepAlive = true;
}

function keepAliveTimeout(buf: Uint8Array, start: number, end: number): number {
  // `timeout=5, max=1000`: the first timeout parameter, whole seconds.
  for (let i = start; i + 8 <= end; i++) {
    if (isToken(buf, i, i + 8, 'timeout=')) {
      let j = i + 8;
      while (j < end && buf[j]! >= 48 && buf[j]! <= 57) j++;
      return digits(buf, i + 8, j);
    }
  }
  return -1;
}

/** Whether a Transfer-Encoding value's last coding is chunked. */
function endsWithChunked(buf: Uint8Array, start: number, end: number): boolean {
  let i = end;
  while (i > start && buf[i - 1] !== 0x2c) i--;
  while (i < end && (buf[i] === SP || buf[i] === HT)) i++;
  return isToken(buf, i, end, 'chunked');
}

enum Chunk {
  Size,
  Extension,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  TrailerLine,
  TrailerLf,
  LastLf,
}

/**
 * Finds where a chunked body ends as its bytes stream by (RFC 9112 §7.1), without decoding it: the
 * proxy passes the chunks on as they are. Feed each piece in order.
 */
export class ChunkedEnd {
  private state = Chunk.Size;
  private size = 0;
  private sizeDigits = 0;

  /** The index in buf just past the body's end, INCOMPLETE if it goes on, or INVALID. */
  scan(buf: Uint8Array, start: number, end: number): number {
    let i = start;
    while (i < end) {
      const c = buf[i]!;
      switch (this.state) {
        case Chunk.Size: {
          const d = hexValue(c);
          if (d >= 0) {
            if (++this.sizeDigits > 12) return INVALID;
            this.size = this.size * 16 + d;
            i++;
          } else if (this.sizeDigits === 0) return INVALID;
          else if (c === CR) {
            this.state = Chunk.SizeLf;
            i++;
          } else if (c === 0x3b /* ; */ || c === SP || c === HT) {
            this.state = Chunk.Extension;
            i++;
          } else return INVALID;
          break;
        }
        case Chunk.Extension:
          if (c === CR) this.state = Chunk.SizeLf;
          else if (c === LF) return INVALID;
          i++;
          break;
        case Chunk.SizeLf:
          if (c !== LF) return INVALID;
          i++;
          this.state = this.size === 0 ? Chunk.TrailerStart : Chunk.Data;
          break;
        case Chunk.Data: {
          const take = Math.min(this.size, end - i);
          this.size -= take;
          i += take;
          if (this.size === 0) this.state = Chunk.DataCr;
          break;
        }
        case Chunk.DataCr:
          if (c !== CR) return INVALID;
          this.state = Chunk.DataLf;
          i++;
          break;
        case Chunk.DataLf:
          if (c !== LF) return INVALID;
          this.state = Chunk.Size;
          this.sizeDigits = 0;
          i++;
          break;
        case Chunk.TrailerStart:
          if (c === CR) this.state = Chunk.LastLf;
          else this.state = Chunk.TrailerLine;
          i++;
          break;
        case Chunk.TrailerLine:
          if (c === CR) this.state = Chunk.TrailerLf;
          else if (c === LF) return INVALID;
          i++;
          break;
        case Chunk.TrailerLf:
          if (c !== LF) return INVALID;
          this.state = Chunk.TrailerStart;
          i++;
          break;
        case Chunk.LastLf:
          if (c !== LF) return INVALID;
          this.state = Chunk.Size;
          this.size = 0;
          this.sizeDigits = 0;
          return i + 1;
      }
    }
    return INCOMPLETE;
  }

  reset(): void {
    this.state = Chunk.Size;
    this.size = 0;
    this.sizeDigits = 0;
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}
