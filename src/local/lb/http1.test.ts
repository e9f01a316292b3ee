import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ChunkedEnd,
  DELEGATE,
  Framing,
  INCOMPLETE,
  INVALID,
  RequestHead,
  ResponseHead,
  scanRequest,
  scanResponse,
} from './http1.ts';

const bytes = (text: string) => Buffer.from(text, 'latin1');
const text = (buf: Buffer, ranges: readonly number[]) => {
  let out = '';
  for (let i = 0; i < ranges.length; i += 2) out += buf.toString('latin1', ranges[i], ranges[i + 1]);
  return out;
};
const range = (buf: Buffer, r: readonly number[] | null) => (r ? buf.toString('latin1', r[0], r[1]) : null);

function request(raw: string, sticky?: string) {
  const buf = bytes(raw);
  const head = new RequestHead();
  const result = scanRequest(buf, buf.length, head, sticky ? bytes(sticky) : null);
  return { buf, head, result };
}

test('scanRequest: a plain GET is taken whole; its line and headers are kept as they are', () => {
  const raw = 'GET /api/products?x=1 HTTP/1.1\r\nHost: shop:8000\r\nAccept: */*\r\n\r\n';
  const { buf, head, result } = request(`${raw}GET /next`);
  assert.equal(result, raw.length);
  assert.equal(head.method, 'GET');
  assert.equal(head.contentLength, 0);
  assert.equal(head.keepAlive, true);
  assert.equal(text(buf, head.keep), raw.slice(0, -2), 'everything but the blank line');
  assert.equal(range(buf, head.host), 'shop:8000');
});

test('scanRequest: hop-by-hop and x-forwarded-* lines are left out; their values noted', () => {
  const raw =
    'POST /orders HTTP/1.1\r\nconnection: keep-alive\r\nHost: a\r\nX-Forwarded-For: 10.0.0.1\r\nkeep-alive: 5\r\n' +
    'Content-Length: 12\r\nx-forwarded-for:  10.0.0.2 \r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: shop.example\r\n' +
    'TE: trailers\r\nProxy-Authorization: secret\r\nX-Keep: 1\r\n\r\n';
  const { buf, head, result } = request(raw);
  assert.equal(result, raw.length);
  assert.equal(head.method, 'POST');
  assert.equal(head.contentLength, 12);
  assert.equal(
    text(buf, head.keep),
    'POST /orders HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\nX-Keep: 1\r\n',
  );
  assert.deepEqual(
    [range(buf, head.forwardedFor.slice(0, 2)), range(buf, head.forwardedFor.slice(2, 4))],
    ['10.0.0.1', '10.0.0.2'],
  );
  assert.equal(range(buf, head.forwardedProto), 'https');
  assert.equal(range(buf, head.forwardedHost), 'shop.example');
});

test('scanRequest: Connection: close; cookies and a sticky header are noted only when asked', () => {
  const raw = 'GET / HTTP/1.1\r\nConnection: close\r\nCookie: a=1; canary=bob\r\nX-User: carol\r\n\r\n';
  const { buf, head } = request(raw, 'x-user');
  assert.equal(head.keepAlive, false);
  assert.equal(range(buf, head.cookies), 'a=1; canary=bob');
  assert.equal(range(buf, head.sticky), 'carol');
  assert.equal(text(buf, head.keep), 'GET / HTTP/1.1\r\nCookie: a=1; canary=bob\r\nX-User: carol\r\n');
  assert.equal(request(raw).head.sticky, null);
});

test('scanRequest: incomplete at every split of a head, complete at its end', () => {
  const raw = 'PUT /p/1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n';
  const head = new RequestHead();
  for (let cut = 0; cut < raw.length; cut++)
    assert.equal(scanRequest(bytes(raw), cut, head, null), INCOMPLETE, `cut at ${cut}`);
  assert.equal(scanRequest(bytes(raw), raw.length, head, null), raw.length);
});

const delegated: [string, string][] = [
  ['HTTP/1.0', 'GET / HTTP/1.0\r\nHost: a\r\n\r\n'],
  ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
  ['absolute-form target', 'GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['asterisk target', 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['unknown method', 'PROPFIND / HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['CONNECT', 'CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['lower-case method', 'get / HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['a space inside the target', 'GET /a b HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['a byte above 0x7e in the target', 'GET /\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['Transfer-Encoding', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n'],
  [
    'Content-Length and Transfer-Encoding',
    'POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
  ],
  ['two Content-Length lines', 'POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n'],
  ['a Content-Length that is not digits', 'POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\n'],
  ['Expect', 'POST / HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n'],
  ['Upgrade', 'GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'],
  ['Connection naming a header', 'GET / HTTP/1.1\r\nConnection: keep-alive, x-drop\r\nX-Drop: 1\r\n\r\n'],
  ['obs-fold', 'GET / HTTP/1.1\r\nX-A: 1\r\n  folded\r\n\r\n'],
  ['a space before the colon', 'GET / HTTP/1.1\r\nContent-Length : 3\r\n\r\n'],
  ['an empty header name', 'GET / HTTP/1.1\r\n: x\r\n\r\n'],
  ['a bare LF ending a line', 'GET / HTTP/1.1\r\nX-A: 1\nContent-Length: 3\r\n\r\n'],
  ['a bare CR inside a value', 'GET / HTTP/1.1\r\nX-A: 1\rContent-Length: 3\r\n\r\n'],
  ['a bare LF ending the request line', 'GET / HTTP/1.1\nHost: a\r\n\r\n'],
  ['a NUL in a value', 'GET / HTTP/1.1\r\nX-A: a\u0000b\r\n\r\n'],
];
for (const [name, raw] of delegated)
  test(`scanRequest: hands to node:http: ${name}`, () => assert.equal(request(raw).result, DELEGATE));

function response(raw: string, method: 'GET' | 'HEAD' = 'GET') {
  const buf = bytes(raw);
  const head = new ResponseHead();
  const result = scanResponse(buf, 0, buf.length, method, head);
  return { buf, head, result };
}

const framings: {
  name: string;
  raw: string;
  method?: 'HEAD';
  framing: Framing;
  length?: number;
  keepAlive: boolean;
}[] = [
  {
    name: 'content-length',
    raw: 'HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n',
    framing: Framing.Length,
    length: 12,
    keepAlive: true,
  },
  {
    name: 'chunked',
    raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
    framing: Framing.Chunked,
    keepAlive: true,
  },
  {
    name: 'gzip, chunked',
    raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
    framing: Framing.Chunked,
    keepAlive: true,
  },
  {
    name: 'chunked then gzip: until close',
    raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n',
    framing: Framing.Close,
    keepAlive: false,
  },
  {
    name: 'neither: until close',
    raw: 'HTTP/1.1 200 OK\r\nX: 1\r\n\r\n',
    framing: Framing.Close,
    keepAlive: false,
  },
  { name: '204', raw: 'HTTP/1.1 204 No Content\r\n\r\n', framing: Framing.None, keepAlive: true },
  {
    name: '304 with a length',
    raw: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n',
    framing: Framing.None,
    keepAlive: true,
  },
  {
    name: 'HEAD with a length',
    raw: 'HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n',
    method: 'HEAD',
    framing: Framing.None,
    keepAlive: true,
  },
  {
    name: '100 Continue (interim)',
    raw: 'HTTP/1.1 100 Continue\r\n\r\n',
    framing: Framing.None,
    keepAlive: true,
  },
  {
    name: 'Connection: close',
    raw: 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n',
    framing: Framing.Length,
    length: 1,
    keepAlive: false,
  },
  {
    name: 'HTTP/1.0',
    raw: 'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n',
    framing: Framing.Length,
    length: 1,
    keepAlive: false,
  },
  {
    name: 'HTTP/1.0 keep-alive',
    raw: 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n',
    framing: Framing.Length,
    length: 1,
    keepAlive: true,
  },
  {
    name: 'no reason phrase, no space',
    raw: 'HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n',
    framing: Framing.Length,
    length: 0,
    keepAlive: true,
  },
  {
    name: 'the same length twice',
    raw: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n',
    framing: Framing.Length,
    length: 2,
    keepAlive: true,
  },
];
for (const c of framings)
  test(`scanResponse: ${c.name}`, () => {
    const { head, result } = response(c.raw, c.method);
    assert.equal(result, c.raw.length);
    assert.equal(head.framing, c.framing);
    if (c.length !== undefined) assert.equal(head.contentLength, c.length);
    assert.equal(head.keepAlive, c.keepAlive);
  });

const invalid: [string, string][] = [
  ['not HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n'],
  ['HTTP/2', 'HTTP/2 200 OK\r\n\r\n'],
  ['a status that is not 3 digits', 'HTTP/1.1 20 OK\r\n\r\n'],
  ['two different lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n'],
  ['length and chunked', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n'],
  ['a bare LF', 'HTTP/1.1 200 OK\nContent-Length: 2\r\n\r\n'],
  ['a space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\n'],
];
for (const [name, raw] of invalid)
  test(`scanResponse: invalid: ${name}`, () => assert.equal(response(raw).result, INVALID));

test('scanResponse: hop-by-hop lines are left out; Keep-Alive timeout and Connection-named headers noted', () => {
  const raw =
    'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5, max=100\r\n' +
    'X-Hop: 1\r\nProxy-Authenticate: x\r\nUpgrade: h2c\r\nTransfer-Encoding: chunked\r\n\r\n';
  const { buf, head, result } = response(raw);
  assert.equal(result, raw.length);
  assert.equal(head.keepAliveTimeout, 5);
  assert.deepEqual(head.connectionNames, ['x-hop']);
  assert.equal(
    text(buf, head.keep),
    'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Hop: 1\r\nTransfer-Encoding: chunked\r\n',
    'X-Hop goes in a second pass; the chunked framing passes through as it is',
  );
});

test('scanResponse: incomplete at every split, from an offset', () => {
  const raw = 'HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nKeep-Alive: timeout=5\r\n\r\n';
  const buf = bytes(`xx${raw}body`);
  const head = new ResponseHead();
  for (let cut = 2; cut < raw.length + 2; cut++)
    assert.equal(scanResponse(buf, 2, cut, 'GET', head), INCOMPLETE, `cut at ${cut}`);
  assert.equal(scanResponse(buf, 2, buf.length, 'GET', head), raw.length + 2);
  assert.equal(head.status, 404);
});

const chunked: { name: string; body: string; end: number }[] = [
  { name: 'one chunk', body: '5\r\nhello\r\n0\r\n\r\nNEXT', end: 15 },
  { name: 'several chunks, upper-case hex', body: '3\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n', end: 28 },
  { name: 'extensions', body: '3;name=value\r\nabc\r\n0;last\r\n\r\n', end: 29 },
  { name: 'trailers', body: '1\r\nx\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\nNEXT', end: 38 },
  { name: 'data with CRLF inside', body: '4\r\n\r\n\r\n\r\n0\r\n\r\n', end: 14 },
];
for (const c of chunked)
  test(`ChunkedEnd: ${c.name}, fed in every pair of pieces`, () => {
    const buf = bytes(c.body);
    assert.equal(new ChunkedEnd().scan(buf, 0, buf.length), c.end);
    for (let cut = 0; cut <= c.end; cut++) {
      const scanner = new ChunkedEnd();
      const first = scanner.scan(buf, 0, cut);
      if (cut < c.end) assert.equal(first, INCOMPLETE, `cut at ${cut}`);
      const second = first === INCOMPLETE ? scanner.scan(buf, cut, buf.length) : first;
      assert.equal(second, c.end, `cut at ${cut}`);
    }
  });

const invalidChunked: [string, string][] = [
  ['no size', '\r\nabc\r\n'],
  ['a non-hex size', 'g\r\n'],
  ['data longer than its size', '2\r\nabc\r\n'],
  ['a bare LF after the size', '3\nabc\r\n'],
  ['an absurd size', '1234567890123\r\n'],
];
for (const [name, body] of invalidChunked)
  test(`ChunkedEnd: invalid: ${name}`, () =>
    assert.equal(new ChunkedEnd().scan(bytes(body), 0, body.length), INVALID));
