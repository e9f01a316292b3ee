/**
 * CrashLoopBackOff, as the kubelet does it for restartPolicy Always. Pure: no timers, no clock.
 *
 * The first restart after a healthy run is immediate; each further restart waits `initialMs`,
 * then twice that, and so on up to `maxMs`. A container that ran for `resetAfterMs` without
 * exiting has earned a clean slate: its next restart is immediate again.
 */

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  resetAfterMs: number;
}

/** The kubelet's values: 10 s doubling up to 5 min, reset after 10 min of running. */
export const KUBERNETES_BACKOFF: BackoffPolicy = { initialMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 };

export interface BackoffState {
  /** Restarts since the last reset (0: the next restart is immediate). */
  consecutive: number;
}

export const INITIAL_BACKOFF: BackoffState = { consecutive: 0 };

/** How long a replica whose process ran for `ranForMs` waits before its next start. */
export function nextRestart(
  state: BackoffState,
  policy: BackoffPolicy,
  ranForMs: number,
): { delayMs: number; state: BackoffState } {
  const consecutive = ranForMs >= policy.resetAfterMs ? 0 : state.consecutive;
  const delayMs =
    consecutive === 0 ? 0 : Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(consecutive - 1, 52));
  return { delayMs, state: { consecutive: consecutive + 1 } };
}
