/**
 * The benchmark's Gantry load balancer: the real proxy (dist/proxy-main.js, built from
 * src/local/proxy/ by `npm run build` — a primary and a worker per core), started and programmed
 * over its socket as the daemon does it, with one listener
 * over the given backends. Its CPU time is the primary's plus its workers' (/proc), as nginx's is
 * its master's plus its workers'.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProxyClient } from '../src/local/proxy/client.ts';
import type { ApplyResult, HelloResult } from '../src/local/proxy/protocol.ts';

const MAIN = fileURLToPath(new URL('../dist/proxy-main.js', import.meta.url));

export interface RunningProxy {
  /** The primary's pid: its direct children are the workers. */
  pid: number;
  port: number;
  workers: number[];
  stop(): Promise<void>;
}

export async function startProxy(backendPorts: number[]): Promise<RunningProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-proxy-'));
  const socket = join(dir, 'proxy.sock');
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is not built: run npm run build`);
  const child = spawn(process.execPath, [MAIN, '--socket', socket], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const client = await ProxyClient.connect(
    socket,
    { onPush: () => undefined, onClose: () => undefined },
    60_000,
  );
  const hello = (await client.request('hello', {})) as HelloResult;
  const backends = backendPorts.map((port, i) => ({
    id: `api-${i + 1}`,
    version: 'v1',
    host: '127.0.0.1',
    port,
  }));
  const applied = (await client.request('apply', {
    table: {
      listeners: [{ key: 'api', service: 'api', port: 0, backends, weights: { v1: 100 }, prometheus: true }],
    },
  })) as ApplyResult;
  return {
    pid: child.pid!,
    port: applied.ports.api!,
    workers: hello.info.workers,
    async stop() {
      await client.request('stop', {}).catch(() => undefined);
      client.close();
      await new Promise((resolve) =>
        child.exitCode === null ? child.once('exit', resolve) : resolve(undefined),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
