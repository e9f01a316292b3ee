/**
 * The local platform end to end: `gantry up` on real processes with real probes, the real
 * load balancer and a real load, as a user runs it. Every process started here is stopped
 * with `gantry down` (and, as a fallback, by PID).
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DaemonStatus } from '../../src/daemon/status.ts';
import { isAlive } from '../../src/local/process.ts';
import { killAtRandom } from '../support/chaos.ts';
import { gantry, ROOT, specDir } from '../support/gantry.ts';
import { startLoad } from '../support/load.ts';

const SPEC = `app: shoptest
services:
  api:
    run: node ${join(ROOT, 'examples/shop/api/server.js')}
    port: 8000
    env: { LOG_LEVEL: info }
    health:
      startup: { path: /health/startup, periodSeconds: 1, failureThreshold: 30 }
      readiness: { path: /health/ready, periodSeconds: 1, failureThreshold: 1 }
      liveness: { path: /health/live, periodSeconds: 2, failureThreshold: 3 }
    replicas: 3
    shutdown: { preStopSeconds: 0, gracePeriodSeconds: 10 }
    release: { maxSurge: 1, maxUnavailable: 0 }
  worker:
    run: node ${join(ROOT, 'examples/shop/worker/worker.js')}
    port: 8001
    health:
      readiness: { path: /health/ready, periodSeconds: 1 }
`;

const { dir, file } = specDir(SPEC);
const stateDir = join(dir, '.gantry');
const base = ['-f', file];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The CLI's JSON status: what users and scripts read. */
async function cliStatus(): Promise<DaemonStatus> {
  const run = await gantry(['status', ...base, '--output', 'json']);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as DaemonStatus;
}

/** Every replica process seen, so `after` can end them even if `gantry down` fails. */
const seenPids = new Set<number>();

/** The same document straight from the daemon API, for tight polling loops. */
async function status(): Promise<DaemonStatus> {
  const { url } = JSON.parse(readFileSync(join(stateDir, 'daemon.json'), 'utf8')) as { url: string };
  const current = (await (await fetch(`${url}/v1/status`)).json()) as DaemonStatus;
  for (const service of current.services)
    for (const r of service.replicas.items) if (r.pid) seenPids.add(r.pid);
  return current;
}

async function waitFor(
  what: string,
  check: (s: DaemonStatus) => boolean,
  timeoutMs = 30_000,
): Promise<DaemonStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await status();
    if (check(current)) return current;
    if (Date.now() > deadline)
      assert.fail(
        `timed out waiting for ${what}: ${JSON.stringify(current.services.map((s) => s.replicas))}`,
      );
    await sleep(250);
  }
}

const api = (s: DaemonStatus) => s.services.find((x) => x.name === 'api')!;
const allReady = (s: DaemonStatus) =>
  s.services.every(
    (x) => x.replicas.ready === x.replicas.desired && x.replicas.current === x.replicas.desired,
  );

describe('gantry up (local platform)', { timeout: 300_000 }, () => {
  before(async () => {
    const run = await gantry(['up', ...base, '--detach', '--ephemeral-ports', '--backoff', '200ms,1s']);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /every replica is ready in \d+\.\d+s/);
  });

  after(async () => {
    await gantry(['down', ...base]);
    for (const pid of seenPids) {
      try {
        if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports every service with its URL, version and replicas (status --output json)', async () => {
    const s = await cliStatus();
    assert.equal(s.app, 'shoptest');
    const service = api(s);
    assert.match(service.url!, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(service.version, 'v1');
    assert.deepEqual([service.replicas.desired, service.replicas.ready], [3, 3]);
    assert.equal(service.replicas.items.length, 3);
    for (const replica of service.replicas.items) {
      assert.ok(replica.pid! > 0);
      assert.ok(replica.port > 0);
      assert.equal(replica.version, 'v1');
      assert.equal(replica.state, 'running');
      assert.equal(replica.restarts, 0);
    }
    const response = await fetch(`${service.url}/api/products`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-app-version'), 'v1');
  });

  it('loses no request while `gantry restart api` rolls every replica', async () => {
    const before = api(await status());
    const load = startLoad(`${before.url}/api/products`, { concurrency: 8, maxSeconds: 90 });
    await sleep(500);
    const run = await gantry(['restart', 'api', ...base, '--timeout', '60']);
    await sleep(500);
    const result = await load.stop();
    assert.equal(run.code, 0, run.stderr);
    const afterRestart = api(await status());
    const oldIds = new Set(before.replicas.items.map((r) => r.id));
    assert.ok(
      afterRestart.replicas.items.every((r) => !oldIds.has(r.id)),
      'every replica was replaced',
    );
    assert.ok(result.ok > 200, `load too small to mean anything: ${result.ok}`);
    assert.equal(
      result.failed,
      0,
      `failed requests: ${JSON.stringify(result.reasons)} of ${result.ok + result.failed}`,
    );
  });

  it('refuses changes without the token, and the token file is private (0600)', async () => {
    const { url } = JSON.parse(readFileSync(join(stateDir, 'daemon.json'), 'utf8')) as { url: string };
    const response = await fetch(`${url}/v1/services/api/scale`, { method: 'POST', body: '{"replicas":1}' });
    assert.equal(response.status, 401);
    const wrong = await fetch(`${url}/v1/services/api/scale`, {
      method: 'POST',
      body: '{"replicas":1}',
      headers: { authorization: 'Bearer nope' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(statSync(join(stateDir, 'token')).mode & 0o777, 0o600);
    assert.equal(api(await status()).replicas.desired, 3, 'nothing changed');
  });

  it('scales up and down', async () => {
    assert.equal((await gantry(['scale', 'api', '5', ...base])).code, 0);
    await waitFor('5 ready', (s) => api(s).replicas.ready === 5 && api(s).replicas.current === 5);
    assert.equal((await gantry(['scale', 'api', '3', ...base])).code, 0);
    await waitFor('3 replicas', (s) => api(s).replicas.current === 3 && api(s).replicas.ready === 3);
  });

  it('takes a frozen replica out of the load balancer and back when it recovers', async () => {
    const s = await waitFor('all ready', allReady);
    const victim = api(s).replicas.items[0]!;
    process.kill(victim.pid!, 'SIGSTOP');
    try {
      // readiness: period 1 s × failureThreshold 1, plus the 1 s probe timeout
      await waitFor(
        'victim not ready',
        (x) => api(x).replicas.items.find((r) => r.id === victim.id)?.ready === false,
        5000,
      );
      const load = startLoad(`${api(s).url}/api/products`, { concurrency: 4, maxSeconds: 10 });
      await sleep(1500);
      const result = await load.stop();
      assert.equal(result.failed, 0, JSON.stringify(result.reasons));
    } finally {
      process.kill(victim.pid!, 'SIGCONT');
    }
    await waitFor(
      'victim ready again',
      (x) => api(x).replicas.items.find((r) => r.id === victim.id)?.ready === true,
      5000,
    );
  });

  it('shows replica logs prefixed by replica', async () => {
    const run = await gantry(['logs', 'api', '--file', file, '--tail', '5']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^api-\d+ \| level=info msg="listening"/m);
  });

  it('chaos (restart back-off shortened to 200ms..1s for the test): SIGKILL a random replica of 5 every second for 30 s under load', async () => {
    assert.equal((await gantry(['scale', 'api', '5', ...base])).code, 0);
    const before = await waitFor('5 ready', (s) => allReady(s) && api(s).replicas.ready === 5);
    const restartsBefore = api(before).restarts;
    const load = startLoad(`${api(before).url}/api/products`, { concurrency: 8, maxSeconds: 60 });
    const kills = await killAtRandom(
      async () => api(await status()).replicas.items.flatMap((r) => (r.pid ? [r.pid] : [])),
      { everyMs: 1000, seconds: 30 },
    );
    const result = await load.stop();
    const total = result.ok + result.failed;
    assert.ok(total > 1000, `load too small: ${total}`);
    const rate = result.ok / total;
    assert.ok(
      rate >= 0.9999,
      `success ${(100 * rate).toFixed(3)}% over ${total} (${JSON.stringify(result.reasons)}), ${kills} kills`,
    );
    const after = await waitFor('every replica back and ready', allReady, 30_000);
    assert.equal(api(after).replicas.ready, 5);
    assert.ok(
      api(after).restarts >= restartsBefore + kills - 1,
      `restarts ${api(after).restarts} after ${kills} kills`,
    );
    assert.equal((await gantry(['scale', 'api', '3', ...base])).code, 0);
    await waitFor('back to 3', (s) => allReady(s) && api(s).replicas.current === 3);
  });

  it('survives a SIGKILLed daemon: the next one adopts the same replicas', async () => {
    const before = await waitFor('all ready', allReady);
    const daemon = JSON.parse(readFileSync(join(stateDir, 'daemon.json'), 'utf8')) as { pid: number };
    process.kill(daemon.pid, 'SIGKILL');
    await sleep(300);
    const run = await gantry(['up', ...base, '--detach', '--ephemeral-ports', '--backoff', '200ms,1s']);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const after = await waitFor('all ready', allReady);
    const pids = (s: DaemonStatus) =>
      s.services.flatMap((x) => x.replicas.items.map((r) => `${r.id}:${r.pid}`)).sort();
    assert.deepEqual(pids(after), pids(before), 'same replicas, same processes');
    assert.equal(api(after).url, api(before).url, 'same load balancer address');
    const response = await fetch(`${api(after).url}/api/products`);
    assert.equal(response.status, 200);
  });

  it('gantry down stops every process', async () => {
    const s = await cliStatus();
    const pids = s.services.flatMap((x) => x.replicas.items.map((r) => r.pid!));
    const run = await gantry(['down', ...base]);
    assert.equal(run.code, 0, run.stderr);
    // isAlive counts zombies as gone: a SIGKILLed daemon's orphans are reaped by init, not by us.
    for (const pid of [...pids, s.daemon.pid]) assert.equal(isAlive(pid), false, `pid ${pid} still alive`);
    const again = await gantry(['status', ...base]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no gantry daemon is running/);
  });
});
