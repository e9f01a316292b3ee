import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricsHistory } from './history.ts';
import { type MeasuredService, samplePoint } from './metrics-point.ts';

const point = (t: number) => ({ t, services: {} });

test('MetricsHistory: oldest first; past its capacity the oldest points are dropped', () => {
  const history = new MetricsHistory(3, 10_000);
  for (const t of [1000, 2000]) history.push(point(t));
  assert.deepEqual(
    history.recent(2000).map((p) => p.t),
    [1000, 2000],
  );
  for (const t of [3000, 4000, 5000]) history.push(point(t));
  assert.deepEqual(
    history.recent(5000).map((p) => p.t),
    [3000, 4000, 5000],
  );
});

test('MetricsHistory: points older than the span are left out (a daemon that was suspended)', () => {
  const history = new MetricsHistory(10, 10_000);
  for (const t of [1000, 2000, 30_000]) history.push(point(t));
  assert.deepEqual(
    history.recent(30_500).map((p) => p.t),
    [30_000],
  );
});

const measured = (requests: number, errors: number, p95: number | null) => ({
  windowSeconds: 5,
  requests,
  errors,
  successRate: requests ? (requests - errors) / requests : null,
  requestsPerSecond: requests / 5,
  latencyP50Ms: p95,
  latencyP95Ms: p95,
  latencyP99Ms: p95,
});

test('samplePoint: per service and version, rps, error rate (0 without traffic), p95, ready/desired', () => {
  const api: MeasuredService = {
    name: 'api',
    versionStates: () => [
      { version: 'v1', desired: 3, current: 3, ready: 3, weight: 90 },
      { version: 'v2', desired: 1, current: 1, ready: 0, weight: 10 },
    ],
    metrics: (version, windowSeconds) => {
      assert.equal(windowSeconds, 5);
      return version === 'v1' ? measured(500, 5, 12.5) : measured(0, 0, null);
    },
  };
  const worker: MeasuredService = {
    name: 'worker',
    versionStates: () => [{ version: 'v1', desired: 1, current: 1, ready: 1, weight: 100 }],
    metrics: () => undefined,
  };
  assert.deepEqual(samplePoint([api, worker], 42_000), {
    t: 42_000,
    services: {
      api: {
        v1: { rps: 100, errorRate: 0.01, p95Ms: 12.5, ready: 3, desired: 3 },
        v2: { rps: 0, errorRate: 0, p95Ms: null, ready: 0, desired: 1 },
      },
      worker: { v1: { rps: 0, errorRate: 0, p95Ms: null, ready: 1, desired: 1 } },
    },
  });
});
