/**
 * A release never promotes what it did not measure (issue 15), on the local platform with the
 * example app under real load on 127.0.0.1:
 * - a canary without steps is 10 → 25 → 50 → 100 %, every weight analysed; a bad one (errors, or
 *   only latency) is rolled back at 10 % with almost nothing failed, a good one goes out with 0;
 * - errors that start only once the new version has all the traffic are caught by the bake, for a
 *   canary and for blue-green, and traffic goes back at once;
 * - a service nobody sends traffic to pauses instead of passing, and `gantry promote` accepts it
 *   "without analysis"; with `analysis.loadTest` Gantry measures it itself, good or bad;
 * - `analysis: { enabled: false }` promotes, and every surface says "not analysed";
 * - a release right after `gantry up --detach` ends with every replica it wants ready;
 * - `gantry up` after `gantry down` runs the version last released.
 * Timings are shortened (analysis every 2 s) and what each case measured is printed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DaemonStatus } from '../../src/daemon/status.ts';
import { isAlive } from '../../src/local/process.ts';
import type { EventRecord } from '../../src/local/store.ts';
import type { VersionState } from '../../src/platform/platform.ts';
import type { ReleaseState } from '../../src/rollout/state.ts';
import { gantry, ROOT, specDir } from '../support/gantry.ts';
import { startLoad } from '../support/load.ts';

const SERVER = join(ROOT, 'examples/shop/api/server.js');
const service = (name: string, port: number, release: string, replicas = 3) => `  ${name}:
    run: node ${SERVER}
    port: ${port}
    health:
      readiness: { path: /health/ready, periodSeconds: 1 }
    replicas: ${replicas}
    release:
${release}`;

const FAST = '      analysis: { intervalSeconds: 2, minRequests: 10 }\n';
const SPEC = `app: safetytest
services:
${service('api', 8000, `      strategy: canary\n      progressDeadlineSeconds: 20\n${FAST}`)}
${service('late', 8001, `      strategy: canary\n      steps: [ {weight: 50}, {weight: 100} ]\n      bakeSeconds: 30\n${FAST}`)}
${service('web', 8002, `      strategy: blue-green\n      bakeSeconds: 20\n${FAST}`, 2)}
${service('quiet', 8003, `      strategy: rolling\n${FAST}`, 1)}
${service('measured', 8004, `      strategy: rolling\n      analysis:\n        intervalSeconds: 2\n        minRequests: 10\n        loadTest: { requests: [ { path: /api/products } ], rate: 20 }\n`, 1)}
${service('plain', 8005, '      strategy: canary\n      analysis: { enabled: false }\n', 1)}
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

type Rollout = { release: ReleaseState & { analysis: string }; versions: VersionState[] };
const rollout = (name: string) => api<Rollout>(`/v1/services/${name}/rollout`);
const urlOf = async (name: string) => (await status()).services.find((s) => s.name === name)!.url!;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * Deploys and waits (`--wait`), with load on the service's own URL meanwhile: from 0.3 s before
 * the deploy until 0.5 s after it, and for at least `windowSeconds` in all (the window a failure
 * rate is taken over, as a user watching the service for that long would count).
 */
async function deployUnderLoad(name: string, version: string, extra: string[] = [], windowSeconds = 0) {
  const loadStarted = Date.now();
  const load = startLoad(`${await urlOf(name)}/api/products`, { concurrency: 6, maxSeconds: 150 });
  await sleep(300);
  const started = Date.now();
  const run = await gantry(['deploy', name, '--version', version, '--wait', ...base, ...extra], {
    timeoutMs: 150_000,
  });
  const endedAt = Date.now();
  await sleep(Math.max(500, loadStarted + windowSeconds * 1000 - Date.now()));
  const result = await load.stop();
  return { run, result, started, endedAt, total: result.ok + result.failed };
}

describe('releases never promote what they did not measure (local platform, real load)', {
  timeout: 900_000,
}, () => {
  before(async () => {
    const up = await gantry(['up', ...base, '--detach', '--ephemeral-ports']);
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    await status();
  });

  after(async () => {
    await status().catch(() => undefined);
    await gantry(['down', ...base]);
    for (const pid of seenPids) if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a release right after `gantry up --detach`, measured by its own load test, ends with every replica ready', async () => {
    const run = await gantry(['deploy', 'measured', '--version', 'm2', '--wait', ...base]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const { release, versions } = await rollout('measured');
    assert.equal(release.status, 'succeeded', release.message);
    assert.equal(release.analysis, 'analysed');
    const m2 = versions.find((v) => v.version === 'm2')!;
    assert.ok(m2.desired >= 1 && m2.ready === m2.desired, JSON.stringify(versions));
    const events = await api<EventRecord[]>('/v1/events?service=measured&limit=200');
    assert.ok(events.some((e) => /LoadTestStarted/.test(e.reason)));
    assert.ok(
      events.some((e) => e.reason === 'AnalysisPassed' && /bake of m2/.test(e.message)),
      'the bake measured the load test’s requests',
    );
  });

  it('with analysis.loadTest a bad version of a quiet service is measured and rolled back', async () => {
    const run = await gantry([
      'deploy',
      'measured',
      '--version',
      'm3',
      '--wait',
      '--set-env',
      'FAULT_ERROR_RATE=0.5',
      ...base,
    ]);
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, /measured m3 rolled-back: analysis failed/);
    assert.equal((await rollout('measured')).versions.find((v) => v.version === 'm2')?.weight, 100);
  });

  it('a canary without steps, 30 % errors: rolled back at 10 %, ≤ 0.5 % of requests failed, exit 1, all traffic back', async () => {
    const { run, result, endedAt, total } = await deployUnderLoad(
      'api',
      'v2',
      ['--set-env', 'FAULT_ERROR_RATE=0.3'],
      10,
    );
    assert.equal(run.code, 1, run.stdout);
    const { release, versions } = await rollout('api');
    assert.equal(release.status, 'rolled-back');
    assert.match(release.reason ?? '', /^analysis failed: success rate/);
    const failedPct = (100 * result.failed) / total;
    const seconds = result.firstFailureAt ? (release.endedAt! - result.firstFailureAt) / 1000 : 0;
    console.log(
      `bad canary (default steps): ${seconds.toFixed(2)} s from the first failed request to 100 % stable; ${result.failed} of ${total} requests in 10 s failed (${failedPct.toFixed(3)} %); deploy --wait took ${((endedAt - release.startedAt) / 1000).toFixed(1)} s`,
    );
    assert.ok(result.failed > 0, 'the fault was real');
    assert.ok(failedPct <= 0.5, `${failedPct} % failed`);
    assert.equal(versions.find((v) => v.version === 'v1')?.weight, 100);
    assert.equal(versions.find((v) => v.version === 'v2')?.desired ?? 0, 0);
  });

  it('a canary without steps, a good version: 10 → 25 → 50 → 100 %, each analysed, the bake, 0 failed, exit 0', async () => {
    const { run, result, started, endedAt } = await deployUnderLoad('api', 'v3');
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.equal(result.failed, 0, JSON.stringify(result.reasons));
    const { release } = await rollout('api');
    assert.equal(release.status, 'succeeded');
    assert.equal(release.analysis, 'analysed');
    const events = await api<EventRecord[]>('/v1/events?service=api&limit=500');
    const v3 = events.filter((e) => e.message.startsWith('[v3]')).reverse();
    const weights = v3.flatMap((e) =>
      e.reason === 'StepAdvanced' ? [/at (\d+) %/.exec(e.message)?.[1]] : [],
    );
    assert.deepEqual(weights.filter(Boolean), ['10', '25', '50', '100']);
    assert.equal(
      v3.filter((e) => e.reason === 'AnalysisPassed' && /\] analysis of v3/.test(e.message)).length,
      3,
    );
    assert.ok(
      v3.some((e) => e.reason === 'AnalysisPassed' && /bake of v3/.test(e.message)),
      'baked',
    );
    console.log(
      `good canary (default steps): ${((endedAt - started) / 1000).toFixed(1)} s, 0 of ${result.ok} failed`,
    );
  });

  it('a latency-only regression (FAULT_LATENCY_MS=400) is rolled back on p95', async () => {
    const { run } = await deployUnderLoad('api', 'v4', ['--set-env', 'FAULT_LATENCY_MS=400']);
    assert.equal(run.code, 1, run.stdout);
    const { release } = await rollout('api');
    assert.equal(release.status, 'rolled-back');
    assert.match(release.reason ?? '', /p95 \d+ms > 200ms/);
  });

  it('errors that start only after 100 % (FAULT_ERROR_AFTER_MS) are caught by the bake: rolled back, exit 1', async () => {
    const { run, result, total } = await deployUnderLoad('late', 'l2', [
      '--set-env',
      'FAULT_ERROR_RATE=0.3',
      '--set-env',
      'FAULT_ERROR_AFTER_MS=12000',
    ]);
    assert.equal(run.code, 1, run.stdout);
    const { release, versions } = await rollout('late');
    assert.equal(release.status, 'rolled-back');
    assert.match(
      release.reason ?? '',
      /^analysis failed during the bake: /,
      'the errors started after 100 %',
    );
    assert.equal(versions.find((v) => v.version === 'v1')?.weight, 100);
    console.log(
      `late fault, canary: ${result.failed} of ${total} failed (${((100 * result.failed) / total).toFixed(2)} %)`,
    );
  });

  it('blue-green whose new colour fails after the switch is switched back within the bake', async () => {
    const { run, result } = await deployUnderLoad('web', 'w2', [
      '--set-env',
      'FAULT_ERROR_RATE=0.3',
      '--set-env',
      'FAULT_ERROR_AFTER_MS=6000',
    ]);
    assert.equal(run.code, 1, run.stdout);
    const { release, versions } = await rollout('web');
    assert.equal(release.status, 'rolled-back');
    assert.match(release.reason ?? '', /^analysis failed during the bake: /);
    assert.ok((result.versions.w2 ?? 0) > 0, 'w2 had all the traffic before it failed');
    assert.equal(versions.find((v) => v.version === 'v1')?.weight, 100);
  });

  it('a service without traffic pauses instead of passing; `gantry promote` accepts it without analysis', async () => {
    const deploy = await gantry(['deploy', 'quiet', '--version', 'q2', ...base]);
    assert.equal(deploy.code, 0, deploy.stderr);
    await until('the pause for data', async () => (await rollout('quiet')).release.status === 'paused');
    const paused = await gantry(['rollout', 'status', 'quiet', ...base]);
    assert.match(paused.stdout, /paused, cannot judge q2: 0 requests < minRequests 10/);
    assert.match(paused.stdout, /`gantry promote quiet` to accept it without analysis/);
    assert.equal((await gantry(['promote', 'quiet', ...base])).code, 0);
    await until('the end', async () => (await rollout('quiet')).release.status === 'succeeded');
    const { release } = await rollout('quiet');
    assert.equal(release.analysis, 'promoted without analysis');
    const history = await gantry(['history', 'quiet', ...base]);
    assert.match(history.stdout, /q2 +rolling +succeeded +promoted without analysis/);
  });

  it('`analysis: { enabled: false }` promotes, and deploy, rollout status, history and the dashboard’s feed say "not analysed"', async () => {
    const run = await gantry(['deploy', 'plain', '--version', 'p2', '--wait', ...base]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /not analysed/);
    assert.match((await gantry(['rollout', 'status', 'plain', ...base])).stdout, /not analysed/);
    assert.match((await gantry(['history', 'plain', ...base])).stdout, /p2 +canary +succeeded +not analysed/);
    // What the dashboard draws (release-view.ts shows `analysis` beside the strategy and status).
    assert.equal((await rollout('plain')).release.analysis, 'not analysed');
  });

  it('`gantry up` after `gantry down` runs the version last released, and records no release nobody asked for', async () => {
    const before = JSON.parse(
      (await gantry(['history', 'api', ...base, '--output', 'json'])).stdout,
    ) as ReleaseState[];
    await status();
    assert.equal((await gantry(['down', ...base])).code, 0);
    const up = await gantry(['up', ...base, '--detach', '--ephemeral-ports']);
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    const current = await status();
    assert.equal(current.services.find((s) => s.name === 'api')?.version, 'v3', 'the last good canary');
    assert.equal(current.services.find((s) => s.name === 'measured')?.version, 'm2');
    const afterUp = JSON.parse(
      (await gantry(['history', 'api', ...base, '--output', 'json'])).stdout,
    ) as ReleaseState[];
    assert.deepEqual(
      afterUp.map((r) => r.id),
      before.map((r) => r.id),
    );
    const events = await api<EventRecord[]>('/v1/events?service=api&limit=50');
    assert.ok(
      events.some((e) => e.reason === 'Restored' && /runs v3, the version last released/.test(e.message)),
    );
  });
});

describe('a new user: `gantry init`, `gantry up --detach`, then the first `gantry deploy` at once', {
  timeout: 300_000,
}, () => {
  const project = mkdtempSync(join(tmpdir(), 'gantry-init-'));
  const spec = join(project, 'gantry.yaml');
  const pids = new Set<number>();
  after(async () => {
    await gantry(['down', '-f', spec]);
    for (const pid of pids) if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
    rmSync(project, { recursive: true, force: true });
  });

  it('is measured by the starter’s own load test, without outside traffic, and ends with every replica ready', async () => {
    // The smallest app a new user has: one page on PORT.
    writeFileSync(
      join(project, 'server.js'),
      "require('node:http').createServer((q, r) => r.end('hello')).listen(process.env.PORT, '127.0.0.1');\n",
    );
    assert.equal((await gantry(['init'], { cwd: project })).code, 0);
    const up = await gantry(['up', '--detach', '--ephemeral-ports'], { cwd: project });
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    const run = await gantry(['deploy', 'web', '--version', '0.2.0', '--wait'], { cwd: project });
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const current = JSON.parse(
      (await gantry(['status', '--output', 'json'], { cwd: project })).stdout,
    ) as DaemonStatus;
    const web = current.services.find((s) => s.name === 'web')!;
    for (const r of web.replicas.items) if (r.pid) pids.add(r.pid);
    assert.equal(web.version, '0.2.0');
    assert.ok(
      web.replicas.desired >= 2 && web.replicas.ready === web.replicas.desired,
      JSON.stringify(web.replicas),
    );
    const history = await gantry(['history', 'web'], { cwd: project });
    assert.match(history.stdout, /0\.2\.0 +rolling +succeeded +analysed/);
  });
});
