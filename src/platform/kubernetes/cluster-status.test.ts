import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ClusterObservation, clusterStatus, type ObjectLike } from './cluster-status.ts';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const WHERE = { app: 'shop', environment: 'prod', context: 'prod-eu', namespace: 'shop' };
const none: ClusterObservation = { deployments: [], pods: [], hpas: [], events: [] };

function deployment(name: string, service: string, spec: Record<string, unknown>, ready: number): ObjectLike {
  return {
    metadata: { name, labels: { 'app.kubernetes.io/name': service } },
    spec,
    status: { readyReplicas: ready },
  };
}
const image = (tag: string) => ({
  template: { spec: { containers: [{ image: `ghcr.io/acme/api:${tag}` }] } },
});

describe('clusterStatus', () => {
  it('reads the version from the image tag when the template has no version label', () => {
    const status = clusterStatus(
      WHERE,
      ['api'],
      { ...none, deployments: [deployment('api', 'api', { replicas: 3, ...image('1.4.2') }, 3)] },
      NOW,
    );
    assert.deepEqual(status.services[0], {
      name: 'api',
      version: '1.4.2',
      versions: [{ version: '1.4.2', deployment: 'api', desired: 3, ready: 3 }],
      replicas: { desired: 3, ready: 3 },
      restarts: 0,
      pods: [],
    });
  });

  it('leaves out a canary Deployment scaled to zero; the main version is the one with most replicas', () => {
    const status = clusterStatus(
      WHERE,
      ['api'],
      {
        ...none,
        deployments: [
          deployment('api-canary', 'api', { replicas: 0, ...image('1.5.0') }, 0),
          deployment('api', 'api', { replicas: 2, ...image('1.4.2') }, 1),
        ],
      },
      NOW,
    );
    assert.equal(status.services[0]!.version, '1.4.2');
    assert.deepEqual(status.services[0]!.replicas, { desired: 2, ready: 1 });
    assert.equal(status.services[0]!.versions.length, 1);
  });

  it('a service not on the cluster: no version, 0/0', () => {
    const status = clusterStatus(WHERE, ['worker'], none, NOW);
    assert.deepEqual(status.services[0], {
      name: 'worker',
      version: null,
      versions: [],
      replicas: { desired: 0, ready: 0 },
      restarts: 0,
      pods: [],
    });
  });

  const hpaCases: [string, Record<string, unknown>, { metrics: string; reason: string }][] = [
    [
      'metrics not served yet: ? and the failing condition’s reason',
      {
        conditions: [
          { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale' },
          { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric' },
        ],
      },
      { metrics: 'cpu ?/70%, http_requests_per_second ?/100', reason: 'FailedGetResourceMetric' },
    ],
    [
      'at its maximum: ScalingLimited',
      {
        currentMetrics: [
          { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 120 } } },
          {
            type: 'Pods',
            pods: { metric: { name: 'http_requests_per_second' }, current: { averageValue: '250' } },
          },
        ],
        conditions: [
          { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound' },
          { type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas' },
        ],
      },
      { metrics: 'cpu 120%/70%, http_requests_per_second 250/100', reason: 'TooManyReplicas' },
    ],
  ];
  for (const [name, hpaStatus, expected] of hpaCases)
    it(`HPA: ${name}`, () => {
      const hpa: ObjectLike = {
        metadata: { name: 'api' },
        spec: {
          scaleTargetRef: { name: 'api' },
          minReplicas: 2,
          maxReplicas: 10,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
            },
            {
              type: 'Pods',
              pods: {
                metric: { name: 'http_requests_per_second' },
                target: { type: 'AverageValue', averageValue: '100' },
              },
            },
          ],
        },
        status: { currentReplicas: 10, desiredReplicas: 10, ...hpaStatus },
      };
      const autoscale = clusterStatus(WHERE, ['api'], { ...none, hpas: [hpa] }, NOW).services[0]!.autoscale!;
      assert.deepEqual({ metrics: autoscale.metrics, reason: autoscale.reason }, expected);
    });

  it('warnings: only type Warning, within the last hour, newest first', () => {
    const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();
    const event = (reason: string, type: string, minutesAgo: number) => ({
      type,
      reason,
      message: `${reason} happened `,
      involvedObject: { kind: 'Pod', name: 'api-1' },
      lastTimestamp: at(minutesAgo),
    });
    const status = clusterStatus(
      WHERE,
      [],
      {
        ...none,
        events: [
          event('Old', 'Warning', 61),
          event('Pulled', 'Normal', 1),
          event('BackOff', 'Warning', 5),
          event('Unhealthy', 'Warning', 1),
        ],
      },
      NOW,
    );
    assert.deepEqual(status.warnings, [
      { object: 'Pod/api-1', reason: 'Unhealthy', message: 'Unhealthy happened', count: 1, lastSeen: at(1) },
      { object: 'Pod/api-1', reason: 'BackOff', message: 'BackOff happened', count: 1, lastSeen: at(5) },
    ]);
  });
});
