import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide } from '../../autoscale/hpa.ts';
import { EMPTY_HISTORY, type HpaSpec, type PodState } from '../../autoscale/hpa-data.ts';
import { observedFor, type ReplicaSnapshot } from './observed.ts';

const NOW = 1_700_000_000_000;
const MiB = 2 ** 20;
const REQUESTS = { cpu: 200, memory: 256 * MiB };
const replica = (extra: Partial<ReplicaSnapshot> = {}): ReplicaSnapshot => ({
  id: 'api-1',
  scheduled: true,
  ready: true,
  terminating: false,
  ...extra,
});

const cases: { name: string; replica: ReplicaSnapshot; requests?: typeof REQUESTS; expected: PodState }[] = [
  {
    name: 'a sampled replica: millicores, milli-bytes and milli-requests/s, as MilliValue() reads them',
    replica: replica({
      startedAt: NOW - 60_000,
      readyChangedAt: NOW - 50_000,
      cpuMillicores: 150,
      windowSeconds: 2,
      memoryBytes: 100 * MiB,
      requestsPerSecond: 12.5,
    }),
    expected: {
      name: 'api-1',
      phase: 'Running',
      ready: true,
      startedAt: NOW - 60_000,
      readyChangedAt: NOW - 50_000,
      resources: {
        cpu: { request: 200n, usage: 150n, sampledAt: NOW, windowSeconds: 2 },
        memory: { request: 256n * 1_048_576_000n, usage: 100n * 1_048_576_000n },
      },
      metrics: { http_requests_per_second: 12_500n },
    },
  },
  {
    name: 'no samples yet: requests only, no usage, no metric',
    replica: replica({ ready: false }),
    expected: {
      name: 'api-1',
      phase: 'Running',
      ready: false,
      resources: { cpu: { request: 200n }, memory: { request: 256n * 1_048_576_000n } },
    },
  },
  {
    name: 'being stopped: deleting (the controller ignores it)',
    replica: replica({ terminating: true, ready: false }),
    expected: {
      name: 'api-1',
      phase: 'Running',
      ready: false,
      deleting: true,
      resources: { cpu: { request: 200n }, memory: { request: 256n * 1_048_576_000n } },
    },
  },
  {
    name: 'no process yet: Pending',
    replica: replica({ scheduled: false, ready: false }),
    requests: {} as typeof REQUESTS,
    expected: { name: 'api-1', phase: 'Pending', ready: false, resources: { cpu: {}, memory: {} } },
  },
];
for (const c of cases)
  test(`observedFor: ${c.name}`, () => {
    const observed = observedFor(1, c.requests ?? REQUESTS, [c.replica], NOW);
    assert.deepEqual(observed, { currentReplicas: 1, pods: [c.expected] });
  });

test('observedFor feeds decide in the units it expects: 75 % CPU of a 50 % target → 3 replicas from 2', () => {
  const spec: HpaSpec = {
    minReplicas: 1,
    maxReplicas: 5,
    metrics: [{ type: 'Resource', resource: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } }],
  };
  const sampled = { startedAt: NOW - 600_000, cpuMillicores: 150, windowSeconds: 15 };
  const observed = observedFor(
    2,
    REQUESTS,
    [replica({ id: 'api-1', ...sampled }), replica({ id: 'api-2', ...sampled })],
    NOW,
  );
  const decision = decide(spec, observed, EMPTY_HISTORY, NOW);
  assert.equal(decision.metrics[0]?.ok && decision.metrics[0].current.averageUtilization, 75);
  assert.equal(decision.desiredReplicas, 3);
});

test('observedFor: memory in milli-bytes gives the utilization of the request (230Mi of 256Mi = 89 %)', () => {
  const spec: HpaSpec = {
    maxReplicas: 5,
    metrics: [
      { type: 'Resource', resource: 'memory', target: { type: 'Utilization', averageUtilization: 80 } },
    ],
  };
  const pods = ['api-1', 'api-2'].map((id) => replica({ id, memoryBytes: 230 * MiB }));
  const decision = decide(spec, observedFor(2, REQUESTS, pods, NOW), EMPTY_HISTORY, NOW);
  assert.equal(decision.metrics[0]?.ok && decision.metrics[0].current.averageUtilization, 89);
  assert.equal(decision.desiredReplicas, 3, 'ratio 89/80 = 1.11, beyond the 0.1 tolerance: ceil(1.11 × 2)');
});
