/** Starting a backing server as a detached process that logs to a file, and waiting until it is ready. */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackingInstance } from './index.ts';
import { freePort, isAlive, type ServerUser, sleep, tail, waitForExit } from './server-process.ts';

export interface LaunchOptions {
  what: string;
  command: string;
  args: string[];
  cwd: string;
  logFile: string;
  env: NodeJS.ProcessEnv;
  user?: ServerUser;
  /** Resolves true once the server accepts connections; errors count as "not yet". */
  ready: () => Promise<boolean>;
  timeoutMs: number;
  log?: (line: string) => void;
}

/**
 * The command run with umask 077, so every file a server creates (redis' append-only files and
 * snapshots, for one) is private to its user: spawn() has no umask of its own.
 */
function privately(command: string, args: string[]): [string, string[]] {
  return ['/bin/sh', ['-c', 'umask 077 && exec "$0" "$@"', command, ...args]];
}

/**
 * Spawns the server in its own process group (detached, so it outlives a daemon SIGKILL), with
 * stdout and stderr appended to logFile, and resolves with its PID once ready() says so. Rejects
 * (after killing it) when it exits first or is not ready in time; the error quotes the log.
 */
export async function launch(options: LaunchOptions): Promise<number> {
  const fd = openSync(options.logFile, 'a', 0o600);
  let exit: string | undefined;
  let pid: number | undefined;
  try {
    const child = spawn(...privately(options.command, options.args), {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', fd, fd],
      ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
    });
    child.once('error', (error) => {
      exit = error.message;
    });
    child.once('exit', (code, signal) => {
      exit = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    });
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(fd);
  }
  const deadline = Date.now() + options.timeoutMs;
  let lastError = '';
  await sleep(50);
  for (;;) {
    if (exit !== undefined || pid === undefined) {
      throw new Error(
        `${options.what} ${exit ?? 'did not start'} before accepting connections; the end of ${options.logFile}:\n${tail(options.logFile)}`,
      );
    }
    try {
      // Still ours: a port taken meanwhile by another server must not pass for ours.
      if ((await options.ready()) && exit === undefined) return pid;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (Date.now() > deadline) {
      if (isAlive(pid)) {
        process.kill(pid, 'SIGKILL');
        await waitForExit(pid, 5000);
      }
      throw new Error(
        `${options.what} did not accept connections within ${options.timeoutMs / 1000}s (last: ${lastError || 'no answer'}); ` +
          `it was stopped. The end of ${options.logFile}:\n${tail(options.logFile)}`,
      );
    }
    await sleep(100);
  }
}

/** Runs a command to completion (output appended to logFile); rejects quoting the log when it fails. */
export function runOnce(
  what: string,
  command: string,
  args: string[],
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    logFile: string;
    user?: ServerUser;
    timeoutMs: number;
    /** Written to its stdin (which is otherwise closed). */
    input?: string;
  },
): Promise<void> {
  const fd = openSync(options.logFile, 'a', 0o600);
  return new Promise<void>((resolve, reject) => {
    const child = spawn(...privately(command, args), {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', fd, fd],
      timeout: options.timeoutMs,
      ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
    });
    // A command that exits without reading is reported by its exit code, not as EPIPE here.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input);
    child.once('error', (error) => reject(new Error(`${what} could not run: ${error.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else {
        reject(
          new Error(
            `${what} failed (${signal ? `killed by ${signal}` : `exit code ${code}`}); the end of ${options.logFile}:\n${tail(options.logFile)}`,
          ),
        );
      }
    });
  }).finally(() => closeSync(fd));
}

/**
 * Calls start(port) with the given port, or with a free one; when the free port was taken by
 * someone else before the server bound it, tries another (three attempts in all).
 */
export async function onFreePort<T>(
  given: number | undefined,
  start: (port: number) => Promise<T>,
  log: (line: string) => void,
): Promise<{ port: number; value: T }> {
  for (let attempt = 1; ; attempt++) {
    const port = given ?? (await freePort());
    try {
      return { port, value: await start(port) };
    } catch (error) {
      const taken = /address already in use/i.test((error as Error).message);
      if (given !== undefined || !taken || attempt >= 3) throw error;
      log(`port ${port} was taken meanwhile; trying another`);
    }
  }
}

const INSTANCE_FILE = 'instance.json';

/** Records the running instance beside its data, so a restarted daemon can find and re-adopt it. */
export function writeInstance(instance: BackingInstance): void {
  writeFileSync(join(instance.dataDir, INSTANCE_FILE), `${JSON.stringify(instance, null, 2)}\n`, {
    mode: 0o600,
  });
}

export function readInstance(dataDir: string): BackingInstance | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, INSTANCE_FILE), 'utf8')) as BackingInstance;
  } catch {
    return undefined;
  }
}

export function clearInstance(instance: Pick<BackingInstance, 'dataDir' | 'pid'>): void {
  const recorded = readInstance(instance.dataDir);
  if (recorded?.pid === instance.pid) rmSync(join(instance.dataDir, INSTANCE_FILE), { force: true });
}

/** A clean environment for servers: PATH and a C locale, none of the caller's PG* or REDIS* settings. */
export function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' };
}
