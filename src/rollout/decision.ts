/**
 * What a strategy asks for on each tick. The runner makes the platform match `replicas`
 * and `weights` (idempotent, so a resumed release simply asks again), runs a gate
 * measurement or the smoke checks when asked, and persists `state`.
 */
import type { ServiceState } from '../platform/platform.ts';
import type { ServiceModel } from '../spec/model.ts';
import { type Analysed, analysedLabel, type ReleaseState } from './state.ts';
import { analysisEnabled } from './steps.ts';

export interface Decision {
  state: ReleaseState;
  /** Replicas per version; versions not named are left as they are. */
  replicas: Record<string, number>;
  /** Traffic per version (sums to 100); undefined leaves routing as it is. */
  weights?: Record<string, number>;
  /** Measure the new version as a gate (canary analysis step, blue-green analysis phases). */
  gate?: { previewOnly: boolean };
  /** Run the smoke checks against the new version's preview. */
  smoke?: boolean;
  /** Background analysis of the new version is meaningful now (it takes traffic). */
  background?: boolean;
}

export interface DecideInput {
  state: ReleaseState;
  /** The new revision's service spec: its `release` settings drive the strategy. */
  spec: ServiceModel;
  observed: ServiceState;
  now: number;
}

export function readyOf(observed: ServiceState, version: string): number {
  return observed.versions.find((v) => v.version === version)?.ready ?? 0;
}

export function desiredOf(observed: ServiceState, version: string): number {
  return observed.versions.find((v) => v.version === version)?.desired ?? 0;
}

export function currentOf(observed: ServiceState, version: string): number {
  return observed.versions.find((v) => v.version === version)?.current ?? 0;
}

/**
 * The release ends in a rollback: all traffic to stable at once. The failed version goes to zero
 * at once too, unless stable is not ready at full size (a rolling release that had replaced it):
 * then it keeps serving until stable is back, or for at most progressDeadlineSeconds (the
 * runner's housekeeping drains it), since a version that answers some requests wrongly beats none.
 */
export function rollback(
  input: DecideInput,
  reason: string,
  status: 'rolled-back' | 'aborted' = 'rolled-back',
): Decision {
  const { state, spec, observed, now } = input;
  const drain = state.version !== state.stable && readyOf(observed, state.stable) < state.replicas;
  const keep = drain ? desiredOf(observed, state.version) : 0;
  return {
    state: {
      ...state,
      status,
      reason,
      message: `${status === 'aborted' ? 'aborted' : 'rolled back'}: ${reason}`,
      endedAt: now,
      baking: false,
      waitingForData: false,
      ...(keep > 0 ? { drainUntil: now + spec.release.progressDeadlineSeconds * 1000 } : {}),
    },
    replicas: { [state.stable]: state.replicas, [state.version]: keep },
    weights: { [state.stable]: 100 },
  };
}

/**
 * The release succeeded: all traffic to the new version; the old one is kept a while for an
 * instant rollback. `analysed` says how the version was judged (a rollback to a proven revision
 * is not judged again).
 */
export function succeed(input: DecideInput, message: string): Decision {
  const { state, spec, now } = input;
  const analysed: Analysed | undefined =
    state.strategy === 'rollback'
      ? undefined
      : !analysisEnabled(spec.release)
        ? 'off'
        : state.acceptedUnmeasured
          ? 'unmeasured'
          : 'yes';
  const note = analysed === 'unmeasured' || analysed === 'off' ? ` — ${analysedLabel({ analysed })}` : '';
  return {
    state: {
      ...state,
      status: 'succeeded',
      message: `${message}${note}`,
      endedAt: now,
      retainUntil: now + spec.release.scaleDownDelaySeconds * 1000,
      baking: false,
      waitingForData: false,
      ...(analysed ? { analysed } : {}),
    },
    replicas: { [state.version]: state.replicas },
    weights: { [state.version]: 100 },
  };
}

/** No progress within progressDeadlineSeconds → the release fails (Kubernetes' ProgressDeadlineExceeded). */
export function pastDeadline(input: DecideInput): boolean {
  return input.now - input.state.lastProgressAt > input.spec.release.progressDeadlineSeconds * 1000;
}

export function advance(state: ReleaseState, now: number, message: string): ReleaseState {
  return {
    ...state,
    step: state.step + 1,
    stepStartedAt: now,
    lastProgressAt: now,
    promote: state.promote === 'full' ? 'full' : 'none',
    gate: { passed: 0, failed: 0, consecutiveErrors: 0, consecutiveInconclusive: 0 },
    lastGateAt: null,
    message,
  };
}

/** Notes the new version's ready replicas; one more than last time is progress. */
export function noteReady(state: ReleaseState, ready: number, now: number): ReleaseState {
  const progressed = ready > (state.lastReady ?? 0);
  return { ...state, lastReady: ready, lastProgressAt: progressed ? now : state.lastProgressAt };
}
