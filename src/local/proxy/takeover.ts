/**
 * A new proxy takes the ports over from the one before it (killed, or of an older gantry): every
 * process left in the predecessor's process group that is a proxy of ours — its primary, if still
 * alive, and its workers, which keep serving after their primary is gone — is told to drain
 * (SIGTERM): they stop listening and finish the requests they have, while the new proxy binds the
 * ports as soon as they are free.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readProcStat } from '../supervisor/process-group.ts';

/** What a proxy process's command line holds: its entry's name (dist/proxy-main.js, dist/proxy-worker.js). */
const MARK = /\/proxy-(main|worker)\.[jt]s\b/;

/** The live processes of process group `pgid` whose command line runs a proxy script. */
function proxyGroup(pgid: number): number[] {
  if (!Number.isSafeInteger(pgid) || pgid <= 1) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readProcStat(pid);
    if (stat === null || stat.pgrp !== pgid || stat.state === 'Z' || pid === process.pid) continue;
    try {
      if (MARK.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) pids.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Tells the predecessor's processes to drain; the pids signalled. */
export function drainPredecessor(pgid: number): number[] {
  const pids = proxyGroup(pgid);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
