/**
 * One metric → a replica count proposal, as the controller's ReplicaCalculator computes it.
 *
 *   ratio    = current / target
 *   proposal = current replicas            while 1 − tolerance ≤ ratio ≤ 1 + tolerance
 *            = ceil(ratio × pods counted)  otherwise
 *
 * Resource Utilization: current = trunc(100 × Σ usage / Σ requests) over the pods with a sample,
 * an integer percent, so 233m used of 300m requested is 77 %, not 77.7 %; 77/70 = 1.1 is then
 * within the tolerance. Resource AverageValue and Pods: current = trunc(Σ value / pods), in
 * milli-units. Example: 4 pods using 400m, 300m, 300m, 200m of 250m each, target 70 %:
 * 1200m/1000m → 120 %, ratio 120/70 = 1.714…, proposal ceil(1.714 × 4) = 7.
 *
 * Pods without a sample, and (when scaling up) unready pods, are then filled in — missing ones
 * at 0 % when scaling up and at 100 % of their request (or the target if above 100 %) when
 * scaling down, unready ones at 0 — and the ratio computed again over all of them. The
 * proposal stays the current count if the new ratio is within tolerance, points the other way,
 * or would move the count the other way. Example: 3 ready pods at 100 % of their request and
 * one without a sample, target 50 %: ratio 2 (up); with the missing one at 0 %, 300/4 = 75 %,
 * ratio 1.5, proposal ceil(1.5 × 4) = 6.
 *
 * Object and External metrics with a Value target scale the Running-and-Ready pod count;
 * AverageValue targets divide by the target's status.replicas.
 */
import {
  type ControllerConfig,
  isWithin,
  type MetricSpec,
  type Observed,
  type Tolerances,
} from './hpa-data.ts';
import { groupPods, type PodGroups, readyPodCount, type Sample } from './pods.ts';

/** How the proposal was reached, for explanations. */
export type Outcome =
  | 'within-tolerance'
  | 'scaled'
  | 'recomputed'
  | 'recomputed-within-tolerance'
  | 'direction-flip'
  | 'count-flip';

export interface CurrentValue {
  /** Resource Utilization: the whole percent of requests. */
  averageUtilization?: number;
  /** Per pod, milli-units. */
  averageValue?: bigint;
  /** Object/External Value, milli-units. */
  value?: bigint;
}

export interface Recompute {
  ratio: number;
  /** How pods without a sample were counted: 0, their request × max(100 %, target), or the target. */
  missingAs: 'none' | 'zero' | 'request' | 'target' | 'left-out';
  /** Unready pods counted as 0 (scale-up only). */
  unreadyAsZero: boolean;
  podsCounted: number;
}

export interface MetricProposal {
  ok: true;
  spec: MetricSpec;
  /** Short name: cpu, memory, the metric's name. */
  name: string;
  /** The name Kubernetes uses in events and conditions, e.g. "cpu resource utilization (percentage of request)". */
  label: string;
  current: CurrentValue;
  ratio: number;
  proposal: number;
  outcome: Outcome;
  pods?: { ready: number; unready: number; missing: number; ignored: number };
  recompute?: Recompute;
  /** Object/External: the metric's whole value (External: its series summed), and for a Value target the pods it scales. */
  total?: bigint;
  readyPods?: number;
}

export interface MetricFailure {
  ok: false;
  spec: MetricSpec;
  name: string;
  label: string;
  /** The condition reason Kubernetes sets: FailedGetResourceMetric, FailedGetPodsMetric… */
  reason: string;
  message: string;
}

export type MetricResult = MetricProposal | MetricFailure;

export interface MetricContext {
  observed: Observed;
  tolerances: Tolerances;
  now: number;
  config: ControllerConfig;
}

export function metricName(spec: MetricSpec): string {
  return spec.type === 'Resource' ? spec.resource : spec.metric;
}

export function metricLabel(spec: MetricSpec): string {
  switch (spec.type) {
    case 'Resource':
      return spec.target.type === 'Utilization'
        ? `${spec.resource} resource utilization (percentage of request)`
        : `${spec.resource} resource`;
    case 'Pods':
      return `pods metric ${spec.metric}`;
    case 'Object':
      return `${spec.object.split('/')[0]} metric ${spec.metric}`;
    case 'External':
      return `external metric ${spec.metric}`;
  }
}

const FAILURE_REASON: Record<MetricSpec['type'], string> = {
  Resource: 'FailedGetResourceMetric',
  Pods: 'FailedGetPodsMetric',
  Object: 'FailedGetObjectMetric',
  External: 'FailedGetExternalMetric',
};

/** The proposal for one metric of the HPA. */
export function computeMetric(spec: MetricSpec, context: MetricContext): MetricResult {
  const name = metricName(spec);
  const label = metricLabel(spec);
  const fail = (message: string): MetricFailure => ({
    ok: false,
    spec,
    name,
    label,
    reason: FAILURE_REASON[spec.type],
    message,
  });
  const done = (result: Omit<MetricProposal, 'ok' | 'spec' | 'name' | 'label'>): MetricProposal => ({
    ok: true,
    spec,
    name,
    label,
    ...result,
  });
  const result = proposalFor(spec, context);
  return typeof result === 'string' ? fail(result) : done(result);
}

type Proposal = Omit<MetricProposal, 'ok' | 'spec' | 'name' | 'label'>;

function proposalFor(spec: MetricSpec, context: MetricContext): Proposal | string {
  const { observed } = context;
  switch (spec.type) {
    case 'Resource': {
      const resource = spec.resource;
      const sampleOf = (pod: Observed['pods'][number]) => {
        const entry = pod.resources?.[resource];
        if (entry?.usage === undefined) return undefined;
        return { value: entry.usage, sampledAt: entry.sampledAt, windowSeconds: entry.windowSeconds };
      };
      if (spec.target.type === 'Utilization')
        return utilizationProposal(resource, spec.target.averageUtilization, sampleOf, context);
      if (spec.target.type === 'AverageValue')
        return averageValueProposal(spec.target.averageValue, sampleOf, resource === 'cpu', context);
      return 'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set';
    }
    case 'Pods': {
      const sampleOf = (pod: Observed['pods'][number]) => {
        const value = pod.metrics?.[spec.metric];
        return value === undefined ? undefined : { value };
      };
      return averageValueProposal(spec.target.averageValue, sampleOf, false, context);
    }
    case 'Object': {
      const value = observed.objectMetrics?.[spec.metric];
      if (value === undefined)
        return `unable to get metric ${spec.metric}: no value observed on ${spec.object}`;
      return objectOrExternalProposal(value, spec.target, context);
    }
    case 'External': {
      const series = observed.externalMetrics?.[spec.metric];
      if (series === undefined) return `unable to get external metric ${spec.metric}: no value observed`;
      const total = series.reduce((sum, value) => sum + value, 0n);
      return objectOrExternalProposal(total, spec.target, context);
    }
  }
}

const NO_PODS = 'no pods returned by selector while calculating replica count';
const NO_SAMPLES = 'did not receive metrics for targeted pods (pods might be unready)';

function counts(groups: PodGroups) {
  return {
    ready: groups.ready.length,
    unready: groups.unready.length,
    missing: groups.missing.length,
    ignored: groups.ignored.length,
  };
}

/** Resource Utilization: percent of requests, a ratio of sums truncated to a whole percent. */
function utilizationProposal(
  resource: string,
  target: number,
  sampleOf: (pod: Observed['pods'][number]) => Omit<Sample, 'pod'> | undefined,
  { observed, tolerances, now, config }: MetricContext,
): Proposal | string {
  const current = observed.currentReplicas;
  if (observed.pods.length === 0) return NO_PODS;
  const groups = groupPods(observed.pods, sampleOf, resource === 'cpu', now, config);
  if (groups.ready.length === 0) return NO_SAMPLES;
  const withoutRequest = observed.pods.find((pod) => pod.resources?.[resource]?.request === undefined);
  if (withoutRequest) return `missing request for ${resource} in Pod ${withoutRequest.name}`;
  const request = (pod: Observed['pods'][number]) => pod.resources![resource]!.request!;

  const entries = groups.ready.map((sample) => ({ usage: sample.value, request: request(sample.pod) }));
  const first = utilization(entries, target);
  if (typeof first === 'string') return first;
  const pods = counts(groups);
  const currentValue = { averageUtilization: first.utilization, averageValue: first.averageValue };
  const base = { current: currentValue, ratio: first.ratio, pods };

  const scaleUpWithUnready = groups.unready.length > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && groups.missing.length === 0) {
    if (isWithin(tolerances, first.ratio)) return { ...base, proposal: current, outcome: 'within-tolerance' };
    return { ...base, proposal: Math.ceil(first.ratio * groups.ready.length), outcome: 'scaled' };
  }

  let missingAs: Recompute['missingAs'] = groups.missing.length > 0 ? 'left-out' : 'none';
  if (groups.missing.length > 0 && first.ratio !== 1) {
    // Scaling down: a pod without a sample is assumed at 100 % of its request, or at the target above 100 %.
    const fallback = BigInt(Math.max(100, target));
    missingAs = first.ratio < 1 ? 'request' : 'zero';
    for (const pod of groups.missing)
      entries.push({ usage: first.ratio < 1 ? (request(pod) * fallback) / 100n : 0n, request: request(pod) });
  }
  if (scaleUpWithUnready)
    for (const pod of groups.unready) entries.push({ usage: 0n, request: request(pod) });
  const second = utilization(entries, target);
  if (typeof second === 'string') return second;
  const recompute = {
    ratio: second.ratio,
    missingAs,
    unreadyAsZero: scaleUpWithUnready,
    podsCounted: entries.length,
  };
  return settle(first.ratio, second.ratio, entries.length, current, tolerances, { ...base, recompute });
}

function utilization(entries: { usage: bigint; request: bigint }[], target: number) {
  let usage = 0n;
  let requests = 0n;
  for (const entry of entries) {
    usage += entry.usage;
    requests += entry.request;
  }
  if (requests === 0n) return 'no metrics returned matched known pods';
  const percent = Number((usage * 100n) / requests);
  return { utilization: percent, ratio: percent / target, averageValue: usage / BigInt(entries.length) };
}

/** Resource AverageValue and Pods metrics: the mean per pod, in milli-units (integer division). */
function averageValueProposal(
  target: bigint,
  sampleOf: (pod: Observed['pods'][number]) => Omit<Sample, 'pod'> | undefined,
  cpu: boolean,
  { observed, tolerances, now, config }: MetricContext,
): Proposal | string {
  const current = observed.currentReplicas;
  if (observed.pods.length === 0) return NO_PODS;
  const groups = groupPods(observed.pods, sampleOf, cpu, now, config);
  if (groups.ready.length === 0) return NO_SAMPLES;
  const values = groups.ready.map((sample) => sample.value);
  const first = average(values, target);
  const pods = counts(groups);
  const base = { current: { averageValue: first.average }, ratio: first.ratio, pods };

  const scaleUpWithUnready = groups.unready.length > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && groups.missing.length === 0) {
    if (isWithin(tolerances, first.ratio)) return { ...base, proposal: current, outcome: 'within-tolerance' };
    return { ...base, proposal: Math.ceil(first.ratio * groups.ready.length), outcome: 'scaled' };
  }

  let missingAs: Recompute['missingAs'] = groups.missing.length > 0 ? 'left-out' : 'none';
  if (groups.missing.length > 0 && first.ratio !== 1) {
    // Scaling down: a pod without a sample is assumed exactly at the target.
    missingAs = first.ratio < 1 ? 'target' : 'zero';
    for (const _ of groups.missing) values.push(first.ratio < 1 ? target : 0n);
  }
  if (scaleUpWithUnready) for (const _ of groups.unready) values.push(0n);
  const second = average(values, target);
  const recompute = {
    ratio: second.ratio,
    missingAs,
    unreadyAsZero: scaleUpWithUnready,
    podsCounted: values.length,
  };
  return settle(first.ratio, second.ratio, values.length, current, tolerances, { ...base, recompute });
}

function average(values: bigint[], target: bigint) {
  const total = values.reduce((sum, value) => sum + value, 0n);
  const mean = total / BigInt(values.length);
  return { average: mean, ratio: Number(mean) / Number(target) };
}

/** After filling in missing and unready pods: scale only if the recomputed ratio still says so. */
function settle(
  ratio: number,
  newRatio: number,
  podsCounted: number,
  current: number,
  tolerances: Tolerances,
  base: Omit<Proposal, 'proposal' | 'outcome'>,
): Proposal {
  if (isWithin(tolerances, newRatio))
    return { ...base, proposal: current, outcome: 'recomputed-within-tolerance' };
  if ((ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1))
    return { ...base, proposal: current, outcome: 'direction-flip' };
  const proposal = Math.ceil(newRatio * podsCounted);
  if ((newRatio < 1 && proposal > current) || (newRatio > 1 && proposal < current))
    return { ...base, proposal: current, outcome: 'count-flip' };
  return { ...base, proposal, outcome: 'recomputed' };
}

/** Object and External metrics: one value for the whole target, not per pod. */
function objectOrExternalProposal(
  value: bigint,
  target: MetricSpec['target'],
  { observed, tolerances }: MetricContext,
): Proposal | string {
  if (target.type === 'Value') {
    const ratio = Number(value) / Number(target.value);
    const base = { current: { value }, ratio, total: value };
    const specReplicas = observed.currentReplicas;
    if (specReplicas === 0) return { ...base, proposal: Math.ceil(ratio), outcome: 'scaled' };
    if (isWithin(tolerances, ratio)) return { ...base, proposal: specReplicas, outcome: 'within-tolerance' };
    if (observed.pods.length === 0) return `unable to calculate ready pods: ${NO_PODS}`;
    const readyPods = readyPodCount(observed.pods);
    return { ...base, readyPods, proposal: Math.ceil(ratio * readyPods), outcome: 'scaled' };
  }
  if (target.type === 'AverageValue') {
    const statusReplicas = observed.statusReplicas ?? observed.currentReplicas;
    const ratio = Number(value) / (Number(target.averageValue) * statusReplicas);
    const current = {
      averageValue: statusReplicas > 0 ? BigInt(Math.ceil(Number(value) / statusReplicas)) : value,
    };
    const base = { current, ratio, total: value };
    if (isWithin(tolerances, ratio))
      return { ...base, proposal: statusReplicas, outcome: 'within-tolerance' };
    return { ...base, proposal: Math.ceil(Number(value) / Number(target.averageValue)), outcome: 'scaled' };
  }
  return 'invalid metric source: neither a value target nor an average value target was set';
}
