import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEnvironment, deepMerge } from './overlay.ts';

describe('deepMerge', () => {
  const rows: { name: string; base: unknown; overlay: unknown; merged: unknown }[] = [
    {
      name: 'maps merge key by key',
      base: { a: 1, b: { c: 2, d: 3 } },
      overlay: { b: { c: 9 } },
      merged: { a: 1, b: { c: 9, d: 3 } },
    },
    { name: 'arrays replace', base: { xs: [1, 2, 3] }, overlay: { xs: [4] }, merged: { xs: [4] } },
    { name: 'scalars replace', base: { a: 'x' }, overlay: { a: 'y' }, merged: { a: 'y' } },
    { name: 'null removes', base: { a: 1, b: 2 }, overlay: { a: null }, merged: { b: 2 } },
    { name: 'new keys are added', base: { a: 1 }, overlay: { b: { c: 1 } }, merged: { a: 1, b: { c: 1 } } },
    { name: 'a map replaces a scalar', base: { a: 1 }, overlay: { a: { b: 1 } }, merged: { a: { b: 1 } } },
    { name: 'a scalar replaces a map', base: { a: { b: 1 } }, overlay: { a: 5 }, merged: { a: 5 } },
  ];
  for (const row of rows) it(row.name, () => assert.deepEqual(deepMerge(row.base, row.overlay), row.merged));

  it('leaves its inputs untouched', () => {
    const base = { a: { b: 1 } };
    deepMerge(base, { a: { b: 2 } });
    assert.deepEqual(base, { a: { b: 1 } });
  });
});

describe('applyEnvironment', () => {
  const spec = {
    app: 'shop',
    services: { api: { replicas: 3, env: { A: '1', B: '2' } }, worker: { replicas: 1 } },
    backing: { db: { kind: 'postgres', ha: true } },
    environments: {
      dev: {
        services: { api: { replicas: 1, env: { B: '3' } }, ghost: { replicas: 1 } },
        backing: { db: { ha: false } },
      },
    },
  };
  it('overlays services and backing of the chosen environment only', () => {
    const merged = applyEnvironment(spec, 'dev');
    assert.deepEqual(merged.services, {
      api: { replicas: 1, env: { A: '1', B: '3' } },
      worker: { replicas: 1 },
    });
    assert.deepEqual(merged.backing, { db: { kind: 'postgres', ha: false } });
    assert.equal(merged.app, 'shop');
  });
  it('ignores overlay entries the base does not declare (the loader reports them)', () => {
    assert.equal('ghost' in (applyEnvironment(spec, 'dev').services as object), false);
  });
});
