/**
 * The release runner on the in-memory platform, tick by tick on a clock the test moves: what
 * the release does when its measurements pass, fail, fail late, or cannot judge at all, and
 * what a person's promote and abort do then. The strategies' arithmetic has its own tables;
 * these pin the engine around them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryPlatform } from '../platform/memory-platform.ts';
import { NO_METRICS, type VersionMetrics } from '../platform/platform.ts';
import { NO_HTTP, serviceWith, T0 } from './fixtures.test-support.ts';
import type { LoadTally } from './load-test.ts';
import { ReleaseRunner } from './runner.ts';
import type { SendCheck } from './smoke.ts';
import { isActive, type ReleaseState, type Strategy, startingRelease } from './state.ts';

const TICK_MS = 250;

/** A version answering `requests` in the window with `errors` of them failed, at `p95` ms. */
const measured = (requests: number, errors = 0, p95 = 10): VersionMetrics => ({
  windowSeconds: 2,
  requests,
  errors,
  successRate: requests === 0 ? null : (requests - errors) / requests,
  requestsPerSecond: requests / 2,
  latencyP50Ms: requests === 0 ? null : p95 / 2,
  latencyP95Ms: requests === 0 ? null : p95,
  latencyP99Ms: requests === 0 ? null : p95,
});
const GOOD = measured(100);

interface Setup {
  release: string;
  strategy?: Strategy;
  /** What v2 measures, given the release as it is now (v1 always measures GOOD). */
  v2?: (state: ReleaseState) => VersionMetrics;
  readyAtOnce?: boolean;
  load?: LoadTally;
  /** What a smoke check's request gets back. */
  sendCheck?: SendCheck;
}

function harness(setup: Setup) {
  const spec = serviceWith(setup.release);
  const platform = new MemoryPlatform(
    { api: { v1: { replicas: 3, weight: 100 } } },
    { readyAtOnce: setup.readyAtOnce ?? true },
  );
  let now = T0;
  const events: string[] = [];
  const loadTests: string[] = [];
  const strategy = setup.strategy ?? spec.release.strategy;
  const runner: ReleaseRunner = new ReleaseRunner(
    { ...startingRelease({ service: 'api', version: 'v2', stable: 'v1', strategy, replicas: 3 }, T0), id: 2 },
    {
      platform,
      specFor: () => spec,
      save: () => {},
      event: (_state, _type, reason, message) => events.push(`${reason}: ${message}`),
      now: () => now,
      sendCheck: setup.sendCheck ?? NO_HTTP,
      startLoadTest: (url) => {
        loadTests.push(url);
        return { take: () => setup.load ?? { sent: 0, unexpected: 0 }, stop: () => {} };
      },
    },
  );
  platform.measure = (_service, version) =>
    version === 'v2' ? (setup.v2 ?? (() => GOOD))(runner.state) : GOOD;
  return {
    platform,
    runner,
    events,
    loadTests,
    get now() {
      return now;
    },
    /** Ticks until the release ends, `until` holds, or `seconds` of release time pass. */
    async run(seconds: number, until: (state: ReleaseState) => boolean = () => false) {
      const end = now + seconds * 1000;
      while (now < end && runner.live && !until(runner.state)) {
        await runner.tick();
        now += TICK_MS;
      }
      return runner.state;
    },
  };
}

const FAST = 'analysis: { intervalSeconds: 2, minRequests: 10 }';

describe('ReleaseRunner: smoke checks, through the HTTP client the host passes', () => {
  const SMOKE = 'smoke: [ { path: /healthz, status: 200, bodyContains: ok } ]';
  it('blue-green whose new colour answers 503: rolled back before the switch, v1 keeps all the traffic', async () => {
    const asked: string[] = [];
    const h = harness({
      release: `{ strategy: blue-green, ${FAST}, ${SMOKE} }`,
      sendCheck: async (url, check) => {
        asked.push(`${check.method} ${url}${check.path}`);
        return { status: 503, body: 'starting' };
      },
    });
    const state = await h.run(60);
    assert.equal(state.status, 'rolled-back');
    assert.ok(
      h.events.includes('SmokeFailed: GET /healthz: status 503, expected 200; body does not contain "ok"'),
      h.events.join('\n'),
    );
    assert.deepEqual(
      asked.map((a) => a.replace(/^GET \S+?(\/healthz)$/, 'GET …$1')),
      ['GET …/healthz'],
    );
    assert.ok(!h.platform.calls.some((c) => /route api v2=100/.test(c)), 'never switched');
  });

  it('blue-green whose new colour answers the check: the switch goes ahead', async () => {
    const h = harness({
      release: `{ strategy: blue-green, ${FAST}, ${SMOKE} }`,
      sendCheck: async () => ({ status: 200, body: 'ok' }),
    });
    const state = await h.run(120);
    assert.equal(state.status, 'succeeded', state.message);
    assert.ok(h.events.includes('SmokePassed: GET /healthz: 200 ok'), h.events.join('\n'));
  });
});

describe('ReleaseRunner: a canary without steps', () => {
  it('a good version walks 10 → 25 → 50 → 100 %, each analysed, then the bake: succeeded, analysed', async () => {
    const h = harness({ release: `{ strategy: canary, ${FAST} }` });
    const state = await h.run(120);
    assert.equal(state.status, 'succeeded', state.message);
    assert.equal(state.analysed, 'yes');
    const routes = h.platform.calls.filter((c) => c.startsWith('route') && c.includes('v2='));
    assert.deepEqual(
      routes.map((c) => /v2=(\d+)/.exec(c)![1]),
      ['10', '25', '50', '100'],
    );
    // One passed gate at each of 10, 25 and 50 %, then two in the bake (two intervals by default).
    assert.equal(h.events.filter((e) => e.startsWith('AnalysisPassed: analysis of v2')).length, 3);
    assert.equal(h.events.filter((e) => e.startsWith('AnalysisPassed: bake of v2')).length, 2);
    assert.match(state.message, /passed the bake \(2 at 100 %\)$/);
  });

  it('30 % errors at 10 %: rolled back before 25 %, all traffic back on v1', async () => {
    const h = harness({ release: `{ strategy: canary, ${FAST} }`, v2: () => measured(40, 12) });
    const state = await h.run(60);
    assert.equal(state.status, 'rolled-back');
    assert.match(state.reason ?? '', /^analysis failed: success rate 70\.00% < 99\.00%/);
    assert.ok(!h.platform.calls.some((c) => /v2=25/.test(c)), 'never at 25 %');
    const { versions } = await h.platform.observe('api');
    assert.deepEqual(
      versions.map((v) => [v.version, v.desired, v.weight]),
      [['v1', 3, 100]],
    );
  });

  it('errors that start only at 100 %: rolled back during the bake, v1 (still at full size) takes all traffic at once', async () => {
    const h = harness({
      release: `{ strategy: canary, ${FAST}, bakeSeconds: 10 }`,
      v2: (state) => (state.baking ? measured(100, 30) : GOOD),
    });
    const state = await h.run(120);
    assert.equal(state.status, 'rolled-back');
    assert.match(state.reason ?? '', /^analysis failed during the bake: success rate 70\.00%/);
    assert.ok(
      h.platform.calls.some((c) => /route api v2=100/.test(c)),
      'it had reached 100 %',
    );
    const { versions } = await h.platform.observe('api');
    assert.deepEqual(
      versions.map((v) => [v.version, v.desired, v.weight]),
      [['v1', 3, 100]],
    );
  });

  it('a p95 of 400 ms against 200: rolled back on latency', async () => {
    const h = harness({ release: `{ strategy: canary, ${FAST} }`, v2: () => measured(100, 0, 400) });
    const state = await h.run(60);
    assert.equal(state.status, 'rolled-back');
    assert.match(state.reason ?? '', /p95 400ms > 200ms/);
  });
});

describe('ReleaseRunner: a version that cannot be measured', () => {
  const QUIET = `{ strategy: canary, analysis: { intervalSeconds: 2, minRequests: 10, inconclusiveLimit: 3 } }`;

  it('pauses at the first measurement without data, and says what a person can do', async () => {
    const h = harness({ release: QUIET, v2: () => NO_METRICS });
    const state = await h.run(30, (s) => s.status === 'paused');
    assert.equal(state.status, 'paused');
    assert.equal(state.waitingForData, true);
    assert.equal(
      state.message,
      'paused, cannot judge v2: 0 requests < minRequests 10: too few to judge. Send it traffic, `gantry promote api` to accept it without analysis, or `gantry abort api`; rolled back after 2 more interval(s) without data',
    );
  });

  it('promote while it waits: accepted without analysis, all the way, and every surface can say so', async () => {
    const h = harness({ release: QUIET, v2: () => NO_METRICS });
    await h.run(30, (s) => s.status === 'paused');
    h.runner.request('promote');
    const state = await h.run(60);
    assert.equal(state.status, 'succeeded');
    assert.equal(state.analysed, 'unmeasured');
    assert.match(state.message, /— promoted without analysis$/);
    assert.ok(h.events.some((e) => e === 'PromotedUnmeasured: v2 accepted without analysis by a person'));
    const { versions } = await h.platform.observe('api');
    assert.equal(versions.find((v) => v.version === 'v2')?.weight, 100);
  });

  it('nobody comes: rolled back after inconclusiveLimit measurements without data', async () => {
    const h = harness({ release: QUIET, v2: () => NO_METRICS });
    const state = await h.run(60);
    assert.equal(state.status, 'rolled-back');
    assert.equal(
      state.reason,
      'no data to judge v2: 3 measurements in a row could not (0 requests < minRequests 10: too few to judge)',
    );
  });

  it('traffic comes back while it waits: progressing again, and promoted on its own measurements', async () => {
    let quiet = true;
    const h = harness({ release: QUIET, v2: () => (quiet ? NO_METRICS : GOOD) });
    await h.run(30, (s) => s.status === 'paused');
    quiet = false;
    const state = await h.run(120);
    assert.equal(state.status, 'succeeded');
    assert.equal(state.analysed, 'yes');
  });

  it('abort while it waits: aborted, v1 takes everything', async () => {
    const h = harness({ release: QUIET, v2: () => NO_METRICS });
    await h.run(30, (s) => s.status === 'paused');
    h.runner.request('abort');
    const state = await h.run(5);
    assert.equal(state.status, 'aborted');
    const { versions } = await h.platform.observe('api');
    assert.deepEqual(
      versions.map((v) => [v.version, v.weight]),
      [['v1', 100]],
    );
  });
});

describe('ReleaseRunner: the built-in load test', () => {
  const LOAD = `{ strategy: canary, analysis: { intervalSeconds: 2, minRequests: 10, loadTest: { requests: [ { path: /api/products } ], rate: 20 } } }`;

  it('starts against the new version alone (its preview) once it has a ready replica', async () => {
    const h = harness({ release: LOAD });
    const state = await h.run(120);
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(h.loadTests, ['memory://api/v2']);
    assert.ok(h.events.some((e) => e === 'LoadTestStarted: 20/s to v2: GET /api/products'));
  });

  it('a new version the load test cannot reach: said once, and the release goes on measured by its traffic', async () => {
    const h = harness({ release: LOAD });
    h.platform.preview = async () => {
      throw new Error('the service has no port');
    };
    const state = await h.run(120);
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(
      h.events.filter((e) => e.startsWith('LoadTest')),
      ['LoadTestFailed: cannot reach v2 for the load test: the service has no port'],
    );
  });

  it('answers the load test did not expect fail the analysis, even when no 5xx was counted', async () => {
    const h = harness({
      release: LOAD,
      load: { sent: 40, unexpected: 40, example: 'GET /api/products: status 404, expected 200' },
    });
    const state = await h.run(60);
    assert.equal(state.status, 'rolled-back');
    assert.match(
      state.reason ?? '',
      /load test: 40 of 40 answers unexpected \(GET \/api\/products: status 404, expected 200\)/,
    );
  });
});

describe('ReleaseRunner: analysis switched off', () => {
  it('promotes without measuring anything, and says "not analysed" from the first tick', async () => {
    const h = harness({
      release: '{ strategy: canary, analysis: { enabled: false } }',
      v2: () => NO_METRICS,
    });
    await h.runner.tick();
    assert.equal(h.runner.state.analysed, 'off');
    const state = await h.run(60);
    assert.equal(state.status, 'succeeded');
    assert.equal(state.analysed, 'off');
    assert.ok(!h.events.some((e) => e.startsWith('Analysis')), h.events.join('\n'));
  });
});

describe('ReleaseRunner: rolling, a failure in the bake', () => {
  it('brings v1 back and keeps v2 serving until v1 is ready, then scales v2 to 0', async () => {
    const h = harness({
      release: `{ strategy: rolling, maxSurge: 1, maxUnavailable: 0, ${FAST} }`,
      v2: (state) => (state.baking ? measured(100, 30) : GOOD),
      readyAtOnce: false,
    });
    // Replicas become ready one tick after they are asked for.
    const ready = async () => {
      for (const v of ['v1', 'v2']) h.platform.markReady('api', v);
    };
    let state = h.runner.state;
    for (let i = 0; i < 400 && isActive(state); i++) {
      await h.runner.tick();
      await ready();
      state = await h.run(0.25);
    }
    assert.equal(state.status, 'rolled-back');
    assert.match(state.reason ?? '', /during the bake/);
    const atRollback = await h.platform.observe('api');
    // v1 was scaled to 0 by the rolling update: it is asked back, and v2 keeps its replicas meanwhile.
    assert.deepEqual(atRollback.versions.map((v) => [v.version, v.desired]).sort(), [
      ['v1', 3],
      ['v2', 3],
    ]);
    h.platform.markReady('api', 'v1');
    await h.run(5);
    const after = await h.platform.observe('api');
    assert.deepEqual(
      after.versions.map((v) => [v.version, v.desired, v.weight]),
      [['v1', 3, 100]],
    );
  });
});

describe('ReleaseRunner: every strategy on the fake, the same endings', () => {
  const BAD = measured(100, 30);
  const rows: {
    name: string;
    strategy: Strategy;
    v2: VersionMetrics;
    abort?: boolean;
    status: ReleaseState['status'];
    end: [string, number, number][];
  }[] = [];
  for (const strategy of ['rolling', 'blue-green', 'canary'] as const) {
    rows.push(
      {
        name: `${strategy}: a good version takes all traffic at full size, v1 is gone`,
        strategy,
        v2: GOOD,
        status: 'succeeded',
        end: [['v2', 3, 100]],
      },
      {
        name: `${strategy}: a failing version is rolled back, v1 at full size with all traffic, v2 gone`,
        strategy,
        v2: BAD,
        status: 'rolled-back',
        end: [['v1', 3, 100]],
      },
      {
        name: `${strategy}: aborted after its first tick, v1 at full size with all traffic, v2 gone`,
        strategy,
        v2: GOOD,
        abort: true,
        status: 'aborted',
        end: [['v1', 3, 100]],
      },
    );
  }
  for (const row of rows)
    it(row.name, async () => {
      const h = harness({ release: `{ strategy: ${row.strategy}, ${FAST} }`, v2: () => row.v2 });
      if (row.abort) {
        await h.runner.tick();
        h.runner.request('abort');
      }
      const state = await h.run(300);
      assert.equal(state.status, row.status, state.message);
      if (row.v2 === BAD) assert.match(state.reason ?? '', /analysis failed.*success rate 70\.00%/);
      const { versions } = await h.platform.observe('api');
      assert.deepEqual(
        versions.map((v) => [v.version, v.desired, v.weight]),
        row.end,
      );
    });
});
