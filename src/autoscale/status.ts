/**
 * What `gantry status` shows for an autoscaled service: current and desired replicas, the
 * decision's reason, and each metric's current value against its target (as `kubectl get hpa`
 * prints TARGETS: `cpu 87%/50%`). Pure: built from the HPA spec and the last decision.
 */
import type { Decision } from './hpa.ts';
import type { HpaSpec, MetricSpec, MetricTarget } from './hpa-data.ts';
import { metricName } from './metrics.ts';
import { formatValue } from './quantity.ts';

export interface AutoscaleMetricStatus {
  name: string;
  /** `87%`, `12.5/s per replica`… null before the first sample or when the metric failed. */
  current: string | null;
  target: string;
  /** Utilization: percent; AverageValue and Value: the quantity as a number (requests/s, cores, bytes). */
  currentValue: number | null;
  targetValue: number;
  /** The replicas this metric alone asks for. */
  proposal?: number;
  /** Why there is no value (the reason and message Kubernetes gives). */
  error?: string;
}

export interface AutoscaleStatus {
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
  /** The Kubernetes reason for the last decision (DesiredWithinRange, ScaleDownStabilized…), or why none was made. */
  reason: string;
  message: string;
  syncPeriodSeconds: number;
  /** Epoch ms of the last decision; null before the first. */
  lastSyncAt: number | null;
  metrics: AutoscaleMetricStatus[];
}

const round = (n: number) => Math.round(n * 100) / 100;
const resourceOf = (spec: MetricSpec) => (spec.type === 'Resource' ? spec.resource : undefined);

function targetOf(target: MetricTarget, resource: string | undefined): { text: string; value: number } {
  if (target.type === 'Utilization')
    return { text: `${target.averageUtilization}%`, value: target.averageUtilization };
  const milli = target.type === 'AverageValue' ? target.averageValue : target.value;
  return { text: formatValue(milli, resource), value: Number(milli) / 1000 };
}

function valueText(milli: bigint, resource: string | undefined): string {
  // Requests/s and other plain metrics read better as decimals than as Kubernetes milli-quantities.
  return resource === undefined ? String(round(Number(milli) / 1000)) : formatValue(milli, resource);
}

/** The status before any decision: targets known, values not yet. */
export function pendingStatus(
  spec: HpaSpec,
  currentReplicas: number,
  syncPeriodSeconds: number,
  reason: string,
  message: string,
): AutoscaleStatus {
  return {
    minReplicas: spec.minReplicas ?? 1,
    maxReplicas: spec.maxReplicas,
    currentReplicas,
    desiredReplicas: currentReplicas,
    reason,
    message,
    syncPeriodSeconds,
    lastSyncAt: null,
    metrics: spec.metrics.map((metric) => {
      const target = targetOf(metric.target, resourceOf(metric));
      return {
        name: metricName(metric),
        current: null,
        target: target.text,
        currentValue: null,
        targetValue: target.value,
      };
    }),
  };
}

export function decisionStatus(decision: Decision, syncPeriodSeconds: number, at: number): AutoscaleStatus {
  return {
    minReplicas: decision.minReplicas,
    maxReplicas: decision.maxReplicas,
    currentReplicas: decision.currentReplicas,
    desiredReplicas: decision.desiredReplicas,
    reason: decision.reason,
    message: decision.message,
    syncPeriodSeconds,
    lastSyncAt: at,
    metrics: decision.metrics.map((result) => {
      const resource = resourceOf(result.spec);
      const target = targetOf(result.spec.target, resource);
      const base = { name: result.name, target: target.text, targetValue: target.value };
      if (!result.ok)
        return {
          ...base,
          current: null,
          currentValue: null,
          error: `${result.reason}: ${result.message}`,
        };
      const { averageUtilization, averageValue, value } = result.current;
      const milli = averageValue ?? value;
      return {
        ...base,
        current:
          averageUtilization !== undefined
            ? `${averageUtilization}%`
            : milli !== undefined
              ? valueText(milli, resource)
              : null,
        currentValue:
          averageUtilization !== undefined
            ? averageUtilization
            : milli !== undefined
              ? Number(milli) / 1000
              : null,
        proposal: result.proposal,
      };
    }),
  };
}

/** One line for the status table: `cpu 87%/50%, http_requests_per_second 12.5/1k`. */
export function metricsLine(status: AutoscaleStatus): string {
  return status.metrics
    .map((metric) => `${metric.name} ${metric.current ?? (metric.error ? 'error' : '?')}/${metric.target}`)
    .join(', ');
}
