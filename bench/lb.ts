/**
 * Load balancer benchmark: wrk against (1) one example-app api replica directly, (2) Gantry's proxy
 * (the real one: a primary and a worker per core) over two replicas, (3) nginx (worker_processes
 * auto, keep-alive upstreams) over the same two replicas. Gantry and nginx are measured back to back,
 * ROUNDS times, alternating which goes first; each round prints requests/s, p50/p99 latency and proxy
 * CPU time per request, and the ratios Gantry/nginx; then the median and spread of each ratio against
 * the goals. The machine may be shared: each measurement also says how much CPU other work took
 * meanwhile (the machine's busy time minus wrk's, the replicas' and the proxy's).
 *
 * Run: node --import tsx bench/lb.ts   (needs `apt-get install -y nginx wrk`; installs nothing)
 * Env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (64), BENCH_THREADS (2), BENCH_ROUNDS (3).
 *
 * Everything listens on 127.0.0.1 and is stopped by PID at the end.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/local/process.ts';
import { type RunningProxy, startProxy } from './lb-proxy.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PATH = '/api/products';
const API = fileURLToPath(new URL('../examples/shop/api/server.js', import.meta.url));

/** The goals, as ratios Gantry/nginx measured in the same run (issue 17). */
const GOALS = { throughput: 0.8, cpu: 2, p99: 1.5 };

interface Result {
  name: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  cpuMsPerRequest: number | null;
  /** Cores' worth of CPU other work used during the measurement. */
  othersCores: number;
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

/** utime + stime in ms of `pid` and its direct children (nginx's or the proxy's workers), from /proc. */
function cpuMs(pid: number): number {
  const pids = [pid];
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  if (children) pids.push(...children.split(/\s+/).map(Number));
  let ticks = 0;
  for (const p of pids) {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** CPU time (ms) every core of the machine spent busy so far, from /proc/stat. */
function machineBusyMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields as number[];
  return ((user! + nice! + system! + irq! + softirq! + steal!) * 1000) / TICKS_PER_SECOND;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  if (unit === 'us') return n / 1000;
  if (unit === 's') return n * 1000;
  if (unit === 'm') return n * 60_000;
  return n;
}

function wrk(wrkPath: string, url: string, seconds: number) {
  // Under GNU time when there is one: wrk's own CPU time is part of what the machine was busy with.
  const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const args = [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', url];
  const run = spawnSync(time ?? wrkPath, time ? ['-f', 'wrk-cpu %U %S', wrkPath, ...args] : args, {
    encoding: 'utf8',
  });
  const out = run.stdout;
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1]);
  const requests = Number(out.match(/(\d+) requests in/)?.[1]);
  const p50 = out.match(/\s50%\s+([\d.]+)(us|ms|s|m)/);
  const p99 = out.match(/\s99%\s+([\d.]+)(us|ms|s|m)/);
  const non2xx = Number(out.match(/Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0);
  const errors = out.match(/Socket errors:.*/)?.[0];
  const cpu = run.stderr.match(/wrk-cpu ([\d.]+) ([\d.]+)/);
  if (!rps || !p50 || !p99) throw new Error(`could not read wrk's output:\n${out}${run.stderr}`);
  if (non2xx > 0 || errors) process.stderr.write(`warning: ${url}: ${non2xx} non-2xx; ${errors ?? ''}\n`);
  return {
    rps,
    requests,
    p50Ms: toMs(p50[1]!, p50[2]!),
    p99Ms: toMs(p99[1]!, p99[2]!),
    wrkCpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : 0,
  };
}

function measure(wrkPath: string, name: string, url: string, pid: number | null, replicas: number[]): Result {
  wrk(wrkPath, url, 2); // warm-up: JIT, pooled connections
  const ours = () => replicas.reduce((sum, p) => sum + cpuMs(p), 0) + (pid === null ? 0 : cpuMs(pid));
  const [busyBefore, oursBefore, proxyBefore] = [machineBusyMs(), ours(), pid === null ? 0 : cpuMs(pid)];
  const r = wrk(wrkPath, url, SECONDS);
  const [busyAfter, oursAfter, proxyAfter] = [machineBusyMs(), ours(), pid === null ? 0 : cpuMs(pid)];
  const others = busyAfter - busyBefore - (oursAfter - oursBefore) - r.wrkCpuMs;
  return {
    name,
    rps: r.rps,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    requests: r.requests,
    cpuMsPerRequest: pid === null ? null : (proxyAfter - proxyBefore) / r.requests,
    othersCores: Math.max(0, others / (SECONDS * 1000)),
  };
}

function printTable(results: Result[]): void {
  const rows = [
    ['target', 'req/s', 'p50 ms', 'p99 ms', 'proxy CPU µs/req', 'other work (cores)'],
    ...results.map((r) => [
      r.name,
      r.rps.toFixed(0),
      r.p50Ms.toFixed(2),
      r.p99Ms.toFixed(2),
      r.cpuMsPerRequest === null ? '-' : (r.cpuMsPerRequest * 1000).toFixed(1),
      r.othersCores.toFixed(2),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows)
    console.log(
      row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
    );
}

interface Ratios {
  throughput: number;
  cpu: number;
  p99: number;
}

function ratios(gantry: Result, nginx: Result): Ratios {
  return {
    throughput: gantry.rps / nginx.rps,
    cpu: gantry.cpuMsPerRequest! / nginx.cpuMsPerRequest!,
    p99: gantry.p99Ms / nginx.p99Ms,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
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
  console.log(
    `wrk -t${THREADS} -c${CONNECTIONS} -d${SECONDS}s ${PATH}, two example-app api replicas, ${ROUNDS} rounds; ${availableParallelism()} CPUs, load average ${load1!.toFixed(1)} at the start`,
  );
  const ports = [await startReplica(), await startReplica()];
  const replicaPids = children.map((c) => c.pid!);
  proxy = await startProxy(ports);
  const ng = await startNginx(nginx, ports);
  const gantryUrl = `http://127.0.0.1:${proxy.port}${PATH}`;
  const nginxUrl = `http://127.0.0.1:${ng.port}${PATH}`;
  console.log(
    `gantry proxy: primary ${proxy.pid} + ${proxy.workers.length} workers; nginx: master ${ng.pid} + workers\n`,
  );
  printTable([
    measure(wrkPath, 'direct (1 replica)', `http://127.0.0.1:${ports[0]}${PATH}`, null, replicaPids),
  ]);
  const all: Ratios[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate which goes first, so neither always gets the quieter (or warmer) half.
    const order = round % 2 === 1 ? (['gantry', 'nginx'] as const) : (['nginx', 'gantry'] as const);
    const results: Record<string, Result> = {};
    for (const which of order)
      results[which] =
        which === 'gantry'
          ? measure(wrkPath, `gantry proxy (2 replicas)`, gantryUrl, proxy.pid, replicaPids)
          : measure(wrkPath, `nginx (2 replicas)`, nginxUrl, ng.pid, replicaPids);
    const r = ratios(results.gantry!, results.nginx!);
    all.push(r);
    console.log(`\nround ${round} (${order.join(' then ')}), load average ${loadavg()[0]!.toFixed(1)}`);
    printTable([results.gantry!, results.nginx!]);
    console.log(
      `gantry/nginx: throughput ${r.throughput.toFixed(2)}x, proxy CPU/req ${r.cpu.toFixed(2)}x, p99 ${r.p99.toFixed(2)}x`,
    );
  }
  const line = (name: string, key: keyof Ratios, goal: string, met: (x: number) => boolean) => {
    const values = all.map((r) => r[key]);
    const m = median(values);
    console.log(
      `gantry/nginx ${name.padEnd(14)} median ${m.toFixed(2)}x  (rounds: ${values.map((v) => v.toFixed(2)).join(', ')}; spread ${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})  goal ${goal}: ${met(m) ? 'met' : 'NOT met'}`,
    );
  };
  console.log('');
  line('throughput', 'throughput', `>= ${GOALS.throughput}`, (x) => x >= GOALS.throughput);
  line('proxy CPU/req', 'cpu', `<= ${GOALS.cpu}`, (x) => x <= GOALS.cpu);
  line('p99', 'p99', `<= ${GOALS.p99}`, (x) => x <= GOALS.p99);
}

let proxy: RunningProxy | undefined;

try {
  await main();
} finally {
  await proxy?.stop();
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
