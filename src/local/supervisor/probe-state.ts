/**
 * Probe bookkeeping, the way the kubelet's probe workers count. Pure: no timers, no I/O. The
 * replica feeds each probe result in and reads back what changed.
 *
 * - Each probe remembers the last result it reported and how many results in a row matched the
 *   latest one. A result flips only after `successThreshold` successes or `failureThreshold`
 *   failures in a row; until then the previous result holds.
 * - Initial results: startup fails (not started), liveness succeeds, readiness fails.
 * - The startup probe runs first; liveness and readiness results are ignored until it has
 *   succeeded once (no startup probe: started at once). After that it no longer runs.
 * - A startup probe failing `failureThreshold` times in a row, or liveness flipping to failure,
 *   means kill (and restart). The state is then on hold: results are ignored until the next
 *   process gets fresh state from `initialProbes`.
 * - Ready = started and readiness succeeded (no readiness probe: started). Availability adds
 *   minReadySeconds on top: ready for that long without interruption.
 */
import type { ProbeSpec } from '../../spec/schema.ts';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';
export const PROBE_KINDS: readonly ProbeKind[] = ['startup', 'liveness', 'readiness'];

export type Thresholds = Pick<ProbeSpec, 'successThreshold' | 'failureThreshold'>;
export type ProbeThresholds = Partial<Record<ProbeKind, Thresholds>>;

export interface ProbeCounter {
  /** The result the probe reports (what the thresholds let through). */
  result: boolean;
  /** The latest raw check result, null before the first one. */
  last: boolean | null;
  /** How many raw results in a row equal `last`. */
  run: number;
}

export function initialCounter(kind: ProbeKind): ProbeCounter {
  return { result: kind === 'liveness', last: null, run: 0 };
}

/** One check result through the thresholds. */
export function feedCounter(counter: ProbeCounter, ok: boolean, thresholds: Thresholds): ProbeCounter {
  const run = counter.last === ok ? counter.run + 1 : 1;
  const threshold = ok ? thresholds.successThreshold : thresholds.failureThreshold;
  return { result: run >= threshold ? ok : counter.result, last: ok, run };
}

export interface ProbeStates {
  started: boolean;
  /** The readiness probe's result; true when there is no readiness probe. */
  readinessOk: boolean;
  /** A kill was decided; results are ignored until a new process starts. */
  held: boolean;
  counters: Partial<Record<ProbeKind, ProbeCounter>>;
}

/** Fresh state for a new (or newly adopted) process. */
export function initialProbes(probes: ProbeThresholds): ProbeStates {
  const counters: Partial<Record<ProbeKind, ProbeCounter>> = {};
  for (const kind of PROBE_KINDS) if (probes[kind]) counters[kind] = initialCounter(kind);
  return { started: !probes.startup, readinessOk: !probes.readiness, held: false, counters };
}

/**
 * What a replica's probes had said when its daemon last saw it, kept in SQLite so a new daemon
 * resumes where the old one stopped instead of starting the adopted process as not ready (the
 * kubelet likewise keeps a running container's readiness across its own restart).
 */
export interface ProbeSnapshot {
  started: boolean;
  /** The readiness probe's result (true without a readiness probe). */
  readinessOk: boolean;
  /** When probeReady last turned true (epoch ms), null while not ready: minReadySeconds counts from it. */
  readySince: number | null;
}

/**
 * Probe state for an adopted process from its snapshot: each reported result as it was, as if the
 * last check had just confirmed it (a run of one); liveness starts passing, as always. The next
 * checks go through the thresholds from there.
 */
export function resumedProbes(probes: ProbeThresholds, snapshot: ProbeSnapshot): ProbeStates {
  const state = initialProbes(probes);
  // Not started yet: nothing had been learnt that a fresh start would not learn again.
  if (!snapshot.started) return state;
  const confirmed = (result: boolean): ProbeCounter => ({ result, last: result, run: 1 });
  if (probes.startup) state.counters.startup = confirmed(snapshot.started);
  if (probes.readiness) state.counters.readiness = confirmed(snapshot.readinessOk);
  return {
    ...state,
    started: true,
    readinessOk: snapshot.readinessOk || !probes.readiness,
  };
}

/** Whether a probe of this kind should run now (the startup probe until started, the others after). */
export function isActive(state: ProbeStates, probes: ProbeThresholds, kind: ProbeKind): boolean {
  if (state.held || !probes[kind]) return false;
  return kind === 'startup' ? !state.started : state.started;
}

export interface FeedResult {
  state: ProbeStates;
  /** The startup probe just succeeded (liveness and readiness may run now). */
  started: boolean;
  /** Kill the process and restart it: the startup probe gave up, or liveness failed. */
  kill: 'startup' | 'liveness' | null;
  /** The readiness probe's result flipped. */
  readinessChanged: boolean;
}

export function feed(state: ProbeStates, probes: ProbeThresholds, kind: ProbeKind, ok: boolean): FeedResult {
  const unchanged: FeedResult = { state, started: false, kill: null, readinessChanged: false };
  const thresholds = probes[kind];
  const counter = state.counters[kind];
  if (!thresholds || !counter || !isActive(state, probes, kind)) return unchanged;
  const next = feedCounter(counter, ok, thresholds);
  const counters = { ...state.counters, [kind]: next };
  switch (kind) {
    case 'startup': {
      if (next.result) return { ...unchanged, state: { ...state, counters, started: true }, started: true };
      const giveUp = !ok && next.run >= thresholds.failureThreshold;
      return { ...unchanged, state: { ...state, counters, held: giveUp }, kill: giveUp ? 'startup' : null };
    }
    case 'liveness': {
      const failed = counter.result && !next.result;
      return { ...unchanged, state: { ...state, counters, held: failed }, kill: failed ? 'liveness' : null };
    }
    case 'readiness':
      return {
        ...unchanged,
        state: { ...state, counters, readinessOk: next.result },
        readinessChanged: next.result !== state.readinessOk,
      };
  }
}

/** Ready by the probes: started, and readiness passing. */
export function probeReady(state: ProbeStates): boolean {
  return state.started && state.readinessOk && !state.held;
}

/**
 * minReadySeconds: ready only once the probes have said ready for `minReadyMs` without interruption.
 * `readySince` is when probeReady last turned true (null while not ready). `recheckInMs` says when
 * the answer changes by time alone.
 */
export function availability(
  readySince: number | null,
  now: number,
  minReadyMs: number,
): { ready: boolean; recheckInMs: number | null } {
  if (readySince === null) return { ready: false, recheckInMs: null };
  const left = readySince + minReadyMs - now;
  return left <= 0 ? { ready: true, recheckInMs: null } : { ready: false, recheckInMs: left };
}
