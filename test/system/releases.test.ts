/**
 * Releases on the local platform with the example app, under real load on 127.0.0.1:
 * good versions go out with zero failed requests (canary, rolling, blue-green); bad ones
 * (errors, latency, never ready, failing smoke checks) are rolled back by themselves; a
 * daemon killed mid-release resumes at the same step. Timings are shortened for the test
 * (analysis every 2 s, pauses of 2–3 s, a 10 s progress deadline) and printed.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DaemonStatus } from '../../src/daemon/status.ts';
import { isAlive } from '../../src/local/process.ts';
import type { VersionState } from '../../src/platform/platform.ts';
import type { ReleaseState } from '../../src/rollout/state.ts';
import { gantry, ROOT, specDir } from '../support/gantry.ts';
import { startLoad } from '../support/load.ts';

const SPEC = `app: releasetest
services:
  api:
    run: node ${join(ROOT, 'examples/shop/api/server.js')}
    port: 8000
    health:
      readiness: { path: /health/ready, periodSeconds: 1 }
      liveness: { path: /health/live, periodSeconds: 2 }
    replicas: 3
    release:
      strategy: canary
      maxSurge: 1
      maxUnavailable: 0
      progressDeadlineSeconds: 10
      scaleDownDelaySeconds: 5
      steps:
        - weight: 10
        - pause: 3s
        - weight: 25
        - analysis: {}
        - weight: 50
        - pause: 2s
        - weight: 100
      analysis: { intervalSeconds: 2, minRequests: 10, successRate: 0.99, latencyP95Ms: 200 }
  web:
    run: node ${join(ROOT, 'examples/shop/api/server.js')}
    port: 8080
    health:
      readiness: { path: /health/ready, periodSeconds: 1 }
    replicas: 2
    release:
      strategy: blue-green
      progressDeadlineSeconds: 10
      scaleDownDelaySeconds: 5
      analysis: { intervalSeconds: 2, minRequests: 10 }
      smoke:
        - { path: /api/products, status: 200 }
`;

const { dir, file } = specDir(SPEC);
const base = ['-f', file];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seenPids = new Set<number>();

function daemonUrl(): string {
  return (JSON.parse(readFileSync(join(dir, '.gantry', 'daemon.json'), 'utf8')) as { url: string }).url;
}

async function api<T>(path: string): Promise<T> {
  return (await (await fetch(`${daemonUrl()}${path}`)).json()) as T;
}

async function status(): Promise<DaemonStatus> {
  const current = await api<DaemonStatus>('/v1/status');
  for (const s of current.services) for (const r of s.replicas.items) if (r.pid) seenPids.add(r.pid);
  return current;
}

async function rollout(): Promise<{ release: ReleaseState; versions: VersionState[] }> {
  return api('/v1/services/api/rollout');
}

async function lbUrl(): Promise<string> {
  return (await status()).services.find((s) => s.name === 'api')!.url!;
}

/** Waits for the current release to end; returns it and when it ended. */
async function finished(timeoutMs = 90_000): Promise<ReleaseState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { release } = await rollout();
    if (['succeeded', 'rolled-back', 'aborted'].includes(release.status)) return release;
    assert.ok(Date.now() < deadline, `release still ${release.status}: ${release.message}`);
    await sleep(100);
  }
}

async function deploy(version: string, ...extra: string[]) {
  const run = await gantry(['deploy', 'api', '--version', version, ...base, ...extra]);
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
}

describe('releases (local platform, example app, real load)', { timeout: 600_000 }, () => {
  before(async () => {
    const run = await gantry(['up', ...base, '--detach', '--ephemeral-ports']);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    await status();
  });

  after(async () => {
    await status().catch(() => undefined);
    await gantry(['down', ...base]);
    for (const pid of seenPids) if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  for (const strategy of ['canary', 'rolling', 'blue-green'] as const) {
    const version = { canary: 'v2', rolling: 'v3', 'blue-green': 'v4' }[strategy];
    it(`a good ${version} by ${strategy} goes out under load with 0 failed requests`, async () => {
      const load = startLoad(`${await lbUrl()}/api/products`, { concurrency: 6, maxSeconds: 120 });
      await sleep(300);
      const run = await gantry([
        'deploy',
        'api',
        '--version',
        version,
        '--strategy',
        strategy,
        '--wait',
        ...base,
      ]);
      await sleep(300);
      const result = await load.stop();
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      const release = (await rollout()).release;
      assert.equal(release.status, 'succeeded', release.message);
      assert.ok(result.ok > 300, `load too small: ${result.ok}`);
      assert.equal(result.failed, 0, `failed: ${JSON.stringify(result.reasons)}`);
      assert.ok((result.versions[version] ?? 0) > 0, 'the new version served traffic');
      const versions = (await rollout()).versions;
      assert.equal(versions.find((v) => v.version === version)?.weight, 100);
    });
  }

  it('rolls back a canary answering 30 % errors, within the bound weight × detection time allows', async () => {
    const stable = (await rollout()).release.version;
    const load = startLoad(`${await lbUrl()}/api/products`, { concurrency: 6, maxSeconds: 120 });
    await sleep(500);
    const started = Date.now();
    await deploy('v5', '--strategy', 'canary', '--set-env', 'FAULT_ERROR_RATE=0.3');
    const release = await finished();
    const rolledBackAt = Date.now();
    await sleep(1000);
    const result = await load.stop();
    assert.equal(release.status, 'rolled-back');
    assert.match(release.reason ?? '', /^analysis failed: success rate \d+\.\d+% < 99\.00%/);
    const total = result.ok + result.failed;
    const seconds = (rolledBackAt - (result.firstFailureAt ?? started)) / 1000;
    const rps = total / ((Date.now() - started) / 1000);
    // At 10 % weight, 30 % of the canary's share fails until the rollback switches traffic.
    const bound = Math.ceil(0.1 * 0.3 * rps * (seconds + 1) * 2);
    console.log(
      `bad canary: ${seconds.toFixed(1)} s from the first failed request to rollback; ${result.failed} of ${total} requests failed (${((100 * result.failed) / total).toFixed(2)} %), bound ${bound}`,
    );
    assert.ok(result.failed > 0, 'the fault was real');
    assert.ok(result.failed <= bound, `${result.failed} failed > bound ${bound}`);
    assert.ok(seconds <= 10, `took ${seconds}s`);
    const after = await rollout();
    assert.equal(after.versions.find((v) => v.version === stable)?.weight, 100, 'all traffic back on stable');
    assert.equal(
      after.versions.find((v) => v.version === 'v5')?.desired ?? 0,
      0,
      'the bad version scaled to zero',
    );
    // The load's last responses all came from stable.
    const tail = startLoad(`${await lbUrl()}/api/products`, { concurrency: 2, maxSeconds: 2 });
    await sleep(1000);
    const check = await tail.stop();
    assert.deepEqual(Object.keys(check.versions), [stable]);
    assert.equal(check.failed, 0);
  });

  it('rolls back a canary that is slow (FAULT_LATENCY_MS=400) on latency', async () => {
    const load = startLoad(`${await lbUrl()}/api/products`, { concurrency: 6, maxSeconds: 120 });
    await sleep(300);
    await deploy('v6', '--strategy', 'canary', '--set-env', 'FAULT_LATENCY_MS=400');
    const release = await finished();
    await load.stop();
    assert.equal(release.status, 'rolled-back');
    assert.match(release.reason ?? '', /p95 \d+ms > 200ms/);
  });

  it('a blue-green release whose smoke check fails never receives user traffic', async () => {
    const web = (await status()).services.find((x) => x.name === 'web')!;
    const load = startLoad(`${web.url}/api/products`, { concurrency: 4, maxSeconds: 120 });
    await sleep(300);
    const run = await gantry([
      'deploy',
      'web',
      '--version',
      'w2',
      ...base,
      '--set-env',
      'FAULT_ERROR_RATE=1',
      '--wait',
    ]);
    await sleep(300);
    const result = await load.stop();
    assert.equal(run.code, 1, 'a waiting deploy that was rolled back exits 1');
    assert.match(
      run.stderr,
      /web w2 rolled-back: smoke check failed: GET \/api\/products: status 500, expected 200/,
    );
    assert.equal(result.failed, 0, JSON.stringify(result.reasons));
    assert.deepEqual(Object.keys(result.versions), [web.version!], 'every response came from the old colour');
  });

  it('a rolling release that never becomes ready hits its progress deadline and rolls back with no failed request', async () => {
    const load = startLoad(`${await lbUrl()}/api/products`, { concurrency: 4, maxSeconds: 120 });
    await sleep(300);
    await deploy('v8', '--strategy', 'rolling', '--set-env', 'FAULT_NEVER_READY=1');
    const release = await finished();
    const result = await load.stop();
    assert.equal(release.status, 'rolled-back');
    assert.match(release.reason ?? '', /progress deadline exceeded/);
    assert.equal(result.failed, 0, JSON.stringify(result.reasons));
    assert.equal(result.versions.v8 ?? 0, 0);
  });

  it('resumes a canary at the same step after the daemon is SIGKILLed during a pause', async () => {
    await deploy('v9', '--strategy', 'canary');
    // Wait for the first pause (step 2).
    const deadline = Date.now() + 30_000;
    let release = (await rollout()).release;
    while (release.step !== 1) {
      assert.ok(Date.now() < deadline, `never reached the pause: ${release.message}`);
      await sleep(100);
      release = (await rollout()).release;
    }
    const daemon = JSON.parse(readFileSync(join(dir, '.gantry', 'daemon.json'), 'utf8')) as { pid: number };
    process.kill(daemon.pid, 'SIGKILL');
    await sleep(300);
    const up = await gantry(['up', ...base, '--detach', '--ephemeral-ports']);
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    const resumed = (await rollout()).release;
    assert.equal(resumed.id, release.id, 'the same release');
    assert.ok(resumed.step >= 1, `resumed at step ${resumed.step + 1}`);
    // The analysis step ahead needs traffic: silence is never taken for success.
    const load = startLoad(`${await lbUrl()}/api/products`, { concurrency: 4, maxSeconds: 120 });
    const done = await finished().finally(() => load.stop());
    assert.equal(done.id, release.id);
    assert.equal(done.status, 'succeeded', done.message);
    const events = await api<{ reason: string }[]>('/v1/events?service=api&limit=500');
    assert.ok(
      events.some((e) => e.reason === 'ReleaseResumed'),
      'a ReleaseResumed event',
    );
  });

  it('rolls back to the previous revision on request, and keeps the history', async () => {
    const run = await gantry(['rollback', 'api', ...base]);
    assert.equal(run.code, 0, run.stderr);
    const release = await finished();
    assert.equal(release.strategy, 'rollback');
    assert.equal(release.status, 'succeeded');
    assert.equal(release.version, 'v4', 'the last good revision before v9');
    const history = await gantry(['history', 'api', ...base, '--output', 'json']);
    const revisions = JSON.parse(history.stdout) as ReleaseState[];
    assert.deepEqual(
      revisions.map((r) => `${r.version}:${r.status}`),
      [
        'v1:succeeded',
        'v2:succeeded',
        'v3:succeeded',
        'v4:succeeded',
        'v5:rolled-back',
        'v6:rolled-back',
        'v8:rolled-back',
        'v9:succeeded',
        'v4:succeeded',
      ],
    );
  });
});
