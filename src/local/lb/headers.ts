/**
 * Header rewriting between client and replica, on flat raw-header arrays ([name, value, name, value,
 * ...]) as node:http and undici both produce and accept them, so no header objects are built per
 * request.
 *
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection and must not be forwarded; the proxy
 * keeps its own pooled keep-alive connections to the replicas. `expect` is dropped too: node:http
 * already answered the 100-continue, and undici refuses the header.
 */

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'http2-settings',
  'expect',
]);

/** Header names we look at, by length: only names of these lengths are lower-cased and checked. */
const WATCHED_LENGTHS = new Set(
  [...HOP_BY_HOP, 'host', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'].map((n) => n.length),
);

/**
 * The headers to send upstream: the client's minus hop-by-hop ones (including any the Connection
 * header names), plus x-forwarded-for (appended), x-forwarded-proto and x-forwarded-host (kept when
 * an earlier proxy set them). The Host header passes through unchanged.
 */
export function requestHeaders(raw: readonly string[], clientAddress: string | undefined): string[] {
  const out: string[] = [];
  let forwardedFor: string | undefined;
  let proto: string | undefined;
  let forwardedHost: string | undefined;
  let host: string | undefined;
  let extra: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    if (!WATCHED_LENGTHS.has(name.length)) {
      out.push(name, value);
      continue;
    }
    const lower = name.toLowerCase();
    if (lower === 'connection') extra = connectionTokens(value, extra);
    if (HOP_BY_HOP.has(lower)) continue;
    if (lower === 'x-forwarded-for') forwardedFor = forwardedFor ? `${forwardedFor}, ${value}` : value;
    else if (lower === 'x-forwarded-proto') proto ??= value;
    else if (lower === 'x-forwarded-host') forwardedHost ??= value;
    else {
      if (lower === 'host') host = value;
      out.push(name, value);
    }
  }
  // Headers the Connection header names are hop-by-hop too (rare: one more pass then).
  const filtered = extra ? dropNamed(out, extra) : out;
  const client = clientAddress ?? 'unknown';
  filtered.push('x-forwarded-for', forwardedFor ? `${forwardedFor}, ${client}` : client);
  filtered.push('x-forwarded-proto', proto ?? 'http');
  if (forwardedHost ?? host) filtered.push('x-forwarded-host', (forwardedHost ?? host)!);
  return filtered;
}

/** The replica's response headers as strings for res.writeHead, minus hop-by-hop ones. */
export function responseHeaders(raw: readonly Buffer[]): string[] {
  const out: string[] = [];
  let extra: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    if (WATCHED_LENGTHS.has(name.length)) {
      const lower = name.toLowerCase();
      if (lower === 'connection') extra = connectionTokens(raw[i + 1]!.toString('latin1'), extra);
      if (HOP_BY_HOP.has(lower)) continue;
    }
    out.push(name, raw[i + 1]!.toString('latin1'));
  }
  return extra ? dropNamed(out, extra) : out;
}

/** Header names listed in a Connection header, other than the usual keep-alive/close/upgrade. */
function connectionTokens(value: string, into: Set<string> | undefined): Set<string> | undefined {
  for (const token of value.split(',')) {
    const name = token.trim().toLowerCase();
    if (name === '' || name === 'keep-alive' || name === 'close' || name === 'upgrade') continue;
    into ??= new Set();
    into.add(name);
  }
  return into;
}

function dropNamed(flat: string[], names: Set<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    if (!names.has(flat[i]!.toLowerCase())) out.push(flat[i]!, flat[i + 1]!);
  }
  return out;
}

/** The raw request head for an upgrade (WebSocket) handshake sent to a replica over a plain socket. */
export function upgradeHead(
  method: string,
  url: string,
  raw: readonly string[],
  clientAddress: string | undefined,
): string {
  // The handshake needs Connection/Upgrade and the Sec-WebSocket-* headers end to end, so only the
  // x-forwarded-* headers are rewritten (as for plain requests).
  let head = `${method} ${url} HTTP/1.1\r\n`;
  let forwardedFor: string | undefined;
  let proto = 'http';
  let host: string | undefined;
  let forwardedHost: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (lower === 'x-forwarded-for') forwardedFor = forwardedFor ? `${forwardedFor}, ${value}` : value;
    else if (lower === 'x-forwarded-proto') proto = value;
    else if (lower === 'x-forwarded-host') forwardedHost ??= value;
    else {
      if (lower === 'host') host = value;
      head += `${raw[i]}: ${value}\r\n`;
    }
  }
  const client = clientAddress ?? 'unknown';
  head += `x-forwarded-for: ${forwardedFor ? `${forwardedFor}, ${client}` : client}\r\n`;
  head += `x-forwarded-proto: ${proto}\r\n`;
  if (forwardedHost ?? host) head += `x-forwarded-host: ${forwardedHost ?? host}\r\n`;
  return `${head}\r\n`;
}
