/**
 * `gantry simulate`: the HPA algorithm (`decide`, unchanged) run in simulated time against a
 * load profile and a simple capacity model, one sync every `syncPeriodSeconds`.
 *
 * The model, per sync at time t:
 *   rps          = the profile's load at t (linear between its points)
 *   ready        = replicas started at least `readinessDelaySeconds` ago (the load balancer
 *                  sends load only to them; the initial replicas are ready from the start)
 *   utilisation  = rps / (ready × capacity)              (> 1: more load than they can serve)
 *   unserved     = max(0, rps − ready × capacity)        requests/s turned away or timed out
 *   cpu usage    = min(utilisation, 1) × the pod's cpu request, on each ready pod:
 *                  capacity is reached at 100 % of the request, and a pod cannot do more
 *                  work than that, so cpu shows at most 100 % however high the load
 *   rps metric   = rps / ready, on each ready pod: requests arriving, served or not, as the
 *                  proxy in front of the pod counts them (Pods metric http_requests_per_second)
 * A replica that is not ready yet is a pod with `ready: false` and no samples of any metric,
 * which `decide` treats as Kubernetes treats it (counted as 0 when scaling up, at 100 % of its
 * request or at the target when scaling down; for CPU its first sample after becoming ready is
 * ignored within the initialization period). Memory, and any metric that is not cpu or the rps
 * metric, does not follow from a request rate: it is left out (`notSimulated`), which assumes
 * it never holds replicas up.
 *
 * The decision is applied at once: added replicas start at t; removed ones (not-ready first,
 * then the newest, as a ReplicaSet picks) leave at t without draining. Between syncs nothing
 * changes: a replica that becomes ready between two syncs serves from the next one, so the
 * unserved figures are slightly pessimistic when the readiness delay is not a multiple of
 * the sync period. Each row stands for the sync period that starts at its t.
 *
 * Pure: no clock (times are seconds from the start, `decide` gets milliseconds), no I/O.
 */
import { RPS_METRIC } from '../render/kubernetes/hpa.ts';
import { withDefaults } from './behavior.ts';
import { type Decision, decide } from './hpa.ts';
import {
  type ControllerConfig,
  DEFAULT_CONTROLLER,
  EMPTY_HISTORY,
  type HpaSpec,
  type MetricSpec,
  type PodState,
} from './hpa-data.ts';
import { type LoadProfile, loadAt, profileEnd } from './load-profile.ts';

export interface SimulationInput {
  spec: HpaSpec;
  load: LoadProfile;
  /** Requests per second one ready replica serves (at 100 % of its cpu request). */
  capacity: number;
  /** The pod's cpu request in millicores (summed over containers); a cpu Utilization target needs it, as in Kubernetes. */
  cpuRequestMilli?: bigint;
  /** Replicas at t = 0, all ready. */
  initialReplicas: number;
  /** The HPA's sync period: one decision and one timeline row per period. Kubernetes' default is 15 s. */
  syncPeriodSeconds: number;
  /** How long a new replica takes from start to ready (receiving load, reporting metrics). */
  readinessDelaySeconds: number;
  /** The last sync is at or before this time. */
  durationSeconds: number;
  config?: ControllerConfig;
}

export interface TimelineRow {
  /** Seconds from the start. */
  t: number;
  rps: number;
  replicas: {
    /** The target's replicas when the sync starts (ready or not). */
    current: number;
    /** What the HPA decided at this sync (the replicas for the coming period). */
    desired: number;
    /** Ready replicas, the ones serving load. */
    ready: number;
  };
  /** rps / (ready × capacity); null when no replica is ready. */
  utilisation: number | null;
  /** Requests per second beyond what the ready replicas serve. */
  unserved: number;
  /** The decision's reason, as Kubernetes names it (DesiredWithinRange, ScaleUpLimit…). */
  reason: string;
  /** What each simulated metric read: cpu as a whole percent of requests, rps per pod. */
  metrics: Record<string, number>;
}

export interface SimulationSummary {
  peakReplicas: number;
  /** The first time the peak was reached. */
  peakAt: number;
  /** Σ replicas (ready or not) × sync period: what the period would be billed for. */
  replicaSeconds: number;
  /** Seconds of the period that had load the ready replicas could not serve. */
  unservedSeconds: number;
  /** Σ unserved × sync period: requests not served over the period (approximately). */
  unservedRequests: number;
  /** How often each reason was given, in order of first appearance. */
  reasons: Record<string, number>;
}

export interface Simulation {
  /** The spec as simulated: only the metrics the capacity model drives. */
  spec: HpaSpec;
  /** Metrics of the HPA the model says nothing about (memory…), left out. */
  notSimulated: string[];
  timeline: TimelineRow[];
  summary: SimulationSummary;
}

/** The simulation cannot run: nothing it models drives this HPA. */
export class NothingToSimulate extends Error {}

/** At most this many syncs (a week of 15 s syncs is 40 320). */
export const MAX_SYNCS = 100_000;

/** Splits the HPA's metrics into those the capacity model drives (cpu, the rps metric) and the rest. */
export function loadDrivenMetrics(spec: HpaSpec): { simulated: MetricSpec[]; notSimulated: string[] } {
  const simulated: MetricSpec[] = [];
  const notSimulated: string[] = [];
  for (const metric of spec.metrics) {
    if (metric.type === 'Resource' && metric.resource === 'cpu') simulated.push(metric);
    else if (metric.type === 'Pods' && metric.metric === RPS_METRIC) simulated.push(metric);
    else notSimulated.push(metric.type === 'Resource' ? metric.resource : metric.metric);
  }
  return { simulated, notSimulated };
}

/**
 * How long to simulate when not told: the profile's last point, then the scale-down
 * stabilization window and the longest scale-down policy period, so the run shows where the
 * replicas settle after the load does.
 */
export function defaultDuration(
  spec: HpaSpec,
  load: LoadProfile,
  config: ControllerConfig = DEFAULT_CONTROLLER,
): number {
  const scaleDown = spec.behavior ? withDefaults(spec.behavior, config).scaleDown : undefined;
  const window = scaleDown?.stabilizationWindowSeconds ?? config.downscaleStabilizationWindowSeconds;
  const period = Math.max(0, ...(scaleDown?.policies ?? []).map((policy) => policy.periodSeconds));
  return profileEnd(load) + window + period;
}

interface SimPod {
  name: string;
  startedAt: number;
  readyAt: number;
}

export function simulate(input: SimulationInput): Simulation {
  const { simulated, notSimulated } = loadDrivenMetrics(input.spec);
  if (simulated.length === 0)
    throw new NothingToSimulate(
      `the HPA scales on ${notSimulated.join(' and ')} only; the simulation models cpu and requests per second`,
    );
  if (!(input.capacity > 0)) throw new RangeError(`capacity must be above 0, got ${input.capacity}`);
  if (!(input.syncPeriodSeconds > 0))
    throw new RangeError(`the sync period must be above 0, got ${input.syncPeriodSeconds}`);
  const syncs = Math.floor(input.durationSeconds / input.syncPeriodSeconds) + 1;
  if (syncs > MAX_SYNCS)
    throw new RangeError(`${syncs} syncs is more than the simulation runs (${MAX_SYNCS})`);

  const spec: HpaSpec = { ...input.spec, metrics: simulated };
  const config = input.config ?? DEFAULT_CONTROLLER;
  const step = input.syncPeriodSeconds;
  const longAgo = -3600;
  let pods: SimPod[] = Array.from({ length: input.initialReplicas }, (_, i) => ({
    name: `pod-${i + 1}`,
    startedAt: longAgo,
    readyAt: longAgo,
  }));
  let created = pods.length;
  let history = EMPTY_HISTORY;
  const timeline: TimelineRow[] = [];

  for (let i = 0; i < syncs; i++) {
    const t = i * step;
    const rps = loadAt(input.load, t);
    const ready = pods.filter((pod) => pod.readyAt <= t).length;
    const observedPods = pods.map((pod) => podState(pod, t, rps, ready, input));
    const decision = decide(
      spec,
      { currentReplicas: pods.length, pods: observedPods },
      history,
      t * 1000,
      config,
    );
    history = decision.history;
    const row: TimelineRow = {
      t,
      rps,
      replicas: { current: pods.length, desired: decision.desiredReplicas, ready },
      utilisation: ready > 0 ? rps / (ready * input.capacity) : rps > 0 ? null : 0,
      unserved: Math.max(0, rps - ready * input.capacity),
      reason: decision.reason,
      metrics: metricReadings(decision),
    };
    timeline.push(row);
    if (decision.rescale) {
      const desired = decision.desiredReplicas;
      while (pods.length < desired) {
        created++;
        pods.push({ name: `pod-${created}`, startedAt: t, readyAt: t + input.readinessDelaySeconds });
      }
      if (pods.length > desired) pods = scaleDownOrder(pods, t).slice(pods.length - desired);
    }
  }
  return { spec, notSimulated, timeline, summary: summarise(timeline, step) };
}

/** What the controller sees of one pod at t. */
function podState(pod: SimPod, t: number, rps: number, ready: number, input: SimulationInput): PodState {
  const isReady = pod.readyAt <= t;
  const request = input.cpuRequestMilli;
  const state: PodState = {
    name: pod.name,
    ready: isReady,
    startedAt: pod.startedAt * 1000,
    readyChangedAt: (isReady ? pod.readyAt : pod.startedAt) * 1000,
    resources: { cpu: request === undefined ? {} : { request } },
  };
  if (!isReady) return state;
  const share = Math.min(rps / (ready * input.capacity), 1);
  const usage = BigInt(Math.round(Number(request ?? 0n) * share));
  return {
    ...state,
    resources: { cpu: { ...(request === undefined ? {} : { request }), usage, sampledAt: t * 1000 } },
    metrics: { [RPS_METRIC]: BigInt(Math.round((rps / ready) * 1000)) },
  };
}

/** The pods to remove first come first: not ready yet, then the newest (ReplicaSet's order). */
function scaleDownOrder(pods: SimPod[], t: number): SimPod[] {
  const rank = (pod: SimPod) => (pod.readyAt <= t ? 1 : 0);
  return [...pods].sort((a, b) => rank(a) - rank(b) || b.startedAt - a.startedAt);
}

function metricReadings(decision: Decision): Record<string, number> {
  const readings: Record<string, number> = {};
  for (const result of decision.metrics) {
    if (!result.ok) continue;
    const { current } = result;
    if (current.averageUtilization !== undefined) readings[result.name] = current.averageUtilization;
    else if (current.averageValue !== undefined) readings[result.name] = Number(current.averageValue) / 1000;
  }
  return readings;
}

function summarise(timeline: TimelineRow[], step: number): SimulationSummary {
  let peakReplicas = 0;
  let peakAt = 0;
  let replicaSeconds = 0;
  let unservedSeconds = 0;
  let unservedRequests = 0;
  const reasons: Record<string, number> = {};
  for (const row of timeline) {
    // The period after this sync runs with the replicas just decided (new ones starting).
    const replicas = Math.max(row.replicas.current, row.replicas.desired);
    const running = row.replicas.desired;
    if (replicas > peakReplicas) {
      peakReplicas = replicas;
      peakAt = row.t;
    }
    replicaSeconds += running * step;
    if (row.unserved > 0) {
      unservedSeconds += step;
      unservedRequests += row.unserved * step;
    }
    reasons[row.reason] = (reasons[row.reason] ?? 0) + 1;
  }
  return { peakReplicas, peakAt, replicaSeconds, unservedSeconds, unservedRequests, reasons };
}
