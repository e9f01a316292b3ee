import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { q } from './fixtures.test-support.ts';
import { loadHpa } from './hpa-spec.ts';

const EXAMPLE = readFileSync(new URL('../../examples/autoscale/hpa-observed.yaml', import.meta.url), 'utf8');

const HEAD = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: api }
`;

function problems(text: string): string[] {
  const loaded = loadHpa(text, 'hpa.yaml');
  assert.equal(loaded.ok, false, 'expected problems');
  return loaded.ok
    ? []
    : loaded.problems.map(
        (p) => `${p.line}:${p.column} ${p.path}: ${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`,
      );
}

describe('loadHpa', () => {
  it('reads the example: spec, pods, ages as times before now, scale events by direction', () => {
    const loaded = loadHpa(EXAMPLE, 'hpa-observed.yaml');
    assert.ok(loaded.ok);
    const { input } = loaded;
    assert.equal(input.name, 'api');
    assert.equal(input.target, 'Deployment/api');
    assert.deepEqual(input.spec.metrics[2], {
      type: 'Pods',
      metric: 'http_requests_per_second',
      target: { type: 'AverageValue', averageValue: q(100) },
    });
    assert.equal(input.observed.currentReplicas, 4);
    assert.deepEqual(input.observed.pods[3], {
      name: 'api-4',
      ready: false,
      startedAt: input.now - 20_000,
      resources: {
        cpu: { request: q('250m'), usage: q('50m') },
        memory: { request: q('512Mi'), usage: q('200Mi') },
      },
    });
    assert.deepEqual(input.history.scaleUpEvents, [{ change: 1, at: input.now - 30_000 }]);
    assert.deepEqual(
      input.history.recommendations.map((r) => r.replicas),
      [4, 4, 5],
    );
  });

  it('expands `count`, fills the API default metric (80 % CPU) and splits scale events by sign', () => {
    const loaded = loadHpa(
      `${HEAD}spec: { maxReplicas: 5 }
observed:
  replicas: 2
  pods: [ { name: web, count: 2, cpu: { request: 1, usage: 500m } } ]
  scaleEvents: [ { change: -2, ageSeconds: 5 }, { change: 3, ageSeconds: 50 } ]
`,
      'hpa.yaml',
    );
    assert.ok(loaded.ok);
    assert.deepEqual(
      loaded.input.observed.pods.map((p) => p.name),
      ['web-1', 'web-2'],
    );
    assert.deepEqual(loaded.input.spec.metrics, [
      { type: 'Resource', resource: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
    ]);
    assert.deepEqual(loaded.input.history.scaleDownEvents, [{ change: 2, at: loaded.input.now - 5000 }]);
    assert.deepEqual(loaded.input.history.scaleUpEvents, [{ change: 3, at: loaded.input.now - 50_000 }]);
  });

  it('reports every problem at its line, with the field and a hint', () => {
    const text = `${HEAD}spec:
  minReplicas: 5
  maxReplicas: 3
  metrics:
    - type: Resource
      resource: { name: cpu, target: { type: Utilization, averageUtilisation: 70 } }
    - type: Pods
      resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }
    - type: External
      external: { metric: { name: queue }, target: { type: Utilization, averageUtilization: 5 } }
  behavior:
    scaleDown: { selectPolicy: Maximum, policies: [ { type: Pods, value: 1, periodSeconds: 3600 } ] }
observed:
  replicas: 4
  pods:
    - cpu: { request: 250x, usage: 100m }
`;
    assert.deepEqual(problems(text), [
      '6:3 spec.maxReplicas: must be at least minReplicas (5), got 3',
      '9:30 spec.metrics[0].resource.target: a target of type Utilization needs `averageUtilization` (hint: averageUtilization: 70 (percent of requests))',
      '9:59 spec.metrics[0].resource.target.averageUtilisation: unknown field `averageUtilisation` (hint: did you mean `averageUtilization`?)',
      '11:7 spec.metrics[1].resource: a metric of type Pods needs `pods:`, not `resource:` (hint: set type: Resource, or write pods: { metric: { name: requests_per_second }, target: { type: AverageValue, averageValue: "100" } })',
      "13:54 spec.metrics[2].external.target.type: an External metric's target must be Value or AverageValue, got Utilization",
      '15:18 spec.behavior.scaleDown.selectPolicy: must be one of Max, Min, Disabled; got "Maximum"',
      '15:77 spec.behavior.scaleDown.policies[0].periodSeconds: must be at most 1800, got 3600',
      '19:14 observed.pods[0].cpu.request: expected a Kubernetes quantity such as 250m, 1.5, 2k or 512Mi',
    ]);
  });

  it('says how to get an autoscaling/v2 HPA, and that `observed:` is needed', () => {
    assert.deepEqual(
      problems('apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nspec: { maxReplicas: 3 }\n'),
      [
        '1:1 apiVersion: must be autoscaling/v2, got "autoscaling/v1" (hint: print the HPA in that version: kubectl get hpa.v2.autoscaling NAME -o yaml)',
        '1:1 observed: the `observed:` section is missing (hint: add what the controller sees: observed: { replicas: 3, pods: [...] } (see examples/autoscale/hpa-observed.yaml))',
      ],
    );
  });
});
