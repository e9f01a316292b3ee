/**
 * The release manager on the in-memory platform and store: starting releases and what it
 * refuses, requests filed by anyone and taken once, a rollback that ends a release in flight, and
 * a new host (a restarted daemon, another controller) taking over where the last one stopped.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryPlatform } from '../platform/memory-platform.ts';
import type { VersionMetrics } from '../platform/platform.ts';
import type { ServiceModel } from '../spec/model.ts';
import { NO_HTTP, serviceWith, T0 } from './fixtures.test-support.ts';
import { ReleaseManager, ReleaseRefused } from './manager.ts';
import { MemoryReleaseStore } from './memory-store.ts';
import { isActive, type ReleaseState } from './state.ts';

const GOOD: VersionMetrics = {
  windowSeconds: 2,
  requests: 100,
  errors: 0,
  successRate: 1,
  requestsPerSecond: 50,
  latencyP50Ms: 5,
  latencyP95Ms: 10,
  latencyP99Ms: 10,
};

function setup(release = '{ strategy: canary, analysis: { intervalSeconds: 2, minRequests: 10 } }') {
  const spec = serviceWith(release);
  const platform = new MemoryPlatform({ api: { v1: { replicas: 3, weight: 100 } } });
  platform.measure = () => GOOD;
  const store = new MemoryReleaseStore();
  const clock = { now: T0 };
  const events: string[] = [];
  const manager = () =>
    new ReleaseManager({
      store,
      platform: () => platform,
      event: (_service, _type, reason, message) => events.push(`${reason}: ${message}`),
      now: () => clock.now,
      sendCheck: NO_HTTP,
    });
  return { spec, platform, store, clock, events, manager };
}

/** Ticks every 250 ms of the test's clock until `done` or `seconds` pass. */
async function run(
  manager: ReleaseManager,
  clock: { now: number },
  seconds: number,
  done: () => Promise<boolean>,
): Promise<void> {
  const end = clock.now + seconds * 1000;
  while (clock.now < end && !(await done())) {
    await manager.tick();
    clock.now += 250;
  }
}

const unchanged = (base: ServiceModel | undefined) => base!;

describe('ReleaseManager', () => {
  it('deploys from the serving revision, and runs the release to its end', async () => {
    const { spec, platform, manager, clock } = setup();
    const m = manager();
    await m.recordInitial(spec, 'v1', 'started v1');
    const started = await m.deploy('api', { version: 'v2', revise: unchanged });
    assert.deepEqual([started.version, started.stable, started.replicas], ['v2', 'v1', 3]);
    await run(m, clock, 120, async () => !isActive((await m.current('api'))!));
    assert.equal((await m.current('api'))?.status, 'succeeded');
    assert.equal((await platform.observe('api')).versions.find((v) => v.version === 'v2')?.weight, 100);
    assert.deepEqual(
      (await m.history('api')).map((r) => `${r.id} ${r.version} ${r.status}`),
      ['1 v1 succeeded', '2 v2 succeeded'],
    );
  });

  it('refuses, in words: a bad version name, one already running, a second release while one runs', async () => {
    const { spec, manager } = setup();
    const m = manager();
    await m.recordInitial(spec, 'v1', 'started v1');
    const refused = async (work: Promise<unknown>, kind: ReleaseRefused['kind'], message: RegExp) => {
      await assert.rejects(work, (error: unknown) => {
        assert.ok(error instanceof ReleaseRefused, String(error));
        assert.equal(error.kind, kind);
        assert.match(error.message, message);
        return true;
      });
    };
    await refused(
      m.rollbackTo('api', 7),
      'not-found',
      /^cannot roll back api: no revision 7 in the last 1 \(revisions 1\)$/,
    );
    await refused(
      m.deploy('api', { version: '../x', revise: unchanged }),
      'invalid',
      /version must be letters/,
    );
    await refused(m.deploy('api', { version: 'v1', revise: unchanged }), 'conflict', /api already runs v1/);
    await m.deploy('api', { version: 'v2', revise: unchanged });
    await refused(
      m.deploy('api', { version: 'v3', revise: unchanged }),
      'conflict',
      /^a release of api is in progress \(v2: starting\); wait, or `gantry abort api`$/,
    );
  });

  it('a request filed from anywhere is taken by the host that runs the release, once', async () => {
    const { spec, store, manager, clock } = setup(
      '{ strategy: canary, steps: [ {weight: 50}, {pause: {}}, {weight: 100} ], analysis: { intervalSeconds: 2, minRequests: 10 } }',
    );
    const host = manager();
    await host.recordInitial(spec, 'v1', 'started v1');
    await host.deploy('api', { version: 'v2', revise: unchanged });
    await run(host, clock, 60, async () => (await host.current('api'))?.status === 'paused');
    // Another process (the CLI on another machine) files the promote through its own manager.
    const elsewhere = manager();
    await elsewhere.request('api', 'promote');
    await run(host, clock, 120, async () => !isActive((await host.current('api'))!));
    assert.equal((await host.current('api'))?.status, 'succeeded');
    assert.equal(await store.takeRequest('api'), undefined, 'taken once');
    await assert.rejects(elsewhere.request('api', 'abort'), /release 2 of api is succeeded, not in progress/);
  });

  it('a rollback during a release is its abort: back on the version it was replacing', async () => {
    const { spec, manager, clock } = setup(
      '{ strategy: canary, steps: [ {weight: 25}, {pause: {}}, {weight: 100} ], analysis: { intervalSeconds: 2, minRequests: 10 } }',
    );
    const m = manager();
    await m.recordInitial(spec, 'v1', 'started v1');
    const ended = async () => !isActive((await m.current('api'))!);
    await m.deploy('api', { version: 'v2', revise: unchanged });
    await run(m, clock, 60, async () => (await m.current('api'))?.status === 'paused');
    await m.request('api', 'promote');
    await run(m, clock, 120, ended);
    await m.deploy('api', { version: 'v3', revise: unchanged });
    await run(m, clock, 60, async () => (await m.current('api'))?.status === 'paused');
    const aborting = await m.rollbackTo('api');
    assert.equal(aborting.version, 'v3', 'the release in progress is the one it ends');
    await run(m, clock, 10, ended);
    const back = await m.rollbackTo('api');
    assert.deepEqual([back.strategy, back.version, back.stable], ['rollback', 'v1', 'v2']);
    await run(m, clock, 60, ended);
    assert.deepEqual(
      (await m.history('api')).map((r: ReleaseState) => `${r.version} ${r.strategy} ${r.status}`),
      ['v1 rolling succeeded', 'v2 canary succeeded', 'v3 canary aborted', 'v1 rollback succeeded'],
    );
  });

  it('a new host takes over a release in flight at the same step, and says so', async () => {
    const { spec, store, manager, clock, events } = setup(
      '{ strategy: canary, steps: [ {weight: 50}, {pause: {}}, {weight: 100} ], analysis: { intervalSeconds: 2, minRequests: 10 } }',
    );
    const first = manager();
    await first.recordInitial(spec, 'v1', 'started v1');
    await first.deploy('api', { version: 'v2', revise: unchanged });
    await run(first, clock, 60, async () => (await first.current('api'))?.status === 'paused');
    const step = (await first.current('api'))!.step;
    // The first host dies; a second one over the same store and platform takes over.
    const second = manager();
    await second.adopt();
    assert.ok(events.some((e) => e.startsWith(`ReleaseResumed: resumed release 2 of v2 at:`)));
    assert.equal((await second.current('api'))?.step, step);
    await store.fileRequest('api', 'promote');
    await run(second, clock, 120, async () => !isActive((await second.current('api'))!));
    assert.equal((await second.current('api'))?.status, 'succeeded');
  });
});
