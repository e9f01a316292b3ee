import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateTracker } from './rate.ts';

test('RateTracker: no rate on the first reading, then the change over the wall time', () => {
  const rates = new RateTracker();
  assert.equal(rates.observe('a', 100, 10_000), undefined);
  assert.deepEqual(rates.observe('a', 400, 12_000), { perSecond: 150, windowSeconds: 2 });
  assert.deepEqual(rates.observe('a', 400, 14_000), { perSecond: 0, windowSeconds: 2 });
});

test('RateTracker: a counter that went down was reset and starts over', () => {
  const rates = new RateTracker();
  rates.observe('a', 500, 0);
  assert.equal(rates.observe('a', 20, 1000), undefined);
  assert.deepEqual(rates.observe('a', 70, 3000), { perSecond: 25, windowSeconds: 2 });
});

test('RateTracker: keys are independent; retain forgets the others', () => {
  const rates = new RateTracker();
  rates.observe('a', 0, 0);
  rates.observe('b', 0, 0);
  rates.retain(new Set(['a']));
  assert.deepEqual(rates.observe('a', 10, 1000), { perSecond: 10, windowSeconds: 1 });
  assert.equal(rates.observe('b', 10, 1000), undefined, 'b was forgotten: a first reading again');
});

test('RateTracker: no rate for readings at the same instant', () => {
  const rates = new RateTracker();
  rates.observe('a', 0, 5);
  assert.equal(rates.observe('a', 10, 5), undefined);
});
