/**
 * PostgreSQL on the local platform: one cluster per backing service under
 * <stateDir>/backing/<name>/pgdata, created once with initdb and reused, listening on 127.0.0.1 only.
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { type FindOptions, findPostgres, majorOf, type PostgresBinaries, postgresMissing } from './find.ts';
import type { BackingInstance, StartOptions } from './index.ts';
import { assertReachable, type ServerUser, serverUser } from './proc.ts';
import { launch, onFreePort, runOnce, serverEnv } from './server.ts';
import { PgError, pgConnect } from './wire.ts';

export const PG_USER = 'gantry';
const HOST = '127.0.0.1';

/**
 * Local development only: anyone who can reach 127.0.0.1 on this machine may connect without a
 * password (trust). The server listens on no other address and has no Unix socket.
 */
const PG_HBA = `# Written by gantry for a local development database: trust (no password) on 127.0.0.1 only.
# The server listens on 127.0.0.1 alone (listen_addresses) and has no Unix socket.
# TYPE  DATABASE  USER  ADDRESS       METHOD
host    all       all   127.0.0.1/32  trust
`;

function chownTree(path: string, user: ServerUser): void {
  const s = lstatSync(path);
  if (s.uid !== user.uid || s.gid !== user.gid) chownSync(path, user.uid, user.gid);
  if (s.isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), user);
}

function binariesFor(
  model: { version?: string | undefined },
  pgdata: string,
  search: FindOptions | undefined,
) {
  const existing = existsSync(join(pgdata, 'PG_VERSION'))
    ? readFileSync(join(pgdata, 'PG_VERSION'), 'utf8').trim()
    : undefined;
  // Existing data decides the version: a cluster only opens with its own major version.
  const version = existing ?? model.version;
  const found = findPostgres({ ...search, ...(version ? { version } : {}) });
  if (!found) {
    const missing = postgresMissing(search);
    throw new Error(`${missing.message}\n  hint: ${missing.hint}`);
  }
  if (existing && found.major !== existing) {
    throw new Error(
      `the data in ${pgdata} was created by PostgreSQL ${existing}, but only PostgreSQL ${found.major} is installed\n` +
        `  hint: apt-get install -y postgresql-${existing}, or remove ${pgdata} to start afresh (its data is lost)`,
    );
  }
  return { found, fresh: existing === undefined };
}

/** Creates the app's database unless it exists. */
export async function ensureDatabase(port: number, app: string): Promise<void> {
  const session = await pgConnect({ host: HOST, port, user: PG_USER, database: 'postgres' });
  try {
    await session.query(`CREATE DATABASE "${app.replaceAll('"', '""')}" OWNER ${PG_USER}`);
  } catch (error) {
    if (!(error instanceof PgError && error.code === '42P04')) throw error; // 42P04: it already exists
  } finally {
    session.close();
  }
}

export function postgresUrl(port: number, app: string): string {
  return `postgres://${PG_USER}@${HOST}:${port}/${encodeURIComponent(app)}`;
}

export async function startPostgres(
  model: { name: string; version?: string | undefined },
  options: StartOptions,
  dataDir: string,
): Promise<Omit<BackingInstance, 'env' | 'name' | 'kind'>> {
  const log = options.log ?? (() => {});
  const pgdata = join(dataDir, 'pgdata');
  const logFile = join(dataDir, 'server.log');
  const user = serverUser();
  if (user) {
    // Our own directories: searchable, so the unprivileged server user can reach pgdata.
    chmodSync(join(dataDir, '..'), 0o755);
    chmodSync(dataDir, 0o755);
    assertReachable(dataDir, user);
  }
  const { found, fresh } = binariesFor(model, pgdata, options.search);
  if (model.version && found.major !== majorOf(model.version) && fresh) {
    log(
      `${model.name}: PostgreSQL ${model.version} is not installed; using ${found.major} (${found.binDir})`,
    );
  }
  const env = serverEnv();
  const run = user ? { user } : {};
  if (fresh) await initdb(model.name, found, pgdata, dataDir, logFile, env, user, log);
  if (user) chownTree(pgdata, user);

  const { port, value: pid } = await onFreePort(
    options.port,
    (port) => {
      log(`${model.name}: starting PostgreSQL ${found.major} on ${HOST}:${port}`);
      return launch({
        what: `postgres (${model.name})`,
        command: found.postgres,
        args: [
          '-D',
          pgdata,
          '-c',
          `listen_addresses=${HOST}`,
          '-c',
          `port=${port}`,
          '-c',
          'unix_socket_directories=',
        ],
        cwd: dataDir,
        logFile,
        env,
        ...run,
        timeoutMs: options.timeoutMs ?? 30_000,
        ready: async () => {
          const session = await pgConnect({
            host: HOST,
            port,
            user: PG_USER,
            database: 'postgres',
            timeoutMs: 2000,
          });
          session.close();
          return true;
        },
        log,
      });
    },
    log,
  );
  try {
    await ensureDatabase(port, options.app);
  } catch (error) {
    process.kill(pid, 'SIGQUIT');
    throw new Error(
      `postgres (${model.name}) started but creating database ${options.app} failed: ${(error as Error).message}`,
    );
  }
  return { host: HOST, port, pid, url: postgresUrl(port, options.app), dataDir };
}

async function initdb(
  name: string,
  found: PostgresBinaries,
  pgdata: string,
  dataDir: string,
  logFile: string,
  env: NodeJS.ProcessEnv,
  user: ServerUser | undefined,
  log: (line: string) => void,
): Promise<void> {
  if (existsSync(pgdata) && readdirSync(pgdata).length > 0) {
    throw new Error(
      `${pgdata} holds files but no PostgreSQL cluster (no PG_VERSION): a failed initdb?\n  hint: remove ${pgdata} and run again`,
    );
  }
  mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  chmodSync(pgdata, 0o700);
  if (user) chownSync(pgdata, user.uid, user.gid);
  log(`${name}: initdb ${pgdata} (PostgreSQL ${found.major}${user ? `, as ${user.name}` : ''})`);
  await runOnce(
    'initdb',
    found.initdb,
    ['-D', pgdata, '-U', PG_USER, '--auth=trust', '--encoding=UTF8', '--locale=C'],
    { cwd: dataDir, env, logFile, timeoutMs: 120_000, ...(user ? { user } : {}) },
  );
  writeFileSync(join(pgdata, 'pg_hba.conf'), PG_HBA, { mode: 0o600 });
  if (user) chownSync(join(pgdata, 'pg_hba.conf'), user.uid, user.gid);
}
