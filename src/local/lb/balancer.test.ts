import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Balancer, fnv1a } from './balancer.ts';

type B = { id: string; version: string };

function backends(spec: Record<string, number>): B[] {
  return Object.entries(spec).flatMap(([version, n]) =>
    Array.from({ length: n }, (_, i) => ({ id: `${version}-${i}`, version })),
  );
}

/** Picks n times, releasing each request at once; counts by version and by backend id. */
function run(balancer: Balancer<B>, n: number, key?: (i: number) => string) {
  const versions: Record<string, number> = {};
  const ids: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const slot = balancer.pick(0, key?.(i));
    assert.ok(slot);
    versions[slot.backend.version] = (versions[slot.backend.version] ?? 0) + 1;
    ids[slot.backend.id] = (ids[slot.backend.id] ?? 0) + 1;
  }
  return { versions, ids };
}

const splits: {
  name: string;
  replicas: Record<string, number>;
  weights: Record<string, number> | null;
  picks: number;
  expect: Record<string, number>;
}[] = [
  {
    name: '90/10 over 1000',
    replicas: { v1: 2, v2: 1 },
    weights: { v1: 90, v2: 10 },
    picks: 1000,
    expect: { v1: 900, v2: 100 },
  },
  {
    name: '1% canary over 100',
    replicas: { v1: 3, v2: 1 },
    weights: { v1: 99, v2: 1 },
    picks: 100,
    expect: { v1: 99, v2: 1 },
  },
  {
    name: '50/50 over 10',
    replicas: { a: 1, b: 1 },
    weights: { a: 50, b: 50 },
    picks: 10,
    expect: { a: 5, b: 5 },
  },
  {
    name: 'three ways 20/30/50',
    replicas: { a: 1, b: 2, c: 1 },
    weights: { a: 20, b: 30, c: 50 },
    picks: 1000,
    expect: { a: 200, b: 300, c: 500 },
  },
  {
    name: 'unlisted version gets 0',
    replicas: { v1: 1, v2: 1 },
    weights: { v1: 100 },
    picks: 50,
    expect: { v1: 50 },
  },
  {
    name: 'no weights yet: by backend count',
    replicas: { v1: 3, v2: 1 },
    weights: null,
    picks: 400,
    expect: { v1: 300, v2: 100 },
  },
  {
    name: 'renormalised: weighted version without backends',
    replicas: { v1: 2 },
    weights: { v1: 90, v2: 10 },
    picks: 100,
    expect: { v1: 100 },
  },
  {
    name: 'renormalised over the rest',
    replicas: { a: 1, c: 1 },
    weights: { a: 30, b: 40, c: 30 },
    picks: 100,
    expect: { a: 50, c: 50 },
  },
  {
    name: 'only unweighted versions ready: spread by count',
    replicas: { v1: 2 },
    weights: { v2: 100 },
    picks: 10,
    expect: { v1: 10 },
  },
];

for (const c of splits) {
  test(`split: ${c.name}`, () => {
    const b = new Balancer<B>();
    b.setBackends(backends(c.replicas));
    if (c.weights) b.setWeights(c.weights);
    assert.deepEqual(run(b, c.picks).versions, c.expect);
  });
}

test('split is exact in every window of 10 picks at 90/10 (smooth, not bursty)', () => {
  const b = new Balancer<B>();
  b.setBackends(backends({ v1: 1, v2: 1 }));
  b.setWeights({ v1: 90, v2: 10 });
  for (let w = 0; w < 10; w++) assert.deepEqual(run(b, 10).versions, { v1: 9, v2: 1 });
});

test('no backends: pick is undefined', () => {
  const b = new Balancer<B>();
  assert.equal(b.pick(0), undefined);
  b.setWeights({ v1: 100 });
  assert.equal(b.pick(0), undefined);
  assert.equal(b.empty, true);
});

test('equal load: round-robin over a version’s backends', () => {
  const b = new Balancer<B>();
  b.setBackends(backends({ v1: 3 }));
  assert.deepEqual(run(b, 9).ids, { 'v1-0': 3, 'v1-1': 3, 'v1-2': 3 });
});

test('least outstanding: a busy backend gets no new request until the others catch up', () => {
  const b = new Balancer<B>();
  b.setBackends(backends({ v1: 3 }));
  const held = [b.pick(0)!, b.pick(0)!, b.pick(0)!];
  for (const s of held) s.outstanding++;
  held[0]!.outstanding += 5; // v1-0 is slow
  const picked: string[] = [];
  for (let i = 0; i < 4; i++) {
    const s = b.pick(0)!;
    s.outstanding++;
    picked.push(s.backend.id);
  }
  assert.ok(!picked.includes('v1-0'), picked.join());
  assert.deepEqual(picked.sort(), ['v1-1', 'v1-1', 'v1-2', 'v1-2']);
});

test('markDown: skipped until the time passes, used when it is the only one', () => {
  const b = new Balancer<B>();
  b.setBackends(backends({ v1: 2 }));
  const first = b.pick(0)!;
  b.markDown(first, 1000);
  for (let i = 0; i < 4; i++) assert.notEqual(b.pick(10)!.backend.id, first.backend.id);
  assert.equal(run(b, 0).versions && b.pick(1000)!.backend.id !== undefined, true);
  const only = new Balancer<B>();
  only.setBackends(backends({ v1: 1 }));
  only.markDown(only.pick(0)!, 1000);
  assert.equal(only.pick(10)?.backend.id, 'v1-0');
});

test('pickRetry: another backend of the same version first, else another version, else none', () => {
  const b = new Balancer<B>();
  b.setBackends(backends({ v1: 2, v2: 1 }));
  b.setWeights({ v1: 50, v2: 50 });
  const v1 = b.pick(0)!;
  assert.equal(v1.backend.version, 'v1');
  assert.equal(b.pickRetry(v1, 0)?.backend.version, 'v1');
  assert.notEqual(b.pickRetry(v1, 0)?.backend.id, v1.backend.id);
  const v2 = b.pick(0)!;
  assert.equal(v2.backend.version, 'v2');
  assert.equal(b.pickRetry(v2, 0)?.backend.version, 'v1');
  const single = new Balancer<B>();
  single.setBackends(backends({ v1: 1 }));
  assert.equal(single.pickRetry(single.pick(0)!, 0), undefined);
});

test('setBackends keeps the outstanding count of a backend that stays', () => {
  const b = new Balancer<B>();
  b.setBackends(backends({ v1: 2 }));
  const s = b.pick(0)!;
  s.outstanding = 7;
  b.setBackends(backends({ v1: 3 }));
  const again = [b.pick(0)!, b.pick(0)!, b.pick(0)!].find((x) => x.backend.id === s.backend.id);
  assert.equal(again, undefined, 'the busy backend is not picked while others are idle');
  assert.equal(s.outstanding, 7);
});

test('stickiness: the same key always lands on the same version; keys split roughly by weight', () => {
  const b = new Balancer<B>();
  b.setBackends(backends({ v1: 1, v2: 1 }));
  b.setWeights({ v1: 80, v2: 20 });
  for (const key of ['alice', 'bob', 'carol', 'dave']) {
    const first = b.pick(0, key)!.backend.version;
    for (let i = 0; i < 20; i++) assert.equal(b.pick(0, key)!.backend.version, first, key);
  }
  const { versions } = run(b, 5000, (i) => `user-${i}`);
  assert.ok(versions.v2! > 800 && versions.v2! < 1200, JSON.stringify(versions));
  // Sticky picks do not disturb the exact split of the others.
  assert.deepEqual(run(b, 100).versions, { v1: 80, v2: 20 });
});

test('weights(): as set, or the backend-count split before', () => {
  const b = new Balancer<B>();
  b.setBackends(backends({ v1: 3, v2: 1 }));
  assert.deepEqual(b.weights(), { v1: 75, v2: 25 });
  b.setWeights({ v1: 90, v2: 10, v3: 0 });
  assert.deepEqual(b.weights(), { v1: 90, v2: 10, v3: 0 });
});

test('fnv1a: stable 32-bit values', () => {
  assert.equal(fnv1a(''), 0x811c9dc5);
  assert.equal(fnv1a('a'), 0xe40c292c);
});
