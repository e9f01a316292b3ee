import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unschedulableLines } from './unschedulable.ts';

const pod = (name: string, condition?: { status: string; reason?: string; message?: string }) => ({
  metadata: { name },
  status: condition ? { conditions: [{ type: 'PodScheduled', ...condition }] } : {},
});

describe('unschedulableLines', () => {
  it('names each pod the scheduler cannot place, once per message, as kube-scheduler words it', () => {
    const message = '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.';
    assert.deepEqual(
      unschedulableLines([
        pod('db-0', { status: 'False', reason: 'Unschedulable', message }),
        pod('db-1', { status: 'False', reason: 'Unschedulable', message }),
        pod('api-1', { status: 'True' }),
        pod('api-2'),
        pod('api-3', { status: 'False', reason: 'SchedulingGated' }),
      ]),
      [`pod db-0 cannot be scheduled: ${message}`],
    );
  });
});
