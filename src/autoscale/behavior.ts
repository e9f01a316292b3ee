/**
 * `spec.behavior`: stabilization over past recommendations, then rate limits from the scale
 * events within each policy's period (the controller's normalizeDesiredReplicasWithBehaviors).
 *
 * Stabilization: up = min(this recommendation, those made less than scaleUp's window ago),
 * down = max(this recommendation, those made less than scaleDown's window ago); the result is
 * the current count pulled up to `up` and down to `down`. So with a 300 s scale-down window and
 * recommendations 8, 6, 5 within it, a scale-down to 5 from 8 waits at 8.
 *
 * Rate limits, per policy, from the replica count at the start of its period
 * (start = current − added + removed in the last periodSeconds):
 *
 *   scale up:   Pods → start + value      Percent → ceil(start × (1 + value/100))
 *   scale down: Pods → start − value      Percent → trunc(start × (1 − value/100))
 *
 * in float64 and in that order, as Kubernetes computes them: 100 pods + 10 % is
 * ceil(110.00000000000001) = 111, and 10 pods − 80 % is trunc(1.9999999999999996) = 1.
 * selectPolicy Max takes the policy allowing the biggest change, Min the smallest, Disabled none.
 * Example: 10 pods, 4 added 10 s ago, policies Pods 4/60 s and Percent 100/60 s, Max:
 * start = 6, limits 10 and 12 → at most 12.
 */
import type {
  Behavior,
  ControllerConfig,
  History,
  Recommendation,
  ScaleEvent,
  ScalingPolicy,
  ScalingRules,
  SelectPolicy,
  Tolerances,
} from './hpa-data.ts';

export interface EffectiveRules {
  stabilizationWindowSeconds: number;
  selectPolicy: SelectPolicy;
  policies: ScalingPolicy[];
  tolerance?: number;
}

export interface EffectiveBehavior {
  scaleUp: EffectiveRules;
  scaleDown: EffectiveRules;
}

/** The API's defaults (pkg/apis/autoscaling/v2/defaults.go): the larger of +4 pods and +100 % per 15 s. */
export const DEFAULT_SCALE_UP: EffectiveRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};

/** −100 % per 15 s; the window is left to the controller (--horizontal-pod-autoscaler-downscale-stabilization). */
export const DEFAULT_SCALE_DOWN: Omit<EffectiveRules, 'stabilizationWindowSeconds'> = {
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

/** A behavior as the API server stores it, with the controller's scale-down window filled in. */
export function withDefaults(behavior: Behavior, config: ControllerConfig): EffectiveBehavior {
  const fill = (rules: ScalingRules | undefined, defaults: EffectiveRules): EffectiveRules => ({
    stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
    selectPolicy: rules?.selectPolicy ?? defaults.selectPolicy,
    policies: rules?.policies ?? defaults.policies,
    ...(rules?.tolerance !== undefined ? { tolerance: rules.tolerance } : {}),
  });
  return {
    scaleUp: fill(behavior.scaleUp, DEFAULT_SCALE_UP),
    scaleDown: fill(behavior.scaleDown, {
      ...DEFAULT_SCALE_DOWN,
      stabilizationWindowSeconds: config.downscaleStabilizationWindowSeconds,
    }),
  };
}

export function tolerancesFor(behavior: Behavior | undefined, config: ControllerConfig): Tolerances {
  return {
    down: behavior?.scaleDown?.tolerance ?? config.tolerance,
    up: behavior?.scaleUp?.tolerance ?? config.tolerance,
  };
}

export interface Stabilization {
  /** The recommendation from the metrics, before stabilization. */
  recommendation: number;
  /** After it. */
  stabilized: number;
  /** The lowest recommendation within the scale-up window (this one included). */
  upRecommendation: number;
  /** The highest within the scale-down window. */
  downRecommendation: number;
  upWindowSeconds: number;
  downWindowSeconds: number;
  /** AbleToScale's reason: ScaleUpStabilized, ScaleDownStabilized or ReadyForNewScale. */
  reason: string;
  message: string;
  /** The recommendations to remember: this one added, those older than both windows dropped. */
  recommendations: Recommendation[];
}

export function stabilizeWithBehaviors(
  recommendations: readonly Recommendation[],
  recommendation: number,
  current: number,
  behavior: EffectiveBehavior,
  now: number,
): Stabilization {
  const upWindowSeconds = behavior.scaleUp.stabilizationWindowSeconds;
  const downWindowSeconds = behavior.scaleDown.stabilizationWindowSeconds;
  const upCutoff = now - upWindowSeconds * 1000;
  const downCutoff = now - downWindowSeconds * 1000;
  let up = recommendation;
  let down = recommendation;
  for (const past of recommendations) {
    if (past.at > upCutoff) up = Math.min(up, past.replicas);
    if (past.at > downCutoff) down = Math.max(down, past.replicas);
  }
  const stabilized = Math.min(Math.max(current, up), down);
  const kept = recommendations.filter((past) => !(past.at < upCutoff && past.at < downCutoff));
  const [reason, message] =
    stabilized === recommendation
      ? ['ReadyForNewScale', 'recommended size matches current size']
      : recommendation >= current
        ? [
            'ScaleUpStabilized',
            'recent recommendations were lower than current one, applying the lowest recent recommendation',
          ]
        : [
            'ScaleDownStabilized',
            'recent recommendations were higher than current one, applying the highest recent recommendation',
          ];
  return {
    recommendation,
    stabilized,
    upRecommendation: up,
    downRecommendation: down,
    upWindowSeconds,
    downWindowSeconds,
    reason: reason!,
    message: message!,
    recommendations: [...kept, { replicas: recommendation, at: now }],
  };
}

export interface PolicyLimit {
  policy: ScalingPolicy;
  /** Replicas added and removed within the policy's period. */
  added: number;
  removed: number;
  periodStart: number;
  proposed: number;
}

export interface RateLimit {
  direction: 'up' | 'down';
  selectPolicy: SelectPolicy;
  policies: PolicyLimit[];
  /** The replica count the policies allow, never past the current count in the wrong direction. */
  limit: number;
}

/** Replicas changed by events less than periodSeconds old. */
function changedWithin(events: readonly ScaleEvent[], periodSeconds: number, now: number): number {
  const cutoff = now - periodSeconds * 1000;
  return events.reduce((sum, event) => (event.at > cutoff ? sum + event.change : sum), 0);
}

export function rateLimit(
  direction: 'up' | 'down',
  current: number,
  history: History,
  rules: EffectiveRules,
  now: number,
): RateLimit {
  const policies = rules.policies.map((policy) => {
    const added = changedWithin(history.scaleUpEvents, policy.periodSeconds, now);
    const removed = changedWithin(history.scaleDownEvents, policy.periodSeconds, now);
    const periodStart = current - added + removed;
    const proposed =
      direction === 'up'
        ? policy.type === 'Pods'
          ? periodStart + policy.value
          : Math.ceil(periodStart * (1 + policy.value / 100))
        : policy.type === 'Pods'
          ? periodStart - policy.value
          : Math.trunc(periodStart * (1 - policy.value / 100));
    return { policy, added, removed, periodStart, proposed };
  });
  let limit: number;
  if (rules.selectPolicy === 'Disabled') limit = current;
  else {
    // Max means the biggest change: the highest limit up, the lowest down; Min the reverse.
    const highest = (rules.selectPolicy === 'Max') === (direction === 'up');
    const proposals = policies.map((p) => p.proposed);
    limit = highest ? Math.max(...proposals) : Math.min(...proposals);
  }
  // Never past the current count the wrong way while earlier changes are still within their periods.
  limit = direction === 'up' ? Math.max(limit, current) : Math.min(limit, current);
  return { direction, selectPolicy: rules.selectPolicy, policies, limit };
}

export interface Limited {
  desired: number;
  /** ScalingLimited's reason: DesiredWithinRange, ScaleUpLimit, ScaleDownLimit, TooManyReplicas, TooFewReplicas. */
  reason: string;
  message: string;
  rate?: RateLimit;
}

/** The stabilized recommendation, limited by the policies and by [min, max]. */
export function limitByBehavior(
  stabilized: number,
  current: number,
  minReplicas: number,
  maxReplicas: number,
  history: History,
  behavior: EffectiveBehavior,
  now: number,
): Limited {
  if (stabilized > current) {
    const rate = rateLimit('up', current, history, behavior.scaleUp, now);
    if (maxReplicas > rate.limit && stabilized > rate.limit)
      return { desired: rate.limit, reason: 'ScaleUpLimit', message: UP_LIMIT, rate };
    if (maxReplicas <= rate.limit && stabilized > maxReplicas)
      return { desired: maxReplicas, reason: 'TooManyReplicas', message: TOO_MANY, rate };
    return { desired: stabilized, reason: 'DesiredWithinRange', message: WITHIN, rate };
  }
  if (stabilized < current) {
    const rate = rateLimit('down', current, history, behavior.scaleDown, now);
    if (minReplicas < rate.limit && stabilized < rate.limit)
      return { desired: rate.limit, reason: 'ScaleDownLimit', message: DOWN_LIMIT, rate };
    if (minReplicas >= rate.limit && stabilized < minReplicas)
      return { desired: minReplicas, reason: 'TooFewReplicas', message: TOO_FEW, rate };
    return { desired: stabilized, reason: 'DesiredWithinRange', message: WITHIN, rate };
  }
  return { desired: stabilized, reason: 'DesiredWithinRange', message: WITHIN };
}

export const WITHIN = 'the desired count is within the acceptable range';
export const UP_LIMIT = 'the desired replica count is increasing faster than the maximum scale rate';
export const DOWN_LIMIT = 'the desired replica count is decreasing faster than the maximum scale rate';
export const TOO_MANY = 'the desired replica count is more than the maximum replica count';
export const TOO_FEW = 'the desired replica count is less than the minimum replica count';

/**
 * The scale events to remember after scaling from `from` to `to`: the new event added, those
 * older than the direction's longest policy period dropped (the controller reuses their slots).
 */
export function recordScaleEvent(
  history: History,
  behavior: EffectiveBehavior,
  from: number,
  to: number,
  now: number,
): Pick<History, 'scaleUpEvents' | 'scaleDownEvents'> {
  const up = to > from;
  const rules = up ? behavior.scaleUp : behavior.scaleDown;
  const longest = Math.max(0, ...rules.policies.map((p) => p.periodSeconds));
  const cutoff = now - longest * 1000;
  const events = (up ? history.scaleUpEvents : history.scaleDownEvents).filter(
    (event) => !(event.at < cutoff),
  );
  const updated = [...events, { change: Math.abs(to - from), at: now }];
  return up
    ? { scaleUpEvents: updated, scaleDownEvents: [...history.scaleDownEvents] }
    : { scaleUpEvents: [...history.scaleUpEvents], scaleDownEvents: updated };
}
