#!/usr/bin/env node
// Runs every *.test.ts under src/ (unit) and test/ (integration) with node's test runner.
// Node 20 cannot glob .ts files itself, so we collect them here.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** @param {string} dir @returns {string[]} */
function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

const only = process.argv.slice(2);
const roots = only.length > 0 ? only : ['src', 'test'];
const files = roots.flatMap((root) => (root.endsWith('.ts') ? [root] : testFiles(root)));
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
