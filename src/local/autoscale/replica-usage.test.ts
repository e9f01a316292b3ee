import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { signalGroup } from '../supervisor/process-group.ts';
import { readProcessTable } from './proc-reader.ts';
import { type ProcessStat, processTree } from './proc-tree.ts';
import { type ProcSource, ReplicaUsageSampler } from './replica-usage.ts';

/** A /proc that returns the given tables one after the other, and fixed RSS per pid. */
function fakeProc(tables: ProcessStat[][], rss: Record<number, number>): ProcSource {
  let call = 0;
  return { table: () => tables[Math.min(call++, tables.length - 1)]!, rssBytes: (pid) => rss[pid] ?? null };
}
const p = (pid: number, ppid: number, cpuTicks: number, startTime = 1000): ProcessStat => ({
  pid,
  ppid,
  cpuTicks,
  startTime,
});

test('ReplicaUsageSampler: millicores from the tree’s ticks over wall time; RSS summed over the tree', () => {
  const sampler = new ReplicaUsageSampler(
    fakeProc(
      [
        [p(100, 1, 10), p(101, 100, 200), p(200, 1, 0)],
        // 2 s later: the tree used 10 + 150 + 40 (a new child) = 200 ticks = 2 s of CPU → 1000m
        [p(100, 1, 20), p(101, 100, 350), p(102, 101, 40), p(200, 1, 30)],
      ],
      { 100: 1_000_000, 101: 40_000_000, 102: 5_000_000, 200: 2_000_000 },
    ),
  );
  const replicas = [
    { id: 'api-1', pid: 100 },
    { id: 'api-2', pid: 200 },
    { id: 'api-3', pid: null },
  ];
  const first = sampler.sample(replicas, 10_000);
  assert.deepEqual(
    first.get('api-1'),
    { startTime: 1000, memoryBytes: 41_000_000 },
    'no CPU rate on the first sample',
  );
  assert.equal(first.has('api-3'), false, 'no process, no usage');
  const second = sampler.sample(replicas, 12_000);
  assert.deepEqual(second.get('api-1'), {
    startTime: 1000,
    cpuMillicores: 1000,
    windowSeconds: 2,
    memoryBytes: 46_000_000,
  });
  assert.deepEqual(second.get('api-2'), {
    startTime: 1000,
    cpuMillicores: 150,
    windowSeconds: 2,
    memoryBytes: 2_000_000,
  });
});

test('ReplicaUsageSampler: a restarted process (same pid, new start time) starts over', () => {
  const sampler = new ReplicaUsageSampler(
    fakeProc([[p(100, 1, 500, 1000)], [p(100, 1, 3, 2000)], [p(100, 1, 53, 2000)]], {}),
  );
  const replicas = [{ id: 'api-1', pid: 100 }];
  sampler.sample(replicas, 0);
  assert.deepEqual(sampler.sample(replicas, 1000).get('api-1'), { startTime: 2000 });
  assert.deepEqual(sampler.sample(replicas, 2000).get('api-1'), {
    startTime: 2000,
    cpuMillicores: 500,
    windowSeconds: 1,
  });
});

test('ReplicaUsageSampler on real processes: a busy grandchild counts for the replica', async () => {
  // The replica is a shell; the CPU is burnt by its child, bounded to 4 s in case of failure.
  const child = spawn(
    '/bin/sh',
    ['-c', `${process.execPath} -e "const end = Date.now() + 4000; while (Date.now() < end);" & wait`],
    { detached: true, stdio: 'ignore' },
  );
  const exited = once(child, 'exit');
  try {
    const sampler = new ReplicaUsageSampler();
    const replicas = [{ id: 'busy', pid: child.pid! }];
    // Node is up once the shell has its child (a loaded machine may take a while to start it).
    const started = Date.now() + 10_000;
    while (processTree(readProcessTable(), child.pid!).length < 2 && Date.now() < started) await sleep(20);
    sampler.sample(replicas, Date.now());
    await sleep(1500);
    const usage = sampler.sample(replicas, Date.now()).get('busy');
    assert.ok(usage?.cpuMillicores !== undefined, 'a rate on the second sample');
    // One spinning thread is 1000m; the rest of the test suite on this 2-core machine may take
    // a good part of it, so only "clearly busy" is asked for.
    assert.ok(usage.cpuMillicores > 150, `a busy child shows, got ${usage.cpuMillicores}m`);
    assert.ok(usage.cpuMillicores < 1500, `one thread, not more, got ${usage.cpuMillicores}m`);
    assert.ok((usage.memoryBytes ?? 0) > 10 * 2 ** 20, `node's RSS is in the sum, got ${usage.memoryBytes}`);
  } finally {
    signalGroup(child.pid!, 'SIGKILL');
    await exited;
  }
});

test('ReplicaUsageSampler on real processes: an idle replica uses next to no CPU', async () => {
  const child = spawn('/bin/sh', ['-c', 'sleep 5 & wait'], { detached: true, stdio: 'ignore' });
  const exited = once(child, 'exit');
  try {
    const sampler = new ReplicaUsageSampler();
    const replicas = [{ id: 'idle', pid: child.pid! }];
    await sleep(100);
    sampler.sample(replicas, Date.now());
    await sleep(500);
    const usage = sampler.sample(replicas, Date.now()).get('idle');
    assert.ok(usage?.cpuMillicores !== undefined && usage.cpuMillicores < 50, JSON.stringify(usage));
  } finally {
    signalGroup(child.pid!, 'SIGKILL');
    await exited;
  }
});
