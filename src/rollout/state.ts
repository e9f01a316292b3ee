/**
 * A release as it is persisted after every step: enough to resume it in a new daemon at
 * the same step, and to show it (`gantry rollout status`, `gantry history`).
 */
import type { Measurement, Tally } from './analysis.ts';
import { EMPTY_TALLY } from './analysis.ts';

export type Strategy = 'rolling' | 'blue-green' | 'canary' | 'rollback';
export type ReleaseStatus = 'progressing' | 'paused' | 'succeeded' | 'rolled-back' | 'aborted';

export interface ReleaseState {
  /** Also the revision number `gantry rollback --to-revision` takes. */
  id: number;
  service: string;
  version: string;
  /** The version serving before the release; what a rollback returns to. */
  stable: string;
  strategy: Strategy;
  /** Replicas the service runs at (the stable version's count when the release began). */
  replicas: number;
  status: ReleaseStatus;
  /** Canary: index into the steps. Blue-green: index into its phases. Rolling: unused. */
  step: number;
  stepStartedAt: number;
  /** Last time the release made progress (a replica became ready, a step advanced). */
  lastProgressAt: number;
  /** A promotion asked for by a person: past the current step, or all the way. */
  promote: 'none' | 'step' | 'full';
  gate: Tally;
  background: Tally;
  lastGateAt: number | null;
  lastBackgroundAt: number | null;
  /** The newest measurements, newest last (at most 20). */
  measurements: Measurement[];
  /** New-version replicas ready at the last tick: one more counts as progress. */
  lastReady?: number;
  /** Canary: the smoke checks passed against the first canary replica, before it got traffic. */
  smokePassed?: boolean;
  /** What the release is doing or waiting for, in one line. */
  message: string;
  /** Why it ended, when it did not succeed. */
  reason?: string;
  startedAt: number;
  endedAt?: number;
  /** After success: the previous version keeps its replicas until then, for an instant rollback. */
  retainUntil?: number;
  retainDone?: boolean;
  /** In the bake: all traffic on the new version, the previous one still up. */
  baking?: boolean;
  /** Paused because the last measurement could not judge (too few requests, no data). */
  waitingForData?: boolean;
  /** A person accepted the version without analysis (`gantry promote` while it waited for data). */
  acceptedUnmeasured?: boolean;
  /** How the version was judged: by analysis, promoted by a person unmeasured, or with analysis off. */
  analysed?: Analysed;
  /** After a rollback: the failed version keeps serving until the stable one is ready again, or until then. */
  drainUntil?: number;
  drainDone?: boolean;
}

export type Analysed = 'yes' | 'unmeasured' | 'off';

/** What every surface (deploy, rollout status, history, the dashboard) says of how a release was judged. */
export function analysedLabel(state: Pick<ReleaseState, 'analysed'>): string {
  switch (state.analysed) {
    case 'yes':
      return 'analysed';
    case 'unmeasured':
      return 'promoted without analysis';
    case 'off':
      return 'not analysed';
    default:
      return '';
  }
}

export const isActive = (state: ReleaseState) => state.status === 'progressing' || state.status === 'paused';

/** Still work for a host after it ended: the old version kept for an instant rollback, to scale down. */
export const isRetaining = (state: ReleaseState) =>
  state.status === 'succeeded' && !state.retainDone && state.retainUntil !== undefined;

/** Still work for a host after a rollback: the failed version serving until stable is ready, to drain. */
export const isDraining = (state: ReleaseState) =>
  (state.status === 'rolled-back' || state.status === 'aborted') &&
  !state.drainDone &&
  state.drainUntil !== undefined;

/** A release some host must still tick: in progress, retaining or draining. */
export const isLive = (state: ReleaseState) => isActive(state) || isRetaining(state) || isDraining(state);

export const MAX_MEASUREMENTS = 20;

/** A release before its store gives it a revision number. */
export type ReleaseDraft = Omit<ReleaseState, 'id'>;

/** A release as it starts: at step 0, nothing measured yet. Local and cluster releases begin here. */
export function startingRelease(
  start: Pick<ReleaseState, 'service' | 'version' | 'stable' | 'strategy' | 'replicas'>,
  now: number,
): ReleaseDraft {
  return {
    ...start,
    status: 'progressing',
    step: 0,
    stepStartedAt: now,
    lastProgressAt: now,
    promote: 'none',
    gate: EMPTY_TALLY,
    background: EMPTY_TALLY,
    lastGateAt: null,
    lastBackgroundAt: null,
    measurements: [],
    message: 'starting',
    startedAt: now,
  };
}
