/**
 * Whole syncs (horizontal.go): metrics → recommendation → stabilization → policies → [min, max],
 * each row worked out by hand. `wanting(n, current)` is a metric that proposes exactly n.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cpu,
  LOAD,
  metricPods,
  NOW,
  observed,
  podsMetric,
  resourcePods,
  secondsAgo,
  wanting,
} from './fixtures.test-support.ts';
import { decide } from './hpa.ts';
import { type Behavior, EMPTY_HISTORY, type History, type HpaSpec, type Observed } from './hpa-data.ts';

interface Row {
  name: string;
  spec?: Partial<HpaSpec>;
  observed: Observed;
  history?: Partial<History>;
  desired: number;
  reason: string;
}

const spec = (fields: Partial<HpaSpec>): HpaSpec => ({
  minReplicas: 1,
  maxReplicas: 100,
  metrics: [LOAD],
  ...fields,
});
const recs = (...pairs: [replicas: number, ageSeconds: number][]) =>
  pairs.map(([replicas, age]) => ({ replicas, at: secondsAgo(age) }));
const events = (...pairs: [change: number, ageSeconds: number][]) =>
  pairs.map(([change, age]) => ({ change, at: secondsAgo(age) }));
/** A history whose only recommendation is too old to matter (not the controller's first sync). */
const OLD: Partial<History> = { recommendations: recs([1, 3600]) };
const up = (scaleUp: Behavior['scaleUp']): Behavior => ({ scaleUp });
const down = (scaleDown: Behavior['scaleDown']): Behavior => ({
  scaleDown: { stabilizationWindowSeconds: 0, ...scaleDown },
});

const rows: Row[] = [
  // ── Several metrics ──
  {
    // cpu: 1200m of 1000m = 120 %, 120/70 → ceil(1.714 × 4) = 7; rps: 600/500 = 1.2 → ceil(1.2 × 4) = 5.
    // The highest wins: 7; default behavior allows max(4 + 4, 4 × 2) = 8 → 7
    name: 'several metrics: the highest proposal wins',
    spec: {
      metrics: [cpu(70), podsMetric('rps', '500')],
      behavior: {},
    },
    observed: observed(
      resourcePods('cpu', '250m', '400m', '300m', '300m', '200m').map((pod, i) => ({
        ...pod,
        metrics: metricPods('rps', '600', '600', '600', '600')[i]!.metrics!,
      })),
    ),
    history: OLD,
    desired: 7,
    reason: 'DesiredWithinRange',
  },
  // ── The legacy path (no behavior) ──
  {
    // Wants 12 from 4; cap max(2 × 4, 4) = 8 but max 6 < 8 → TooManyReplicas → 6
    name: 'legacy: clamped to maxReplicas',
    spec: { maxReplicas: 6 },
    observed: wanting(12, 4),
    history: OLD,
    desired: 6,
    reason: 'TooManyReplicas',
  },
  {
    // Wants 10 from 3, max 20; cap max(2 × 3, 4) = 6 → ScaleUpLimit → 6
    name: 'legacy: scale-up capped at twice the current count',
    spec: { maxReplicas: 20 },
    observed: wanting(10, 3),
    history: OLD,
    desired: 6,
    reason: 'ScaleUpLimit',
  },
  {
    // Wants 9 from 1; cap max(2 × 1, 4) = 4 → 4
    name: 'legacy: the scale-up cap is at least 4',
    spec: { maxReplicas: 10 },
    observed: wanting(9, 1),
    history: OLD,
    desired: 4,
    reason: 'ScaleUpLimit',
  },
  {
    // Wants 1 from 3, min 2; no recommendation within 300 s → 1 < min → TooFewReplicas → 2
    name: 'legacy: clamped to minReplicas',
    spec: { minReplicas: 2 },
    observed: wanting(1, 3),
    history: OLD,
    desired: 2,
    reason: 'TooFewReplicas',
  },
  {
    // Wants 2 from 5; recommendation 5 made 200 s ago is within the 300 s window → max(2, 5) = 5
    name: 'legacy: scale-down held by the 5-minute window',
    observed: wanting(2, 5),
    history: { recommendations: recs([5, 200]) },
    desired: 5,
    reason: 'ScaleDownStabilized',
  },
  {
    // A recommendation exactly 300 s old still counts on the legacy path (not before the cutoff) → 5
    name: 'legacy: the window includes its edge',
    observed: wanting(2, 5),
    history: { recommendations: recs([5, 300]) },
    desired: 5,
    reason: 'ScaleDownStabilized',
  },
  {
    // 301 s old: outside → 2
    name: 'legacy: past the window it scales down',
    observed: wanting(2, 5),
    history: { recommendations: recs([5, 301]) },
    desired: 2,
    reason: 'DesiredWithinRange',
  },
  {
    // First sync: the controller records the current count (5) as made now → max(2, 5) = 5
    name: 'legacy: an empty history (first sync) holds the current count',
    observed: wanting(2, 5),
    desired: 5,
    reason: 'ScaleDownStabilized',
  },
  // ── Default behavior (behavior: {} gets the API defaults) ──
  {
    // Scale up: Pods 2 + 4 = 6, Percent ceil(2 × 2) = 4 per 15 s; Max → 6
    name: 'default behavior: scale up by the larger of 4 pods and 100 %',
    spec: { behavior: {} },
    observed: wanting(20, 2),
    history: OLD,
    desired: 6,
    reason: 'ScaleUpLimit',
  },
  {
    // From 10: Pods 14, Percent 20 → Max → 20
    name: 'default behavior: 100 % wins above 4 replicas',
    spec: { behavior: {} },
    observed: wanting(50, 10),
    history: OLD,
    desired: 20,
    reason: 'ScaleUpLimit',
  },
  {
    // Wants 3 from 10; within 300 s: 10 (100 s), 6 (50 s) → max(3, 10, 6) = 10
    name: 'default behavior: scale-down waits for the 300 s window',
    spec: { behavior: {} },
    observed: wanting(3, 10),
    history: { recommendations: recs([10, 100], [6, 50]) },
    desired: 10,
    reason: 'ScaleDownStabilized',
  },
  {
    // 10 was recommended exactly 300 s ago: with behavior the window excludes its edge (not after
    // the cutoff); 6 (50 s) counts → max(3, 6) = 6; -100 % per 15 s allows 0 → 6
    name: 'default behavior: a recommendation exactly one window old no longer counts',
    spec: { behavior: {} },
    observed: wanting(3, 10),
    history: { recommendations: recs([10, 300], [6, 50]) },
    desired: 6,
    reason: 'ScaleDownStabilized',
  },
  {
    // Nothing within 300 s: 3; -100 % per 15 s → trunc(10 × 0) = 0 ≤ 3 → 3
    name: 'default behavior: scale down all at once after the window',
    spec: { behavior: {} },
    observed: wanting(3, 10),
    history: OLD,
    desired: 3,
    reason: 'DesiredWithinRange',
  },
  // ── Policies and their periods ──
  {
    // Pods 2 per 60 s; 2 added 30 s ago → start 6 − 2 = 4 → limit 6 = current: no change
    name: 'Pods policy: replicas added within the period count against it',
    spec: { behavior: up({ policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] }) },
    observed: wanting(10, 6),
    history: { ...OLD, scaleUpEvents: events([2, 30]) },
    desired: 6,
    reason: 'ScaleUpLimit',
  },
  {
    // The event is exactly 60 s old: outside the period (not after the cutoff) → start 6 → 8
    name: 'Pods policy: an event one period old no longer counts',
    spec: { behavior: up({ policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] }) },
    observed: wanting(10, 6),
    history: { ...OLD, scaleUpEvents: events([2, 60]) },
    desired: 8,
    reason: 'ScaleUpLimit',
  },
  {
    // Pods 4 per 60 s; 4 added 30 s ago, 2 removed 20 s ago → start 8 − 4 + 2 = 6 → 10
    name: 'Pods policy: removals within the period raise the start',
    spec: { behavior: up({ policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }] }) },
    observed: wanting(12, 8),
    history: { ...OLD, scaleUpEvents: events([4, 30]), scaleDownEvents: events([2, 20]) },
    desired: 10,
    reason: 'ScaleUpLimit',
  },
  {
    // Percent 50 per 60 s from 4 → ceil(4 × 1.5) = 6
    name: 'Percent policy: scale up',
    spec: { behavior: up({ policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] }) },
    observed: wanting(10, 4),
    history: OLD,
    desired: 6,
    reason: 'ScaleUpLimit',
  },
  {
    // Percent 10 per 60 s; 5 added 10 s ago → start 5 → ceil(5 × 1.1) = 6 < 10 current → hold at 10
    name: 'Percent policy: a limit below the current count holds it',
    spec: { behavior: up({ policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] }) },
    observed: wanting(20, 10),
    history: { ...OLD, scaleUpEvents: events([5, 10]) },
    desired: 10,
    reason: 'ScaleUpLimit',
  },
  {
    // Float order: ceil(100 × (1 + 10/100)) = ceil(110.00000000000001) = 111 (integer math: 110)
    name: 'Percent float order, up: 100 + 10 % allows 111',
    spec: {
      maxReplicas: 200,
      behavior: up({ policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] }),
    },
    observed: wanting(150, 100),
    history: OLD,
    desired: 111,
    reason: 'ScaleUpLimit',
  },
  {
    // Float order: ceil(50 × 1.14) = ceil(57.00000000000001) = 58 (integer math: 57)
    name: 'Percent float order, up: 50 + 14 % allows 58',
    spec: { behavior: up({ policies: [{ type: 'Percent', value: 14, periodSeconds: 60 }] }) },
    observed: wanting(80, 50),
    history: OLD,
    desired: 58,
    reason: 'ScaleUpLimit',
  },
  {
    // Float order: trunc(10 × (1 − 80/100)) = trunc(1.9999999999999996) = 1 (integer math: 2) → 1 is allowed
    name: 'Percent float order, down: 10 − 80 % allows 1',
    spec: { behavior: down({ policies: [{ type: 'Percent', value: 80, periodSeconds: 60 }] }) },
    observed: wanting(1, 10),
    history: OLD,
    desired: 1,
    reason: 'DesiredWithinRange',
  },
  {
    // trunc(100 × 0.7) = 70: −30 % from 100 stops at 70
    name: 'Percent policy: scale down',
    spec: { behavior: down({ policies: [{ type: 'Percent', value: 30, periodSeconds: 60 }] }) },
    observed: wanting(10, 100),
    history: OLD,
    desired: 70,
    reason: 'ScaleDownLimit',
  },
  // ── selectPolicy ──
  {
    // From 10: Pods 14, Percent 20; Min takes the smaller change → 14
    name: 'selectPolicy Min, scale up: the smallest change',
    spec: { behavior: up({ selectPolicy: 'Min' }) },
    observed: wanting(30, 10),
    history: OLD,
    desired: 14,
    reason: 'ScaleUpLimit',
  },
  {
    // From 10: Pods −2 → 8, Percent −50 % → 5; Min (smallest change) → 8
    name: 'selectPolicy Min, scale down: the smallest change',
    spec: {
      behavior: down({
        selectPolicy: 'Min',
        policies: [
          { type: 'Pods', value: 2, periodSeconds: 60 },
          { type: 'Percent', value: 50, periodSeconds: 60 },
        ],
      }),
    },
    observed: wanting(2, 10),
    history: OLD,
    desired: 8,
    reason: 'ScaleDownLimit',
  },
  {
    // Same policies, Max (biggest change) → min(8, 5) = 5
    name: 'selectPolicy Max, scale down: the biggest change',
    spec: {
      behavior: down({
        policies: [
          { type: 'Pods', value: 2, periodSeconds: 60 },
          { type: 'Percent', value: 50, periodSeconds: 60 },
        ],
      }),
    },
    observed: wanting(2, 10),
    history: OLD,
    desired: 5,
    reason: 'ScaleDownLimit',
  },
  {
    // Disabled: the limit is the current count → no scale-down
    name: 'selectPolicy Disabled, scale down: stays',
    spec: { behavior: down({ selectPolicy: 'Disabled' }) },
    observed: wanting(2, 10),
    history: OLD,
    desired: 10,
    reason: 'ScaleDownLimit',
  },
  {
    name: 'selectPolicy Disabled, scale up: stays',
    spec: { behavior: up({ selectPolicy: 'Disabled' }) },
    observed: wanting(6, 3),
    history: OLD,
    desired: 3,
    reason: 'ScaleUpLimit',
  },
  // ── Stabilization windows ──
  {
    // scaleUp window 60 s: min(8, 3, 5) = 3 → current 3 → no scale-up yet
    name: 'scale-up window: the lowest recent recommendation holds it',
    spec: { behavior: up({ stabilizationWindowSeconds: 60 }) },
    observed: wanting(8, 3),
    history: { recommendations: recs([3, 30], [5, 20]) },
    desired: 3,
    reason: 'ScaleUpStabilized',
  },
  {
    // min(8, 5, 6) = 5 → 5 (rate limit 7 is not reached)
    name: 'scale-up window: up to the lowest recent recommendation',
    spec: { behavior: up({ stabilizationWindowSeconds: 60 }) },
    observed: wanting(8, 3),
    history: { recommendations: recs([5, 30], [6, 10]) },
    desired: 5,
    reason: 'ScaleUpStabilized',
  },
  {
    // scaleDown window 60 s: 8 (90 s) is outside, 6 (30 s) inside → max(4, 6) = 6
    name: 'scale-down window: the highest recent recommendation holds it',
    spec: { behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } },
    observed: wanting(4, 8),
    history: { recommendations: recs([8, 90], [6, 30]) },
    desired: 6,
    reason: 'ScaleDownStabilized',
  },
  // ── [min, max] with behavior ──
  {
    // Wants 1 from 5, min 3: −100 % allows 0, min 3 ≥ 0 → TooFewReplicas → 3
    name: 'behavior: clamped to minReplicas',
    spec: { minReplicas: 3, behavior: down({}) },
    observed: wanting(1, 5),
    history: OLD,
    desired: 3,
    reason: 'TooFewReplicas',
  },
  {
    // Wants 30 from 5, max 8: default limit max(9, 10) = 10 ≥ 8 → TooManyReplicas → 8
    name: 'behavior: clamped to maxReplicas',
    spec: { maxReplicas: 8, behavior: {} },
    observed: wanting(30, 5),
    history: OLD,
    desired: 8,
    reason: 'TooManyReplicas',
  },
  // ── Configurable tolerance (1.33+) ──
  {
    // 3 pods at 108 (target 100): 1.08 is within the default 0.1 but not a 0.05 scale-up tolerance → ceil(1.08 × 3) = 4
    name: 'behavior.scaleUp.tolerance narrows the band',
    spec: { metrics: [podsMetric('rps', '100')], behavior: up({ tolerance: 0.05 }) },
    observed: observed(metricPods('rps', '108', '108', '108')),
    history: OLD,
    desired: 4,
    reason: 'DesiredWithinRange',
  },
  // ── Before the metrics ──
  {
    name: 'current count above maxReplicas: back to max, metrics not consulted',
    spec: { maxReplicas: 5 },
    observed: wanting(50, 7),
    desired: 5,
    reason: 'TooManyReplicas',
  },
  {
    name: 'target scaled to zero: autoscaling is off',
    observed: wanting(5, 0),
    desired: 0,
    reason: 'ScalingDisabled',
  },
];

describe('decide: one HPA sync', () => {
  for (const row of rows)
    it(row.name, () => {
      const history = { ...EMPTY_HISTORY, ...row.history };
      const decision = decide(spec(row.spec ?? {}), row.observed, history, NOW);
      assert.deepEqual(
        { desired: decision.desiredReplicas, reason: decision.reason },
        { desired: row.desired, reason: row.reason },
      );
      assert.equal(decision.rescale, row.desired !== row.observed.currentReplicas);
    });
});

describe('decide: failing metrics', () => {
  const broken = cpu(50); // no pod reports cpu
  it('a failing metric does not stop a scale-up from the others', () => {
    const decision = decide(
      spec({ metrics: [broken, LOAD] }),
      wanting(6, 3),
      { ...EMPTY_HISTORY, ...OLD },
      NOW,
    );
    assert.equal(decision.desiredReplicas, 6);
  });
  it('a failing metric stops a scale-down: nothing changes, with its reason', () => {
    const decision = decide(
      spec({ metrics: [broken, LOAD] }),
      wanting(1, 3),
      { ...EMPTY_HISTORY, ...OLD },
      NOW,
    );
    assert.deepEqual(
      [decision.desiredReplicas, decision.reason, decision.message],
      [
        3,
        'FailedGetResourceMetric',
        'the HPA was unable to compute the replica count: no pods returned by selector while calculating replica count',
      ],
    );
  });
});

describe('decide: what to remember for the next sync', () => {
  it('adds this recommendation and the scale event, and drops what no window or period can see', () => {
    const history: History = {
      recommendations: recs([9, 400], [4, 100]),
      scaleUpEvents: events([1, 20], [3, 16]),
      scaleDownEvents: [],
    };
    // Default behavior: windows 0 s up, 300 s down; up policies 15 s long.
    const decision = decide(spec({ behavior: {} }), wanting(6, 4), history, NOW);
    assert.equal(decision.desiredReplicas, 6);
    assert.deepEqual(decision.history, {
      recommendations: [
        { replicas: 4, at: secondsAgo(100) },
        { replicas: 6, at: NOW },
      ],
      scaleUpEvents: [{ change: 2, at: NOW }],
      scaleDownEvents: [],
    });
  });
  it('the legacy path keeps no scale events', () => {
    const decision = decide(spec({}), wanting(6, 4), { ...EMPTY_HISTORY, ...OLD }, NOW);
    assert.deepEqual(decision.history.scaleUpEvents, []);
    assert.equal(decision.rescaleReason, 'external metric load above target');
  });
});
