/** The I/O half of proc-tree.ts: reads /proc (Linux only, like the local platform). */
import { readdirSync, readFileSync } from 'node:fs';
import { type ProcessStat, parseProcessStat, parseVmRssBytes } from './proc-tree.ts';

/** Every process's stat line that could be read; processes that exit meanwhile are skipped. */
export function readProcessTable(): ProcessStat[] {
  const table: ProcessStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = parseProcessStat(readOrEmpty(`/proc/${name}/stat`));
    if (stat) table.push(stat);
  }
  return table;
}

/** Resident memory of one process in bytes; null if it has none or is gone. */
export function readRssBytes(pid: number): number | null {
  return parseVmRssBytes(readOrEmpty(`/proc/${pid}/status`));
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
