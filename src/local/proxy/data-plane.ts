/**
 * The daemon's hold on its proxy (the data plane): finds the one a previous daemon started and
 * adopts it untouched, or starts one (taking the ports over from a dead one's workers); merges every
 * service's listeners into one table and programs the proxy with it; keeps a copy of what the proxy
 * counted, so status, analysis, the autoscaler and the dashboard read it without a round trip; and
 * starts a new proxy at once if this one dies.
 *
 * The proxy is recorded in SQLite like a replica (meta `proxy`: pid, start time, socket).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../root.ts';
import { Coalesced } from '../coalesced.ts';
import { ListenerTally } from '../lb/tally.ts';
import type { StateDir } from '../state-dir.ts';
import type { Store } from '../store.ts';
import { isAlive, readProcStat } from '../supervisor/process-group.ts';
import { ProxyClient } from './client.ts';
import {
  type ApplyResult,
  type HelloResult,
  type ListenerSpec,
  PROTOCOL,
  type ProxyInfo,
  type Push,
  type Table,
} from './protocol.ts';

/** The proxy's primary, built into dist/ with the CLI (scripts/build.js). */
const PROXY_MAIN = join(ROOT, 'dist', 'proxy-main.js');
/** A proxy starting on a busy machine (its workers load their code) gets this long to answer. */
const START_TIMEOUT_MS = 60_000;

/** What SQLite keeps of the proxy. */
export interface ProxyRecord {
  pid: number;
  startTime: number;
  socket: string;
}

export interface DataPlaneOptions {
  stateDir: StateDir;
  store: Store;
  /** An event about the proxy (service null) or a listener of a service. */
  record(service: string | null, type: 'Normal' | 'Warning', reason: string, message: string): void;
  log(line: string): void;
}

export class DataPlane {
  private client: ProxyClient | undefined;
  private info: ProxyInfo | undefined;
  /** Each service's listeners, as last set (and as JSON, to skip a table that did not change). */
  private readonly specs = new Map<string, ListenerSpec[]>();
  private readonly sent = new Map<string, string>();
  private ports: Record<string, number> = {};
  private readonly tallies = new Map<string, ListenerTally>();
  /** The listeners the proxy had when this daemon adopted it. */
  adopted: Table = { listeners: [] };
  /** Sends the whole table, always ending with the latest; changes made in one tick go as one. */
  private readonly tableSender = new Coalesced(() => this.apply(), { sameTick: true });
  private closing = false;
  private restarting: Promise<void> | undefined;

  private constructor(private readonly options: DataPlaneOptions) {}

  /** Adopts the running proxy, or starts one. */
  static async open(options: DataPlaneOptions): Promise<DataPlane> {
    const plane = new DataPlane(options);
    const record = options.store.meta<ProxyRecord>('proxy');
    if (record && isAlive(record.pid, record.startTime)) {
      try {
        const hello = await plane.connect(record.socket, 5000);
        if (hello.info.protocol === PROTOCOL) {
          plane.adopted = hello.table;
          options.record(
            null,
            'Normal',
            'ProxyAdopted',
            `adopted the running proxy (pid ${record.pid}, workers ${hello.info.workers.join(', ')}): its listeners keep serving`,
          );
          return plane;
        }
        plane.client?.close();
        options.log(
          `the proxy (pid ${record.pid}) speaks protocol ${hello.info.protocol}, not ${PROTOCOL}: replacing it`,
        );
      } catch (error) {
        options.log(
          `the proxy (pid ${record.pid}) did not answer (${(error as Error).message}): replacing it`,
        );
      }
    }
    await plane.start(record?.pid);
    return plane;
  }

  /** Starts a proxy (one that takes over from process group `replace`) and connects to it. */
  private async start(replace: number | undefined): Promise<void> {
    const { stateDir, store } = this.options;
    const socket = stateDir.proxySocket;
    const log = openSync(stateDir.proxyLog, 'a', 0o600);
    const args = [PROXY_MAIN, '--socket', socket];
    if (replace !== undefined) args.push('--replace', String(replace));
    if (process.env.GANTRY_PROXY_WORKERS) args.push('--workers', process.env.GANTRY_PROXY_WORKERS);
    // Its own session (it outlives the daemon), and nothing of the daemon's environment: no secret
    // reaches the data plane.
    const child = spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', log, log],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    closeSync(log);
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error('could not start the proxy');
    try {
      const hello = await this.connect(socket, START_TIMEOUT_MS, () => isAliveProcess(pid));
      store.setMeta('proxy', { pid, startTime: hello.info.startTime, socket } satisfies ProxyRecord);
      this.options.record(
        null,
        'Normal',
        'ProxyStarted',
        `proxy started (pid ${pid}, workers ${hello.info.workers.join(', ')})${replace !== undefined ? `, taking over from the one before (pid ${replace})` : ''}`,
      );
    } catch (error) {
      const tail = readFileSync(stateDir.proxyLog, 'utf8').trim().split('\n').slice(-10).join('\n');
      throw new Error(`the proxy did not start (${(error as Error).message}); its log ends:\n${tail}`);
    }
  }

  private async connect(socket: string, timeoutMs: number, alive?: () => boolean): Promise<HelloResult> {
    const client = await ProxyClient.connect(
      socket,
      { onPush: (push) => this.pushed(push), onClose: () => this.lost(client) },
      timeoutMs,
      alive,
    );
    this.client = client;
    const hello = (await client.request('hello', {})) as HelloResult;
    this.info = hello.info;
    // A proxy taking over from a dead one serves the same ports once the table is applied; until
    // then the orphaned workers serve them.
    this.ports = { ...this.ports, ...hello.ports };
    for (const spec of hello.table.listeners) {
      const snapshot = hello.snapshot[spec.key];
      const tally = this.tally(spec.key, spec.service);
      for (const { version, since, seconds } of snapshot?.windows ?? [])
        tally.windows.add(version, since, seconds);
      for (const [id, total] of Object.entries(snapshot?.served ?? {})) tally.setServed(id, total);
    }
    return hello;
  }

  /** The proxy went away: start another at once (its workers keep serving until it takes over). */
  private lost(client: ProxyClient): void {
    if (this.closing || client !== this.client) return;
    this.client = undefined;
    const pid = this.info?.pid;
    this.options.record(
      null,
      'Warning',
      'ProxyExited',
      `the proxy (pid ${pid}) went away; starting a new one to take over`,
    );
    this.restarting ??= (async () => {
      // Until one starts: traffic meanwhile is the old workers' (they serve on), or refused.
      for (let attempt = 0; !this.closing; attempt++) {
        try {
          await this.start(pid);
          await this.apply();
          break;
        } catch (error) {
          this.options.record(null, 'Warning', 'ProxyFailed', (error as Error).message);
          await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** attempt)));
        }
      }
      this.restarting = undefined;
    })();
  }

  // ── the table ─────────────────────────────────────────────────────────────────────────────

  /** Sets one service's listeners; resolves once the proxy serves them (the table is sent whole). */
  update(service: string, listeners: ListenerSpec[]): Promise<void> {
    const text = JSON.stringify(listeners);
    if (this.sent.get(service) === text && !this.tableSender.busy) return Promise.resolve();
    this.sent.set(service, text);
    this.specs.set(service, listeners);
    const now = Date.now();
    for (const spec of listeners) {
      const tally = this.tally(spec.key, spec.service);
      for (const backend of spec.backends) tally.windows.open(backend.version, now);
      tally.track(new Set(spec.backends.map((b) => b.id)));
    }
    return this.tableSender.request();
  }

  private async apply(): Promise<void> {
    const client = this.client;
    if (!client) return this.restarting; // the new proxy gets the table once it is up
    const table: Table = { listeners: [...this.specs.values()].flat() };
    const result = (await client.request('apply', { table })) as ApplyResult;
    this.ports = result.ports;
    for (const [key, message] of Object.entries(result.moved)) {
      const service = table.listeners.find((l) => l.key === key)?.service ?? null;
      this.options.record(service, 'Warning', 'PortInUse', message);
    }
  }

  /** The port a listener has, once the proxy serves it. */
  port(key: string): number | undefined {
    return this.ports[key];
  }

  /** What a listener counted (the copy kept here). */
  tally(key: string, service = key): ListenerTally {
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = new ListenerTally(service, undefined);
      this.tallies.set(key, tally);
    }
    return tally;
  }

  private pushed(push: Push): void {
    if (push.push === 'info') this.info = push.info;
    else for (const [key, counts] of Object.entries(push.listeners)) this.tally(key).add(counts);
  }

  /** The Prometheus exposition of every listener's requests. */
  async prometheus(): Promise<string> {
    if (!this.client) throw new Error('the proxy is restarting');
    return (await this.client.request('prometheus', {}, 10_000)) as string;
  }

  /** The proxy's pids, for status; undefined while a new proxy is starting. */
  processes(): { pid: number; workers: number[] } | undefined {
    return this.client && this.info ? { pid: this.info.pid, workers: this.info.workers } : undefined;
  }

  /** `gantry down`: stops the proxy and waits until it is gone. */
  async stop(): Promise<void> {
    this.closing = true;
    const pid = this.info?.pid;
    await this.client?.request('stop', {}, 10_000).catch(() => undefined);
    this.client?.close();
    const deadline = Date.now() + 10_000;
    while (pid !== undefined && isAliveProcess(pid) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    this.options.store.setMeta('proxy', undefined);
  }

  /** The daemon exits, the proxy stays (and keeps serving). */
  detach(): void {
    this.closing = true;
    this.client?.close();
  }
}

function isAliveProcess(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== null && stat.state !== 'Z';
}
