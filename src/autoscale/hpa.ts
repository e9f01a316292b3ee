/**
 * One HPA sync, as the Kubernetes controller (1.33+) runs it: a pure planner
 *
 *   decide(spec, observed, history, now) → { desiredReplicas, reason, metrics, …, history }
 *
 * 1. A target at 0 replicas (with minReplicas > 0) is not autoscaled (ScalingDisabled); one
 *    outside [min, max] is brought back to the nearest bound, nothing else considered.
 * 2. Each metric proposes a replica count (metrics.ts); the highest wins. If every metric
 *    failed, or some failed and the others would scale down, nothing changes.
 * 3. Without `behavior` the legacy path (legacy.ts); with it, the API defaults are filled in and
 *    stabilization, then the policies' rate limits and [min, max] apply (behavior.ts).
 *
 * The caller keeps the returned `history` for the next sync: this sync's recommendation and,
 * when it scales, its scale event (assuming the scale is applied). The controller's first sync
 * of an HPA counts the current count as a recommendation made now; an empty history does the same.
 */
import {
  type EffectiveBehavior,
  type Limited,
  limitByBehavior,
  recordScaleEvent,
  type Stabilization,
  stabilizeWithBehaviors,
  tolerancesFor,
  withDefaults,
} from './behavior.ts';
import {
  type ControllerConfig,
  DEFAULT_CONTROLLER,
  type History,
  type HpaSpec,
  type Observed,
  type Tolerances,
} from './hpa-data.ts';
import { type LegacyStabilization, limitLegacy, stabilizeLegacy } from './legacy.ts';
import { computeMetric, type MetricResult } from './metrics.ts';

export interface Condition {
  type: 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export interface Decision {
  currentReplicas: number;
  desiredReplicas: number;
  /** Whether the controller changes the target's replicas this sync. */
  rescale: boolean;
  /**
   * Why this count, with the reason names Kubernetes uses: ScalingLimited's reason when a limit
   * applied (ScaleUpLimit, ScaleDownLimit, TooManyReplicas, TooFewReplicas), else AbleToScale's
   * when a window held the count (ScaleUpStabilized, ScaleDownStabilized), else
   * DesiredWithinRange; ScalingDisabled, or the failed metric's reason (FailedGetResourceMetric…).
   */
  reason: string;
  message: string;
  /** The SuccessfulRescale event's reason ("cpu resource utilization (percentage of request) above target"). */
  rescaleReason?: string;
  minReplicas: number;
  maxReplicas: number;
  path: 'behavior' | 'legacy' | 'out-of-range' | 'disabled' | 'metrics-failed';
  metrics: MetricResult[];
  /** The highest proposal and the metric that made it (the first of equals). */
  recommendation?: { replicas: number; metric: string };
  tolerances: Tolerances;
  /** With behavior: the API defaults filled in. */
  behavior?: EffectiveBehavior;
  stabilization?: Stabilization | LegacyStabilization;
  limit?: Limited & { scaleUpLimit?: number };
  conditions: Condition[];
  history: History;
}

const condition = (type: Condition['type'], status: boolean, reason: string, message: string): Condition => ({
  type,
  status: status ? 'True' : 'False',
  reason,
  message,
});

export function decide(
  spec: HpaSpec,
  observed: Observed,
  history: History,
  now: number,
  config: ControllerConfig = DEFAULT_CONTROLLER,
): Decision {
  const current = observed.currentReplicas;
  const minReplicas = spec.minReplicas ?? 1;
  const maxReplicas = spec.maxReplicas;
  const recommendations =
    history.recommendations.length > 0 ? history.recommendations : [{ replicas: current, at: now }];
  const remembered: History = { ...history, recommendations };
  const tolerances = tolerancesFor(spec.behavior, config);
  const behavior = spec.behavior ? withDefaults(spec.behavior, config) : undefined;
  const base = {
    currentReplicas: current,
    minReplicas,
    maxReplicas,
    tolerances,
    ...(behavior ? { behavior } : {}),
  };
  const gotScale = condition(
    'AbleToScale',
    true,
    'SucceededGetScale',
    "the HPA controller was able to get the target's current scale",
  );

  if (current === 0 && minReplicas !== 0) {
    const message = 'scaling is disabled since the replica count of the target is zero';
    return {
      ...base,
      desiredReplicas: 0,
      rescale: false,
      reason: 'ScalingDisabled',
      message,
      path: 'disabled',
      metrics: [],
      conditions: [gotScale, condition('ScalingActive', false, 'ScalingDisabled', message)],
      history: remembered,
    };
  }
  if (current > maxReplicas || current < minReplicas) {
    const above = current > maxReplicas;
    const message = `Current number of replicas ${above ? 'above Spec.MaxReplicas' : 'below Spec.MinReplicas'}`;
    const desired = above ? maxReplicas : minReplicas;
    return {
      ...base,
      desiredReplicas: desired,
      rescale: true,
      reason: above ? 'TooManyReplicas' : 'TooFewReplicas',
      message,
      rescaleReason: message,
      path: 'out-of-range',
      metrics: [],
      conditions: [rescaled(desired)],
      history: withScaleEvent(remembered, behavior, current, desired, now),
    };
  }

  const context = { observed, tolerances, now, config };
  const metrics = spec.metrics.map((metric) => computeMetric(metric, context));
  let replicas = 0;
  let metric = '';
  for (const result of metrics)
    if (result.ok && (replicas === 0 || result.proposal > replicas)) {
      replicas = result.proposal;
      metric = result.label;
    }
  const failures = metrics.filter((result) => !result.ok);
  if (failures.length >= metrics.length || (failures.length > 0 && replicas < current)) {
    const first = failures[0];
    const reason = first?.reason ?? 'FailedGetResourceMetric';
    const message = `the HPA was unable to compute the replica count: ${first?.message ?? 'the HPA has no metrics'}`;
    return {
      ...base,
      desiredReplicas: current,
      rescale: false,
      reason,
      message,
      path: 'metrics-failed',
      metrics,
      ...(metric ? { recommendation: { replicas, metric } } : {}),
      conditions: [gotScale, condition('ScalingActive', false, reason, message)],
      history: remembered,
    };
  }

  const active = condition(
    'ScalingActive',
    true,
    'ValidMetricFound',
    `the HPA was able to successfully calculate a replica count from ${metric}`,
  );
  const recommendation = { replicas, metric };
  const rescaleReason =
    replicas > current
      ? `${metric} above target`
      : replicas < current
        ? 'All metrics below target'
        : undefined;

  let stabilization: Stabilization | LegacyStabilization;
  let limit: Limited & { scaleUpLimit?: number };
  if (behavior) {
    stabilization = stabilizeWithBehaviors(recommendations, replicas, current, behavior, now);
    limit = limitByBehavior(
      stabilization.stabilized,
      current,
      minReplicas,
      maxReplicas,
      history,
      behavior,
      now,
    );
  } else {
    const window = config.downscaleStabilizationWindowSeconds;
    stabilization = stabilizeLegacy(recommendations, replicas, window, now);
    limit = limitLegacy(stabilization.stabilized, current, minReplicas, maxReplicas);
  }
  const desired = limit.desired;
  const rescale = desired !== current;
  const limited = limit.reason !== 'DesiredWithinRange';
  const stabilized = stabilization.reason !== 'ReadyForNewScale';
  const [reason, message] = limited
    ? [limit.reason, limit.message]
    : stabilized
      ? [stabilization.reason, stabilization.message]
      : [limit.reason, limit.message];
  const history2: History = { ...remembered, recommendations: stabilization.recommendations };
  return {
    ...base,
    desiredReplicas: desired,
    rescale,
    reason,
    message,
    ...(rescale && rescaleReason ? { rescaleReason } : {}),
    path: behavior ? 'behavior' : 'legacy',
    metrics,
    recommendation,
    stabilization,
    limit,
    conditions: [
      rescale
        ? rescaled(desired)
        : condition('AbleToScale', true, stabilization.reason, stabilization.message),
      active,
      condition('ScalingLimited', limited, limit.reason, limit.message),
    ],
    history: rescale ? withScaleEvent(history2, behavior, current, desired, now) : history2,
  };
}

function rescaled(desired: number): Condition {
  return condition(
    'AbleToScale',
    true,
    'SucceededRescale',
    `the HPA controller was able to update the target scale to ${desired}`,
  );
}

/** Scale events are kept only for an HPA with behavior; the legacy path never reads them. */
function withScaleEvent(
  history: History,
  behavior: EffectiveBehavior | undefined,
  from: number,
  to: number,
  now: number,
): History {
  if (!behavior || from === to) return history;
  return { ...history, ...recordScaleEvent(history, behavior, from, to, now) };
}
