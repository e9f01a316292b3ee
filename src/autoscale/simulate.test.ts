import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RPS_METRIC } from '../render/kubernetes/hpa.ts';
import { cpu, memory, podsMetric } from './fixtures.test-support.ts';
import type { HpaSpec } from './hpa-data.ts';
import { parseLoadList } from './load-profile.ts';
import { defaultDuration, NothingToSimulate, type SimulationInput, simulate } from './simulate.ts';

function load(list: string) {
  const parsed = parseLoadList(list);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.profile;
}

function run(spec: HpaSpec, list: string, overrides: Partial<SimulationInput> = {}) {
  return simulate({
    spec,
    load: load(list),
    capacity: 100,
    initialReplicas: spec.minReplicas ?? 1,
    syncPeriodSeconds: 15,
    readinessDelaySeconds: 20,
    durationSeconds: 120,
    ...overrides,
  });
}

describe('simulate', () => {
  it('follows a replica curve worked out by hand: a policy limit, pods not ready yet, the scale-down window', () => {
    // rps target 100 per pod, capacity 100 rps per replica, readiness 20 s, sync every 15 s.
    // Scale up at most +2 pods per 30 s; scale down after a 30 s window, 100 % per 15 s.
    const spec: HpaSpec = {
      minReplicas: 1,
      maxReplicas: 6,
      metrics: [podsMetric(RPS_METRIC, '100')],
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 2, periodSeconds: 30 }] },
        scaleDown: {
          stabilizationWindowSeconds: 30,
          policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
        },
      },
    };
    const { timeline, summary } = run(spec, '0:100,15:400,75:400,90:50');
    // t=0    100 rps, 1 ready: 100/pod, ratio 1.0, within 0.9–1.1 → 1. DesiredWithinRange.
    // t=15   400 rps, 1 ready: 400/pod, ratio 4 → ceil(4 × 1) = 4. Policy: no change within 30 s,
    //        start 1 → 1 + 2 = 3 < 4 → 3 (ScaleUpLimit). pod-2, pod-3 start, ready at 35.
    //        unserved 400 − 1 × 100 = 300.
    // t=30   400 rps, 1 ready + 2 without samples: 400/pod, ratio 4 (up) → the 2 counted as 0:
    //        400/3 = 133.333, ratio 1.333 → ceil(1.333 × 3) = 4. Policy: +2 at t=15 is within
    //        30 s (15 > 30 − 30), start 3 − 2 = 1 → 1 + 2 = 3 → stays 3 (ScaleUpLimit). Unserved 300.
    // t=45   400 rps, 3 ready: 133.333/pod, ratio 1.333 → ceil(1.333 × 3) = 4. Policy: t=15 is no
    //        longer within 30 s (15 > 15 is false), start 3 → 5 ≥ 4 → 4 (DesiredWithinRange).
    //        pod-4 starts, ready at 65. Unserved 400 − 300 = 100.
    // t=60   400 rps, 3 ready + 1 without a sample: ratio 1.333 (up) → it counts as 0: 400/4 =
    //        100, ratio 1.0, within the tolerance → stays 4. Unserved 100 (pod-4 not ready).
    // t=75   400 rps, 4 ready: 100/pod, ratio 1.0 → 4. Unserved 0.
    // t=90   50 rps, 4 ready: 12.5/pod, ratio 0.125 → ceil(0.125 × 4) = 1. Scale-down window
    //        30 s: recommendations after t=60: 4 (t=75) → highest 4 → stays 4 (ScaleDownStabilized).
    // t=105  50 rps, 4 ready: → 1. Recommendations after t=75: 1 (t=90) → 1. Policy: 100 % of
    //        4 per 15 s → trunc(4 × 0) = 0, min 1 → 1 (DesiredWithinRange); pods 4, 3, 2 removed.
    // t=120  50 rps, 1 ready: 50/pod, ratio 0.5 → ceil(0.5 × 1) = 1 = min → 1.
    assert.deepEqual(
      timeline.map((r) => r.t),
      [0, 15, 30, 45, 60, 75, 90, 105, 120],
    );
    assert.deepEqual(
      timeline.map((r) => r.rps),
      [100, 400, 400, 400, 400, 400, 50, 50, 50],
    );
    assert.deepEqual(
      timeline.map((r) => r.replicas.current),
      [1, 1, 3, 3, 4, 4, 4, 4, 1],
    );
    assert.deepEqual(
      timeline.map((r) => r.replicas.desired),
      [1, 3, 3, 4, 4, 4, 4, 1, 1],
    );
    assert.deepEqual(
      timeline.map((r) => r.replicas.ready),
      [1, 1, 1, 3, 3, 4, 4, 4, 1],
    );
    assert.deepEqual(
      timeline.map((r) => r.unserved),
      [0, 300, 300, 100, 100, 0, 0, 0, 0],
    );
    assert.deepEqual(
      timeline.map((r) => r.reason),
      [
        'DesiredWithinRange',
        'ScaleUpLimit',
        'ScaleUpLimit',
        'DesiredWithinRange',
        'DesiredWithinRange',
        'DesiredWithinRange',
        'ScaleDownStabilized',
        'DesiredWithinRange',
        'DesiredWithinRange',
      ],
    );
    // The metric as the controller read it: the mean over the pods with a sample.
    assert.deepEqual(
      timeline.map((r) => r.metrics[RPS_METRIC]),
      [100, 400, 400, 133.333, 133.333, 100, 12.5, 12.5, 50],
    );
    assert.deepEqual(timeline[3]!.utilisation, 400 / 300);
    assert.deepEqual(summary, {
      peakReplicas: 4,
      peakAt: 45,
      // (1 + 3 + 3 + 4 + 4 + 4 + 4 + 1 + 1) × 15
      replicaSeconds: 375,
      unservedSeconds: 60,
      // (300 + 300 + 100 + 100) × 15
      unservedRequests: 12_000,
      reasons: { DesiredWithinRange: 6, ScaleUpLimit: 2, ScaleDownStabilized: 1 },
    });
  });

  it('cpu: usage follows the load up to 100 % of the request, so an overloaded pod reads 100 %', () => {
    // 1 pod, 250m request, capacity 100 rps. 1000 rps is 10× capacity, yet cpu reads 100 %:
    // ratio 100/50 = 2 → ceil(2 × 1) = 2, where the rps metric would have asked for 10.
    const spec: HpaSpec = { minReplicas: 1, maxReplicas: 10, metrics: [cpu(50)], behavior: {} };
    const { timeline } = run(spec, '0:1000', { cpuRequestMilli: 250n, durationSeconds: 0 });
    assert.equal(timeline[0]!.metrics.cpu, 100);
    assert.equal(timeline[0]!.replicas.desired, 2);
    assert.equal(timeline[0]!.unserved, 900);
  });

  it('cpu: a pod that just became ready is not counted until its sample window starts after readiness', () => {
    // 2 replicas, 70 % target, 150 rps → 75 % each: ratio 75/70 = 1.07, within the tolerance.
    // At 300 rps the pods read 100 %, ratio 1.43 → ceil(1.43 × 2) = 3: pod-3 starts at t=15,
    // ready at 35. At t=45 its cpu sample (window 15 s from t=30) began before it was ready
    // (30 < 35 + 15): Kubernetes leaves it out as unready — the reading stays that of pods 1–2.
    const spec: HpaSpec = { minReplicas: 2, maxReplicas: 10, metrics: [cpu(70)], behavior: {} };
    const { timeline } = run(spec, '0:150,15:300', { cpuRequestMilli: 500n, durationSeconds: 60 });
    assert.deepEqual(
      timeline.map((r) => [r.t, r.replicas.current, r.replicas.ready, r.replicas.desired, r.metrics.cpu]),
      [
        [0, 2, 2, 2, 75],
        [15, 2, 2, 3, 100],
        // pod-3 not ready: no sample; 2 ready at 100 % → ratio 1.43 (up), pod-3 as 0: 1000m of
        // 1500m = 66 %, ratio 0.94, within the tolerance → 3.
        [30, 3, 2, 3, 100],
        // 300 rps over 3 ready = 100 rps each = 100 %; pod-3's sample is ignored (unready for
        // cpu), counted as 0 on the way up: 1000m of 1500m = 66 %, within → 3.
        [45, 3, 3, 3, 100],
        // t=60: pod-3's window (45–60) starts after it became ready (35 + 15 ≤ 60): 3 pods at 100 %.
        [60, 3, 3, 5, 100],
      ],
    );
  });

  it('memory is left out (the capacity model says nothing about it) and reported as not simulated', () => {
    const spec: HpaSpec = { minReplicas: 1, maxReplicas: 4, metrics: [cpu(70), memory(80)] };
    const result = run(spec, '0:50', { cpuRequestMilli: 250n, durationSeconds: 15 });
    assert.deepEqual(result.notSimulated, ['memory']);
    assert.deepEqual(result.spec.metrics, [cpu(70)]);
  });

  it('an HPA on memory alone cannot be simulated', () => {
    const spec: HpaSpec = { minReplicas: 1, maxReplicas: 4, metrics: [memory(80)] };
    assert.throws(() => run(spec, '0:50'), NothingToSimulate);
  });

  it('without a cpu request a cpu target fails as it does in Kubernetes, and nothing scales', () => {
    const spec: HpaSpec = { minReplicas: 1, maxReplicas: 4, metrics: [cpu(70)], behavior: {} };
    const { timeline } = run(spec, '0:500', { durationSeconds: 15 });
    assert.deepEqual(
      timeline.map((r) => [r.replicas.desired, r.reason]),
      [
        [1, 'FailedGetResourceMetric'],
        [1, 'FailedGetResourceMetric'],
      ],
    );
  });

  it('starting below min, the first sync scales to min (TooFewReplicas)', () => {
    const spec: HpaSpec = { minReplicas: 3, maxReplicas: 5, metrics: [podsMetric(RPS_METRIC, '100')] };
    const { timeline } = run(spec, '0:100', { initialReplicas: 1, durationSeconds: 0 });
    assert.deepEqual([timeline[0]!.replicas.desired, timeline[0]!.reason], [3, 'TooFewReplicas']);
  });

  it('a step in the load (a time given twice) reaches its new value at that time', () => {
    const spec: HpaSpec = { minReplicas: 1, maxReplicas: 8, metrics: [podsMetric(RPS_METRIC, '100')] };
    const { timeline } = run(spec, '0:100,30:100,30:800', { durationSeconds: 45 });
    assert.deepEqual(
      timeline.map((r) => r.rps),
      [100, 100, 800, 800],
    );
  });

  it('runs by default until the scale-down window and policy period after the profile ends', () => {
    const rps = podsMetric(RPS_METRIC, '100');
    const profile = load('0:100,20m:300');
    // The example's prod api: window 300 s, Percent 50 per 60 s → 1200 + 300 + 60.
    const behavior = {
      scaleDown: {
        stabilizationWindowSeconds: 300,
        policies: [{ type: 'Percent' as const, value: 50, periodSeconds: 60 }],
      },
    };
    assert.equal(defaultDuration({ maxReplicas: 4, metrics: [rps], behavior }, profile), 1560);
    // The API's default scale-down: window 300 s, 100 % per 15 s.
    assert.equal(defaultDuration({ maxReplicas: 4, metrics: [rps], behavior: {} }, profile), 1515);
    // No behavior (legacy): the controller's 300 s window, no policies.
    assert.equal(defaultDuration({ maxReplicas: 4, metrics: [rps] }, profile), 1500);
  });
});
