/** Small builders for the autoscale tests: pods, metric specs and an observed state in a line each. */
import type { MetricSpec, Observed, PodState } from './hpa-data.ts';
import { parseMilli } from './quantity.ts';

export const NOW = 1_700_000_000_000;
export const secondsAgo = (seconds: number) => NOW - seconds * 1000;

export function q(text: string | number): bigint {
  const milli = parseMilli(text);
  if (milli === undefined) throw new Error(`not a quantity: ${text}`);
  return milli;
}

export const cpu = (averageUtilization: number): MetricSpec => ({
  type: 'Resource',
  resource: 'cpu',
  target: { type: 'Utilization', averageUtilization },
});

export const memory = (averageUtilization: number): MetricSpec => ({
  type: 'Resource',
  resource: 'memory',
  target: { type: 'Utilization', averageUtilization },
});

export const podsMetric = (metric: string, averageValue: string): MetricSpec => ({
  type: 'Pods',
  metric,
  target: { type: 'AverageValue', averageValue: q(averageValue) },
});

/** One pod using `usage` (null: no sample) of `request` of a resource, plus any other fields. */
export function pod(
  name: string,
  resource: string,
  request: string,
  usage: string | null,
  extra: Partial<PodState> = {},
): PodState {
  return {
    name,
    resources: { [resource]: { request: q(request), ...(usage === null ? {} : { usage: q(usage) }) } },
    ...extra,
  };
}

/** Pods with the given usages of one request each: cpuPods('100m', '80m', null) is two pods, the second without a sample. */
export function resourcePods(resource: string, request: string, ...usages: (string | null)[]): PodState[] {
  return usages.map((usage, i) => pod(`${resource}-${i}`, resource, request, usage));
}

/** Pods with one Pods-metric value each (null: no sample). */
export function metricPods(metric: string, ...values: (string | null)[]): PodState[] {
  return values.map((value, i) => ({
    name: `pod-${i}`,
    ...(value === null ? {} : { metrics: { [metric]: q(value) } }),
  }));
}

export function observed(
  pods: PodState[],
  currentReplicas = pods.length,
  extra: Partial<Observed> = {},
): Observed {
  return { currentReplicas, pods, ...extra };
}

/**
 * A metric that proposes exactly `replicas` (unless within 10 % of the current count): an
 * External AverageValue of 1 per replica, observed at `replicas` — proposal ceil(replicas / 1).
 */
export const LOAD: MetricSpec = {
  type: 'External',
  metric: 'load',
  target: { type: 'AverageValue', averageValue: q(1) },
};

export function wanting(replicas: number, currentReplicas: number): Observed {
  return { currentReplicas, pods: [], externalMetrics: { load: [q(replicas)] } };
}
