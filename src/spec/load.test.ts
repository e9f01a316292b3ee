import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadSpec, validateAll } from './load.ts';
import { effectiveAnalysis } from './model.ts';

const EXAMPLE_FILE = new URL('../../examples/shop/gantry.yaml', import.meta.url);
const example = readFileSync(EXAMPLE_FILE, 'utf8');
const load = (text: string, env?: string) => loadSpec(text, { file: 'gantry.yaml', ...(env ? { env } : {}) });

describe('the example spec', () => {
  it('is valid as a whole and for each environment, with no warnings', () => {
    const all = validateAll(example, { file: 'gantry.yaml' });
    assert.deepEqual(all.problems, []);
    assert.deepEqual(all.environments, ['dev', 'staging', 'prod']);
    for (const env of [undefined, 'dev', 'staging', 'prod']) {
      const result = load(example, env);
      assert.equal(result.ok, true, `${env}: ${JSON.stringify(result.problems)}`);
      assert.deepEqual(result.problems, []);
    }
    for (const target of ['local', 'cluster'] as const)
      assert.equal(loadSpec(example, { file: 'gantry.yaml', env: 'prod', target }).ok, true);
  });

  it('applies each environment as the issue describes (dev 1 replica, staging HPA 3–5, prod 3–10 + PDB + canary)', () => {
    const dev = load(example, 'dev').model!;
    assert.equal(dev.environment?.tier, 'development');
    assert.equal(dev.services.api!.replicas, 1);
    assert.equal(dev.services.api!.autoscale, undefined);
    assert.equal(dev.services.api!.env.LOG_LEVEL, 'debug');
    assert.equal(dev.services.api!.env.APP_VERSION, '1.4.2', 'maps merge: the base keeps its other keys');
    assert.equal(dev.backing.db!.ha, false);

    const staging = load(example, 'staging').model!;
    assert.deepEqual([staging.services.api!.autoscale?.min, staging.services.api!.autoscale?.max], [3, 5]);
    assert.equal(staging.services.api!.autoscale?.cpu, 70, 'autoscale overlay merges onto the base targets');
    assert.equal(staging.services.api!.release.strategy, 'blue-green');
    assert.equal(staging.namespace, 'shop-staging');

    const prod = load(example, 'prod').model!;
    assert.equal(prod.environment?.tier, 'production');
    assert.deepEqual([prod.services.api!.autoscale?.min, prod.services.api!.autoscale?.max], [3, 10]);
    assert.deepEqual(prod.services.api!.disruption?.minAvailable, { kind: 'count', value: 2 });
    assert.equal(prod.services.api!.release.strategy, 'canary');
    assert.deepEqual(
      prod.services.api!.release.steps!.map(
        (s) => s.weight ?? (s.pause ? `pause ${s.pause.durationMs}` : 'analysis'),
      ),
      [10, 'pause 30000', 25, 'analysis', 50, 'pause null', 100],
    );
  });

  it('normalises units and fills Kubernetes defaults', () => {
    const api = load(example).model!.services.api!;
    assert.equal(api.resources.requests?.cpu, 250);
    assert.equal(api.resources.requests?.memory, 256 * 2 ** 20);
    assert.equal(api.resources.limits?.memory, 512 * 2 ** 20);
    assert.deepEqual(api.release.maxSurge, { kind: 'percent', value: 25 });
    assert.deepEqual(api.release.maxUnavailable, { kind: 'count', value: 0 });
    const readiness = api.health.readiness!;
    assert.deepEqual(
      [
        readiness.initialDelaySeconds,
        readiness.periodSeconds,
        readiness.timeoutSeconds,
        readiness.successThreshold,
        readiness.failureThreshold,
      ],
      [0, 5, 1, 1, 3],
    );
    assert.equal(load(example).model!.backing.db!.storage, 50 * 2 ** 30);
  });
});

describe('defaults of a minimal spec', () => {
  const minimal = 'app: hello\nservices:\n  web:\n    run: node server.js\n    port: 8080\n';
  it('loads with Kubernetes defaults', () => {
    const result = load(minimal);
    assert.equal(result.ok, true);
    const web = result.model!.services.web!;
    assert.equal(web.replicas, 1);
    assert.equal(web.release.strategy, 'rolling');
    assert.deepEqual(web.release.maxSurge, { kind: 'percent', value: 25 });
    assert.deepEqual(web.release.maxUnavailable, { kind: 'percent', value: 25 });
    assert.equal(web.release.progressDeadlineSeconds, 600);
    assert.deepEqual(web.shutdown, { preStopSeconds: 0, gracePeriodSeconds: 30 });
    assert.equal(result.model!.namespace, 'hello');
    assert.equal(result.model!.environment, null);
  });
  it('starts an autoscaled service at autoscale.min', () => {
    const text = `${minimal}    resources: { requests: { cpu: 100m } }\n    autoscale: { min: 2, max: 4, cpu: 50 }\n`;
    assert.equal(load(text).model!.services.web!.replicas, 2);
  });
  it('allows an untagged or latest image in development', () => {
    assert.equal(load(`${minimal}    image: acme/web:latest\n`).ok, true);
    assert.equal(load(`${minimal}    image: acme/web\n`).ok, true);
  });
  it('accepts a digest-pinned image in production', () => {
    const text = `${minimal}    image: acme/web@sha256:${'a'.repeat(64)}\nenvironments:\n  prod: {}\n`;
    assert.equal(load(text, 'prod').ok, true);
  });
  it('gives the tier from the environment name unless the environment says', () => {
    const text = `${minimal}environments:\n  dev-eu: {}\n  qa: {}\n  production: {}\n  live-like: { tier: staging }\n`;
    assert.equal(load(text, 'dev-eu').model!.environment!.tier, 'development');
    assert.equal(load(text, 'qa').model!.environment!.tier, 'staging');
    assert.equal(load(text, 'production').model!.environment!.tier, 'production');
    assert.equal(load(text, 'live-like').model!.environment!.tier, 'staging');
  });
});

describe('analysis thresholds', () => {
  it('layer a step over the release over the defaults', () => {
    const prod = load(example, 'prod').model!.services.api!.release;
    const step = prod.steps!.find((s) => s.analysis)!.analysis;
    assert.deepEqual(step, {}, 'an empty analysis step adds nothing of its own');
    assert.deepEqual(effectiveAnalysis(prod.analysis, { failureLimit: 1 }), {
      intervalSeconds: 5,
      successRate: 0.99,
      latencyP95Ms: 200,
      failureLimit: 1,
      consecutiveErrorLimit: 4,
      inconclusiveLimit: 12,
      minRequests: 20,
      count: 1,
    });
  });
});
