/**
 * Ends whatever a `gantry up` in a test left running, even when `gantry down` could not: found from
 * the state directory itself (daemon.json: the supervisor, whose process group holds the daemons;
 * SQLite: the proxy, whose group holds its workers, and every replica, each its own group). Only
 * processes this state directory names are signalled, by their ids.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

function killGroup(pgid: number | undefined): void {
  if (!pgid || pgid <= 1) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // gone already
  }
}

export function killLeftovers(stateDir: string): void {
  try {
    const info = JSON.parse(readFileSync(join(stateDir, 'daemon.json'), 'utf8')) as {
      pid?: number;
      supervisor?: number;
    };
    killGroup(info.supervisor);
    if (info.pid) killGroup(info.pid); // a daemon started without a supervisor leads its own group
  } catch {
    // no daemon.json
  }
  const file = join(stateDir, 'state.db');
  if (!existsSync(file)) return;
  const db = new Database(file, { readonly: true });
  try {
    const proxy = db.prepare("select value from meta where key = 'proxy'").get() as
      | { value: string }
      | undefined;
    if (proxy) killGroup((JSON.parse(proxy.value) as { pid: number }).pid);
    for (const { pid } of db.prepare('select pid from replicas').all() as { pid: number | null }[])
      killGroup(pid ?? undefined);
  } finally {
    db.close();
  }
}
