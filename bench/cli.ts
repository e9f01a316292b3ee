/**
 * The CLI end to end, as a user runs it (`node bin/gantry.js …`: the built CLI, process start
 * to exit, output to /dev/null): five commands and, as the yardstick, `node -e 0`. Each round
 * runs every one of them once, interleaved, so a busy machine slows them alike; the figure is
 * the median over the rounds, absolute and as a ratio to `node -e 0` of the same rounds.
 * The goals are times on a quiet machine; as ratios they assume node starts in 40 ms there
 * (QUIET_NODE_MS), which is what carries to a loaded machine.
 * Run alone: `npm run build && node --import tsx bench/cli.ts [ROUNDS]`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedSpec } from './render.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GANTRY = join(ROOT, 'bin/gantry.js');
export const ROUNDS = 5;
/** `node -e 0` on a quiet machine (Node 20): the goals' seconds as ratios. */
const QUIET_NODE_MS = 40;

/** The 500-service spec of bench/render.ts, with a prod environment that changes one service. */
export function renderSpec(): string {
  return `${generatedSpec(500)}environments:\n  prod:\n    services:\n      svc-000: { replicas: 4 }\n`;
}

/** One service whose env map has `entries` entries. */
export function envMapSpec(entries: number): string {
  const lines = [
    'app: big-env',
    'services:',
    '  api:',
    '    run: node server.js',
    '    port: 8080',
    '    env:',
  ];
  for (let i = 0; i < entries; i++) lines.push(`      VAR_${i}: value-${i}`);
  return `${lines.join('\n')}\n`;
}

const SMALL_MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app.kubernetes.io/name: web }
spec:
  replicas: 2
  selector: { matchLabels: { app.kubernetes.io/name: web } }
  template:
    metadata: { labels: { app.kubernetes.io/name: web } }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.2.3
          ports: [{ name: http, containerPort: 8080 }]
          resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { memory: 256Mi } }
`;

interface Case {
  name: string;
  args: string[];
  goalSeconds?: number;
  /** What a correct run looks like: its exit code and a line of its output. */
  check: (code: number | null, output: string) => boolean;
}

export interface CliFigure {
  name: string;
  medianMs: number;
  ratio: number;
  goalSeconds?: number;
}

export interface CliBench {
  rounds: number;
  nodeMs: number;
  figures: CliFigure[];
  loadBefore: number[];
  loadAfter: number[];
}

function cases(dir: string): Case[] {
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const big = write('services-500.yaml', renderSpec());
  const envMap = write('env-20000.yaml', envMapSpec(20_000));
  const manifest = write('web.yaml', SMALL_MANIFEST);
  const valid = (code: number | null, output: string) => code === 0 && output.includes('is valid');
  return [
    { name: 'gantry --version', args: ['--version'], goalSeconds: 0.12, check: (code) => code === 0 },
    {
      name: 'gantry validate (examples/shop)',
      args: ['validate', '-f', join(ROOT, 'examples/shop/gantry.yaml')],
      goalSeconds: 0.25,
      check: valid,
    },
    {
      name: 'gantry render --env prod (500 services)',
      args: ['render', '-f', big, '--env', 'prod'],
      goalSeconds: 1.0,
      check: (code, output) => code === 0 && output.split('\n---\n').length > 4000,
    },
    {
      name: 'gantry lint (one small file)',
      args: ['lint', manifest],
      goalSeconds: 0.3,
      // Findings or none: what matters is that it linted (exit 2 would be a usage error).
      check: (code, output) => (code === 0 || code === 1) && output.includes('web'),
    },
    {
      name: 'gantry validate (env map of 20,000 entries)',
      args: ['validate', '-f', envMap],
      goalSeconds: 1.0,
      check: valid,
    },
  ];
}

function timed(args: string[], capture = false): { ms: number; code: number | null; output: string } {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    stdio: capture ? 'pipe' : 'ignore',
    maxBuffer: 1 << 30,
  });
  const ms = performance.now() - started;
  return { ms, code: run.status, output: capture ? `${run.stdout}${run.stderr}` : '' };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export function benchCli(rounds = ROUNDS): CliBench {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-cli-'));
  try {
    const all = cases(dir);
    // Once each, output kept: a command that fails must not be timed as fast.
    for (const c of all) {
      const run = timed([GANTRY, ...c.args], true);
      if (!c.check(run.code, run.output))
        throw new Error(
          `${c.name} did not run as expected (exit ${run.code}):\n${run.output.slice(0, 2000)}`,
        );
    }
    const loadBefore = loadavg();
    const node: number[] = [];
    const times = all.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      node.push(timed(['-e', '0']).ms);
      for (const [i, c] of all.entries()) times[i]!.push(timed([GANTRY, ...c.args]).ms);
    }
    const nodeMs = median(node);
    const figures = all.map((c, i) => {
      const medianMs = median(times[i]!);
      return {
        name: c.name,
        medianMs,
        ratio: medianMs / nodeMs,
        ...(c.goalSeconds ? { goalSeconds: c.goalSeconds } : {}),
      };
    });
    return { rounds, nodeMs, figures, loadBefore, loadAfter: loadavg() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatCliBench(result: CliBench): string {
  const load = (values: number[]) => values.map((v) => v.toFixed(1)).join(' ');
  const lines = [
    `gantry CLI end to end (built; median of ${result.rounds} interleaved rounds): node -e 0 takes ${(result.nodeMs / 1000).toFixed(3)} s here; load average ${load(result.loadBefore)} before, ${load(result.loadAfter)} after, on ${cpus().length} CPUs`,
  ];
  for (const figure of result.figures) {
    const goal = figure.goalSeconds;
    const goalRatio = goal === undefined ? undefined : (goal * 1000) / QUIET_NODE_MS;
    const verdict =
      goalRatio === undefined
        ? ''
        : `  goal ≤ ${goal} s = ${goalRatio.toFixed(1)}× node -e 0 (at ${QUIET_NODE_MS} ms): ${figure.ratio <= goalRatio ? 'met' : 'NOT met'}`;
    lines.push(
      `  ${figure.name.padEnd(46)} ${figure.ratio.toFixed(1).padStart(5)}× node -e 0  ${(figure.medianMs / 1000).toFixed(3).padStart(7)} s${verdict}`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(formatCliBench(benchCli(Number(process.argv[2] ?? ROUNDS))));
