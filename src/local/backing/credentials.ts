/**
 * A backing service's credentials: generated once, kept in <stateDir>/backing/<name>/credentials
 * (0600, JSON), and only ever put into the environment of the services that `use` it. The URL
 * a person sees (status, events, SQLite) never holds the password; the one injected does.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Credentials {
  user: string;
  password: string;
}

export const CREDENTIALS_FILE = 'credentials';

/** 32 random bytes as base64url: URL-safe, so it goes into a connection URL as is. */
export function generatePassword(): string {
  return randomBytes(32).toString('base64url');
}

export function readCredentials(dataDir: string): Credentials | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, CREDENTIALS_FILE), 'utf8')) as Partial<Credentials>;
    return typeof parsed.user === 'string' && typeof parsed.password === 'string'
      ? { user: parsed.user, password: parsed.password }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The stored credentials for `user`, or new ones written once (`created` says which: a new
 * password must then be set on the server before it is started).
 */
export function ensureCredentials(
  dataDir: string,
  user: string,
): { credentials: Credentials; created: boolean } {
  const existing = readCredentials(dataDir);
  if (existing?.user === user) return { credentials: existing, created: false };
  const credentials = { user, password: generatePassword() };
  const file = join(dataDir, CREDENTIALS_FILE);
  writeFileSync(file, `${JSON.stringify(credentials)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { credentials, created: true };
}

/**
 * `postgres://gantry@127.0.0.1:5432/shop` → `postgres://gantry:PASSWORD@127.0.0.1:5432/shop`;
 * `redis://127.0.0.1:6379` → `redis://default:PASSWORD@127.0.0.1:6379` (with the user named:
 * redis-cli 7 sends an empty user name as one, which Redis refuses).
 */
export function withPassword(url: string, credentials: Credentials): string {
  const parsed = new URL(url);
  if (!parsed.username) parsed.username = credentials.user;
  parsed.password = credentials.password;
  return parsed.toString();
}
