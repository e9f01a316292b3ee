import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { K8sObject } from '../kubernetes/types.ts';
import { planHelmChart } from './chart.ts';
import { planObject, type Step, valuePath } from './holes.ts';
import { secretReferences } from './notes.ts';
import { objectTemplate } from './template.ts';
import { mergeValues, type Tree, valuesDelta } from './values.ts';

const deployment = (overrides: { replicas?: number; image?: string; env?: unknown[]; ns?: string } = {}) =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'api',
      namespace: overrides.ns ?? 'shop',
      labels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'shop-api' },
    },
    spec: {
      ...(overrides.replicas === undefined ? {} : { replicas: overrides.replicas }),
      selector: {
        matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'shop-api' },
      },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'shop-api' } },
        spec: {
          containers: [
            {
              name: 'api',
              image: overrides.image ?? 'ghcr.io/acme/api:1.0.0',
              env: overrides.env ?? [{ name: 'A', value: '1' }],
            },
          ],
        },
      },
    },
  }) as K8sObject;

describe('valuesDelta: the values file that Helm merges into the environment', () => {
  const rows: Array<{ name: string; base: Tree; target: Tree; delta: Tree }> = [
    { name: 'nothing differs', base: { a: 1, m: { b: 2 } }, target: { a: 1, m: { b: 2 } }, delta: {} },
    { name: 'a scalar changes', base: { a: 1 }, target: { a: 2 }, delta: { a: 2 } },
    { name: 'a key only in the environment', base: { a: 1 }, target: { a: 1, b: 3 }, delta: { b: 3 } },
    {
      name: 'a key the environment removes is null',
      base: { a: 1, b: 3 },
      target: { a: 1 },
      delta: { b: null },
    },
    {
      name: 'maps recurse: only the changed leaf',
      base: { m: { x: 1, y: 2 } },
      target: { m: { x: 1, y: 5 } },
      delta: { m: { y: 5 } },
    },
    {
      name: 'a map emptied: each key null',
      base: { m: { x: 1, y: 2 } },
      target: { m: {} },
      delta: { m: { x: null, y: null } },
    },
    {
      name: 'arrays are replaced whole',
      base: { l: [1, 2, 3] },
      target: { l: [1, 2] },
      delta: { l: [1, 2] },
    },
    { name: 'a map becomes a scalar', base: { m: { x: 1 } }, target: { m: 'x' }, delta: { m: 'x' } },
  ];
  for (const row of rows)
    it(row.name, () => {
      assert.deepEqual(valuesDelta(row.base, row.target), row.delta);
      assert.deepEqual(mergeValues(row.base, row.delta), row.target, 'Helm’s merge gives back the target');
    });
});

describe('valuePath: where a field goes in the values', () => {
  const steps = (...keys: string[]): Step[] =>
    keys.map((key) => (key.startsWith('[') ? { key: key.slice(1, -1), item: true } : { key }));
  const rows: Array<[string, string[], string[]]> = [
    ['spec is dropped', ['spec', 'replicas'], ['replicas']],
    [
      'containers by name',
      ['spec', 'template', 'spec', 'containers', '[api]', 'image'],
      ['containers', 'api', 'image'],
    ],
    [
      'the rest of the pod spec under pod',
      ['spec', 'template', 'spec', 'tolerations'],
      ['pod', 'tolerations'],
    ],
    [
      'the pod metadata under podMetadata',
      ['spec', 'template', 'metadata', 'labels'],
      ['podMetadata', 'labels'],
    ],
    ['metadata stays', ['metadata', 'annotations'], ['metadata', 'annotations']],
    ['top-level fields stay', ['data', 'LOG_LEVEL'], ['data', 'LOG_LEVEL']],
  ];
  for (const [name, path, expected] of rows)
    it(name, () => assert.deepEqual(valuePath(steps(...path)), expected));
});

describe('planObject: holes where the knobs are and where the environments differ', () => {
  it('one variant: only the knobs are values (replicas, image), the namespace comes from .Values.namespace', () => {
    const { holes, root } = planObject([deployment({ replicas: 2 })], ['shop']);
    assert.deepEqual(
      holes.map((h) => h.valuePath.join('.')),
      ['replicas', 'containers.api.image'],
    );
    const text = objectTemplate(root, { kindKey: 'deployment', name: 'api' }, 'shop');
    assert.match(text, /^ {2}namespace: \{\{ \.Values\.namespace \| toJson \}\}$/m);
    assert.match(text, /^ {2}replicas: \{\{ dig "api" "replicas" nil \.Values\.deployment \| toJson \}\}$/m);
    assert.match(
      text,
      /^ {6}labels: \{\{- include "shop\.selectorLabels" "api" \| nindent 8 \}\}$/m,
      'the selector labels come from the helper',
    );
  });

  it('a field some variants lack is optional; a differing env var value is a hole of its own', () => {
    const { holes, root } = planObject(
      [deployment({ replicas: 2 }), deployment({ env: [{ name: 'A', value: '2' }] })],
      ['shop', 'shop'],
    );
    const byPath = new Map(holes.map((h) => [h.valuePath.join('.'), h]));
    assert.equal(byPath.get('replicas')?.optional, true);
    assert.equal(byPath.get('containers.api.env.A.value')?.optional, false);
    const text = objectTemplate(root, { kindKey: 'deployment', name: 'api' }, 'shop');
    assert.match(
      text,
      /\{\{- if not \(kindIs "invalid" \(dig "api" "replicas" nil \.Values\.deployment\)\) \}\}/,
    );
  });

  it('env lists with different names are one value (the whole list)', () => {
    const { holes } = planObject(
      [deployment(), deployment({ env: [{ name: 'B', value: '1' }] })],
      ['shop', 'shop'],
    );
    assert.ok(holes.some((h) => h.valuePath.join('.') === 'containers.api.env' && h.collection));
  });

  it('a namespace that is not the render’s stays literal', () => {
    const { root } = planObject([deployment({ ns: 'elsewhere' })], ['shop']);
    assert.match(
      objectTemplate(root, { kindKey: 'deployment', name: 'api' }, 'shop'),
      /namespace: elsewhere/,
    );
  });

  it('{{ in a rendered string stays text (a Prometheus alert template)', () => {
    const rule = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'rules', namespace: 'shop' },
      binaryData: { note: 'value is {{ $value }}' },
    } as K8sObject;
    const text = objectTemplate(
      planObject([rule], ['shop']).root,
      { kindKey: 'configMap', name: 'rules' },
      'shop',
    );
    assert.match(text, /note: value is \{\{ "\{\{" \}\} \$value \}\}/);
  });
});

describe('planHelmChart', () => {
  const input = () => ({
    app: 'shop',
    base: { namespace: 'shop', objects: [deployment({ replicas: 2 })] },
    environments: new Map([
      ['prod', { namespace: 'shop-prod', objects: [deployment({ replicas: 5, ns: 'shop-prod' })] }],
      ['dev', { namespace: 'shop', objects: [] }],
    ]),
    chartVersion: '1.0.0',
    regenerate: 'gantry render --format helm -o chart',
  });

  it('is deterministic', () => {
    assert.deepEqual([...planHelmChart(input())], [...planHelmChart(input())]);
  });

  it('values.yaml for the base; values-<env>.yaml only what differs; an object an environment lacks is switched off', () => {
    const files = planHelmChart(input());
    assert.deepEqual(parse(files.get('values.yaml')!), {
      namespace: 'shop',
      deployment: {
        api: { enabled: true, replicas: 2, containers: { api: { image: 'ghcr.io/acme/api:1.0.0' } } },
      },
    });
    assert.deepEqual(parse(files.get('values-prod.yaml')!), {
      namespace: 'shop-prod',
      deployment: { api: { replicas: 5 } },
    });
    assert.deepEqual(parse(files.get('values-dev.yaml')!), { deployment: { api: { enabled: false } } });
    assert.match(
      files.get('templates/deployment.yaml')!,
      /^\{\{- if dig "api" "enabled" false \.Values\.deployment \}\}\n---\n/m,
    );
  });

  it('the schema names each value’s field and takes replicas and the image from the spec’s schema', () => {
    const schema = JSON.parse(planHelmChart(input()).get('values.schema.json')!);
    const api = schema.properties.deployment.properties.api;
    assert.equal(api.additionalProperties, false);
    assert.equal(api.properties.replicas.type, 'integer');
    assert.equal(api.properties.replicas.minimum, 0);
    assert.equal(api.properties.replicas.description, 'Deployment api: spec.replicas');
    assert.equal(
      api.properties.containers.properties.api.properties.image.description,
      'Deployment api: spec.template.spec.containers[api].image',
    );
    assert.equal(schema.properties.namespace.pattern, '^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$');
  });
});

describe('secretReferences', () => {
  it('finds env secretKeyRefs, envFrom secretRefs, secret volumes and CloudNativePG secret names', () => {
    assert.deepEqual(
      secretReferences({
        env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's1', key: 'k' } } }],
        envFrom: [{ secretRef: { name: 's2' } }],
        volumes: [{ name: 'v', secret: { secretName: 's3' } }],
        bootstrap: { initdb: { secret: { name: 's4' } } },
      }),
      [{ name: 's1', key: 'k' }, { name: 's2' }, { name: 's3' }, { name: 's4' }],
    );
  });
});
