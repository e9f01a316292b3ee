import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpu, memory, NOW, observed, podsMetric, q, resourcePods } from './fixtures.test-support.ts';
import { decide } from './hpa.ts';
import { EMPTY_HISTORY, type HpaSpec } from './hpa-data.ts';
import { decisionStatus, metricsLine, pendingStatus } from './status.ts';

const spec: HpaSpec = {
  minReplicas: 1,
  maxReplicas: 4,
  metrics: [cpu(50), podsMetric('http_requests_per_second', '1k')],
};

test('decisionStatus: each metric against its target, with its proposal; the decision’s counts and reason', () => {
  const pods = resourcePods('cpu', '200m', '180m', '140m').map((pod, i) => ({
    ...pod,
    metrics: { http_requests_per_second: q(i === 0 ? '12.5' : '7.5') },
  }));
  const decision = decide(spec, observed(pods), EMPTY_HISTORY, NOW);
  const status = decisionStatus(decision, 2, NOW);
  assert.deepEqual(status, {
    minReplicas: 1,
    maxReplicas: 4,
    currentReplicas: 2,
    desiredReplicas: 4,
    reason: 'DesiredWithinRange',
    message: 'the desired count is within the acceptable range',
    syncPeriodSeconds: 2,
    lastSyncAt: NOW,
    metrics: [
      // 320m of 400m = 80 %; 80 / 50 = 1.6 → ceil(3.2) = 4
      { name: 'cpu', target: '50%', targetValue: 50, current: '80%', currentValue: 80, proposal: 4 },
      {
        name: 'http_requests_per_second',
        target: '1000',
        targetValue: 1000,
        current: '10',
        currentValue: 10,
        proposal: 1,
      },
    ],
  });
  assert.equal(metricsLine(status), 'cpu 80%/50%, http_requests_per_second 10/1000');
});

test('decisionStatus: a metric without samples carries the Kubernetes reason instead of a value', () => {
  const decision = decide(
    { maxReplicas: 4, metrics: [memory(80)] },
    observed(resourcePods('memory', '256Mi', null, null)),
    EMPTY_HISTORY,
    NOW,
  );
  const status = decisionStatus(decision, 15, NOW);
  assert.equal(status.reason, 'FailedGetResourceMetric');
  assert.equal(status.metrics[0]?.current, null);
  assert.match(status.metrics[0]?.error ?? '', /^FailedGetResourceMetric: /);
  assert.equal(metricsLine(status), 'memory error/80%');
});

test('pendingStatus: targets known, values not yet', () => {
  const status = pendingStatus(spec, 3, 15, 'WaitingForFirstSync', 'soon');
  assert.equal(status.lastSyncAt, null);
  assert.deepEqual([status.currentReplicas, status.desiredReplicas], [3, 3]);
  assert.equal(metricsLine(status), 'cpu ?/50%, http_requests_per_second ?/1000');
});
