/**
 * A replica's resource usage as the sum over its whole process tree, from /proc text. Pure:
 * the reader (proc-reader.ts) hands in the text; nothing here touches the file system.
 *
 * CPU of a process = utime + stime + cutime + cstime (fields 14–17 of /proc/<pid>/stat, in clock
 * ticks). The children's fields matter: a process that is waited for moves its CPU time into its
 * parent's cutime/cstime, so summing all four over the live tree counts every process exactly once
 * — including short-lived helpers a replica spawns per request, which a container's cgroup would
 * count too and which would otherwise vanish between two samples.
 *
 * Memory = the sum of VmRSS (/proc/<pid>/status, in kB) over the tree: resident set size, shared
 * pages counted in every process that maps them (an overestimate for forked workers; Kubernetes
 * reads the cgroup's working set instead, which /proc does not offer per process tree).
 */

export interface ProcessStat {
  pid: number;
  ppid: number;
  /** Field 22: start time in clock ticks since boot; with the pid it names one process. */
  startTime: number;
  /** utime + stime + cutime + cstime, in clock ticks. */
  cpuTicks: number;
}

/** Clock ticks per second (sysconf(_SC_CLK_TCK)): 100 on every Linux that Node supports. */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Parses one /proc/<pid>/stat line. The command name (field 2) sits in parentheses and may hold
 * spaces or ')', so fields are counted from the last ')'. Null for text that is not a stat line.
 */
export function parseProcessStat(text: string): ProcessStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  // After the ')': field 3 (state) is index 0, so field N is index N − 3.
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const numberAt = (field: number) => Number(fields[field - 3]);
  const [ppid, utime, stime, cutime, cstime, startTime] = [4, 14, 15, 16, 17, 22].map(numberAt);
  const values = [pid, ppid, utime, stime, cutime, cstime, startTime];
  if (!values.every((value) => Number.isSafeInteger(value) && value! >= 0)) return null;
  return {
    pid,
    ppid: ppid!,
    startTime: startTime!,
    // cutime/cstime are signed in the kernel (long) but never negative in practice; clamp anyway.
    cpuTicks: utime! + stime! + Math.max(0, cutime!) + Math.max(0, cstime!),
  };
}

/** VmRSS from /proc/<pid>/status, in bytes; null when absent (kernel threads, zombies). */
export function parseVmRssBytes(text: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(text);
  return match ? Number(match[1]) * 1024 : null;
}

/**
 * The root and all its descendants (by parent pid), root first. Empty when the root is not in the
 * table, or when `rootStartTime` is given and the pid now names another process (pid reuse).
 */
export function processTree(
  table: readonly ProcessStat[],
  rootPid: number,
  rootStartTime?: number,
): ProcessStat[] {
  const byPid = new Map(table.map((stat) => [stat.pid, stat]));
  const root = byPid.get(rootPid);
  if (!root || (rootStartTime !== undefined && root.startTime !== rootStartTime)) return [];
  const children = new Map<number, ProcessStat[]>();
  for (const stat of table) {
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(stat);
    else children.set(stat.ppid, [stat]);
  }
  const tree: ProcessStat[] = [root];
  // The table is read one file at a time while processes come and go, so it is not a consistent
  // snapshot; the visited set keeps a stale parent link from ever looping.
  const seen = new Set([rootPid]);
  for (let i = 0; i < tree.length; i++)
    for (const child of children.get(tree[i]!.pid) ?? [])
      if (!seen.has(child.pid)) {
        seen.add(child.pid);
        tree.push(child);
      }
  return tree;
}

/** Total CPU ticks of a tree (see the module comment for why the children's fields count). */
export function treeCpuTicks(tree: readonly ProcessStat[]): number {
  return tree.reduce((sum, stat) => sum + stat.cpuTicks, 0);
}
