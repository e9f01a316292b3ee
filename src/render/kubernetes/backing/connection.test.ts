import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadSpec } from '../../../spec/load.ts';
import { renderKubernetes } from '../index.ts';
import type { K8sObject } from '../types.ts';

const example = readFileSync(new URL('../../../../examples/shop/gantry.yaml', import.meta.url), 'utf8');

function apiEnv(
  env: string,
): { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[] {
  const model = loadSpec(example, { file: 'gantry.yaml', env, target: 'cluster' }).model!;
  const deployment = renderKubernetes(model).objects.find(
    (o: K8sObject) => o.kind === 'Deployment' && o.metadata.name === 'api',
  )!;
  return (deployment.spec as { template: { spec: { containers: { env: never[] }[] } } }).template.spec
    .containers[0]!.env;
}

describe('connection variables for the backing services a service uses', () => {
  it('in-cluster postgres: credentials by reference, the URL built with $(VAR), never a password', () => {
    const env = apiEnv('dev');
    const byName = Object.fromEntries(env.map((v) => [v.name, v]));
    assert.deepEqual(byName.DB_USERNAME?.valueFrom, {
      secretKeyRef: { name: 'shop-db-credentials', key: 'username' },
    });
    assert.deepEqual(byName.DB_PASSWORD?.valueFrom, {
      secretKeyRef: { name: 'shop-db-credentials', key: 'password' },
    });
    assert.equal(byName.DB_URL?.value, 'postgres://$(DB_USERNAME):$(DB_PASSWORD)@shop-db:5432/shop');
    // Kubernetes expands $(VAR) only from variables defined earlier in the list.
    const at = (name: string) => env.findIndex((v) => v.name === name);
    assert.ok(at('DB_USERNAME') < at('DB_URL') && at('DB_PASSWORD') < at('DB_URL'));
    assert.equal(byName.REDIS_URL?.value, 'redis://shop-cache:6379');
    assert.equal(byName.CACHE_URL?.value, 'redis://shop-cache:6379');
  });

  it('a secret the service declares (DATABASE_URL) wins over the generated one', () => {
    const databaseUrl = apiEnv('dev').filter((v) => v.name === 'DATABASE_URL');
    assert.deepEqual(databaseUrl, [
      {
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'shop-api-secrets', key: 'DATABASE_URL' } },
      },
    ]);
  });

  it('managed postgres: the whole URL from the connection Secret', () => {
    const byName = Object.fromEntries(apiEnv('prod').map((v) => [v.name, v]));
    assert.deepEqual(byName.DB_URL?.valueFrom, { secretKeyRef: { name: 'shop-db-connection', key: 'url' } });
  });
});
