/**
 * PostgreSQL on the local platform: one cluster per backing service under
 * <stateDir>/backing/<name>/pgdata, created once with initdb and reused, listening on 127.0.0.1
 * only, with password (SCRAM-SHA-256) logins for the generated credentials beside it.
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
import { type Credentials, ensureCredentials } from './credentials.ts';
import { type FindOptions, findPostgres, majorOf, type PostgresBinaries, postgresMissing } from './find.ts';
import type { StartedServer, StartOptions } from './index.ts';
import { scramVerifier } from './scram.ts';
import { launch, onFreePort, runOnce, serverEnv } from './server.ts';
import { assertReachable, type ServerUser, serverUser } from './server-process.ts';
import { PgError, pgConnect } from './wire.ts';

export const PG_USER = 'gantry';
const HOST = '127.0.0.1';

/**
 * Password logins (SCRAM-SHA-256) from 127.0.0.1 only. The server listens on no other address
 * and has no Unix socket; the password is generated once and kept beside the data (0600).
 */
export const PG_HBA = `# Written by gantry: SCRAM-SHA-256 password logins from 127.0.0.1 only (the password is in
# ../credentials, 0600). The server listens on 127.0.0.1 alone and has no Unix socket.
# TYPE  DATABASE  USER  ADDRESS       METHOD
host    all       all   127.0.0.1/32  scram-sha-256
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

/** A session on the `postgres` database as gantry's role, with its password. */
function connectAsGantry(port: number, credentials: Credentials, timeoutMs?: number) {
  return pgConnect({
    host: HOST,
    port,
    user: credentials.user,
    password: credentials.password,
    database: 'postgres',
    ...(timeoutMs ? { timeoutMs } : {}),
  });
}

/** Creates the app's database unless it exists. */
export async function ensureDatabase(port: number, app: string, credentials: Credentials): Promise<void> {
  const session = await connectAsGantry(port, credentials);
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
): Promise<StartedServer> {
  const log = options.log ?? (() => {});
  const pgdata = join(dataDir, 'pgdata');
  const logFile = join(dataDir, 'server.log');
  const user = serverUser();
  if (user) {
    // Our own directories (otherwise 0700): searchable but not listable, so the unprivileged
    // server user can pass through to pgdata and to nothing else.
    for (const dir of [options.stateDir, join(dataDir, '..'), dataDir]) chmodSync(dir, 0o711);
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
  const { credentials, created } = ensureCredentials(dataDir, PG_USER);
  if (fresh) await initdb(model.name, found, pgdata, dataDir, logFile, env, user, log);
  if (user) chownTree(pgdata, user);
  // A new cluster, new credentials, or data from before passwords (trust): set the password
  // while the server is down, then allow password logins only.
  if (fresh || created || !hasPasswordLogins(pgdata)) {
    if (!fresh) log(`${model.name}: setting a generated password and scram-sha-256 logins on ${pgdata}`);
    await setPassword(found, pgdata, dataDir, logFile, env, user, credentials);
    writeFileSync(join(pgdata, 'pg_hba.conf'), PG_HBA, { mode: 0o600 });
    if (user) chownSync(join(pgdata, 'pg_hba.conf'), user.uid, user.gid);
  }

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
          '-c',
          'password_encryption=scram-sha-256',
        ],
        cwd: dataDir,
        logFile,
        env,
        ...run,
        timeoutMs: options.timeoutMs ?? 30_000,
        ready: async () => {
          (await connectAsGantry(port, credentials, 2000)).close();
          return true;
        },
        log,
      });
    },
    log,
  );
  try {
    await ensureDatabase(port, options.app, credentials);
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
  // trust only until setPassword: the server is not started in between.
  await runOnce(
    'initdb',
    found.initdb,
    ['-D', pgdata, '-U', PG_USER, '--auth=trust', '--encoding=UTF8', '--locale=C'],
    { cwd: dataDir, env, logFile, timeoutMs: 120_000, ...(user ? { user } : {}) },
  );
}

function hasPasswordLogins(pgdata: string): boolean {
  try {
    return readFileSync(join(pgdata, 'pg_hba.conf'), 'utf8') === PG_HBA;
  } catch {
    return false;
  }
}

/**
 * Sets the role's password with the server down, in single-user mode (no network at all), as
 * a SCRAM verifier computed here: the password itself reaches neither postgres nor its log.
 */
function setPassword(
  found: PostgresBinaries,
  pgdata: string,
  dataDir: string,
  logFile: string,
  env: NodeJS.ProcessEnv,
  user: ServerUser | undefined,
  credentials: Credentials,
): Promise<void> {
  const role = `"${credentials.user.replaceAll('"', '""')}"`;
  return runOnce(
    'postgres --single (setting the password)',
    found.postgres,
    ['--single', '-D', pgdata, '-c', 'exit_on_error=true', 'postgres'],
    {
      cwd: dataDir,
      env,
      logFile,
      timeoutMs: 60_000,
      input: `ALTER ROLE ${role} WITH PASSWORD '${scramVerifier(credentials.password)}';\n`,
      ...(user ? { user } : {}),
    },
  );
}
