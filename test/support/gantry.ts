/**
 * Runs the gantry CLI as a real process: `gantry` without blocking the event loop (load may be
 * running), `gantrySync` for tests that only look at its output. Colour is off (NO_COLOR).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const GANTRY = join(ROOT, 'bin/gantry.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function gantry(
  args: string[],
  options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [GANTRY, ...args],
      {
        cwd: options.cwd ?? ROOT,
        timeout: options.timeoutMs ?? 120_000,
        env: { ...(options.env ?? process.env), NO_COLOR: '1' },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export function gantrySync(
  args: string[],
  options: { cwd?: string; input?: string; timeoutMs?: number } = {},
): Run {
  const result = spawnSync(process.execPath, [GANTRY, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 1 << 28,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** A temporary folder holding `gantry.yaml` with the given text. */
export function specDir(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-test-'));
  const file = join(dir, 'gantry.yaml');
  writeFileSync(file, text);
  return { dir, file };
}
