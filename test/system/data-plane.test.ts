/**
 * The data plane outlives the control plane (issue 17), end to end on real processes under a real
 * load on 127.0.0.1: `gantry up` on the example api with 3 replicas and the default restart
 * back-off, then
 * - SIGKILL of the daemon: no request fails, a daemon answers again within 2 s (the supervisor's
 *   standby), with the same replicas and the same proxy;
 * - SIGKILL of the proxy's primary: its workers keep serving, a new proxy takes the ports over; the
 *   failed requests are bounded (PROXY_KILL_MAX_FAILED);
 * - SIGKILL of a random replica every 2 s for 30 s: at least 99.9 % of requests succeed;
 * - gantry down ends every process.
 * Every process seen is also killed by PID at the end.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DaemonStatus } from '../../src/daemon/status.ts';
import { isAlive } from '../../src/local/process.ts';
import type { EventRecord } from '../../src/local/store.ts';
import { readProcStat } from '../../src/local/supervisor/process-group.ts';
import { killAtRandom } from '../support/chaos.ts';
import { gantry, ROOT, specDir } from '../support/gantry.ts';
import { killLeftovers } from '../support/leftovers.ts';
import { startLoad } from '../support/load.ts';

/**
 * At most this many requests fail when the proxy's primary is SIGKILLed under 8 connections of load.
 * Its workers serve on while a new proxy starts; the failures come when the new proxy takes the ports
 * over: between the old workers closing their listening socket and the new ones listening on it,
 * connections are refused (Node 20 cannot listen twice on a port: no SO_REUSEPORT). The load retries
 * at once, so the count grows with how fast it retries within that window. Measured on a loaded
 * 2-core machine over nine runs: 0–35 refused, all within 31 ms; the bound is about three times that.
 */
const PROXY_KILL_MAX_FAILED = 100;

const SPEC = `app: dataplane
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
`;

const { dir, file } = specDir(SPEC);
const stateDir = join(dir, '.gantry');
const base = ['-f', file];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seenPids = new Set<number>();

function daemonInfo(): { pid: number; url: string; supervisor?: number } {
  return JSON.parse(readFileSync(join(stateDir, 'daemon.json'), 'utf8')) as {
    pid: number;
    url: string;
    supervisor?: number;
  };
}

/** The status document straight from the daemon API (every pid in it noted for the cleanup). */
async function status(): Promise<DaemonStatus> {
  const current = (await (await fetch(`${daemonInfo().url}/v1/status`)).json()) as DaemonStatus;
  for (const service of current.services)
    for (const r of service.replicas.items) if (r.pid) seenPids.add(r.pid);
  if (current.proxy) for (const pid of [current.proxy.pid, ...current.proxy.workers]) seenPids.add(pid);
  seenPids.add(current.daemon.pid);
  if (current.daemon.supervisor) seenPids.add(current.daemon.supervisor);
  return current;
}

async function cliStatus(): Promise<DaemonStatus> {
  const run = await gantry(['status', ...base, '--output', 'json']);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as DaemonStatus;
}

async function waitFor(
  what: string,
  check: (s: DaemonStatus) => boolean,
  timeoutMs = 30_000,
): Promise<DaemonStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await status().catch(() => undefined);
    if (current && check(current)) return current;
    if (Date.now() > deadline)
      assert.fail(
        `timed out waiting for ${what}: ${JSON.stringify(current?.services.map((s) => s.replicas))}`,
      );
    await sleep(200);
  }
}

async function events(reason: string): Promise<EventRecord[]> {
  const all = (await (await fetch(`${daemonInfo().url}/v1/events?limit=500`)).json()) as EventRecord[];
  return all.filter((e) => e.reason === reason);
}

/** Live processes of a process group. */
function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      const stat = readProcStat(pid);
      return stat !== null && stat.pgrp === pgid && stat.state !== 'Z';
    });
}

const api = (s: DaemonStatus) => s.services.find((x) => x.name === 'api')!;
const allReady = (s: DaemonStatus) => api(s).replicas.ready === 3 && api(s).replicas.current === 3;
const replicaPids = (s: DaemonStatus) =>
  api(s)
    .replicas.items.map((r) => `${r.id}:${r.pid}`)
    .sort();

describe('the data plane outlives the control plane', { timeout: 600_000 }, () => {
  before(async () => {
    const run = await gantry(['up', ...base, '--detach', '--ephemeral-ports'], { timeoutMs: 180_000 });
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  });

  after(async () => {
    await gantry(['down', ...base]);
    for (const pid of seenPids) {
      try {
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    killLeftovers(stateDir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the load balancers in a proxy: a primary and a worker per core, in their own session, programmed over a private socket', async () => {
    const s = await waitFor('all ready', allReady);
    assert.ok(s.proxy, 'status names the proxy');
    assert.equal(s.proxy.workers.length, availableParallelism());
    const stat = readProcStat(s.proxy.pid)!;
    assert.equal(
      stat.pgrp,
      s.proxy.pid,
      'its own process group (and session): a daemon’s death does not reach it',
    );
    for (const worker of s.proxy.workers) assert.equal(readProcStat(worker)?.pgrp, s.proxy.pid);
    assert.notEqual(s.proxy.pid, s.daemon.pid);
    assert.equal(statSync(join(stateDir, 'proxy.sock')).mode & 0o777, 0o600);
    assert.equal(statSync(stateDir).mode & 0o777, 0o700);
    assert.ok(s.daemon.supervisor && isAlive(s.daemon.supervisor), 'a supervisor keeps the daemon running');
    assert.equal(s.daemon.standby, true, 'gantry up returns once the standby daemon has loaded');
    const response = await fetch(`${api(s).url}/api/products`);
    assert.equal(response.status, 200);
    // Workers report what they counted every quarter second.
    let metrics = '';
    for (let i = 0; i < 40 && !/code="2xx"/.test(metrics); i++) {
      await sleep(50);
      metrics = await (await fetch(`${daemonInfo().url}/metrics`)).text();
    }
    assert.match(metrics, /gantry_lb_requests_total\{service="api",version="v1",code="2xx"\} \d+/);
  });

  it('SIGKILL of the daemon under load: no request fails, a daemon answers within 2 s, same replicas and proxy, status works without gantry up', async () => {
    const before = await waitFor('all ready', allReady);
    const load = startLoad(`${api(before).url}/api/products`, { concurrency: 8, maxSeconds: 60 });
    await sleep(1000);
    const { pid: killed, url } = daemonInfo();
    process.kill(killed, 'SIGKILL');
    const killedAt = Date.now();
    let backMs = Number.POSITIVE_INFINITY;
    while (Date.now() - killedAt < 10_000) {
      const info = (() => {
        try {
          return daemonInfo();
        } catch {
          return undefined;
        }
      })();
      if (info && info.pid !== killed) {
        const health = await fetch(`${info.url}/v1/health`).catch(() => undefined);
        if (health?.ok) {
          backMs = Date.now() - killedAt;
          break;
        }
      }
      await sleep(20);
    }
    await sleep(2000); // traffic goes on under the new daemon
    const result = await load.stop();
    const total = result.ok + result.failed;
    console.log(
      `daemon SIGKILL: ${result.failed} of ${total} requests failed; the API answered again after ${backMs} ms`,
    );
    assert.ok(result.ok > 500, `load too small to mean anything: ${result.ok}`);
    assert.equal(result.failed, 0, `failed requests: ${JSON.stringify(result.reasons)} of ${total}`);
    assert.ok(backMs <= 2000, `a daemon answered again after ${backMs} ms`);

    const after = await cliStatus(); // `gantry status`, no `gantry up` in between
    assert.notEqual(after.daemon.pid, killed);
    assert.equal(after.daemon.url, url, 'the same API address');
    assert.deepEqual(replicaPids(after), replicaPids(before), 'the same replicas, the same processes');
    assert.deepEqual(after.proxy, before.proxy, 'the same proxy: primary and workers');
    assert.equal(api(after).replicas.ready, 3);
    const adopted = await events('Adopted');
    assert.ok(
      adopted.filter((e) => /its probes resumed \(ready\)/.test(e.message)).length >= 3,
      JSON.stringify(adopted),
    );
    assert.equal((await events('ProxyAdopted')).length >= 1, true);
  });

  it(`SIGKILL of the proxy under load: its workers serve on, a new proxy takes the ports over, at most ${PROXY_KILL_MAX_FAILED} requests fail`, async () => {
    const before = await waitFor('all ready', allReady);
    const old = before.proxy!;
    const load = startLoad(`${api(before).url}/api/products`, { concurrency: 8, maxSeconds: 120 });
    await sleep(1000);
    process.kill(old.pid, 'SIGKILL');
    const okAtKill = load.result.ok;
    await sleep(300);
    assert.ok(
      old.workers.every((pid) => isAlive(pid)),
      'the workers outlive their primary',
    );
    const restarted = await waitFor(
      'a new proxy',
      (s) => s.proxy !== null && s.proxy.pid !== old.pid,
      60_000,
    );
    const okAtTakeover = load.result.ok;
    // The old workers drain (Connection: close on each answer) and exit.
    const deadline = Date.now() + 40_000;
    while (old.workers.some((pid) => isAlive(pid)) && Date.now() < deadline) await sleep(100);
    await sleep(1000);
    const result = await load.stop();
    const total = result.ok + result.failed;
    const window = result.failed > 0 ? result.lastFailureAt! - result.firstFailureAt! : 0;
    console.log(
      `proxy SIGKILL: ${result.failed} of ${total} requests failed (${JSON.stringify(result.reasons)}) within ${window} ms; ${okAtTakeover - okAtKill} served by the orphaned workers meanwhile`,
    );
    assert.ok(okAtTakeover - okAtKill > 100, 'the orphaned workers kept serving until the takeover');
    assert.ok(
      result.failed <= PROXY_KILL_MAX_FAILED,
      `${result.failed} failed: ${JSON.stringify(result.reasons)}`,
    );
    assert.ok(window <= 1000, `failures spread over ${window} ms`);
    assert.ok(
      old.workers.every((pid) => !isAlive(pid)),
      'the old workers are gone',
    );
    assert.equal(restarted.proxy!.workers.length, availableParallelism());
    assert.deepEqual(replicaPids(restarted), replicaPids(before), 'the replicas were never touched');
    assert.equal((await fetch(`${api(restarted).url}/api/products`)).status, 200);
    const started = await events('ProxyStarted');
    assert.match(started[0]!.message, new RegExp(`taking over from the one before \\(pid ${old.pid}\\)`));
  });

  it('SIGKILL of a proxy worker under load: the other keeps accepting, the primary starts a new one; only its connections fail', async () => {
    const before = await waitFor('all ready', allReady);
    const [victim, survivor] = before.proxy!.workers as [number, number];
    const load = startLoad(`${api(before).url}/api/products`, { concurrency: 8, maxSeconds: 60 });
    await sleep(1000);
    process.kill(victim, 'SIGKILL');
    const replaced = await waitFor(
      'a new worker',
      (s) => s.proxy?.workers.length === before.proxy!.workers.length && !s.proxy.workers.includes(victim),
      15_000,
    );
    await sleep(1000);
    const result = await load.stop();
    console.log(
      `proxy worker SIGKILL: ${result.failed} of ${result.ok + result.failed} requests failed (${JSON.stringify(result.reasons)})`,
    );
    assert.equal(replaced.proxy!.pid, before.proxy!.pid, 'the same primary');
    assert.ok(replaced.proxy!.workers.includes(survivor));
    // At most one request in flight per connection the dead worker held.
    assert.ok(result.failed <= 8, `${result.failed} failed: ${JSON.stringify(result.reasons)}`);
  });

  it('chaos with the default back-off: a random replica SIGKILLed every 2 s for 30 s under load, at least 99.9 % succeed', async () => {
    const before = await waitFor('all ready', allReady);
    const load = startLoad(`${api(before).url}/api/products`, { concurrency: 8, maxSeconds: 60 });
    const kills = await killAtRandom(
      async () => api(await status()).replicas.items.flatMap((r) => (r.pid ? [r.pid] : [])),
      { everyMs: 2000, seconds: 30 },
    );
    const result = await load.stop();
    const total = result.ok + result.failed;
    const rate = result.ok / total;
    const backOffs = await events('BackOff');
    console.log(
      `chaos: ${kills} kills, success ${(100 * rate).toFixed(3)} % of ${total} (${JSON.stringify(result.reasons)}), ${backOffs.length} back-offs`,
    );
    assert.ok(total > 1000, `load too small: ${total}`);
    assert.ok(kills >= 14, `${kills} kills`);
    assert.ok(
      rate >= 0.999,
      `success ${(100 * rate).toFixed(3)} % over ${total}: ${JSON.stringify(result.reasons)}`,
    );
    await waitFor('every replica back and ready', allReady, 60_000);
  });

  it('gantry down ends every process: replicas, proxy primary and workers, daemon, standby, supervisor', async () => {
    const s = await cliStatus();
    const pids = [
      ...api(s).replicas.items.map((r) => r.pid!),
      s.proxy!.pid,
      ...s.proxy!.workers,
      s.daemon.pid,
      s.daemon.supervisor!,
    ];
    const run = await gantry(['down', ...base]);
    assert.equal(run.code, 0, run.stderr);
    for (const pid of pids) assert.equal(isAlive(pid), false, `pid ${pid} still alive`);
    assert.deepEqual(
      groupMembers(s.daemon.supervisor!),
      [],
      'nothing left of the supervisor’s group (the standby daemon)',
    );
    const again = await gantry(['status', ...base]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no gantry daemon is running/);
  });
});
