/**
 * Release benchmarks on the example app with the spec's default analysis settings
 * (interval 5 s, success rate 99 %, p95 200 ms, failureLimit 0):
 *   - a bad canary (30 % errors): seconds from the first failed request to 100 % stable,
 *     and the share of all requests that failed (goals: ≤ 10 s, ≤ 1 %);
 *   - the wall time of a clean 3-replica canary with no pauses (10 → 50 → 100).
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

function spec(steps: string): string {
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
      steps: ${steps}
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

async function withApp<T>(
  steps: string,
  work: (file: string, url: string, daemon: string) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-release-'));
  const file = join(dir, 'gantry.yaml');
  writeFileSync(file, spec(steps));
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

export async function benchBadCanary(): Promise<{
  seconds: number;
  failedPercent: number;
  failed: number;
  total: number;
}> {
  return withApp('[ {weight: 10}, {pause: 1m}, {weight: 100} ]', async (file, url, daemon) => {
    const load = startLoad(`${url}/api/products`, { concurrency: 6, maxSeconds: 120 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    gantry(['deploy', 'api', '--version', 'bad', '-f', file, '--set-env', 'FAULT_ERROR_RATE=0.3']);
    const release = await waitEnd(daemon);
    const stableAt = Date.now();
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

export async function benchCleanCanary(): Promise<number> {
  return withApp('[ {weight: 10}, {weight: 50}, {weight: 100} ]', async (file) => {
    const started = performance.now();
    gantry(['deploy', 'api', '--version', 'good', '-f', file, '--wait']);
    return (performance.now() - started) / 1000;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bad = await benchBadCanary();
  console.log(
    `bad canary: ${bad.seconds.toFixed(1)} s to 100 % stable; ${bad.failedPercent.toFixed(2)} % of ${bad.total} requests failed`,
  );
  console.log(`clean 3-replica canary, no pauses: ${(await benchCleanCanary()).toFixed(1)} s`);
}
