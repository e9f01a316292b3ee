/**
 * The probe checks themselves: HTTP GET (200-399 passes), TCP connect, or a command (exit 0 passes),
 * each bounded by the probe's timeoutSeconds. They never throw: every failure is a result with a
 * message in the kubelet's wording.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import type { ProbeSpec } from '../../spec/schema.ts';
import { signalGroup } from './process-group.ts';

export interface CheckTarget {
  host: string;
  /** The service port; a probe's own `port` overrides it. */
  port: number;
  cwd: string;
  env: Record<string, string>;
}

export interface CheckResult {
  ok: boolean;
  /** Why it failed (or what it got), for events. */
  message: string;
}

export type CheckProbe = Pick<ProbeSpec, 'path' | 'tcp' | 'exec' | 'port' | 'timeoutSeconds'>;

/** Runs one check. `signal` aborts it (an exec probe's process group is killed). */
export function runCheck(probe: CheckProbe, target: CheckTarget, signal?: AbortSignal): Promise<CheckResult> {
  const timeoutMs = probe.timeoutSeconds * 1000;
  const port = probe.port ?? target.port;
  if (probe.exec) return execCheck(probe.exec, target, timeoutMs, signal);
  if (probe.path !== undefined) return httpCheck(target.host, port, probe.path, timeoutMs, signal);
  if (probe.tcp) return tcpCheck(target.host, port, timeoutMs, signal);
  return Promise.resolve({ ok: false, message: 'probe has none of path, tcp or exec' });
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function httpCheck(
  host: string,
  port: number,
  path: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const url = `http://${hostPort(host, port)}${path}`;
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: CheckResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(result);
    };
    const req = http.request(
      {
        host,
        port,
        path,
        method: 'GET',
        agent: false,
        headers: { 'user-agent': 'gantry-probe/1.0', accept: '*/*', connection: 'close' },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        finish(
          status >= 200 && status < 400
            ? { ok: true, message: `HTTP probe succeeded with statuscode: ${status}` }
            : { ok: false, message: `HTTP probe failed with statuscode: ${status}` },
        );
      },
    );
    req.on('error', (error) => finish({ ok: false, message: `Get "${url}": ${error.message}` }));
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
        }),
      timeoutMs,
    );
    timer.unref();
    const onAbort = () => finish({ ok: false, message: 'probe cancelled' });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}

export function tcpCheck(
  host: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const address = hostPort(host, port);
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: CheckResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const socket = net.connect({ host, port });
    socket.on('connect', () => finish({ ok: true, message: `connected to ${address}` }));
    socket.on('error', (error) => finish({ ok: false, message: `dial tcp ${address}: ${error.message}` }));
    const timer = setTimeout(
      () => finish({ ok: false, message: `dial tcp ${address}: i/o timeout` }),
      timeoutMs,
    );
    timer.unref();
    const onAbort = () => finish({ ok: false, message: 'probe cancelled' });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const MAX_OUTPUT = 10 * 1024;

/**
 * Runs argv through /bin/sh (`exec "$@"`, so the arguments arrive exactly as written, no re-parsing)
 * in its own process group, in the replica's directory and environment.
 */
export function execCheck(
  argv: string[],
  target: Pick<CheckTarget, 'cwd' | 'env'>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<CheckResult> {
  return new Promise((resolve) => {
    let done = false;
    let output = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: CheckResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      resolve(result);
    };
    const onAbort = () => finish({ ok: false, message: 'probe cancelled' });
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn('/bin/sh', ['-c', 'exec "$@"', 'sh', ...argv], {
        cwd: target.cwd,
        env: target.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      resolve({ ok: false, message: `exec probe could not start: ${(error as Error).message}` });
      return;
    }
    const collect = (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT) output += chunk.toString().slice(0, MAX_OUTPUT - output.length);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('error', (error) =>
      finish({ ok: false, message: `exec probe could not start: ${error.message}` }),
    );
    child.on('exit', (code, sig) => {
      const text = output.trim();
      if (code === 0) finish({ ok: true, message: text });
      else
        finish({
          ok: false,
          message: `command ${JSON.stringify(argv)} ${sig ? `killed by ${sig}` : `exited with ${code}`}${text ? `: ${text}` : ''}`,
        });
    });
    timer = setTimeout(
      () =>
        finish({
          ok: false,
          message: `command ${JSON.stringify(argv)} timed out after ${timeoutMs / 1000}s`,
        }),
      timeoutMs,
    );
    timer.unref();
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
