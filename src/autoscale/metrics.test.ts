/**
 * One metric → one proposal (replica_calculator.go), worked out by hand from the Kubernetes
 * rules. Tolerance 0.1 both ways: no change while 0.9 ≤ ratio ≤ 1.1.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cpu,
  memory,
  metricPods,
  NOW,
  observed,
  pod,
  podsMetric,
  q,
  resourcePods,
  secondsAgo,
} from './fixtures.test-support.ts';
import { DEFAULT_CONTROLLER, type MetricSpec, type Observed } from './hpa-data.ts';
import { computeMetric, type MetricResult, type Outcome } from './metrics.ts';

interface Row {
  name: string;
  metric: MetricSpec;
  observed: Observed;
  proposal: number;
  outcome?: Outcome;
  utilization?: number;
}

const run = (metric: MetricSpec, state: Observed): MetricResult =>
  computeMetric(metric, {
    observed: state,
    tolerances: { down: 0.1, up: 0.1 },
    now: NOW,
    config: DEFAULT_CONTROLLER,
  });

const rows: Row[] = [
  // ── Resource utilization: plain scale up and down ──
  {
    // Σ usage 400+300+300+200 = 1200m of Σ requests 1000m → 120 %; 120/70 = 1.714 → ceil(1.714 × 4) = ceil(6.86) = 7
    name: 'cpu above target scales up',
    metric: cpu(70),
    observed: observed(resourcePods('cpu', '250m', '400m', '300m', '300m', '200m')),
    proposal: 7,
    outcome: 'scaled',
    utilization: 120,
  },
  {
    // 5 × 100m of 5 × 500m → 20 %; 20/50 = 0.4 → ceil(0.4 × 5) = 2
    name: 'cpu below target scales down',
    metric: cpu(50),
    observed: observed(resourcePods('cpu', '500m', '100m', '100m', '100m', '100m', '100m')),
    proposal: 2,
    utilization: 20,
  },
  // ── Tolerance, and the whole-percent truncation ──
  {
    // 233m of 300m = 77.67 % → truncated to 77 %; 77/70 = 1.1 exactly → within (≤ 1.1) → stay at 3.
    // Without the truncation 77.67/70 = 1.109 would scale to 4.
    name: 'utilization truncated to a whole percent lands exactly on 1.1: no change',
    metric: cpu(70),
    observed: observed(resourcePods('cpu', '100m', '77m', '77m', '79m')),
    proposal: 3,
    outcome: 'within-tolerance',
    utilization: 77,
  },
  {
    // 1560m of 2000m = 78 %; 78/70 = 1.114 > 1.1 → ceil(1.114 × 2) = ceil(2.23) = 3
    name: 'just above the tolerance (1.114) scales up',
    metric: cpu(70),
    observed: observed(resourcePods('cpu', '1', '780m', '780m')),
    proposal: 3,
  },
  {
    // 10 × 630m of 10 × 1 → 63 %; 63/70 = 0.9 exactly → within (≥ 0.9) → stay at 10
    name: 'exactly at 0.9: no change',
    metric: cpu(70),
    observed: observed(resourcePods('cpu', '1', ...Array<string>(10).fill('630m'))),
    proposal: 10,
    outcome: 'within-tolerance',
  },
  {
    // 62 %; 62/70 = 0.886 < 0.9 → ceil(0.886 × 10) = ceil(8.86) = 9
    name: 'just below 0.9 scales down',
    metric: cpu(70),
    observed: observed(resourcePods('cpu', '1', ...Array<string>(10).fill('620m'))),
    proposal: 9,
  },
  {
    // 450Mi + 500Mi = 950Mi of 1024Mi = 92.77 % → 92 %; 92/60 = 1.533 → ceil(1.533 × 2) = ceil(3.07) = 4
    name: 'memory utilization of requests',
    metric: memory(60),
    observed: observed(resourcePods('memory', '512Mi', '450Mi', '500Mi')),
    proposal: 4,
    utilization: 92,
  },
  // ── Pods without a sample ──
  {
    // Ready: 300m of 300m = 100 %, 100/50 = 2 (up). The missing pod at 0 %: 300m of 400m = 75 %,
    // 75/50 = 1.5 → ceil(1.5 × 4) = 6
    name: 'a pod without a sample counts as 0 % when scaling up',
    metric: cpu(50),
    observed: observed(resourcePods('cpu', '100m', '100m', '100m', '100m', null)),
    proposal: 6,
    outcome: 'recomputed',
  },
  {
    // Ready: 300m of 3000m = 10 %, 10/50 = 0.2 (down). The missing pod at 100 % of its request:
    // 1300m of 4000m = 32.5 % → 32 %; 32/50 = 0.64 → ceil(0.64 × 4) = ceil(2.56) = 3
    name: 'a pod without a sample counts as 100 % of its request when scaling down',
    metric: cpu(50),
    observed: observed(resourcePods('cpu', '1', '100m', '100m', '100m', null)),
    proposal: 3,
    outcome: 'recomputed',
  },
  {
    // Target 150 %: ready 30 %, 30/150 = 0.2 (down). Missing counted at the target, 150 % of 1 = 1500m:
    // 300m + 1500m of 4000m = 45 %; 45/150 = 0.3 → ceil(0.3 × 4) = ceil(1.2) = 2
    name: 'a pod without a sample counts at a target above 100 % when scaling down',
    metric: cpu(150),
    observed: observed(resourcePods('cpu', '1', '300m', '300m', '300m', null)),
    proposal: 2,
  },
  {
    // Ready: 700m of 1000m = 70 %, 70/80 = 0.875 (down). Three missing at 100 %: 3700m of 4000m
    // = 92.5 % → 92 %; 92/80 = 1.15 > 1: the direction flipped → stay at 4
    name: 'missing pods that flip a scale-down into a scale-up: no change',
    metric: cpu(80),
    observed: observed(resourcePods('cpu', '1', '700m', null, null, null)),
    proposal: 4,
    outcome: 'direction-flip',
  },
  {
    // Ready: 800m of 2000m = 40 %, 40/70 = 0.571 (down). Two missing at 100 %: 2800m of 4000m = 70 %,
    // 70/70 = 1 → within tolerance → stay at 4
    name: 'missing pods that bring the ratio within tolerance: no change',
    metric: cpu(70),
    observed: observed(resourcePods('cpu', '1', '400m', '400m', null, null)),
    proposal: 4,
    outcome: 'recomputed-within-tolerance',
  },
  // ── Unready pods (CPU) ──
  {
    // Ready: 3 × 100 % → 100/50 = 2 (up). The unready pod's sample is dropped and it counts as 0:
    // 300m of 400m = 75 %; 75/50 = 1.5 → ceil(1.5 × 4) = 6
    name: 'an unready pod counts as 0 % when scaling up',
    metric: cpu(50),
    observed: observed([
      ...resourcePods('cpu', '100m', '100m', '100m', '100m'),
      pod('starting', 'cpu', '100m', '100m', { ready: false }),
    ]),
    proposal: 6,
    outcome: 'recomputed',
  },
  {
    // Ready: 3 × 20 % → 20/50 = 0.4 (down). Unready pods are left out of a scale-down:
    // ceil(0.4 × 3 ready) = ceil(1.2) = 2
    name: 'an unready pod is ignored when scaling down',
    metric: cpu(50),
    observed: observed([
      ...resourcePods('cpu', '1', '200m', '200m', '200m'),
      pod('starting', 'cpu', '1', '900m', { ready: false }),
    ]),
    proposal: 2,
    outcome: 'scaled',
  },
  {
    // Ready: 100/90 = 1.11 (up). Three unready at 0: 100m of 400m = 25 %, 25/90 = 0.28 < 1:
    // the direction flipped → stay at 4
    name: 'unready pods that flip a scale-up into a scale-down: no change',
    metric: cpu(90),
    observed: observed([
      pod('ready', 'cpu', '100m', '100m'),
      ...['a', 'b', 'c'].map((n) => pod(n, 'cpu', '100m', '100m', { ready: false })),
    ]),
    proposal: 4,
    outcome: 'direction-flip',
  },
  {
    // CPU: the unready pod is dropped, ready 100 % → 2 (up); at 0: 100m of 200m = 50 %, 50/50 = 1 → stay at 2
    name: 'cpu: an unready pod at 0 % brings the ratio back to 1',
    metric: cpu(50),
    observed: observed([pod('a', 'cpu', '100m', '100m'), pod('b', 'cpu', '100m', '100m', { ready: false })]),
    proposal: 2,
    outcome: 'recomputed-within-tolerance',
  },
  {
    // Readiness only matters for CPU: both memory samples count, 200Mi of 200Mi = 100 %; 100/50 = 2 → ceil(2 × 2) = 4
    name: 'memory: readiness is not considered, the unready pod’s sample counts',
    metric: memory(50),
    observed: observed([
      pod('a', 'memory', '100Mi', '100Mi'),
      pod('b', 'memory', '100Mi', '100Mi', { ready: false }),
    ]),
    proposal: 4,
    outcome: 'scaled',
  },
  {
    // Started 60 s ago (within the 300 s CPU initialization period), ready since 10 s: the 15 s sample
    // window began before it became ready → unready. As above: stays at 2.
    name: 'cpu initialization period: a sample from before the pod became ready is ignored',
    metric: cpu(50),
    observed: observed([
      pod('a', 'cpu', '100m', '100m'),
      pod('b', 'cpu', '100m', '100m', { startedAt: secondsAgo(60), readyChangedAt: secondsAgo(10) }),
    ]),
    proposal: 2,
  },
  {
    // Ready since 20 s > 15 s window: the sample counts. 200m of 200m = 100 %, 100/50 = 2 → 4
    name: 'cpu initialization period: a full sample window after readiness counts',
    metric: cpu(50),
    observed: observed([
      pod('a', 'cpu', '100m', '100m'),
      pod('b', 'cpu', '100m', '100m', { startedAt: secondsAgo(60), readyChangedAt: secondsAgo(20) }),
    ]),
    proposal: 4,
  },
  {
    // Started 600 s ago (past the initialization period), not ready since 100 s: it was ready
    // before (the change came 500 s after start, more than the 30 s delay) → its sample counts → 4
    name: 'after the initialization period, a pod that turned unready still counts for cpu',
    metric: cpu(50),
    observed: observed([
      pod('a', 'cpu', '100m', '100m'),
      pod('b', 'cpu', '100m', '100m', {
        ready: false,
        startedAt: secondsAgo(600),
        readyChangedAt: secondsAgo(100),
      }),
    ]),
    proposal: 4,
  },
  {
    // Not ready, its readiness last changed 10 s after start (within the 30 s delay): never ready → unready → 2
    name: 'after the initialization period, a pod that was never ready is unready',
    metric: cpu(50),
    observed: observed([
      pod('a', 'cpu', '100m', '100m'),
      pod('b', 'cpu', '100m', '100m', {
        ready: false,
        startedAt: secondsAgo(600),
        readyChangedAt: secondsAgo(590),
      }),
    ]),
    proposal: 2,
  },
  // ── Pods metrics (average value per pod) ──
  {
    // (1200 + 900 + 600)/3 = 900 per pod; 900/500 = 1.8 → ceil(1.8 × 3) = ceil(5.4) = 6
    name: 'pods metric: average value per pod',
    metric: podsMetric('rps', '500'),
    observed: observed(metricPods('rps', '1200', '900', '600')),
    proposal: 6,
  },
  {
    // A Pending pod is unready for every metric. Ready: 200/100 = 2 (up). It counts as 0:
    // 400000m/3 = 133333m (integer division) → 1.33333 → ceil(1.33333 × 3) = 4
    name: 'pods metric: a Pending pod counts as 0 when scaling up',
    metric: podsMetric('rps', '100'),
    observed: observed([...metricPods('rps', '200', '200'), { name: 'new', phase: 'Pending' }]),
    proposal: 4,
  },
  {
    // Failed and deleting pods are left out: (150 + 150)/2 = 150; 150/100 = 1.5 → ceil(1.5 × 2) = 3,
    // even though 4 replicas are current (only the pods counted are scaled)
    name: 'pods metric: failed and terminating pods are ignored',
    metric: podsMetric('rps', '100'),
    observed: observed(
      [
        ...metricPods('rps', '150', '150'),
        { name: 'failed', phase: 'Failed', metrics: { rps: q(1000) } },
        { name: 'leaving', deleting: true, metrics: { rps: q(1000) } },
      ],
      4,
    ),
    proposal: 3,
  },
  {
    // (200 × 3)/3 = 200; 200/1000 = 0.2 (down). The missing pod counts exactly at the target:
    // (600 + 1000)/4 = 400 → 0.4 → ceil(0.4 × 4) = ceil(1.6) = 2
    name: 'pods metric: a pod without a sample counts at the target when scaling down',
    metric: podsMetric('rps', '1k'),
    observed: observed(metricPods('rps', '200', '200', '200', null)),
    proposal: 2,
  },
  {
    // AverageValue of a resource: 300m per pod / 200m = 1.5 → ceil(1.5 × 4) = 6
    name: 'resource average value (not utilization)',
    metric: { type: 'Resource', resource: 'cpu', target: { type: 'AverageValue', averageValue: q('200m') } },
    observed: observed(resourcePods('cpu', '1', '300m', '300m', '300m', '300m')),
    proposal: 6,
  },
  // ── Object and External metrics ──
  {
    // Value: 10k / 2k = 5 → ceil(5 × 3 ready pods) = 15
    name: 'object metric with a Value target scales the ready pods',
    metric: {
      type: 'Object',
      metric: 'rps',
      object: 'Ingress/main',
      target: { type: 'Value', value: q('2k') },
    },
    observed: observed(metricPods('x', '1', '1', '1'), 3, { objectMetrics: { rps: q('10k') } }),
    proposal: 15,
  },
  {
    // AverageValue: 10k / (2k × 3 status replicas) = 1.67 → ceil(10k / 2k) = 5
    name: 'object metric with an AverageValue target divides by status.replicas',
    metric: {
      type: 'Object',
      metric: 'rps',
      object: 'Ingress/main',
      target: { type: 'AverageValue', averageValue: q('2k') },
    },
    observed: observed([], 3, { objectMetrics: { rps: q('10k') } }),
    proposal: 5,
  },
  {
    // Series summed: 30 + 15 = 45; 45 / (10 × 2) = 2.25 → ceil(45 / 10) = 5
    name: 'external metric with an AverageValue target',
    metric: { type: 'External', metric: 'queue', target: { type: 'AverageValue', averageValue: q(10) } },
    observed: observed([], 2, { externalMetrics: { queue: [q(30), q(15)] } }),
    proposal: 5,
  },
];

describe('computeMetric: one proposal per metric', () => {
  for (const row of rows)
    it(row.name, () => {
      const result = run(row.metric, row.observed);
      assert.ok(result.ok, result.ok ? '' : result.message);
      assert.equal(result.proposal, row.proposal);
      if (row.outcome) assert.equal(result.outcome, row.outcome);
      if (row.utilization !== undefined) assert.equal(result.current.averageUtilization, row.utilization);
    });
});

describe('computeMetric: failures name the reason Kubernetes sets', () => {
  it('no samples from ready pods', () => {
    const result = run(cpu(50), observed(resourcePods('cpu', '100m', null, null)));
    // Both pods are missing (no sample): nothing to compute from.
    assert.deepEqual(result.ok ? null : [result.reason, result.message], [
      'FailedGetResourceMetric',
      'did not receive metrics for targeted pods (pods might be unready)',
    ]);
  });
  it('a pod without a request for the resource', () => {
    const state = observed([
      pod('a', 'cpu', '100m', '50m'),
      { name: 'b', resources: { cpu: { usage: q('50m') } } },
    ]);
    const result = run(cpu(50), state);
    assert.deepEqual(result.ok ? null : [result.reason, result.message], [
      'FailedGetResourceMetric',
      'missing request for cpu in Pod b',
    ]);
  });
  it('a pods metric nobody reports', () => {
    const result = run(podsMetric('rps', '1'), observed(metricPods('other', '1')));
    assert.equal(result.ok ? null : result.reason, 'FailedGetPodsMetric');
  });
});
