import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSpec } from '../../../spec/load.ts';
import type { K8sObject, RenderContext, RenderNote } from '../types.ts';
import { validateObject } from '../validate.ts';
import { renderBacking } from './index.ts';

function render(backing: string): { objects: K8sObject[]; notes: RenderNote[] } {
  const text = `app: shop\nservices:\n  api: { image: "ghcr.io/acme/api:1.0.0", port: 8000 }\nbacking:\n${backing}\n`;
  const loaded = loadSpec(text, { file: 'gantry.yaml', target: 'cluster' });
  assert.ok(loaded.ok, JSON.stringify(loaded.problems));
  const notes: RenderNote[] = [];
  const ctx: RenderContext = {
    model: loaded.model,
    namespace: 'shop',
    options: {},
    note: (note) => notes.push(note),
  };
  return { objects: renderBacking(ctx), notes };
}

function find(objects: K8sObject[], kind: string): K8sObject {
  const object = objects.find((o) => o.kind === kind);
  assert.ok(object, `no ${kind} in ${objects.map((o) => o.kind).join(', ')}`);
  return object;
}

// biome-ignore lint/suspicious/noExplicitAny: reading deep into plain rendered objects
const spec = (object: K8sObject): any => object.spec;

describe('postgres in the cluster', () => {
  const { objects, notes } = render('  db: { kind: postgres, version: "15", storage: 50Gi }');
  const statefulSet = find(objects, 'StatefulSet');
  const pod = spec(statefulSet).template.spec;
  const container = pod.containers[0];

  it('is a StatefulSet, a headless Service, a PDB and a ServiceAccount named <app>-<name>', () => {
    assert.deepEqual(
      objects.map((o) => `${o.kind}/${o.metadata.name}`),
      ['StatefulSet/shop-db', 'Service/shop-db', 'PodDisruptionBudget/shop-db', 'ServiceAccount/shop-db'],
    );
    assert.equal(pod.serviceAccountName, 'shop-db');
  });

  it('says which Secret to create for its credentials, with the command (nothing renders it)', () => {
    assert.deepEqual(notes, [
      {
        level: 'warning',
        message:
          "backing db: create the Secret shop-db-credentials with the keys username, password before applying: kubectl create secret generic shop-db-credentials -n shop --from-literal=username=shop --from-literal=password='…'",
      },
    ]);
    const keys = container.env
      .filter((e: { valueFrom?: unknown }) => e.valueFrom)
      .map((e: { valueFrom: { secretKeyRef: { name: string; key: string } } }) => e.valueFrom.secretKeyRef);
    assert.deepEqual(keys, [
      { name: 'shop-db-credentials', key: 'username' },
      { name: 'shop-db-credentials', key: 'password' },
    ]);
  });

  it('claims the storage from the spec, 10Gi by default', () => {
    assert.equal(spec(statefulSet).volumeClaimTemplates[0].spec.resources.requests.storage, '50Gi');
    const fallback = find(render('  db: { kind: postgres }').objects, 'StatefulSet');
    assert.equal(spec(fallback).volumeClaimTemplates[0].spec.resources.requests.storage, '10Gi');
    assert.equal(spec(fallback).template.spec.containers[0].image, 'postgres:16.15');
  });

  it('runs the version from the spec with pg_isready probes and PGDATA on the volume', () => {
    assert.equal(container.image, 'postgres:15.19');
    assert.equal(spec(statefulSet).replicas, 1);
    for (const probe of [container.readinessProbe, container.livenessProbe])
      assert.deepEqual(probe.exec.command, ['pg_isready', '-U', 'postgres']);
    const pgdata = container.env.find((e: { name: string }) => e.name === 'PGDATA').value;
    const mount = container.volumeMounts.find((m: { name: string }) => m.name === 'data').mountPath;
    assert.ok(pgdata.startsWith(`${mount}/`), `${pgdata} under ${mount}`);
  });

  it('takes credentials from the Secret by reference, never a value', () => {
    const password = container.env.find((e: { name: string }) => e.name === 'POSTGRES_PASSWORD');
    assert.deepEqual(password, {
      name: 'POSTGRES_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'shop-db-credentials', key: 'password' } },
    });
    for (const variable of container.env)
      if (/PASSWORD|USER/.test(variable.name)) assert.equal(variable.value, undefined, variable.name);
  });

  it('runs as the image postgres user with the restricted security context', () => {
    assert.deepEqual(pod.securityContext, {
      runAsNonRoot: true,
      runAsUser: 999,
      runAsGroup: 999,
      fsGroup: 999,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(container.securityContext.capabilities, { drop: ['ALL'] });
  });

  it('has a headless Service on the named port and a PDB that allows an eviction', () => {
    const service = spec(find(objects, 'Service'));
    assert.equal(service.clusterIP, 'None');
    assert.deepEqual(service.ports, [
      { name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' },
    ]);
    assert.equal(spec(find(objects, 'PodDisruptionBudget')).maxUnavailable, 1);
  });

  it('labels every object and the pods for the NetworkPolicy', () => {
    const expected = {
      'app.kubernetes.io/name': 'db',
      'app.kubernetes.io/instance': 'shop-db',
      'app.kubernetes.io/component': 'postgres',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'gantry',
      'app.kubernetes.io/version': '15',
    };
    for (const object of objects) {
      assert.deepEqual(object.metadata.labels, expected);
      assert.equal(object.metadata.namespace, 'shop');
    }
    assert.deepEqual(spec(statefulSet).template.metadata.labels, expected);
  });
});

describe('postgres with ha', () => {
  const { objects, notes } = render('  db: { kind: postgres, version: "15", storage: 20Gi, ha: true }');

  it('is a CloudNativePG Cluster with at least two instances', () => {
    assert.deepEqual(
      objects.map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.name}`),
      ['postgresql.cnpg.io/v1/Cluster/shop-db', 'networking.k8s.io/v1/NetworkPolicy/shop-db-cluster'],
    );
    const cluster = spec(objects[0]!);
    assert.equal(cluster.instances, 2);
    assert.deepEqual(cluster.storage, { size: '20Gi' });
    assert.deepEqual(cluster.bootstrap.initdb, {
      database: 'shop',
      owner: 'shop',
      secret: { name: 'shop-db-credentials' },
    });
    assert.equal(cluster.backup, undefined);
    assert.equal(cluster.inheritedMetadata.labels['app.kubernetes.io/part-of'], 'shop');
    const more = render('  db: { kind: postgres, ha: true, replicas: 3 }').objects;
    assert.equal(spec(more[0]!).instances, 3);
  });

  it('lets the instances replicate and the operator reach them through the default deny', () => {
    const policy = spec(objects[1]!);
    assert.deepEqual(policy.podSelector.matchLabels, {
      'app.kubernetes.io/name': 'db',
      'app.kubernetes.io/instance': 'shop-db',
    });
    assert.deepEqual(policy.ingress[0].from[1], {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cnpg-system' } },
    });
    assert.deepEqual(
      policy.ingress[0].ports.map((p: { port: number }) => p.port),
      [5432, 8000],
    );
    assert.deepEqual(
      policy.egress[1].ports.map((p: { port: number }) => p.port),
      [443, 6443],
    );
  });

  it('says the operator must be installed, how, and that backups are left out', () => {
    const text = notes.map((n) => n.message).join('\n');
    assert.match(text, /CloudNativePG operator must be installed/);
    assert.match(text, /helm upgrade --install cnpg/);
    assert.match(text, /backup/);
  });
});

describe('redis in the cluster', () => {
  const { objects, notes } = render('  cache: { kind: redis, replicas: 3 }');
  const container = spec(find(objects, 'StatefulSet')).template.spec.containers[0];

  it('runs redis 7 with append-only persistence, redis-cli probes and a volume', () => {
    assert.equal(container.image, 'redis:7.4.11');
    assert.deepEqual(container.args, ['--appendonly', 'yes']);
    assert.deepEqual(container.readinessProbe.exec.command, ['redis-cli', 'ping']);
    assert.deepEqual(container.volumeMounts, [{ name: 'data', mountPath: '/data' }]);
    assert.equal(spec(find(objects, 'Service')).ports[0].port, 6379);
    assert.equal(spec(find(objects, 'StatefulSet')).template.spec.securityContext.runAsUser, 999);
  });

  it('warns that replicas > 1 still renders one pod', () => {
    assert.equal(notes.length, 1);
    assert.match(notes[0]!.message, /replicas: 3 renders one pod/);
  });
});

describe('managed and unsupported backing services', () => {
  it('managed: no objects, a note naming the connection Secret', () => {
    const { objects, notes } = render('  db: { kind: postgres, ha: true, mode: managed }');
    assert.deepEqual(objects, []);
    assert.equal(notes.length, 1);
    assert.match(notes[0]!.message, /Secret shop-db-connection \(key url\)/);
    assert.match(notes[0]!.message, /Terraform/);
  });

  it('kafka in the cluster: no objects, a note suggesting Strimzi', () => {
    const { objects, notes } = render('  events: { kind: kafka }');
    assert.deepEqual(objects, []);
    assert.match(notes[0]!.message, /Strimzi/);
  });
});

describe('schema', () => {
  it('every backing object validates against its kind', () => {
    const all = [
      render('  db: { kind: postgres, version: "15", storage: 50Gi }'),
      render('  db: { kind: postgres, version: "18" }'),
      render('  db: { kind: postgres, ha: true }'),
      render('  cache: { kind: redis, storage: 1Gi }'),
    ].flatMap((r) => r.objects);
    assert.equal(all.length, 14);
    for (const object of all) validateObject(object);
  });
});
