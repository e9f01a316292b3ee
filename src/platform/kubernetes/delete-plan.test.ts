import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDelete } from './delete-plan.ts';
import type { ListedObject } from './prune.ts';

const OURS = { 'app.kubernetes.io/managed-by': 'gantry', 'app.kubernetes.io/part-of': 'shop' };
const object = (kind: string, name: string, labels: Record<string, string> = OURS): ListedObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace: 'shop', labels },
});
const names = (objects: ListedObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe('planDelete', () => {
  it('deletes dependants first: the reverse of the apply order', () => {
    const plan = planDelete(
      'shop',
      [
        object('ServiceAccount', 'api'),
        object('Deployment', 'api'),
        object('Ingress', 'api'),
        object('Service', 'api'),
      ],
      undefined,
      false,
    );
    assert.deepEqual(names(plan.objects), [
      'Ingress/api',
      'Deployment/api',
      'Service/api',
      'ServiceAccount/api',
    ]);
  });
  it("leaves what is not labelled as Gantry's for this app, whatever the list returned", () => {
    const plan = planDelete(
      'shop',
      [
        object('ConfigMap', 'other-app', { ...OURS, 'app.kubernetes.io/part-of': 'blog' }),
        object('ConfigMap', 'by-hand', { 'app.kubernetes.io/part-of': 'shop' }),
        object('ConfigMap', 'api'),
      ],
      undefined,
      true,
    );
    assert.deepEqual(names(plan.objects), ['ConfigMap/api']);
  });
  it('keeps our Namespace unless --include-namespace, and says how to delete it', () => {
    const plan = planDelete('shop', [], object('Namespace', 'shop'), false);
    assert.deepEqual(plan, {
      objects: [],
      namespaceKept: 'namespace shop kept (pass --include-namespace to delete it too)',
    });
  });
  it('never deletes a Namespace that is not labelled as ours, even with --include-namespace', () => {
    const plan = planDelete('shop', [], object('Namespace', 'shop', {}), true);
    assert.deepEqual(plan, {
      objects: [],
      namespaceKept: "namespace shop is not labelled as Gantry's for shop",
    });
  });
  it('deletes our Namespace last with --include-namespace', () => {
    const plan = planDelete('shop', [object('Service', 'api')], object('Namespace', 'shop'), true);
    assert.deepEqual(names(plan.objects), ['Service/api', 'Namespace/shop']);
  });
});
