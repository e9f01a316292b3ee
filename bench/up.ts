/**
 * How long `gantry up --detach` takes on the example app, from the command's start to
 * every replica ready: cold (a new state directory: backing data initialised) and warm.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GANTRY = join(ROOT, 'bin/gantry.js');
const SPEC = join(ROOT, 'examples/shop/gantry.yaml');

function gantry(args: string[]): { ms: number; code: number | null; output: string } {
  const started = performance.now();
  const run = spawnSync(process.execPath, [GANTRY, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 180_000,
  });
  return { ms: performance.now() - started, code: run.status, output: `${run.stdout}${run.stderr}` };
}

export function benchUp(): { coldMs: number; warmMs: number } {
  const state = mkdtempSync(join(tmpdir(), 'gantry-bench-up-'));
  const target = ['-f', SPEC, '--state-dir', state];
  try {
    const cold = gantry(['up', ...target, '--detach', '--ephemeral-ports']);
    if (cold.code !== 0) throw new Error(`gantry up failed:\n${cold.output}`);
    gantry(['down', ...target]);
    const warm = gantry(['up', ...target, '--detach', '--ephemeral-ports']);
    if (warm.code !== 0) throw new Error(`gantry up failed:\n${warm.output}`);
    return { coldMs: cold.ms, warmMs: warm.ms };
  } finally {
    gantry(['down', ...target]);
    rmSync(state, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { coldMs, warmMs } = benchUp();
  console.log(
    `gantry up --detach (examples/shop, every replica ready): cold ${(coldMs / 1000).toFixed(2)} s, warm ${(warmMs / 1000).toFixed(2)} s`,
  );
}
