import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keepWindow, seriesFor } from './series.ts';
import type { MetricsPoint } from './types.ts';

const v = (rps: number, ready = 3) => ({ rps, errorRate: 0, p95Ms: 12, ready, desired: 3 });

describe('chart series from metrics points', () => {
  it('aligns versions by time; a version not running is a gap, not a zero', () => {
    const points: MetricsPoint[] = [
      { t: 1_000, services: { api: { v1: v(10) } } },
      { t: 2_000, services: { api: { v1: v(9), v2: v(1, 1) } } },
      { t: 3_000, services: { api: { v2: v(10) } } },
    ];
    const series = seriesFor(points, 'api');
    assert.deepEqual(series.versions, ['v1', 'v2']);
    assert.deepEqual(series.times, [1, 2, 3]);
    assert.deepEqual(series.columns.rps, [
      [10, 9, null],
      [null, 1, 10],
    ]);
    assert.deepEqual(series.columns.ready, [
      [3, 3, null],
      [null, 1, 3],
    ]);
  });

  it('an unknown service has no versions and no columns', () => {
    const series = seriesFor([{ t: 1_000, services: { api: { v1: v(1) } } }], 'web');
    assert.deepEqual(series.versions, []);
    assert.deepEqual(series.columns.p95Ms, []);
    assert.deepEqual(series.times, [1]);
  });

  it('keeps only the window, oldest first', () => {
    const points: MetricsPoint[] = [
      { t: 9_000, services: {} },
      { t: 1_000, services: {} },
      { t: 7_000, services: {} },
    ];
    assert.deepEqual(
      keepWindow(points, 10_000, 4_000).map((p) => p.t),
      [7_000, 9_000],
    );
  });
});
