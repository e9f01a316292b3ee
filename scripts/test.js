#!/usr/bin/env node
// Runs every *.test.ts with node's test runner (Node 20 cannot glob .ts files itself):
//   1. unit tests (src/) and integration tests (test/integration/), two files at a time;
//   2. cluster tests (test/cluster/: Gantry against a real kube-apiserver, controller-manager,
//      scheduler, etcd and kwok), all files on one control plane started for the phase
//      (scripts/kube-test-cluster.sh builds it; without the binaries each file skips, loudly,
//      except under CI, where .ci/run builds them and a missing build fails);
//   3. system tests (test/system/: the whole platform under load), one at a time, so two
//      load tests never compete for this machine's two cores.
// Ends with one plain line, "N passed, N failed, N skipped", over every run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @param {string} dir @returns {string[]} */
function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** @param {string[]} files @param {number} concurrency @param {NodeJS.ProcessEnv} [env] @returns {Promise<{code: number, pass: number, fail: number, skipped: number}>} */
function run(files, concurrency, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...files],
      { stdio: ['inherit', 'pipe', 'inherit'], env },
    );
    // The runner's summary lines (`ℹ pass N`, `ℹ fail N`), read line by line as they stream: the
    // failure details printed after them can be long, so no fixed-size tail is sure to hold them.
    const counts = { pass: 0, fail: 0, skipped: 0 };
    let partial = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const summary = /^ℹ (pass|fail|skipped) (\d+)$/.exec(line);
        if (summary) counts[/** @type {'pass' | 'fail' | 'skipped'} */ (summary[1])] = Number(summary[2]);
      }
    });
    child.on('close', (code) => resolve({ code: code ?? 1, ...counts }));
  });
}

/**
 * Runs the cluster test files on one control plane started for them (a file started alone
 * starts its own). When the binaries are not built, the files run without one and skip.
 * @param {string[]} files
 */
async function runClusterPhase(files) {
  const script = 'scripts/kube-test-cluster.sh';
  if (spawnSync(script, ['paths'], { stdio: 'ignore' }).status !== 0) {
    console.error(
      `\n*** the test control plane is not built: the cluster tests skip (${script} build builds it) ***\n`,
    );
    return run(files, 1);
  }
  const dir = mkdtempSync(join(tmpdir(), 'gantry-kube-test-cluster-'));
  const env = { ...process.env, GANTRY_KUBE_CLUSTER: dir };
  const up = spawnSync(script, ['up'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    if (up.status !== 0) return { code: 1, pass: 0, fail: files.length, skipped: 0 };
    return await run(files, 2, { ...env, GANTRY_TEST_CLUSTER: dir });
  } finally {
    spawnSync(script, ['down'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

const only = process.argv.slice(2);
const phases =
  only.length > 0
    ? [{ files: only.flatMap((root) => (root.endsWith('.ts') ? [root] : testFiles(root))), concurrency: 2 }]
    : [
        { files: [...testFiles('src'), ...testFiles('test/integration')], concurrency: 2 },
        { files: testFiles('test/cluster'), concurrency: 2, cluster: true },
        { files: testFiles('test/system'), concurrency: 1 },
      ];

let pass = 0;
let fail = 0;
let skipped = 0;
let code = 0;
// Cluster test files alone (e.g. `node scripts/test.js test/cluster`) share one control plane too.
const clusterOnly = (/** @type {string[]} */ files) =>
  !process.env.GANTRY_TEST_CLUSTER && files.length > 1 && files.every((f) => f.startsWith('test/cluster/'));
for (const phase of phases) {
  if (phase.files.length === 0) continue;
  const result =
    'cluster' in phase || clusterOnly(phase.files)
      ? await runClusterPhase(phase.files)
      : await run(phase.files, phase.concurrency);
  pass += result.pass;
  fail += result.fail;
  skipped += result.skipped;
  if (result.code !== 0) code = result.code;
}
if (phases.length > 1) console.log(`\n${pass} passed, ${fail} failed, ${skipped} skipped`);
process.exit(code);
