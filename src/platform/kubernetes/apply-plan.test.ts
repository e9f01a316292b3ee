import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type K8sObject, renderKubernetes } from '../../render/kubernetes/index.ts';
import { loadSpec } from '../../spec/load.ts';
import { orderForApply, secretReferences } from './apply-plan.ts';

const obj = (kind: string, name: string, extra: Record<string, unknown> = {}): K8sObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace: 'shop' },
  ...extra,
});

describe('orderForApply', () => {
  it('puts what others depend on first, keeps the order within a kind, unknown kinds last', () => {
    const objects = [
      obj('HTTPRoute', 'api'),
      obj('Widget', 'x'),
      obj('Deployment', 'b'),
      obj('Deployment', 'a'),
      obj('Ingress', 'api'),
      obj('NetworkPolicy', 'api'),
      obj('PodDisruptionBudget', 'api'),
      obj('HorizontalPodAutoscaler', 'api'),
      obj('Service', 'api'),
      obj('StatefulSet', 'db'),
      obj('ExternalSecret', 's'),
      obj('ConfigMap', 'c'),
      obj('ServiceAccount', 'api'),
      obj('Namespace', 'shop'),
    ];
    assert.deepEqual(
      orderForApply(objects).map((o) => `${o.kind}/${o.metadata.name}`),
      [
        'Namespace/shop',
        'ServiceAccount/api',
        'ConfigMap/c',
        'ExternalSecret/s',
        'StatefulSet/db',
        'Service/api',
        'Deployment/b',
        'Deployment/a',
        'HorizontalPodAutoscaler/api',
        'PodDisruptionBudget/api',
        'NetworkPolicy/api',
        'Ingress/api',
        'HTTPRoute/api',
        'Widget/x',
      ],
    );
  });
});

describe('secretReferences', () => {
  const container = (env: unknown[], envFrom: unknown[] = []) => ({
    spec: { template: { spec: { containers: [{ name: 'c', env, envFrom }] } } },
  });
  it('collects secretKeyRef and envFrom references, skips optional ones and those an ExternalSecret fills', () => {
    const refs = secretReferences(
      [
        obj(
          'Deployment',
          'api',
          container(
            [
              { name: 'A', valueFrom: { secretKeyRef: { name: 'api-secrets', key: 'B_KEY' } } },
              { name: 'B', valueFrom: { secretKeyRef: { name: 'api-secrets', key: 'A_KEY' } } },
              { name: 'C', valueFrom: { secretKeyRef: { name: 'maybe', key: 'X', optional: true } } },
              { name: 'D', valueFrom: { secretKeyRef: { name: 'filled', key: 'X' } } },
            ],
            [{ secretRef: { name: 'whole' } }],
          ),
        ),
        obj('ExternalSecret', 'filled-es', { spec: { target: { name: 'filled' } } }),
      ],
      [
        {
          level: 'warning',
          message:
            "api: create the Secret api-secrets with the keys A_KEY, B_KEY: kubectl create secret generic api-secrets -n shop --from-literal=A_KEY='…' --from-literal=B_KEY='…'",
        },
      ],
    );
    assert.deepEqual(refs, [
      {
        name: 'api-secrets',
        namespace: 'shop',
        keys: ['A_KEY', 'B_KEY'],
        usedBy: ['Deployment api'],
        hint: "kubectl create secret generic api-secrets -n shop --from-literal=A_KEY='…' --from-literal=B_KEY='…'",
      },
      {
        name: 'whole',
        namespace: 'shop',
        keys: [],
        usedBy: ['Deployment api'],
        hint: 'kubectl create secret generic whole -n shop',
      },
    ]);
  });
});

describe('secretReferences of the example in dev', () => {
  it("repeats the render's command for the in-cluster database's credentials", () => {
    const file = new URL('../../../examples/shop/gantry.yaml', import.meta.url);
    const loaded = loadSpec(readFileSync(file, 'utf8'), {
      file: 'gantry.yaml',
      env: 'dev',
      target: 'cluster',
    });
    assert.ok(loaded.ok);
    const { objects, notes } = renderKubernetes(loaded.model);
    const credentials = secretReferences(objects, notes).find((s) => s.name === 'shop-db-credentials');
    assert.deepEqual(credentials, {
      name: 'shop-db-credentials',
      namespace: 'shop',
      keys: ['password', 'username'],
      usedBy: ['StatefulSet shop-db', 'Deployment api', 'Deployment worker'],
      hint: "kubectl create secret generic shop-db-credentials -n shop --from-literal=username=shop --from-literal=password='…'",
    });
  });
});
