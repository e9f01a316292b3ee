/**
 * `gantry lint` speed and memory on the realistic corpus (bench/lint-corpus.ts: ten projects,
 * 411 objects of 36 kinds — CRDs, dashboards in ConfigMaps, a List, operator CRs), each figure
 * next to a reference measured in the same run:
 *   1. the corpus ×20 (one directory): the CLI end to end against js-yaml alone in a process of
 *      its own over the same directory — goal within 2× both in elapsed time, as the issue
 *      measured (24 s against 2.5 s), and in the CPU time of every thread (V8 compiles and
 *      collects on threads of its own) — both starting cold and reading from disk (interleaved,
 *      fastest of 5 each); and, to show where the time goes, the lint in process (read, parse,
 *      every rule, JSON report: warm, so without start-up or compiling) against js-yaml parsing
 *      the same files (interleaved, fastest of 5 each);
 *   2. peak RSS of the CLI on that directory and on one ~50 MB file (the corpus ×60 in one
 *      stream) — goal ≤ 300 MB whatever the size (documents are read and linted one by one);
 *   3. one small file through the CLI — goal ≤ 0.3 s — beside `gantry --version` (start-up
 *      alone, which issue 23's compiled CLI works on).
 * Run alone: `node --import tsx bench/lint.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { configureRules, EMPTY_CONFIG } from '../src/policy/config.ts';
import { lintSources } from '../src/policy/lint-stream.ts';
import { formatJson, toJsonReport } from '../src/policy/report-json.ts';
import { RULES } from '../src/policy/rules/index.ts';
import { corpusFiles, writeLintCorpus } from './lint-corpus.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const GANTRY = join(ROOT, 'bin/gantry.js');
const SMALL = fileURLToPath(new URL('../test/fixtures/lint/tutorial/wordpress.yaml', import.meta.url));
const COPIES = 20;
const BIG_COPIES = 60;

export interface LintBench {
  objects: number;
  megabytes: number;
  /** js-yaml's loadAll over the files (read included), fastest of 5. */
  jsYamlSeconds: number;
  /** lintSources + JSON report in process, fastest of 5 (interleaved with js-yaml's). */
  coreSeconds: number;
  /** The CLI end to end: CPU and wall seconds (each the fastest of 5), its peak RSS (the largest). */
  cliSeconds: number;
  cliWallSeconds: number;
  /** js-yaml alone in its own process over the same directory (fastest of 5): CPU and wall seconds. */
  jsYamlProcessSeconds: number;
  jsYamlProcessWallSeconds: number;
  cliRssMiB: number;
  bigFileMiB: number;
  bigFileSeconds: number;
  bigFileRssMiB: number;
  /** Medians of 5, CPU seconds: one small file through the CLI, and `gantry --version`. */
  smallFileSeconds: number;
  startupSeconds: number;
  /** The small file in process (parse, rules, report), best of 5. */
  smallFileCoreSeconds: number;
}

const rules = configureRules(RULES, EMPTY_CONFIG);

/**
 * The least CPU time (user + system, every thread of this process: GC included) of `runs` runs.
 * CPU time, not wall time: the machine is shared, and other people's load stretches wall time.
 */
function best(runs: number, work: () => void): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const started = process.cpuUsage();
    work();
    const used = process.cpuUsage(started);
    fastest = Math.min(fastest, (used.user + used.system) / 1e6);
  }
  return fastest;
}

/** One process run under GNU time: CPU seconds (user + system), wall seconds and peak RSS (MiB). */
interface TimedRun {
  seconds: number;
  wall: number;
  rssMiB: number;
  stdout: string;
}

/** `argv` once, under GNU time. */
function timedProcess(argv: string[]): TimedRun {
  const run = spawnSync('/usr/bin/time', ['-f', 'TIME %U %S %e %M', ...argv], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const [, user, system, wall, kib] = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(run.stderr) ?? [];
  if (user === undefined) throw new Error(`${argv.join(' ')} failed: ${run.stderr}`);
  return {
    seconds: Number(user) + Number(system!),
    wall: Number(wall),
    rssMiB: Number(kib) / 1024,
    stdout: run.stdout,
  };
}

/** The CLI once. */
const timed = (args: string[]) => timedProcess([process.execPath, GANTRY, ...args]);

/**
 * js-yaml alone in a process of its own, reading and parsing every file of the directory: what
 * the CLI end to end is measured against (both start cold, both read from disk).
 */
const JS_YAML_PROCESS = `const { loadAll } = require('js-yaml'); const { readdirSync, readFileSync } = require('node:fs');
let documents = 0;
for (const file of readdirSync(process.argv[1])) documents += loadAll(readFileSync(process.argv[1] + '/' + file, 'utf8')).length;
console.log(documents);`;

/** The fastest in CPU and, separately, in wall time (a run slowed by load can be fast in neither). */
function fastest(runs: readonly TimedRun[]): Omit<TimedRun, 'stdout'> {
  return {
    seconds: Math.min(...runs.map((run) => run.seconds)),
    wall: Math.min(...runs.map((run) => run.wall)),
    rssMiB: Math.max(...runs.map((run) => run.rssMiB)),
  };
}

function median(runs: number, work: () => number): number {
  const times = Array.from({ length: runs }, work).sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

/** What `gantry lint --format json` does in process: read, parse, every rule, the report's text. */
function lintInProcess(files: readonly string[]): { report: string; objects: number } {
  const result = lintSources(
    files.map((file) => ({ file, read: () => readFileSync(file, 'utf8') })),
    rules,
  );
  const scope = { rules, objects: result.objects.length, files: result.files.length };
  return { report: formatJson(toJsonReport(result.findings, scope)), objects: result.objects.length };
}

export function benchLint(): LintBench {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-lint-'));
  try {
    const files = writeLintCorpus(join(dir, 'corpus'), COPIES);
    const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
    // Interleaved, fastest of 5 each: the machine is shared, and a burst of load then hits both alike.
    let jsYamlSeconds = Number.POSITIVE_INFINITY;
    let coreSeconds = Number.POSITIVE_INFINITY;
    let objects = 0;
    for (let i = 0; i < 5; i++) {
      jsYamlSeconds = Math.min(
        jsYamlSeconds,
        best(1, () => {
          for (const file of files) loadAll(readFileSync(file, 'utf8'));
        }),
      );
      coreSeconds = Math.min(
        coreSeconds,
        best(1, () => {
          objects = lintInProcess(files).objects;
        }),
      );
    }
    // Interleaved too, five of each: a burst of load that slows one run of the reference (and so
    // flatters every ratio) is outweighed by the four others.
    const cliRuns: TimedRun[] = [];
    const jsYamlRuns: TimedRun[] = [];
    for (let i = 0; i < 5; i++) {
      cliRuns.push(timed(['lint', join(dir, 'corpus'), '--format', 'json', '--fail-on', 'never']));
      jsYamlRuns.push(timedProcess([process.execPath, '-e', JS_YAML_PROCESS, join(dir, 'corpus')]));
    }
    const cli = fastest(cliRuns);
    const jsYamlProcess = fastest(jsYamlRuns);

    // One stream of ~50 MB: the corpus, again and again, in one file.
    const big = join(dir, 'big.yaml');
    const copies: string[] = [];
    for (let copy = 0; copy < BIG_COPIES; copy++) copies.push([...corpusFiles(copy).values()].join('---\n'));
    writeFileSync(big, copies.join('---\n'));
    copies.length = 0;
    const bigRun = timed(['lint', big, '--format', 'json', '--fail-on', 'never']);

    const smallFileSeconds = median(5, () => timed(['lint', SMALL, '--fail-on', 'never']).seconds);
    const startupSeconds = median(5, () => timed(['--version']).seconds);
    const smallFileCoreSeconds = best(5, () => lintInProcess([SMALL]));
    return {
      objects,
      megabytes: bytes / 1e6,
      jsYamlSeconds,
      coreSeconds,
      cliSeconds: cli.seconds,
      cliWallSeconds: cli.wall,
      jsYamlProcessSeconds: jsYamlProcess.seconds,
      jsYamlProcessWallSeconds: jsYamlProcess.wall,
      cliRssMiB: cli.rssMiB,
      bigFileMiB: statSync(big).size / 2 ** 20,
      bigFileSeconds: bigRun.seconds,
      bigFileRssMiB: bigRun.rssMiB,
      smallFileSeconds,
      startupSeconds,
      smallFileCoreSeconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

export function formatLintBench(r: LintBench): string {
  const load = loadavg()[0]!.toFixed(1);
  const core = r.coreSeconds / r.jsYamlSeconds;
  const cli = r.cliSeconds / r.jsYamlProcessSeconds;
  const cliWall = r.cliWallSeconds / r.jsYamlProcessWallSeconds;
  const rss = Math.max(r.cliRssMiB, r.bigFileRssMiB);
  return [
    `gantry lint end to end, realistic corpus ×${COPIES} (${r.objects} objects, ${r.megabytes.toFixed(1)} MB; load average ${load} on ${cpus().length} cores): the CLI against js-yaml alone in a process of its own, both reading the directory: elapsed ${r.cliWallSeconds.toFixed(2)} s = ${cliWall.toFixed(2)}× (${r.jsYamlProcessWallSeconds.toFixed(2)} s); CPU time, every thread (V8's compile and GC threads too) ${r.cliSeconds.toFixed(2)} s = ${cli.toFixed(2)}× (${r.jsYamlProcessSeconds.toFixed(2)} s) (goal ≤ 2× in both: ${verdict(cliWall <= 2 && cli <= 2)})`,
    `gantry lint in process, warm (no start-up, no compiling; where the time goes): ${r.coreSeconds.toFixed(2)} s CPU = ${core.toFixed(2)}× js-yaml parsing the same files (${r.jsYamlSeconds.toFixed(2)} s)`,
    `gantry lint peak RSS: ${r.cliRssMiB.toFixed(0)} MiB on the corpus ×${COPIES}, ${r.bigFileRssMiB.toFixed(0)} MiB on one ${r.bigFileMiB.toFixed(0)} MiB file (${r.bigFileSeconds.toFixed(1)} s) (goal ≤ 300 MB: ${verdict(rss * 1.048576 <= 300)})`,
    `gantry lint, one small file: ${r.smallFileSeconds.toFixed(2)} s CPU end to end (goal ≤ 0.3 s: ${verdict(r.smallFileSeconds <= 0.3)}); of which start-up (gantry --version) ${r.startupSeconds.toFixed(2)} s, the lint itself ${(r.smallFileCoreSeconds * 1000).toFixed(1)} ms in process`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(formatLintBench(benchLint()));
