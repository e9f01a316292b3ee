import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ReleaseState, startingRelease } from '../../rollout/state.ts';
import type { ClusterRelease } from './release-annotation.ts';
import { HISTORY_LIMIT, historyAfter, revisions } from './release-history.ts';

function ended(
  id: number,
  stable: string,
  version: string,
  status: ReleaseState['status'],
  strategy: ReleaseState['strategy'] = 'rolling',
): ReleaseState {
  return {
    ...startingRelease({ service: 'api', version, stable, strategy, replicas: 2 }, id * 1000),
    id,
    status,
    endedAt: id * 1000 + 500,
  };
}

const cluster = (state: ReleaseState, history: ReleaseState[] = []): ClusterRelease => ({
  state,
  weights: {},
  traffic: 'replica-ratio',
  history,
});

describe('historyAfter', () => {
  it('a first release starts with none', () => assert.deepEqual(historyAfter(undefined), []));
  it('the previous release joins its history, without its measurements', () => {
    const previous = {
      ...ended(2, '1.0', '1.1', 'succeeded'),
      measurements: [{ verdict: 'passed' }] as unknown as ReleaseState['measurements'],
    };
    const history = historyAfter(cluster(previous, [ended(1, '0.9', '1.0', 'succeeded')]));
    assert.deepEqual(
      history.map((r) => [r.id, r.measurements.length]),
      [
        [1, 0],
        [2, 0],
      ],
    );
  });
  it(`keeps the newest ${HISTORY_LIMIT}`, () => {
    const long = Array.from({ length: HISTORY_LIMIT }, (_, i) =>
      ended(i + 1, `${i}`, `${i + 1}`, 'succeeded'),
    );
    const next = historyAfter(cluster(ended(HISTORY_LIMIT + 1, 'x', 'y', 'succeeded'), long));
    assert.equal(next.length, HISTORY_LIMIT);
    assert.equal(next[0]!.id, 2);
    assert.equal(next.at(-1)!.id, HISTORY_LIMIT + 1);
  });
});

describe('revisions', () => {
  it('revisions are the history then the current release', () =>
    assert.deepEqual(
      revisions(cluster(ended(2, '1.1', '1.2', 'succeeded'), [ended(1, '1.0', '1.1', 'succeeded')])).map(
        (r) => r.id,
      ),
      [1, 2],
    ));
});
