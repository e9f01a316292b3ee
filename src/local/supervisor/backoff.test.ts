import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type BackoffPolicy,
  INITIAL_BACKOFF,
  KUBERNETES_BACKOFF,
  LOCAL_BACKOFF,
  nextRestart,
  REDUCED_BACKOFF,
  type RunRecord,
} from './backoff.ts';

const s = 1000;

/** Feeds a sequence of runs ([ran, readyFor] in ms, or just ran) and collects the waits. */
function waits(policy: BackoffPolicy, runs: (number | [number, number])[]): number[] {
  let state = INITIAL_BACKOFF;
  return runs.map((entry) => {
    const run: RunRecord = Array.isArray(entry)
      ? { ranForMs: entry[0], readyForMs: entry[1] }
      : { ranForMs: entry, readyForMs: 0 };
    const next = nextRestart(state, policy, run);
    state = next.state;
    return next.delayMs;
  });
}

const cases: {
  name: string;
  policy: BackoffPolicy;
  runs: (number | [number, number])[];
  expected: number[];
}[] = [
  {
    name: 'kubelet: immediate, then 10s doubling, capped at 5 min',
    policy: KUBERNETES_BACKOFF,
    runs: Array(10).fill(1 * s),
    expected: [0, 10, 20, 40, 80, 160, 300, 300, 300, 300].map((x) => x * s),
  },
  {
    name: 'KEP-4603: immediate, then 1s doubling, capped at 60 s',
    policy: REDUCED_BACKOFF,
    runs: Array(10).fill(1 * s),
    expected: [0, 1, 2, 4, 8, 16, 32, 60, 60, 60].map((x) => x * s),
  },
  {
    name: 'a run of 10 minutes resets the back-off (next restart immediate, then the curve again)',
    policy: REDUCED_BACKOFF,
    runs: [s, s, s, 600 * s, s, s],
    expected: [0, 1 * s, 2 * s, 0, 1 * s, 2 * s],
  },
  {
    name: 'a run just short of 10 minutes does not reset',
    policy: REDUCED_BACKOFF,
    runs: [s, s, 600 * s - 1],
    expected: [0, 1 * s, 2 * s],
  },
  {
    name: 'the kubelet ignores readiness: ready for 5 min does not reset',
    policy: KUBERNETES_BACKOFF,
    runs: [
      [s, 0],
      [301 * s, 300 * s],
    ],
    expected: [0, 10 * s],
  },
  {
    name: 'local: ready for 1 s resets; each crash after serving restarts at once',
    policy: LOCAL_BACKOFF,
    runs: [
      [3 * s, 2 * s],
      [3 * s, 2 * s],
      [3 * s, 1 * s],
    ],
    expected: [0, 0, 0],
  },
  {
    name: 'local: never ready (a crash loop) backs off along KEP-4603',
    policy: LOCAL_BACKOFF,
    runs: [
      [s, 0],
      [s, 0],
      [s, 0],
      [s, 0],
    ],
    expected: [0, 1 * s, 2 * s, 4 * s],
  },
  {
    name: 'local: ready for less than 1 s does not reset; ready for 1 s afterwards does',
    policy: LOCAL_BACKOFF,
    runs: [
      [s, 0],
      [2 * s, 999],
      [2 * s, 999],
      [5 * s, 1000],
      [s, 0],
    ],
    expected: [0, 1 * s, 2 * s, 0, 1 * s],
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
  const policy = REDUCED_BACKOFF;
  const run = (ranForMs: number, readyForMs = 0) => ({ ranForMs, readyForMs });
  assert.deepEqual(nextRestart(INITIAL_BACKOFF, policy, run(5)).state, { consecutive: 1 });
  assert.deepEqual(nextRestart({ consecutive: 4 }, policy, run(5)).state, { consecutive: 5 });
  assert.deepEqual(nextRestart({ consecutive: 4 }, policy, run(600 * s)).state, { consecutive: 1 });
  assert.deepEqual(nextRestart({ consecutive: 4 }, LOCAL_BACKOFF, run(2 * s, s)).state, { consecutive: 1 });
});
