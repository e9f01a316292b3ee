#!/usr/bin/env node
// Runs every *.test.ts with node's test runner (Node 20 cannot glob .ts files itself):
//   1. unit tests (src/) and integration tests (test/integration/), two files at a time;
//   2. system tests (test/system/: the whole platform under load), one at a time, so two
//      load tests never compete for this machine's two cores.
// Ends with one plain line, "N passed, N failed", over both runs.
// First it builds the CLI (scripts/build.js, about a second): the CLI and system tests run the
// built gantry (bin/gantry.js → dist/), so what they test is the source as it is now, never an
// older build. They test that build for the whole run, even if src/ changes meanwhile.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli } from './build.js';

/** @param {string} dir @returns {string[]} */
function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** @param {string[]} files @param {number} concurrency @returns {Promise<{code: number, pass: number, fail: number}>} */
function run(files, concurrency) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...files],
      { stdio: ['inherit', 'pipe', 'inherit'] },
    );
    // The runner's summary lines (`ℹ pass N`, `ℹ fail N`), read line by line as they stream: the
    // failure details printed after them can be long, so no fixed-size tail is sure to hold them.
    const counts = { pass: 0, fail: 0 };
    let partial = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const summary = /^ℹ (pass|fail) (\d+)$/.exec(line);
        if (summary) counts[/** @type {'pass' | 'fail'} */ (summary[1])] = Number(summary[2]);
      }
    });
    child.on('close', (code) => resolve({ code: code ?? 1, ...counts }));
  });
}

const only = process.argv.slice(2);
const phases =
  only.length > 0
    ? [{ files: only.flatMap((root) => (root.endsWith('.ts') ? [root] : testFiles(root))), concurrency: 2 }]
    : [
        { files: [...testFiles('src'), ...testFiles('test/integration')], concurrency: 2 },
        { files: testFiles('test/system'), concurrency: 1 },
      ];

const built = await buildCli();
console.log(`built dist/ in ${(built.ms / 1000).toFixed(1)} s`);
// The test files check that dist/ is current before they run gantry, unless this runner built it.
process.env.GANTRY_BUILT_BY_TEST_RUNNER = '1';

let pass = 0;
let fail = 0;
let code = 0;
for (const phase of phases) {
  if (phase.files.length === 0) continue;
  const result = await run(phase.files, phase.concurrency);
  pass += result.pass;
  fail += result.fail;
  if (result.code !== 0) code = result.code;
}
if (phases.length > 1) console.log(`\n${pass} passed, ${fail} failed`);
process.exit(code);
