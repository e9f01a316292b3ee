/**
 * Redis on the local platform: redis-server with a generated config, data (AOF + RDB) under
 * <stateDir>/backing/<name>/data, listening on 127.0.0.1 only, with protected mode and a
 * generated password (requirepass) from the credentials file beside it.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCredentials } from './credentials.ts';
import { redisMissing, which } from './find.ts';
import type { StartedServer, StartOptions } from './index.ts';
import { launch, onFreePort, serverEnv } from './server.ts';
import { redisCommand } from './wire.ts';

const HOST = '127.0.0.1';

/** A double-quoted redis.conf string. */
function quote(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** The user gantry's URLs log in as: requirepass sets the password of Redis' `default` user. */
export const REDIS_USER = 'default';

export function redisConfig(port: number, dir: string, password: string): string {
  return [
    '# Written by gantry on each start (0600: it holds the password); edits are overwritten.',
    `port ${port}`,
    `bind ${HOST}`,
    'protected-mode yes',
    `requirepass ${quote(password)}`,
    'daemonize no',
    'supervised no',
    `dir ${quote(dir)}`,
    // Every write goes to the append-only file too, so data survives gantry down / up.
    'appendonly yes',
    'appendfsync everysec',
    'logfile ""',
    'loglevel notice',
    '',
  ].join('\n');
}

export function redisUrl(port: number): string {
  return `redis://${HOST}:${port}`;
}

export async function startRedis(
  model: { name: string },
  options: StartOptions,
  dataDir: string,
): Promise<StartedServer> {
  const log = options.log ?? (() => {});
  const binary = which('redis-server', options.search);
  if (!binary) {
    const missing = redisMissing();
    throw new Error(`${missing.message}\n  hint: ${missing.hint}`);
  }
  const dir = join(dataDir, 'data');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const configFile = join(dataDir, 'redis.conf');
  const { credentials } = ensureCredentials(dataDir, REDIS_USER);
  const { port, value: pid } = await onFreePort(
    options.port,
    (port) => {
      writeFileSync(configFile, redisConfig(port, dir, credentials.password), { mode: 0o600 });
      chmodSync(configFile, 0o600);
      log(`${model.name}: starting redis on ${HOST}:${port}`);
      return launch({
        what: `redis-server (${model.name})`,
        command: binary,
        args: [configFile],
        cwd: dataDir,
        logFile: join(dataDir, 'server.log'),
        env: serverEnv(),
        timeoutMs: options.timeoutMs ?? 20_000,
        // -LOADING while it replays the append-only file: not ready yet.
        ready: async () =>
          (await redisCommand(HOST, port, ['PING'], { password: credentials.password, timeoutMs: 2000 })) ===
          '+PONG',
        log,
      });
    },
    log,
  );
  return { host: HOST, port, pid, url: redisUrl(port), dataDir };
}
