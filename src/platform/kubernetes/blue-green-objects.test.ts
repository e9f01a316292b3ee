import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  activeColourOf,
  availableOfTemplate,
  type ColourDeployment,
  colourFor,
  observeColours,
  podSelectorOf,
  selectorPatch,
} from './blue-green-objects.ts';
import type { DeploymentLike } from './release-objects.ts';

function colour(
  name: 'blue' | 'green',
  version: string,
  replicas: number,
  status: Record<string, number> = {},
  generation = 1,
): ColourDeployment {
  const selector = { 'app.kubernetes.io/name': 'api', version: name };
  return {
    colour: name,
    deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `api-${name}`, namespace: 'demo', generation } as DeploymentLike['metadata'],
      spec: {
        replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...selector, 'app.kubernetes.io/version': version } },
          spec: { containers: [{ name: 'api', image: `ghcr.io/acme/api:${version}` }] },
        },
      },
      status,
    },
  };
}

const available = (n: number, generation = 1) => ({
  observedGeneration: generation,
  replicas: n,
  updatedReplicas: n,
  availableReplicas: n,
});

describe('availableOfTemplate', () => {
  const rows: [name: string, status: Record<string, number>, generation: number, expected: number][] = [
    ['all updated and available', available(4, 3), 3, 4],
    ['the controller has not seen the change yet: old pods do not count', available(4, 2), 3, 0],
    [
      'available old pods beside fewer updated ones: the updated count',
      { ...available(4, 3), updatedReplicas: 2 },
      3,
      2,
    ],
    ['updated but not yet available', { ...available(4, 3), availableReplicas: 1 }, 3, 1],
    ['no status', {}, 1, 0],
  ];
  for (const [name, status, generation, expected] of rows)
    it(name, () =>
      assert.equal(
        availableOfTemplate(colour('green', '1.1.0', 4, status, generation).deployment!),
        expected,
      ),
    );
});

describe('observeColours', () => {
  it('the active colour takes all traffic; an idle colour at another version is reported with its replicas', () =>
    assert.deepEqual(
      observeColours(
        [colour('blue', '1.0.0', 4, available(4)), colour('green', '1.1.0', 4, available(2))],
        'blue',
      ),
      [
        { version: '1.0.0', desired: 4, current: 4, ready: 4, weight: 100 },
        { version: '1.1.0', desired: 4, current: 2, ready: 2, weight: 0 },
      ],
    ));
  it('an idle colour at the active version is spare capacity, not a version', () =>
    assert.deepEqual(
      observeColours(
        [colour('blue', '1.0.0', 4, available(4)), colour('green', '1.0.0', 4, available(4))],
        'blue',
      ),
      [{ version: '1.0.0', desired: 4, current: 4, ready: 4, weight: 100 }],
    ));
  it('an idle colour at 0 with no pods is left out', () =>
    assert.deepEqual(
      observeColours([colour('blue', '1.0.0', 0), colour('green', '1.1.0', 4, available(4))], 'green'),
      [{ version: '1.1.0', desired: 4, current: 4, ready: 4, weight: 100 }],
    ));
});

describe('colourFor', () => {
  const both = [colour('blue', '1.0.0', 4), colour('green', '0.9.0', 0)];
  const rows: [name: string, version: string, expected: ReturnType<typeof colourFor>][] = [
    ['the active colour runs it', '1.0.0', { colour: 'blue', needsImage: false }],
    ['the idle colour runs it (kept, or scaled to 0)', '0.9.0', { colour: 'green', needsImage: false }],
    ['neither: the idle colour takes its image', '1.1.0', { colour: 'green', needsImage: true }],
  ];
  for (const [name, version, expected] of rows)
    it(name, () => assert.deepEqual(colourFor(both, 'blue', version), expected));
});

describe('the Service', () => {
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'api', namespace: 'demo' },
    spec: { selector: { 'app.kubernetes.io/name': 'api', version: 'blue' }, ports: [] },
  };
  it('its active colour is its selector’s version label', () => {
    assert.equal(activeColourOf(service), 'blue');
    assert.equal(
      activeColourOf({ ...service, spec: { selector: { 'app.kubernetes.io/name': 'api' } } }),
      undefined,
    );
  });
  it('the selector patch sends the whole selector (an atomic map) at the other colour, nothing else', () =>
    assert.deepEqual(selectorPatch(service, 'green'), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api', namespace: 'demo' },
      spec: { selector: { 'app.kubernetes.io/name': 'api', version: 'green' } },
    }));
  it('a colour’s pods by its Deployment’s selector', () =>
    assert.equal(
      podSelectorOf(colour('green', '1.1.0', 4).deployment!),
      'app.kubernetes.io/name=api,version=green',
    ));
});
