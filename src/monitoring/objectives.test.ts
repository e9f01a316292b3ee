import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSpec } from '../spec/load.ts';
import { budgetSpentIn, latencyQuantile, promDuration } from './burn-rate.ts';
import { monitoringTarget } from './objectives.ts';

const target = (service: string) => {
  const loaded = loadSpec(`app: shop\nservices:\n  api:\n    image: acme/api:1.0.0\n${service}`, {
    file: 'gantry.yaml',
  });
  assert.ok(loaded.ok, JSON.stringify(loaded.problems));
  return monitoringTarget(loaded.model.services.api!);
};

describe('monitoringTarget: what is scraped and the objectives', () => {
  it('without slo: /metrics on the service port, the release analysis thresholds, 30d', () => {
    assert.deepEqual(
      target('    port: 8000\n    release: { analysis: { successRate: 0.995, latencyP95Ms: 300 } }\n'),
      {
        monitored: {
          service: 'api',
          scrape: { port: 8000, path: '/metrics' },
          objectives: {
            availability: 0.995,
            latencyP95Ms: 300,
            window: '30d',
            windowSeconds: 30 * 86_400,
            from: { availability: 'release.analysis', latencyP95Ms: 'release.analysis' },
          },
        },
      },
    );
  });
  it('without slo or analysis: the analysis defaults (99 %, p95 200 ms)', () => {
    const objectives = target('    port: 8000\n').monitored!.objectives;
    assert.equal(objectives.availability, 0.99);
    assert.equal(objectives.latencyP95Ms, 200);
  });
  it('slo fields override one by one; metrics port and path', () => {
    const monitored = target(
      '    port: 8000\n    metrics: { port: 9100, path: /stats }\n    slo: { availability: 99.95%, window: 4w }\n',
    ).monitored!;
    assert.deepEqual(monitored.scrape, { port: 9100, path: '/stats' });
    assert.equal(monitored.objectives.availability, 0.9995);
    assert.equal(monitored.objectives.latencyP95Ms, 200);
    assert.equal(monitored.objectives.windowSeconds, 28 * 86_400);
    assert.deepEqual(monitored.objectives.from, { availability: 'slo', latencyP95Ms: 'release.analysis' });
  });
  it('a success rate of 1 leaves no error budget: latency only', () =>
    assert.equal(
      target('    port: 8000\n    release: { analysis: { successRate: 1 } }\n').monitored!.objectives
        .availability,
      null,
    ));
  it('no port, or metrics switched off: not monitored, with the reason', () => {
    assert.deepEqual(target('    run: node worker.js\n'), {
      service: 'api',
      reason: 'has no port to scrape (add `metrics: { port: … }` if it serves /metrics)',
    });
    assert.deepEqual(target('    port: 8000\n    metrics: { enabled: false }\n'), {
      service: 'api',
      reason: 'exports no metrics (`metrics.enabled: false`)',
    });
  });
});

describe('burn-rate arithmetic', () => {
  it('latency quantiles: 14.4× → p28, 6× → p70, 3× → p85, 1× → p95', () =>
    assert.deepEqual([14.4, 6, 3, 1].map(latencyQuantile), [0.28, 0.7, 0.85, 0.95]));
  it('Prometheus durations in their largest whole unit', () =>
    assert.deepEqual([300, 3600, 259_200, 72 * 60, 5, 0.4].map(promDuration), [
      '5m',
      '1h',
      '3d',
      '72m',
      '5s',
      '1s',
    ]));
  it('how long a 30-day budget lasts at each burn rate', () =>
    assert.deepEqual(
      [14.4, 6, 3, 1].map((b) => budgetSpentIn(30 * 86_400, b)),
      ['2d 2h', '5d', '10d', '30d'],
    ));
});
