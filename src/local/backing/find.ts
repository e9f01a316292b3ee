/**
 * Finding the server binaries for backing services. PostgreSQL on Debian keeps its binaries in
 * /usr/lib/postgresql/<major>/bin (not on PATH), so that is searched after PATH. The search path
 * can be injected, which is how the tests simulate a machine without the packages.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export interface FindOptions {
  /** PATH-style list of directories; defaults to process.env.PATH. */
  path?: string;
  /** Where Debian installs PostgreSQL (<root>/<major>/bin); defaults to /usr/lib/postgresql. */
  postgresRoot?: string;
  /** Preferred PostgreSQL major version, e.g. "15" (from the spec's `version`). */
  version?: string;
}

export type Availability = { ok: true; binary: string } | { ok: false; message: string; hint: string };

export interface PostgresBinaries {
  /** The directory holding postgres and initdb (and psql, pg_ctl when installed together). */
  binDir: string;
  postgres: string;
  initdb: string;
  /** The major version, e.g. "15". */
  major: string;
}

export const INSTALL_HINTS = {
  postgres: 'apt-get install -y postgresql',
  redis: 'apt-get install -y redis-server',
} as const;

export const KAFKA_UNAVAILABLE = {
  ok: false,
  message:
    'kafka is not run by the local platform (gantry up): run a broker yourself and point KAFKA_BROKERS at it',
  hint: 'set KAFKA_BROKERS=host:9092 in the environment of the services that use it',
} as const;

const DEFAULT_POSTGRES_ROOT = '/usr/lib/postgresql';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function searchPath(options: FindOptions): string[] {
  return (options.path ?? process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
}

/** The first executable `name` on the search path. */
export function which(name: string, options: FindOptions = {}): string | undefined {
  for (const dir of searchPath(options)) {
    const file = join(dir, name);
    if (isExecutable(file)) return file;
  }
  return undefined;
}

/** "15" from "15", "15.4" or 15; "9.6" from "9.6.24" (before 10 the major had two parts). */
export function majorOf(version: string): string {
  const parts = version.trim().split('.');
  return parts[0] === '9' && parts[1] !== undefined ? `9.${parts[1]}` : (parts[0] ?? '');
}

function postgresMajor(postgres: string): string | undefined {
  const debian = /\/postgresql\/(\d+(?:\.\d+)?)\/bin\/postgres$/.exec(postgres);
  if (debian) return debian[1];
  const result = spawnSync(postgres, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const match = /\(PostgreSQL\)\s+(\d+(?:\.\d+)*)/.exec(result.stdout ?? '');
  return match ? majorOf(match[1]!) : undefined;
}

/** Every usable PostgreSQL install: PATH first, then Debian's versioned directories, highest first. */
export function postgresCandidates(options: FindOptions = {}): PostgresBinaries[] {
  const found: PostgresBinaries[] = [];
  const seen = new Set<string>();
  const add = (postgres: string, initdbBeside: string | undefined, knownMajor?: string) => {
    let real = postgres;
    try {
      real = realpathSync(postgres);
    } catch {
      // keep the path as found
    }
    if (seen.has(real)) return;
    const binDir = dirname(real);
    const initdb = [join(binDir, 'initdb'), initdbBeside].find((f) => f !== undefined && isExecutable(f));
    const major = initdb ? (knownMajor ?? postgresMajor(real)) : undefined;
    if (!initdb || !major) return;
    seen.add(real);
    found.push({ binDir, postgres: real, initdb, major });
  };
  for (const dir of searchPath(options)) {
    const postgres = join(dir, 'postgres');
    if (isExecutable(postgres)) add(postgres, join(dir, 'initdb'));
  }
  const root = options.postgresRoot ?? DEFAULT_POSTGRES_ROOT;
  let versions: string[] = [];
  try {
    versions = readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {
    // no Debian installs
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const postgres = join(root, version, 'bin', 'postgres');
    if (isExecutable(postgres)) add(postgres, undefined, majorOf(version));
  }
  return found;
}

/** The install to use: the one matching `version` if any, else the first on PATH, else the highest. */
export function findPostgres(options: FindOptions = {}): PostgresBinaries | undefined {
  const candidates = postgresCandidates(options);
  const wanted = options.version ? majorOf(options.version) : undefined;
  return candidates.find((c) => c.major === wanted) ?? candidates[0];
}

export function postgresMissing(options: FindOptions = {}): { ok: false; message: string; hint: string } {
  const root = options.postgresRoot ?? DEFAULT_POSTGRES_ROOT;
  return {
    ok: false,
    message: `PostgreSQL is not installed: no postgres and initdb on PATH or in ${root}/*/bin`,
    hint: INSTALL_HINTS.postgres,
  };
}

export function redisMissing(): { ok: false; message: string; hint: string } {
  return { ok: false, message: 'Redis is not installed: no redis-server on PATH', hint: INSTALL_HINTS.redis };
}

export function find(kind: 'postgres' | 'redis' | 'kafka', options: FindOptions = {}): Availability {
  switch (kind) {
    case 'postgres': {
      const found = findPostgres(options);
      return found ? { ok: true, binary: found.postgres } : postgresMissing(options);
    }
    case 'redis': {
      const binary = which('redis-server', options);
      return binary ? { ok: true, binary } : redisMissing();
    }
    case 'kafka':
      return { ...KAFKA_UNAVAILABLE };
  }
}
