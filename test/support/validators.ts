/**
 * The field's own validators (actionlint, hadolint, checkov, helm) at the versions scripts/validators.sh
 * pins: it builds or installs each once into the tools cache (.ci/run runs it before the tests) and
 * prints where they are. A tool that cannot be had fails the test that needs it — never a skip.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './gantry.ts';

export type Validator = 'actionlint' | 'hadolint' | 'checkov' | 'helm';

let paths: Record<string, string> | undefined;

export function validator(name: Validator): string {
  if (!paths) {
    const run = spawnSync('bash', [join(ROOT, 'scripts/validators.sh')], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (run.status !== 0)
      throw new Error(
        `scripts/validators.sh failed (exit ${run.status}): the validators are missing\n${run.stderr}`,
      );
    paths = Object.fromEntries(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('=', 2) as [string, string]),
    );
  }
  const path = paths[name];
  if (!path) throw new Error(`scripts/validators.sh printed no ${name}`);
  return path;
}

/** Runs a validator; its output and exit code, as the user would see them. */
export function runValidator(
  name: Validator,
  args: string[],
  cwd?: string,
): { code: number; output: string } {
  const run = spawnSync(validator(name), args, {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024, // checkov's JSON lists every passed check
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (run.error) throw run.error;
  return { code: run.status ?? 1, output: `${run.stdout}${run.stderr}` };
}
