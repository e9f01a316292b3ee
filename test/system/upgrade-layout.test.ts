/**
 * Upgrade path (issue 17): a state directory written by a gantry from before the separate data
 * plane — SQLite in its schema (test/fixtures/state-layout-1/schema.sql: no probe state), the load
 * balancer's port in `meta`, replicas running in their own sessions as that daemon started them,
 * and that daemon still running (with the load balancer inside it) — is taken over by `gantry up`:
 * the old daemon is ended, its replicas adopted (same processes), the load balancer moves to a proxy
 * on the same port.
 *
 * The old daemon's code is not in this repository any more, so a stand-in plays it (named as such
 * below): a process that holds the load balancer's port and answers there. Everything else is real:
 * the replica processes, the SQLite file in the old schema, the new daemon, proxy and supervisor.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { DaemonStatus } from '../../src/daemon/status.ts';
import { freePort, isAlive } from '../../src/local/process.ts';
import type { EventRecord } from '../../src/local/store.ts';
import { readProcStat } from '../../src/local/supervisor/process-group.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { gantry, ROOT, specDir } from '../support/gantry.ts';
import { killLeftovers } from '../support/leftovers.ts';

const API = join(ROOT, 'examples/shop/api/server.js');
const SPEC = `app: oldlayout
services:
  api:
    run: node ${API}
    port: 8000
    health:
      readiness: { path: /health/ready, periodSeconds: 1 }
    replicas: 2
    shutdown: { preStopSeconds: 0, gracePeriodSeconds: 5 }
`;
const OLD_SCHEMA = readFileSync(join(ROOT, 'test/fixtures/state-layout-1/schema.sql'), 'utf8');

const { dir, file } = specDir(SPEC);
const stateDir = join(dir, '.gantry');
const started: ChildProcess[] = [];
const seen = new Set<number>();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A replica as the old daemon started one: `sh -c 'exec node …'` in its own session, output to its log. */
async function oldReplica(index: number, port: number): Promise<{ pid: number; startTime: number }> {
  mkdirSync(join(stateDir, 'logs', 'api'), { recursive: true, mode: 0o700 });
  const log = openSync(join(stateDir, 'logs', 'api', `api-${index}.log`), 'a', 0o600);
  const child = spawn('/bin/sh', ['-c', `exec '${process.execPath}' '${API}'`], {
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_VERSION: 'v1',
    },
  });
  closeSync(log);
  started.push(child);
  seen.add(child.pid!);
  await until(
    `replica ${index} ready`,
    async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.ok === true,
  );
  return { pid: child.pid!, startTime: readProcStat(child.pid!)!.startTime };
}

describe('upgrade: a state directory of the older layout (load balancers inside the daemon)', {
  timeout: 300_000,
}, () => {
  after(async () => {
    await gantry(['down', '-f', file]);
    for (const pid of seen) {
      try {
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      } catch {}
    }
    for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
    killLeftovers(stateDir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('gantry up ends the old daemon, adopts its replicas (same processes) and serves on its load balancer port from a proxy', async () => {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(stateDir, 'token'), 'old-token-from-before\n', { mode: 0o600 });
    const loaded = loadSpec(SPEC, { file, target: 'local' });
    assert.ok(loaded.ok);
    const lbPort = await freePort();
    const ports = [await freePort(), await freePort()];
    const replicas = [await oldReplica(1, ports[0]!), await oldReplica(2, ports[1]!)];

    const db = new Database(join(stateDir, 'state.db'));
    db.exec(OLD_SCHEMA);
    db.prepare('insert into revisions (service, version, spec, created_at) values (?, ?, ?, ?)').run(
      'api',
      'v1',
      JSON.stringify(loaded.model.services.api),
      Date.now() - 60_000,
    );
    db.prepare(
      "insert into desired (service, version, replicas, weight, generation) values ('api', 'v1', 2, 100, 0)",
    ).run();
    const insert = db.prepare(
      "insert into replicas (id, service, version, idx, port, generation, pid, start_time, restarts) values (?, 'api', 'v1', ?, ?, 0, ?, ?, 0)",
    );
    for (const [i, r] of replicas.entries()) insert.run(`api-${i + 1}`, i + 1, ports[i], r.pid, r.startTime);
    db.prepare("insert into meta (key, value) values ('lb:api', ?)").run(JSON.stringify(lbPort));
    db.close();

    // Stand-in for the old daemon: alive, holding the load balancer's port; its daemon.json has no `layout`.
    const oldDaemon = spawn(
      process.execPath,
      [
        '-e',
        `require('node:http').createServer((q, s) => s.end('old daemon')).listen(${lbPort}, '127.0.0.1')`,
      ],
      { detached: true, stdio: 'ignore' },
    );
    started.push(oldDaemon);
    seen.add(oldDaemon.pid!);
    await until(
      'the stand-in listens',
      async () => (await fetch(`http://127.0.0.1:${lbPort}/`).catch(() => undefined))?.ok === true,
    );
    const oldApiPort = await freePort();
    writeFileSync(
      join(stateDir, 'daemon.json'),
      JSON.stringify({
        pid: oldDaemon.pid,
        url: `http://127.0.0.1:${oldApiPort}`,
        startedAt: Date.now() - 60_000,
        specFile: file,
        environment: null,
      }),
      { mode: 0o600 },
    );

    const run = await gantry(['up', '-f', file, '--detach', '--ephemeral-ports'], { timeoutMs: 180_000 });
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(
      run.stdout,
      /is from an older gantry, with the load balancers inside it: replacing it; its replicas are adopted/,
    );
    assert.equal(isAlive(oldDaemon.pid!), false, 'the old daemon was ended');

    const info = JSON.parse(readFileSync(join(stateDir, 'daemon.json'), 'utf8')) as {
      url: string;
      layout: number;
    };
    assert.equal(info.layout, 2);
    assert.equal(info.url, `http://127.0.0.1:${oldApiPort}`, 'the API keeps the old daemon’s address');
    const status = (await (await fetch(`${info.url}/v1/status`)).json()) as DaemonStatus;
    const api = status.services[0]!;
    for (const pid of [
      status.daemon.pid,
      status.daemon.supervisor!,
      status.proxy!.pid,
      ...status.proxy!.workers,
    ])
      seen.add(pid);
    assert.deepEqual(
      api.replicas.items.map((r) => `${r.id}:${r.pid}:${r.ready}`),
      replicas.map((r, i) => `api-${i + 1}:${r.pid}:true`),
      'the same replica processes, adopted and ready',
    );
    assert.equal(api.url, `http://127.0.0.1:${lbPort}`, 'the load balancer kept its port');
    const versions = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const response: Response = await fetch(`${api.url}/api/products`);
      assert.equal(response.status, 200);
      versions.add(String(response.headers.get('x-app-version')));
      await response.arrayBuffer();
    }
    assert.deepEqual([...versions], ['v1']);
    const events = (await (await fetch(`${info.url}/v1/events?limit=200`)).json()) as EventRecord[];
    const adopted = events.filter((e) => e.reason === 'Adopted' && e.service === 'api');
    assert.equal(adopted.length, 2);
    for (const event of adopted)
      assert.match(event.message, /no probe state was kept, its probes start over/);
    assert.equal(
      readFileSync(join(stateDir, 'token'), 'utf8').trim(),
      'old-token-from-before',
      'the API token is kept',
    );
  });
});
