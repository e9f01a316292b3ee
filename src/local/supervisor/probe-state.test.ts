import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  availability,
  feed,
  feedCounter,
  initialCounter,
  initialProbes,
  isActive,
  type ProbeKind,
  type ProbeThresholds,
  probeReady,
  resumedProbes,
} from './probe-state.ts';

const t = (successThreshold: number, failureThreshold: number) => ({ successThreshold, failureThreshold });

test('counter: the initial results are startup fail, liveness pass, readiness fail', () => {
  assert.equal(initialCounter('startup').result, false);
  assert.equal(initialCounter('liveness').result, true);
  assert.equal(initialCounter('readiness').result, false);
});

// Each step: 1 = check succeeded, 0 = failed; expected: the reported result after that step.
const counterCases: {
  name: string;
  start: boolean;
  thresholds: [number, number];
  steps: string;
  expected: string;
}[] = [
  { name: 'success 1: the first success flips', start: false, thresholds: [1, 3], steps: '1', expected: '1' },
  {
    name: 'success 3: needs three in a row',
    start: false,
    thresholds: [3, 3],
    steps: '11011',
    expected: '00000',
  },
  { name: 'success 3: three in a row', start: false, thresholds: [3, 3], steps: '0111', expected: '0001' },
  {
    name: 'failure 3: two failures keep it',
    start: true,
    thresholds: [1, 3],
    steps: '00100',
    expected: '11111',
  },
  {
    name: 'failure 3: three in a row flip',
    start: true,
    thresholds: [1, 3],
    steps: '0001',
    expected: '1101',
  },
  {
    name: 'failure 1: the first failure flips',
    start: true,
    thresholds: [1, 1],
    steps: '010',
    expected: '010',
  },
  {
    name: 'success 2 / failure 2: hysteresis both ways',
    start: false,
    thresholds: [2, 2],
    steps: '1101011001',
    expected: '0111111100',
  },
];
for (const c of counterCases) {
  test(`counter: ${c.name}`, () => {
    let counter = { result: c.start, last: null as boolean | null, run: 0 };
    let got = '';
    for (const step of c.steps) {
      counter = feedCounter(counter, step === '1', t(...c.thresholds));
      got += counter.result ? '1' : '0';
    }
    assert.equal(got, c.expected);
  });
}

type Step = [ProbeKind, 0 | 1];
/** After each step: S started, R ready, K:startup / K:liveness a kill, ' ' separated. */
function run(probes: ProbeThresholds, steps: Step[]): string[] {
  let state = initialProbes(probes);
  return steps.map(([kind, ok]) => {
    const result = feed(state, probes, kind, ok === 1);
    state = result.state;
    return [
      state.started ? 'S' : '-',
      probeReady(state) ? 'R' : '-',
      result.kill ? `K:${result.kill}` : '',
      result.started ? '+started' : '',
      result.readinessChanged ? '~ready' : '',
    ]
      .join('')
      .trim();
  });
}

const all = { startup: t(1, 3), liveness: t(1, 3), readiness: t(1, 3) };
const cases: { name: string; probes: ProbeThresholds; steps: Step[]; expected: string[] }[] = [
  {
    name: 'no probes: started and ready at once',
    probes: {},
    steps: [['readiness', 0]],
    expected: ['SR'],
  },
  {
    name: 'startup holds liveness and readiness until it succeeds',
    probes: all,
    steps: [
      ['readiness', 1],
      ['liveness', 0],
      ['liveness', 0],
      ['liveness', 0],
      ['startup', 0],
      ['startup', 1],
      ['readiness', 1],
    ],
    expected: ['--', '--', '--', '--', '--', 'S-+started', 'SR~ready'],
  },
  {
    name: 'startup failing failureThreshold times in a row kills; then everything is on hold',
    probes: all,
    steps: [
      ['startup', 0],
      ['startup', 0],
      ['startup', 0],
      ['startup', 1],
      ['readiness', 1],
    ],
    expected: ['--', '--', '--K:startup', '--', '--'],
  },
  {
    name: 'startup failures need to be consecutive',
    probes: all,
    steps: [
      ['startup', 0],
      ['startup', 0],
      ['startup', 1],
      ['startup', 0],
    ],
    expected: ['--', '--', 'S-+started', 'S-'],
  },
  {
    name: 'without readiness probe: ready once started',
    probes: { startup: t(1, 3) },
    steps: [
      ['startup', 0],
      ['startup', 1],
    ],
    expected: ['--', 'SR+started'],
  },
  {
    name: 'readiness: successThreshold 2 then failureThreshold 3',
    probes: { readiness: t(2, 3) },
    steps: [
      ['readiness', 1],
      ['readiness', 1],
      ['readiness', 0],
      ['readiness', 0],
      ['readiness', 1],
      ['readiness', 0],
      ['readiness', 0],
      ['readiness', 0],
      ['readiness', 1],
    ],
    expected: ['S-', 'SR~ready', 'SR', 'SR', 'SR', 'SR', 'SR', 'S-~ready', 'S-'],
  },
  {
    name: 'readiness failing never kills',
    probes: { readiness: t(1, 1) },
    steps: [
      ['readiness', 0],
      ['readiness', 0],
      ['readiness', 0],
      ['readiness', 0],
    ],
    expected: ['S-', 'S-', 'S-', 'S-'],
  },
  {
    name: 'liveness: failureThreshold consecutive failures kill, then on hold (not ready)',
    probes: { liveness: t(1, 3), readiness: t(1, 3) },
    steps: [
      ['readiness', 1],
      ['liveness', 0],
      ['liveness', 1],
      ['liveness', 0],
      ['liveness', 0],
      ['liveness', 0],
      ['liveness', 0],
      ['readiness', 1],
    ],
    expected: ['SR~ready', 'SR', 'SR', 'SR', 'SR', 'S-K:liveness', 'S-', 'S-'],
  },
  {
    name: 'liveness with failureThreshold 1 kills on the first failure',
    probes: { liveness: t(1, 1) },
    steps: [
      ['liveness', 1],
      ['liveness', 0],
    ],
    expected: ['SR', 'S-K:liveness'],
  },
  {
    name: 'results of probes that are not configured are ignored',
    probes: { startup: t(1, 1) },
    steps: [
      ['liveness', 0],
      ['readiness', 0],
      ['startup', 1],
      ['liveness', 0],
    ],
    expected: ['--', '--', 'SR+started', 'SR'],
  },
];
for (const c of cases) {
  test(`probes: ${c.name}`, () => {
    assert.deepEqual(run(c.probes, c.steps), c.expected);
  });
}

test('probes: isActive runs startup before, liveness and readiness after started', () => {
  const state = initialProbes(all);
  assert.deepEqual(
    (['startup', 'liveness', 'readiness'] as const).map((k) => isActive(state, all, k)),
    [true, false, false],
  );
  const started = feed(state, all, 'startup', true).state;
  assert.deepEqual(
    (['startup', 'liveness', 'readiness'] as const).map((k) => isActive(started, all, k)),
    [false, true, true],
  );
  assert.equal(isActive(started, { liveness: t(1, 3) }, 'readiness'), false);
});

const availabilityCases: {
  readySince: number | null;
  now: number;
  minReadyMs: number;
  expected: ReturnType<typeof availability>;
}[] = [
  { readySince: null, now: 1000, minReadyMs: 0, expected: { ready: false, recheckInMs: null } },
  { readySince: 1000, now: 1000, minReadyMs: 0, expected: { ready: true, recheckInMs: null } },
  { readySince: 1000, now: 1500, minReadyMs: 2000, expected: { ready: false, recheckInMs: 1500 } },
  { readySince: 1000, now: 3000, minReadyMs: 2000, expected: { ready: true, recheckInMs: null } },
];
for (const c of availabilityCases) {
  test(`availability: ready since ${c.readySince}, now ${c.now}, minReady ${c.minReadyMs} ms`, () => {
    assert.deepEqual(availability(c.readySince, c.now, c.minReadyMs), c.expected);
  });
}

test('resumedProbes: an adopted replica that was ready is ready at once; the next check goes through the thresholds', () => {
  const probes: ProbeThresholds = { startup: t(1, 30), readiness: t(1, 3), liveness: t(1, 3) };
  const ready = resumedProbes(probes, { started: true, readinessOk: true, readySince: 1000 });
  assert.equal(probeReady(ready), true);
  assert.equal(isActive(ready, probes, 'startup'), false);
  assert.equal(isActive(ready, probes, 'readiness'), true);
  // failureThreshold 3: two failures keep it ready, the third flips it
  let state = ready;
  for (const expected of [true, true, false]) {
    state = feed(state, probes, 'readiness', false).state;
    assert.equal(probeReady(state), expected);
  }
  const notStarted = resumedProbes(probes, { started: false, readinessOk: false, readySince: null });
  assert.deepEqual(notStarted, initialProbes(probes));
  const notReady = resumedProbes(probes, { started: true, readinessOk: false, readySince: null });
  assert.equal(probeReady(notReady), false);
  assert.equal(isActive(notReady, probes, 'readiness'), true);
  // without probes a running process is started and ready, whatever the snapshot says
  assert.equal(probeReady(resumedProbes({}, { started: false, readinessOk: false, readySince: null })), true);
});
