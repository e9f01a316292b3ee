import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadinessTransitions } from './readiness.ts';

test('ReadinessTransitions: unknown at first sight, dated at the sync that sees a change, kept after', () => {
  const readiness = new ReadinessTransitions();
  assert.equal(readiness.observe('api-1', false, 1000), undefined);
  assert.equal(readiness.observe('api-1', false, 3000), undefined);
  assert.equal(readiness.observe('api-1', true, 5000), 5000);
  assert.equal(readiness.observe('api-1', true, 7000), 5000);
  assert.equal(readiness.observe('api-1', false, 9000), 9000);
});

test('ReadinessTransitions: a replica first seen ready has no known change; retain forgets the gone', () => {
  const readiness = new ReadinessTransitions();
  assert.equal(readiness.observe('api-2', true, 1000), undefined);
  readiness.observe('api-3', false, 1000);
  readiness.retain(new Set(['api-2']));
  assert.equal(readiness.observe('api-3', true, 2000), undefined, 'forgotten: first sight again');
});
