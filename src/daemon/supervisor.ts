/**
 * Keeps a daemon running for one state directory, so that a daemon that dies is back within a
 * second or two without anyone running `gantry up` (the data plane and the replicas never stopped).
 *
 * A cold start cannot promise that: loading the daemon's code alone takes seconds on a busy
 * machine. So the supervisor keeps a standby: a second daemon process that has loaded everything
 * and waits. When the active daemon dies, the standby is told to start at once (it adopts the proxy
 * and the replicas, as any new daemon does), and a new standby loads in the background.
 *
 * The supervisor is the daemons' parent: it learns of a death the moment it happens. A daemon that
 * exits with 0 was asked to stop (`gantry down`): the supervisor stops too. One that never became
 * ready on its first start (an invalid spec, another daemon running) ends the supervisor with its
 * exit code, for `gantry up` to report. After that, a daemon dying again soon after its start waits
 * as a crashing replica does (LOCAL_BACKOFF), so a broken daemon is not restarted in a tight loop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  type BackoffState,
  INITIAL_BACKOFF,
  LOCAL_BACKOFF,
  nextRestart,
} from '../local/supervisor/backoff.ts';

/** What a daemon process says to its supervisor over IPC. */
export type DaemonMessage = { type: 'loaded' } | { type: 'ready'; url: string };
/** What the supervisor says to a daemon: start (to a standby); whether a standby is loaded (to the active one). */
export type SupervisorMessage = { type: 'activate' } | { type: 'standby'; loaded: boolean };

/** Set in a supervised daemon's environment: the supervisor's pid (written to daemon.json). */
export const SUPERVISOR_VARIABLE = 'GANTRY_SUPERVISOR';

export interface SupervisorOptions {
  /** The daemon's command: node with these arguments; `--standby` is added. */
  args: string[];
  /** Where the daemons' output goes (an open file descriptor). */
  logFd: number;
  log(line: string): void;
}

interface Daemon {
  child: ChildProcess;
  loaded: boolean;
  activatedAt: number;
  ready: boolean;
}

export class Supervisor {
  private active: Daemon | undefined;
  private standby: Daemon | undefined;
  private everReady = false;
  private backoff: BackoffState = INITIAL_BACKOFF;
  private stopping = false;
  private readonly done: Promise<number>;
  private finish!: (code: number) => void;

  constructor(private readonly options: SupervisorOptions) {
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  /** Runs until the daemon stops for good; resolves with the exit code to end with. */
  run(): Promise<number> {
    this.activate(this.spawn());
    for (const signal of ['SIGTERM', 'SIGINT'] as const)
      process.on(signal, () => {
        // Stopping the supervisor stops the app, as stopping the daemon did.
        this.stopping = true;
        this.active?.child.kill('SIGTERM');
        this.standby?.child.kill('SIGTERM');
        if (!this.active) this.finish(0);
      });
    process.on('SIGHUP', () => undefined);
    return this.done;
  }

  private spawn(): Daemon {
    const child = spawn(process.execPath, [...this.options.args, '--standby'], {
      stdio: ['ignore', this.options.logFd, this.options.logFd, 'ipc'],
      env: { ...process.env, [SUPERVISOR_VARIABLE]: String(process.pid) },
    });
    const daemon: Daemon = { child, loaded: false, activatedAt: 0, ready: false };
    child.on('message', (message: DaemonMessage) => {
      if (message.type === 'loaded') {
        daemon.loaded = true;
        if (daemon === this.active) this.start(daemon);
        else this.tellStandby();
      } else if (message.type === 'ready') {
        daemon.ready = true;
        this.everReady = true;
        this.options.log(`daemon ${child.pid} ready on ${message.url}`);
        this.tellStandby();
      }
    });
    child.on('exit', (code, signal) => this.exited(daemon, code, signal));
    return daemon;
  }

  /** Makes `daemon` the active one; it starts as soon as it has loaded. */
  private activate(daemon: Daemon): void {
    this.active = daemon;
    daemon.activatedAt = Date.now();
    if (daemon.loaded) this.start(daemon);
  }

  /** Tells the active daemon to start, and the next standby to load meanwhile (a start mostly waits). */
  private start(daemon: Daemon): void {
    this.send(daemon, { type: 'activate' });
    this.ensureStandby();
  }

  /** The active daemon says in its status whether a restart would be quick. */
  private tellStandby(): void {
    if (this.active?.ready)
      this.send(this.active, { type: 'standby', loaded: this.standby?.loaded === true });
  }

  private send(daemon: Daemon, message: SupervisorMessage): void {
    if (daemon.child.connected) daemon.child.send(message);
  }

  private exited(daemon: Daemon, code: number | null, signal: NodeJS.Signals | null): void {
    if (daemon === this.standby) {
      this.standby = undefined;
      this.tellStandby();
      if (!this.stopping) setTimeout(() => this.ensureStandby(), 1000);
      return;
    }
    if (daemon !== this.active) return;
    this.active = undefined;
    const how = signal ?? `code ${code}`;
    if (code === 0 || this.stopping) {
      this.options.log(`daemon ${daemon.child.pid} stopped (${how})`);
      this.standby?.child.kill('SIGTERM');
      this.finish(0);
      return;
    }
    if (!this.everReady) {
      this.options.log(`daemon ${daemon.child.pid} failed to start (${how})`);
      this.standby?.child.kill('SIGTERM');
      this.finish(code ?? 1);
      return;
    }
    const ranForMs = Date.now() - daemon.activatedAt;
    const { delayMs, state } = nextRestart(this.backoff, LOCAL_BACKOFF, {
      ranForMs,
      readyForMs: daemon.ready ? ranForMs : 0,
    });
    this.backoff = state;
    this.options.log(
      `daemon ${daemon.child.pid} died (${how}); ${delayMs > 0 ? `the standby starts in ${delayMs} ms` : 'the standby takes over'}`,
    );
    setTimeout(() => {
      if (this.stopping) return;
      const next = this.standby ?? this.spawn();
      this.standby = undefined;
      this.activate(next);
    }, delayMs);
  }

  private ensureStandby(): void {
    if (!this.standby && !this.stopping && this.active) this.standby = this.spawn();
  }
}
