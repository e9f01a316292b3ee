import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveFenceposts } from '../rollout/surge.ts';
import { type PlanReplica, type PlanVersion, planReplicas } from './plan.ts';

const fence = (surge: number, unavailable: number) => (desired: number) =>
  resolveFenceposts(desired, { kind: 'count', value: surge }, { kind: 'count', value: unavailable });

const r = (id: string, generation = 0, ready = true, version = 'v1'): PlanReplica => ({
  id,
  version,
  generation,
  ready,
  index: Number(id.split('-')[1]),
});
const want = (replicas: number, generation = 0, version = 'v1'): PlanVersion => ({
  version,
  replicas,
  generation,
});

describe('planReplicas', () => {
  const rows: {
    name: string;
    desired: PlanVersion[];
    live: PlanReplica[];
    surge?: number;
    unavailable?: number;
    create: number;
    stop: string[];
  }[] = [
    { name: 'creates what is missing', desired: [want(3)], live: [r('a-1')], create: 2, stop: [] },
    {
      name: 'steady state does nothing',
      desired: [want(2)],
      live: [r('a-1'), r('a-2')],
      create: 0,
      stop: [],
    },
    {
      name: 'scales down not-ready first, then newest',
      desired: [want(1)],
      live: [r('a-1'), r('a-2'), r('a-3', 0, false)],
      create: 0,
      stop: ['a-3', 'a-2'],
    },
    {
      name: 'stops a version no longer desired',
      desired: [want(1)],
      live: [r('a-1'), r('a-2', 0, true, 'v0')],
      create: 0,
      stop: ['a-2'],
    },
    {
      name: 'restart, surge 1 / unavailable 0: one new first, no old stopped yet',
      desired: [want(3, 1)],
      live: [r('a-1'), r('a-2'), r('a-3')],
      surge: 1,
      unavailable: 0,
      create: 1,
      stop: [],
    },
    {
      name: 'restart, the new one is ready: one old goes, no room to create',
      desired: [want(3, 1)],
      live: [r('a-1'), r('a-2'), r('a-3'), r('a-4', 1, true)],
      surge: 1,
      unavailable: 0,
      create: 0,
      stop: ['a-3'],
    },
    {
      name: 'restart, the new one not ready yet: wait',
      desired: [want(3, 1)],
      live: [r('a-1'), r('a-2'), r('a-3'), r('a-4', 1, false)],
      surge: 1,
      unavailable: 0,
      create: 0,
      stop: [],
    },
    {
      name: 'restart, surge 0 / unavailable 1: stop one old first',
      desired: [want(2, 1)],
      live: [r('a-1'), r('a-2')],
      surge: 0,
      unavailable: 1,
      create: 0,
      stop: ['a-2'],
    },
    {
      name: 'restart replaces a not-ready old replica at once',
      desired: [want(2, 1)],
      live: [r('a-1'), r('a-2', 0, false), r('a-3', 1, false)],
      surge: 1,
      unavailable: 0,
      create: 0,
      stop: ['a-2'],
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const plan = planReplicas(row.desired, row.live, fence(row.surge ?? 1, row.unavailable ?? 0));
      assert.equal(
        plan.create.reduce((n, c) => n + c.count, 0),
        row.create,
      );
      assert.deepEqual(plan.stop, row.stop);
    });

  it('converges a restart to all-new replicas when each step is applied and becomes ready', () => {
    let live = [r('a-1'), r('a-2'), r('a-3')];
    let next = 4;
    for (let step = 0; step < 20; step++) {
      const plan = planReplicas([want(3, 1)], live, fence(1, 0));
      assert.ok(live.filter((x) => x.ready).length >= 3, 'never fewer than 3 ready');
      live = live.filter((x) => !plan.stop.includes(x.id));
      for (const c of plan.create) for (let i = 0; i < c.count; i++) live.push(r(`a-${next++}`, 1, true));
      assert.ok(live.length <= 4, 'never more than 4');
    }
    assert.deepEqual(
      live.map((x) => x.generation),
      [1, 1, 1],
    );
  });
});
