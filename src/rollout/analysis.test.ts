import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VersionMetrics } from '../platform/platform.ts';
import { type EffectiveAnalysis, effectiveAnalysis } from '../spec/model.ts';
import { EMPTY_TALLY, judge, type Measurement, type Tally, tally, type Verdict } from './analysis.ts';

const AT = 1_700_000_000_000;
const DEFAULTS = effectiveAnalysis(undefined);

function metrics(
  requests: number,
  successRate: number | null,
  p95: number | null,
  p99 = p95,
): VersionMetrics {
  return {
    windowSeconds: 5,
    requests,
    errors: successRate === null ? 0 : Math.round(requests * (1 - successRate)),
    successRate,
    requestsPerSecond: requests / 5,
    latencyP50Ms: p95 === null ? null : p95 / 2,
    latencyP95Ms: p95,
    latencyP99Ms: p99,
  };
}

describe('judge: verdicts', () => {
  const rows: {
    name: string;
    metrics: VersionMetrics | Error;
    thresholds?: EffectiveAnalysis;
    verdict: Verdict;
  }[] = [
    { name: 'every threshold met → passed', metrics: metrics(100, 1, 50), verdict: 'passed' },
    {
      name: 'success rate exactly at the threshold → passed',
      metrics: metrics(100, 0.99, 50),
      verdict: 'passed',
    },
    { name: 'p95 exactly at the threshold → passed', metrics: metrics(100, 1, 200), verdict: 'passed' },
    { name: 'success rate below → failed', metrics: metrics(100, 0.95, 50), verdict: 'failed' },
    { name: 'p95 above → failed', metrics: metrics(100, 1, 250), verdict: 'failed' },
    {
      name: 'p99 above, no latencyP99Ms set → not checked: passed',
      metrics: metrics(100, 1, 150, 900),
      verdict: 'passed',
    },
    {
      name: 'p99 above latencyP99Ms → failed',
      metrics: metrics(100, 1, 150, 900),
      thresholds: effectiveAnalysis({ latencyP99Ms: 500 }),
      verdict: 'failed',
    },
    {
      name: 'p99 within latencyP99Ms → passed',
      metrics: metrics(100, 1, 150, 400),
      thresholds: effectiveAnalysis({ latencyP99Ms: 500 }),
      verdict: 'passed',
    },
    {
      name: 'p99 unknown (null) with latencyP99Ms set → not held against it',
      metrics: metrics(100, 1, 150, null),
      thresholds: effectiveAnalysis({ latencyP99Ms: 500 }),
      verdict: 'passed',
    },
    {
      name: '19 requests < minRequests 20 → inconclusive',
      metrics: metrics(19, 0.5, 900),
      verdict: 'inconclusive',
    },
    { name: 'exactly minRequests → judged', metrics: metrics(20, 1, 50), verdict: 'passed' },
    { name: 'no requests at all → inconclusive', metrics: metrics(0, null, null), verdict: 'inconclusive' },
    {
      name: 'a step overriding minRequests',
      metrics: metrics(40, 1, 50),
      thresholds: effectiveAnalysis({ minRequests: 10 }, { minRequests: 50 }),
      verdict: 'inconclusive',
    },
    {
      name: 'requests but no success rate (a source answered NaN) → inconclusive, never passed',
      metrics: metrics(100, null, 50),
      verdict: 'inconclusive',
    },
    {
      name: 'requests but no p95 (an empty histogram) → inconclusive, never passed',
      metrics: metrics(100, 1, null),
      verdict: 'inconclusive',
    },
    {
      name: 'a missed success rate fails even when p95 has no data',
      metrics: metrics(100, 0.5, null),
      verdict: 'failed',
    },
    {
      name: 'the metrics could not be read → error',
      metrics: new Error('connection refused'),
      verdict: 'error',
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const m = judge('v2', row.metrics, row.thresholds ?? DEFAULTS, AT);
      assert.equal(m.verdict, row.verdict, m.summary);
      assert.equal(m.version, 'v2');
      assert.equal(m.at, AT);
    });
});

describe('judge: the one-line summary', () => {
  const rows: {
    name: string;
    metrics: VersionMetrics | Error;
    thresholds?: EffectiveAnalysis;
    summary: string;
  }[] = [
    {
      name: 'failed on success rate',
      metrics: metrics(100, 0.95, 50),
      summary: 'success rate 95.00% < 99.00% (100 requests)',
    },
    { name: 'failed on p95', metrics: metrics(120, 1, 250.4), summary: 'p95 250ms > 200ms (120 requests)' },
    {
      name: 'failed on success rate and p95: both named, in that order',
      metrics: metrics(100, 0.9, 300),
      summary: 'success rate 90.00% < 99.00%, p95 300ms > 200ms (100 requests)',
    },
    {
      name: 'failed on p99',
      metrics: metrics(100, 1, 150, 712.6),
      thresholds: effectiveAnalysis({ latencyP99Ms: 500 }),
      summary: 'p99 713ms > 500ms (100 requests)',
    },
    {
      name: 'a threshold above 99.9% keeps two decimals',
      metrics: metrics(1000, 0.998, 50),
      thresholds: effectiveAnalysis({ successRate: 0.9995 }),
      summary: 'success rate 99.80% < 99.95% (1000 requests)',
    },
    {
      name: 'passed',
      metrics: metrics(100, 1, 42),
      summary: 'success rate 100.00% ≥ 99.00%, p95 42ms ≤ 200ms (100 requests)',
    },
    {
      name: 'inconclusive',
      metrics: metrics(3, 1, 42),
      summary: '3 requests < minRequests 20: too few to judge',
    },
    {
      name: 'no data for a rate or quantile',
      metrics: metrics(40, null, null),
      summary: 'no data for success rate and p95 (40 requests): cannot judge',
    },
    {
      name: 'error',
      metrics: new Error('connection refused'),
      summary: 'measurement failed: connection refused',
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      assert.equal(judge('v2', row.metrics, row.thresholds ?? DEFAULTS, AT).summary, row.summary);
    });

  it('an error carries no numbers', () => {
    const m = judge('v2', new Error('timeout'), DEFAULTS, AT);
    assert.deepEqual([m.requests, m.successRate, m.latencyP95Ms, m.latencyP99Ms], [0, null, null, null]);
  });

  it('a judged measurement carries the metrics it was judged on', () => {
    const m = judge('v2', metrics(100, 0.95, 250, 300), DEFAULTS, AT);
    assert.deepEqual([m.requests, m.successRate, m.latencyP95Ms, m.latencyP99Ms], [100, 0.95, 250, 300]);
  });

  // Rounding to one decimal used to print the same number on both sides of `<`.
  it('a failed summary never reads like "99.0% < 99.0%" or "200ms > 200ms"', () => {
    assert.doesNotMatch(judge('v2', metrics(10000, 0.9896, 50), DEFAULTS, AT).summary, /99\.0% < 99\.0%/);
    assert.doesNotMatch(judge('v2', metrics(100, 1, 200.4), DEFAULTS, AT).summary, /200ms > 200ms/);
  });

  it('no requests with minRequests 0 is not a pass ("silence is never success")', () => {
    const m = judge('v2', metrics(0, null, null), effectiveAnalysis({ minRequests: 0 }), AT);
    assert.notEqual(m.verdict, 'passed', m.summary);
  });
});

const measurement = (verdict: Verdict): Measurement => ({
  at: AT,
  version: 'v2',
  verdict,
  summary: verdict,
  requests: 100,
  successRate: 1,
  latencyP95Ms: 10,
  latencyP99Ms: 10,
});

/** Tallies the verdicts in order and returns the outcome after each. */
function run(verdicts: Verdict[], thresholds: EffectiveAnalysis, from: Tally = EMPTY_TALLY) {
  let current = from;
  const outcomes: string[] = [];
  for (const verdict of verdicts) {
    const next = tally(current, measurement(verdict), thresholds);
    current = next.tally;
    outcomes.push(next.outcome);
  }
  return { outcomes, tally: current };
}

describe('tally: when a run of measurements fails, cannot judge or goes on', () => {
  const P = 'passed' as const;
  const F = 'failed' as const;
  const E = 'error' as const;
  const I = 'inconclusive' as const;
  const rows: { name: string; thresholds?: EffectiveAnalysis; verdicts: Verdict[]; outcomes: string[] }[] = [
    { name: 'passes go on', verdicts: [P, P, P], outcomes: ['continue', 'continue', 'continue'] },
    { name: 'failureLimit 0 (default): the first failure fails', verdicts: [F], outcomes: ['fail'] },
    {
      name: 'failureLimit 0: after passes, the first failure still fails',
      verdicts: [P, P, F],
      outcomes: ['continue', 'continue', 'fail'],
    },
    {
      name: 'failureLimit 1: the second failure fails',
      thresholds: effectiveAnalysis({ failureLimit: 1 }),
      verdicts: [F, F],
      outcomes: ['continue', 'fail'],
    },
    {
      name: 'failureLimit 1: failures count in total, not in a row',
      thresholds: effectiveAnalysis({ failureLimit: 1 }),
      verdicts: [F, P, P, F],
      outcomes: ['continue', 'continue', 'continue', 'fail'],
    },
    {
      name: 'consecutiveErrorLimit 4 (default): four errors in a row go on, the fifth fails',
      verdicts: [E, E, E, E, E],
      outcomes: ['continue', 'continue', 'continue', 'continue', 'fail'],
    },
    {
      name: 'consecutiveErrorLimit 0: the first error fails',
      thresholds: effectiveAnalysis({ consecutiveErrorLimit: 0 }),
      verdicts: [E],
      outcomes: ['fail'],
    },
    {
      name: 'a pass resets the errors in a row',
      verdicts: [E, E, E, E, P, E, E, E, E],
      outcomes: Array(9).fill('continue'),
    },
    {
      name: 'an inconclusive measurement also breaks a run of errors',
      verdicts: [E, E, E, E, I, E, E, E, E],
      outcomes: Array(9).fill('continue'),
    },
    {
      name: 'inconclusiveLimit 12 (default): eleven in a row go on, the twelfth is inconclusive',
      verdicts: Array(12).fill(I),
      outcomes: [...Array(11).fill('continue'), 'inconclusive'],
    },
    {
      name: 'inconclusiveLimit 3: the third in a row is inconclusive, and stays so while no data comes',
      thresholds: effectiveAnalysis({ inconclusiveLimit: 3 }),
      verdicts: [I, I, I, I],
      outcomes: ['continue', 'continue', 'inconclusive', 'inconclusive'],
    },
    {
      name: 'a pass resets the inconclusive run',
      thresholds: effectiveAnalysis({ inconclusiveLimit: 3 }),
      verdicts: [I, I, P, I, I],
      outcomes: Array(5).fill('continue'),
    },
    {
      name: 'an error resets the inconclusive run too',
      thresholds: effectiveAnalysis({ inconclusiveLimit: 3 }),
      verdicts: [I, I, E, I, I],
      outcomes: Array(5).fill('continue'),
    },
    {
      name: 'inconclusiveLimit 1: the first inconclusive is inconclusive',
      thresholds: effectiveAnalysis({ inconclusiveLimit: 1 }),
      verdicts: [I],
      outcomes: ['inconclusive'],
    },
    {
      name: 'fail wins over inconclusive',
      thresholds: effectiveAnalysis({ inconclusiveLimit: 1 }),
      verdicts: [F],
      outcomes: ['fail'],
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      assert.deepEqual(run(row.verdicts, row.thresholds ?? DEFAULTS).outcomes, row.outcomes);
    });

  it('counts each kind', () => {
    const { tally: t } = run(
      ['passed', 'inconclusive', 'passed', 'error', 'error'],
      effectiveAnalysis({ failureLimit: 5 }),
    );
    assert.deepEqual(t, { passed: 2, failed: 0, consecutiveErrors: 2, consecutiveInconclusive: 0 });
  });

  it('does not change the tally it is given (EMPTY_TALLY is shared)', () => {
    const before = structuredClone(EMPTY_TALLY);
    run(['passed', 'failed', 'error', 'inconclusive'], effectiveAnalysis({ failureLimit: 5 }));
    assert.deepEqual(EMPTY_TALLY, before);
  });
});
