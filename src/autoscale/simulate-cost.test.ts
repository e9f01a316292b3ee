import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulationCost } from './simulate-cost.ts';

const estimate = {
  totals: { min: 730, max: 1460 },
  provider: 'aws' as const,
  target: 'eks' as const,
  pricing: 'on-demand' as const,
};

describe('simulationCost', () => {
  it('places the period between the min and max monthly estimates by its average replicas', () => {
    // 2 hours at an average of 5.5 replicas, min 3 max 8: fraction (5.5 − 3) / 5 = 0.5;
    // monthly 730 + (1460 − 730) × 0.5 = 1095 → per hour 1095 / 730 = 1.5 → 2 hours = 3.
    const cost = simulationCost(estimate, { min: 3, max: 8 }, 5.5 * 7200, 7200);
    assert.equal(cost.averageReplicas, 5.5);
    assert.equal(cost.fractionAtMax, 0.5);
    assert.equal(cost.total, 3);
    assert.deepEqual(cost.monthly, { min: 730, max: 1460 });
  });

  it('clamps to the bounds and handles min = max', () => {
    // Below min (a run that started under it): the min estimate, 730 / 730 per hour × 1 hour = 1.
    assert.equal(simulationCost(estimate, { min: 3, max: 8 }, 2 * 3600, 3600).total, 1);
    assert.equal(simulationCost(estimate, { min: 3, max: 8 }, 9 * 3600, 3600).total, 2);
    assert.equal(simulationCost(estimate, { min: 4, max: 4 }, 4 * 3600, 3600).fractionAtMax, 0);
  });
});
