import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rollbackTarget } from './history.ts';
import { type ReleaseState, startingRelease } from './state.ts';

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

describe('rollbackTarget', () => {
  const rows: [
    name: string,
    all: ReleaseState[],
    toRevision: number | undefined,
    expected: ReturnType<typeof rollbackTarget>,
  ][] = [
    ['no release yet', [], undefined, { ok: false, problem: 'no release yet' }],
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
});
