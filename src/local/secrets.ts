/**
 * Secret values for replicas: from the daemon's environment, or from `.env.secrets` beside
 * the spec (KEY=VALUE lines, `#` comments, optional quotes). Values are only ever passed to
 * the replica's environment: never logged, never stored.
 */
import { readFileSync } from 'node:fs';

export function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    values[match[1]!] = value;
  }
  return values;
}

export function readSecretsFile(file: string): Record<string, string> {
  try {
    return parseDotenv(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

export interface SecretSources {
  /** `.env.secrets` beside the spec: wins over everything else. */
  file: Record<string, string>;
  /** The daemon's environment (what `gantry up` was started with). */
  environment: NodeJS.ProcessEnv;
}

/**
 * The declared secrets' values: from the secrets file, else the URLs Gantry injects (a
 * `DATABASE_URL` secret filled by `uses: [db]`), else the daemon's environment; missing names
 * are listed. The one source for both a replica's secrets and the MissingSecret check.
 */
export function secretValues(
  names: readonly string[],
  sources: SecretSources,
  injected: Record<string, string>,
): { values: Record<string, string>; missing: string[] } {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    const value = sources.file[name] ?? injected[name] ?? sources.environment[name];
    if (value === undefined) missing.push(name);
    else values[name] = value;
  }
  return { values, missing };
}
