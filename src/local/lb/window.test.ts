import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketOf, LATENCY_BOUNDS_MS, MetricsWindow, percentile } from './window.ts';

const T0 = 1_000_000; // ms, on a whole second

test('empty window: zero requests, null rates and percentiles', () => {
  const w = new MetricsWindow(T0);
  // At a whole second the current bucket has just begun: 9 full buckets plus an empty one.
  assert.deepEqual(w.summary(T0 + 10_000, 10), {
    windowSeconds: 9,
    requests: 0,
    errors: 0,
    successRate: null,
    requestsPerSecond: 0,
    latencyP50Ms: null,
    latencyP95Ms: null,
    latencyP99Ms: null,
  });
});

test('counts, errors and success rate over the window', () => {
  const w = new MetricsWindow(T0);
  for (let i = 0; i < 100; i++) w.record(T0 + 100 + i * 50, i % 10 === 0, 4);
  const s = w.summary(T0 + 5000, 10);
  assert.equal(s.requests, 100);
  assert.equal(s.errors, 10);
  assert.equal(s.successRate, 0.9);
  assert.equal(s.windowSeconds, 5, 'shorter than asked right after the start');
  assert.equal(s.requestsPerSecond, 20);
});

const windows: {
  name: string;
  records: [number, number][];
  now: number;
  window: number;
  requests: number;
  covered: number;
}[] = [
  {
    name: 'old buckets fall out',
    records: [
      [T0 + 500, 1],
      [T0 + 20_500, 1],
      [T0 + 21_500, 1],
      [T0 + 29_500, 1],
    ],
    now: T0 + 30_500,
    window: 10,
    requests: 2,
    covered: 9.5,
  },
  {
    name: 'current partial second counts',
    records: [[T0 + 30_100, 3]],
    now: T0 + 30_400,
    window: 1,
    requests: 3,
    covered: 0.4,
  },
  {
    name: 'ring wrap: a reused slot is reset',
    records: [
      [T0 + 1500, 5],
      [T0 + 601_500, 2],
    ],
    now: T0 + 601_900,
    window: 600,
    requests: 2,
    covered: 599.9,
  },
  {
    name: 'window longer than the ring is capped',
    records: [[T0 + 1500, 1]],
    now: T0 + 2000,
    window: 10_000,
    requests: 1,
    covered: 2,
  },
];

for (const c of windows) {
  test(`window: ${c.name}`, () => {
    const w = new MetricsWindow(T0, 600);
    for (const [at, n] of c.records) for (let i = 0; i < n; i++) w.record(at, false, 1);
    const s = w.summary(c.now, c.window);
    assert.equal(s.requests, c.requests);
    assert.equal(s.windowSeconds, c.covered);
  });
}

test('percentiles interpolate within a bucket and never exceed the slowest request', () => {
  const w = new MetricsWindow(T0);
  // 100 requests spread evenly over (10, 15] ms: bucket 10..15.
  for (let i = 1; i <= 100; i++) w.record(T0 + 10, false, 10 + i * 0.05);
  const s = w.summary(T0 + 900, 1);
  assert.equal(s.latencyP50Ms, 12.5);
  assert.equal(s.latencyP95Ms, 14.75);
  assert.equal(s.latencyP99Ms, 14.95);
});

test('percentiles: capped by the maximum in a wide bucket', () => {
  const w = new MetricsWindow(T0);
  for (let i = 0; i < 10; i++) w.record(T0, false, 3.5); // bucket (3, 5]
  const s = w.summary(T0 + 500, 1);
  assert.ok(s.latencyP99Ms! <= 3.5 && s.latencyP99Ms! > 3, String(s.latencyP99Ms));
});

test('percentiles: above the last bound, the slowest request is the top edge', () => {
  const last = LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]!;
  const counts = new Array(LATENCY_BOUNDS_MS.length + 1).fill(0);
  counts[LATENCY_BOUNDS_MS.length] = 2;
  assert.equal(percentile(counts, 2, 0.5, last + 10_000), last + 5000);
  assert.equal(percentile(counts, 0, 0.5, 0), null);
});

test('known mix: p50 in the fast bucket, p99 in the slow one', () => {
  const w = new MetricsWindow(T0);
  for (let i = 0; i < 95; i++) w.record(T0 + 100, false, 2);
  for (let i = 0; i < 5; i++) w.record(T0 + 100, true, 400);
  const s = w.summary(T0 + 1000, 60);
  assert.ok(s.latencyP50Ms! > 1 && s.latencyP50Ms! <= 2, String(s.latencyP50Ms));
  assert.ok(s.latencyP99Ms! > 300 && s.latencyP99Ms! <= 400, String(s.latencyP99Ms));
  assert.equal(s.errors, 5);
  assert.equal(s.successRate, 0.95);
});

test('add(): seconds counted elsewhere add up to the same summary; seconds() hands them on', () => {
  const served = new MetricsWindow(T0);
  for (let i = 0; i < 50; i++) served.record(T0 + 100 + i * 97, i % 7 === 0, 1 + (i % 13) * 3.3);
  const copy = new MetricsWindow(T0);
  for (const second of served.seconds()) copy.add(second);
  assert.deepEqual(copy.summary(T0 + 6000, 10), served.summary(T0 + 6000, 10));
  // the same seconds added twice count twice (two workers' shares of one second)
  for (const second of served.seconds()) copy.add(second);
  assert.equal(copy.summary(T0 + 6000, 10).requests, 100);
  assert.equal(copy.summary(T0 + 6000, 10).latencyP95Ms, served.summary(T0 + 6000, 10).latencyP95Ms);
});

test('add(): a second older than the ring reaches is dropped, not written over a newer one', () => {
  const w = new MetricsWindow(T0, 10);
  w.record(T0 + 20_500, false, 1);
  w.add({ second: T0 / 1000 + 10, requests: 5, errors: 5, maxMs: 9, buckets: [5] });
  assert.deepEqual([w.summary(T0 + 20_900, 10).requests, w.summary(T0 + 20_900, 10).errors], [1, 0]);
});

test('bucketOf: a request on a bound belongs to that bound’s bucket', () => {
  assert.equal(bucketOf(0), 0);
  assert.equal(bucketOf(0.5), 0);
  assert.equal(bucketOf(0.51), 1);
  assert.equal(bucketOf(2.5), LATENCY_BOUNDS_MS.indexOf(2.5));
  assert.equal(bucketOf(1e9), LATENCY_BOUNDS_MS.length);
});
