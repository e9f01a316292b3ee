// Integration tests for the replica supervisor (src/local/supervisor/replica.ts): each test runs REAL
// example-app processes (examples/shop/api/server.js) on a free port, through the Replica, and checks
// probes, restarts, backoff, graceful stop, logs and adoption. Probe periods and shutdown times are
// fractions of a second here (the spec only allows whole seconds) to keep every test short.
// Every process group a test saw is SIGKILLed in its after hook.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, type TestContext, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/local/process.ts';
import { LOCAL_BACKOFF } from '../../src/local/supervisor/backoff.ts';
import type { ProbeSnapshot } from '../../src/local/supervisor/probe-state.ts';
import { readProcStat } from '../../src/local/supervisor/process-group.ts';
import {
  Replica,
  type ReplicaEvent,
  type ReplicaSpec,
  type ReplicaStatus,
} from '../../src/local/supervisor/replica.ts';
import type { ProbeSpec } from '../../src/spec/schema.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const API = join(ROOT, 'examples/shop/api/server.js');
const REPLICA_MODULE = new URL('../../src/local/supervisor/replica.ts', import.meta.url).href;

const tmp = mkdtempSync(join(tmpdir(), 'gantry-replica-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Every process group any test saw; killed at the end whatever happened. */
const seenGroups = new Set<number>();
after(() => {
  for (const pgid of seenGroups) killGroup(pgid);
});

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {}
}

function probe(fields: Partial<ProbeSpec>): ProbeSpec {
  return {
    initialDelaySeconds: 0,
    periodSeconds: 0.2,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold: 3,
    ...fields,
  };
}

let counter = 0;
async function apiSpec(
  overrides: Partial<ReplicaSpec> = {},
  env: Record<string, string> = {},
): Promise<ReplicaSpec> {
  const port = await freePort();
  const id = `api-${++counter}`;
  return {
    service: 'api',
    id,
    index: counter,
    version: '1.0.0',
    command: `'${process.execPath}' '${API}'`,
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_VERSION: '1.0.0',
      ...env,
    },
    host: '127.0.0.1',
    port,
    health: {
      startup: probe({ path: '/health/startup', failureThreshold: 50 }),
      liveness: probe({ path: '/health/live' }),
      readiness: probe({ path: '/health/ready' }),
    },
    shutdown: { preStopSeconds: 0, gracePeriodSeconds: 5 },
    minReadySeconds: 0,
    logFile: join(tmp, `${id}.log`),
    backoff: { ...LOCAL_BACKOFF, initialMs: 200, maxMs: 1000 },
    ...overrides,
  };
}

interface Watched {
  replica: Replica;
  events: ReplicaEvent[];
  /** 'ready:true', 'ready:false', 'event:Reason', 'process', 'stopped', in order */
  timeline: string[];
  processes: { pid: number; startTime: number | null; at: number }[];
  readyChanges: { ready: boolean; at: number }[];
}

/** Records everything a replica emits, and stops it (then kills its groups) when the test ends. */
function watch(t: TestContext, replica: Replica): Watched {
  const w: Watched = { replica, events: [], timeline: [], processes: [], readyChanges: [] };
  replica.on('event', (event: ReplicaEvent) => {
    w.events.push(event);
    w.timeline.push(`event:${event.reason}`);
  });
  replica.on('ready', (ready: boolean) => {
    w.readyChanges.push({ ready, at: Date.now() });
    w.timeline.push(`ready:${ready}`);
  });
  replica.on('process', (pid: number, startTime: number | null) => {
    seenGroups.add(pid);
    w.processes.push({ pid, startTime, at: Date.now() });
    w.timeline.push('process');
  });
  replica.on('stopped', () => w.timeline.push('stopped'));
  t.after(async () => {
    const pid = replica.status().pid;
    if (pid !== null) seenGroups.add(pid);
    await Promise.race([replica.stop(), sleep(8000)]);
    for (const p of w.processes) killGroup(p.pid);
    if (pid !== null) killGroup(pid);
  });
  return w;
}

async function waitFor(
  what: string,
  replica: Replica,
  predicate: (status: ReplicaStatus) => boolean,
  timeoutMs = 8000,
): Promise<ReplicaStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = replica.status();
    if (predicate(status)) return status;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs}ms waiting for ${what}; status: ${JSON.stringify(status)}`,
      );
    }
    await sleep(20);
  }
}

async function statusOf(url: string): Promise<number> {
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.status;
}

/** The group's live members once `done` holds of them, or as they are after `timeoutMs`. */
async function liveMembersOnce(
  pgid: number,
  done: (members: number[]) => boolean,
  timeoutMs: number,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let members = liveMembers(pgid);
  while (!done(members) && Date.now() < deadline) {
    await sleep(20);
    members = liveMembers(pgid);
  }
  return members;
}

/** The processes in a process group that are not zombies (reaped or not). */
function liveMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = text
        .slice(text.lastIndexOf(')') + 1)
        .trim()
        .split(/\s+/);
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
    } catch {}
  }
  return members;
}

describe('replica supervisor (real example-app processes)', { timeout: 120_000 }, () => {
  test('starts the app, becomes started and ready through its probes, logs to the file', async (t) => {
    const spec = await apiSpec();
    const w = watch(t, new Replica(spec));
    assert.equal(w.replica.status().phase, 'stopped');
    w.replica.start();
    const started = w.replica.status();
    assert.equal(started.phase, 'starting');
    assert.equal(started.ready, false);
    assert.ok(started.pid !== null && started.startTime !== null);
    assert.deepEqual(
      w.processes.map((p) => [p.pid, p.startTime]),
      [[started.pid, started.startTime]],
    );
    assert.equal(
      readProcStat(started.pid!)?.startTime,
      started.startTime,
      'startTime is /proc stat field 22',
    );

    const ready = await waitFor('ready', w.replica, (s) => s.ready);
    assert.equal(ready.phase, 'running');
    assert.equal(ready.started, true);
    assert.equal(ready.restarts, 0);
    assert.equal(await statusOf(`http://127.0.0.1:${spec.port}/health/ready`), 200);
    // (startup probe failures while the app boots are Unhealthy events, as in Kubernetes)
    assert.deepEqual(
      w.timeline.filter((entry) => entry !== 'event:Unhealthy'),
      ['process', 'event:Started', 'ready:true'],
    );
    // exec: the pid is the app itself, not a shell
    assert.match(readFileSync(`/proc/${ready.pid}/cmdline`, 'utf8'), /server\.js/);
    assert.match(readFileSync(spec.logFile, 'utf8'), /level=info msg="listening" port=\d+/);
  });

  test('FAULT_STARTUP_DELAY_MS holds started and ready until the startup probe passes', async (t) => {
    const spec = await apiSpec({}, { FAULT_STARTUP_DELAY_MS: '1500' });
    const w = watch(t, new Replica(spec));
    const t0 = Date.now();
    w.replica.start();
    await sleep(900);
    const early = w.replica.status();
    assert.equal(early.phase, 'starting');
    assert.equal(early.started, false);
    assert.equal(early.ready, false);
    const ready = await waitFor('ready', w.replica, (s) => s.ready);
    assert.ok(Date.now() - t0 >= 1500, 'not ready before the startup delay');
    assert.equal(ready.started, true);
    assert.equal(ready.restarts, 0, 'startup failures below failureThreshold do not restart');
  });

  test('FAULT_NEVER_READY keeps ready false while liveness keeps it running', async (t) => {
    const spec = await apiSpec({}, { FAULT_NEVER_READY: '1' });
    const w = watch(t, new Replica(spec));
    w.replica.start();
    await waitFor('started', w.replica, (s) => s.started);
    await sleep(1500);
    const status = w.replica.status();
    assert.equal(status.phase, 'running');
    assert.equal(status.ready, false);
    assert.equal(status.restarts, 0);
    assert.deepEqual(w.readyChanges, []);
    assert.ok(
      w.events.some((e) => e.reason === 'Unhealthy' && /^Readiness probe failed: .*503/.test(e.message)),
      'readiness failures are reported as Unhealthy',
    );
    assert.ok(!w.events.some((e) => e.reason === 'Killing'));
  });

  test('a failing liveness probe (404) kills the app gracefully and restarts it, counting restarts', async (t) => {
    const spec = await apiSpec({
      health: {
        liveness: probe({ path: '/no-such-path', failureThreshold: 2, initialDelaySeconds: 0.5 }),
        readiness: probe({ path: '/health/ready' }),
      },
      shutdown: { preStopSeconds: 0, gracePeriodSeconds: 2 },
    });
    const w = watch(t, new Replica(spec));
    w.replica.start();
    const status = await waitFor('two restarts', w.replica, (s) => s.restarts >= 2);
    assert.equal(w.processes.length >= 3, true);
    assert.notEqual(w.processes[0]!.pid, w.processes[1]!.pid);
    assert.ok(
      w.events.some(
        (e) =>
          e.reason === 'Unhealthy' &&
          /^Liveness probe failed: HTTP probe failed with statuscode: 404/.test(e.message),
      ),
    );
    const killing = w.events.find((e) => e.reason === 'Killing');
    assert.match(killing?.message ?? '', /failed liveness probe, will be restarted/);
    assert.equal(killing?.type, 'Normal');
    // graceful: SIGTERM, the app drains and exits 0
    assert.equal(status.lastExit?.code, 0);
    assert.match(readFileSync(spec.logFile, 'utf8'), /msg="shutting down" signal=SIGTERM/);
    // ready became true, then false before each kill
    const firstKill = w.timeline.indexOf('event:Killing');
    assert.ok(w.timeline.slice(0, firstKill).includes('ready:true'));
    assert.equal(w.timeline[firstKill - 1], 'ready:false', 'not ready before the kill');
  });

  test('a crashing app (FAULT_CRASH_AFTER_MS=300) restarts with CrashLoopBackOff (test policy 200 ms doubling to 1 s)', async (t) => {
    const spec = await apiSpec(
      { backoff: { ...LOCAL_BACKOFF, initialMs: 200, maxMs: 1000 } },
      { FAULT_CRASH_AFTER_MS: '300' },
    );
    const w = watch(t, new Replica(spec));
    const exits: number[] = [];
    w.replica.on('process', () => {
      const last = w.replica.status().lastExit;
      if (last) exits.push(last.at);
    });
    w.replica.start();
    let sawBackoff: ReplicaStatus | undefined;
    await waitFor('three restarts', w.replica, (s) => {
      if (s.phase === 'backoff' && s.backoffUntil !== undefined) sawBackoff ??= s;
      return s.restarts >= 3;
    });
    assert.ok(sawBackoff, 'phase backoff with backoffUntil while waiting');
    assert.equal(sawBackoff.ready, false);
    assert.equal(sawBackoff.pid, null);
    assert.equal(sawBackoff.lastExit?.code, 1);
    assert.equal(sawBackoff.lastExit?.reason, 'Error');
    // waits between an exit and the next start: immediate, 200 ms, 400 ms
    const waits = w.processes.slice(1, 4).map((p, i) => p.at - exits[i]!);
    assert.ok(waits[0]! < 300, `first restart immediate (waited ${waits[0]}ms)`);
    assert.ok(waits[1]! >= 190 && waits[1]! < 800, `second restart after ~200ms (waited ${waits[1]}ms)`);
    assert.ok(waits[2]! >= 390 && waits[2]! < 1200, `third restart after ~400ms (waited ${waits[2]}ms)`);
    const backOffs = w.events.filter((e) => e.reason === 'BackOff');
    assert.ok(backOffs.length >= 2);
    assert.equal(backOffs[0]!.type, 'Warning');
    assert.match(backOffs[0]!.message, /^Back-off restarting failed container api/);
    assert.equal(w.events.filter((e) => e.reason === 'Started').length, w.processes.length);
  });

  test('minReadySeconds: ready only after the probes have passed for that long', async (t) => {
    const spec = await apiSpec({ minReadySeconds: 0.8 });
    const w = watch(t, new Replica(spec));
    let probeReadyAt: number | undefined;
    w.replica.start();
    // the app's own readiness, as the probe sees it
    while (probeReadyAt === undefined) {
      const status = await statusOf(`http://127.0.0.1:${spec.port}/health/ready`).catch(() => 0);
      if (status === 200) probeReadyAt = Date.now();
      else await sleep(20);
    }
    const ready = await waitFor('ready', w.replica, (s) => s.ready);
    assert.equal(ready.phase, 'running');
    assert.ok(
      w.readyChanges[0]!.at - probeReadyAt >= 750,
      `ready ${w.readyChanges[0]!.at - probeReadyAt}ms after the app was`,
    );
  });

  test('SIGKILL from outside: the replica is restarted (restarts counts it)', async (t) => {
    const spec = await apiSpec();
    const w = watch(t, new Replica(spec));
    w.replica.start();
    const first = await waitFor('ready', w.replica, (s) => s.ready);
    process.kill(first.pid!, 'SIGKILL');
    const again = await waitFor('restarted and ready', w.replica, (s) => s.restarts === 1 && s.ready);
    assert.notEqual(again.pid, first.pid);
    assert.equal(again.lastExit?.signal, 'SIGKILL');
    assert.deepEqual(
      w.readyChanges.map((c) => c.ready),
      [true, false, true],
    );
    assert.equal(await statusOf(`http://127.0.0.1:${spec.port}/health/ready`), 200);
  });

  test('back-off resets once ready for resetAfterReadyMs: kills of a serving replica restart it at once', async (t) => {
    // A 2 s initial delay makes a back-off impossible to miss next to an immediate restart.
    const spec = await apiSpec({ backoff: { ...LOCAL_BACKOFF, initialMs: 2000, maxMs: 4000 } });
    const w = watch(t, new Replica(spec));
    w.replica.start();
    let status = await waitFor('ready', w.replica, (s) => s.ready);
    for (let kill = 1; kill <= 3; kill++) {
      await sleep(LOCAL_BACKOFF.resetAfterReadyMs + 200);
      const killedAt = Date.now();
      process.kill(status.pid!, 'SIGKILL');
      await waitFor(`restart ${kill}`, w.replica, (s) => s.restarts === kill);
      assert.ok(Date.now() - killedAt < 1500, `restart ${kill} was immediate (${Date.now() - killedAt} ms)`);
      assert.equal(w.events.filter((e) => e.reason === 'BackOff').length, 0);
      status = await waitFor('ready again', w.replica, (s) => s.ready && s.restarts === kill);
    }
    // Killed right after becoming ready: no reset, so this restart (the second in a row) waits initialMs.
    process.kill(status.pid!, 'SIGKILL');
    const waiting = await waitFor('back-off', w.replica, (s) => s.phase === 'backoff');
    assert.ok(waiting.backoffUntil! - waiting.lastExit!.at >= 1900, JSON.stringify(waiting));
    assert.match(w.events.find((e) => e.reason === 'BackOff')!.message, /\(2s\)$/);
  });

  test('stop(): ready=false first, preStop, SIGTERM; a slow request in flight completes', async (t) => {
    const spec = await apiSpec({ shutdown: { preStopSeconds: 0.5, gracePeriodSeconds: 5 } });
    const w = watch(t, new Replica(spec));
    w.replica.start();
    const ready = await waitFor('ready', w.replica, (s) => s.ready);
    const base = `http://127.0.0.1:${spec.port}`;
    const work = fetch(`${base}/api/work?ms=1200`).then(async (res) => ({
      status: res.status,
      body: await res.json(),
    }));
    await sleep(200);
    const stopAt = Date.now();
    const stopped = w.replica.stop();
    // synchronously: out of the load balancer before anything else
    assert.deepEqual(w.timeline.slice(-2), ['ready:false', 'event:Killing']);
    assert.equal(w.replica.status().ready, false);
    assert.equal(w.replica.status().phase, 'terminating');
    // during preStop the app has not been signalled yet: it still says ready
    await sleep(200);
    assert.equal(await statusOf(`${base}/health/ready`), 200, 'no SIGTERM during preStop');
    const result = await work;
    assert.equal(result.status, 200, 'the in-flight request completed');
    await stopped;
    const after = w.replica.status();
    assert.equal(after.phase, 'stopped');
    assert.equal(after.pid, null);
    assert.equal(after.lastExit?.code, 0, 'the app drained and exited 0');
    assert.ok(Date.now() - stopAt >= 500);
    assert.equal(w.timeline.at(-1), 'stopped');
    assert.match(readFileSync(spec.logFile, 'utf8'), /msg="shutting down" signal=SIGTERM/);
    assert.deepEqual(liveMembers(ready.pid!), []);
    // no restart afterwards
    await sleep(500);
    assert.equal(w.processes.length, 1);
    assert.equal(w.replica.status().restarts, 0);
  });

  test('stop(): a process group that ignores SIGTERM is SIGKILLed after gracePeriodSeconds', async (t) => {
    const spec = await apiSpec({
      command: `sh -c 'trap "" TERM; sleep 60'`,
      health: {},
      shutdown: { preStopSeconds: 0, gracePeriodSeconds: 1 },
    });
    const w = watch(t, new Replica(spec));
    w.replica.start();
    const running = await waitFor('ready', w.replica, (s) => s.ready);
    // The shell has installed its trap once its sleep runs; on a loaded machine that can take a while.
    const started = await liveMembersOnce(running.pid!, (members) => members.length >= 2, 5000);
    assert.ok(started.length >= 2, 'the shell and its sleep');
    const t0 = Date.now();
    await w.replica.stop();
    const took = Date.now() - t0;
    assert.ok(took >= 950 && took < 5000, `SIGKILL after the grace period (took ${took}ms)`);
    assert.equal(w.replica.status().lastExit?.signal, 'SIGKILL');
    assert.ok(w.events.some((e) => e.reason === 'Killing' && /SIGKILL/.test(e.message)));
    // The SIGKILL went to the whole group at once; a loaded machine may schedule the sleep's death
    // a moment after the shell's.
    const left = await liveMembersOnce(running.pid!, (members) => members.length === 0, 2000);
    assert.deepEqual(left, [], 'the whole group is gone, sleep included');
  });

  test('a command that cannot start is an exit, an event and a backoff, never a throw', async (t) => {
    const spec = await apiSpec({ cwd: join(tmp, 'no-such-dir'), health: {} });
    const w = watch(t, new Replica(spec));
    w.replica.start();
    const status = await waitFor('restarted', w.replica, (s) => s.restarts >= 2);
    assert.equal(status.ready, false);
    assert.equal(status.lastExit?.reason, 'StartError');
    assert.ok(w.events.some((e) => e.reason === 'Failed' && e.type === 'Warning'));
    assert.ok(w.events.some((e) => e.reason === 'BackOff'));
  });

  test('logs land in the file and rotate at maxLogBytes (copy-then-truncate, the app keeps writing)', async (t) => {
    const spec = await apiSpec({ maxLogBytes: 2000 }, { LOG_LEVEL: 'debug' });
    const w = watch(t, new Replica(spec));
    w.replica.start();
    await waitFor('ready', w.replica, (s) => s.ready);
    const base = `http://127.0.0.1:${spec.port}`;
    for (let i = 0; i < 30; i++) await statusOf(`${base}/api/products/p${(i % 6) + 1}`);
    const deadline = Date.now() + 4000;
    while (!existsSync(`${spec.logFile}.1`) && Date.now() < deadline) await sleep(50);
    assert.ok(existsSync(`${spec.logFile}.1`), 'rotated to .1');
    const rotated = readFileSync(`${spec.logFile}.1`, 'utf8');
    assert.match(rotated, /msg="listening"/);
    assert.ok(rotated.length >= 2000);
    // A line written after the rotation (.1 appears only once the live file is truncated) lands in
    // the log — in the live file, or in .1 if a later rotation has already moved it there.
    await statusOf(`${base}/api/products/after-rotation`);
    await sleep(100);
    const current = readFileSync(spec.logFile, 'utf8');
    assert.ok(!current.startsWith('\0'), 'appends at the new end, no hole');
    const both = current + readFileSync(`${spec.logFile}.1`, 'utf8');
    assert.match(both, /path=\/api\/products\/after-rotation/);
    assert.ok(current.length < 2000 + 1000);
  });

  test('adopt(): a replica survives its daemon being SIGKILLed and a new Replica takes it over', async (t) => {
    const spec = await apiSpec();
    // The "old daemon": a separate node process running a Replica, SIGKILLed mid-life.
    const script = `
      const { Replica } = await import(${JSON.stringify(REPLICA_MODULE)});
      const replica = new Replica(JSON.parse(process.env.REPLICA_SPEC));
      replica.on('process', (pid, startTime) => console.log(JSON.stringify({ pid, startTime })));
      replica.on('ready', (ready) => console.log(JSON.stringify({ ready })));
      replica.on('probes', (probes) => console.log(JSON.stringify({ probes })));
      replica.start();`;
    const daemon = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, REPLICA_SPEC: JSON.stringify(spec) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.after(() => {
      daemon.kill('SIGKILL');
    });
    let output = '';
    daemon.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const deadline = Date.now() + 10_000;
    while (!output.includes('"ready":true') && Date.now() < deadline) await sleep(50);
    assert.match(output, /"ready":true/, `the old daemon's replica became ready; output: ${output}`);
    const { pid, startTime } = JSON.parse(output.split('\n')[0]!) as { pid: number; startTime: number };
    seenGroups.add(pid);

    daemon.kill('SIGKILL');
    await once(daemon, 'exit');
    await sleep(200);
    assert.equal(readProcStat(pid)?.startTime, startTime, 'the replica outlived its daemon');
    assert.equal(await statusOf(`http://127.0.0.1:${spec.port}/health/ready`), 200);

    assert.equal(new Replica(spec).adopt(pid, startTime + 1, 0), false, 'wrong start time');
    assert.equal(new Replica(spec).adopt(2 ** 22 + 7, startTime, 0), false, 'no such process');

    // What the old daemon last saved of its probes: ready.
    const snapshots = output
      .split('\n')
      .filter((line) => line.includes('"probes"'))
      .map((line) => (JSON.parse(line) as { probes: ProbeSnapshot }).probes);
    const snapshot = snapshots[snapshots.length - 1]!;
    assert.equal(snapshot.started && snapshot.readinessOk, true, JSON.stringify(snapshots));

    const w = watch(t, new Replica(spec));
    assert.equal(w.replica.adopt(pid, startTime, 4, snapshot), true);
    assert.equal(w.replica.adopt(pid, startTime, 4, snapshot), false, 'only once');
    const adopted = w.replica.status();
    assert.equal(adopted.pid, pid);
    assert.equal(adopted.startTime, startTime);
    assert.equal(adopted.restarts, 4);
    assert.equal(adopted.ready, true, 'ready at once: its probes resumed from the snapshot');
    assert.equal(adopted.phase, 'running');
    assert.deepEqual(
      w.readyChanges.map((c) => c.ready),
      [true],
      'never not ready',
    );
    assert.equal(w.processes.length, 0, "adoption is not a new process: no 'process' event");
    await sleep(1000); // its probes keep running and agree
    assert.deepEqual(
      w.readyChanges.map((c) => c.ready),
      [true],
    );
    assert.equal(w.events.filter((e) => e.reason === 'Unhealthy').length, 0);

    // killed from outside: noticed by polling /proc (it is not our child), restarted under the new object
    process.kill(pid, 'SIGKILL');
    const restarted = await waitFor(
      'restarted after the kill',
      w.replica,
      (s) => s.restarts === 5 && s.ready,
    );
    assert.notEqual(restarted.pid, pid);
    assert.equal(restarted.lastExit?.reason, 'Unknown');
    assert.equal(w.processes.length, 1);
    assert.equal(w.processes[0]!.pid, restarted.pid);
  });
});
