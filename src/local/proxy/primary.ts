/**
 * The proxy's primary: the data plane's one long-lived process per app, started by the daemon and
 * adopted by the next one. It holds
 * - the listening sockets (bound here, accepted on by every worker: the kernel spreads connections),
 * - the workers, one per core, restarted when one dies (its connections die with it, the others
 *   keep serving),
 * - the unix socket the daemon programs it through (protocol.ts), and
 * - what the workers counted: windows per listener and version, requests per backend, Prometheus
 *   series — pushed to the daemon as they come, and given whole to a daemon that (re)connects.
 *
 * It makes no decision: the table it serves is the daemon's, and it keeps serving the last one when
 * the daemon is gone. Replacing a proxy (`replace`: the predecessor's process group) drains the
 * predecessor once this one's workers are ready, then binds the ports as they come free.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../../root.ts';
import { LbMetrics } from '../lb/metrics.ts';
import { ListenerTally } from '../lb/tally.ts';
import {
  type BackoffPolicy,
  type BackoffState,
  INITIAL_BACKOFF,
  nextRestart,
} from '../supervisor/backoff.ts';
import { readProcStat } from '../supervisor/process-group.ts';
import { bindListenHandle, type ListenHandle, PortInUse } from './listen-handle.ts';
import {
  type ApplyResult,
  type FromWorker,
  type HelloResult,
  type ListenerCounts,
  type ListenerSpec,
  PROTOCOL,
  type Push,
  REPORT_MS,
  type Reply,
  type Request,
  readLines,
  type Table,
  type ToWorker,
} from './protocol.ts';
import { drainPredecessor } from './takeover.ts';

/** Built beside this file's own build (scripts/build.js). */
const WORKER = join(ROOT, 'dist', 'proxy-worker.js');
const HOST = '127.0.0.1';
/** How long a port the predecessor still holds is waited for after it was told to drain. */
const TAKEOVER_WAIT_MS = 3000;
const SPIN_MS = 200;
/** A dead worker is replaced at once; one that keeps dying soon after its start waits 1 s, 2 s … 30 s. */
const WORKER_BACKOFF: BackoffPolicy = {
  initialMs: 1000,
  maxMs: 30_000,
  resetAfterRunMs: 10_000,
  resetAfterReadyMs: Number.POSITIVE_INFINITY,
};

export interface PrimaryOptions {
  socketPath: string;
  workers: number;
  /** The process group (its primary's pid) of the proxy this one replaces. */
  replace?: number;
  log(line: string): void;
}

interface Listening {
  spec: ListenerSpec;
  handle: ListenHandle;
  port: number;
  tally: ListenerTally;
}

interface Worker {
  child: ChildProcess;
  ready: boolean;
  startedAt: number;
}

export class ProxyPrimary {
  private readonly listeners = new Map<string, Listening>();
  private readonly workers = new Set<Worker>();
  private readonly daemons = new Set<net.Socket>();
  private readonly prom = new LbMetrics();
  /** Counts not yet pushed to the daemon. */
  private pending: Record<string, ListenerCounts> = {};
  private table: Table = { listeners: [] };
  private applying: Promise<unknown> = Promise.resolve();
  private stopping = false;
  private workersReady: Promise<void>;
  private drainedAt = 0;
  private backoff: BackoffState = INITIAL_BACKOFF;
  private server: net.Server | undefined;

  private constructor(private readonly options: PrimaryOptions) {
    const starting = Array.from({ length: options.workers }, () => this.startWorker());
    this.workersReady = Promise.all(starting).then(() => undefined);
    setInterval(() => this.push(), REPORT_MS).unref();
  }

  static async start(options: PrimaryOptions): Promise<ProxyPrimary> {
    process.umask(0o077);
    const primary = new ProxyPrimary(options);
    await primary.workersReady;
    await primary.listenControl();
    return primary;
  }

  private info(): HelloResult['info'] {
    return {
      pid: process.pid,
      startTime: readProcStat(process.pid)?.startTime ?? 0,
      protocol: PROTOCOL,
      workers: [...this.workers].map((w) => w.child.pid ?? 0),
    };
  }

  // ── workers ───────────────────────────────────────────────────────────────────────────────

  private startWorker(): Promise<void> {
    const child = fork(WORKER, [], {
      execArgv: [],
      // Nothing of the daemon's environment: no secret reaches the data plane.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker: Worker = { child, ready: false, startedAt: Date.now() };
    this.workers.add(worker);
    return new Promise<void>((resolve) => {
      child.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          worker.ready = true;
          for (const [key, listening] of this.listeners) this.sendListen(worker, key, listening);
          this.sendTable(worker);
          this.tell({ push: 'info', info: this.info() });
          resolve();
        } else if (message.type === 'counts') this.counted(message.listeners);
        else if (message.type === 'listen-failed')
          this.options.log(`worker ${child.pid}: listener ${message.key} failed: ${message.message}`);
      });
      child.on('exit', (code, signal) => {
        this.workers.delete(worker);
        resolve();
        if (this.stopping) return;
        const next = nextRestart(this.backoff, WORKER_BACKOFF, {
          ranForMs: Date.now() - worker.startedAt,
          readyForMs: 0,
        });
        this.backoff = next.state;
        const delay = next.delayMs;
        this.options.log(
          `worker ${child.pid} exited (${signal ?? `code ${code}`}); a new one starts${delay ? ` in ${delay} ms` : ''}`,
        );
        setTimeout(() => void this.startWorker(), delay);
      });
    });
  }

  private sendListen(worker: Worker, key: string, listening: Listening): void {
    const message: ToWorker = { type: 'listen', key, service: listening.spec.service };
    // A raw TCP handle travels like a net.Server's (child_process's 'net.Native' handle type).
    worker.child.send(message, listening.handle as net.Server);
  }

  private sendTable(worker: Worker): void {
    const message: ToWorker = {
      type: 'table',
      listeners: this.table.listeners.map(({ key, backends, weights }) => ({ key, backends, weights })),
    };
    worker.child.send(message);
  }

  private broadcast(message: ToWorker): void {
    for (const worker of this.workers) if (worker.ready && worker.child.connected) worker.child.send(message);
  }

  // ── the table ─────────────────────────────────────────────────────────────────────────────

  /** Applies a whole table (one at a time, in order). */
  apply(table: Table): Promise<ApplyResult> {
    const next = this.applying.then(() => this.applyNow(table));
    this.applying = next.catch(() => undefined);
    return next;
  }

  private async applyNow(table: Table): Promise<ApplyResult> {
    await this.workersReady;
    if (this.options.replace !== undefined && this.drainedAt === 0) {
      const pids = drainPredecessor(this.options.replace);
      this.drainedAt = Date.now();
      if (pids.length > 0) this.options.log(`taking over from the proxy before (pids ${pids.join(', ')})`);
    }
    const wanted = new Set(table.listeners.map((l) => l.key));
    for (const [key, listening] of this.listeners) {
      if (wanted.has(key)) continue;
      this.listeners.delete(key);
      this.broadcast({ type: 'close', key });
      listening.handle.close();
    }
    const moved: Record<string, string> = {};
    const now = Date.now();
    for (const spec of table.listeners) {
      let listening = this.listeners.get(spec.key);
      if (!listening) {
        const { handle, port, message } = await this.bind(spec.port);
        if (message) moved[spec.key] = message;
        listening = {
          spec,
          handle,
          port,
          tally: new ListenerTally(spec.service, spec.prometheus ? this.prom : undefined),
        };
        this.listeners.set(spec.key, listening);
        for (const worker of this.workers) if (worker.ready) this.sendListen(worker, spec.key, listening);
      }
      listening.spec = spec;
      for (const backend of spec.backends) listening.tally.windows.open(backend.version, now);
      listening.tally.track(new Set(spec.backends.map((b) => b.id)));
    }
    this.table = table;
    for (const worker of this.workers) if (worker.ready) this.sendTable(worker);
    return { ports: this.ports(), moved };
  }

  /**
   * Binds the port; one the predecessor still holds is waited for; a taken one is given up for a
   * free one. While the predecessor lets go, every millisecond of the port being free is a refused
   * connection: the first SPIN_MS are a busy loop of bind attempts, then it polls.
   */
  private async bind(port: number): Promise<{ handle: ListenHandle; port: number; message?: string }> {
    for (;;) {
      try {
        return bindListenHandle(HOST, port);
      } catch (error) {
        if (!(error instanceof PortInUse)) throw error;
        const waited = Date.now() - this.drainedAt;
        if (this.drainedAt > 0 && waited < TAKEOVER_WAIT_MS) {
          if (waited >= SPIN_MS) await new Promise((resolve) => setTimeout(resolve, 1));
          continue;
        }
        const free = bindListenHandle(HOST, 0);
        return {
          ...free,
          message: `port ${port} is in use; the load balancer listens on ${free.port} instead`,
        };
      }
    }
  }

  private ports(): Record<string, number> {
    return Object.fromEntries([...this.listeners].map(([key, l]) => [key, l.port]));
  }

  // ── counts ────────────────────────────────────────────────────────────────────────────────

  private counted(listeners: Record<string, ListenerCounts>): void {
    for (const [key, counts] of Object.entries(listeners)) {
      const listening = this.listeners.get(key);
      if (!listening) continue;
      listening.tally.add(counts);
      const queued = this.pending[key];
      if (!queued) this.pending[key] = { seconds: [...counts.seconds], served: { ...counts.served } };
      else {
        queued.seconds.push(...counts.seconds);
        for (const [id, n] of Object.entries(counts.served)) queued.served[id] = (queued.served[id] ?? 0) + n;
      }
    }
  }

  private push(): void {
    const listeners = this.pending;
    if (Object.keys(listeners).length === 0) return;
    this.pending = {};
    this.tell({ push: 'counts', listeners });
  }

  private tell(message: Push): void {
    const line = `${JSON.stringify(message)}\n`;
    for (const daemon of this.daemons) daemon.write(line);
  }

  private hello(): HelloResult {
    const snapshot: HelloResult['snapshot'] = {};
    for (const [key, listening] of this.listeners)
      snapshot[key] = {
        windows: listening.tally.windows.export(),
        served: Object.fromEntries(listening.tally.served()),
      };
    // What a snapshot holds must not arrive a second time as a push.
    this.pending = {};
    return { info: this.info(), table: this.table, ports: this.ports(), snapshot };
  }

  // ── the control socket ────────────────────────────────────────────────────────────────────

  private async listenControl(): Promise<void> {
    rmSync(this.options.socketPath, { force: true });
    const server = net.createServer((socket) => this.serveDaemon(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.socketPath, () => resolve());
    });
    chmodSync(this.options.socketPath, 0o600);
    this.server = server;
  }

  private serveDaemon(socket: net.Socket): void {
    this.daemons.add(socket);
    readLines(socket, (line) => void this.answer(socket, line));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.daemons.delete(socket));
  }

  private async answer(socket: net.Socket, line: string): Promise<void> {
    let request: Request;
    try {
      request = JSON.parse(line) as Request;
    } catch {
      return;
    }
    let reply: Reply;
    try {
      reply = { id: request.id, ok: true, result: await this.handle(request) };
    } catch (error) {
      reply = { id: request.id, ok: false, error: (error as Error).message };
    }
    if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
    if (request.op === 'stop' && reply.ok) void this.stop();
  }

  private async handle(request: Request): Promise<unknown> {
    switch (request.op) {
      case 'hello':
        return this.hello();
      case 'apply':
        return this.apply(request.table);
      case 'prometheus':
        return this.prom.registry.metrics();
      case 'stop':
        return { stopping: true };
    }
  }

  // ── ending ────────────────────────────────────────────────────────────────────────────────

  /** `gantry down`: every worker closes its listeners and connections; then this process exits. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.broadcast({ type: 'stop' });
    await this.workersGone(5000);
    for (const listening of this.listeners.values()) listening.handle.close();
    this.server?.close();
    rmSync(this.options.socketPath, { force: true });
    process.exit(0);
  }

  /** A successor takes over: the workers drain (it signals them too); the socket is already the successor's. */
  async yieldToSuccessor(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.server?.close();
    for (const worker of this.workers) worker.child.kill('SIGTERM');
    await this.workersGone(35_000);
    process.exit(0);
  }

  private async workersGone(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.workers.size > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    for (const worker of this.workers) worker.child.kill('SIGKILL');
  }
}
