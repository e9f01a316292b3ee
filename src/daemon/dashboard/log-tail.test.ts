import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replicaId, takeLines } from './log-tail.ts';

test('replicaId: a number or service-N; anything else (paths, other services) is refused', () => {
  assert.equal(replicaId('api', '2'), 'api-2');
  assert.equal(replicaId('api', 'api-12'), 'api-12');
  for (const bad of ['../x', 'api-', 'api-1/../../x', 'web-1', 'api-1a', ''])
    assert.equal(replicaId('api', bad), undefined, bad);
});

test('takeLines: whole lines only; the unfinished one waits, even when it splits a UTF-8 character', () => {
  const bytes = Buffer.from('one\r\ntwo\nthré');
  const first = takeLines(Buffer.alloc(0), bytes.subarray(0, bytes.length - 1));
  assert.deepEqual(first.lines, ['one', 'two']);
  const second = takeLines(
    first.pending,
    Buffer.concat([bytes.subarray(bytes.length - 1), Buffer.from('e\n')]),
  );
  assert.deepEqual(second.lines, ['thrée']);
  assert.equal(second.pending.length, 0);
});
