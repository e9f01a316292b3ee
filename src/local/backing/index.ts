/**
 * Backing services on the local platform: real PostgreSQL and Redis processes, started when
 * their binaries are installed, with data under <stateDir>/backing/<name>/ that survives
 * `gantry down` / `gantry up`. Each runs detached in its own process group (it outlives a daemon
 * SIGKILL) and records itself in <stateDir>/backing/<name>/instance.json for re-adoption.
 * Kafka is not run locally.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connectionVariables } from '../../spec/connection.ts';

export { urlVariable } from '../../spec/connection.ts';

import type { BackingModel } from '../../spec/model.ts';
import { CREDENTIALS_FILE, readCredentials, withPassword } from './credentials.ts';
import { type Availability, type FindOptions, find, KAFKA_UNAVAILABLE } from './find.ts';
import { ensureDatabase, postgresUrl, startPostgres } from './postgres.ts';
import { redisUrl, startRedis } from './redis.ts';
import { clearInstance, readInstance, writeInstance } from './server.ts';
import { commandLine, isAlive, isListening, waitForExit } from './server-process.ts';

export type { FindOptions } from './find.ts';
export { INSTALL_HINTS } from './find.ts';

/** A running server, as recorded (instance.json, SQLite) and shown: it holds no secret. */
export interface BackingInstance {
  name: string;
  kind: 'postgres' | 'redis';
  host: string;
  port: number;
  pid: number;
  /** Without the password: postgres://gantry@127.0.0.1:PORT/<app> | redis://127.0.0.1:PORT */
  url: string;
  /** <stateDir>/backing/<name>: server.log, instance.json, credentials and the data (pgdata/ or data/). */
  dataDir: string;
  /**
   * Started with the generated password required (SCRAM-SHA-256 / requirepass). A server
   * recorded without it (from an older gantry, with trust logins) is restarted, not adopted.
   */
  passwordRequired: true;
}

/** What starting a server yields; startBacking adds the rest. */
export type StartedServer = Omit<BackingInstance, 'name' | 'kind' | 'passwordRequired'>;

/** hint names the Debian package: `apt-get install -y postgresql` / `apt-get install -y redis-server`. */
export type BackingAvailability = Availability;

export interface StartOptions {
  stateDir: string;
  /** The app name: postgres creates (once) and connects to a database of that name. */
  app: string;
  /** Listen here instead of on a free port. */
  port?: number;
  log?: (line: string) => void;
  /** Where to look for the binaries (tests inject this); defaults to PATH and /usr/lib/postgresql. */
  search?: FindOptions;
  /** How long to wait for the server to accept connections; default 30s (postgres), 20s (redis). */
  timeoutMs?: number;
}

/** Whether the server for `kind` can run here; `search` can replace PATH and the PostgreSQL root. */
export function findBacking(kind: BackingModel['kind'], search?: FindOptions): BackingAvailability {
  return find(kind, search);
}

export function backingEnv(kind: BackingInstance['kind'], name: string, url: string): Record<string, string> {
  return Object.fromEntries(connectionVariables(kind, name).map((variable) => [variable, url]));
}

/**
 * What a service that uses this server gets: postgres → DATABASE_URL and <NAME>_URL, redis →
 * REDIS_URL and <NAME>_URL, each the URL with the password from the credentials file.
 */
export function connectionEnv(instance: BackingInstance): Record<string, string> {
  const credentials = readCredentials(instance.dataDir);
  if (!credentials)
    throw new Error(
      `${instance.name}: no credentials in ${join(instance.dataDir, CREDENTIALS_FILE)}; run gantry down and gantry up to generate them`,
    );
  return backingEnv(instance.kind, instance.name, withPassword(instance.url, credentials));
}

/**
 * Starts the backing service (or re-adopts it when instance.json names one still running) and
 * resolves once it accepts connections; rejects with a clear Error otherwise (not installed,
 * kafka, exited early, not ready in time: the message quotes the end of server.log).
 */
export async function startBacking(model: BackingModel, options: StartOptions): Promise<BackingInstance> {
  if (model.kind === 'kafka') {
    throw new Error(`${model.name}: ${KAFKA_UNAVAILABLE.message}\n  hint: ${KAFKA_UNAVAILABLE.hint}`);
  }
  const kind = model.kind;
  const dataDir = join(resolve(options.stateDir), 'backing', model.name);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  let recorded = readInstance(dataDir);
  const running = recorded?.kind === kind && isRunning(recorded) && looksLike(recorded.pid, kind);
  const credentials = readCredentials(dataDir);
  if (recorded && running && (recorded.passwordRequired !== true || !credentials)) {
    // Upgrading in place: a server from before passwords (or whose credentials file is gone).
    // Its data stays; it comes back with a password.
    options.log?.(
      `${model.name}: ${kind} (pid ${recorded.pid}) was not started with the password in ${CREDENTIALS_FILE}; restarting it with one`,
    );
    await stopBacking(recorded);
    recorded = undefined;
  }
  let started: StartedServer;
  if (recorded && running) {
    // Still running from before (e.g. the daemon was killed): adopt it rather than start a second one.
    if (options.port !== undefined && options.port !== recorded.port) {
      throw new Error(
        `${model.name}: ${kind} is already running from ${dataDir} on port ${recorded.port} (pid ${recorded.pid}), not ${options.port}; stop it first`,
      );
    }
    options.log?.(
      `${model.name}: ${kind} already running on ${recorded.host}:${recorded.port} (pid ${recorded.pid}); adopting it`,
    );
    const { host, port, pid } = recorded;
    if (kind === 'postgres') await ensureDatabase(port, options.app, credentials!);
    const url = kind === 'postgres' ? postgresUrl(port, options.app) : redisUrl(port);
    started = { host, port, pid, url, dataDir };
  } else if (kind === 'postgres') {
    started = await startPostgres(model, options, dataDir);
  } else {
    started = await startRedis(model, options, dataDir);
  }
  const instance: BackingInstance = { name: model.name, kind, ...started, passwordRequired: true };
  writeInstance(instance);
  return instance;
}

function looksLike(pid: number, kind: BackingInstance['kind']): boolean {
  const cmd = commandLine(pid);
  if (cmd === undefined) return true; // no /proc: cannot tell, trust the PID
  return kind === 'postgres' ? /postgres/.test(cmd) : /redis/.test(cmd);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/**
 * Clean shutdown: postgres gets SIGINT (fast shutdown: rolls back open transactions, checkpoints),
 * redis SIGTERM (flushes the append-only file). Escalates to SIGQUIT / SIGKILL of the process group
 * if it hangs. Resolves once the process is gone; a PID that is no longer this server is left alone.
 */
export async function stopBacking(instance: BackingInstance): Promise<void> {
  const { pid, kind } = instance;
  if (!isAlive(pid) || !looksLike(pid, kind)) {
    clearInstance(instance);
    return;
  }
  signal(pid, kind === 'postgres' ? 'SIGINT' : 'SIGTERM');
  if (!(await waitForExit(pid, 20_000))) {
    signal(pid, kind === 'postgres' ? 'SIGQUIT' : 'SIGKILL');
    if (!(await waitForExit(pid, 5000))) {
      signal(-pid, 'SIGKILL');
      if (!(await waitForExit(pid, 5000))) {
        throw new Error(`${instance.name}: ${kind} (pid ${pid}) did not exit after SIGKILL`);
      }
    }
  }
  clearInstance(instance);
}

/**
 * Whether the recorded server still runs: its PID is alive, looks like a postgres/redis
 * process, and (where /proc tells) something listens on its port.
 */
export function isRunning(instance: Pick<BackingInstance, 'pid' | 'port'>): boolean {
  if (!isAlive(instance.pid)) return false;
  const cmd = commandLine(instance.pid);
  if (cmd !== undefined && !/postgres|redis/.test(cmd)) return false;
  return isListening(instance.port) !== false;
}
