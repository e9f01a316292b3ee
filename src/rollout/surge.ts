/**
 * Kubernetes' rolling-update bounds (deployment/util ResolveFenceposts):
 *   surge       = ceil(maxSurge × desired)        when a percentage
 *   unavailable = floor(maxUnavailable × desired) when a percentage
 *   both 0      → unavailable = 1, so a rollout can always progress.
 * Example: desired 10, 25% / 25% → surge 3, unavailable 2: at most 13 replicas, at least 8 ready.
 */
import type { IntOrPercent } from '../spec/units.ts';

export interface Fenceposts {
  surge: number;
  unavailable: number;
}

export function resolveFenceposts(
  desired: number,
  maxSurge: IntOrPercent,
  maxUnavailable: IntOrPercent,
): Fenceposts {
  const surge = maxSurge.kind === 'count' ? maxSurge.value : Math.ceil((maxSurge.value * desired) / 100);
  const unavailable =
    maxUnavailable.kind === 'count'
      ? maxUnavailable.value
      : Math.floor((maxUnavailable.value * desired) / 100);
  if (surge === 0 && unavailable === 0) return { surge: 0, unavailable: 1 };
  return { surge, unavailable };
}
