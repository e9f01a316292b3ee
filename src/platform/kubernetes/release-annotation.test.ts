import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Measurement } from '../../rollout/analysis.ts';
import { releaseState, serviceWith } from '../../rollout/fixtures.test-support.ts';
import {
  ANNOTATION_MEASUREMENTS,
  type ClusterRelease,
  decodeRelease,
  encodeRelease,
} from './release-annotation.ts';

const measurement = (at: number): Measurement => ({
  at,
  version: 'v2',
  verdict: 'passed',
  summary: `success 100.00% at ${at}`,
  requests: 10,
  successRate: 1,
  latencyP95Ms: 12,
  latencyP99Ms: null,
});

const SPEC = serviceWith('{ strategy: canary, steps: [ {weight: 25}, {weight: 100} ] }');

const release: ClusterRelease = {
  state: releaseState('canary', { step: 2, status: 'paused', measurements: [measurement(1)] }),
  request: 'promote',
  revisions: { v1: SPEC, v2: SPEC },
};

describe('release annotation', () => {
  it('round-trips a release, a pending request and the specs its versions run', () => {
    assert.deepEqual(decodeRelease(encodeRelease(release)), { ok: true, value: release });
  });

  it('keeps only the newest verdicts, so the annotation stays small', () => {
    const many = Array.from({ length: 12 }, (_, i) => measurement(i));
    const decoded = decodeRelease(
      encodeRelease({ ...release, state: { ...release.state, measurements: many } }),
    );
    assert.ok(decoded.ok);
    assert.deepEqual(
      decoded.value.state.measurements.map((m) => m.at),
      many.slice(-ANNOTATION_MEASUREMENTS).map((m) => m.at),
    );
  });

  it('leaves request out when there is none', () => {
    const { request: _, ...none } = release;
    const decoded = decodeRelease(encodeRelease(none));
    assert.ok(decoded.ok);
    assert.equal('request' in decoded.value, false);
  });

  const rejected: [name: string, text: string, problem: string][] = [
    ['not JSON', '{oops', 'gantry.dev/release: not JSON'],
    ['a list', '[]', 'gantry.dev/release: the value should be an object'],
    ['no state', '{"request":"promote"}', 'gantry.dev/release: state should be an object'],
    [
      'unknown status',
      encodeRelease(release).replace('"status":"paused"', '"status":"done"'),
      'gantry.dev/release: state.status should be progressing | paused | succeeded | rolled-back | aborted',
    ],
    [
      'a revision that is no spec',
      encodeRelease({ ...release, revisions: { v2: 'latest' as unknown as typeof SPEC } }),
      'gantry.dev/release: revisions.v2 should be a service spec',
    ],
    [
      'unknown request',
      encodeRelease(release).replace('"request":"promote"', '"request":"ship-it"'),
      'gantry.dev/release: request should be promote | promote-full | abort',
    ],
    [
      'a history entry without its revision',
      encodeRelease({ ...release, history: [{ ...release.state, id: 'one' as unknown as number }] }),
      'gantry.dev/release: history[0].id should be a number',
    ],
  ];
  it('reads an annotation written before revisions were kept (weights and traffic are dropped)', () => {
    const old = JSON.stringify({ state: release.state, weights: { v1: 100 }, traffic: 'gateway' });
    assert.deepEqual(decodeRelease(old), { ok: true, value: { state: release.state } });
  });

  for (const [name, text, problem] of rejected)
    it(`names the wrong field: ${name}`, () => {
      const decoded = decodeRelease(text);
      assert.equal(decoded.ok, false);
      assert.ok(!decoded.ok && decoded.problem.startsWith(problem), !decoded.ok ? decoded.problem : '');
    });
});
