import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ReleaseState, startingRelease } from '../../rollout/state.ts';
import type { ClusterRelease } from './release-annotation.ts';
import { HISTORY_LIMIT, historyAfter, revisions, rollbackTarget } from './release-history.ts';

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

describe('rollbackTarget', () => {
  const rows: [
    name: string,
    all: ReleaseState[],
    toRevision: number | undefined,
    expected: ReturnType<typeof rollbackTarget>,
  ][] = [
    ['no release yet', [], undefined, { ok: false, problem: 'no release on the cluster yet' }],
    [
      'after a success: the version it replaced',
      [ended(1, '1.0', '1.1', 'succeeded')],
      undefined,
      { ok: true, version: '1.0', revision: 1 },
    ],
    [
      'after a rolled-back release: the version before the one still running',
      [ended(1, '1.0', '1.1', 'succeeded'), ended(2, '1.1', '1.2', 'rolled-back')],
      undefined,
      { ok: true, version: '1.0', revision: 1 },
    ],
    [
      'a second rollback undoes the first',
      [ended(1, '1.0', '1.1', 'succeeded'), ended(2, '1.1', '1.0', 'succeeded', 'rollback')],
      undefined,
      { ok: true, version: '1.1', revision: 2 },
    ],
    [
      'only a failed release: nothing earlier is known to have run',
      [ended(1, '1.0', '1.1', 'aborted')],
      undefined,
      { ok: false, problem: 'no earlier version than 1.0 in the release history' },
    ],
    [
      '--to-revision: that revision’s version',
      [ended(1, '1.0', '1.1', 'succeeded'), ended(2, '1.1', '1.2', 'succeeded')],
      1,
      { ok: true, version: '1.1', revision: 1 },
    ],
    [
      '--to-revision of the running version',
      [ended(1, '1.0', '1.1', 'succeeded')],
      1,
      { ok: false, problem: 'revision 1 is 1.1, which already runs' },
    ],
    [
      '--to-revision not kept',
      [ended(5, '1.0', '1.1', 'succeeded')],
      2,
      { ok: false, problem: 'no revision 2 in the last 1 (revisions 5)' },
    ],
  ];
  for (const [name, all, toRevision, expected] of rows)
    it(name, () => assert.deepEqual(rollbackTarget(all, toRevision), expected));

  it('revisions are the history then the current release', () =>
    assert.deepEqual(
      revisions(cluster(ended(2, '1.1', '1.2', 'succeeded'), [ended(1, '1.0', '1.1', 'succeeded')])).map(
        (r) => r.id,
      ),
      [1, 2],
    ));
});
