/**
 * CrashLoopBackOff, as the kubelet does it for restartPolicy Always. Pure: no timers, no clock.
 *
 * The first restart after a healthy run is immediate; each further restart waits `initialMs`,
 * then twice that, and so on up to `maxMs`:
 *
 *   delay(n) = 0 for the first restart, else min(maxMs, initialMs × 2^(n−2)) for the n-th in a row
 *
 * A replica earns a clean slate (its next restart immediate again, the curve from the start) when
 * either
 * - its process ran for `resetAfterRunMs` without exiting (the kubelet's rule; KEP-4603 made it a
 *   flat 10 minutes instead of twice the maximum delay), or
 * - it passed its readiness (or startup) probe and stayed ready for `resetAfterReadyMs`: a probe
 *   said it serves, so it has shown that it starts. Gantry's local rule, so that a minute of
 *   crashes (a flapping dependency, chaos) does not leave every replica waiting out a long delay at
 *   once. A replica without such a probe has no proof of health and only the run rule applies.
 *
 * Example with LOCAL_BACKOFF (1 s doubling to 60 s): a process that exits before becoming ready
 * waits 0, 1, 2, 4, 8, 16, 32, 60, 60 … s; one that was ready for 1 s or more restarts at once.
 */

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  resetAfterRunMs: number;
  /** Infinity: readiness never resets the back-off (the kubelet). */
  resetAfterReadyMs: number;
}

/** The kubelet's classic values: 10 s doubling up to 5 min, reset after 10 min of running. */
export const KUBERNETES_BACKOFF: BackoffPolicy = {
  initialMs: 10_000,
  maxMs: 300_000,
  resetAfterRunMs: 600_000,
  resetAfterReadyMs: Number.POSITIVE_INFINITY,
};

/** KEP-4603's reduced back-off (kubelet feature gate ReduceDefaultCrashLoopBackOffDecay): 1 s doubling to 60 s. */
export const REDUCED_BACKOFF: BackoffPolicy = { ...KUBERNETES_BACKOFF, initialMs: 1000, maxMs: 60_000 };

/** The local platform's default: KEP-4603's curve, reset once a replica has been ready for 1 s. */
export const LOCAL_BACKOFF: BackoffPolicy = { ...REDUCED_BACKOFF, resetAfterReadyMs: 1000 };

export interface BackoffState {
  /** Restarts since the last reset (0: the next restart is immediate). */
  consecutive: number;
}

export const INITIAL_BACKOFF: BackoffState = { consecutive: 0 };

/** How the process that just ended lived: how long it ran, and how long it had been ready (0: never). */
export interface RunRecord {
  ranForMs: number;
  readyForMs: number;
}

/** How long a replica whose process lived `run` waits before its next start. */
export function nextRestart(
  state: BackoffState,
  policy: BackoffPolicy,
  run: RunRecord,
): { delayMs: number; state: BackoffState } {
  const earned = run.ranForMs >= policy.resetAfterRunMs || run.readyForMs >= policy.resetAfterReadyMs;
  const consecutive = earned ? 0 : state.consecutive;
  const delayMs =
    consecutive === 0 ? 0 : Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(consecutive - 1, 52));
  return { delayMs, state: { consecutive: consecutive + 1 } };
}
