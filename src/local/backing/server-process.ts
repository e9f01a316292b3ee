/** Process helpers for backing servers: liveness by PID, listening ports, the server user under root. */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';

import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

import { isAlive } from '../process.ts';

export { freePort, isAlive } from '../process.ts';

/** The process's command line, or undefined where /proc cannot tell. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/** Whether something listens on 127.0.0.1:port (or any address), per /proc/net/tcp; undefined off Linux. */
export function isListening(port: number): boolean | undefined {
  let table: string;
  try {
    table = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return undefined;
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return table.split('\n').some((line) => {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    return fields[3] === '0A' && (local === `0100007F:${hexPort}` || local === `00000000:${hexPort}`);
  });
}

/** Resolves true when the process is gone, false after timeoutMs. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 15): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

function idOf(name: string): ServerUser | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  const u = Number(uid.stdout.trim());
  const g = Number(gid.stdout.trim());
  return Number.isInteger(u) && Number.isInteger(g) && u > 0 ? { name, uid: u, gid: g } : undefined;
}

/**
 * The unprivileged user to run PostgreSQL as when we are root (initdb and postgres refuse to
 * run as root): Debian's `postgres` user when the package created it, else `nobody`.
 * Undefined when we are not root: then the server runs as ourselves.
 */
export function serverUser(): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const user = idOf('postgres') ?? idOf('nobody');
  if (user) return user;
  throw new Error(
    `running as root (${userInfo().username}) but found neither a 'postgres' nor a 'nobody' user to run PostgreSQL as (it refuses to run as root)`,
  );
}

/**
 * Throws a clear error unless `user` can reach `dir` (search permission on every ancestor).
 * Checked for real, by running `cd` as that user.
 */
export function assertReachable(dir: string, user: ServerUser): void {
  const check = spawnSync('/bin/sh', ['-c', 'cd -- "$1"', 'sh', dir], {
    uid: user.uid,
    gid: user.gid,
    stdio: 'ignore',
  });
  if (check.status === 0) return;
  // Name the first directory on the way that the user cannot pass.
  let blocking = dir;
  const chain: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    chain.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of chain) {
    try {
      const s = statSync(d);
      const canPass =
        s.uid === user.uid
          ? (s.mode & 0o100) !== 0
          : s.gid === user.gid
            ? (s.mode & 0o010) !== 0
            : (s.mode & 0o001) !== 0;
      if (!canPass) {
        blocking = d;
        break;
      }
    } catch {
      blocking = d;
      break;
    }
  }
  throw new Error(
    `PostgreSQL runs as the unprivileged user '${user.name}' because we are root (initdb and postgres refuse root), ` +
      `but '${user.name}' cannot reach ${dir}: ${blocking} is not searchable by it (mode ${modeOf(blocking)}).\n` +
      `  hint: chmod o+x ${blocking} (search only; it does not let others list it), or use a state directory outside it (--state-dir)`,
  );
}

function modeOf(path: string): string {
  try {
    return (statSync(path).mode & 0o777).toString(8).padStart(4, '0');
  } catch {
    return 'unknown';
  }
}
