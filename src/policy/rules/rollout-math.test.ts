import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replicasOf } from '../object-set.ts';
import { deploymentFenceposts, percentOf, scaled } from './rollout-math.ts';

describe('replicasOf', () => {
  const rows: [string, unknown, number | undefined][] = [
    ['missing means 1', {}, 1],
    ['null means 1', { replicas: null }, 1],
    ['a number', { replicas: 3 }, 3],
    ['zero', { replicas: 0 }, 0],
    ['a string is malformed', { replicas: '3' }, undefined],
    ['a fraction is malformed', { replicas: 1.5 }, undefined],
    ['a negative number is malformed', { replicas: -1 }, undefined],
  ];
  for (const [name, spec, expected] of rows)
    it(name, () => assert.equal(replicasOf({ kind: 'Deployment', spec }), expected));
  it('no spec means 1', () => assert.equal(replicasOf({ kind: 'Deployment' }), 1));
});

describe('scaled: IntOrString against a total', () => {
  const rows: [string, unknown, number, boolean, number | undefined][] = [
    ['an int is itself', 2, 10, false, 2],
    ['25% of 10 rounded down', '25%', 10, false, 2],
    ['25% of 10 rounded up', '25%', 10, true, 3],
    ['25% of 3 rounded down', '25%', 3, false, 0],
    ['25% of 3 rounded up', '25%', 3, true, 1],
    ['100% of 4', '100%', 4, false, 4],
    ['99% of 4 rounded down', '99%', 4, false, 3],
    ['a number in a string is malformed', '2', 10, false, undefined],
    ['a fractional percent is malformed', '2.5%', 10, false, undefined],
    ['a negative int is malformed', -1, 10, false, undefined],
    ['null is malformed', null, 10, false, undefined],
  ];
  for (const [name, value, total, roundUp, expected] of rows)
    it(name, () => assert.equal(scaled(value, total, roundUp), expected));
  it('percentOf reads only integer percentages', () => {
    assert.equal(percentOf('100%'), 100);
    assert.equal(percentOf(' 50% '), 50);
    assert.equal(percentOf('50'), undefined);
    assert.equal(percentOf(50), undefined);
  });
});

describe('deploymentFenceposts', () => {
  const rows: [string, number, unknown, unknown, { maxSurge: number; maxUnavailable: number } | undefined][] =
    [
      [
        'defaults, 3 replicas: surge rounds up, unavailable down',
        3,
        undefined,
        undefined,
        { maxSurge: 1, maxUnavailable: 0 },
      ],
      ['defaults, 1 replica', 1, undefined, undefined, { maxSurge: 1, maxUnavailable: 0 }],
      ['defaults, 8 replicas', 8, undefined, undefined, { maxSurge: 2, maxUnavailable: 2 }],
      ['both 0 resolve to unavailable 1', 1, 0, 0, { maxSurge: 0, maxUnavailable: 1 }],
      ['0% and 0% as well', 5, '0%', '0%', { maxSurge: 0, maxUnavailable: 1 }],
      ['100% unavailable', 4, undefined, '100%', { maxSurge: 1, maxUnavailable: 4 }],
      ['ints are taken as written', 2, 1, 3, { maxSurge: 1, maxUnavailable: 3 }],
      ['malformed surge', 2, 'lots', 1, undefined],
    ];
  for (const [name, replicas, surge, unavailable, expected] of rows)
    it(name, () => assert.deepEqual(deploymentFenceposts(replicas, surge, unavailable), expected));
});
