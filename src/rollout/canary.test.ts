import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceState } from '../platform/platform.ts';
import type { ServiceModel } from '../spec/model.ts';
import { EMPTY_TALLY, type Tally } from './analysis.ts';
import { canaryReplicas, decideCanary, weightAt } from './canary.ts';
import type { Decision } from './decision.ts';
import {
  applyDecision,
  type Counts,
  markReady,
  NEW,
  OLD,
  observe,
  releaseState,
  serviceWith,
  T0,
} from './fixtures.test-support.ts';
import type { ReleaseState } from './state.ts';

const SPEC = serviceWith(
  '{ strategy: canary, steps: [ {weight: 10}, {pause: 30s}, {weight: 50}, {analysis: {}}, {pause: {}}, {weight: 100} ] }',
);
const S = 1000;
const passed = (n: number): Tally => ({ ...EMPTY_TALLY, passed: n });

/** Stable at full size beside the canary's counts (none when omitted). */
const withCanary = (canary?: Counts, stableWeight = 100): ServiceState =>
  observe({ [OLD]: { desired: 3, ready: 3, weight: stableWeight }, ...(canary ? { [NEW]: canary } : {}) });

describe('canaryReplicas: max(1, ceil(replicas × weight / 100))', () => {
  const rows: { name: string; replicas: number; weight: number; expect: number }[] = [
    { name: '3 @ 10 % → 1', replicas: 3, weight: 10, expect: 1 },
    { name: '10 @ 25 % → 3 (rounds up)', replicas: 10, weight: 25, expect: 3 },
    { name: '4 @ 50 % → 2', replicas: 4, weight: 50, expect: 2 },
    { name: '3 @ 50 % → 2', replicas: 3, weight: 50, expect: 2 },
    { name: '3 @ 100 % → 3', replicas: 3, weight: 100, expect: 3 },
    { name: '10 @ 30 % → 3 (no float creep)', replicas: 10, weight: 30, expect: 3 },
    { name: '100 @ 1 % → 1', replicas: 100, weight: 1, expect: 1 },
    { name: 'never 0: 3 @ 0 % → 1', replicas: 3, weight: 0, expect: 1 },
    { name: 'never 0: 1 @ 1 % → 1', replicas: 1, weight: 1, expect: 1 },
  ];
  for (const row of rows)
    it(row.name, () => assert.equal(canaryReplicas(row.replicas, row.weight), row.expect));
});

describe('weightAt: the last weight step at or before the index', () => {
  const steps = SPEC.release.steps!;
  const rows: {
    name: string;
    steps: readonly { weight?: number | undefined }[];
    index: number;
    expect: number;
  }[] = [
    { name: 'a weight step', steps, index: 0, expect: 10 },
    { name: 'a pause after it keeps 10', steps, index: 1, expect: 10 },
    { name: 'the second weight step', steps, index: 2, expect: 50 },
    { name: 'an analysis step keeps 50', steps, index: 3, expect: 50 },
    { name: 'an indefinite pause keeps 50', steps, index: 4, expect: 50 },
    { name: 'the last step', steps, index: 5, expect: 100 },
    { name: 'past the end: the last weight', steps, index: 9, expect: 100 },
    { name: 'a pause before any weight → 0', steps: [{}, { weight: 100 }], index: 0, expect: 0 },
    { name: 'no steps → 0', steps: [], index: 0, expect: 0 },
  ];
  for (const row of rows) it(row.name, () => assert.equal(weightAt(row.steps, row.index), row.expect));
});

interface Row {
  name: string;
  spec?: ServiceModel;
  state?: Partial<ReleaseState>;
  canary?: Counts;
  now: number;
  expect: {
    step?: number;
    status?: ReleaseState['status'];
    replicas?: Record<string, number>;
    weights?: Record<string, number>;
    background?: boolean;
    gate?: Decision['gate'];
    message?: RegExp;
    stepStartedAt?: number;
    lastProgressAt?: number;
    promote?: ReleaseState['promote'];
    reason?: RegExp;
  };
}

function check(row: Row): void {
  const decision = decideCanary({
    state: releaseState('canary', row.state),
    spec: row.spec ?? SPEC,
    observed: withCanary(row.canary),
    now: row.now,
  });
  const e = row.expect;
  const s = decision.state;
  if (e.step !== undefined) assert.equal(s.step, e.step, 'step');
  if (e.status !== undefined) assert.equal(s.status, e.status, `status (${s.message})`);
  if (e.replicas) assert.deepEqual(decision.replicas, e.replicas, 'replicas');
  if (e.weights) assert.deepEqual(decision.weights, e.weights, 'weights');
  if (e.background !== undefined) assert.equal(decision.background ?? false, e.background, 'background');
  if ('gate' in e) assert.deepEqual(decision.gate, e.gate, 'gate');
  if (e.message) assert.match(s.message, e.message);
  if (e.stepStartedAt !== undefined) assert.equal(s.stepStartedAt, e.stepStartedAt, 'stepStartedAt');
  if (e.lastProgressAt !== undefined) assert.equal(s.lastProgressAt, e.lastProgressAt, 'lastProgressAt');
  if (e.promote !== undefined) assert.equal(s.promote, e.promote, 'promote');
  if (e.reason) assert.match(s.reason ?? '', e.reason);
}

describe('decideCanary: [weight 10, pause 30s, weight 50, analysis {}, pause {}, weight 100] on 3 replicas', () => {
  // As the release walks them (steps.ts): an analysis of 10 % goes before 50 (index 2), the
  // explicit one already measures 50 before 100, and the bake follows at index 7:
  //   0: 10 %  1: pause 30s  2: analysis  3: 50 %  4: analysis  5: pause {}  6: 100 %  7: bake
  const T1 = T0 + 20 * S;
  const rows: Row[] = [
    {
      name: 'weight 10, no canary yet: asks for 1 canary beside 3 stable, stable keeps all traffic',
      now: T0 + S,
      expect: {
        step: 0,
        status: 'progressing',
        replicas: { [NEW]: 1, [OLD]: 3 },
        weights: { [OLD]: 100 },
        background: false,
        gate: undefined,
        message: /^step 1\/7: waiting for 1 v2 replica\(s\) to be ready$/,
      },
    },
    {
      name: 'weight 10, the canary started but not ready: still waits, still 100 % stable',
      canary: { desired: 1, ready: 0 },
      now: T0 + 5 * S,
      expect: { step: 0, replicas: { [NEW]: 1, [OLD]: 3 }, weights: { [OLD]: 100 }, background: false },
    },
    {
      name: 'weight 10, the canary ready: 10 % to it, on to the pause',
      canary: { desired: 1, ready: 1 },
      now: T1,
      expect: {
        step: 1,
        status: 'progressing',
        replicas: { [NEW]: 1, [OLD]: 3 },
        weights: { [NEW]: 10, [OLD]: 90 },
        background: true,
        stepStartedAt: T1,
        lastProgressAt: T1,
        message: /^step 1\/7: v2 at 10 % \(1 ready\)$/,
      },
    },
    {
      name: 'pause 30s, 1 ms before its end: still pausing',
      state: { step: 1, stepStartedAt: T1, lastProgressAt: T1 },
      canary: { desired: 1, ready: 1, weight: 10 },
      now: T1 + 30 * S - 1,
      expect: {
        step: 1,
        status: 'progressing',
        weights: { [NEW]: 10, [OLD]: 90 },
        message: /^step 2\/7: pausing 1 s more at 10 %$/,
      },
    },
    {
      name: 'pause 30s, 10 s in: says 20 s more',
      state: { step: 1, stepStartedAt: T1, lastProgressAt: T1 },
      canary: { desired: 1, ready: 1, weight: 10 },
      now: T1 + 10 * S,
      expect: { step: 1, message: /pausing 20 s more at 10 %/ },
    },
    {
      name: 'pause 30s, exactly at stepStartedAt + 30 s: advances',
      state: { step: 1, stepStartedAt: T1, lastProgressAt: T1 },
      canary: { desired: 1, ready: 1, weight: 10 },
      now: T1 + 30 * S,
      expect: { step: 2, status: 'progressing', stepStartedAt: T1 + 30 * S, message: /pause over/ },
    },
    {
      name: 'pause 30s, promote (step) ends it early',
      state: { step: 1, stepStartedAt: T1, promote: 'step' },
      canary: { desired: 1, ready: 1, weight: 10 },
      now: T1 + S,
      expect: { step: 2, promote: 'none' },
    },
    {
      name: 'the analysis the canary adds before 50: a gate at 10 %, nothing moves until it passes',
      state: { step: 2, stepStartedAt: T1, lastProgressAt: T1 },
      canary: { desired: 1, ready: 1, weight: 10 },
      now: T1 + S,
      expect: {
        step: 2,
        gate: { previewOnly: false },
        replicas: { [NEW]: 1, [OLD]: 3 },
        weights: { [NEW]: 10, [OLD]: 90 },
        message: /^step 3\/7: analysing v2$/,
      },
    },
    {
      name: 'the added analysis passed: on to 50 %',
      state: { step: 2, stepStartedAt: T1, gate: passed(1) },
      canary: { desired: 1, ready: 1, weight: 10 },
      now: T1 + 5 * S,
      expect: { step: 3, gate: undefined, message: /analysis passed/ },
    },
    {
      name: 'weight 50 on 3 → 2 canary replicas asked, 1 ready: waits',
      state: { step: 3, stepStartedAt: T1, lastProgressAt: T1 },
      canary: { desired: 1, ready: 1, weight: 10 },
      now: T1 + S,
      expect: {
        step: 3,
        replicas: { [NEW]: 2, [OLD]: 3 },
        message: /^step 4\/7: waiting for 1 v2 replica\(s\) to be ready$/,
      },
    },
    {
      name: 'weight 50, both canary replicas ready: 50 %, on to the analysis',
      state: { step: 3, stepStartedAt: T1, lastProgressAt: T1 },
      canary: { desired: 2, ready: 2, weight: 10 },
      now: T1 + 5 * S,
      expect: {
        step: 4,
        replicas: { [NEW]: 2, [OLD]: 3 },
        weights: { [NEW]: 50, [OLD]: 50 },
        background: true,
      },
    },
    {
      name: 'analysis, nothing measured yet: asks for a gate under traffic',
      state: { step: 4, stepStartedAt: T1, lastProgressAt: T1, message: 'step 4/7: v2 at 50 % (2 ready)' },
      canary: { desired: 2, ready: 2, weight: 50 },
      now: T1 + 5 * S,
      expect: {
        step: 4,
        status: 'progressing',
        gate: { previewOnly: false },
        weights: { [NEW]: 50, [OLD]: 50 },
        background: true,
        lastProgressAt: T1 + 5 * S,
        message: /^step 5\/7: analysing v2$/,
      },
    },
    {
      name: 'analysis, the runner’s message for this step is kept',
      state: { step: 4, stepStartedAt: T1, message: 'step 5/7: analysing v2 (measured 1)' },
      canary: { desired: 2, ready: 2, weight: 50 },
      now: T1 + 5 * S,
      expect: { step: 4, message: /^step 5\/7: analysing v2 \(measured 1\)$/ },
    },
    {
      name: 'analysis, waiting for data: the runner’s pause and its message are kept',
      state: {
        step: 4,
        stepStartedAt: T1,
        status: 'paused',
        waitingForData: true,
        message: 'paused, cannot judge v2: 0 requests < minRequests 20',
      },
      canary: { desired: 2, ready: 2, weight: 50 },
      now: T1 + 5 * S,
      expect: {
        step: 4,
        status: 'paused',
        gate: { previewOnly: false },
        message: /^paused, cannot judge v2/,
      },
    },
    {
      name: 'analysis, two inconclusive so far and no pass: keeps asking (the runner pauses or rolls back)',
      state: { step: 4, stepStartedAt: T1, gate: { ...EMPTY_TALLY, consecutiveInconclusive: 2 } },
      canary: { desired: 2, ready: 2, weight: 50 },
      now: T1 + 15 * S,
      expect: { step: 4, gate: { previewOnly: false } },
    },
    {
      name: 'analysis passed once (count 1): advances, the gate tally is reset',
      state: { step: 4, stepStartedAt: T1, gate: passed(1), lastGateAt: T1 + 5 * S },
      canary: { desired: 2, ready: 2, weight: 50 },
      now: T1 + 10 * S,
      expect: { step: 5, gate: undefined, message: /analysis passed/ },
    },
    {
      name: 'analysis, promote (step) skips it',
      state: { step: 4, stepStartedAt: T1, promote: 'step' },
      canary: { desired: 2, ready: 2, weight: 50 },
      now: T1 + S,
      expect: {
        step: 5,
        status: 'progressing',
        gate: undefined,
        promote: 'none',
        message: /skipped by promote/,
      },
    },
    {
      name: 'indefinite pause: paused until `gantry promote`, traffic stays at 50 %',
      state: { step: 5, stepStartedAt: T1, lastProgressAt: T1 },
      canary: { desired: 2, ready: 2, weight: 50 },
      now: T1 + S,
      expect: {
        step: 5,
        status: 'paused',
        weights: { [NEW]: 50, [OLD]: 50 },
        lastProgressAt: T1 + S,
        message: /^step 6\/7: paused at 50 % until `gantry promote api`$/,
      },
    },
    {
      name: 'indefinite pause, a day later: still paused, never past a deadline',
      state: { step: 5, stepStartedAt: T1, lastProgressAt: T1, status: 'paused' },
      canary: { desired: 2, ready: 2, weight: 50 },
      now: T1 + 86_400 * S,
      expect: { step: 5, status: 'paused' },
    },
    {
      name: 'indefinite pause, promote (step): on to the next step, progressing again',
      state: { step: 5, stepStartedAt: T1, status: 'progressing', promote: 'step' },
      canary: { desired: 2, ready: 2, weight: 50 },
      now: T1 + 60 * S,
      expect: { step: 6, status: 'progressing', promote: 'none', stepStartedAt: T1 + 60 * S },
    },
    {
      name: 'weight 100, 2 of 3 canary replicas ready: the canary is sized to all replicas, waits',
      state: { step: 6, stepStartedAt: T1, lastProgressAt: T1 },
      canary: { desired: 2, ready: 2, weight: 50 },
      now: T1 + S,
      expect: { step: 6, status: 'progressing', replicas: { [NEW]: 3, [OLD]: 3 } },
    },
    {
      name: 'weight 100, 3 ready: all traffic to it, stable still full size',
      state: { step: 6, stepStartedAt: T1, lastProgressAt: T1 },
      canary: { desired: 3, ready: 3, weight: 50 },
      now: T1 + 5 * S,
      expect: { step: 7, replicas: { [NEW]: 3, [OLD]: 3 }, weights: { [NEW]: 100, [OLD]: 0 } },
    },
    {
      name: 'past the last step, the bake: all traffic on v2, stable still at full size, measured as a gate',
      state: { step: 7, stepStartedAt: T1 },
      canary: { desired: 3, ready: 3, weight: 100 },
      now: T1 + 10 * S,
      expect: {
        status: 'progressing',
        replicas: { [NEW]: 3, [OLD]: 3 },
        weights: { [NEW]: 100 },
        gate: { previewOnly: false },
        background: true,
        message: /^bake: measuring v2 at 100 % \(0\/2 passed\)$/,
      },
    },
    {
      name: 'the bake passed twice (two 5 s intervals by default): succeeded',
      state: { step: 7, stepStartedAt: T1, baking: true, gate: passed(2) },
      canary: { desired: 3, ready: 3, weight: 100 },
      now: T1 + 10 * S,
      expect: {
        status: 'succeeded',
        replicas: { [NEW]: 3 },
        weights: { [NEW]: 100 },
        message: /^promoted: v2 takes 100 % of traffic; passed the bake \(2 at 100 %\)$/,
      },
    },
    {
      name: 'the bake, promote (step) before any pass: succeeded, and says promoted without analysis',
      state: { step: 7, stepStartedAt: T1, baking: true, promote: 'step' },
      canary: { desired: 3, ready: 3, weight: 100 },
      now: T1 + 10 * S,
      expect: {
        status: 'succeeded',
        message: /\(bake ended by promote\) — promoted without analysis$/,
      },
    },
    {
      name: 'promote full, the canary ready at full size: all traffic to it, then the bake (--full skips steps, not the bake)',
      state: { step: 1, stepStartedAt: T1, promote: 'full' },
      canary: { desired: 3, ready: 3, weight: 10 },
      now: T1 + S,
      expect: {
        step: 7,
        status: 'progressing',
        promote: 'none',
        replicas: { [NEW]: 3, [OLD]: 3 },
        weights: { [NEW]: 100 },
        gate: { previewOnly: false },
      },
    },
    {
      name: 'accepted without analysis by a person: no bake, succeeded once at full size',
      state: { step: 1, stepStartedAt: T1, promote: 'full', acceptedUnmeasured: true },
      canary: { desired: 3, ready: 3, weight: 10 },
      now: T1 + S,
      expect: { status: 'succeeded', replicas: { [NEW]: 3 }, message: /— promoted without analysis$/ },
    },
    {
      name: 'progress deadline (600 s) not yet exceeded at exactly 600 s: waits',
      canary: { desired: 1, ready: 0 },
      now: T0 + 600 * S,
      expect: { step: 0, status: 'progressing' },
    },
    {
      name: 'progress deadline exceeded waiting for the canary: rolled back, stable 100 %, canary to 0',
      canary: { desired: 1, ready: 0 },
      now: T0 + 600 * S + 1,
      expect: {
        status: 'rolled-back',
        replicas: { [OLD]: 3, [NEW]: 0 },
        weights: { [OLD]: 100 },
        background: false,
        reason: /^v2 not ready within progressDeadlineSeconds \(0\/1 ready\)$/,
        message: /^rolled back: /,
      },
    },
    {
      name: 'progress deadline exceeded at weight 100 with 2 of 3 ready: rolled back',
      state: { step: 6, stepStartedAt: T1, lastProgressAt: T1, lastReady: 2 },
      canary: { desired: 3, ready: 2, weight: 50 },
      now: T1 + 601 * S,
      expect: {
        status: 'rolled-back',
        replicas: { [OLD]: 3, [NEW]: 0 },
        weights: { [OLD]: 100 },
        reason: /\(2\/3 ready\)/,
      },
    },
  ];
  for (const row of rows) it(row.name, () => check(row));

  it('succeeded: the stable version is retained for scaleDownDelaySeconds (default 30 s)', () => {
    const now = T1 + 10 * S;
    const decision = decideCanary({
      state: releaseState('canary', { step: 7, baking: true, gate: passed(2) }),
      spec: SPEC,
      observed: withCanary({ desired: 3, ready: 3, weight: 100 }, 0),
      now,
    });
    assert.equal(decision.state.endedAt, now);
    assert.equal(decision.state.retainUntil, now + 30 * S);
    assert.equal(decision.replicas[OLD], undefined, 'the stable version is left as it is');
  });
});

describe('decideCanary: analysis count', () => {
  const rows: { name: string; spec: ServiceModel; passed: number; step: number }[] = [
    {
      name: 'a step count 2, passed once: keeps measuring',
      spec: serviceWith(
        '{ strategy: canary, steps: [ {weight: 50}, {analysis: {count: 2}}, {weight: 100} ] }',
      ),
      passed: 1,
      step: 1,
    },
    {
      name: 'a step count 2, passed twice: advances',
      spec: serviceWith(
        '{ strategy: canary, steps: [ {weight: 50}, {analysis: {count: 2}}, {weight: 100} ] }',
      ),
      passed: 2,
      step: 2,
    },
    {
      name: 'the release count 3 when the step has none, passed twice: keeps measuring',
      spec: serviceWith(
        '{ strategy: canary, analysis: {count: 3}, steps: [ {weight: 50}, {analysis: {}}, {weight: 100} ] }',
      ),
      passed: 2,
      step: 1,
    },
    {
      name: 'the step count wins over the release count',
      spec: serviceWith(
        '{ strategy: canary, analysis: {count: 3}, steps: [ {weight: 50}, {analysis: {count: 1}}, {weight: 100} ] }',
      ),
      passed: 1,
      step: 2,
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const decision = decideCanary({
        state: releaseState('canary', { step: 1, gate: passed(row.passed) }),
        spec: row.spec,
        observed: withCanary({ desired: 2, ready: 2, weight: 50 }),
        now: T0 + 30 * S,
      });
      assert.equal(decision.state.step, row.step);
      assert.equal(decision.gate !== undefined, row.step === 1, 'a gate only while measuring');
    });
});

describe('decideCanary: background analysis only while the canary takes traffic', () => {
  const PAUSE_FIRST = serviceWith('{ strategy: canary, steps: [ {pause: {}}, {weight: 100} ] }');
  const rows: { name: string; spec?: ServiceModel; step: number; canary?: Counts; background: boolean }[] = [
    { name: 'weight step, no canary replica', step: 0, background: false },
    { name: 'weight step, canary not ready', step: 0, canary: { desired: 1, ready: 0 }, background: false },
    { name: 'weight step, canary ready', step: 0, canary: { desired: 1, ready: 1 }, background: true },
    { name: 'timed pause at 10 %, ready', step: 1, canary: { desired: 1, ready: 1 }, background: true },
    { name: 'analysis at 50 %, ready', step: 4, canary: { desired: 2, ready: 2 }, background: true },
    {
      name: 'analysis at 50 %, the canary lost its replicas',
      step: 4,
      canary: { desired: 2, ready: 0 },
      background: false,
    },
    {
      name: 'a pause before any weight: a ready canary at 0 % is not analysed',
      spec: PAUSE_FIRST,
      step: 0,
      canary: { desired: 1, ready: 1 },
      background: false,
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const decision = decideCanary({
        state: releaseState('canary', { step: row.step }),
        spec: row.spec ?? SPEC,
        observed: withCanary(row.canary),
        now: T0 + S,
      });
      assert.equal(decision.background ?? false, row.background);
    });

  it('a pause before any weight still starts one canary replica, with no traffic', () => {
    const decision = decideCanary({
      state: releaseState('canary'),
      spec: PAUSE_FIRST,
      observed: withCanary({ desired: 1, ready: 1 }),
      now: T0 + S,
    });
    assert.deepEqual(decision.replicas, { [NEW]: 1, [OLD]: 3 });
    assert.deepEqual(decision.weights, { [OLD]: 100 });
  });
});

describe('decideCanary: a whole release, tick by tick', () => {
  it('walks every step to success; stable keeps 3 replicas throughout; weights go 10 → 50 → 100', () => {
    let state = releaseState('canary');
    let observed = withCanary();
    const weights: number[] = [];
    const statuses = new Set<string>();
    for (let tick = 1; tick <= 100 && state.status !== 'succeeded'; tick++) {
      const now = T0 + tick * 5 * S;
      const decision = decideCanary({ state, spec: SPEC, observed, now });
      assert.notEqual(decision.state.status, 'rolled-back', decision.state.reason);
      statuses.add(decision.state.status);
      state = decision.state;
      // The runner: a passing gate measurement; a person promoting a paused release.
      if (decision.gate) state = { ...state, gate: { ...state.gate, passed: state.gate.passed + 1 } };
      if (state.status === 'paused') state = { ...state, promote: 'step' };
      observed = markReady(applyDecision(observed, decision), NEW);
      if (state.status !== 'succeeded') assert.equal(decision.replicas[OLD], 3, `tick ${tick}`);
      const w = decision.weights?.[NEW] ?? 0;
      if (w > 0 && weights.at(-1) !== w) weights.push(w);
    }
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(weights, [10, 50, 100]);
    assert.ok(statuses.has('paused'), 'the indefinite pause paused it');
  });
});

describe('decideCanary: bugs found by these tests, now fixed', () => {
  it('promote full does not send all traffic to a canary that is not ready at full size', () => {
    const decision = decideCanary({
      state: releaseState('canary', { step: 1, promote: 'full' }),
      spec: SPEC,
      observed: withCanary({ desired: 1, ready: 1, weight: 10 }),
      now: T0 + 60 * S,
    });
    assert.notEqual(decision.state.status, 'succeeded');
    assert.notDeepEqual(decision.weights, { [NEW]: 100 });
    assert.equal(decision.replicas[NEW], 3);
  });

  it('a weight step keeps the previous weight until the canary is at its new size', () => {
    const at50 = decideCanary({
      state: releaseState('canary', { step: 3 }),
      spec: SPEC,
      observed: withCanary({ desired: 2, ready: 1, weight: 10 }, 90),
      now: T0 + S,
    });
    assert.deepEqual(at50.weights, { [NEW]: 10, [OLD]: 90 });
    const at100 = decideCanary({
      state: releaseState('canary', { step: 6 }),
      spec: SPEC,
      observed: withCanary({ desired: 3, ready: 1, weight: 50 }, 50),
      now: T0 + S,
    });
    assert.deepEqual(at100.weights, { [NEW]: 50, [OLD]: 50 });
  });
});

describe('decideCanary: smoke checks before the canary takes traffic', () => {
  const SMOKE = serviceWith(
    '{ strategy: canary, smoke: [ {path: /health/ready} ], steps: [ {weight: 10}, {weight: 100} ] }',
  );
  const rows: Row[] = [
    {
      name: 'no canary ready yet: waits for the first replica, stable keeps all traffic',
      spec: SMOKE,
      canary: { desired: 1, ready: 0 },
      now: T0 + S,
      expect: {
        step: 0,
        replicas: { [NEW]: 1, [OLD]: 3 },
        weights: { [OLD]: 100 },
        background: false,
        message: /waiting for the first v2 replica/,
      },
    },
    {
      name: 'the first canary replica ready: asks for the smoke checks, still no traffic to it',
      spec: SMOKE,
      canary: { desired: 1, ready: 1 },
      now: T0 + S,
      expect: {
        step: 0,
        weights: { [OLD]: 100 },
        background: false,
        message: /smoke checks against the v2 canary/,
      },
    },
    {
      name: 'smoke passed: the weight step goes on as without smoke',
      spec: SMOKE,
      state: { smokePassed: true },
      canary: { desired: 1, ready: 1 },
      now: T0 + S,
      expect: { step: 1, weights: { [NEW]: 10, [OLD]: 90 }, background: true },
    },
    {
      name: 'no canary replica ready past the deadline: rolled back',
      spec: SMOKE,
      canary: { desired: 1, ready: 0 },
      now: T0 + 600 * S + 1,
      expect: { status: 'rolled-back', replicas: { [OLD]: 3, [NEW]: 0 }, weights: { [OLD]: 100 } },
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      check(row);
      const decision = decideCanary({
        state: releaseState('canary', row.state),
        spec: SMOKE,
        observed: withCanary(row.canary),
        now: row.now,
      });
      const asks = !row.state?.smokePassed && (row.canary?.ready ?? 0) > 0;
      assert.equal(decision.smoke ?? false, asks, 'smoke');
    });
});
