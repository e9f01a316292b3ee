import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_TALLY } from './analysis.ts';
import { observe, releaseState, serviceWith, T0 } from './fixtures.test-support.ts';
import { decide } from './strategy.ts';

const S = 1000;

describe('decide: a release never ends succeeded with fewer ready replicas than the service wants', () => {
  const rows: {
    name: string;
    replicas: number;
    observed: ReturnType<typeof observe>;
    now?: number;
    expect: { status: string; message?: RegExp; replicas?: Record<string, number> };
  }[] = [
    {
      name: 'a rolling release started with 0 replicas (a count not yet set): held, asks for one',
      replicas: 0,
      observed: observe({ v2: { desired: 0, ready: 0, weight: 100 } }),
      expect: {
        status: 'progressing',
        message: /^waiting for 1 more v2 replica\(s\) to be ready before it succeeds$/,
        replicas: { v2: 1 },
      },
    },
    {
      name: 'the bake passed but a replica of 3 went unready: held until it is back',
      replicas: 3,
      observed: observe({ v2: { desired: 3, ready: 2, weight: 100 } }),
      expect: { status: 'progressing', message: /waiting for 1 more v2 replica/ },
    },
    {
      name: 'held past the progress deadline: rolled back, never reported as a success',
      replicas: 3,
      observed: observe({ v2: { desired: 3, ready: 2, weight: 100 } }),
      now: T0 + 601 * S,
      expect: { status: 'rolled-back', message: /not ready within progressDeadlineSeconds \(2\/3 ready\)/ },
    },
    {
      name: 'all 3 ready: succeeded',
      replicas: 3,
      observed: observe({ v2: { desired: 3, ready: 3, weight: 100 } }),
      expect: { status: 'succeeded' },
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const decision = decide({
        state: releaseState('rolling', {
          replicas: row.replicas,
          step: 1,
          baking: true,
          gate: { ...EMPTY_TALLY, passed: 2 },
        }),
        spec: serviceWith('{ strategy: rolling }'),
        observed: row.observed,
        now: row.now ?? T0 + 10 * S,
      });
      assert.equal(decision.state.status, row.expect.status, decision.state.message);
      if (row.expect.message) assert.match(decision.state.message, row.expect.message);
      if (row.expect.replicas) assert.deepEqual(decision.replicas, row.expect.replicas);
    });
});
