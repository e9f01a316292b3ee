/**
 * One service replica for its whole life, as a kubelet runs a pod's container: the process (in its
 * own process group and session, so it outlives a SIGKILLed daemon), restarts (restartPolicy Always
 * with CrashLoopBackOff), startup/liveness/readiness probes, minReadySeconds, log rotation and the
 * graceful stop (not ready → preStop → SIGTERM → SIGKILL after the grace period).
 *
 * The counting rules live in the pure modules probe-state.ts and backoff.ts; this file only drives
 * timers and processes. It never throws on a child error: a command that cannot start is an exit,
 * an event and a backoff like any other.
 *
 * Events: 'ready' (ready: boolean) whenever readiness changes; 'probes' (ProbeSnapshot) whenever what
 * the probes say changes (to be saved for a daemon that adopts this process later); 'event'
 * (ReplicaEvent); 'process' (pid, startTime) when a new process started; 'stopped' when stop()
 * completed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ProbeSpec } from '../../spec/schema.ts';
import {
  type BackoffPolicy,
  type BackoffState,
  INITIAL_BACKOFF,
  LOCAL_BACKOFF,
  nextRestart,
} from './backoff.ts';
import { runCheck } from './checks.ts';
import { DEFAULT_MAX_LOG_BYTES, rotateIfNeeded } from './logs.ts';
import {
  availability,
  feed,
  initialProbes,
  isActive,
  type ProbeKind,
  type ProbeSnapshot,
  type ProbeStates,
  probeReady,
  resumedProbes,
} from './probe-state.ts';
import { readProcStat, shellScript, signalGroup, startedAtMs } from './process-group.ts';

export type { BackoffPolicy } from './backoff.ts';

export interface ReplicaSpec {
  service: string;
  id: string;
  index: number;
  version: string;
  /** The spec's `run`, executed with /bin/sh -c (with `exec` when it is a simple command). */
  command: string;
  cwd: string;
  /** The complete environment for the child (read at each start). Never logged: it holds secret values. */
  readonly env: Record<string, string>;
  /** Where probes reach it (http/tcp); fixed for the replica's life. */
  host: string;
  port: number;
  health: { liveness?: ProbeSpec; readiness?: ProbeSpec; startup?: ProbeSpec };
  shutdown: { preStopSeconds: number; gracePeriodSeconds: number };
  minReadySeconds: number;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** Default 10 MiB; 3 rotated files are kept (.1 .2 .3). */
  maxLogBytes?: number;
  /** Default LOCAL_BACKOFF: KEP-4603's 1 s doubling to 60 s, reset once ready for 1 s (see backoff.ts). */
  backoff?: BackoffPolicy;
}

export type ReplicaPhase = 'starting' | 'running' | 'backoff' | 'terminating' | 'stopped';

export interface ReplicaStatus {
  id: string;
  service: string;
  version: string;
  index: number;
  port: number;
  pid: number | null;
  /** /proc/<pid>/stat field 22 (start ticks): with the pid, identifies the process for adoption. */
  startTime: number | null;
  phase: ReplicaPhase;
  started: boolean;
  ready: boolean;
  restarts: number;
  lastExit?: { code: number | null; signal: string | null; at: number; reason: string };
  /** Epoch ms while waiting to restart. */
  backoffUntil?: number;
}

export interface ReplicaEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  at: number;
}

/** How often the log file's size is checked for rotation. */
const LOG_CHECK_MS = 1000;
/** How often an adopted process (not our child, so no exit event) is checked for life. */
const ADOPTED_POLL_MS = 200;
/** Extra time after SIGTERM when preStop used up the whole grace period (the kubelet's 2 s). */
const PRESTOP_OVERRUN_GRACE_MS = 2000;

interface Exit {
  code: number | null;
  signal: string | null;
  reason: string;
}

/** One process instance, from spawn (or adoption) until it is gone. */
interface Instance {
  pid: number | null;
  startTime: number | null;
  startedAt: number;
  child: ChildProcess | null;
  gone: boolean;
  /** Resolves when the process is gone. */
  exited: Promise<void>;
  resolveExited: () => void;
  /** Timers that die with the process: probes, minReady recheck, termination, adopted polling. */
  timers: Set<NodeJS.Timeout>;
  probeTimers: Map<ProbeKind, NodeJS.Timeout>;
  /** Cancels probe checks in flight. */
  abort: AbortController;
  terminating: Promise<void> | null;
  /** The pending minReadySeconds re-evaluation. */
  recheck: NodeJS.Timeout | null;
}

const CAPITAL: Record<ProbeKind, string> = {
  startup: 'Startup',
  liveness: 'Liveness',
  readiness: 'Readiness',
};

export class Replica extends EventEmitter {
  readonly spec: ReplicaSpec;
  #phase: ReplicaPhase = 'stopped';
  #active = false;
  #instance: Instance | null = null;
  #restarts = 0;
  #lastExit: ReplicaStatus['lastExit'];
  #backoffUntil: number | undefined;
  #backoff: BackoffState = INITIAL_BACKOFF;
  #probes: ProbeStates;
  #readySince: number | null = null;
  /** The last snapshot emitted as 'probes'. */
  #snapshotKey = '';
  #ready = false;
  #stopRequested = false;
  #stopping: Promise<void> | null = null;
  /** Replica-level timers: the restart after backoff, log rotation. */
  #timers = new Set<NodeJS.Timeout>();
  #restartTimer: NodeJS.Timeout | null = null;
  #rotating = false;

  constructor(spec: ReplicaSpec) {
    super();
    this.spec = spec;
    this.#probes = initialProbes(spec.health);
  }

  // ── public API ────────────────────────────────────────────────────────────────────────────

  /** Spawns the process and supervises it. Calling it again (or after adopt) does nothing. */
  start(): void {
    if (this.#active || this.#stopRequested) return;
    this.#active = true;
    this.#startLogRotation();
    this.#spawn();
  }

  /**
   * Takes over a process a previous daemon started: true if /proc/<pid> exists with that start
   * time (and is not a zombie). It is then supervised like a child, except that its exit is
   * noticed by polling /proc. With the probes' last snapshot it resumes from it (a replica that
   * was ready is ready at once, no gap in its traffic); without one (an older state directory) its
   * probes start over, at once. The controller records any "adopted" event; this emits none, and
   * no 'process' event either (the process is not new).
   */
  adopt(pid: number, startTime: number, restarts: number, snapshot?: ProbeSnapshot): boolean {
    if (this.#active || this.#stopRequested) return false;
    if (!Number.isSafeInteger(pid) || pid <= 1) return false;
    const stat = readProcStat(pid);
    if (!stat || stat.state === 'Z' || stat.startTime !== startTime) return false;
    this.#active = true;
    this.#restarts = restarts;
    this.#startLogRotation();
    const instance = this.#newInstance(pid, startTime, startedAtMs(startTime), null);
    if (snapshot) {
      this.#probes = resumedProbes(this.spec.health, snapshot);
      if (probeReady(this.#probes)) this.#readySince = snapshot.readySince ?? Date.now();
    }
    const poll = setInterval(() => {
      const now = readProcStat(pid);
      if (!now || now.state === 'Z' || now.startTime !== startTime) {
        this.#gone(instance, { code: null, signal: null, reason: 'Unknown' });
      }
    }, ADOPTED_POLL_MS);
    // Ref'd: it stands in for the child handle, which would keep the daemon alive too.
    instance.timers.add(poll);
    this.#begin(instance);
    return true;
  }

  /**
   * Graceful stop, with no restart afterwards: 'ready' false first (if it was ready), then a
   * `Killing` event, preStopSeconds, SIGTERM to the process group, SIGKILL to it once
   * gracePeriodSeconds (counted from the start of the stop) have passed; resolves once the process
   * is gone and every timer is cleared, after emitting 'stopped'. Idempotent.
   */
  stop(): Promise<void> {
    if (this.#stopping) return this.#stopping;
    this.#stopRequested = true;
    this.#stopping = (async () => {
      this.#clearRestartTimer();
      this.#backoffUntil = undefined;
      const instance = this.#instance;
      if (instance && !instance.gone) {
        this.#updateReady();
        if (!instance.terminating)
          this.#event(
            'Normal',
            'Killing',
            `Stopping container ${this.spec.service} (replica ${this.spec.id})`,
          );
        await this.#terminate(instance);
      }
      this.#phase = 'stopped';
      for (const timer of this.#timers) clearTimeout(timer);
      this.#timers.clear();
      this.#updateReady();
      this.emit('stopped');
    })();
    return this.#stopping;
  }

  /** What the probes say now, as a new daemon would resume from it. */
  probeSnapshot(): ProbeSnapshot {
    return {
      started: this.#probes.started,
      readinessOk: this.#probes.readinessOk,
      readySince: this.#readySince,
    };
  }

  status(): ReplicaStatus {
    const { service, id, version, index, port } = this.spec;
    const instance = this.#instance && !this.#instance.gone ? this.#instance : null;
    const status: ReplicaStatus = {
      id,
      service,
      version,
      index,
      port,
      pid: instance?.pid ?? null,
      startTime: instance?.startTime ?? null,
      phase: this.#phase,
      started: instance !== null && this.#probes.started,
      ready: this.#ready,
      restarts: this.#restarts,
    };
    if (this.#lastExit) status.lastExit = { ...this.#lastExit };
    if (this.#backoffUntil !== undefined) status.backoffUntil = this.#backoffUntil;
    return status;
  }

  // ── processes ─────────────────────────────────────────────────────────────────────────────

  #newInstance(pid: number | null, startTime: number | null, startedAt: number, child: ChildProcess | null) {
    let resolveExited!: () => void;
    const exited = new Promise<void>((resolve) => {
      resolveExited = resolve;
    });
    const instance: Instance = {
      pid,
      startTime,
      startedAt,
      child,
      gone: false,
      exited,
      resolveExited,
      timers: new Set(),
      probeTimers: new Map(),
      abort: new AbortController(),
      terminating: null,
      recheck: null,
    };
    this.#instance = instance;
    this.#probes = initialProbes(this.spec.health);
    this.#readySince = null;
    this.#phase = 'starting';
    return instance;
  }

  #spawn(): void {
    const { spec } = this;
    const instance = this.#newInstance(null, null, Date.now(), null);
    let fd: number | null = null;
    let child: ChildProcess;
    try {
      // Private to this user: a replica's output may hold anything it prints.
      mkdirSync(dirname(spec.logFile), { recursive: true, mode: 0o700 });
      fd = openSync(spec.logFile, 'a', 0o600);
      child = spawn('/bin/sh', ['-c', shellScript(spec.command)], {
        cwd: spec.cwd,
        env: spec.env,
        detached: true,
        stdio: ['ignore', fd, fd],
      });
    } catch (error) {
      this.#startFailed(instance, error);
      return;
    } finally {
      if (fd !== null) closeSync(fd);
    }
    instance.child = child;
    child.on('error', (error) => {
      // Only a failed spawn matters here; errors from kill() on a dead process do not.
      if (child.pid === undefined) this.#startFailed(instance, error);
    });
    child.on('exit', (code, signal) => {
      if (child.pid === undefined) return;
      this.#gone(instance, { code, signal, reason: code === 0 ? 'Completed' : 'Error' });
    });
    if (child.pid === undefined) return; // 'error' follows
    instance.pid = child.pid;
    // The process exists (at worst as a zombie not yet reaped), so its stat is readable now.
    instance.startTime = readProcStat(child.pid)?.startTime ?? null;
    this.emit('process', instance.pid, instance.startTime);
    this.#event(
      'Normal',
      'Started',
      `Started container ${spec.service} (replica ${spec.id}, pid ${child.pid})`,
    );
    this.#begin(instance);
  }

  #startFailed(instance: Instance, error: unknown): void {
    if (instance.gone) return;
    const message = error instanceof Error ? error.message : String(error);
    this.#event('Warning', 'Failed', `Error: failed to start container ${this.spec.service}: ${message}`);
    this.#gone(instance, { code: null, signal: null, reason: 'StartError' });
  }

  /** A process is running (spawned or adopted): start probing it. */
  #begin(instance: Instance): void {
    const { health } = this.spec;
    if (health.startup)
      this.#scheduleProbe(
        instance,
        'startup',
        instance.startedAt + health.startup.initialDelaySeconds * 1000,
      );
    else this.#scheduleAfterStart(instance);
    this.#updateReady();
  }

  /** The process is gone (exited, killed, or failed to start): restart unless stopping. */
  #gone(instance: Instance, exit: Exit): void {
    if (instance.gone) return;
    instance.gone = true;
    for (const timer of instance.timers) clearTimeout(timer);
    for (const timer of instance.probeTimers.values()) clearTimeout(timer);
    instance.timers.clear();
    instance.probeTimers.clear();
    instance.abort.abort();
    // Like a container's PID namespace: when the main process ends, whatever it left behind in its
    // group goes too.
    if (instance.pid !== null) signalGroup(instance.pid, 'SIGKILL');
    const at = Date.now();
    // How long it had been ready, before the exit clears it: only a probe's word counts as proof.
    const probed = this.spec.health.readiness !== undefined || this.spec.health.startup !== undefined;
    const readyForMs = probed && this.#readySince !== null ? at - this.#readySince : 0;
    this.#lastExit = { code: exit.code, signal: exit.signal, at, reason: exit.reason };
    this.#updateReady();
    instance.resolveExited();
    if (this.#stopRequested || this.#instance !== instance) return;

    const { delayMs, state } = nextRestart(this.#backoff, this.spec.backoff ?? LOCAL_BACKOFF, {
      ranForMs: at - instance.startedAt,
      readyForMs,
    });
    this.#backoff = state;
    this.#phase = 'backoff';
    if (delayMs > 0) {
      this.#backoffUntil = at + delayMs;
      this.#event(
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${this.spec.service} in replica ${this.spec.id} (${formatMs(delayMs)})`,
      );
    }
    // Even an immediate restart goes through a timer, so a command that fails at once cannot recurse.
    this.#restartTimer = this.#later(this.#timers, delayMs, true, () => {
      this.#restartTimer = null;
      if (this.#stopRequested) return;
      this.#backoffUntil = undefined;
      this.#restarts++;
      this.#spawn();
    });
  }

  /**
   * Kills the process gracefully: not ready, preStop, SIGTERM, SIGKILL at the end of the grace
   * period (counted from now). Resolves when it is gone. Used by stop() and by probe kills.
   */
  #terminate(instance: Instance): Promise<void> {
    if (instance.gone) return Promise.resolve();
    if (instance.terminating) return instance.terminating;
    this.#phase = 'terminating';
    for (const timer of instance.probeTimers.values()) clearTimeout(timer);
    instance.probeTimers.clear();
    instance.abort.abort();
    this.#updateReady();
    const { preStopSeconds, gracePeriodSeconds } = this.spec.shutdown;
    const graceMs = gracePeriodSeconds * 1000;
    const preStopMs = Math.min(preStopSeconds * 1000, graceMs);
    const pid = instance.pid;
    if (pid !== null) {
      this.#later(instance.timers, preStopMs, true, () => {
        signalGroup(pid, 'SIGTERM');
        const killInMs = preStopMs >= graceMs ? PRESTOP_OVERRUN_GRACE_MS : graceMs - preStopMs;
        this.#later(instance.timers, killInMs, true, () => {
          this.#event(
            'Warning',
            'Killing',
            `Container ${this.spec.service} (replica ${this.spec.id}) did not stop within ${gracePeriodSeconds}s; sending SIGKILL`,
          );
          signalGroup(pid, 'SIGKILL');
        });
      });
    }
    instance.terminating = instance.exited;
    return instance.terminating;
  }

  // ── probes ────────────────────────────────────────────────────────────────────────────────

  /** Liveness and readiness start once the process has started (their initialDelay counts from the process start). */
  #scheduleAfterStart(instance: Instance): void {
    for (const kind of ['liveness', 'readiness'] as const) {
      const probe = this.spec.health[kind];
      if (probe) this.#scheduleProbe(instance, kind, instance.startedAt + probe.initialDelaySeconds * 1000);
    }
  }

  #scheduleProbe(instance: Instance, kind: ProbeKind, at: number): void {
    const previous = instance.probeTimers.get(kind);
    if (previous) clearTimeout(previous);
    const timer = setTimeout(
      () => {
        instance.probeTimers.delete(kind);
        void this.#probe(instance, kind);
      },
      Math.max(0, at - Date.now()),
    );
    timer.unref();
    instance.probeTimers.set(kind, timer);
  }

  #probeRunning(instance: Instance): boolean {
    return this.#instance === instance && !instance.gone && !instance.terminating && !this.#stopRequested;
  }

  async #probe(instance: Instance, kind: ProbeKind): Promise<void> {
    const probe = this.spec.health[kind];
    if (!probe || !this.#probeRunning(instance) || !isActive(this.#probes, this.spec.health, kind)) return;
    const tickAt = Date.now();
    const { host, port, cwd, env } = this.spec;
    const result = await runCheck(probe, { host, port, cwd, env }, instance.abort.signal);
    if (!this.#probeRunning(instance)) return;

    const outcome = feed(this.#probes, this.spec.health, kind, result.ok);
    this.#probes = outcome.state;
    if (!result.ok) this.#event('Warning', 'Unhealthy', `${CAPITAL[kind]} probe failed: ${result.message}`);
    if (outcome.kill) {
      this.#updateReady(); // not ready first (the state is on hold now), then the kill
      this.#event(
        'Normal',
        'Killing',
        `Container ${this.spec.service} (replica ${this.spec.id}) failed ${outcome.kill} probe, will be restarted`,
      );
      void this.#terminate(instance);
      return;
    }
    if (outcome.started) this.#scheduleAfterStart(instance);
    this.#updateReady();
    if (isActive(this.#probes, this.spec.health, kind)) {
      this.#scheduleProbe(instance, kind, tickAt + probe.periodSeconds * 1000);
    }
  }

  /** Recomputes phase and readiness (probes, minReadySeconds, stop) and emits 'ready' on a change. */
  #updateReady(): void {
    const instance = this.#instance;
    const alive = instance !== null && !instance.gone && !instance.terminating && !this.#stopRequested;
    if (alive && this.#probes.started && this.#phase === 'starting') this.#phase = 'running';
    const now = Date.now();
    if (alive && probeReady(this.#probes)) this.#readySince ??= now;
    else this.#readySince = null;
    const { ready, recheckInMs } = availability(this.#readySince, now, this.spec.minReadySeconds * 1000);
    if (recheckInMs !== null && instance && !instance.recheck) {
      instance.recheck = this.#later(instance.timers, recheckInMs, false, () => {
        instance.recheck = null;
        this.#updateReady();
      });
    }
    const snapshot = this.probeSnapshot();
    const key = `${snapshot.started}/${snapshot.readinessOk}/${snapshot.readySince}`;
    if (key !== this.#snapshotKey) {
      this.#snapshotKey = key;
      this.emit('probes', snapshot);
    }
    if (ready !== this.#ready) {
      this.#ready = ready;
      this.emit('ready', ready);
    }
  }

  // ── plumbing ──────────────────────────────────────────────────────────────────────────────

  #startLogRotation(): void {
    const max = this.spec.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES;
    const timer = setInterval(() => {
      if (this.#rotating) return;
      this.#rotating = true;
      rotateIfNeeded(this.spec.logFile, max)
        .catch(() => false)
        .finally(() => {
          this.#rotating = false;
        });
    }, LOG_CHECK_MS);
    timer.unref();
    this.#timers.add(timer);
  }

  #later(set: Set<NodeJS.Timeout>, ms: number, ref: boolean, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      set.delete(timer);
      fn();
    }, ms);
    if (!ref) timer.unref();
    set.add(timer);
    return timer;
  }

  #clearRestartTimer(): void {
    if (!this.#restartTimer) return;
    clearTimeout(this.#restartTimer);
    this.#timers.delete(this.#restartTimer);
    this.#restartTimer = null;
  }

  #event(type: ReplicaEvent['type'], reason: string, message: string): void {
    const event: ReplicaEvent = { type, reason, message, at: Date.now() };
    this.emit('event', event);
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
