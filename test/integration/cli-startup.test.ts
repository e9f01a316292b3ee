/**
 * What the built CLI loads for a command (issue 23): only what the command runs. Each case runs
 * bin/gantry.js with a module hook that records every file Node loads, then names the packages
 * those files are or hold (the pure ones are bundled into dist/ chunks; dist/build.json says
 * which). Timings are the benchmark's (bench/cli.ts); this pins what made them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertBuilt, GANTRY, ROOT } from '../support/gantry.ts';

const HOOK = join(ROOT, 'test/support/module-log.mjs');
const SHOP = join(ROOT, 'examples/shop/gantry.yaml');
/** Packages no command should pay for unless it talks to a cluster, runs the daemon or builds the dashboard. */
const HEAVY = [
  'kubernetes-models',
  '@kubernetes/client-node',
  'undici',
  'esbuild',
  'better-sqlite3',
  'prom-client',
];

function loadedPackages(args: string[]): string[] {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'gantry-startup-'));
  try {
    const log = join(dir, 'loaded.txt');
    writeFileSync(log, '');
    const run = spawnSync(process.execPath, ['--import', HOOK, GANTRY, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', GANTRY_MODULE_LOG: log },
    });
    assert.equal(run.status, 0, `gantry ${args.join(' ')} failed:\n${run.stderr}`);
    const holds: Record<string, string[]> = JSON.parse(
      readFileSync(join(ROOT, 'dist/build.json'), 'utf8'),
    ).holds;
    const packages = new Set<string>();
    for (const url of readFileSync(log, 'utf8').split('\n')) {
      if (!url.startsWith('file:')) continue;
      const path = fileURLToPath(url);
      const inDist = relative(join(ROOT, 'dist'), path);
      if (!inDist.startsWith('..')) for (const name of holds[inDist] ?? []) packages.add(name);
      const external = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      if (external) packages.add(external[1]!);
    }
    return [...packages].sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('gantry --version loads commander and nothing else from node_modules', () => {
  assert.deepEqual(loadedPackages(['--version']), ['commander']);
});

test('gantry --help loads no package beyond commander either: registering a command loads none of its work', () => {
  assert.deepEqual(loadedPackages(['--help']), ['commander']);
});

test('gantry validate loads the spec loader (zod, yaml, js-yaml) and none of the heavy packages', () => {
  // js-yaml reads a plain spec (spec/source.ts); yaml places problems and reads the rest.
  const loaded = loadedPackages(['validate', '-f', SHOP]);
  assert.deepEqual(loaded, ['commander', 'js-yaml', 'yaml', 'zod']);
});

test('gantry render loads the schemas (kubernetes-models) but no cluster client, HTTP client or esbuild', () => {
  const loaded = loadedPackages(['render', '-f', SHOP, '--env', 'prod']);
  assert.ok(loaded.includes('kubernetes-models'), loaded.join(', '));
  for (const name of ['@kubernetes/client-node', 'undici', 'esbuild', 'better-sqlite3', 'prom-client'])
    assert.ok(!loaded.includes(name), `${name} in ${loaded.join(', ')}`);
});

test('gantry lint of one file loads none of the heavy packages', () => {
  const loaded = loadedPackages(['lint', join(ROOT, 'test/fixtures/lint/hardened.yaml'), '--format', 'json']);
  for (const name of HEAVY) assert.ok(!loaded.includes(name), `${name} in ${loaded.join(', ')}`);
});
