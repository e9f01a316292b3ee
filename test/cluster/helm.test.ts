/**
 * The chart `gantry render --format helm` writes, driven by a real helm (v4, built by
 * scripts/validators.sh) against a REAL control plane (test/support/kube-cluster.ts): the API
 * server's admission and defaulting check `helm install --dry-run=server`; `helm upgrade
 * --install` creates the objects; a second upgrade changes a value; `helm rollback` puts the
 * first revision back, as read from the API server.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { renderKubernetes } from '../../src/render/kubernetes/index.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { gantrySync } from '../support/gantry.ts';
import { testClusterOrSkip } from '../support/kube-cluster.ts';
import { validator } from '../support/validators.ts';

const { cluster, skip } = await testClusterOrSkip();
after(() => cluster?.stop());

const work = mkdtempSync(join(tmpdir(), 'gantry-helm-cluster-'));
after(() => rmSync(work, { recursive: true, force: true }));

const SPEC = (namespace: string) => `app: demo
namespace: ${namespace}
services:
  api:
    image: ghcr.io/acme/demo-api:1.0.0
    port: 8000
    replicas: 2
    env: { LOG_LEVEL: info }
    secrets: [API_KEY]
    routes: [ { host: demo.example.com } ]
    disruption: { minAvailable: 1 }
backing:
  cache: { kind: redis }
environments:
  prod:
    services:
      api: { replicas: 3, env: { LOG_LEVEL: warn } }
`;

type Deployment = KubernetesObject & {
  spec: {
    replicas: number;
    template: { spec: { containers: Array<{ name: string; image: string }> } };
  };
};

describe('the Helm chart on a real control plane (helm install, upgrade, rollback)', { skip }, () => {
  let namespace = '';
  let chart = '';
  let kubeconfig = '';
  const helm = (...args: string[]) => {
    const run = spawnSync(validator('helm'), [...args, '--kubeconfig', kubeconfig, '-n', namespace], {
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (run.error) throw run.error;
    assert.equal(run.status, 0, `helm ${args.join(' ')}:\n${run.stderr}${run.stdout}`);
    return run.stdout;
  };
  const deployment = async () =>
    (await cluster!.api.read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace },
    })) as Deployment;

  before(async () => {
    namespace = await cluster!.namespace('helm');
    kubeconfig = cluster!.kubeconfig({ namespace });
    const file = join(work, 'gantry.yaml');
    writeFileSync(file, SPEC(namespace));
    chart = join(work, 'chart');
    const run = gantrySync(['render', '--format', 'helm', '-f', file, '-o', chart]);
    assert.equal(run.code, 0, run.stderr);
  });

  it('helm install --dry-run=server: the API server admits every object and nothing is created', async () => {
    const out = helm('install', 'demo', chart, '-f', join(chart, 'values-prod.yaml'), '--dry-run=server');
    assert.match(out, /kind: Deployment/);
    assert.match(
      out,
      /kubectl create secret generic demo-api-secrets -n helm-\w+ --from-literal=API_KEY='…'/,
    );
    const found = await cluster!.api
      .read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace } })
      .catch(() => undefined);
    assert.equal(found, undefined, 'a dry run creates nothing');
  });

  it('helm upgrade --install creates what gantry render --env prod renders; a second upgrade changes a value; helm rollback restores it', async () => {
    helm('upgrade', '--install', 'demo', chart, '-f', join(chart, 'values-prod.yaml'));
    const loaded = loadSpec(SPEC(namespace), { file: 'gantry.yaml', target: 'cluster', env: 'prod' });
    assert.ok(loaded.ok);
    const rendered = renderKubernetes(loaded.model).objects;
    for (const object of rendered) {
      const live = await cluster!.api.read({
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: { name: object.metadata.name, namespace },
      });
      assert.equal(
        live.metadata?.annotations?.['meta.helm.sh/release-name'],
        'demo',
        `${object.kind} ${object.metadata.name}`,
      );
      // Helm stamps its own managed-by on what it installs (how it knows a release owns an object).
      assert.deepEqual(
        live.metadata?.labels,
        { ...object.metadata.labels, 'app.kubernetes.io/managed-by': 'Helm' },
        `${object.kind} ${object.metadata.name}: labels`,
      );
    }
    const first = await deployment();
    assert.equal(first.spec.replicas, 3);
    assert.equal(first.spec.template.spec.containers[0]!.image, 'ghcr.io/acme/demo-api:1.0.0');

    helm(
      'upgrade',
      'demo',
      chart,
      '-f',
      join(chart, 'values-prod.yaml'),
      '--set',
      'deployment.api.replicas=4',
      '--set',
      'deployment.api.containers.api.image=ghcr.io/acme/demo-api:1.1.0',
    );
    const second = await deployment();
    assert.equal(second.spec.replicas, 4);
    assert.equal(second.spec.template.spec.containers[0]!.image, 'ghcr.io/acme/demo-api:1.1.0');

    helm('rollback', 'demo', '1');
    const rolledBack = await deployment();
    assert.equal(rolledBack.spec.replicas, 3);
    assert.equal(rolledBack.spec.template.spec.containers[0]!.image, 'ghcr.io/acme/demo-api:1.0.0');
    const history = JSON.parse(helm('history', 'demo', '-o', 'json')) as Array<{
      revision: number;
      status: string;
    }>;
    assert.deepEqual(
      history.map((h) => [h.revision, h.status]),
      [
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'deployed'],
      ],
    );
  });
});
