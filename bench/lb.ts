/**
 * Load balancer benchmark: wrk against (1) one example-app api replica directly, (2) Gantry's
 * LoadBalancer over two replicas, (3) nginx over the same two replicas with keep-alive upstreams.
 * Prints requests/s, p50/p99 latency, the Gantry/nginx ratios and proxy CPU time per request.
 *
 * Run: node --import tsx bench/lb.ts   (needs `apt-get install -y nginx wrk`; installs nothing)
 * Env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (64), BENCH_THREADS (2).
 *
 * Our load balancer runs in a child process (bench/lb-proxy.ts) so its CPU time is its own; nginx's
 * CPU time is its master's plus its workers'. Everything listens on 127.0.0.1 and is killed by PID
 * at the end.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/local/process.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const PATH = '/api/products';
const API = fileURLToPath(new URL('../examples/shop/api/server.js', import.meta.url));
const LB_PROXY = fileURLToPath(new URL('./lb-proxy.ts', import.meta.url));

interface Result {
  name: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  cpuMsPerRequest: number | null;
}

const children: ChildProcess[] = [];
let nginxChild: ChildProcess | undefined;
let tempDir: string | undefined;

function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Starts a process and resolves with the first match of `pattern` in its stdout. */
async function start(command: string, args: string[], pattern: RegExp, env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${command} ${args.join(' ')}: no ${pattern} in 10 s`)),
      10_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code} before it was ready`)));
  });
  child.stdout?.resume();
  return { child, match };
}

async function startReplica(): Promise<number> {
  const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', APP_VERSION: 'v1', LOG_LEVEL: 'info' };
  const { match } = await start(process.execPath, [API], /msg="listening" port=(\d+)/, env);
  return Number(match[1]);
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listening on 127.0.0.1:${port}`);
}

async function startNginx(nginx: string, ports: number[]): Promise<{ pid: number; port: number }> {
  tempDir = mkdtempSync(join(tmpdir(), 'gantry-bench-nginx-'));
  const port = await freePort();
  const isRoot = process.getuid?.() === 0;
  const config = `
${isRoot ? 'user root;' : ''}
worker_processes auto;
daemon off;
pid ${tempDir}/nginx.pid;
error_log ${tempDir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${tempDir}/body;
  proxy_temp_path ${tempDir}/proxy;
  fastcgi_temp_path ${tempDir}/fastcgi;
  uwsgi_temp_path ${tempDir}/uwsgi;
  scgi_temp_path ${tempDir}/scgi;
  upstream api {
${ports.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
  const file = join(tempDir, 'nginx.conf');
  writeFileSync(file, config);
  const child = spawn(nginx, ['-p', tempDir, '-c', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  nginxChild = child;
  await waitForPort(port);
  return { pid: child.pid!, port };
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime + stime in ms of `pid` and (for nginx) its direct children, from /proc. */
function cpuMs(pid: number, withChildren: boolean): number {
  const pids = [pid];
  if (withChildren) {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    if (children) pids.push(...children.split(/\s+/).map(Number));
  }
  let ticks = 0;
  for (const p of pids) {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  if (unit === 'us') return n / 1000;
  if (unit === 's') return n * 1000;
  if (unit === 'm') return n * 60_000;
  return n;
}

function wrk(wrkPath: string, url: string, seconds: number) {
  const out = execFileSync(wrkPath, [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', url], {
    encoding: 'utf8',
  });
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1]);
  const requests = Number(out.match(/(\d+) requests in/)?.[1]);
  const p50 = out.match(/\s50%\s+([\d.]+)(us|ms|s|m)/);
  const p99 = out.match(/\s99%\s+([\d.]+)(us|ms|s|m)/);
  const non2xx = Number(out.match(/Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0);
  const errors = out.match(/Socket errors:.*/)?.[0];
  if (!rps || !p50 || !p99) throw new Error(`could not read wrk's output:\n${out}`);
  if (non2xx > 0 || errors) process.stderr.write(`warning: ${url}: ${non2xx} non-2xx; ${errors ?? ''}\n`);
  return { rps, requests, p50Ms: toMs(p50[1]!, p50[2]!), p99Ms: toMs(p99[1]!, p99[2]!) };
}

function measure(
  wrkPath: string,
  name: string,
  url: string,
  pid: number | null,
  withChildren = false,
): Result {
  wrk(wrkPath, url, 2); // warm-up: JIT, pooled connections
  const before = pid === null ? 0 : cpuMs(pid, withChildren);
  const r = wrk(wrkPath, url, SECONDS);
  const after = pid === null ? 0 : cpuMs(pid, withChildren);
  return { name, ...r, cpuMsPerRequest: pid === null ? null : (after - before) / r.requests };
}

function printTable(results: Result[]): void {
  const rows = [
    ['target', 'req/s', 'p50 ms', 'p99 ms', 'proxy CPU µs/req'],
    ...results.map((r) => [
      r.name,
      r.rps.toFixed(0),
      r.p50Ms.toFixed(2),
      r.p99Ms.toFixed(2),
      r.cpuMsPerRequest === null ? '-' : (r.cpuMsPerRequest * 1000).toFixed(1),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows)
    console.log(
      row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
    );
}

async function main(): Promise<void> {
  const wrkPath = findTool('wrk');
  const nginx = findTool('nginx');
  const missing = [nginx ? null : 'nginx', wrkPath ? null : 'wrk'].filter(Boolean);
  if (!wrkPath || !nginx) {
    console.error(`bench/lb.ts needs ${missing.join(' and ')}; install with: apt-get install -y nginx wrk`);
    process.exitCode = 1;
    return;
  }
  const [load1] = loadavg();
  if (load1! > availableParallelism() / 2) {
    console.log(
      `warning: load average ${load1!.toFixed(1)} on ${availableParallelism()} CPUs: other work will skew the numbers`,
    );
  }
  console.log(`wrk -t${THREADS} -c${CONNECTIONS} -d${SECONDS}s ${PATH}, two example-app api replicas`);
  const ports = [await startReplica(), await startReplica()];
  const lb = await start(process.execPath, ['--import', 'tsx', LB_PROXY, ...ports.map(String)], /port=(\d+)/);
  const lbPort = Number(lb.match[1]);
  const ng = await startNginx(nginx, ports);

  const results = [
    measure(wrkPath, 'direct (1 replica)', `http://127.0.0.1:${ports[0]}${PATH}`, null),
    measure(wrkPath, 'gantry lb (2 replicas)', `http://127.0.0.1:${lbPort}${PATH}`, lb.child.pid!),
    measure(wrkPath, 'nginx (2 replicas)', `http://127.0.0.1:${ng.port}${PATH}`, ng.pid, true),
  ];
  console.log('');
  printTable(results);
  const [, gantry, ng2] = results as [Result, Result, Result];
  console.log('');
  console.log(`gantry/nginx throughput: ${(gantry.rps / ng2.rps).toFixed(2)}x   (goal >= 0.6)`);
  console.log(`gantry/nginx p99:        ${(gantry.p99Ms / ng2.p99Ms).toFixed(2)}x   (goal <= 2)`);
  console.log(
    `gantry/nginx CPU/req:     ${(gantry.cpuMsPerRequest! / ng2.cpuMsPerRequest!).toFixed(2)}x   (goal <= 2.5)`,
  );
}

try {
  await main();
} finally {
  // nginx's master stops its workers on SIGTERM; SIGKILL would orphan them.
  if (nginxChild?.pid !== undefined && nginxChild.exitCode === null) {
    const exited = new Promise((resolve) => nginxChild?.once('exit', resolve));
    process.kill(nginxChild.pid, 'SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (nginxChild.exitCode === null && nginxChild.signalCode === null)
      process.kill(nginxChild.pid, 'SIGKILL');
  }
  for (const child of children) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {}
    }
  }
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
}
