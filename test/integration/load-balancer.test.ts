// Integration tests for the local load balancer: real example-app api replicas (started here, killed by
// PID afterwards) and a tiny node:http echo server behind a LoadBalancer, all on 127.0.0.1.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { type Backend, LoadBalancer } from '../../src/local/lb/load-balancer.ts';
import { LbMetrics } from '../../src/local/lb/metrics.ts';
import { ListenerTally } from '../../src/local/lb/tally.ts';

const API = fileURLToPath(new URL('../../examples/shop/api/server.js', import.meta.url));
const SERVICE_VARS = /^(FAULT_|PORT$|HOST$|APP_VERSION$|LOG_LEVEL$|NODE_TEST_CONTEXT$|NODE_OPTIONS$)/;

interface Replica {
  child: ChildProcess;
  port: number;
}

const started: ChildProcess[] = [];
const balancers: LoadBalancer[] = [];
const client = new Agent({ connections: 32 });

after(async () => {
  for (const lb of balancers) await lb.close();
  await client.close();
  for (const child of started) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      process.kill(child.pid, 'SIGKILL');
  }
});

async function startReplica(appVersion: string): Promise<Replica> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SERVICE_VARS.test(k)));
  const child = spawn(process.execPath, [API], {
    env: { ...env, PORT: '0', HOST: '127.0.0.1', APP_VERSION: appVersion },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(child);
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replica ${appVersion} did not start: ${out}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(/msg="listening" port=(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`replica exited with ${code}: ${out}`)));
  });
  child.stdout?.resume();
  return { child, port };
}

function backend(id: string, version: string, port: number): Backend {
  return { id, version, host: '127.0.0.1', port };
}

async function startLb(
  options: Partial<Parameters<typeof LoadBalancer.listen>[0]> = {},
): Promise<LoadBalancer> {
  const lb = await LoadBalancer.listen({ service: 'api', ...options });
  balancers.push(lb);
  return lb;
}

/** What the listener counted, added up as the proxy's primary does (prom: Prometheus series too). */
const tallies = new Map<LoadBalancer, ListenerTally>();
function counted(lb: LoadBalancer, prom?: LbMetrics): ListenerTally {
  let tally = tallies.get(lb);
  if (!tally) {
    tally = new ListenerTally('shop', prom);
    tallies.set(lb, tally);
  }
  tally.add(lb.take());
  return tally;
}
const metricsOf = (lb: LoadBalancer, version: string) => counted(lb).windows.metrics(version, 60);

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { dispatcher: client, headers });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

/** Runs `total` calls of `fn` with at most `concurrency` at once. */
async function load<T>(total: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        results[i] = await fn(i);
      }
    }),
  );
  return results;
}

/** An echo server: answers with the request's headers as JSON; ?status=N, ?delay=ms, ?die=1; echoes upgrades. */
async function startEcho(): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const status = Number(url.searchParams.get('status') ?? 200);
    const delay = Number(url.searchParams.get('delay') ?? 0);
    if (url.searchParams.get('die')) {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    setTimeout(() => {
      const body = JSON.stringify(req.headers);
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-app-version': 'echo',
        connection: 'keep-alive',
      });
      res.end(body);
    }, delay);
  });
  server.on('upgrade', (req, socket) => {
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nx-seen-forwarded-for: ${req.headers['x-forwarded-for']}\r\n\r\n`,
    );
    socket.on('data', (chunk) => socket.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { server, port: (server.address() as net.AddressInfo).port };
}

describe('load balancer over example-app replicas', { timeout: 60_000 }, () => {
  let a: Replica;
  let b: Replica;
  let c: Replica;

  before(async () => {
    [a, b, c] = await Promise.all([startReplica('v1'), startReplica('v1b'), startReplica('v2')]);
  });

  test('spreads requests over the replicas', async () => {
    const lb = await startLb();
    lb.setBackends([backend('a', 'v1', a.port), backend('b', 'v1', b.port)]);
    const seen: Record<string, number> = {};
    await load(100, 1, async () => {
      const r = await get(`${lb.url}/api/products`);
      assert.equal(r.status, 200);
      const v = String(r.headers['x-app-version']);
      seen[v] = (seen[v] ?? 0) + 1;
    });
    assert.deepEqual(seen, { v1: 50, v1b: 50 });
    assert.deepEqual(lb.weights(), { v1: 100 });
  });

  test('a 90/10 weight split is exact within 1% over 1000 requests', async () => {
    const lb = await startLb();
    lb.setBackends([backend('a', 'v1', a.port), backend('c', 'v2', c.port)]);
    lb.setWeights({ v1: 90, v2: 10 });
    const versions = await load(
      1000,
      16,
      async () => (await get(`${lb.url}/api/products`)).headers['x-app-version'],
    );
    const canary = versions.filter((v) => v === 'v2').length;
    assert.ok(Math.abs(canary - 100) <= 10, `v2 got ${canary} of 1000`);
    assert.equal(versions.filter((v) => v === 'v1').length, 1000 - canary);
  });

  test('a weighted version without ready backends causes no errors', async () => {
    const lb = await startLb();
    lb.setBackends([backend('a', 'v1', a.port)]);
    lb.setWeights({ v1: 50, v3: 50 });
    const statuses = await load(20, 4, async () => (await get(`${lb.url}/api/products`)).status);
    assert.deepEqual(new Set(statuses), new Set([200]));
  });

  test('a removed backend finishes its in-flight slow request; new requests go elsewhere', async () => {
    const lb = await startLb();
    lb.setBackends([backend('a', 'v1', a.port)]);
    const slow = get(`${lb.url}/api/work?ms=500`);
    await sleep(100);
    lb.setBackends([backend('b', 'v1', b.port)]);
    const quick = await get(`${lb.url}/api/products`);
    assert.equal(quick.headers['x-app-version'], 'v1b');
    const r = await slow;
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.text), { ms: 500, version: 'v1' });
  });

  test('POST bodies stream through (fixed length and chunked)', async () => {
    const lb = await startLb();
    lb.setBackends([backend('a', 'v1', a.port)]);
    const fixed = await request(`${lb.url}/api/orders`, {
      dispatcher: client,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ productId: 'p1', quantity: 1 }),
    });
    assert.equal(fixed.statusCode, 201);
    assert.equal(((await fixed.body.json()) as { productId: string }).productId, 'p1');
    const chunked = await request(`${lb.url}/api/orders`, {
      dispatcher: client,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.from(['{"productId":', '"p2","quantity"', ':2}']),
    });
    assert.equal(chunked.statusCode, 201);
    const order = (await chunked.body.json()) as { productId: string; quantity: number };
    assert.deepEqual([order.productId, order.quantity], ['p2', 2]);
  });

  test('SIGKILL of a replica under load costs no failed GET requests', async () => {
    const [k1, k2] = await Promise.all([startReplica('k1'), startReplica('k2')]);
    const lb = await startLb();
    // Both stay in the set: the supervisor removes a dead replica only after its probes fail.
    lb.setBackends([backend('k1', 'v1', k1.port), backend('k2', 'v1', k2.port)]);
    let done = 0;
    const results = await load(600, 8, async () => {
      if (++done === 150) process.kill(k1.child.pid!, 'SIGKILL');
      const path = done % 10 === 0 ? '/api/work?ms=20' : '/api/products';
      const r = await get(`${lb.url}${path}`);
      return `${r.status} ${r.headers['x-app-version']}`;
    });
    const failed = results.filter((r) => !r.startsWith('200'));
    assert.deepEqual(failed, []);
    assert.ok(
      results.slice(-100).every((r) => r.endsWith('k2')),
      'after the kill only k2 answers',
    );
    const m = metricsOf(lb, 'v1');
    assert.equal(m.requests, 600);
    assert.equal(m.errors, 0);
  });

  test('metrics(): counts and a sane p95 after a known load; Prometheus exposition', async () => {
    const echo = await startEcho();
    const metrics = new LbMetrics();
    const lb = await startLb({ service: 'shop' });
    counted(lb, metrics);
    lb.setBackends([backend('a', 'v1', a.port), backend('e', 'e1', echo.port)]);
    lb.setWeights({ v1: 100 });
    await load(90, 6, async () => assert.equal((await get(`${lb.url}/api/work?ms=20`)).status, 200));
    lb.setWeights({ e1: 100 });
    await load(10, 5, async () => assert.equal((await get(`${lb.url}/?status=500`)).status, 500));
    await load(5, 5, async () => assert.equal((await get(`${lb.url}/?status=404`)).status, 404));

    const v1 = metricsOf(lb, 'v1');
    assert.equal(v1.requests, 90);
    assert.equal(v1.errors, 0);
    assert.equal(v1.successRate, 1);
    assert.ok(v1.latencyP50Ms! >= 15 && v1.latencyP95Ms! < 2000, JSON.stringify(v1));
    assert.ok(v1.latencyP95Ms! >= v1.latencyP50Ms! && v1.latencyP99Ms! >= v1.latencyP95Ms!);
    assert.ok(v1.requestsPerSecond > 0 && v1.windowSeconds > 0 && v1.windowSeconds <= 60);
    const e1 = metricsOf(lb, 'e1');
    assert.deepEqual([e1.requests, e1.errors], [15, 10]);
    assert.equal(e1.successRate, 5 / 15);
    assert.equal(metricsOf(lb, 'nope').requests, 0);

    const text = await metrics.registry.metrics();
    assert.match(text, /gantry_lb_requests_total\{service="shop",version="v1",code="2xx"\} 90/);
    assert.match(text, /gantry_lb_requests_total\{service="shop",version="e1",code="5xx"\} 10/);
    assert.match(text, /gantry_lb_requests_total\{service="shop",version="e1",code="4xx"\} 5/);
    assert.match(text, /gantry_lb_request_duration_seconds_count\{service="shop",version="v1"\} 90/);
  });
});

describe('load balancer edge cases', { timeout: 30_000 }, () => {
  test('503 with a JSON error when no replica is ready', async () => {
    const lb = await startLb({ service: 'cart' });
    const r = await get(`${lb.url}/anything`);
    assert.equal(r.status, 503);
    assert.deepEqual(JSON.parse(r.text), { error: 'no ready replicas for service cart' });
    lb.setBackends([]);
    assert.equal((await get(`${lb.url}/`)).status, 503);
  });

  test('x-forwarded-* headers arrive, hop-by-hop headers do not', async () => {
    const echo = await startEcho();
    const lb = await startLb();
    lb.setBackends([backend('e', 'e1', echo.port)]);
    const seen = await new Promise<Record<string, string>>((resolve, reject) => {
      const req = http.request(`${lb.url}/h`, {
        headers: {
          'x-keep': '1',
          'x-drop': '1',
          connection: 'keep-alive, x-drop',
          'x-forwarded-for': '10.0.0.1',
        },
      });
      req.on('response', async (res) => {
        let body = '';
        for await (const chunk of res) body += chunk;
        assert.equal(res.headers.connection, 'keep-alive', 'our own connection header, not the replica’s');
        resolve(JSON.parse(body));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(seen['x-forwarded-for'], '10.0.0.1, 127.0.0.1');
    assert.equal(seen['x-forwarded-proto'], 'http');
    assert.equal(seen['x-forwarded-host'], `127.0.0.1:${lb.port}`);
    assert.equal(seen.host, `127.0.0.1:${lb.port}`);
    assert.equal(seen['x-keep'], '1');
    assert.equal(seen['x-drop'], undefined);
  });

  test('WebSocket upgrade: handshake and bytes pass through both ways', async () => {
    const echo = await startEcho();
    const lb = await startLb();
    lb.setBackends([backend('e', 'e1', echo.port)]);
    const socket = net.connect(lb.port, '127.0.0.1');
    socket.write(
      'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (received.includes('\r\n\r\n') && !received.includes('ping')) socket.write('ping');
    });
    for (let i = 0; i < 100 && !received.endsWith('ping'); i++) await sleep(20);
    socket.destroy();
    assert.match(received, /^HTTP\/1.1 101 Switching Protocols/);
    assert.match(received, /x-seen-forwarded-for: 127.0.0.1/);
    assert.ok(received.endsWith('\r\n\r\nping'), JSON.stringify(received));
  });

  test('504 when the replica sends no headers in time; 502 when it dies mid-response; LB keeps serving', async () => {
    const echo = await startEcho();
    const lb = await startLb({ requestTimeoutMs: 200 });
    lb.setBackends([backend('e', 'e1', echo.port)]);
    const slow = await get(`${lb.url}/?delay=1000`);
    assert.equal(slow.status, 504);
    assert.match(JSON.parse(slow.text).error, /did not answer within 200 ms/);
    await assert.rejects(get(`${lb.url}/?die=1`));
    assert.equal((await get(`${lb.url}/`)).status, 200);
    const refused = await startLb();
    refused.setBackends([backend('gone', 'e1', 1)]);
    const r = await get(`${refused.url}/`);
    assert.equal(r.status, 502);
    assert.match(JSON.parse(r.text).error, /ECONNREFUSED/);
    assert.equal(metricsOf(lb, 'e1').errors, 2);
  });
});

/** A replica for the fast path's framing cases: ?chunks=N (chunked answer), ?size=N bytes, HEAD, ?slowbody. */
async function startFramer(
  options: { dropReused?: boolean } = {},
): Promise<{ server: http.Server; port: number }> {
  const served = new WeakMap<object, number>();
  const server = http.createServer(async (req, res) => {
    const count = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, count);
    // The keep-alive race: the replica closes a kept connection just as the next request arrives.
    if (options.dropReused && count > 1) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    let body = '';
    for await (const chunk of req) body += chunk;
    const chunks = Number(url.searchParams.get('chunks') ?? 0);
    const size = Number(url.searchParams.get('size') ?? 0);
    if (chunks > 0) {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-path': 'chunked' });
      for (let i = 0; i < chunks; i++) {
        res.write(`piece-${i};`);
        await sleep(5);
      }
      res.end();
      return;
    }
    if (size > 0) {
      res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
      res.end(Buffer.alloc(size, 'x'));
      return;
    }
    const by = (server.address() as net.AddressInfo).port;
    const answer = JSON.stringify({ method: req.method, url: req.url, body, headers: req.headers, by });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
    res.end(req.method === 'HEAD' ? undefined : answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** Sends raw bytes on one connection and reads until `done(text)` says so (or 3 s pass). */
async function raw(port: number, send: string | string[], done: (text: string) => boolean): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (chunk) => {
    text += chunk.toString('latin1');
  });
  for (const part of Array.isArray(send) ? send : [send]) {
    socket.write(part);
    await sleep(30);
  }
  for (let i = 0; i < 150 && !done(text); i++) await sleep(20);
  socket.destroy();
  return text;
}

const answers = (text: string) => text.split('HTTP/1.1 ').slice(1);

describe('load balancer fast path (HTTP/1.1 without node:http)', { timeout: 60_000 }, () => {
  test('rewrites heads: x-forwarded-* added, hop-by-hop dropped, our own keep-alive; Connection: close ends it', async () => {
    const framer = await startFramer();
    const lb = await startLb();
    lb.setBackends([backend('f', 'v1', framer.port)]);
    const text = await raw(
      lb.port,
      'GET /a?b=1 HTTP/1.1\r\nHost: shop.test\r\nKeep-Alive: 300\r\nTE: trailers\r\nX-Custom: yes\r\nConnection: close\r\n\r\n',
      (t) => t.includes('"url"'),
    );
    const [head, body] = text.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(
      head!,
      /\r\nconnection: close$/,
      'our Connection header, lower-case: the fast path answered',
    );
    const seen = JSON.parse(body!) as { url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/a?b=1');
    assert.equal(seen.headers['x-custom'], 'yes');
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-forwarded-host'], 'shop.test');
    assert.equal(seen.headers.te, undefined);
    assert.equal(seen.headers['keep-alive'], undefined);
    assert.equal(seen.headers.host, 'shop.test');
  });

  test('pipelined requests are answered in order on one connection', async () => {
    const framer = await startFramer();
    const lb = await startLb();
    lb.setBackends([backend('f', 'v1', framer.port)]);
    const text = await raw(
      lb.port,
      'GET /one HTTP/1.1\r\nHost: a\r\n\r\nPOST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /three HTTP/1.1\r\nHost: a\r\n\r\n',
      (t) => answers(t).length === 3 && t.includes('/three"'),
    );
    const urls = answers(text).map((a) => (JSON.parse(a.split('\r\n\r\n')[1]!) as { url: string }).url);
    assert.deepEqual(urls, ['/one', '/two', '/three']);
    assert.match(answers(text)[1]!, /"body":"hello"/);
  });

  test('a chunked answer passes through as it streams, and the connection goes on', async () => {
    const framer = await startFramer();
    const lb = await startLb();
    lb.setBackends([backend('f', 'v1', framer.port)]);
    const text = await raw(
      lb.port,
      ['GET /?chunks=20 HTTP/1.1\r\nHost: a\r\n\r\n', 'GET /after HTTP/1.1\r\nHost: a\r\n\r\n'],
      (t) => t.includes('"/after"'),
    );
    const [first, second] = answers(text);
    assert.match(first!, /transfer-encoding: chunked/i);
    const pieces = first!.match(/piece-\d+;/g) ?? [];
    assert.equal(pieces.length, 20);
    assert.match(first!, /\r\n0\r\n\r\n$/);
    assert.match(second!, /"url":"\/after"/);
    const res = await get(`${lb.url}/?chunks=5`);
    assert.equal(res.text, 'piece-0;piece-1;piece-2;piece-3;piece-4;');
  });

  test('HEAD gets the head only; the connection is reused after it', async () => {
    const framer = await startFramer();
    const lb = await startLb();
    lb.setBackends([backend('f', 'v1', framer.port)]);
    const text = await raw(
      lb.port,
      'HEAD /h HTTP/1.1\r\nHost: a\r\n\r\nGET /g HTTP/1.1\r\nHost: a\r\n\r\n',
      (t) => t.includes('"/g"'),
    );
    const [head, next] = answers(text);
    assert.match(head!, /content-length: \d+\r\n/);
    assert.match(head!, /\r\n\r\n$/, 'no body after the HEAD answer');
    assert.match(next!, /"url":"\/g"/);
  });

  test('a 5 MiB answer to a client that reads slowly arrives whole (backpressure)', async () => {
    const framer = await startFramer();
    const lb = await startLb();
    lb.setBackends([backend('f', 'v1', framer.port)]);
    const size = 5 * 1024 * 1024;
    const socket = net.connect(lb.port, '127.0.0.1');
    socket.write('GET /?size=5242880 HTTP/1.1\r\nHost: a\r\n\r\n');
    socket.pause();
    await sleep(300); // the proxy has to hold the replica back meanwhile
    let received = 0;
    let headEnd = -1;
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    socket.resume();
    for (let i = 0; i < 200; i++) {
      const all = Buffer.concat(chunks);
      headEnd = all.indexOf('\r\n\r\n');
      if (headEnd >= 0 && received - headEnd - 4 >= size) break;
      await sleep(20);
    }
    socket.destroy();
    const all = Buffer.concat(chunks);
    assert.equal(all.length - headEnd - 4, size);
    assert.equal(
      all.subarray(headEnd + 4).every((b) => b === 0x78),
      true,
    );
  });

  test('a POST body that arrives in pieces reaches the replica whole', async () => {
    const framer = await startFramer();
    const lb = await startLb();
    lb.setBackends([backend('f', 'v1', framer.port)]);
    const text = await raw(
      lb.port,
      ['POST /p HTTP/1.1\r\nHost: a\r\nContent-', 'Length: 11\r\n\r\nhel', 'lo ', 'world'],
      (t) => t.includes('"body"'),
    );
    assert.match(text, /"body":"hello world"/);
  });

  test('a kept connection the replica closes as the request arrives is retried on a fresh one (GET, not POST)', async () => {
    const framer = await startFramer({ dropReused: true });
    const lb = await startLb();
    lb.setBackends([backend('f', 'v1', framer.port)]);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await get(`${lb.url}/kept-${i}`)).status);
    assert.deepEqual(statuses, Array(6).fill(200), 'every GET after the first met a closing kept connection');
    const post = await request(`${lb.url}/order`, { dispatcher: client, method: 'POST', body: 'x' });
    await post.body.text();
    assert.equal(post.statusCode, 502, 'a POST may have reached the replica: never sent twice');
  });

  test('stickiness: the same cookie (else header) value always reaches the same version, on the fast path', async () => {
    const [s1, s2] = [await startFramer(), await startFramer()];
    const lb = await startLb({ stickiness: { cookie: 'canary', header: 'X-User' } });
    lb.setBackends([backend('a', 'v1', s1.port), backend('b', 'v2', s2.port)]);
    lb.setWeights({ v1: 50, v2: 50 });
    const replicasReached = async (headers: Record<string, string>) => {
      const seen = new Set<number>();
      for (let i = 0; i < 12; i++)
        seen.add((JSON.parse((await get(`${lb.url}/`, headers)).text) as { by: number }).by);
      return seen.size;
    };
    assert.equal(await replicasReached({ cookie: 'a=1; canary=alice' }), 1);
    assert.equal(await replicasReached({ cookie: 'canary=carol', 'x-user': 'ignored: the cookie wins' }), 1);
    assert.equal(await replicasReached({ 'x-user': 'bob' }), 1);
    assert.equal(await replicasReached({}), 2, 'without a key: both versions, by weight');
  });

  test('503 without replicas keeps the connection; the same connection works once one is ready', async () => {
    const framer = await startFramer();
    const lb = await startLb({ service: 'cart' });
    const socket = net.connect(lb.port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.write('GET /x HTTP/1.1\r\nHost: a\r\n\r\n');
    for (let i = 0; i < 50 && !text.includes('}'); i++) await sleep(20);
    assert.match(text, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
    assert.match(text, /\{"error":"no ready replicas for service cart"\}$/);
    lb.setBackends([backend('f', 'v1', framer.port)]);
    socket.write('GET /y HTTP/1.1\r\nHost: a\r\n\r\n');
    for (let i = 0; i < 50 && !text.includes('"/y"'); i++) await sleep(20);
    socket.destroy();
    assert.match(text, /HTTP\/1\.1 200 OK[\s\S]*"url":"\/y"/);
  });
});
