import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Condition, rolloutStatus, type WorkloadObject } from './rollout-status.ts';

const deployment = (status: WorkloadObject['status'], generation = 2, replicas = 3): WorkloadObject => ({
  kind: 'Deployment',
  metadata: { name: 'api', generation },
  spec: { replicas, progressDeadlineSeconds: 120 },
  ...(status ? { status } : {}),
});
const available: Condition = { type: 'Available', status: 'True' };

describe('rolloutStatus', () => {
  const rows: [string, WorkloadObject, string, string][] = [
    [
      'Deployment not yet observed',
      deployment({ observedGeneration: 1 }),
      'waiting',
      'waiting for the controller to see the new spec',
    ],
    [
      'Deployment with no status at all',
      deployment(undefined),
      'waiting',
      'waiting for the controller to see the new spec',
    ],
    [
      'Deployment updating',
      deployment({ observedGeneration: 2, replicas: 4, updatedReplicas: 1 }),
      'waiting',
      '1 of 3 updated replicas',
    ],
    [
      'Deployment with old replicas left',
      deployment({ observedGeneration: 2, replicas: 4, updatedReplicas: 3 }),
      'waiting',
      '1 old replicas pending termination',
    ],
    [
      'Deployment not all available',
      deployment({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 2 }),
      'waiting',
      '2 of 3 updated replicas available',
    ],
    [
      'Deployment done',
      deployment({
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        conditions: [available],
      }),
      'done',
      '3/3 available',
    ],
    [
      'Deployment past its progress deadline',
      deployment({
        observedGeneration: 2,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'RS timed out',
          },
        ],
      }),
      'failed',
      'exceeded its progress deadline (progressDeadlineSeconds: 120): RS timed out',
    ],
    [
      'Deployment whose pods the quota refuses',
      deployment({
        observedGeneration: 2,
        conditions: [
          {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreate',
            message: 'pods "api-x" is forbidden: exceeded quota: compute',
          },
        ],
      }),
      'failed',
      'cannot create pods (FailedCreate): pods "api-x" is forbidden: exceeded quota: compute',
    ],
    [
      'StatefulSet not ready',
      {
        kind: 'StatefulSet',
        metadata: { name: 'db', generation: 1 },
        spec: { replicas: 2 },
        status: { observedGeneration: 1, readyReplicas: 1 },
      },
      'waiting',
      '1 of 2 ready',
    ],
    [
      'StatefulSet ready but revisions differ',
      {
        kind: 'StatefulSet',
        metadata: { name: 'db', generation: 1 },
        spec: { replicas: 1 },
        status: {
          observedGeneration: 1,
          readyReplicas: 1,
          updatedReplicas: 1,
          currentRevision: 'a',
          updateRevision: 'b',
        },
      },
      'waiting',
      '1 of 1 updated',
    ],
    [
      'StatefulSet done',
      {
        kind: 'StatefulSet',
        metadata: { name: 'db', generation: 1 },
        spec: { replicas: 1 },
        status: {
          observedGeneration: 1,
          readyReplicas: 1,
          updatedReplicas: 1,
          currentRevision: 'a',
          updateRevision: 'a',
        },
      },
      'done',
      '1/1 ready',
    ],
  ];
  for (const [name, object, state, message] of rows)
    it(name, () => {
      const status = rolloutStatus(object);
      assert.equal(status.state, state);
      assert.equal(status.message, message);
    });
});
