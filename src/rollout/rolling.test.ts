import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceState } from '../platform/platform.ts';
import type { ServiceModel } from '../spec/model.ts';
import { EMPTY_TALLY } from './analysis.ts';
import {
  applyDecision,
  type Counts,
  markReady,
  NEW,
  OLD,
  observe,
  releaseState,
  serviceWith,
  steady,
  T0,
} from './fixtures.test-support.ts';
import { decideRolling } from './rolling.ts';
import type { ReleaseState } from './state.ts';

const S = 1000;
const SURGE_1 = serviceWith('{ strategy: rolling, maxSurge: 25%, maxUnavailable: 0 }');
const UNAVAILABLE_1 = serviceWith('{ strategy: rolling, maxSurge: 0, maxUnavailable: 1 }');
const BOTH_0 = serviceWith('{ strategy: rolling, maxSurge: 0, maxUnavailable: 0 }');

const both = (old: Counts, next?: Counts): ServiceState =>
  observe({ [OLD]: old, ...(next ? { [NEW]: next } : {}) });

describe('decideRolling: 3 replicas, maxSurge 25 % (→ 1), maxUnavailable 0, step by step', () => {
  const rows: {
    name: string;
    observed: ServiceState;
    replicas: Record<string, number>;
    weights: Record<string, number>;
    progressed: boolean;
  }[] = [
    {
      name: 'first tick: one new beside the three old',
      observed: steady(),
      replicas: { [NEW]: 1, [OLD]: 3 },
      weights: { [NEW]: 0, [OLD]: 100 },
      progressed: true,
    },
    {
      name: 'the new one is starting: nothing moves',
      observed: both({ desired: 3, ready: 3, weight: 100 }, { desired: 1, ready: 0 }),
      replicas: { [NEW]: 1, [OLD]: 3 },
      weights: { [NEW]: 0, [OLD]: 100 },
      progressed: false,
    },
    {
      name: 'the new one is ready: one old goes (old → 2), no room for another new',
      observed: both({ desired: 3, ready: 3 }, { desired: 1, ready: 1 }),
      replicas: { [NEW]: 1, [OLD]: 2 },
      weights: { [NEW]: 25, [OLD]: 75 },
      progressed: true,
    },
    {
      name: 'old at 2: room for a second new',
      observed: both({ desired: 2, ready: 2 }, { desired: 1, ready: 1 }),
      replicas: { [NEW]: 2, [OLD]: 2 },
      weights: { [NEW]: 100 / 3, [OLD]: 200 / 3 },
      progressed: true,
    },
    {
      name: 'the second new ready: old → 1',
      observed: both({ desired: 2, ready: 2 }, { desired: 2, ready: 2 }),
      replicas: { [NEW]: 2, [OLD]: 1 },
      weights: { [NEW]: 50, [OLD]: 50 },
      progressed: true,
    },
    {
      name: 'old at 1: the third new',
      observed: both({ desired: 1, ready: 1 }, { desired: 2, ready: 2 }),
      replicas: { [NEW]: 3, [OLD]: 1 },
      weights: { [NEW]: 200 / 3, [OLD]: 100 / 3 },
      progressed: true,
    },
    {
      name: 'the third new ready: the last old goes',
      observed: both({ desired: 1, ready: 1 }, { desired: 3, ready: 3 }),
      replicas: { [NEW]: 3, [OLD]: 0 },
      weights: { [NEW]: 75, [OLD]: 25 },
      progressed: true,
    },
    {
      name: 'an old replica not ready is removed first (it serves nobody)',
      observed: both({ desired: 3, ready: 2 }),
      replicas: { [NEW]: 1, [OLD]: 2 },
      weights: { [NEW]: 0, [OLD]: 100 },
      progressed: true,
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const now = T0 + 10 * S;
      const decision = decideRolling({
        state: releaseState('rolling'),
        spec: SURGE_1,
        observed: row.observed,
        now,
      });
      assert.equal(decision.state.status, 'progressing');
      assert.deepEqual(decision.replicas, row.replicas);
      assert.deepEqual(decision.weights, row.weights);
      assert.equal(decision.state.lastProgressAt, row.progressed ? now : T0, 'lastProgressAt');
    });

  it('says where it is in one line', () => {
    const decision = decideRolling({
      state: releaseState('rolling'),
      spec: SURGE_1,
      observed: both({ desired: 3, ready: 3 }, { desired: 1, ready: 1 }),
      now: T0 + S,
    });
    assert.equal(decision.state.message, 'v2 1/3 ready, v1 2 left');
  });

  it('all new ready and no old left: the bake, all traffic to the new version, measured as a gate', () => {
    const now = T0 + 60 * S;
    const decision = decideRolling({
      state: releaseState('rolling'),
      spec: SURGE_1,
      observed: observe({ [NEW]: { desired: 3, ready: 3, weight: 75 } }),
      now,
    });
    assert.equal(decision.state.status, 'progressing');
    assert.equal(decision.state.step, 1, 'the bake is the second phase');
    assert.deepEqual(decision.replicas, { [NEW]: 3 });
    assert.deepEqual(decision.weights, { [NEW]: 100 });
    assert.deepEqual(decision.gate, { previewOnly: false });
    assert.equal(decision.state.message, 'bake: measuring v2 at 100 % (0/2 passed)');
  });

  it('the bake passed (two measurements): succeeded', () => {
    const now = T0 + 70 * S;
    const decision = decideRolling({
      state: releaseState('rolling', { step: 1, baking: true, gate: { ...EMPTY_TALLY, passed: 2 } }),
      spec: SURGE_1,
      observed: observe({ [NEW]: { desired: 3, ready: 3, weight: 100 } }),
      now,
    });
    assert.equal(decision.state.status, 'succeeded');
    assert.equal(decision.state.analysed, 'yes');
    assert.deepEqual(decision.replicas, { [NEW]: 3 });
    assert.equal(decision.state.endedAt, now);
  });

  it('the bake lasts bakeSeconds: 12 s at 5 s intervals → three measurements', () => {
    const decision = decideRolling({
      state: releaseState('rolling', { step: 1, baking: true, gate: { ...EMPTY_TALLY, passed: 2 } }),
      spec: serviceWith('{ strategy: rolling, maxSurge: 1, maxUnavailable: 0, bakeSeconds: 12 }'),
      observed: observe({ [NEW]: { desired: 3, ready: 3, weight: 100 } }),
      now: T0 + 70 * S,
    });
    assert.equal(decision.state.status, 'progressing');
    assert.equal(decision.state.message, 'bake: measuring v2 at 100 % (2/3 passed)');
  });

  it('analysis switched off: no bake, succeeded at once and says "not analysed"', () => {
    const decision = decideRolling({
      state: releaseState('rolling'),
      spec: serviceWith(
        '{ strategy: rolling, maxSurge: 1, maxUnavailable: 0, analysis: { enabled: false } }',
      ),
      observed: observe({ [NEW]: { desired: 3, ready: 3, weight: 75 } }),
      now: T0 + 60 * S,
    });
    assert.equal(decision.state.status, 'succeeded');
    assert.equal(decision.state.analysed, 'off');
    assert.match(decision.state.message, /— not analysed$/);
    assert.equal(decision.gate, undefined);
  });

  it('all new ready but an old replica still desired: not done yet', () => {
    const decision = decideRolling({
      state: releaseState('rolling'),
      spec: SURGE_1,
      observed: both({ desired: 1, ready: 1 }, { desired: 3, ready: 3 }),
      now: T0 + S,
    });
    assert.equal(decision.state.status, 'progressing');
  });
});

describe('decideRolling: the first tick under other fenceposts', () => {
  const rows: { name: string; spec: ServiceModel; replicas: Record<string, number> }[] = [
    {
      name: 'maxSurge 0 / maxUnavailable 1: one old goes first, no new yet',
      spec: UNAVAILABLE_1,
      replicas: { [NEW]: 0, [OLD]: 2 },
    },
    {
      name: 'both 0 → unavailable 1: the same as maxUnavailable 1',
      spec: BOTH_0,
      replicas: { [NEW]: 0, [OLD]: 2 },
    },
    {
      name: 'defaults (25 % / 25 %) on 3 → surge 1, unavailable 0',
      spec: serviceWith('{ strategy: rolling }'),
      replicas: { [NEW]: 1, [OLD]: 3 },
    },
    {
      name: 'maxSurge 100 %: every new at once',
      spec: serviceWith('{ strategy: rolling, maxSurge: 100%, maxUnavailable: 0 }'),
      replicas: { [NEW]: 3, [OLD]: 3 },
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const decision = decideRolling({
        state: releaseState('rolling'),
        spec: row.spec,
        observed: steady(),
        now: T0,
      });
      assert.deepEqual(decision.replicas, row.replicas);
    });

  it('maxSurge 0 / maxUnavailable 1, once the old is at 2: one new', () => {
    const decision = decideRolling({
      state: releaseState('rolling'),
      spec: UNAVAILABLE_1,
      observed: both({ desired: 2, ready: 2 }),
      now: T0,
    });
    assert.deepEqual(decision.replicas, { [NEW]: 1, [OLD]: 2 });
  });
});

/**
 * Plays a release against a simulated platform: the decision's replicas applied (old ones
 * gone at once, new ones not ready), the fenceposts checked, then the new ones ready.
 */
function simulate(spec: ServiceModel, replicas: number) {
  let state: ReleaseState = releaseState('rolling', { replicas });
  let observed = steady(replicas);
  let maxDesired = 0;
  let minReady = Number.POSITIVE_INFINITY;
  let ticks = 0;
  const sum = (f: (v: ServiceState['versions'][number]) => number) =>
    observed.versions.reduce((total, v) => total + f(v), 0);
  while (state.status === 'progressing' && ticks < 100) {
    ticks++;
    const decision = decideRolling({ state, spec, observed, now: T0 + ticks * 5 * S });
    state = decision.state;
    // The runner: the bake's measurements pass.
    if (decision.gate) state = { ...state, gate: { ...state.gate, passed: state.gate.passed + 1 } };
    if (decision.weights) {
      const total = Object.values(decision.weights).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total - 100) < 1e-9, `weights sum to 100, got ${total} at tick ${ticks}`);
    }
    observed = applyDecision(observed, decision);
    maxDesired = Math.max(
      maxDesired,
      sum((v) => v.desired),
    );
    minReady = Math.min(
      minReady,
      sum((v) => v.ready),
    );
    observed = markReady(observed, NEW);
  }
  return { state, observed, maxDesired, minReady, ticks };
}

describe('decideRolling: a whole release against a simulated platform', () => {
  const rows: { name: string; spec: ServiceModel; replicas: number; maxDesired: number; minReady: number }[] =
    [
      {
        name: '3, maxSurge 25 % / maxUnavailable 0: never over 4, never under 3 ready',
        spec: SURGE_1,
        replicas: 3,
        maxDesired: 4,
        minReady: 3,
      },
      {
        name: '3, maxSurge 0 / maxUnavailable 1: never over 3, never under 2 ready',
        spec: UNAVAILABLE_1,
        replicas: 3,
        maxDesired: 3,
        minReady: 2,
      },
      {
        name: '3, both 0 (→ unavailable 1): never over 3, never under 2 ready',
        spec: BOTH_0,
        replicas: 3,
        maxDesired: 3,
        minReady: 2,
      },
      {
        name: '10, defaults 25 % / 25 % (surge 3, unavailable 2): never over 13, never under 8 ready',
        spec: serviceWith('{ strategy: rolling }', 10),
        replicas: 10,
        maxDesired: 13,
        minReady: 8,
      },
      {
        name: '1, defaults (surge 1, unavailable 0): never over 2, never under 1 ready',
        spec: serviceWith('{ strategy: rolling }', 1),
        replicas: 1,
        maxDesired: 2,
        minReady: 1,
      },
      {
        name: '4, maxSurge 2 / maxUnavailable 1 (counts)',
        spec: serviceWith('{ strategy: rolling, maxSurge: 2, maxUnavailable: 1 }', 4),
        replicas: 4,
        maxDesired: 6,
        minReady: 3,
      },
    ];
  for (const row of rows)
    it(row.name, () => {
      const run = simulate(row.spec, row.replicas);
      assert.equal(run.state.status, 'succeeded', run.state.message);
      assert.ok(run.maxDesired <= row.maxDesired, `at most ${row.maxDesired} desired, saw ${run.maxDesired}`);
      assert.ok(run.minReady >= row.minReady, `at least ${row.minReady} ready, saw ${run.minReady}`);
      assert.deepEqual(
        run.observed.versions.map((v) => [v.version, v.desired, v.weight]),
        [[NEW, row.replicas, 100]],
      );
      assert.ok(run.ticks < 30, `${run.ticks} ticks`);
    });
});

describe('decideRolling: traffic follows the ready replicas', () => {
  const rows: {
    name: string;
    observed: ServiceState;
    weights: Record<string, number>;
    background: boolean;
  }[] = [
    {
      name: 'nothing ready anywhere: all to stable',
      observed: both({ desired: 3, ready: 0 }, { desired: 1, ready: 0 }),
      weights: { [OLD]: 100 },
      background: false,
    },
    {
      name: 'no new ready: 0 / 100',
      observed: both({ desired: 3, ready: 3 }, { desired: 1, ready: 0 }),
      weights: { [NEW]: 0, [OLD]: 100 },
      background: false,
    },
    {
      name: '1 new, 3 old ready: 25 / 75',
      observed: both({ desired: 3, ready: 3 }, { desired: 1, ready: 1 }),
      weights: { [NEW]: 25, [OLD]: 75 },
      background: true,
    },
    {
      name: '3 new, 1 old ready: 75 / 25',
      observed: both({ desired: 1, ready: 1 }, { desired: 3, ready: 3 }),
      weights: { [NEW]: 75, [OLD]: 25 },
      background: true,
    },
    {
      name: 'only the new ready: 100 / 0',
      observed: both({ desired: 1, ready: 0 }, { desired: 3, ready: 3 }),
      weights: { [NEW]: 100, [OLD]: 0 },
      background: true,
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const decision = decideRolling({
        state: releaseState('rolling'),
        spec: SURGE_1,
        observed: row.observed,
        now: T0 + S,
      });
      assert.deepEqual(decision.weights, row.weights);
      assert.equal(decision.background ?? false, row.background);
    });
});

describe('decideRolling: progress deadline', () => {
  const stuck = both({ desired: 3, ready: 3, weight: 100 }, { desired: 1, ready: 0 });
  const rows: {
    name: string;
    spec?: ServiceModel;
    lastProgressAt: number;
    observed: ServiceState;
    now: number;
    status: ReleaseState['status'];
    reason?: string;
  }[] = [
    {
      name: 'the new replica not ready for exactly 600 s: still waiting',
      lastProgressAt: T0,
      observed: stuck,
      now: T0 + 600 * S,
      status: 'progressing',
    },
    {
      name: 'not ready past 600 s: rolled back, naming the deadline',
      lastProgressAt: T0,
      observed: stuck,
      now: T0 + 600 * S + 1,
      status: 'rolled-back',
      reason: 'progress deadline exceeded: 0/3 v2 replicas ready after 600s',
    },
    {
      name: 'a shorter progressDeadlineSeconds',
      spec: serviceWith('{ strategy: rolling, maxSurge: 1, maxUnavailable: 0, progressDeadlineSeconds: 60 }'),
      lastProgressAt: T0,
      observed: stuck,
      now: T0 + 61 * S,
      status: 'rolled-back',
      reason: 'progress deadline exceeded: 0/3 v2 replicas ready after 60s',
    },
    {
      name: 'late, but the new replica just became ready: that is progress, not a rollback',
      lastProgressAt: T0,
      observed: both({ desired: 3, ready: 3, weight: 100 }, { desired: 1, ready: 1 }),
      now: T0 + 700 * S,
      status: 'progressing',
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const decision = decideRolling({
        state: releaseState('rolling', { lastProgressAt: row.lastProgressAt }),
        spec: row.spec ?? SURGE_1,
        observed: row.observed,
        now: row.now,
      });
      assert.equal(decision.state.status, row.status, decision.state.message);
      if (row.reason !== undefined) {
        assert.equal(decision.state.reason, row.reason);
        assert.deepEqual(decision.replicas, { [OLD]: 3, [NEW]: 0 });
        assert.deepEqual(decision.weights, { [OLD]: 100 });
        assert.equal(decision.state.endedAt, row.now);
      }
    });

  it('ticking along with a new replica that never gets ready ends in a rollback', () => {
    let state = releaseState('rolling');
    let observed = steady();
    let now = T0;
    while (state.status === 'progressing' && now < T0 + 3600 * S) {
      now += 10 * S;
      const decision = decideRolling({ state, spec: SURGE_1, observed, now });
      state = decision.state;
      observed = applyDecision(observed, decision); // never marked ready
    }
    assert.equal(state.status, 'rolled-back');
    assert.match(state.reason ?? '', /progress deadline exceeded/);
    // The first tick (T0 + 10 s) was progress; the deadline is 600 s after it.
    assert.equal(now, T0 + 10 * S + 610 * S);
  });
});
