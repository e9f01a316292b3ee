import assert from 'node:assert/strict';
import { describe as group, it } from 'node:test';
import type { KubeObject, LocatedObject } from './input.ts';
import {
  budgetCoverage,
  describe,
  hpaMinReplicas,
  isControlled,
  ObjectSet,
  objectSetOf,
  podLabelsOf,
  replicasOf,
  scaledCount,
} from './object-set.ts';
import { WORKLOAD_KINDS } from './workload.ts';

/** A workload of any kind whose pods carry `labels`. */
function workload(
  kind: string,
  name: string,
  labels: Record<string, unknown>,
  extra: { namespace?: string; replicas?: unknown } = {},
): KubeObject {
  const metadata = { name, ...(extra.namespace === undefined ? {} : { namespace: extra.namespace }) };
  const template = { metadata: { labels }, spec: { containers: [{ name, image: 'nginx' }] } };
  if (kind === 'Pod')
    return { apiVersion: 'v1', kind, metadata: { ...metadata, labels }, spec: template.spec };
  if (kind === 'CronJob')
    return { kind, metadata, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } };
  return {
    kind,
    metadata,
    spec: { template, ...(extra.replicas === undefined ? {} : { replicas: extra.replicas }) },
  };
}

const located = (...objects: KubeObject[]): LocatedObject[] =>
  objects.map((object, i) => ({ object, file: 'set.yaml', line: i + 1 }));

const names = (owners: readonly { object: KubeObject }[]) => owners.map((o) => describe(o.object));

group('object set: pods a selector reaches', () => {
  const set = new ObjectSet([
    workload('Deployment', 'web', { app: 'web', tier: 'front' }),
    workload('Deployment', 'api', { app: 'api', tier: 'back', version: 2 }),
    workload('StatefulSet', 'db', { app: 'db', tier: 'back' }),
    workload('Pod', 'debug', { app: 'web' }),
    workload('Deployment', 'other', { app: 'web' }, { namespace: 'team' }),
    { kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' } } },
  ]);
  const rows: { name: string; selector: unknown; namespace?: string; pods: string[] }[] = [
    {
      name: 'plain map (a Service selector)',
      selector: { app: 'web' },
      pods: ['Deployment/web', 'Pod/debug'],
    },
    {
      name: 'matchLabels',
      selector: { matchLabels: { tier: 'back' } },
      pods: ['Deployment/api', 'StatefulSet/db'],
    },
    {
      name: 'matchLabels and matchExpressions',
      selector: {
        matchLabels: { tier: 'back' },
        matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }],
      },
      pods: ['Deployment/api'],
    },
    {
      name: 'In',
      selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'api'] }] },
      pods: ['Deployment/api', 'StatefulSet/db'],
    },
    {
      name: 'only DoesNotExist (scans the namespace)',
      selector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
      pods: ['Pod/debug'],
    },
    { name: 'a number label matches its string', selector: { version: '2' }, pods: ['Deployment/api'] },
    {
      name: 'empty selector: everything in the namespace',
      selector: {},
      pods: ['Deployment/web', 'Deployment/api', 'StatefulSet/db', 'Pod/debug'],
    },
    { name: 'another namespace', selector: { app: 'web' }, namespace: 'team', pods: ['Deployment/other'] },
    { name: 'a namespace with nothing in it', selector: {}, namespace: 'empty', pods: [] },
    { name: 'missing selector: nothing', selector: undefined, pods: [] },
    { name: 'null selector: nothing', selector: null, pods: [] },
    {
      name: 'invalid selector: nothing',
      selector: { matchExpressions: [{ key: 'a', operator: 'Is' }] },
      pods: [],
    },
    { name: 'not a map: nothing', selector: 'app=web', pods: [] },
    { name: 'no pod has the label', selector: { app: 'wbe' }, pods: [] },
  ];
  for (const row of rows)
    it(row.name, () =>
      assert.deepEqual(names(set.podsSelectedBy(row.selector, row.namespace ?? '')), row.pods),
    );
});

group('object set: namespaces', () => {
  const set = new ObjectSet([
    workload('Deployment', 'web', { app: 'web' }),
    workload('Deployment', 'web', { app: 'web' }, { namespace: 'default' }),
    workload('Deployment', 'api', { app: 'api' }, { namespace: 'shop' }),
    { kind: 'Deployment', metadata: { name: 'odd', namespace: 5 } },
  ]);
  it('a missing namespace matches only other missing ones, not default', () => {
    assert.deepEqual(names(set.podsSelectedBy({}, '')), ['Deployment/web', 'Deployment/odd']);
    assert.deepEqual(names(set.podsSelectedBy({}, 'default')), ['Deployment/web']);
  });
  it('finds by kind, namespace and name', () => {
    assert.ok(set.find('Deployment', 'shop', 'api'));
    assert.equal(set.find('Deployment', '', 'api'), undefined);
    assert.equal(set.find('StatefulSet', 'shop', 'api'), undefined);
    assert.equal(set.ofKind('Deployment', 'shop').length, 1);
    assert.equal(set.ofKind('Service', 'shop').length, 0);
  });
});

group('object set: HPAs and PDBs of a workload', () => {
  const web = workload('Deployment', 'web', { app: 'web' });
  const db = workload('StatefulSet', 'db', { app: 'db' });
  const elsewhere = workload('Deployment', 'web', { app: 'web' }, { namespace: 'team' });
  const hpa = (name: string, kind: string, target: string, namespace?: string): KubeObject => ({
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind, name: target }, minReplicas: 2, maxReplicas: 5 },
  });
  const pdb = (name: string, selector: unknown): KubeObject => ({
    kind: 'PodDisruptionBudget',
    metadata: { name },
    spec: { maxUnavailable: 1, selector },
  });
  const objects = located(
    web,
    db,
    elsewhere,
    hpa('web', 'Deployment', 'web'),
    hpa('web-2', 'Deployment', 'web'),
    hpa('wrong-kind', 'StatefulSet', 'web'),
    hpa('team', 'Deployment', 'web', 'team'),
    { kind: 'HorizontalPodAutoscaler', metadata: { name: 'broken' }, spec: { scaleTargetRef: 'web' } },
    pdb('web', { matchLabels: { app: 'web' } }),
    pdb('all', {}),
    pdb('none', undefined),
  );
  const set = objectSetOf(objects);
  it('HPAs by scaleTargetRef kind and name, in the same namespace', () => {
    assert.deepEqual(set.hpasTargeting(web).map(describe), [
      'HorizontalPodAutoscaler/web',
      'HorizontalPodAutoscaler/web-2',
    ]);
    assert.deepEqual(set.hpasTargeting(elsewhere).map(describe), ['HorizontalPodAutoscaler/team']);
    assert.deepEqual(set.hpasTargeting(db), []);
  });
  it('PDBs whose selector selects the pods', () => {
    assert.deepEqual(set.pdbsSelecting(web).map(describe), [
      'PodDisruptionBudget/web',
      'PodDisruptionBudget/all',
    ]);
    assert.deepEqual(set.pdbsSelecting(db).map(describe), ['PodDisruptionBudget/all']);
    assert.deepEqual(set.pdbsSelecting(elsewhere), []);
  });
  it('answers for an object outside the set too', () => {
    const outside = workload('Deployment', 'new', { app: 'web' });
    assert.deepEqual(set.pdbsSelecting(outside).map(describe), [
      'PodDisruptionBudget/web',
      'PodDisruptionBudget/all',
    ]);
    assert.deepEqual(set.hpasTargeting(workload('Deployment', 'web', {})).length, 2);
    assert.deepEqual(set.pdbsSelecting({ kind: 'Service' }), []);
  });
  it('is built once per run', () => {
    assert.equal(objectSetOf(objects), set);
    assert.notEqual(objectSetOf([...objects]), set);
  });
});

group('object set: replicas and pod labels', () => {
  const rows: { name: string; object: KubeObject; replicas: number | undefined }[] = [
    { name: 'missing replicas is 1', object: workload('Deployment', 'a', {}), replicas: 1 },
    { name: 'replicas: 3', object: workload('StatefulSet', 'a', {}, { replicas: 3 }), replicas: 3 },
    { name: 'replicas: 0', object: workload('ReplicaSet', 'a', {}, { replicas: 0 }), replicas: 0 },
    {
      name: 'ReplicationController',
      object: workload('ReplicationController', 'a', {}, { replicas: 2 }),
      replicas: 2,
    },
    { name: 'a bare Pod is one', object: workload('Pod', 'a', {}), replicas: 1 },
    {
      name: 'a Helm placeholder says nothing',
      object: workload('Deployment', 'a', {}, { replicas: '{{ .n }}' }),
      replicas: undefined,
    },
    {
      name: 'a fraction says nothing',
      object: workload('Deployment', 'a', {}, { replicas: 1.5 }),
      replicas: undefined,
    },
    { name: 'a DaemonSet has no replica count', object: workload('DaemonSet', 'a', {}), replicas: undefined },
    { name: 'nor a Job', object: workload('Job', 'a', {}), replicas: undefined },
    { name: 'spec of the wrong type', object: { kind: 'Deployment', spec: 'x' }, replicas: 1 },
  ];
  for (const row of rows) it(row.name, () => assert.equal(replicasOf(row.object), row.replicas));

  it('HPA minReplicas: missing is 1, not a number says nothing', () => {
    assert.equal(hpaMinReplicas({ kind: 'HorizontalPodAutoscaler' }), 1);
    assert.equal(hpaMinReplicas({ kind: 'HorizontalPodAutoscaler', spec: { minReplicas: 3 } }), 3);
    assert.equal(hpaMinReplicas({ kind: 'HorizontalPodAutoscaler', spec: { minReplicas: 'x' } }), undefined);
  });

  for (const kind of WORKLOAD_KINDS)
    it(`pod labels of a ${kind}`, () => {
      assert.deepEqual(podLabelsOf(workload(kind, 'a', { app: 'a', n: 1 })), { app: 'a', n: '1' });
    });
  it('no pod labels for other kinds', () => {
    assert.equal(podLabelsOf({ kind: 'Service', metadata: { labels: { app: 'a' } } }), undefined);
    assert.deepEqual(podLabelsOf({ kind: 'Deployment', spec: { template: 'x' } }), {});
  });
});

group('object set: scaledCount (IntOrString, percentages rounded up)', () => {
  const rows: { value: unknown; total: number; count: number | undefined }[] = [
    { value: 2, total: 5, count: 2 },
    { value: 0, total: 5, count: 0 },
    { value: '50%', total: 3, count: 2 },
    { value: '50%', total: 1, count: 1 },
    { value: '10%', total: 1, count: 1 },
    { value: '0%', total: 7, count: 0 },
    { value: '100%', total: 4, count: 4 },
    { value: '2', total: 5, count: undefined },
    { value: 'x%', total: 5, count: undefined },
    { value: -1, total: 5, count: undefined },
    { value: 1.5, total: 5, count: undefined },
    { value: undefined, total: 5, count: undefined },
  ];
  for (const { value, total, count } of rows)
    it(`${JSON.stringify(value)} of ${total} is ${count}`, () =>
      assert.equal(scaledCount(value, total), count));
});

group('object set: what a PodDisruptionBudget counts', () => {
  const budget = (selector: unknown): KubeObject => ({
    kind: 'PodDisruptionBudget',
    metadata: { name: 'b' },
    spec: { minAvailable: 1, selector },
  });
  const autoscaler = (target: string, minReplicas?: unknown): KubeObject => ({
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: `${target}-${String(minReplicas)}` },
    spec: { scaleTargetRef: { kind: 'Deployment', name: target }, minReplicas, maxReplicas: 9 },
  });
  const set = new ObjectSet([
    workload('Deployment', 'web', { app: 'web', team: 'a' }, { replicas: 2 }),
    workload('Deployment', 'canary', { app: 'web', team: 'a' }),
    workload('Deployment', 'api', { app: 'api', team: 'a' }, { replicas: 5 }),
    autoscaler('api', 2),
    autoscaler('api', 3),
    workload('Deployment', 'odd', { app: 'odd' }),
    autoscaler('odd', 'x'),
    workload('DaemonSet', 'agent', { app: 'agent' }),
  ]);
  const summary = (selector: unknown) => {
    const c = budgetCoverage(set, budget(selector));
    const scaled = c.scaled.map((s) => `${describe(s.workload)}@${s.minReplicas}`);
    return { workloads: c.workloads.map(describe), fixed: c.fixed, scaled, known: c.known };
  };
  it('sums the replicas of every workload it selects', () =>
    assert.deepEqual(summary({ matchLabels: { app: 'web' } }), {
      workloads: ['Deployment/web', 'Deployment/canary'],
      fixed: 3,
      scaled: [],
      known: true,
    }));
  it('an HPA-scaled workload counts at the largest minReplicas', () =>
    assert.deepEqual(summary({ matchLabels: { team: 'a' } }), {
      workloads: ['Deployment/web', 'Deployment/canary', 'Deployment/api'],
      fixed: 3,
      scaled: ['Deployment/api@3'],
      known: true,
    }));
  it('a DaemonSet or an unreadable minReplicas makes the count unknown', () => {
    assert.equal(summary({ matchLabels: { app: 'agent' } }).known, false);
    assert.equal(summary({ matchLabels: { app: 'odd' } }).known, false);
  });
  it('selects nothing: an empty count', () =>
    assert.deepEqual(summary(undefined), { workloads: [], fixed: 0, scaled: [], known: true }));
});

group('object set: controlled objects', () => {
  const owner = (controller: unknown) => ({
    kind: 'ReplicaSet',
    metadata: { name: 'rs', ownerReferences: [{ kind: 'Deployment', name: 'web', controller }] },
  });
  it('an ownerReference with controller: true', () => assert.equal(isControlled(owner(true)), true));
  it('an owner that is not the controller', () => assert.equal(isControlled(owner(false)), false));
  it('no or malformed ownerReferences', () => {
    assert.equal(isControlled({ kind: 'ReplicaSet' }), false);
    assert.equal(isControlled({ kind: 'ReplicaSet', metadata: { ownerReferences: 'x' } }), false);
    assert.equal(isControlled({ kind: 'ReplicaSet', metadata: { ownerReferences: [null, 3] } }), false);
  });
});
