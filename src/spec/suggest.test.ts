import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closest, editDistance, suggestion } from './suggest.ts';

describe('editDistance', () => {
  const rows: [string, string, number][] = [
    ['readiness', 'readiness', 0],
    ['readines', 'readiness', 1],
    ['raediness', 'readiness', 1], // one transposition
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ];
  for (const [a, b, d] of rows) it(`${a} ↔ ${b} = ${d}`, () => assert.equal(editDistance(a, b), d));
});

describe('closest', () => {
  it('suggests a near key and refuses far ones', () => {
    const keys = ['liveness', 'readiness', 'startup'];
    assert.equal(closest('readines', keys), 'readiness');
    assert.equal(closest('Startup', keys), 'startup');
    assert.equal(closest('cpu', ['app', 'memory']), undefined);
    assert.equal(closest('xyz', keys), undefined);
  });
  it('words a hint either way', () => {
    assert.equal(suggestion('canery', ['rolling', 'canary']), 'did you mean `canary`?');
    assert.equal(suggestion('zzz', ['dev', 'prod'], 'known'), 'known: dev, prod');
  });
});
