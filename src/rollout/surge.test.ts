import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IntOrPercent } from '../spec/units.ts';
import { resolveFenceposts } from './surge.ts';

const pct = (value: number): IntOrPercent => ({ kind: 'percent', value });
const count = (value: number): IntOrPercent => ({ kind: 'count', value });

describe('resolveFenceposts (Kubernetes rounding)', () => {
  const rows: {
    name: string;
    desired: number;
    surge: IntOrPercent;
    unavailable: IntOrPercent;
    expect: [number, number];
  }[] = [
    { name: 'defaults on 10', desired: 10, surge: pct(25), unavailable: pct(25), expect: [3, 2] },
    {
      name: 'defaults on 3: surge rounds up, unavailable down',
      desired: 3,
      surge: pct(25),
      unavailable: pct(25),
      expect: [1, 0],
    },
    { name: 'defaults on 1', desired: 1, surge: pct(25), unavailable: pct(25), expect: [1, 0] },
    { name: 'both zero → unavailable 1', desired: 5, surge: count(0), unavailable: count(0), expect: [0, 1] },
    {
      name: 'percentages rounding to zero → unavailable 1',
      desired: 1,
      surge: pct(0),
      unavailable: pct(50),
      expect: [0, 1],
    },
    {
      name: 'counts are taken as they are',
      desired: 4,
      surge: count(2),
      unavailable: count(1),
      expect: [2, 1],
    },
    { name: '100% surge', desired: 4, surge: pct(100), unavailable: count(0), expect: [4, 0] },
  ];
  for (const row of rows)
    it(row.name, () => {
      const { surge, unavailable } = resolveFenceposts(row.desired, row.surge, row.unavailable);
      assert.deepEqual([surge, unavailable], row.expect);
    });
});
