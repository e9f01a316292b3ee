import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceWith } from './fixtures.test-support.ts';
import { bakeMeasurements, canarySteps, stepLabels } from './steps.ts';

const labels = (release: string, strategy: 'canary' | 'rolling' | 'blue-green' = 'canary') =>
  stepLabels(strategy, serviceWith(release).release);

describe('canarySteps and stepLabels: every weight analysed before the next, then the bake', () => {
  const rows: { name: string; release: string; expect: string[] }[] = [
    {
      name: 'no steps: the default canary, 10 → 25 → 50 → 100, each weight analysed',
      release: '{ strategy: canary }',
      expect: ['10%', 'analysis', '25%', 'analysis', '50%', 'analysis', '100%', 'bake'],
    },
    {
      name: 'an analysis goes before the next weight, after a pause',
      release: '{ strategy: canary, steps: [ {weight: 10}, {pause: 30s}, {weight: 50}, {weight: 100} ] }',
      expect: ['10%', 'pause 30s', 'analysis', '50%', 'analysis', '100%', 'bake'],
    },
    {
      name: 'an analysis step since the last weight already measures it: nothing added',
      release: '{ strategy: canary, steps: [ {weight: 50}, {analysis: {}}, {pause: {}}, {weight: 100} ] }',
      expect: ['50%', 'analysis', 'pause (promote)', '100%', 'bake'],
    },
    {
      name: 'a pause before the first weight: nothing to measure there',
      release: '{ strategy: canary, steps: [ {pause: 1m}, {weight: 100} ] }',
      expect: ['pause 1m', '100%', 'bake'],
    },
    {
      name: 'a single weight of 100: only the bake measures it',
      release: '{ strategy: canary, steps: [ {weight: 100} ] }',
      expect: ['100%', 'bake'],
    },
    {
      name: 'analysis switched off: the steps as written, no bake',
      release: '{ strategy: canary, steps: [ {weight: 10}, {weight: 100} ], analysis: { enabled: false } }',
      expect: ['10%', '100%'],
    },
    {
      name: 'analysis switched off, no steps: the default weights, unanalysed',
      release: '{ strategy: canary, analysis: { enabled: false } }',
      expect: ['10%', '25%', '50%', '100%'],
    },
  ];
  for (const row of rows) it(row.name, () => assert.deepEqual(labels(row.release), row.expect));

  it('rolling: roll out, then the bake', () =>
    assert.deepEqual(labels('{ strategy: rolling }', 'rolling'), ['roll out', 'bake']));
  it('blue-green: its phases, the bake last', () =>
    assert.deepEqual(labels('{ strategy: blue-green }', 'blue-green'), [
      'scale-up',
      'smoke',
      'pre-promotion analysis',
      'promotion',
      'bake',
    ]));
  it('the added analysis steps carry no thresholds of their own (the release’s apply)', () =>
    assert.deepEqual(canarySteps(serviceWith('{ strategy: canary }').release)[1], { analysis: {} }));
});

describe('bakeMeasurements: ⌈bakeSeconds / intervalSeconds⌉, bakeSeconds defaulting to two intervals', () => {
  const rows: { name: string; release: string; expect: number }[] = [
    { name: 'defaults: 2 × 5 s → 2', release: '{}', expect: 2 },
    { name: 'interval 2 s, no bakeSeconds → 2', release: '{ analysis: { intervalSeconds: 2 } }', expect: 2 },
    { name: 'bakeSeconds 30 at 5 s → 6', release: '{ bakeSeconds: 30 }', expect: 6 },
    { name: 'bakeSeconds 12 at 5 s → 3 (rounds up)', release: '{ bakeSeconds: 12 }', expect: 3 },
    { name: 'bakeSeconds 1 at 5 s → 1 (never 0)', release: '{ bakeSeconds: 1 }', expect: 1 },
    { name: 'analysis switched off → 0', release: '{ analysis: { enabled: false } }', expect: 0 },
  ];
  for (const row of rows)
    it(row.name, () => assert.equal(bakeMeasurements(serviceWith(row.release).release), row.expect));
});
