/**
 * Autoscaling live: `gantry up` on test/fixtures/autoscale/gantry.yaml (the example api, min 1,
 * max 4, CPU target 50 % of 200m, scale-down window 12 s) with a 2 s sync period, an open-loop
 * load on the CPU endpoint, and the replica counts read back from the daemon's events.
 * Every process started here is stopped with `gantry down` (and, as a fallback, by PID).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DaemonStatus, ServiceStatus } from '../../src/daemon/status.ts';
import { isAlive } from '../../src/local/process.ts';
import type { EventRecord } from '../../src/local/store.ts';
import { gantry, ROOT } from '../support/gantry.ts';
import { pacedLoad } from '../support/paced-load.ts';

const SYNC_SECONDS = 2;
/** The fixture's behavior.scaleDown.stabilizationWindowSeconds. */
const WINDOW_SECONDS = 12;
/** 30 requests/s of 10 ms of CPU each: about 300m of work plus HTTP overhead, 3–4 replicas at 100m each. */
const LOAD = { ratePerSecond: 30, seconds: 14, work: '/api/work?ms=10' };

const file = join(ROOT, 'test/fixtures/autoscale/gantry.yaml');
const stateDir = mkdtempSync(join(tmpdir(), 'gantry-autoscale-'));
const base = ['-f', file, '--state-dir', stateDir];
const seenPids = new Set<number>();

async function daemonGet<T>(path: string): Promise<T> {
  const { url } = JSON.parse(readFileSync(join(stateDir, 'daemon.json'), 'utf8')) as { url: string };
  return (await (await fetch(`${url}${path}`)).json()) as T;
}

async function api(): Promise<ServiceStatus> {
  const status = await daemonGet<DaemonStatus>('/v1/status');
  const service = status.services.find((s) => s.name === 'api')!;
  for (const replica of service.replicas.items) if (replica.pid) seenPids.add(replica.pid);
  return service;
}

async function waitFor(what: string, check: (s: ServiceStatus) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const service = await api();
    if (check(service)) return service;
    if (Date.now() > deadline)
      assert.fail(
        `timed out waiting for ${what}: ${JSON.stringify(service.autoscale)} ${JSON.stringify(service.replicas)}`,
      );
    await sleep(250);
  }
}

/** The autoscaler's SuccessfulRescale events, oldest first: { at, size }. */
async function rescales(): Promise<{ at: number; size: number }[]> {
  const events = await daemonGet<EventRecord[]>('/v1/events?service=api&limit=500');
  return events
    .filter((event) => event.reason === 'SuccessfulRescale')
    .sort((a, b) => a.id - b.id)
    .map((event) => ({ at: event.at, size: Number(/^New size: (\d+);/.exec(event.message)?.[1]) }));
}

describe('autoscaling on the local platform', { timeout: 150_000 }, () => {
  before(async () => {
    process.env.GANTRY_AUTOSCALE_SYNC_PERIOD = `${SYNC_SECONDS}s`;
    const run = await gantry(['up', ...base, '--detach', '--ephemeral-ports', '--backoff', '200ms,1s']);
    delete process.env.GANTRY_AUTOSCALE_SYNC_PERIOD;
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  });

  after(async () => {
    await gantry(['down', ...base]);
    for (const pid of seenPids)
      try {
        if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    rmSync(stateDir, { recursive: true, force: true });
  });

  let loadStartedAt = 0;
  let loadEndedAt = 0;

  it('rises within two sync periods of the load; falls to min only after the stabilization window, without flapping', async () => {
    const idle = await waitFor(
      'a first decision at 1 replica',
      (s) => s.autoscale?.lastSyncAt != null && s.autoscale.reason === 'DesiredWithinRange',
      30_000,
    );
    assert.equal(idle.autoscale!.currentReplicas, 1);
    assert.deepEqual(await rescales(), [], 'an idle service is not rescaled');

    const load = pacedLoad(`${idle.url}${LOAD.work}`, LOAD);
    let peakCpu = 0;
    let peakRps = 0;
    let textStatus = '';
    for (let done = false; !done; ) {
      done = await Promise.race([load.then(() => true), sleep(500).then(() => false)]);
      const a = (await api()).autoscale!;
      peakCpu = Math.max(peakCpu, a.metrics.find((m) => m.name === 'cpu')?.currentValue ?? 0);
      peakRps = Math.max(
        peakRps,
        a.metrics.find((m) => m.name === 'http_requests_per_second')?.currentValue ?? 0,
      );
      if (!textStatus && a.desiredReplicas > 1) textStatus = (await gantry(['status', ...base])).stdout;
    }
    const result = await load;
    loadStartedAt = result.startedAt;
    loadEndedAt = result.endedAt;
    assert.equal(result.failed, 0, `no request failed while scaling: ${JSON.stringify(result)}`);
    assert.ok(peakCpu > 50, `status showed CPU above the 50% target under load, peak ${peakCpu}%`);
    assert.ok(peakRps > 1, `status showed requests/s per replica under load, peak ${peakRps}`);
    assert.match(textStatus, /AUTOSCALED\s+CURRENT\s+DESIRED\s+MIN–MAX/);
    assert.match(textStatus, /api\s+\d\s+\d\s+1–4\s+cpu \d+%\/50%, http_requests_per_second [\d.]+\/1000/);

    const settled = await waitFor(
      'the return to 1 replica',
      (s) => s.autoscale!.desiredReplicas === 1 && s.replicas.current === 1,
      (WINDOW_SECONDS + 6 * SYNC_SECONDS) * 1000,
    );
    assert.equal(settled.replicas.ready, 1);
    await sleep(2 * SYNC_SECONDS * 1000); // two more syncs: nothing moves

    const events = await rescales();
    const sizes = events.map((e) => e.size);
    const peak = sizes.indexOf(Math.max(...sizes));
    const rise = sizes.slice(0, peak + 1);
    const fall = sizes.slice(peak);
    const report = `sizes ${sizes.join(' → ')}; at ${events.map((e) => `+${((e.at - loadStartedAt) / 1000).toFixed(1)}s`).join(', ')} from the load's start (it ran ${((loadEndedAt - loadStartedAt) / 1000).toFixed(1)}s)`;
    console.log(`autoscale: ${report}`);
    assert.ok(sizes[peak]! >= 3, `the load needs 3–4 replicas: ${report}`);
    assert.deepEqual(
      rise,
      [...rise].sort((a, b) => a - b),
      `only up while loaded: ${report}`,
    );
    assert.deepEqual(
      fall,
      [...fall].sort((a, b) => b - a),
      `only down afterwards, no flapping: ${report}`,
    );
    assert.equal(sizes.at(-1), 1, `back to min: ${report}`);

    const firstUp = events[0]!.at - loadStartedAt;
    // Two periods, plus a second for timers on this shared machine.
    assert.ok(firstUp <= (2 * SYNC_SECONDS + 1) * 1000, `rose within two sync periods: ${report}`);
    const firstDownAt = events.find((e, i) => i > 0 && e.size < events[i - 1]!.size)!.at;
    assert.ok(firstDownAt >= loadEndedAt, `did not fall while loaded: ${report}`);
    // The window holds the highest recommendation of the last 12 s. The first sync whose
    // recommendation is lower records ScaleDownStabilized; the higher one came a sync earlier, so
    // the fall comes at least a window after that: window − one period after the event (one more
    // period of slack for a late timer on a busy machine). Measured from the autoscaler's own
    // event, not from the load generator's end, which a busy machine blurs.
    const stabilized = (await daemonGet<EventRecord[]>('/v1/events?service=api&limit=500'))
      .filter((event) => event.reason === 'ScaleDownStabilized' && event.at <= firstDownAt)
      .map((event) => event.at);
    assert.ok(
      stabilized.length > 0,
      `a lower recommendation was held first (ScaleDownStabilized): ${report}`,
    );
    const held = firstDownAt - Math.max(...stabilized);
    assert.ok(
      held >= (WINDOW_SECONDS - 2 * SYNC_SECONDS) * 1000,
      `held for the ${WINDOW_SECONDS}s window: fell ${held}ms after ScaleDownStabilized: ${report}`,
    );
  });

  it('a manual scale of an autoscaled service says the autoscaler overrides it, which it does', async () => {
    assert.ok(loadEndedAt > 0, 'runs after the load test');
    const run = await gantry(['scale', 'api', '3', ...base]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /api scaled to 3\nnote: api is autoscaled \(1–4 replicas\): like a Kubernetes HPA, the autoscaler sets the count again at its next sync \(within 2s\)\./,
    );
    const before = (await rescales()).length;
    // As in Kubernetes, not at once: the new replicas have no CPU sample yet, which counts as 100 %
    // when scaling down, so the first recommendation keeps 3 and the window then holds it.
    await waitFor(
      'the autoscaler to undo the manual scale',
      (s) => s.replicas.desired === 1,
      (WINDOW_SECONDS + 4 * SYNC_SECONDS) * 1000,
    );
    const undone = (await rescales()).slice(before).map((e) => e.size);
    assert.deepEqual(
      undone,
      [...undone].sort((a, b) => b - a),
      `only down: ${undone.join(' → ')}`,
    );
    assert.equal(undone.at(-1), 1, `back to min: ${undone.join(' → ')}`);
  });
});
