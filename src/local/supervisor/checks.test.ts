import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { after, before, test } from 'node:test';
import type { ProbeSpec } from '../../spec/schema.ts';
import { type CheckTarget, runCheck } from './checks.ts';

let server: http.Server;
let port: number;
let closedPort: number;
before(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 3000);
    const status = Number(req.url?.slice(1)) || 200;
    res.writeHead(status, status === 302 ? { location: '/elsewhere' } : {});
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as net.AddressInfo).port;
  const spare = net.createServer().listen(0, '127.0.0.1');
  await once(spare, 'listening');
  closedPort = (spare.address() as net.AddressInfo).port;
  spare.close();
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const target = (): CheckTarget => ({
  host: '127.0.0.1',
  port,
  cwd: '/tmp',
  env: { PATH: process.env.PATH ?? '', X: 'y' },
});
const probe = (fields: Partial<ProbeSpec>) => ({ timeoutSeconds: 1, ...fields });

const httpCases: [string, boolean, RegExp][] = [
  ['/200', true, /200/],
  ['/204', true, /204/],
  ['/302', true, /302/],
  ['/399', true, /399/],
  ['/404', false, /^HTTP probe failed with statuscode: 404$/],
  ['/503', false, /statuscode: 503/],
];
for (const [path, ok, message] of httpCases) {
  test(`http check ${path}: ${ok ? 'passes' : 'fails'}`, async () => {
    const result = await runCheck(probe({ path }), target());
    assert.equal(result.ok, ok);
    assert.match(result.message, message);
  });
}

test('http check: connection refused and timeout fail', async () => {
  const refused = await runCheck(probe({ path: '/', port: closedPort }), target());
  assert.equal(refused.ok, false);
  assert.match(refused.message, /ECONNREFUSED/);
  const t0 = Date.now();
  const slow = await runCheck(probe({ path: '/slow' }), target());
  assert.equal(slow.ok, false);
  assert.match(slow.message, /deadline exceeded/);
  assert.ok(Date.now() - t0 < 2000);
});

test('tcp check: open port passes, closed port fails', async () => {
  assert.equal((await runCheck(probe({ tcp: true }), target())).ok, true);
  assert.equal((await runCheck(probe({ tcp: true, port: closedPort }), target())).ok, false);
});

test('exec check: exit 0 passes, non-zero fails, runs in cwd with the env, args kept verbatim', async () => {
  assert.equal((await runCheck(probe({ exec: ['true'] }), target())).ok, true);
  const failed = await runCheck(probe({ exec: ['sh', '-c', 'echo nope; exit 3'] }), target());
  assert.equal(failed.ok, false);
  assert.match(failed.message, /exited with 3: nope/);
  const env = await runCheck(
    probe({ exec: ['sh', '-c', 'test "$X" = y && test "$(pwd)" = /tmp'] }),
    target(),
  );
  assert.equal(env.ok, true, env.message);
  const verbatim = await runCheck(probe({ exec: ['test', 'a b;c', '=', 'a b;c'] }), target());
  assert.equal(verbatim.ok, true, verbatim.message);
  const missing = await runCheck(probe({ exec: ['/no/such/command'] }), target());
  assert.equal(missing.ok, false);
});

test('exec check: killed at the timeout, process group included', async () => {
  const t0 = Date.now();
  const result = await runCheck(probe({ exec: ['sh', '-c', 'sleep 5 & sleep 5'] }), target());
  assert.equal(result.ok, false);
  assert.match(result.message, /timed out after 1s/);
  assert.ok(Date.now() - t0 < 2000);
});

test('a check aborted by its signal fails at once', async () => {
  const controller = new AbortController();
  const pending = runCheck(probe({ exec: ['sleep', '5'], timeoutSeconds: 10 }), target(), controller.signal);
  setTimeout(() => controller.abort(), 100);
  const result = await pending;
  assert.equal(result.ok, false);
  assert.match(result.message, /cancelled/);
});
