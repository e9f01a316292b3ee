/**
 * `gantry up` in the foreground, as a user at a terminal runs it: it waits for every
 * replica, shows the status table, and Ctrl-C (SIGINT) stops everything cleanly.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DaemonStatus } from '../../src/daemon/status.ts';
import { isAlive } from '../../src/local/process.ts';
import { GANTRY, ROOT, specDir } from '../support/gantry.ts';

const { dir, file } = specDir(`app: fg
services:
  api:
    run: node ${join(ROOT, 'examples/shop/api/server.js')}
    port: 8000
    health:
      readiness: { path: /health/ready, periodSeconds: 1 }
    replicas: 2
`);

describe('gantry up in the foreground', { timeout: 60_000 }, () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the status table and stops every process on Ctrl-C', async () => {
    const child = spawn(process.execPath, [GANTRY, 'up', '-f', file, '--ephemeral-ports'], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!/^api\s+http:\/\/127\.0\.0\.1:\d+\s+v1\s+2\/2/m.test(output)) {
        assert.ok(Date.now() < deadline, `no status table with api 2/2 in:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.match(output, /every replica is ready in/);
      assert.match(output, /Ctrl-C stops every service/);
      const daemon = JSON.parse(readFileSync(join(dir, '.gantry', 'daemon.json'), 'utf8')) as {
        pid: number;
        url: string;
      };
      const status = (await (await fetch(`${daemon.url}/v1/status`)).json()) as DaemonStatus;
      const replicas = status.services.flatMap((s) => s.replicas.items.map((r) => r.pid!));
      assert.equal(replicas.length, 2);
      child.kill('SIGINT');
      assert.equal(await exited, 0, output);
      assert.match(output, /stopping…\n✓ stopped/);
      for (const pid of [daemon.pid, ...replicas]) assert.equal(isAlive(pid), false, `pid ${pid} is gone`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
