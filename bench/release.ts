/**
 * Release benchmarks on the example app: a canary without steps (the default 10 → 25 → 50 →
 * 100 %, each weight analysed, then the bake) with the default analysis settings (interval 5 s,
 * success rate 99 %, p95 200 ms, failureLimit 0, bake two intervals):
 *   - a bad canary (30 % errors): seconds from the first failed request to 100 % stable, and the
 *     share of the requests of a 10 s window around it that failed (goals: ≤ 2 s, ≤ 0.5 %);
 *   - the wall time of a good 3-replica canary through every step and the bake.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReleaseState } from '../src/rollout/state.ts';
import { startLoad } from '../test/support/load.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GANTRY = join(ROOT, 'bin/gantry.js');

function spec(): string {
  return `app: benchrelease
services:
  api:
    run: node ${join(ROOT, 'examples/shop/api/server.js')}
    port: 8000
    health:
      readiness: { path: /health/ready, periodSeconds: 1 }
    replicas: 3
    release:
      strategy: canary
`;
}

function gantry(args: string[]) {
  const run = spawnSync(process.execPath, [GANTRY, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 300_000,
  });
  if (run.status !== 0) throw new Error(`gantry ${args.join(' ')} failed:\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

async function withApp<T>(work: (file: string, url: string, daemon: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-release-'));
  const file = join(dir, 'gantry.yaml');
  writeFileSync(file, spec());
  try {
    gantry(['up', '-f', file, '--detach', '--ephemeral-ports']);
    const status = JSON.parse(gantry(['status', '-f', file, '--output', 'json']));
    const daemon = (JSON.parse(readFileSync(join(dir, '.gantry', 'daemon.json'), 'utf8')) as { url: string })
      .url;
    return await work(file, status.services[0].url, daemon);
  } finally {
    spawnSync(process.execPath, [GANTRY, 'down', '-f', file]);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function waitEnd(daemon: string): Promise<ReleaseState> {
  for (;;) {
    const { release } = (await (await fetch(`${daemon}/v1/services/api/rollout`)).json()) as {
      release: ReleaseState;
    };
    if (['succeeded', 'rolled-back', 'aborted'].includes(release.status)) return release;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The window the share of failed requests is taken over: load from 0.5 s before the deploy. */
const WINDOW_MS = 10_000;

export async function benchBadCanary(): Promise<{
  seconds: number;
  failedPercent: number;
  failed: number;
  total: number;
}> {
  return withApp(async (file, url, daemon) => {
    const loadStarted = Date.now();
    const load = startLoad(`${url}/api/products`, { concurrency: 6, maxSeconds: 120 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    gantry(['deploy', 'api', '--version', 'bad', '-f', file, '--set-env', 'FAULT_ERROR_RATE=0.3']);
    const release = await waitEnd(daemon);
    const stableAt = release.endedAt ?? Date.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, loadStarted + WINDOW_MS - Date.now())));
    const result = await load.stop();
    if (release.status !== 'rolled-back')
      throw new Error(`expected a rollback, got ${release.status}: ${release.message}`);
    const total = result.ok + result.failed;
    return {
      seconds: (stableAt - (result.firstFailureAt ?? stableAt)) / 1000,
      failedPercent: (100 * result.failed) / total,
      failed: result.failed,
      total,
    };
  });
}

/** A good canary under load (it needs traffic to be measured): from deploy to succeeded. */
export async function benchGoodCanary(): Promise<number> {
  return withApp(async (file, url, daemon) => {
    // The CLI runs synchronously (it would stall the load in this process), so no --wait: the
    // release is followed through the daemon's API instead.
    const load = startLoad(`${url}/api/products`, { concurrency: 4, maxSeconds: 180 });
    const started = performance.now();
    try {
      gantry(['deploy', 'api', '--version', 'good', '-f', file]);
      const release = await waitEnd(daemon);
      if (release.status !== 'succeeded')
        throw new Error(`expected success, got ${release.status}: ${release.message}`);
      return (performance.now() - started) / 1000;
    } finally {
      await load.stop();
    }
  });
}

export const formatBadCanary = (bad: Awaited<ReturnType<typeof benchBadCanary>>) =>
  `bad canary (30 % errors, default steps and analysis): ${bad.seconds.toFixed(2)} s from the first failed request to 100 % stable (goal ≤ 2 s); ${bad.failed} of ${bad.total} requests in a 10 s window failed = ${bad.failedPercent.toFixed(2)} % (goal ≤ 0.5 %)`;

export const formatGoodCanary = (seconds: number) =>
  `good 3-replica canary, default steps (10 → 25 → 50 → 100 %, each analysed, then the bake): ${seconds.toFixed(1)} s wall time`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const bad = await benchBadCanary();
  console.log(formatBadCanary(bad));
  console.log(formatGoodCanary(await benchGoodCanary()));
}
