import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { K8sObject } from './kubernetes/types.ts';
import { diff, planKustomize } from './kustomize.ts';

const deployment = (spec: unknown, labels?: Record<string, string>): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop', ...(labels ? { labels } : {}) },
  spec,
});

describe('diff: JSON6902 operations, whole sections', () => {
  const rows: Array<{ name: string; from: K8sObject; to: K8sObject; ops: unknown[] }> = [
    { name: 'equal → none', from: deployment({ replicas: 1 }), to: deployment({ replicas: 1 }), ops: [] },
    {
      name: 'changed spec → replace /spec whole',
      from: deployment({ replicas: 1, paused: true }),
      to: deployment({ replicas: 3 }),
      ops: [{ op: 'replace', path: '/spec', value: { replicas: 3 } }],
    },
    {
      name: 'labels added → add /metadata/labels',
      from: deployment({}),
      to: deployment({}, { a: 'b' }),
      ops: [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }],
    },
    {
      name: 'section gone → remove',
      from: { ...deployment({}), status: {} },
      to: deployment({}),
      ops: [{ op: 'remove', path: '/status' }],
    },
  ];
  for (const row of rows) it(row.name, () => assert.deepEqual(diff(row.from, row.to), row.ops));
});

describe('planKustomize', () => {
  const configMap: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'shop' },
  };
  const plan = planKustomize(
    { namespace: 'shop', objects: [deployment({ replicas: 1 }), configMap] },
    new Map([
      [
        'prod',
        {
          namespace: 'shop-prod',
          objects: [{ ...deployment({ replicas: 3 }), metadata: { name: 'api', namespace: 'shop-prod' } }],
        },
      ],
    ]),
  );

  it('base: objects without namespace, the namespace in the kustomization', () => {
    assert.equal(plan.base.kustomization.namespace, 'shop');
    assert.deepEqual(plan.base.kustomization.resources, ['deployment-api.yaml', 'configmap-c.yaml']);
    assert.deepEqual((plan.base.files.get('configmap-c.yaml') as K8sObject).metadata, { name: 'c' });
  });

  it('overlay: its namespace, a patch for the change and a delete for what it lacks', () => {
    const prod = plan.overlays.get('prod')!;
    assert.deepEqual(prod.kustomization, {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: 'shop-prod',
      resources: ['../../base'],
      patches: [
        {
          path: 'patches/deployment-api.yaml',
          target: { group: 'apps', version: 'v1', kind: 'Deployment', name: 'api' },
        },
        { path: 'patches/delete-configmap-c.yaml', target: { version: 'v1', kind: 'ConfigMap', name: 'c' } },
      ],
    });
    assert.deepEqual(prod.files.get('patches/deployment-api.yaml'), [
      { op: 'replace', path: '/spec', value: { replicas: 3 } },
    ]);
    assert.deepEqual(prod.files.get('patches/delete-configmap-c.yaml'), {
      $patch: 'delete',
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
    });
  });

  it('refuses an object outside the render namespace (one namespace per kustomization)', () => {
    assert.throws(
      () =>
        planKustomize(
          { namespace: 'shop', objects: [{ ...configMap, metadata: { name: 'c', namespace: 'other' } }] },
          new Map(),
        ),
      /ConfigMap other\/c is outside the render's namespace shop/,
    );
  });
});
