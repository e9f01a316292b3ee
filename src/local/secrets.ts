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

/** The values for `names`: the file wins over the environment; missing names are listed. */
export function resolveSecrets(
  names: readonly string[],
  fromFile: Record<string, string>,
  fromEnv: NodeJS.ProcessEnv,
): { values: Record<string, string>; missing: string[] } {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    const value = fromFile[name] ?? fromEnv[name];
    if (value === undefined) missing.push(name);
    else values[name] = value;
  }
  return { values, missing };
}
