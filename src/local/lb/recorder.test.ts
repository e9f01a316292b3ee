import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Recorder } from './recorder.ts';
import { BUCKETS, bucketOf } from './window.ts';

const T0 = 1_700_000_000_000;

test('Recorder: a second at a time per version, with status classes, latency buckets and the sum', () => {
  const recorder = new Recorder();
  const v1 = recorder.counter('v1');
  assert.equal(recorder.counter('v1'), v1, 'one counter per version');
  v1.record(T0 + 10, 200, 1.5);
  v1.record(T0 + 20, 503, 0.2);
  v1.record(T0 + 990, 404, 12);
  v1.record(T0 + 1010, 200, 3);
  recorder.counter('v2').record(T0 + 30, 499, 40);
  const [first, second, v2] = recorder.take();
  const buckets = (...latencies: number[]) => {
    const out = new Array(BUCKETS).fill(0);
    for (const ms of latencies) out[bucketOf(ms)]++;
    return out;
  };
  assert.deepEqual(first, {
    version: 'v1',
    second: T0 / 1000,
    requests: 3,
    errors: 1,
    maxMs: 12,
    sumMs: 13.7,
    classes: [0, 1, 0, 1, 1],
    buckets: buckets(1.5, 0.2, 12),
  });
  assert.deepEqual([second!.second, second!.requests], [T0 / 1000 + 1, 1]);
  assert.deepEqual(
    [v2!.version, v2!.errors, v2!.classes],
    ['v2', 0, [0, 0, 0, 1, 0]],
    'a client that left is no error',
  );
  assert.deepEqual(recorder.take(), [], 'taken once');
});

test('Recorder: the second in progress is taken so far; the rest of it comes in the next take', () => {
  const recorder = new Recorder();
  const counter = recorder.counter('v1');
  counter.record(T0 + 100, 200, 1);
  assert.equal(recorder.take()[0]!.requests, 1);
  counter.record(T0 + 200, 200, 1);
  counter.record(T0 + 300, 200, 1);
  const [rest] = recorder.take();
  assert.deepEqual([rest!.second, rest!.requests], [T0 / 1000, 2]);
});
