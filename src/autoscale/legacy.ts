/**
 * An HPA without `behavior` follows the controller's older path (normalizeDesiredReplicas):
 *
 *   stabilized = max(this recommendation, every recommendation made within the controller's
 *                downscale stabilization window — 300 s by default, its edge included)
 *   desired    = stabilized clamped to [minReplicas, min(maxReplicas, max(2 × current, 4))]
 *
 * No policies, no scale events, no scale-up window. Example: 3 replicas wanting 10, max 20:
 * the cap is max(6, 4) = 6 → 6 (ScaleUpLimit). Note the window takes the highest recent
 * recommendation even when it is above the current count, so it can hold a scale-up too.
 */
import { type Limited, TOO_FEW, TOO_MANY, UP_LIMIT, WITHIN } from './behavior.ts';
import type { Recommendation } from './hpa-data.ts';

export interface LegacyStabilization {
  recommendation: number;
  stabilized: number;
  windowSeconds: number;
  /** ScaleDownStabilized or ReadyForNewScale. */
  reason: string;
  message: string;
  recommendations: Recommendation[];
}

export function stabilizeLegacy(
  recommendations: readonly Recommendation[],
  recommendation: number,
  windowSeconds: number,
  now: number,
): LegacyStabilization {
  const cutoff = now - windowSeconds * 1000;
  let stabilized = recommendation;
  for (const past of recommendations) if (past.at >= cutoff) stabilized = Math.max(stabilized, past.replicas);
  const changed = stabilized !== recommendation;
  return {
    recommendation,
    stabilized,
    windowSeconds,
    reason: changed ? 'ScaleDownStabilized' : 'ReadyForNewScale',
    message: changed
      ? 'recent recommendations were higher than current one, applying the highest recent recommendation'
      : 'recommended size matches current size',
    recommendations: [
      ...recommendations.filter((past) => past.at >= cutoff),
      { replicas: recommendation, at: now },
    ],
  };
}

/** The scale-up cap of the legacy path: max(2 × current, 4). */
export function legacyScaleUpLimit(current: number): number {
  return Math.max(2 * current, 4);
}

export function limitLegacy(
  stabilized: number,
  current: number,
  minReplicas: number,
  maxReplicas: number,
): Limited & { scaleUpLimit: number } {
  const scaleUpLimit = legacyScaleUpLimit(current);
  const capped = maxReplicas > scaleUpLimit;
  const maximum = capped ? scaleUpLimit : maxReplicas;
  if (stabilized < minReplicas)
    return { desired: minReplicas, reason: 'TooFewReplicas', message: TOO_FEW, scaleUpLimit };
  if (stabilized > maximum)
    return {
      desired: maximum,
      reason: capped ? 'ScaleUpLimit' : 'TooManyReplicas',
      message: capped ? UP_LIMIT : TOO_MANY,
      scaleUpLimit,
    };
  return { desired: stabilized, reason: 'DesiredWithinRange', message: WITHIN, scaleUpLimit };
}
