/**
 * What a daemon crash costs: `gantry up --detach` on the example app, 8 connections of load on the
 * api, SIGKILL of the daemon; counts the requests that failed and the time until a daemon's API
 * answers again (the supervisor's standby takes over). Before issue 17 this was 14,259 failed of
 * 66,902 and a 10–17 s outage (and it needed a `gantry up`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { DaemonStatus } from '../src/daemon/status.ts';
import { startLoad } from '../test/support/load.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GANTRY = join(ROOT, 'bin/gantry.js');
const SPEC = join(ROOT, 'examples/shop/gantry.yaml');

function gantry(args: string[]): { code: number | null; output: string } {
  const run = spawnSync(process.execPath, [GANTRY, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 240_000,
  });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

export async function benchDaemonKill(): Promise<{ failed: number; total: number; backSeconds: number }> {
  const state = mkdtempSync(join(tmpdir(), 'gantry-bench-kill-'));
  const target = ['-f', SPEC, '--state-dir', state];
  const info = () =>
    JSON.parse(readFileSync(join(state, 'daemon.json'), 'utf8')) as { pid: number; url: string };
  try {
    const up = gantry(['up', ...target, '--detach', '--ephemeral-ports']);
    if (up.code !== 0) throw new Error(`gantry up failed:\n${up.output}`);
    const status = (await (await fetch(`${info().url}/v1/status`)).json()) as DaemonStatus;
    const url = status.services.find((s) => s.name === 'api')!.url!;
    const load = startLoad(`${url}/api/products`, { concurrency: 8, maxSeconds: 60 });
    await sleep(3000);
    const killed = info().pid;
    process.kill(killed, 'SIGKILL');
    const killedAt = Date.now();
    let backSeconds = Number.NaN;
    while (Date.now() - killedAt < 30_000) {
      try {
        const next = info();
        if (next.pid !== killed && (await fetch(`${next.url}/v1/health`)).ok) {
          backSeconds = (Date.now() - killedAt) / 1000;
          break;
        }
      } catch {
        // not written yet, or not listening yet
      }
      await sleep(20);
    }
    await sleep(3000);
    const result = await load.stop();
    return { failed: result.failed, total: result.ok + result.failed, backSeconds };
  } finally {
    gantry(['down', ...target]);
    rmSync(state, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { failed, total, backSeconds } = await benchDaemonKill();
  console.log(
    `daemon SIGKILL under load (examples/shop, 8 connections): ${failed} of ${total} requests failed; the API answered again after ${backSeconds.toFixed(2)} s`,
  );
}
