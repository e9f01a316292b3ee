import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ListenerTally } from './tally.ts';

test('ListenerTally: every backend in the listener has a count, 0 until it serves; one that left starts over', () => {
  const tally = new ListenerTally('api', undefined);
  tally.track(new Set(['api-1', 'api-2']));
  assert.deepEqual(
    Object.fromEntries(tally.served()),
    { 'api-1': 0, 'api-2': 0 },
    'no requests is a sample too',
  );
  tally.add({ seconds: [], served: { 'api-1': 3 } });
  tally.add({ seconds: [], served: { 'api-1': 2, 'api-2': 1 } });
  assert.deepEqual(Object.fromEntries(tally.served()), { 'api-1': 5, 'api-2': 1 });
  tally.track(new Set(['api-2', 'api-3']));
  assert.deepEqual(Object.fromEntries(tally.served()), { 'api-2': 1, 'api-3': 0 });
  tally.track(new Set(['api-1', 'api-2', 'api-3']));
  assert.equal(tally.served().get('api-1'), 0, 'rejoined: counts from 0');
});
