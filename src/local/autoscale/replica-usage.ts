/**
 * CPU and memory of each replica's whole process tree, sampled from /proc: CPU in millicores
 * averaged over the time since the previous sample of the same process (so over one sync period,
 * as metrics-server averages over its resolution), memory as resident bytes now.
 *
 * The /proc access is passed in (proc-reader.ts by default), so the arithmetic is tested on
 * captured text; the table is read once per sample for every replica of every service.
 */
import { readProcessTable, readRssBytes } from './proc-reader.ts';
import { CLOCK_TICKS_PER_SECOND, type ProcessStat, processTree, treeCpuTicks } from './proc-tree.ts';
import { RateTracker } from './rate.ts';

export interface ReplicaProcess {
  id: string;
  /** The replica's process (the root of its tree); null while it has none (back-off, not started). */
  pid: number | null;
}

export interface ReplicaUsage {
  /** The replica process's start, in clock ticks since boot (/proc/<pid>/stat field 22). */
  startTime: number;
  /** Average over `windowSeconds`; absent on the first sample of a process. */
  cpuMillicores?: number;
  windowSeconds?: number;
  /** Resident memory of the tree now. */
  memoryBytes?: number;
}

export interface ProcSource {
  table(): ProcessStat[];
  rssBytes(pid: number): number | null;
}

export const PROC: ProcSource = { table: readProcessTable, rssBytes: readRssBytes };

export class ReplicaUsageSampler {
  private readonly cpu = new RateTracker();

  constructor(private readonly source: ProcSource = PROC) {}

  sample(replicas: readonly ReplicaProcess[], now: number): Map<string, ReplicaUsage> {
    const table = this.source.table();
    const usage = new Map<string, ReplicaUsage>();
    const keys = new Set<string>();
    for (const replica of replicas) {
      if (replica.pid === null) continue;
      const tree = processTree(table, replica.pid);
      if (tree.length === 0) continue;
      // The root's start time is part of the key: a restarted replica (or a reused pid) starts over.
      const key = `${replica.id}:${replica.pid}:${tree[0]!.startTime}`;
      keys.add(key);
      const rate = this.cpu.observe(key, treeCpuTicks(tree), now);
      const rss = tree.map((stat) => this.source.rssBytes(stat.pid)).filter((bytes) => bytes !== null);
      usage.set(replica.id, {
        startTime: tree[0]!.startTime,
        ...(rate
          ? {
              cpuMillicores: Math.round((rate.perSecond * 1000) / CLOCK_TICKS_PER_SECOND),
              windowSeconds: rate.windowSeconds,
            }
          : {}),
        ...(rss.length > 0 ? { memoryBytes: rss.reduce((sum, bytes) => sum + bytes, 0) } : {}),
      });
    }
    this.cpu.retain(keys);
    return usage;
  }
}
