import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_BEHAVIOR, RPS_METRIC } from '../render/kubernetes/hpa.ts';
import { loadSpec } from '../spec/load.ts';
import type { AppModel } from '../spec/model.ts';
import { cpu, memory, podsMetric } from './fixtures.test-support.ts';
import { autoscaledServices, hpaSpecForService } from './from-spec.ts';

const SHOP = readFileSync(new URL('../../examples/shop/gantry.yaml', import.meta.url), 'utf8');

function shop(env?: string): AppModel {
  const loaded = loadSpec(SHOP, { file: 'examples/shop/gantry.yaml', ...(env ? { env } : {}) });
  assert.ok(loaded.ok, JSON.stringify(loaded.problems));
  return loaded.model;
}

function model(autoscale: string): AppModel {
  const text = `app: demo
services:
  api:
    image: ghcr.io/acme/api:1.0.0
    port: 8000
    resources: { requests: { cpu: 250m, memory: 256Mi } }
    autoscale: ${autoscale}
`;
  const loaded = loadSpec(text, { file: 'gantry.yaml' });
  assert.ok(loaded.ok, JSON.stringify(loaded.problems));
  return loaded.model;
}

describe('hpaSpecForService', () => {
  it('the shop api in prod: min 3, max 10, cpu 70 %, memory 80 %, rps 1000 per pod, the rendered behavior', () => {
    const spec = hpaSpecForService(shop('prod'), 'api');
    assert.ok(spec);
    assert.equal(spec.name, 'api');
    assert.equal(spec.minReplicas, 3);
    assert.equal(spec.maxReplicas, 10);
    assert.deepEqual(spec.metrics, [cpu(70), memory(80), podsMetric(RPS_METRIC, '1000')]);
    assert.deepEqual(spec.behavior, {
      // Not in the spec: the renderer's default, fast scale-up.
      scaleUp: DEFAULT_BEHAVIOR.scaleUp,
      // The spec's slower scale-down (50 % a minute) over the renderer's 300 s window.
      scaleDown: {
        stabilizationWindowSeconds: 300,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
      },
    });
  });

  it('a service without autoscale (the worker; the api in dev, where the overlay removes it) has none', () => {
    assert.equal(hpaSpecForService(shop('prod'), 'worker'), undefined);
    assert.equal(hpaSpecForService(shop('dev'), 'api'), undefined);
  });

  it('an unknown service is an error that lists the services', () => {
    assert.throws(() => hpaSpecForService(shop('prod'), 'web'), {
      name: 'RangeError',
      message: 'no service `web` in examples/shop/gantry.yaml (services: api, worker)',
    });
  });

  it('fractional rps targets become milli-quantities; only the metrics the spec names', () => {
    const spec = hpaSpecForService(model('{ min: 1, max: 4, rps: 12.5 }'), 'api');
    assert.deepEqual(spec?.metrics, [podsMetric(RPS_METRIC, '12500m')]);
    assert.equal(spec?.minReplicas, 1);
    assert.deepEqual(spec?.behavior, DEFAULT_BEHAVIOR);
  });

  it('a spec behavior overrides the default per direction, field by field', () => {
    const spec = hpaSpecForService(
      model(
        '{ min: 2, max: 8, cpu: 60, behavior: { scaleUp: { stabilizationWindowSeconds: 60, selectPolicy: Min } } }',
      ),
      'api',
    );
    assert.deepEqual(spec?.behavior?.scaleUp, {
      ...DEFAULT_BEHAVIOR.scaleUp,
      stabilizationWindowSeconds: 60,
      selectPolicy: 'Min',
    });
    assert.deepEqual(spec?.behavior?.scaleDown, DEFAULT_BEHAVIOR.scaleDown);
  });

  it('autoscaledServices lists only the services with autoscale', () => {
    assert.deepEqual(autoscaledServices(shop('prod')), ['api']);
    assert.deepEqual(autoscaledServices(shop('dev')), []);
  });
});
