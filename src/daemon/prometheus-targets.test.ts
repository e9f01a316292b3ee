import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReplicaView } from '../local/service-controller.ts';
import { prometheusTargets } from './prometheus-targets.ts';

const replica = (id: string, version: string, port: number, pid: number | null): ReplicaView => ({
  id,
  index: 0,
  version,
  pid,
  port,
  state: pid === null ? 'backoff' : 'running',
  ready: pid !== null,
  restarts: 0,
});

test('every replica with a process is a target labelled with its service, version and id', () => {
  const groups = prometheusTargets('shop', [
    { name: 'api', replicas: [replica('api-1', 'v1', 41001, 10), replica('api-c1', 'v2', 41002, 11)] },
    { name: 'worker', replicas: [replica('worker-1', 'v1', 41003, null)] },
  ]);
  assert.deepEqual(groups, [
    {
      targets: ['127.0.0.1:41001'],
      labels: { app: 'shop', service: 'api', version: 'v1', replica: 'api-1' },
    },
    {
      targets: ['127.0.0.1:41002'],
      labels: { app: 'shop', service: 'api', version: 'v2', replica: 'api-c1' },
    },
  ]);
});

test('no replicas, no targets (an empty list, which Prometheus accepts)', () => {
  assert.deepEqual(prometheusTargets('shop', [{ name: 'api', replicas: [] }]), []);
});
