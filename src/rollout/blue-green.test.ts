import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceState } from '../platform/platform.ts';
import type { ServiceModel } from '../spec/model.ts';
import { EMPTY_TALLY, type Tally } from './analysis.ts';
import { decideBlueGreen } from './blue-green.ts';
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
  steady,
  T0,
} from './fixtures.test-support.ts';
import type { ReleaseState } from './state.ts';
import { BLUE_GREEN_PHASES } from './steps.ts';

const S = 1000;
const PLAIN = serviceWith('{ strategy: blue-green }');
const SMOKE = serviceWith('{ strategy: blue-green, smoke: [ {path: /health/ready} ] }');
const PRE = serviceWith('{ strategy: blue-green, prePromotionAnalysis: true }');
const PRE_COUNT_2 = serviceWith('{ strategy: blue-green, prePromotionAnalysis: true, analysis: {count: 2} }');
const MANUAL = serviceWith('{ strategy: blue-green, autoPromotion: false }');
const DELAY_120 = serviceWith('{ strategy: blue-green, scaleDownDelaySeconds: 120 }');

const phase = (name: (typeof BLUE_GREEN_PHASES)[number]) => BLUE_GREEN_PHASES.indexOf(name);
const passed = (n: number): Tally => ({ ...EMPTY_TALLY, passed: n });
/** Blue (v1) at full size beside green (v2). */
const colours = (green?: Counts, blueWeight = 100): ServiceState =>
  observe({ [OLD]: { desired: 3, ready: 3, weight: blueWeight }, ...(green ? { [NEW]: green } : {}) });
const GREEN_UP = { desired: 3, ready: 3 };

const BEFORE = { replicas: { [NEW]: 3, [OLD]: 3 }, weights: { [OLD]: 100 } };
const AFTER = { replicas: { [NEW]: 3, [OLD]: 3 }, weights: { [NEW]: 100 } };

interface Row {
  name: string;
  spec?: ServiceModel;
  state?: Partial<ReleaseState>;
  observed: ServiceState;
  now: number;
  expect: {
    step?: number;
    status?: ReleaseState['status'];
    replicas?: Record<string, number>;
    weights?: Record<string, number>;
    background?: boolean;
    smoke?: boolean;
    gate?: Decision['gate'];
    message?: RegExp;
    reason?: RegExp;
    promote?: ReleaseState['promote'];
    retainUntil?: number;
  };
}

function check(row: Row): void {
  const decision = decideBlueGreen({
    state: releaseState('blue-green', row.state),
    spec: row.spec ?? PLAIN,
    observed: row.observed,
    now: row.now,
  });
  const e = row.expect;
  const s = decision.state;
  if (e.step !== undefined) assert.equal(s.step, e.step, 'step');
  if (e.status !== undefined) assert.equal(s.status, e.status, `status (${s.message})`);
  if (e.replicas) assert.deepEqual(decision.replicas, e.replicas, 'replicas');
  if (e.weights) assert.deepEqual(decision.weights, e.weights, 'weights');
  if (e.background !== undefined) assert.equal(decision.background ?? false, e.background, 'background');
  if (e.smoke !== undefined) assert.equal(decision.smoke ?? false, e.smoke, 'smoke');
  if ('gate' in e) assert.deepEqual(decision.gate, e.gate, 'gate');
  if (e.message) assert.match(s.message, e.message);
  if (e.reason) assert.match(s.reason ?? '', e.reason);
  if (e.promote !== undefined) assert.equal(s.promote, e.promote, 'promote');
  if (e.retainUntil !== undefined) assert.equal(s.retainUntil, e.retainUntil, 'retainUntil');
}

describe('decideBlueGreen: phase by phase', () => {
  const rows: Row[] = [
    // scale-up
    {
      name: 'scale-up, nothing of green yet: both colours at full size, all traffic on blue',
      observed: steady(),
      now: T0 + S,
      expect: {
        step: phase('scale-up'),
        status: 'progressing',
        ...BEFORE,
        background: false,
        smoke: false,
        gate: undefined,
        message: /^bringing up v2: 0\/3 ready$/,
      },
    },
    {
      name: 'scale-up, 2 of 3 green ready: waits',
      observed: colours({ desired: 3, ready: 2 }),
      now: T0 + 30 * S,
      expect: { step: phase('scale-up'), ...BEFORE, message: /2\/3 ready/ },
    },
    {
      name: 'scale-up, green ready at full size: on to smoke, traffic still on blue',
      observed: colours(GREEN_UP),
      now: T0 + 40 * S,
      expect: { step: phase('smoke'), status: 'progressing', ...BEFORE, background: false },
    },
    {
      name: 'scale-up, exactly at the deadline (600 s): still waits',
      observed: colours({ desired: 3, ready: 2 }),
      now: T0 + 600 * S,
      expect: { step: phase('scale-up'), status: 'progressing' },
    },
    {
      name: 'scale-up past the deadline: rolled back, blue 100 %, green to 0',
      observed: colours({ desired: 3, ready: 2 }),
      now: T0 + 600 * S + 1,
      expect: {
        status: 'rolled-back',
        replicas: { [OLD]: 3, [NEW]: 0 },
        weights: { [OLD]: 100 },
        reason: /^v2 not ready within progressDeadlineSeconds \(2\/3 ready\)$/,
      },
    },
    // smoke
    {
      name: 'smoke with checks: asks the runner to run them, traffic on blue',
      spec: SMOKE,
      state: { step: phase('smoke') },
      observed: colours(GREEN_UP),
      now: T0 + 41 * S,
      expect: { step: phase('smoke'), smoke: true, ...BEFORE, gate: undefined, message: /smoke checks/ },
    },
    {
      name: 'smoke without checks: skipped',
      state: { step: phase('smoke') },
      observed: colours(GREEN_UP),
      now: T0 + 41 * S,
      expect: {
        step: phase('pre-promotion analysis'),
        smoke: false,
        ...BEFORE,
        message: /^no smoke checks$/,
      },
    },
    // pre-promotion analysis
    {
      name: 'pre-promotion analysis off (default): skipped',
      state: { step: phase('pre-promotion analysis') },
      observed: colours(GREEN_UP),
      now: T0 + 42 * S,
      expect: { step: phase('promotion'), gate: undefined, ...BEFORE },
    },
    {
      name: 'pre-promotion analysis on: a gate on the preview only, traffic on blue',
      spec: PRE,
      state: { step: phase('pre-promotion analysis') },
      observed: colours(GREEN_UP),
      now: T0 + 42 * S,
      expect: {
        step: phase('pre-promotion analysis'),
        gate: { previewOnly: true },
        ...BEFORE,
        background: false,
        message: /analysing the v2 preview/,
      },
    },
    {
      name: 'pre-promotion analysis passed (count 1): on to promotion',
      spec: PRE,
      state: { step: phase('pre-promotion analysis'), gate: passed(1) },
      observed: colours(GREEN_UP),
      now: T0 + 50 * S,
      expect: { step: phase('promotion'), gate: undefined, ...BEFORE },
    },
    {
      name: 'pre-promotion analysis count 2, passed once: keeps measuring',
      spec: PRE_COUNT_2,
      state: { step: phase('pre-promotion analysis'), gate: passed(1) },
      observed: colours(GREEN_UP),
      now: T0 + 50 * S,
      expect: { step: phase('pre-promotion analysis'), gate: { previewOnly: true } },
    },
    // promotion
    {
      name: 'promotion, autoPromotion (default): all traffic to green at once, blue still up',
      state: { step: phase('promotion') },
      observed: colours(GREEN_UP),
      now: T0 + 43 * S,
      expect: {
        step: phase('bake'),
        status: 'progressing',
        ...AFTER,
        background: true,
        message: /^switched all traffic to v2$/,
      },
    },
    {
      name: 'promotion, autoPromotion false: paused, traffic on blue, waiting for a person',
      spec: MANUAL,
      state: { step: phase('promotion') },
      observed: colours(GREEN_UP),
      now: T0 + 43 * S,
      expect: {
        step: phase('promotion'),
        status: 'paused',
        ...BEFORE,
        background: false,
        message: /`gantry promote api`/,
      },
    },
    {
      name: 'promotion, autoPromotion false, an hour later: still paused (a person is not a stall)',
      spec: MANUAL,
      state: { step: phase('promotion'), status: 'paused', lastProgressAt: T0 + 43 * S },
      observed: colours(GREEN_UP),
      now: T0 + 3600 * S,
      expect: { step: phase('promotion'), status: 'paused', ...BEFORE },
    },
    {
      name: 'promotion, autoPromotion false, promoted: switched, progressing, promote consumed',
      spec: MANUAL,
      state: { step: phase('promotion'), status: 'progressing', promote: 'step' },
      observed: colours(GREEN_UP),
      now: T0 + 3600 * S,
      expect: { step: phase('bake'), status: 'progressing', ...AFTER, promote: 'none' },
    },
    // the bake (post-promotion analysis), with blue still up
    {
      name: 'bake: a gate under real traffic, green takes it all, blue still at full size',
      state: { step: phase('bake') },
      observed: colours(GREEN_UP, 0),
      now: T0 + 44 * S,
      expect: {
        step: phase('bake'),
        status: 'progressing',
        gate: { previewOnly: false },
        ...AFTER,
        background: true,
        message: /^bake: measuring v2 at 100 % \(0\/2 passed\)$/,
      },
    },
    {
      name: 'bake passed once of two (two intervals by default): keeps measuring',
      state: { step: phase('bake'), baking: true, gate: passed(1) },
      observed: colours(GREEN_UP, 0),
      now: T0 + 50 * S,
      expect: { status: 'progressing', gate: { previewOnly: false }, ...AFTER },
    },
    {
      name: 'bake passed: succeeded, blue retained scaleDownDelaySeconds (30 s)',
      state: { step: phase('bake'), baking: true, gate: passed(2) },
      observed: colours(GREEN_UP, 0),
      now: T0 + 50 * S,
      expect: {
        status: 'succeeded',
        replicas: { [NEW]: 3 },
        weights: { [NEW]: 100 },
        gate: undefined,
        retainUntil: T0 + 50 * S + 30 * S,
        message: /v1 kept 30s for an instant rollback; passed the bake \(2 at 100 %\)$/,
      },
    },
    {
      name: 'bake passed, scaleDownDelaySeconds 120',
      spec: DELAY_120,
      state: { step: phase('bake'), baking: true, gate: passed(2) },
      observed: colours(GREEN_UP, 0),
      now: T0 + 50 * S,
      expect: { status: 'succeeded', retainUntil: T0 + 50 * S + 120 * S },
    },
    {
      name: 'bake, a promote --full carried from the promotion: cleared, the bake still measures',
      state: { step: phase('bake'), promote: 'full' },
      observed: colours(GREEN_UP, 0),
      now: T0 + 50 * S,
      expect: { status: 'progressing', promote: 'none', gate: { previewOnly: false } },
    },
    {
      name: 'bake, promote during it after a pass: succeeded, analysed',
      state: { step: phase('bake'), baking: true, promote: 'step', gate: passed(1) },
      observed: colours(GREEN_UP, 0),
      now: T0 + 50 * S,
      expect: { status: 'succeeded', gate: undefined, message: /\(bake ended by promote\)$/ },
    },
    {
      name: 'past the last phase: the bake still',
      state: { step: BLUE_GREEN_PHASES.length, baking: true, gate: passed(2) },
      observed: colours(GREEN_UP, 0),
      now: T0 + 50 * S,
      expect: { status: 'succeeded', replicas: { [NEW]: 3 }, weights: { [NEW]: 100 } },
    },
  ];
  for (const row of rows) it(row.name, () => check(row));
});

/** Plays a release tick by tick; the runner's part (gate passes, smoke passes, a promote) is faked. */
function walk(spec: ServiceModel, promoteWhenPaused = false) {
  let state = releaseState('blue-green');
  let observed = steady();
  const phases: string[] = [];
  const asked = { smoke: 0, previewGates: 0, trafficGates: 0, paused: 0 };
  for (let tick = 1; tick <= 50 && (state.status === 'progressing' || state.status === 'paused'); tick++) {
    const now = T0 + tick * 5 * S;
    const decision = decideBlueGreen({ state, spec, observed, now });
    state = decision.state;
    const name = BLUE_GREEN_PHASES[state.step] ?? 'done';
    if (phases.at(-1) !== name) phases.push(name);
    if (decision.weights?.[NEW] !== 100)
      assert.equal(decision.weights?.[OLD], 100, `blue keeps all traffic until promotion (tick ${tick})`);
    if (decision.smoke) {
      asked.smoke++;
      state = { ...state, step: state.step + 1 }; // the runner advances on passing smoke checks
    }
    if (decision.gate) {
      if (decision.gate.previewOnly) asked.previewGates++;
      else asked.trafficGates++;
      state = { ...state, gate: { ...state.gate, passed: state.gate.passed + 1 } };
    }
    if (state.status === 'paused') {
      asked.paused++;
      if (!promoteWhenPaused) break;
      state = { ...state, promote: 'step', status: 'progressing' };
    }
    observed = markReady(applyDecision(observed, decision), NEW);
  }
  return { state, phases, asked };
}

describe('decideBlueGreen: whole releases, tick by tick', () => {
  it('defaults: scale-up → promotion → bake → succeeded, no smoke, no preview gate, two bake measurements', () => {
    const run = walk(PLAIN);
    assert.equal(run.state.status, 'succeeded');
    assert.deepEqual(run.asked, { smoke: 0, previewGates: 0, trafficGates: 2, paused: 0 });
  });

  it('smoke, pre-promotion analysis and a manual promotion: each asked once, then succeeded', () => {
    const spec = serviceWith(
      '{ strategy: blue-green, smoke: [ {path: /health/ready} ], prePromotionAnalysis: true, autoPromotion: false }',
    );
    const run = walk(spec, true);
    assert.equal(run.state.status, 'succeeded');
    assert.deepEqual(run.asked, { smoke: 1, previewGates: 1, trafficGates: 2, paused: 1 });
  });

  it('autoPromotion false and nobody promotes: stays paused with blue taking all traffic', () => {
    const run = walk(MANUAL);
    assert.equal(run.state.status, 'paused');
    assert.equal(run.state.step, phase('promotion'));
  });
});

describe('decideBlueGreen: bugs found by these tests, now fixed', () => {
  it('green replicas becoming ready during scale-up count as progress (state.ts: "a replica became ready")', () => {
    // 1/3 at 300 s, 2/3 at 590 s, 3/3 would come at 800 s: steady progress, one replica every ~5 min.
    let state = releaseState('blue-green');
    for (const [at, ready] of [
      [300, 1],
      [590, 2],
      [601, 2],
    ] as const) {
      const decision = decideBlueGreen({
        state,
        spec: PLAIN,
        observed: colours({ desired: 3, ready }),
        now: T0 + at * S,
      });
      state = decision.state;
    }
    assert.equal(state.status, 'progressing', state.reason);
  });
});
