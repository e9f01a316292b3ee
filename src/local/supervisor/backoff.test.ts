import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BackoffPolicy, INITIAL_BACKOFF, KUBERNETES_BACKOFF, nextRestart } from './backoff.ts';

/** Feeds a sequence of run durations and collects the waits. */
function waits(policy: BackoffPolicy, runs: number[]): number[] {
  let state = INITIAL_BACKOFF;
  return runs.map((ranForMs) => {
    const next = nextRestart(state, policy, ranForMs);
    state = next.state;
    return next.delayMs;
  });
}

const s = 1000;
const cases: { name: string; policy: BackoffPolicy; runs: number[]; expected: number[] }[] = [
  {
    name: 'kubelet: immediate, then 10s doubling, capped at 5 min',
    policy: KUBERNETES_BACKOFF,
    runs: Array(10).fill(1 * s),
    expected: [0, 10, 20, 40, 80, 160, 300, 300, 300, 300].map((x) => x * s),
  },
  {
    name: 'a run of resetAfterMs resets the backoff (next restart immediate, then 10s again)',
    policy: KUBERNETES_BACKOFF,
    runs: [s, s, s, 600 * s, s, s],
    expected: [0, 10 * s, 20 * s, 0, 10 * s, 20 * s],
  },
  {
    name: 'a run just short of resetAfterMs does not reset',
    policy: KUBERNETES_BACKOFF,
    runs: [s, s, 600 * s - 1],
    expected: [0, 10 * s, 20 * s],
  },
  {
    name: 'small test policy: 200 ms doubling to 1 s',
    policy: { initialMs: 200, maxMs: 1000, resetAfterMs: 5000 },
    runs: [10, 10, 10, 10, 10, 10],
    expected: [0, 200, 400, 800, 1000, 1000],
  },
  {
    name: 'the cap holds after very many restarts (no overflow)',
    policy: KUBERNETES_BACKOFF,
    runs: Array(2000).fill(s),
    expected: [0, ...Array(1999).fill(0)].map((_, i) =>
      Math.min(300 * s, i === 0 ? 0 : 10 * s * 2 ** (i - 1)),
    ),
  },
];

for (const c of cases) {
  test(`backoff: ${c.name}`, () => {
    assert.deepEqual(waits(c.policy, c.runs), c.expected);
  });
}

test('backoff: the state counts consecutive restarts', () => {
  const policy = KUBERNETES_BACKOFF;
  assert.deepEqual(nextRestart(INITIAL_BACKOFF, policy, 5).state, { consecutive: 1 });
  assert.deepEqual(nextRestart({ consecutive: 4 }, policy, 5).state, { consecutive: 5 });
  assert.deepEqual(nextRestart({ consecutive: 4 }, policy, 600 * s).state, { consecutive: 1 });
});
